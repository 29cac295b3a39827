/**
 * A local stand-in for the WhatsApp Business Cloud API (Graph API) send
 * endpoint, for tests, the demo and benchmarks. It is a real node:http server
 * on 127.0.0.1 with an ephemeral port, speaking Meta's wire format:
 *
 * - `POST {baseUrl}/{phoneNumberId}/messages` with `Authorization: Bearer <token>`
 *   and a JSON body `{ messaging_product: "whatsapp", to, type: "text", text: { body } , … }`
 *   → 200 `{ messaging_product: "whatsapp", contacts: [{ input, wa_id }], messages: [{ id: "wamid.HBgL…" }] }`
 * - wrong/missing token → 401 Graph error code 190 (OAuthException)
 * - unknown phone number id → 400 code 100 subcode 33
 * - malformed body → 400 code 100 "(#100) …" like Meta
 * - `GET {baseUrl}/{media-id}[?phone_number_id=…]` (media registered with `addMedia`)
 *   → 200 `{ messaging_product: "whatsapp", url, mime_type, sha256, file_size, id }`
 *   where `url` points back at this fake: `http://127.0.0.1:<port>/media-download/{media-id}?hash=…`;
 *   unknown media id (or a phone_number_id other than the known ones)
 *   → 400 code 100 subcode 33 GraphMethodException, like Meta
 * - `GET {baseUrl}/{phone-number-id}` → 200 `{ id, display_phone_number, verified_name, quality_rating }` (testChannel)
 * - `GET /media-download/{media-id}?hash=…` → 200 the bytes with the media's Content-Type;
 *   unknown id or wrong hash → 404 Graph error envelope
 * - both media calls require the bearer token like every other call
 * - anything else → 400 code 100 "Unknown path components"
 *
 * Error envelope (Graph API "Handling errors"):
 * `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }`.
 *
 * `baseUrl` already contains a version segment (`http://127.0.0.1:<port>/v21.0`),
 * like WHATSAPP_GRAPH_BASE_URL.
 *
 * Receipts (`opts.receipts`, the demo's provider sandbox): after each accepted
 * send, `delayMs` later the fake POSTs a `statuses` webhook "sent" to the hub's
 * `/webhooks/whatsapp`, then "delivered" and "read" `delayMs` apart (or
 * `receipts.statuses`), signed with the app secret like Meta
 * (`X-Hub-Signature-256`, see channels/whatsapp/signature.ts). Timers are
 * unref'd and cancelled by `close()`; `webhooks` records what the hub answered.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_PROVIDERS } from '../demo/data/channels.js';
import { signWhatsAppBody } from '../channels/whatsapp/signature.js';

const whatsappDemoChannel = DEMO_PROVIDERS.whatsapp;

/** A Graph error to answer with. */
export interface FakeGraphError {
  /** HTTP status; default 400. */
  httpStatus?: number;
  code: number;
  message: string;
  /** default "OAuthException" (Meta uses it for most WhatsApp errors) */
  type?: string;
  error_subcode?: number;
  /** error_data.details */
  details?: string;
}

/** The sync error Meta returns for a free-form message outside the 24-hour window. */
export const GRAPH_ERROR_REENGAGEMENT: FakeGraphError = {
  httpStatus: 400,
  code: 131047,
  message: '(#131047) Re-engagement message',
  details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
};

/** Meta's "recipient not in allowed list" (test numbers only). */
export const GRAPH_ERROR_RECIPIENT_NOT_ALLOWED: FakeGraphError = {
  httpStatus: 400,
  code: 131030,
  message: '(#131030) Recipient phone number not in allowed list',
  details: 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
};

/** A 1×1 PNG (70 bytes): what the fake serves for images by default. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** A minimal PDF (header, one empty page, trailer): what the fake serves for documents by default. */
export const TINY_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

/** A media file the fake knows. */
export interface FakeMedia {
  mimeType: string;
  /** Default: {@link TINY_PNG} for image/*, {@link TINY_PDF} for everything else. */
  bytes?: Buffer;
}

