/**
 * A loopback stand-in for Twilio Programmable Messaging, for tests, the e2e
 * suite and the demo's provider sandbox: a real `node:http` server on
 * 127.0.0.1 (ephemeral port) speaking Twilio's REST wire format. Point
 * TWILIO_API_BASE_URL at `sandbox.url`.
 *
 * Served (Twilio Docs, "Message resource", "Accounts resource", "Media
 * resource", "Error and Warning Dictionary"):
 * - `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP basic auth
 *   `AccountSid:AuthToken`, form `To`, `From`, `Body`, `StatusCallback?`, `MediaUrl?`
 *   → 201 the Message resource JSON (`sid` "SM" + 32 hex, `status` "queued", …);
 *   errors as Twilio's envelope `{ code, message, more_info, status }`:
 *   401 20003 (no/wrong credentials), 404 20404 (another account's path or an unknown path),
 *   400 21604 (no To), 21603 (no From), 21602 (no Body nor MediaUrl), 21211 (To not E.164),
 *   21606 (From not one of `phoneNumbers`), 21617 (Body > 1600 characters),
 *   21609 (StatusCallback not an http(s) URL), 21610 (To opted out, see `optOut`
 *   and inbound STOP/START through `postInbound`).
 * - `GET /2010-04-01/Accounts/{AccountSid}.json` → 200 the Account resource
 *   (`status` from `accountStatus`, default "active").
 * - `GET /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}`
 *   (files registered with `addMedia` or `postInbound({ media })`), basic auth
 *   unless `mediaAuth: false` → 307 to `/cdn/{MediaSid}` on this server, which
 *   serves the bytes with their Content-Type; unknown → 404 20404.
 * - `failNext(status, …)`: the next API call(s) answer that status with a
 *   Twilio error body (and Retry-After when given).
 *
 * Webhooks to the hub, signed like Twilio (`X-Twilio-Signature` = base64
 * HMAC-SHA1(authToken, url + each param name+value sorted by name), computed
 * here independently of the adapter's verifier):
 * - `receipts: { delayMs }`: after each accepted send with a StatusCallback,
 *   POST "sent" after delayMs, then "delivered" after another delayMs
 *   (or `receipts.statuses`), signed over the StatusCallback URL exactly;
 * - `postInbound(...)`: an incoming SMS/MMS, signed over the channel's
 *   configured webhook URL and POSTed there (or to `postTo`, e.g. the hub's
 *   loopback address when the configured URL names a proxy);
 * - `postStatus(...)`: one status callback now (tests drive receipts without timers).
 *
 * Timers are unref'd and cancelled by `close()`.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { smsSegments } from '../channels/sms/segments.js';

const API = '/2010-04-01';
const E164 = /^\+[1-9]\d{1,14}$/;
const MAX_BODY = 1024 * 1024;
const OPT_OUT = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'];
const OPT_IN = ['START', 'YES', 'UNSTOP'];

/** A Twilio REST error to answer with. */
export interface TwilioSandboxError {
  /** HTTP status, e.g. 400, 429, 503. */
  status: number;
  /** Twilio error code; default 20429 for 429, 20500 for 5xx, else 21000. */
  code?: number;
  message?: string;
  /** Retry-After header in seconds. */
  retryAfter?: number;
}

export interface TwilioReceiptsOptions {
  /** Delay before the first status callback, and between callbacks, in milliseconds. */
  delayMs: number;
  /** MessageStatus values to post in order; default ["sent", "delivered"]. */
  statuses?: string[];
  /** ErrorCode sent with "undelivered"/"failed"; default 30003. */
  errorCode?: number;
}

export interface TwilioSandboxOptions {
  accountSid: string;
  authToken: string;
  /** Numbers owned by the account; when given, `From` must be one of them (else 21606). */
  phoneNumbers?: string[];
  /** Account friendly name; default "ChargeCars". */
  friendlyName?: string;
  /** Account status served by Accounts/{sid}.json; default "active". */
  accountStatus?: 'active' | 'suspended' | 'closed';
  /** Media URLs require basic auth (Twilio's "HTTP Basic Authentication for media access"); default true. */
  mediaAuth?: boolean;
  receipts?: TwilioReceiptsOptions;
}

/** One recorded API call. */
export interface TwilioSandboxRequest {
  method: string;
  /** Path without the query. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The form body (empty for GET). */
  form: URLSearchParams;
  /** Decoded basic-auth credentials, null when absent or malformed. */
  basicAuth: { username: string; password: string } | null;
  /** The status the fake answered. */
  status: number;
}

