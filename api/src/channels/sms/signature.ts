/**
 * Twilio webhook signatures (`X-Twilio-Signature`).
 *
 * Twilio signs every webhook it sends with the account's auth token
 * (Twilio Docs, "Webhooks security" → "Validating signatures from Twilio",
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security):
 *
 *   1. take the full URL of the request exactly as configured in Twilio,
 *      query string included (for a status callback: the `StatusCallback` URL
 *      given when sending);
 *   2. for an `application/x-www-form-urlencoded` POST, sort the POST
 *      parameters by name (case-sensitive code-unit order) and append each
 *      name immediately followed by its (decoded) value, no delimiters;
 *      a name that occurs several times contributes each distinct value,
 *      values sorted;
 *   3. `X-Twilio-Signature = base64(HMAC-SHA1(authToken, UTF-8 of that string))`.
 *
 * Verification follows twilio-node's `validateRequest` (src/webhooks/webhooks.ts):
 * the signature is accepted when it matches the URL either with or without an
 * explicit port (`https://h/x` is also tried as `https://h:443/x`, and
 * `http://h:4000/x` as `http://h/x`), because Twilio's own signing has been
 * inconsistent about ports. twilio-node 5 also normalises the URL with WHATWG
 * `new URL(url).toString()` (which drops a default port again) while older
 * releases did not, so the URL as configured, its WHATWG form, and both port
 * variants are all tried; every candidate names the same endpoint, so this
 * widens nothing an attacker without the auth token could use. Comparison is
 * constant-time and evaluates every candidate.
 *
 * Form bodies are parsed with `URLSearchParams`, which decodes `+` as a space
 * and percent-escapes as UTF-8 — the same decoding Twilio's signer used, so
 * non-ASCII Dutch/Italian text verifies.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../shared/crypto.js';

/** Name of the signature header (lower-case, as Node exposes it). */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/** POST parameters grouped by name; a name sent more than once has several values. */
export type TwilioParams = Record<string, string | string[]>;

/**
 * Groups form parameters by name (keeping repeated names as arrays).
 * @param form the parsed body
 */
export function formToParams(form: URLSearchParams): TwilioParams {
  const out: TwilioParams = Object.create(null) as TwilioParams;
  for (const [k, v] of form) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}

/**
 * The string Twilio signs: `url` followed by every name+value, sorted by name.
 * @param url the URL exactly as Twilio signs it (not normalised here)
 */
export function twilioSignaturePayload(url: string, params: TwilioParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!;
    if (Array.isArray(value)) {
      for (const v of [...new Set(value)].sort()) data += key + v;
    } else {
      data += key + value;
    }
  }
  return data;
}

/**
 * Computes `X-Twilio-Signature` for a URL and POST parameters.
 *
 * @param authToken the account's auth token (HMAC key)
 * @param url the webhook URL as configured in Twilio, query string included
 * @param params POST parameters (decoded); a `URLSearchParams` is grouped by name
 * @returns base64 of the 20-byte HMAC-SHA1, e.g. "RSOYDt4T1cUTdK1PDd93/VVr8B8="
 */
export function computeTwilioSignature(authToken: string, url: string, params: TwilioParams | URLSearchParams): string {
  const p = params instanceof URLSearchParams ? formToParams(params) : params;
  return createHmac('sha1', authToken)
    .update(Buffer.from(twilioSignaturePayload(url, p), 'utf8'))
    .digest('base64');
}

/** The URL with the scheme's default port written out (twilio-node `addPort`), or unchanged when it has a port. */
function withPort(u: URL): string {
  if (u.port) return u.toString();
  const port = u.protocol === 'https:' ? ':443' : ':80';
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  return `${u.protocol}//${auth}${u.host}${port}${u.pathname}${u.search}${u.hash}`;
}

/** The URL without any port (twilio-node `removePort`). */
function withoutPort(u: URL): string {
  const c = new URL(u.toString());
  c.port = '';
  return c.toString();
}

/**
 * Verifies an `X-Twilio-Signature` header like twilio-node's `validateRequest`.
 *
 * @param authToken the auth token of the account the request routes to
 * @param header the header value; `undefined`/empty → false
 * @param url the URL Twilio signed (configured webhook URL, or the status callback URL)
 * @param params the POST parameters as received
 * @returns true when the signature matches the URL (as given, WHATWG-normalised,
 *   with or without its port);
 *   false for a missing header, an empty token or an unparsable URL. Never throws.
 */
export function verifyTwilioSignature(authToken: string, header: string | undefined, url: string, params: TwilioParams | URLSearchParams): boolean {
  if (!authToken || typeof header !== 'string' || header === '') return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const p = params instanceof URLSearchParams ? formToParams(params) : params;
  const received = Buffer.from(header.trim(), 'utf8');
  let ok = false;
  // Evaluate every candidate (no early exit) so timing does not reveal which one matched.
  const candidates = new Set([url, u.toString(), withPort(u), withoutPort(u)]);
  for (const candidate of candidates) {
    const expected = Buffer.from(computeTwilioSignature(authToken, candidate, p), 'utf8');
    ok = constantTimeEqual(received, expected) || ok;
  }
  return ok;
}
