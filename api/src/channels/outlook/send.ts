/**
 * Outbound e-mail through Microsoft Graph, as the channel's mailbox.
 *
 * Reply in the customer's thread (Graph "message: reply",
 * https://learn.microsoft.com/graph/api/message-reply):
 * ```
 * POST {graph}/users/{mailboxUserId}/messages/{replyToExternalId}/reply
 * { "message": { "body": { "contentType": "HTML" | "Text", "content": "…" } } }
 * → 202 Accepted, empty body
 * ```
 * (Graph refuses `comment` together with `message.body`, so only the latter is sent.)
 *
 * New mail (Graph "user: sendMail", https://learn.microsoft.com/graph/api/user-sendmail):
 * ```
 * POST {graph}/users/{mailboxUserId}/sendMail
 * { "message": { "subject", "body": { contentType, content }, "toRecipients": [{ "emailAddress": { address, name } }] },
 *   "saveToSentItems": true }
 * → 202 Accepted, empty body
 * ```
 *
 * Neither call returns the new message's id, so the result's
 * externalMessageId is `hub:<request.messageId>`.
 */
import { CHANNEL_SEND_FAILED, ChannelSendError, type AdapterChannel, type AdapterIO, type OutboundRequest, type OutboundResult } from '../types.js';
import { GraphApiError, graphFetch, userPath } from './client.js';
import type { OutlookConfig } from './config.js';
import { messagePath } from './message.js';

/** Exchange Online's default message size limit is 25–35 MB; the body alone is kept far below. */
export const OUTLOOK_BODY_MAX_CHARS = 4 * 1024 * 1024;

/** The Graph itemBody of a reply: the sanitised HTML when there is one, else the text. */
export function outboundBody(request: Pick<OutboundRequest, 'content' | 'contentHtml'>): { contentType: 'HTML' | 'Text'; content: string } {
  return request.contentHtml?.trim() ? { contentType: 'HTML', content: request.contentHtml } : { contentType: 'Text', content: request.content };
}

/** The Graph request for an outbound message (exported for tests and the fake). */
export function buildOutlookSend(config: OutlookConfig, request: OutboundRequest): { path: string; json: unknown; kind: 'reply' | 'sendMail' } {
  const body = outboundBody(request);
  if (request.replyToExternalId) {
    return { kind: 'reply', path: `${messagePath(config, request.replyToExternalId)}/reply`, json: { message: { body } } };
  }
  return {
    kind: 'sendMail',
    path: `${userPath(config)}/sendMail`,
    json: {
      message: {
        subject: request.subject ?? '',
        body,
        toRecipients: [{ emailAddress: { address: request.to, ...(request.recipientName ? { name: request.recipientName } : {}) } }],
      },
      saveToSentItems: true,
    },
  };
}

/**
 * Sends a reply (or a new mail when there is no message to reply to).
 * @returns externalMessageId `hub:<messageId>`, status SENT
 * @throws ChannelSendError CHANNEL_SEND_FAILED: retryable (with Graph's
 *   Retry-After seconds) for 429, 5xx, network errors and timeouts; not
 *   retryable for 4xx refusals (unknown message, invalid recipient, refused
 *   credentials), an empty body or a missing recipient. A 401 clears the
 *   cached token (client.ts tries once more with a new one first).
 */
export async function sendOutlookMail(channel: AdapterChannel<OutlookConfig>, request: OutboundRequest, io: AdapterIO): Promise<OutboundResult> {
  const { content } = outboundBody(request);
  if (!content.trim()) throw new ChannelSendError(CHANNEL_SEND_FAILED, 'Outlook send: message body is empty');
  if (content.length > OUTLOOK_BODY_MAX_CHARS) throw new ChannelSendError(CHANNEL_SEND_FAILED, 'Outlook send: message body is too large');
  if (!request.replyToExternalId && !request.to?.trim()) throw new ChannelSendError(CHANNEL_SEND_FAILED, 'Outlook send: recipient (to) is empty');

  const call = buildOutlookSend(channel.config, request);
  let res: Response;
  try {
    res = await graphFetch(channel.config, io, call.path, { method: 'POST', json: call.json });
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    if (err instanceof GraphApiError) {
      throw new ChannelSendError(
        CHANNEL_SEND_FAILED,
        `Outlook send (${call.kind}) failed: ${err.message}`,
        err.providerError ?? { status: err.status, code: err.code },
        err.retryable,
        err.retryAfterSeconds,
      );
    }
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `Outlook send (${call.kind}) failed: ${(err as Error)?.message ?? String(err)}`, undefined, true);
  }
  return {
    externalMessageId: `hub:${request.messageId}`,
    status: 'SENT',
    raw: { endpoint: call.kind, status: res.status, ...(request.replyToExternalId ? { replyTo: request.replyToExternalId } : {}) },
  };
}
