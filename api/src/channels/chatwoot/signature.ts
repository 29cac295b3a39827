/**
 * Webhook signatures of Chatwoot account webhooks.
 *
 * Every webhook POST carries:
 *
 *   X-Chatwoot-Timestamp: <Unix seconds, decimal>
 *   X-Chatwoot-Signature: sha256=<lowercase hex HMAC-SHA256(webhookSecret, "{timestamp}.{raw body bytes}")>
 *   X-Chatwoot-Delivery:  <delivery id, the same on every redelivery>
 *
 * The HMAC covers the timestamp, so a captured request cannot be replayed
 * later: a timestamp more than {@link CHATWOOT_TIMESTAMP_TOLERANCE_SECONDS}
 * away from the receiver's clock (in either direction) is refused. The body
 * is signed as sent: verify the raw bytes, never re-serialised JSON.
 *
 * Source: the provider fixtures README (api/test/fixtures/providers/README.md)
 * and Chatwoot "Webhooks" (https://www.chatwoot.com/docs/product/others/webhook-events).
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../shared/crypto.js';

/** Header names, lower-case as Node exposes them. */
export const CHATWOOT_SIGNATURE_HEADER = 'x-chatwoot-signature';
export const CHATWOOT_TIMESTAMP_HEADER = 'x-chatwoot-timestamp';
export const CHATWOOT_DELIVERY_HEADER = 'x-chatwoot-delivery';

/** Largest accepted distance between X-Chatwoot-Timestamp and the receiver's clock: 5 minutes, in seconds. */
export const CHATWOOT_TIMESTAMP_TOLERANCE_SECONDS = 300;

const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/;
const TIMESTAMP_RE = /^\d{1,12}$/;

/**
 * Computes the `X-Chatwoot-Signature` value of a body.
 * @param rawBody the exact body bytes (a string is encoded as UTF-8)
 * @param secret the account webhook secret
 * @param timestampSeconds the X-Chatwoot-Timestamp value (Unix seconds)
 * @returns `"sha256=<64 lowercase hex chars>"`
 */
export function signChatwootWebhook(rawBody: Buffer | string, secret: string, timestampSeconds: number | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
}

/**
 * Verifies `X-Chatwoot-Signature` for one secret. Constant time; never throws.
 * @param rawBody the body bytes as received
 * @param signature the header value, `undefined` when absent
 * @param timestamp the X-Chatwoot-Timestamp header value exactly as received (it is part of the signed text)
 * @param secret the webhook secret to try
 * @returns true only for a well-formed `sha256=<hex>` whose digest matches
 *   (hex digits in either case); false for anything missing, malformed or wrong,
 *   and for an empty secret. The timestamp's age is checked separately
 *   ({@link isFreshChatwootTimestamp}).
 */
export function verifyChatwootSignature(rawBody: Buffer, signature: string | undefined, timestamp: string | undefined, secret: string): boolean {
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !secret) return false;
  if (!TIMESTAMP_RE.test(timestamp)) return false;
  const match = SIGNATURE_RE.exec(signature.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  return constantTimeEqual(Buffer.from(match[1]!, 'hex'), expected);
}

/**
 * Whether an X-Chatwoot-Timestamp is within the tolerance of `nowMs`.
 * @param timestamp the header value: Unix seconds as decimal digits
 * @param nowMs the receiver's clock, milliseconds since the epoch
 * @returns false for a missing or malformed value, or one more than 5 minutes
 *   in the past or in the future (exactly 5 minutes is accepted)
 */
export function isFreshChatwootTimestamp(timestamp: string | undefined, nowMs: number): boolean {
  if (typeof timestamp !== 'string' || !TIMESTAMP_RE.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= CHATWOOT_TIMESTAMP_TOLERANCE_SECONDS;
}

/**
 * The three headers Chatwoot sends with a webhook, for tests, the sandbox and
 * the demo.
 * @param timestampSeconds default: now
 */
export function chatwootWebhookHeaders(
  rawBody: Buffer | string,
  secret: string,
  deliveryId: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    [CHATWOOT_TIMESTAMP_HEADER]: String(timestampSeconds),
    [CHATWOOT_SIGNATURE_HEADER]: signChatwootWebhook(rawBody, secret, timestampSeconds),
    [CHATWOOT_DELIVERY_HEADER]: deliveryId,
  };
}