export interface FakeWhatsAppCloudOptions {
  /** Accepted bearer token; default the demo channel's accessToken. */
  accessToken?: string;
  /** Known phone number ids; default the demo channel's phoneNumberId. */
  phoneNumberIds?: string[];
  /** Version segment of baseUrl; default "v21.0". */
  version?: string;
  receipts?: WhatsAppReceiptsOptions;
}

export interface WhatsAppReceiptsOptions {
  /** The hub's webhook, e.g. `http://127.0.0.1:4000/webhooks/whatsapp`. */
  hubWebhookUrl: string;
  /** Default the demo channel's appSecret. */
  appSecret?: string;
  /** Delay before the first status, and between statuses, in milliseconds. */
  delayMs: number;
  /** Statuses to post in order; default ["sent", "delivered", "read"]. */
  statuses?: string[];
}

/** One status webhook the fake posted to the hub. */
export interface WhatsAppPostedWebhook {
  url: string;
  wamid: string;
  status: string;
  /** Hub's answer; 0 when the request failed (error set). */
  httpStatus: number;
  error?: string;
}

export interface RecordedRequest {
  method: string;
  /** e.g. "/v21.0/106540352242922/messages" */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
}

export interface FakeWhatsAppCloud {
  /** e.g. "http://127.0.0.1:53211/v21.0" */
  baseUrl: string;
  /** Every request received, in order (including rejected ones). */
  requests: RecordedRequest[];
  /** wamids returned so far, in order. */
  sentIds: string[];
  /** Receipts posted to the hub, in order. */
  webhooks: WhatsAppPostedWebhook[];
  /** Answer the next request with this Graph error (after recording it). */
  failNext(error: FakeGraphError): void;
  /** Delay the next response by `ms` milliseconds (to exercise client timeouts). */
  delayNext(ms: number): void;
  /** Makes `GET /{media-id}` and its download URL serve this file (replaces an earlier one). */
  addMedia(id: string, media: FakeMedia): void;
  /** Forgets a media id: both media calls answer errors afterwards. */
  removeMedia(id: string): void;
  close(): Promise<void>;
}

function fbtraceId(): string {
  return randomBytes(8).toString('base64url');
}

function graphError(e: FakeGraphError): { status: number; body: unknown } {
  const error: Record<string, unknown> = {
    message: e.message,
    type: e.type ?? 'OAuthException',
    code: e.code,
  };
  if (e.error_subcode !== undefined) error.error_subcode = e.error_subcode;
  if (e.details !== undefined) error.error_data = { messaging_product: 'whatsapp', details: e.details };
  error.fbtrace_id = fbtraceId();
  return { status: e.httpStatus ?? 400, body: { error } };
}

const param = (message: string): FakeGraphError => ({ code: 100, message, type: 'OAuthException' });

/**
 * A wamid shaped like Meta's: "wamid." + base64 of a small binary record that
 * starts 0x1c 0x18 <length of wa_id> <wa_id digits> … — so an 11-digit
 * recipient yields "wamid.HBgL…", a 12-digit one "wamid.HBgM…".
 */
export function fakeWamid(to: string): string {
  const digits = Buffer.from(to.replace(/\D/g, '').slice(0, 20), 'ascii');
  const tail = Buffer.from(randomBytes(10).toString('hex').toUpperCase(), 'ascii');
  const bytes = Buffer.concat([Buffer.from([0x1c, 0x18, digits.length]), digits, Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, tail.length]), tail, Buffer.from([0x00])]);
  return `wamid.${bytes.toString('base64')}`;
}

