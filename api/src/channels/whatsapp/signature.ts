/**
 * Webhook payload signatures for the WhatsApp Business Cloud API.
 *
 * Meta signs every webhook POST with the app secret of the Meta app the
 * webhook is subscribed through:
 *
 *   X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(appSecret, raw request body bytes)>
 *
 * The HMAC is computed over the body bytes exactly as sent. Meta escapes
 * non-ASCII characters and "/" in its JSON (`\u00e8`, `\/`), so re-serialising
 * a parsed body changes the bytes and the signature no longer matches: always
 * verify the raw `Buffer` before parsing.
 *
 * Source: Meta for Developers, "Webhooks – Getting Started: Validating
 * payloads" (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads)
 * and WhatsApp Cloud API "Set up webhooks".
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../shared/crypto.js';

/** Name of the HTTP header that carries the signature (lower-case, as Node exposes it). */
export const WHATSAPP_SIGNATURE_HEADER = 'x-hub-signature-256';

const PREFIX = 'sha256=';
/** "sha256=" followed by exactly 64 hex digits (32-byte SHA-256 digest). */
const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Computes the `X-Hub-Signature-256` header value for a body.
 *
 * @param rawBody the exact request body bytes (a string is encoded as UTF-8)
 * @param appSecret the Meta app secret
 * @returns `"sha256=<64 lowercase hex chars>"`
 *
 * Used by tests, the demo replay and benchmarks to sign fixture payloads.
 */
export function signWhatsAppBody(rawBody: Buffer | string, appSecret: string): string {
  return PREFIX + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/**
 * Verifies an `X-Hub-Signature-256` header against the raw body bytes.
 *
 * Constant time: the comparison uses `crypto.timingSafeEqual` on equal-length
 * 32-byte digests (length is checked by the format test first, so
 * timingSafeEqual never throws).
 *
 * @param rawBody the exact request body bytes as received (never re-serialised JSON)
 * @param header the header value, e.g. `"sha256=3f1c…"`; `undefined` when absent.
 *   The `sha256=` prefix is case-sensitive as Meta sends it; the hex digits may
 *   be either case.
 * @param appSecret the Meta app secret of the channel the payload is routed to
 * @returns `true` only for a well-formed header whose digest matches; `false`
 *   for a missing, empty, malformed or wrong signature, or an empty app secret.
 *   Never throws.
 */
export function verifyWhatsAppSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (typeof header !== 'string' || !appSecret) return false;
  const match = SIGNATURE_RE.exec(header.trim());
  if (!match) return false;
  const received = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return constantTimeEqual(received, expected);
}