/** A message the fake accepted. */
export interface TwilioSandboxMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  /** Latest status (queued, then whatever receipts/postStatus posted). */
  status: string;
  /** The Message resource as answered. */
  resource: Record<string, unknown>;
}

/** One webhook the fake posted to the hub. */
export interface TwilioPostedWebhook {
  url: string;
  /** The URL the signature was computed over. */
  signedUrl: string;
  headers: Record<string, string>;
  params: URLSearchParams;
  rawBody: string;
  /** Hub's answer; 0 when the request failed (error set). */
  status: number;
  responseBody: string;
  contentType: string | null;
  error?: string;
}

export interface TwilioInboundInput {
  /** The webhook URL as configured on the number (the signed URL), e.g. "http://localhost:4000/webhooks/sms". */
  webhookUrl: string;
  /** Where to POST; default `webhookUrl`. */
  postTo?: string;
  /** Customer number (E.164). */
  from: string;
  /** The channel's number (E.164). */
  to: string;
  body?: string;
  /** MMS files: registered with the fake, sent as MediaUrl{N}/MediaContentType{N}. */
  media?: Array<{ contentType: string; bytes: Buffer }>;
  /** Default "SM…" (or "MM…" with media) + 32 hex. */
  messageSid?: string;
  /** Extra or overriding form parameters. */
  extra?: Record<string, string>;
  /** Sign with this token instead of the sandbox's (tests of rejection). */
  authToken?: string;
}

export interface TwilioSandbox {
  /** TWILIO_API_BASE_URL for the hub, e.g. "http://127.0.0.1:53211" (no trailing slash). */
  url: string;
  accountSid: string;
  authToken: string;
  requests: TwilioSandboxRequest[];
  /** Accepted sends, in order. */
  messages: TwilioSandboxMessage[];
  /** Webhooks posted to the hub (receipts, postInbound, postStatus), in order. */
  webhooks: TwilioPostedWebhook[];
  /** Numbers that replied STOP (sends to them answer 21610). */
  optedOut: Set<string>;
  /** The next `count` (default 1) API calls answer this error. */
  failNext(error: TwilioSandboxError, count?: number): void;
  /** Marks a number as opted out (true) or back in (false). */
  optOut(number: string, optedOut?: boolean): void;
  /** Registers a file as media of `messageSid` (default a new MM sid); returns its media URL on this fake. */
  addMedia(contentType: string, bytes: Buffer, messageSid?: string): string;
  /** Posts a signed incoming SMS/MMS to the hub; STOP/START keywords also update `optedOut`, like Twilio. */
  postInbound(input: TwilioInboundInput): Promise<TwilioPostedWebhook & { messageSid: string }>;
  /** Posts one signed status callback for an accepted message to its StatusCallback (or `url`). */
  postStatus(messageSid: string, status: string, opts?: { errorCode?: number; url?: string }): Promise<TwilioPostedWebhook>;
  /** Resolves when every scheduled receipt has been posted (or cancelled by close). */
  receiptsSettled(): Promise<void>;
  /** Stops the server and cancels pending receipts; calling it again does nothing. */
  close(): Promise<void>;
}

/** "SM"/"MM"/"ME" + 32 lowercase hex digits. */
export function twilioSid(prefix: 'SM' | 'MM' | 'ME' | 'AC'): string {
  return prefix + randomBytes(16).toString('hex');
}

/**
 * The `X-Twilio-Signature` Twilio sends: base64 HMAC-SHA1 of `url` followed by
 * every parameter name+value, sorted by name (Twilio Docs, "Webhooks security").
 */
