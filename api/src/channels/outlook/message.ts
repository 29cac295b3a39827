/**
 * Reading one Outlook message from Microsoft Graph and turning it into a
 * {@link NormalizedInbound}.
 *
 * ```
 * GET {graph}/users/{mailboxUserId}/messages/{id}?$select=id,subject,body,uniqueBody,from,sender,toRecipients,
 *     receivedDateTime,sentDateTime,conversationId,internetMessageId,internetMessageHeaders,hasAttachments
 * → 200 message (test/fixtures/providers/graph/message-*.json); 404 ErrorItemNotFound when it was deleted/moved
 * GET {graph}/users/{mailboxUserId}/messages/{id}/attachments?$select=id,name,contentType,size,isInline,contentId
 * → 200 { value: [{ "@odata.type": "#microsoft.graph.fileAttachment", id, name, contentType, size, isInline, contentId }] }
 * ```
 *
 * Sources: Microsoft Graph "Get message", "message resource type",
 * "List attachments", "attachment resource type" (https://learn.microsoft.com/graph/api/).
 */
import { z } from 'zod';
import { IdentityKind } from '../../generated/prisma/enums.js';
import type { AdapterIO, NormalizedAttachment, NormalizedInbound } from '../types.js';
import { GraphApiError, graphJson, userPath } from './client.js';
import type { OutlookConfig } from './config.js';
import { emailContent } from './content.js';

/** Properties read of a message (parse, catch-up). */
export const MESSAGE_SELECT =
  'id,subject,body,uniqueBody,from,sender,toRecipients,receivedDateTime,sentDateTime,conversationId,internetMessageId,internetMessageHeaders,hasAttachments';
/** Properties read of its attachments (no contentBytes: the bytes come later through fetchMedia). */
export const ATTACHMENT_SELECT = 'id,name,contentType,size,isInline,contentId';

const itemBodySchema = z.looseObject({ contentType: z.string().optional(), content: z.string().nullish() });
const recipientSchema = z.looseObject({
  emailAddress: z.looseObject({ name: z.string().nullish(), address: z.string().nullish() }).nullish(),
});

export const graphMessageSchema = z.looseObject({
  id: z.string().min(1),
  subject: z.string().nullish(),
  body: itemBodySchema.nullish(),
  uniqueBody: itemBodySchema.nullish(),
  from: recipientSchema.nullish(),
  sender: recipientSchema.nullish(),
  toRecipients: z.array(recipientSchema).nullish(),
  receivedDateTime: z.string().nullish(),
  sentDateTime: z.string().nullish(),
  conversationId: z.string().nullish(),
  internetMessageId: z.string().nullish(),
  internetMessageHeaders: z.array(z.looseObject({ name: z.string(), value: z.string() })).nullish(),
  hasAttachments: z.boolean().nullish(),
});
export type GraphMessage = z.infer<typeof graphMessageSchema>;

export const graphAttachmentSchema = z.looseObject({
  '@odata.type': z.string().optional(),
  id: z.string().min(1),
  name: z.string().nullish(),
  contentType: z.string().nullish(),
  size: z.number().nullish(),
  isInline: z.boolean().nullish(),
  contentId: z.string().nullish(),
});
export type GraphAttachment = z.infer<typeof graphAttachmentSchema>;

const attachmentListSchema = z.looseObject({ value: z.array(graphAttachmentSchema) });

/** Message and attachment paths; Graph ids are URL-safe but may end in '='. */
export function messagePath(config: Pick<OutlookConfig, 'mailboxUserId'>, messageId: string): string {
  return `${userPath(config)}/messages/${encodeURIComponent(messageId)}`;
}

/**
 * Fetches a message and (when it has any) its attachment list.
 * @returns null when Graph answers 404 (the message was deleted or moved before we read it)
 * @throws GraphApiError for any other failure (the job retries); Error for an unexpected body
 */