/** Validates a send body like the Cloud API does; returns the Graph error or null. */
function validateSendBody(body: unknown): FakeGraphError | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return param('(#100) The parameter messaging_product is required.');
  }
  const b = body as Record<string, unknown>;
  if (b.messaging_product === undefined) return param('(#100) The parameter messaging_product is required.');
  if (b.messaging_product !== 'whatsapp') return param('(#100) Param messaging_product must be one of {WHATSAPP} - got "' + String(b.messaging_product) + '".');
  if (b.recipient_type !== undefined && b.recipient_type !== 'individual' && b.recipient_type !== 'group') {
    return param('(#100) Param recipient_type must be one of {INDIVIDUAL, GROUP}');
  }
  if (typeof b.to !== 'string' || b.to === '') return param('(#100) The parameter to is required.');
  const type = b.type ?? 'text';
  if (type !== 'text') return param(`(#100) This fake only implements type "text", got ${JSON.stringify(type)}.`);
  const text = b.text as Record<string, unknown> | undefined;
  if (typeof text !== 'object' || text === null) return param("(#100) The parameter text['body'] is required.");
  if (typeof text.body !== 'string' || text.body === '') return param("(#100) The parameter text['body'] is required.");
  if (text.body.length > 4096) return param("(#100) Param text['body'] must be at most 4096 characters long.");
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') {
    return param("(#100) Param text['preview_url'] must be a boolean.");
  }
  if (b.context !== undefined) {
    const c = b.context as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || typeof c.message_id !== 'string' || c.message_id === '') {
      return param("(#100) The parameter context['message_id'] is required.");
    }
  }
  return null;
}

/**
 * Starts the fake on 127.0.0.1:0.
 * @returns the handle; call `close()` in afterAll/afterEach.
 */