export function signTwilioRequest(authToken: string, url: string, params: URLSearchParams): string {
  const pairs = [...params].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let data = url;
  for (const [k, v] of pairs) data += k + v;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Signs `params` over `signedUrl` and POSTs them form-encoded to `postTo` (default
 * `signedUrl`) with the headers Twilio sends.
 * @returns what the hub answered; never throws (a network error gives status 0 and `error`)
 */
export async function postTwilioWebhook(input: { signedUrl: string; postTo?: string; authToken: string; params: URLSearchParams }): Promise<TwilioPostedWebhook> {
  const url = input.postTo ?? input.signedUrl;
  const rawBody = input.params.toString();
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: '*/*',
    'user-agent': 'TwilioProxy/1.1',
    'i-twilio-idempotency-token': randomUUID(),
    'x-twilio-signature': signTwilioRequest(input.authToken, input.signedUrl, input.params),
  };
  const posted: TwilioPostedWebhook = {
    url,
    signedUrl: input.signedUrl,
    headers,
    params: input.params,
    rawBody,
    status: 0,
    responseBody: '',
    contentType: null,
  };
  try {
    const res = await fetch(url, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(15_000) });
    posted.status = res.status;
    posted.contentType = res.headers.get('content-type');
    posted.responseBody = await res.text();
  } catch (err) {
    posted.error = (err as Error)?.message ?? String(err);
  }
  return posted;
}

const COUNTRY: Array<[string, string]> = [
  ['+31', 'NL'],
  ['+32', 'BE'],
  ['+33', 'FR'],
  ['+39', 'IT'],
  ['+41', 'CH'],
  ['+43', 'AT'],
  ['+44', 'GB'],
  ['+49', 'DE'],
  ['+1', 'US'],
];
const countryOf = (n: string) => COUNTRY.find(([p]) => n.startsWith(p))?.[1] ?? '';

/** The form of an incoming SMS/MMS as Twilio posts it (parameter order as Twilio's). */
export function inboundSmsParams(input: {
  accountSid: string;
  messageSid: string;
  from: string;
  to: string;
  body: string;
  media?: Array<{ url: string; contentType: string }>;
  extra?: Record<string, string>;
}): URLSearchParams {
  const p = new URLSearchParams();
  const media = input.media ?? [];
  p.set('ToCountry', countryOf(input.to));
  media.forEach((m, i) => {
    p.set(`MediaContentType${i}`, m.contentType);
  });
  p.set('ToState', '');
  p.set('SmsMessageSid', input.messageSid);
  p.set('NumMedia', String(media.length));
  p.set('ToCity', '');
  p.set('FromZip', '');
  p.set('SmsSid', input.messageSid);
  p.set('FromState', '');
  p.set('SmsStatus', 'received');
  p.set('FromCity', '');
  p.set('Body', input.body);
  p.set('FromCountry', countryOf(input.from));
  p.set('To', input.to);
  p.set('ToZip', '');
  p.set('NumSegments', String(Math.max(1, smsSegments(input.body).segments)));
  p.set('MessageSid', input.messageSid);
  p.set('AccountSid', input.accountSid);
  p.set('From', input.from);
  p.set('ApiVersion', '2010-04-01');
  media.forEach((m, i) => {
    p.set(`MediaUrl${i}`, m.url);
  });
  for (const [k, v] of Object.entries(input.extra ?? {})) p.set(k, v);
  return p;
}

/** RFC 2822 date as Twilio writes it: "Thu, 24 Aug 2023 05:01:45 +0000". */
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