export async function fetchGraphMessage(config: OutlookConfig, io: AdapterIO, messageId: string): Promise<{ message: GraphMessage; attachments: GraphAttachment[] } | null> {
  let json: unknown;
  try {
    json = await graphJson(config, io, `${messagePath(config, messageId)}?$select=${MESSAGE_SELECT}`);
  } catch (err) {
    if (err instanceof GraphApiError && err.status === 404) return null;
    throw err;
  }
  const parsed = graphMessageSchema.safeParse(json);
  if (!parsed.success) throw new Error(`Graph message ${messageId}: unexpected body (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  let attachments: GraphAttachment[] = [];
  if (parsed.data.hasAttachments) {
    try {
      const list = attachmentListSchema.safeParse(await graphJson(config, io, `${messagePath(config, messageId)}/attachments?$select=${ATTACHMENT_SELECT}`));
      if (!list.success) throw new Error(`Graph attachments of ${messageId}: unexpected body`);
      attachments = list.data.value;
    } catch (err) {
      if (!(err instanceof GraphApiError && err.status === 404)) throw err;
    }
  }
  return { message: parsed.data, attachments };
}

/**
 * RFC 5322 message ids in an In-Reply-To / References value, with their angle
 * brackets (like Graph's internetMessageId), in header order.
 */
export function messageIdsIn(value: string): string[] {
  const bracketed = value.match(/<[^<>\s]+>/g);
  if (bracketed) return bracketed;
  return value
    .split(/[\s,]+/)
    .filter((v) => /^[^<>\s]+@[^<>\s]+$/.test(v))
    .map((v) => `<${v}>`);
}

/** References then In-Reply-To (oldest first, newest last), without duplicates. */
export function threadReferences(headers: GraphMessage['internetMessageHeaders']): string[] {
  const header = (name: string) =>
    (headers ?? [])
      .filter((h) => h.name.toLowerCase() === name)
      .map((h) => h.value)
      .join(' ');
  const ids = [...messageIdsIn(header('references')), ...messageIdsIn(header('in-reply-to'))];
  return [...new Set(ids)];
}

const DOCUMENT_TYPES = /^(?:application\/(?:pdf|rtf|msword|vnd\.openxmlformats-officedocument\..+|vnd\.ms-.+|vnd\.oasis\.opendocument\..+)|text\/(?:plain|csv|rtf))$/i;

/** NormalizedAttachment.kind of a Graph attachment. */
export function attachmentKind(a: Pick<GraphAttachment, '@odata.type' | 'contentType'>): string {
  if (a['@odata.type'] && !/fileAttachment$/i.test(a['@odata.type'])) return 'file';
  const mime = (a.contentType ?? '').toLowerCase();
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (DOCUMENT_TYPES.test(mime)) return 'document';
  return 'file';
}

/** The attachments as the hub stores them; providerMediaId is `${messageId}/${attachmentId}` (see fetchMedia). */
export function normalizeAttachments(messageId: string, attachments: GraphAttachment[]): NormalizedAttachment[] {
  return attachments.map((a) => {
    const isFile = !a['@odata.type'] || /fileAttachment$/i.test(a['@odata.type']);
    const isItem = /itemAttachment$/i.test(a['@odata.type'] ?? '');
    const out: NormalizedAttachment = { kind: attachmentKind(a) };
    const mime = a.contentType ?? (isItem ? 'message/rfc822' : undefined);
    if (mime) out.mimeType = mime;
    // Reference attachments (links to OneDrive files) have no bytes to download.
    if (isFile || isItem) out.providerMediaId = `${messageId}/${a.id}`;
    if (a.name) out.fileName = a.name;
    if (typeof a.size === 'number') out.size = a.size;
    if (a.isInline && a.contentId) out.contentId = a.contentId;
    return out;
  });
}

function validDate(v: string | null | undefined): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Maps a Graph message to the hub's inbound shape.
 * @param now used for occurredAt only when the message carries no usable date
 * @returns null for mail sent from the channel's own mailbox (our replies in
 *   the inbox, loops) and for mail without a sender address
 */
export function graphMessageToInbound(config: Pick<OutlookConfig, 'mailboxAddress'>, message: GraphMessage, attachments: GraphAttachment[], now: Date): NormalizedInbound | null {
  const who = message.from?.emailAddress ?? message.sender?.emailAddress;
  const email = who?.address?.trim().toLowerCase();
  if (!email) return null;
  if (email === config.mailboxAddress.trim().toLowerCase()) return null;
  const name = who?.name?.trim();

  const { content, contentHtml } = emailContent(message.body ?? undefined, message.uniqueBody);
  const normalizedAttachments = normalizeAttachments(message.id, attachments);
  const visible = normalizedAttachments.filter((a) => !a.contentId);
  const summary = visible.map((a) => `[${a.fileName ?? a.kind}]`).join(' ');

  const inbound: NormalizedInbound = {
    externalMessageId: message.id,
    customer: {
      ...(name && name.toLowerCase() !== email ? { name } : {}),
      email,
      identities: [{ kind: IdentityKind.EMAIL, value: email }],
    },
    content: content || summary,
    attachments: normalizedAttachments,
    occurredAt: validDate(message.receivedDateTime) ?? validDate(message.sentDateTime) ?? now,
    conversationKey: message.conversationId || message.internetMessageId || message.id,
    metadata: {
      ...(message.sentDateTime ? { sentDateTime: message.sentDateTime } : {}),
      ...(message.toRecipients?.length ? { toRecipients: message.toRecipients.map((r) => r.emailAddress?.address).filter((a): a is string => !!a) } : {}),
    },
  };
  if (contentHtml) inbound.contentHtml = contentHtml;
  if (message.subject) inbound.subject = message.subject;
  if (message.internetMessageId) inbound.internetMessageId = message.internetMessageId;
  const references = threadReferences(message.internetMessageHeaders);
  if (references.length > 0) inbound.references = references;
  return inbound;
}

/** dedupeKey of a message event. */
export function outlookMessageDedupeKey(messageId: string): string {
  return `outlook:msg:${messageId}`;
}
