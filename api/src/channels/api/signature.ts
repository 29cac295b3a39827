/**
 * Signatures of the webhooks the hub sends to partner systems (API channels).
 *
 * Every POST to a partner's `webhookUrl` carries:
 *
 *   X-Hub-Timestamp:     <Unix seconds, decimal>
 *   X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(webhookSecret, "{X-Hub-Timestamp}.{raw body bytes}")>
 *   X-Hub-Delivery:      <the hub's message id: the same on every retry, an idempotency key>
 *
 * A partner verifies like this (Node):
 *
 * ```ts
 * import { verifyPartnerWebhook } from '<hub>/api/src/channels/api/signature.js';
 * const result = verifyPartnerWebhook(rawBodyBuffer, {
 *   signature: req.headers['x-hub-signature-256'], timestamp: req.headers['x-hub-timestamp'],
 * }, process.env.HUB_WEBHOOK_SECRET);
 * if (!result.ok) return res.status(401).end();   // result.reason says why
 * ```
 *
 * or in any language: reject when |now - timestamp| > 300 s, compute the
 * HMAC over the timestamp, a dot and the raw body bytes (before parsing the
 * JSON), compare the hex digests in constant time, and drop a repeated
 * X-Hub-Delivery.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../shared/crypto.js';

/** Header names, lower-case as Node exposes them. */
export const PARTNER_SIGNATURE_HEADER = 'x-hub-signature-256';
export const PARTNER_TIMESTAMP_HEADER = 'x-hub-timestamp';
export const PARTNER_DELIVERY_HEADER = 'x-hub-delivery';

/** Largest accepted distance between X-Hub-Timestamp and the receiver's clock: 5 minutes, in seconds. */
export const PARTNER_TIMESTAMP_TOLERANCE_SECONDS = 300;

const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/;
const TIMESTAMP_RE = /^\d{1,12}$/;

/**
 * The `X-Hub-Signature-256` value of a body.
 * @param body the exact body bytes (a string is encoded as UTF-8)
 * @param secret the channel's webhookSecret
 * @param timestamp the X-Hub-Timestamp value, Unix seconds
 * @returns `"sha256=<64 lowercase hex chars>"`
 */
export function signPartnerWebhook(body: Buffer | string, secret: string, timestamp: number | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export type PartnerVerification = { ok: true } | { ok: false; reason: 'missing-header' | 'malformed-header' | 'stale-timestamp' | 'bad-signature' };

/**
 * Verifies a hub webhook as a partner receives it. Constant time; never throws.
 * @param body the raw body bytes as received
 * @param headers the X-Hub-Signature-256 and X-Hub-Timestamp values (undefined when absent)
 * @param secret the shared webhookSecret
 * @param opts.now the receiver's clock (default now); opts.toleranceSeconds default 300
 * @returns `{ ok: true }`, or the first reason it fails: a header missing, a
 *   malformed header, a timestamp more than the tolerance away (past or
 *   future), or a signature that does not match
 */
export function verifyPartnerWebhook(
  body: Buffer | string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  secret: string,
  opts: { now?: Date; toleranceSeconds?: number } = {},
): PartnerVerification {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, reason: 'missing-header' };
  const match = SIGNATURE_RE.exec(signature.trim());
  if (!match || !TIMESTAMP_RE.test(timestamp.trim())) return { ok: false, reason: 'malformed-header' };
  const nowSeconds = (opts.now ?? new Date()).getTime() / 1000;
  if (Math.abs(nowSeconds - Number(timestamp)) > (opts.toleranceSeconds ?? PARTNER_TIMESTAMP_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'stale-timestamp' };
  }
  if (!secret) return { ok: false, reason: 'bad-signature' };
  const expected = createHmac('sha256', secret).update(`${timestamp.trim()}.`).update(body).digest();
  return constantTimeEqual(Buffer.from(match[1]!, 'hex'), expected) ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
