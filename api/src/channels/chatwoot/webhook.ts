/**
 * The webhook side of the Chatwoot adapter: `POST /webhooks/chatwoot`.
 *
 * Authentication and routing, before anything is stored (the edge stores the
 * raw body and runs `parse` later from the job queue):
 *
 *  1. `X-Chatwoot-Signature` and `X-Chatwoot-Timestamp` present, the timestamp
 *     within 5 minutes of now (either direction) → else 401.
 *  2. The secret depends on the channel and JSON must not be parsed before
 *     authentication, so the signature is first tried against the
 *     `webhookSecret` of every active Chatwoot channel → none verifies: 401.
 *  3. Only then the body is parsed; `account.id` (or a top-level
 *     `account_id`) names the Chatwoot account → missing or not JSON: 400.
 *  4. The delivery routes to the channels whose `accountId` is that account
 *     AND whose own secret verified. A body signed with another account's
 *     secret (one tenant posting into another's channel) → 401.
 *
 * The dedupe key is `chatwoot:<X-Chatwoot-Delivery>`; when the header is
 * absent, `chatwoot:sha256:<hex SHA-256 of the raw body>`.
 */
import { createHash } from 'node:crypto';
import type { ChannelDirectory, WebhookAccepted, WebhookRequest, WebhookResponse } from '../types.js';
import { chatwootRoutingKey, type ChatwootConfig } from './config.js';
import { CHATWOOT_DELIVERY_HEADER, CHATWOOT_SIGNATURE_HEADER, CHATWOOT_TIMESTAMP_HEADER, isFreshChatwootTimestamp, verifyChatwootSignature } from './signature.js';

/** Longest X-Chatwoot-Delivery kept as a dedupe key; longer values fall back to the body hash. */
const MAX_DELIVERY_ID_LENGTH = 200;

const reject = (status: number, error: string): WebhookResponse => ({ status, body: { error } });

/** The account id a Chatwoot webhook body names, as a decimal string, or null. */
export function chatwootAccountIdOf(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as { account?: { id?: unknown }; account_id?: unknown };
  const id = b.account && typeof b.account === 'object' ? b.account.id : b.account_id;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) return String(id);
  if (typeof id === 'string' && /^\d{1,15}$/.test(id) && Number(id) > 0) return String(Number(id));
  return null;
}

/** The dedupe key of a delivery (see the module doc). */
export function chatwootDeliveryKey(headers: Record<string, string | undefined>, rawBody: Buffer | string): string {
  const delivery = headers[CHATWOOT_DELIVERY_HEADER]?.trim();
  if (delivery && delivery.length <= MAX_DELIVERY_ID_LENGTH) return `chatwoot:${delivery}`;
  return `chatwoot:sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/**
 * Authenticates and routes one Chatwoot webhook request.
 *
 * @param nowMs the clock for the timestamp window, milliseconds since the
 *   epoch. The contract's `authenticate` receives no clock, so the adapter
 *   passes `Date.now()`; tests pass their own.
 * @returns the accepted delivery (channel ids, dedupe key, headers to keep) or
 *   a rejection: 405 (not POST), 401 (missing/stale/bad signature, or signed
 *   by another account's channel), 400 (signed but not JSON, or no account id)
 */
export async function authenticateChatwootWebhook(req: WebhookRequest, channels: ChannelDirectory<ChatwootConfig>, nowMs: number): Promise<WebhookAccepted | WebhookResponse> {
  if (req.method !== 'POST') return { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'POST' } };
  const signature = req.headers[CHATWOOT_SIGNATURE_HEADER];
  const timestamp = req.headers[CHATWOOT_TIMESTAMP_HEADER]?.trim();
  if (!signature || !timestamp) return reject(401, 'missing X-Chatwoot-Signature or X-Chatwoot-Timestamp');
  if (!isFreshChatwootTimestamp(timestamp, nowMs)) return reject(401, 'X-Chatwoot-Timestamp is malformed or not within 5 minutes');

  // 1. Authenticate before parsing: some active channel's secret must verify.
  const all = await channels.all();
  const signedBy = all.filter((c) => typeof c.config?.webhookSecret === 'string' && verifyChatwootSignature(req.rawBody, signature, timestamp, c.config.webhookSecret));
  if (signedBy.length === 0) return reject(401, 'invalid signature');

  // 2. Parse and route by account id.
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return reject(400, 'body is not JSON');
  }
  const accountId = chatwootAccountIdOf(body);
  if (!accountId) return reject(400, 'body names no account.id');

  // 3. The routed channel must be one whose own secret verified.
  const routed = signedBy.filter((c) => {
    const key = c.config.accountId !== undefined ? chatwootRoutingKey(c.config) : c.externalId;
    return key === accountId;
  });
  if (routed.length === 0) return reject(401, `not signed with the webhook secret of Chatwoot account ${accountId}`);

  const keepHeaders: Record<string, string> = { [CHATWOOT_SIGNATURE_HEADER]: signature, [CHATWOOT_TIMESTAMP_HEADER]: timestamp };
  const delivery = req.headers[CHATWOOT_DELIVERY_HEADER];
  if (delivery) keepHeaders[CHATWOOT_DELIVERY_HEADER] = delivery;
  return { channelIds: routed.map((c) => c.id), dedupeKey: chatwootDeliveryKey(req.headers, req.rawBody), keepHeaders };
}