export async function startFakeWhatsAppCloud(opts: FakeWhatsAppCloudOptions = {}): Promise<FakeWhatsAppCloud> {
  const token = opts.accessToken ?? whatsappDemoChannel.accessToken;
  const phoneNumberIds = new Set(opts.phoneNumberIds ?? [whatsappDemoChannel.phoneNumberId]);
  const version = opts.version ?? 'v21.0';
  const requests: RecordedRequest[] = [];
  const sentIds: string[] = [];
  const failures: FakeGraphError[] = [];
  const delays: number[] = [];
  const media = new Map<string, { mimeType: string; bytes: Buffer; hash: string }>();
  let origin = '';
  const webhooks: WhatsAppPostedWebhook[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  /** A Meta `statuses` webhook for one outbound message (shape of test/fixtures/providers/whatsapp/status-read.json). */
  async function postReceipt(r: WhatsAppReceiptsOptions, phoneNumberId: string, wamid: string, recipient: string, status: string) {
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: whatsappDemoChannel.businessAccountId,
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: whatsappDemoChannel.displayPhoneNumber, phone_number_id: phoneNumberId },
                statuses: [{ id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient }],
              },
              field: 'messages',
            },
          ],
        },
      ],
    };
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    const posted: WhatsAppPostedWebhook = { url: r.hubWebhookUrl, wamid, status, httpStatus: 0 };
    try {
      const res = await fetch(r.hubWebhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signWhatsAppBody(body, r.appSecret ?? whatsappDemoChannel.appSecret),
        },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      posted.httpStatus = res.status;
      await res.arrayBuffer();
    } catch (err) {
      posted.error = (err as Error)?.message ?? String(err);
    }
    webhooks.push(posted);
  }

  function scheduleReceipts(phoneNumberId: string, wamid: string, recipient: string) {
    const r = opts.receipts;
    if (!r) return;
    const statuses = r.statuses ?? ['sent', 'delivered', 'read'];
    const next = (i: number) => {
      if (closed || i >= statuses.length) return;
      const t = setTimeout(() => {
        timers.delete(t);
        if (closed) return;
        void postReceipt(r, phoneNumberId, wamid, recipient, statuses[i]!).then(() => next(i + 1));
      }, r.delayMs);
      t.unref();
      timers.add(t);
    };
    next(0);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      let jsonOk = false;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
        jsonOk = raw !== '';
      } catch {
        /* keep raw text */
      }
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });

      const answer = (status: number, payload: unknown) => {
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
          res.end(JSON.stringify(payload));
        };
        const delay = delays.shift();
        if (delay) setTimeout(send, delay);
        else send();
      };
      const answerBytes = (mimeType: string, bytes: Buffer) => {
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': mimeType, 'content-length': String(bytes.length) });
          res.end(bytes);
        };
        const delay = delays.shift();
        if (delay) setTimeout(send, delay);
        else send();
      };
      const fail = (e: FakeGraphError) => {
        const { status, body: b } = graphError(e);
        answer(status, b);
      };

      const forced = failures.shift();
      if (forced) return fail(forced);

      const auth = req.headers.authorization;
      if (!auth?.startsWith('Bearer ')) {
        return fail({ httpStatus: 400, code: 2500, type: 'OAuthException', message: 'An active access token must be used to query information about the current user.' });
      }
      if (auth.slice('Bearer '.length) !== token) {
        return fail({ httpStatus: 401, code: 190, type: 'OAuthException', message: 'Invalid OAuth access token - Cannot parse access token' });
      }

      const unsupportedGet = (id: string): FakeGraphError => ({
        code: 100,
        error_subcode: 33,
        type: 'GraphMethodException',
        message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      });
      const url = new URL(path, 'http://fake.invalid');
      if (req.method === 'GET') {
        const download = /^\/media-download\/([^/]+)$/.exec(url.pathname);
        if (download) {
          const item = media.get(decodeURIComponent(download[1]!));
          if (!item || url.searchParams.get('hash') !== item.hash) {
            return fail({ httpStatus: 404, code: 100, type: 'GraphMethodException', message: 'Media not found or URL expired' });
          }
          return answerBytes(item.mimeType, item.bytes);
        }
        const lookup = new RegExp(`^/${version.replace('.', '\\.')}/([^/]+)$`).exec(url.pathname);
        if (lookup) {
          const id = decodeURIComponent(lookup[1]!);
          // A business phone number (what testChannel reads), like Graph's WhatsAppBusinessPhoneNumber node.
          if (phoneNumberIds.has(id) && !media.has(id)) {
            return answer(200, { id, display_phone_number: '+31 20 215 2900', verified_name: 'ChargeCars', quality_rating: 'GREEN', code_verification_status: 'VERIFIED' });
          }
          const item = media.get(id);
          const phone = url.searchParams.get('phone_number_id');
          if (!item || (phone !== null && !phoneNumberIds.has(phone))) return fail(unsupportedGet(id));
          return answer(200, {
            messaging_product: 'whatsapp',
            url: `${origin}/media-download/${encodeURIComponent(id)}?hash=${item.hash}`,
            mime_type: item.mimeType,
            sha256: createHash('sha256').update(item.bytes).digest('hex'),
            file_size: String(item.bytes.length),
            id,
          });
        }
      }

      const m = new RegExp(`^/${version.replace('.', '\\.')}/([^/?]+)/messages(?:\\?.*)?$`).exec(path);
      if (!m || req.method !== 'POST') {
        return fail({ code: 2500, type: 'OAuthException', message: `Unknown path components: ${path}` });
      }
      const phoneNumberId = decodeURIComponent(m[1]!);
      if (!phoneNumberIds.has(phoneNumberId)) {
        return fail({
          code: 100,
          error_subcode: 33,
          type: 'GraphMethodException',
          message: `Unsupported post request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        });
      }
      if (!jsonOk) return fail(param('(#100) The parameter messaging_product is required.'));
      const invalid = validateSendBody(body);
      if (invalid) return fail(invalid);

      const to = (body as { to: string }).to;
      const id = fakeWamid(to);
      sentIds.push(id);
      answer(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to.replace(/\D/g, '') }], messages: [{ id }] });
      scheduleReceipts(phoneNumberId, id, to.replace(/\D/g, ''));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    baseUrl: `http://127.0.0.1:${port}/${version}`,
    requests,
    sentIds,
    webhooks,
    failNext(error) {
      failures.push(error);
    },
    delayNext(ms) {
      delays.push(ms);
    },
    addMedia(id, m) {
      const bytes = m.bytes ?? (m.mimeType.startsWith('image/') ? TINY_PNG : TINY_PDF);
      media.set(id, { mimeType: m.mimeType, bytes, hash: randomBytes(8).toString('hex') });
    },
    removeMedia(id) {
      media.delete(id);
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
