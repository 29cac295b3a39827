/**
 * A loopback partner system for API channels, for tests, the e2e suite and
 * the demo: a real node:http server on 127.0.0.1 (ephemeral port) that
 * receives the hub's reply webhooks the way a well-behaved partner should
 * (see api/src/channels/api/send.ts for the wire format):
 *
 * - `POST {path}` (default `/hub-webhook`): verifies X-Hub-Signature-256 over
 *   "{X-Hub-Timestamp}.{raw body}" with `webhookSecret` and the timestamp
 *   window (5 minutes) → 401 `{ error: "<reason>" }` when wrong (recorded in `rejected`);
 *   a body that is not JSON → 400;
 *   otherwise records the delivery and answers 200 `{ id: "partner-msg-<n>" }`
 *   (or 204 without a body with `respondWithId: false`).
 *   A repeated X-Hub-Delivery answers 200 with the id of the first delivery
 *   and is marked `duplicate` (idempotency, as partners are asked to do).
 * - `failNext(count, status, { body, retryAfter })`: the next `count` valid
 *   deliveries answer `status` instead (and are not recorded as delivered).
 * - anything else → 404.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PARTNER_DELIVERY_HEADER, PARTNER_SIGNATURE_HEADER, PARTNER_TIMESTAMP_HEADER, verifyPartnerWebhook } from '../channels/api/signature.js';

export interface PartnerSandboxOptions {
  /** The channel's webhookSecret. */
  webhookSecret: string;
  /** Path of the webhook; default "/hub-webhook". */
  path?: string;
  /** Answer 200 `{ id }` (default) or 204 with no body. */
  respondWithId?: boolean;
}

/** One request the receiver accepted (2xx). */
export interface PartnerDelivery {
  deliveryId: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown>;
  /** The id answered, when `respondWithId`. */
  id: string | null;
  /** A redelivery of an X-Hub-Delivery already accepted. */
  duplicate: boolean;
}

/** One request the receiver refused (signature/timestamp/JSON) or failed on purpose. */
export interface PartnerRejection {
  status: number;
  reason: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface PartnerSandbox {
  /** The full webhook URL to configure as the channel's webhookUrl. */
  url: string;
  deliveries: PartnerDelivery[];
  rejected: PartnerRejection[];
  /** The next `count` well-signed deliveries answer `status` (with `body` JSON and Retry-After when given). */
  failNext(count: number, status: number, opts?: { body?: unknown; retryAfter?: number }): void;
  close(): Promise<void>;
}

export async function startPartnerSandbox(opts: PartnerSandboxOptions): Promise<PartnerSandbox> {
  const path = opts.path ?? '/hub-webhook';
  const deliveries: PartnerDelivery[] = [];
  const rejected: PartnerRejection[] = [];
  const failures: Array<{ status: number; body?: unknown; retryAfter?: number }> = [];
  const idsByDelivery = new Map<string, string | null>();
  let next = 1;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const rawBody = raw.toString('utf8');
      const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        if (body === undefined) res.writeHead(status, headers).end();
        else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      };
      const refuse = (status: number, reason: string) => {
        rejected.push({ status, reason, headers: req.headers, rawBody });
        answer(status, { error: reason });
      };

      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== path) {
        answer(404, { error: 'not found' });
        return;
      }
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const check = verifyPartnerWebhook(raw, { signature: header(PARTNER_SIGNATURE_HEADER), timestamp: header(PARTNER_TIMESTAMP_HEADER) }, opts.webhookSecret);
      if (!check.ok) return refuse(401, check.reason);
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        return refuse(400, 'body is not JSON');
      }
      if (!body || typeof body !== 'object') return refuse(400, 'body is not a JSON object');
      const failure = failures.shift();
      if (failure) {
        rejected.push({ status: failure.status, reason: 'failNext', headers: req.headers, rawBody });
        answer(failure.status, failure.body ?? { error: `HTTP ${failure.status}` }, failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {});
        return;
      }
      const deliveryId = header(PARTNER_DELIVERY_HEADER) ?? '';
      const duplicate = deliveryId !== '' && idsByDelivery.has(deliveryId);
      const id = duplicate ? idsByDelivery.get(deliveryId)! : opts.respondWithId === false ? null : `partner-msg-${next++}`;
      if (deliveryId && !duplicate) idsByDelivery.set(deliveryId, id);
      deliveries.push({ deliveryId, headers: req.headers, rawBody, body: body as Record<string, unknown>, id, duplicate });
      if (id === null) answer(204);
      else answer(200, { id, received: true });
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    deliveries,
    rejected,
    failNext(count, status, o = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, ...o });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