function errorBody(status: number, code: number, message: string): Record<string, unknown> {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function defaultCode(status: number): number {
  if (status === 429) return 20429;
  if (status >= 500) return 20500;
  if (status === 401) return 20003;
  if (status === 404) return 20404;
  return 21000;
}

function parseBasicAuth(header: string | undefined): { username: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts the fake on 127.0.0.1 with an ephemeral port.
 * @returns the handle; call `close()` when done
 */
export async function startTwilioSandbox(opts: TwilioSandboxOptions): Promise<TwilioSandbox> {
  const { accountSid, authToken } = opts;
  const requests: TwilioSandboxRequest[] = [];
  const messages: TwilioSandboxMessage[] = [];
  const webhooks: TwilioPostedWebhook[] = [];
  const optedOut = new Set<string>();
  const media = new Map<string, { messageSid: string; contentType: string; bytes: Buffer }>();
  const failures: TwilioSandboxError[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  let baseUrl = '';

  const accountResource = () => ({
    sid: accountSid,
    friendly_name: opts.friendlyName ?? 'ChargeCars',
    status: opts.accountStatus ?? 'active',
    type: 'Full',
    owner_account_sid: accountSid,
    date_created: 'Mon, 02 Mar 2026 09:00:00 +0000',
    date_updated: 'Mon, 02 Mar 2026 09:00:00 +0000',
    uri: `${API}/Accounts/${accountSid}.json`,
    subresource_uris: { messages: `${API}/Accounts/${accountSid}/Messages.json` },
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  function statusParams(m: TwilioSandboxMessage, status: string, errorCode?: number): URLSearchParams {
    const p = new URLSearchParams();
    if (errorCode !== undefined) p.set('ErrorCode', String(errorCode));
    p.set('SmsSid', m.sid);
    p.set('SmsStatus', status);
    p.set('MessageStatus', status);
    p.set('To', m.to);
    p.set('MessageSid', m.sid);
    p.set('AccountSid', accountSid);
    p.set('From', m.from);
    p.set('ApiVersion', '2010-04-01');
    return p;
  }

  async function postStatus(messageSid: string, status: string, o: { errorCode?: number; url?: string } = {}) {
    const m = messages.find((x) => x.sid === messageSid);
    if (!m) throw new Error(`twilio sandbox: no message ${messageSid}`);
    const url = o.url ?? m.statusCallback;
    if (!url) throw new Error(`twilio sandbox: message ${messageSid} has no StatusCallback`);
    const failed = status === 'failed' || status === 'undelivered';
    const errorCode = o.errorCode ?? (failed ? (opts.receipts?.errorCode ?? 30003) : undefined);
    m.status = status;
    const posted = await postTwilioWebhook({ signedUrl: url, authToken, params: statusParams(m, status, errorCode) });
    webhooks.push(posted);
    return posted;
  }

  function scheduleReceipts(m: TwilioSandboxMessage) {
    const r = opts.receipts;
    if (!r || !m.statusCallback) return;
    const statuses = r.statuses ?? ['sent', 'delivered'];
    const step = (i: number) => {
      if (closed || i >= statuses.length) return;
      const t = setTimeout(() => {
        timers.delete(t);
        if (closed) return;
        const p = postStatus(m.sid, statuses[i]!)
          .then(() => step(i + 1))
          .catch(() => undefined); // postTwilioWebhook records failures itself
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }, r.delayMs);
      t.unref();
      timers.add(t);
    };
    step(0);
  }

  function createMessage(form: URLSearchParams): { status: number; body: Record<string, unknown> } {
    const to = form.get('To');
    const from = form.get('From');
    const body = form.get('Body') ?? '';
    const mediaUrls = form.getAll('MediaUrl');
    const statusCallback = form.get('StatusCallback');
    if (!to) return { status: 400, body: errorBody(400, 21604, "A 'To' phone number is required.") };
    if (!from && !form.get('MessagingServiceSid')) return { status: 400, body: errorBody(400, 21603, "A 'From' phone number is required.") };
    if (!body && mediaUrls.length === 0) return { status: 400, body: errorBody(400, 21602, 'Message body is required.') };
    if (!E164.test(to)) return { status: 400, body: errorBody(400, 21211, `Invalid 'To' Phone Number: ${to}`) };
    if (from && opts.phoneNumbers && !opts.phoneNumbers.includes(from)) {
      return {
        status: 400,
        body: errorBody(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`),
      };
    }
    if (body.length > 1600) return { status: 400, body: errorBody(400, 21617, 'The concatenated message body exceeds the 1600 character limit.') };
    if (statusCallback !== null) {
      let ok = false;
      try {
        ok = /^https?:$/.test(new URL(statusCallback).protocol);
      } catch {
        ok = false;
      }
      if (!ok) return { status: 400, body: errorBody(400, 21609, 'Invalid StatusCallback url') };
    }
    if (optedOut.has(to)) return { status: 400, body: errorBody(400, 21610, 'Attempt to send to unsubscribed recipient') };

    const sid = twilioSid('SM');
    const now = rfc2822(new Date());
    const resource: Record<string, unknown> = {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: form.get('MessagingServiceSid'),
      num_media: String(mediaUrls.length),
      num_segments: String(Math.max(1, smsSegments(body).segments)),
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      subresource_uris: { media: `${API}/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `${API}/Accounts/${accountSid}/Messages/${sid}.json`,
    };
    const m: TwilioSandboxMessage = { sid, to, from: from ?? '', body, statusCallback, status: 'queued', resource };
    messages.push(m);
    scheduleReceipts(m);
    return { status: 201, body: resource };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = u.pathname;
      let rawBody = '';
      try {
        rawBody = await readBody(req);
      } catch {
        send(res, 413, errorBody(413, 21000, 'Request body too large'));
        return;
      }
      const form = new URLSearchParams(req.method === 'POST' ? rawBody : '');
      const basicAuth = parseBasicAuth(req.headers.authorization);
      const record: TwilioSandboxRequest = { method: req.method ?? 'GET', path, headers: req.headers, rawBody, form, basicAuth, status: 0 };
      requests.push(record);
      const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
        record.status = status;
        send(res, status, body, headers);
      };

      // The CDN behind media redirects: no credentials, like Twilio's signed CDN URLs.
      const cdn = /^\/cdn\/(ME[0-9a-f]{32})$/.exec(path);
      if (cdn && req.method === 'GET') {
        const file = media.get(cdn[1]!);
        if (!file) return answer(404, errorBody(404, 20404, `The requested resource ${path} was not found`));
        record.status = 200;
        res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
        res.end(file.bytes);
        return;
      }

      if (!path.startsWith(`${API}/`)) return answer(404, errorBody(404, 20404, `The requested resource ${path} was not found`));
      const failure = failures.shift();
      if (failure) {
        const code = failure.code ?? defaultCode(failure.status);
        const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
        return answer(failure.status, errorBody(failure.status, code, failure.message ?? (failure.status === 429 ? 'Too Many Requests' : 'Error')), headers);
      }

      const mediaMatch = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)$/.exec(path);
      const authorized = basicAuth?.username === accountSid && basicAuth.password === authToken;
      if (!(mediaMatch && opts.mediaAuth === false) && !authorized) {
        return answer(
          401,
          { ...errorBody(401, 20003, 'Authenticate'), detail: 'Your AccountSid or AuthToken was incorrect.' },
          {
            'www-authenticate': 'Basic realm="Twilio API"',
          },
        );
      }
      const notFound = () => answer(404, errorBody(404, 20404, `The requested resource ${path} was not found`));

      if (mediaMatch && req.method === 'GET') {
        const file = media.get(mediaMatch[3]!);
        if (mediaMatch[1] !== accountSid || !file || file.messageSid !== mediaMatch[2]) return notFound();
        record.status = 307;
        res.writeHead(307, { location: `${baseUrl}/cdn/${mediaMatch[3]}`, 'content-length': 0 });
        res.end();
        return;
      }
      if (path === `${API}/Accounts/${accountSid}.json` && req.method === 'GET') return answer(200, accountResource());
      if (path === `${API}/Accounts/${accountSid}/Messages.json` && req.method === 'POST') {
        const r = createMessage(form);
        return answer(r.status, r.body);
      }
      return notFound();
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, errorBody(500, 20500, String((err as Error)?.message ?? err)));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function addMedia(contentType: string, bytes: Buffer, messageSid = twilioSid('MM')): string {
    const mediaSid = twilioSid('ME');
    media.set(mediaSid, { messageSid, contentType, bytes });
    return `${baseUrl}${API}/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
  }

  return {
    url: baseUrl,
    accountSid,
    authToken,
    requests,
    messages,
    webhooks,
    optedOut,
    failNext(error, count = 1) {
      for (let i = 0; i < count; i++) failures.push(error);
    },
    optOut(number, out = true) {
      if (out) optedOut.add(number);
      else optedOut.delete(number);
    },
    addMedia,
    async postInbound(input) {
      const files = input.media ?? [];
      const messageSid = input.messageSid ?? twilioSid(files.length ? 'MM' : 'SM');
      const body = input.body ?? '';
      const params = inboundSmsParams({
        accountSid,
        messageSid,
        from: input.from,
        to: input.to,
        body,
        media: files.map((f) => ({ url: addMedia(f.contentType, f.bytes, messageSid), contentType: f.contentType })),
        ...(input.extra ? { extra: input.extra } : {}),
      });
      const word = body.trim().toUpperCase();
      if (OPT_OUT.includes(word)) optedOut.add(input.from);
      if (OPT_IN.includes(word)) optedOut.delete(input.from);
      const posted = await postTwilioWebhook({
        signedUrl: input.webhookUrl,
        ...(input.postTo ? { postTo: input.postTo } : {}),
        authToken: input.authToken ?? authToken,
        params,
      });
      webhooks.push(posted);
      return { ...posted, messageSid };
    },
    postStatus,
    async receiptsSettled() {
      while (timers.size > 0 || pending.size > 0) {
        if (pending.size > 0) await Promise.allSettled([...pending]);
        else await new Promise((r) => setTimeout(r, Math.max(5, opts.receipts?.delayMs ?? 5)));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
