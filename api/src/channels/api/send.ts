/**
 * Delivering a reply to a partner system: one signed JSON POST to the
 * channel's `webhookUrl`.
 *
 * ```
 * POST {webhookUrl}
 * Content-Type: application/json
 * User-Agent: customer-service-hub
 * X-Hub-Timestamp: 1795341600
 * X-Hub-Signature-256: sha256=<hex HMAC-SHA256(webhookSecret, "{timestamp}.{body}")>
 * X-Hub-Delivery: <messageId>
 *
 * { "event": "message.created",
 *   "messageId": "<hub message id>",          // also X-Hub-Delivery: the same on retries
 *   "conversationKey": "<partner conversation id>" | null,
 *   "to": "<recipient: the conversation key or the PARTNER identity>",
 *   "content": "<plain text>",
 *   "contentHtml": "<sanitised HTML>" | null,
 *   "subject": "<subject>" | null,
 *   "occurredAt": "<ISO 8601, when the hub sent it>" }
 * ```
 *
 * The partner answers 2xx once it has the message, optionally with JSON
 * `{ "id": "<its own message id>" }` (kept as the externalMessageId; else
 * `api:<messageId>`). A repeated X-Hub-Delivery must be answered 2xx without
 * delivering twice: a retry follows every timeout, 408, 429 (honouring
 * Retry-After) and 5xx. Other 4xx answers fail the message at once.
 *
 * `test` sends `{ "event": "ping", "occurredAt" }` signed the same way, with
 * X-Hub-Delivery `ping:<unix seconds>`; any 2xx passes.
 */
import { CHANNEL_SEND_FAILED, ChannelSendError, type AdapterChannel, type AdapterIO, type ChannelTestResult, type OutboundRequest, type OutboundResult } from '../types.js';
import { retryAfterSeconds } from '../http.js';
import type { ApiChannelConfig } from './config.js';
import { PARTNER_DELIVERY_HEADER, PARTNER_SIGNATURE_HEADER, PARTNER_TIMESTAMP_HEADER, signPartnerWebhook } from './signature.js';

export const API_ERRORS = {
  PARTNER_WEBHOOK_REJECTED: 'The partner system refused the message.',
  PARTNER_WEBHOOK_UNAUTHORIZED: 'The partner system refused the webhook signature (check the shared secret).',
} as const;

/** The JSON body of a reply (see the module doc). */
export interface PartnerMessageWebhook {
  event: 'message.created';
  messageId: string;
  conversationKey: string | null;
  to: string;
  content: string;
  contentHtml: string | null;
  subject: string | null;
  occurredAt: string;
}

export function partnerMessageBody(request: OutboundRequest, now: Date): PartnerMessageWebhook {
  return {
    event: 'message.created',
    messageId: request.messageId,
    conversationKey: request.conversationKey,
    to: request.to,
    content: request.content,
    contentHtml: request.contentHtml ?? null,
    subject: request.subject ?? null,
    occurredAt: now.toISOString(),
  };
}

/** POSTs a signed body; returns the response and its text. Network errors propagate. */
async function postSigned(config: ApiChannelConfig, body: object, deliveryId: string, io: AdapterIO): Promise<{ res: Response; text: string }> {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(io.now().getTime() / 1000);
  const res = await io.fetch(config.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'customer-service-hub',
      [PARTNER_TIMESTAMP_HEADER]: String(timestamp),
      [PARTNER_SIGNATURE_HEADER]: signPartnerWebhook(raw, config.webhookSecret, timestamp),
      [PARTNER_DELIVERY_HEADER]: deliveryId,
    },
    body: raw,
    redirect: 'manual', // a signed reply never follows a redirect: 3xx is a refusal
  });
  return { res, text: await res.text() };
}

/**
 * Sends a reply to the partner.
 * @returns externalMessageId = the partner's `id` when its 2xx JSON has one, else `api:<messageId>`
 * @throws ChannelSendError CHANNEL_SEND_FAILED retryable (network error,
 *   timeout, 408, 429 with Retry-After seconds, 5xx); PARTNER_WEBHOOK_UNAUTHORIZED
 *   (401/403) and PARTNER_WEBHOOK_REJECTED (other 4xx, redirects) not retryable
 */
export async function sendPartnerMessage(channel: AdapterChannel<ApiChannelConfig>, request: OutboundRequest, io: AdapterIO): Promise<OutboundResult> {
  let res: Response;
  let text: string;
  try {
    ({ res, text } = await postSigned(channel.config, partnerMessageBody(request, io.now()), request.messageId, io));
  } catch (err) {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `Partner webhook failed: ${(err as Error).message}`, undefined, true);
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok) {
    const id = json && typeof json === 'object' ? (json as { id?: unknown }).id : undefined;
    const partnerId = typeof id === 'string' ? id.trim() : typeof id === 'number' && Number.isFinite(id) ? String(id) : '';
    const externalMessageId = partnerId || `api:${request.messageId}`;
    return { externalMessageId, status: 'SENT', ...(json !== undefined ? { raw: json } : {}) };
  }
  const providerError = { status: res.status, body: json ?? text.slice(0, 500) };
  const detail = `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `Partner webhook answered ${detail}`, providerError, true, retryAfterSeconds(res.headers.get('retry-after'), io.now()));
  }
  if (res.status === 401 || res.status === 403) {
    throw new ChannelSendError('PARTNER_WEBHOOK_UNAUTHORIZED', `${API_ERRORS.PARTNER_WEBHOOK_UNAUTHORIZED} (${detail})`, providerError);
  }
  throw new ChannelSendError('PARTNER_WEBHOOK_REJECTED', `${API_ERRORS.PARTNER_WEBHOOK_REJECTED} (${detail})`, providerError);
}

/** Sends a signed `ping`; ok on any 2xx. Never throws. */
export async function testPartnerChannel(channel: AdapterChannel<ApiChannelConfig>, io: AdapterIO): Promise<ChannelTestResult> {
  const now = io.now();
  try {
    const { res, text } = await postSigned(channel.config, { event: 'ping', occurredAt: now.toISOString() }, `ping:${Math.floor(now.getTime() / 1000)}`, io);
    if (res.ok) return { ok: true, code: null, message: `The partner webhook answered HTTP ${res.status}.` };
    const code = res.status === 401 || res.status === 403 ? 'PARTNER_WEBHOOK_UNAUTHORIZED' : 'PARTNER_WEBHOOK_REJECTED';
    return { ok: false, code, message: `The partner webhook answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  } catch (err) {
    return { ok: false, code: CHANNEL_SEND_FAILED, message: `The partner webhook could not be reached: ${(err as Error).message}` };
  }
}
