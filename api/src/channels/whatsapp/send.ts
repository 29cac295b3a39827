/**
 * Outbound text messages through the WhatsApp Business Cloud API.
 *
 * Request (Meta for Developers, WhatsApp Cloud API "Messages" reference and
 * "Text messages", https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/text-messages):
 *
 * ```
 * POST {graphBaseUrl}/{phoneNumberId}/messages
 * Authorization: Bearer {accessToken}
 * Content-Type: application/json
 * { "messaging_product": "whatsapp", "recipient_type": "individual", "to": "<wa_id>",
 *   "type": "text", "text": { "body": "...", "preview_url": false },
 *   "context": { "message_id": "<wamid replied to>" } }   // context optional
 * ```
 *
 * Success (200): `{ messaging_product: "whatsapp", contacts: [{ input, wa_id }], messages: [{ id: "wamid…", message_status? }] }`.
 * Failure (4xx/5xx): the Graph API error envelope
 * `{ error: { message, type, code, error_subcode?, error_data?: { messaging_product, details }, fbtrace_id } }`
 * (WhatsApp Cloud API "Error codes"). Code 131047 ("Re-engagement message")
 * means more than 24 hours passed since the customer's last message: only an
 * approved template may be sent.
 *
 * No automatic retries: a POST that timed out may still have been accepted by
 * Meta, and retrying would send the customer a duplicate.
 */
import { z } from 'zod';
import { retryAfterSeconds } from '../http.js';
import { ChannelSendError, type OutboundRequest, type OutboundResult } from '../types.js';

/** Default Graph API base (overridden by WHATSAPP_GRAPH_BASE_URL / the channel config). */
export const DEFAULT_WHATSAPP_GRAPH_BASE_URL = 'https://graph.facebook.com/v21.0';
/** Default request timeout in milliseconds. */
export const DEFAULT_WHATSAPP_SEND_TIMEOUT_MS = 15_000;
/** Maximum text body length accepted by the Cloud API, in characters. */
export const WHATSAPP_TEXT_MAX_LENGTH = 4096;

/** Graph error code: customer-service (24 h) window closed, template required. */
export const WHATSAPP_ERROR_REENGAGEMENT = 131047;
/** ChannelSendError codes thrown by {@link sendWhatsAppText}. */
export const WHATSAPP_WINDOW_CLOSED = 'WHATSAPP_WINDOW_CLOSED';
export const CHANNEL_SEND_FAILED = 'CHANNEL_SEND_FAILED';

/** The customer-service window: free-form replies are allowed for 24 h after the customer's last message. */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What {@link sendWhatsAppText} needs from a channel's configuration (decrypted). */
export interface WhatsAppSendConfig {
  phoneNumberId: string;
  accessToken: string;
  /** e.g. "https://graph.facebook.com/v21.0"; default {@link DEFAULT_WHATSAPP_GRAPH_BASE_URL}. */
  graphBaseUrl?: string;
}

export interface WhatsAppSendOptions {
  /** Abort the request after this many milliseconds; default 15 000. */
  timeoutMs?: number;
  /** Injected fetch (tests); default global fetch. */
  fetch?: typeof fetch;
}

/** Graph API error envelope. */
const graphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z.looseObject({ messaging_product: z.string().optional(), details: z.string().optional() }).optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type GraphApiError = z.infer<typeof graphErrorSchema>['error'];

const sendResponseSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  contacts: z.array(z.looseObject({ input: z.string(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.looseObject({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});
export type WhatsAppSendResponse = z.infer<typeof sendResponseSchema>;

/** Builds the JSON body of a text message (exported for tests and the fake). */
export function buildTextMessageBody(request: OutboundRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: request.to,
    type: 'text',
    text: { body: request.content, preview_url: false },
  };
  if (request.replyToExternalId) body.context = { message_id: request.replyToExternalId };
  return body;
}

/**
 * Sends a text message and returns the wamid Meta assigned to it.
 *
 * @returns `{ externalMessageId: messages[0].id, raw: <response JSON> }`
 * @throws ChannelSendError code `WHATSAPP_WINDOW_CLOSED` when Graph answers
 *   error code 131047; code `CHANNEL_SEND_FAILED` for every other Graph error,
 *   an empty or over-long (> 4096 chars) body, a timeout, a network failure or
 *   an unexpected response. The message contains Meta's error message and
 *   code; `providerError` holds the Graph `error` object when there is one.
 */
export async function sendWhatsAppText(config: WhatsAppSendConfig, request: OutboundRequest, options: WhatsAppSendOptions = {}): Promise<OutboundResult> {
  if (!config.phoneNumberId || !config.accessToken) {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, 'WhatsApp channel is missing phoneNumberId or accessToken');
  }
  if (!request.to) throw new ChannelSendError(CHANNEL_SEND_FAILED, 'WhatsApp send: recipient (to) is empty');
  if (!request.content.trim()) throw new ChannelSendError(CHANNEL_SEND_FAILED, 'WhatsApp send: message text is empty');
  if (request.content.length > WHATSAPP_TEXT_MAX_LENGTH) {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `WhatsApp send: text is ${request.content.length} characters, the limit is ${WHATSAPP_TEXT_MAX_LENGTH}`);
  }

  const base = (config.graphBaseUrl || DEFAULT_WHATSAPP_GRAPH_BASE_URL).replace(/\/+$/, '');
  const url = `${base}/${encodeURIComponent(config.phoneNumberId)}/messages`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WHATSAPP_SEND_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;

  let res: Response;
  let text: string;
  try {
    res = await doFetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${config.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(buildTextMessageBody(request)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const e = err as Error;
    const reason = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : `request failed: ${e.message}`;
    // Nothing reached Meta, or we cannot tell: the outbox tries again later.
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `WhatsApp send ${reason}`, undefined, true);
  }

  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }

  const graphError = graphErrorSchema.safeParse(json);
  // 429 and 5xx are transient (Graph throttling 4/80007/130429, outages): retried, after Retry-After when given.
  const transient = res.status === 429 || res.status >= 500;
  const retryAfter = retryAfterSeconds(res.headers.get('retry-after'), new Date());
  if (transient) {
    const detail = graphError.success ? `${graphError.data.error.code}: ${graphError.data.error.message}` : `HTTP ${res.status}`;
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `WhatsApp API is unavailable (${detail})`, graphError.success ? graphError.data.error : undefined, true, retryAfter);
  }
  if (!res.ok || graphError.success) {
    if (graphError.success) {
      const ge = graphError.data.error;
      const code = ge.code === WHATSAPP_ERROR_REENGAGEMENT ? WHATSAPP_WINDOW_CLOSED : CHANNEL_SEND_FAILED;
      const details = ge.error_data?.details ? ` – ${ge.error_data.details}` : '';
      throw new ChannelSendError(code, `WhatsApp API error ${ge.code}: ${ge.message}${details}`, ge);
    }
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `WhatsApp API answered HTTP ${res.status} without a Graph error body: ${text.slice(0, 200)}`);
  }

  const ok = sendResponseSchema.safeParse(json);
  if (!ok.success) {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `WhatsApp API answered HTTP ${res.status} with an unexpected body: ${text.slice(0, 200)}`);
  }
  return { externalMessageId: ok.data.messages[0]!.id, raw: ok.data };
}
