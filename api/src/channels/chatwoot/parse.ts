/**
 * Turns a stored Chatwoot webhook into {@link ChannelEvent}s.
 *
 * Wire format (Chatwoot `app/listeners/webhook_listener.rb`: every payload is
 * the record's `webhook_data` merged with `event`):
 *
 * ```
 * message_created / message_updated  (Message#webhook_data)
 *   { event, id, content, content_type: "text"|"incoming_email"|…, content_attributes,
 *     message_type: "incoming"|"outgoing"|"activity"|"template", private, source_id,
 *     created_at: ISO 8601 | Unix seconds, status?: "sent"|"delivered"|"read"|"failed",
 *     sender: { id, name, email?, phone_number?, type: "contact"|"user"|"agent_bot" },
 *     attachments?: [{ id, file_type: "image"|"audio"|"video"|"file"|"location"|"contact"|…,
 *                      data_url, thumb_url, file_size, coordinates_lat?, coordinates_long?, fallback_title? }],
 *     inbox: { id, name }, account: { id, name },
 *     conversation: { id (display id), inbox_id, status, channel, meta: { sender }, … } }
 * conversation_status_changed  (Conversation#webhook_data = push_event_data)
 *   { event, id (display id), inbox_id, status: "open"|"resolved"|"pending"|"snoozed",
 *     account, meta: { sender, assignee, team }, changed_attributes, created_at, timestamp, updated_at? }
 * contact_updated  (Contact#webhook_data)
 *   { event, id, name, email, phone_number, identifier, custom_attributes,
 *     additional_attributes, account: { id, name }, changed_attributes }
 * ```
 *
 * What becomes an event:
 * - `message_created`, `message_type` incoming, not private → `message`.
 *   Outgoing (agents' replies, including the hub's own), private notes,
 *   activity and template messages → nothing.
 * - `message_updated` of an outgoing, non-private message with a `status`
 *   (Chatwoot ≥ 3.x sends delivery states of channel messages) → `status`.
 * - `conversation_status_changed` and `conversation_resolved` → `thread-status`:
 *   resolved → RESOLVED, open → OPEN, pending / snoozed → WAITING_INTERNAL.
 * - `contact_updated` → `customer-updated`.
 * - every other event → nothing.
 *
 * Dedupe keys carry the hub channel id, because self-hosted installations
 * reuse message ids: `chatwoot:<channelId>:msg:<id>`,
 * `chatwoot:<channelId>:status:<id>:<status>`,
 * `chatwoot:<channelId>:conversation:<id>:<status>:<unix seconds>`,
 * `chatwoot:<channelId>:contact:<id>:<first 16 hex of SHA-256(raw body)>`.
 */
import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { DeliveryStatus, IdentityKind, ThreadStatus } from '../../generated/prisma/enums.js';
import type { AdapterChannel, ChannelEvent, IdentityRef, InboundCustomer, NormalizedAttachment, NormalizedInbound, StoredWebhook } from '../types.js';
import { CHATWOOT_TIMESTAMP_HEADER } from './signature.js';

/** Thrown for a body that is not JSON or a known event missing what it needs; the job records it. */
export class ChatwootPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatwootPayloadError';
  }
}

// ------------------------------------------------------------------ schemas

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);
const optText = z.string().nullish();

/** created_at as Chatwoot sends it: ISO 8601 (messages) or Unix seconds, maybe fractional (conversations). */
const timestamp = z.union([z.number(), z.string()]).nullish();

const person = z.looseObject({
  id: id.optional(),
  name: optText,
  email: optText,
  phone_number: optText,
  type: optText,
});

const attachment = z.looseObject({
  id: id.optional(),
  file_type: z.string().nullish(),
  data_url: optText,
  thumb_url: optText,
  file_size: z.number().nullish(),
  extension: optText,
  coordinates_lat: z.number().nullish(),
  coordinates_long: z.number().nullish(),
  fallback_title: optText,
});

/** message_type: strings in webhooks, enum integers in push events (0 incoming, 1 outgoing, 2 activity, 3 template). */
const messageType = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (typeof v === 'number' ? (['incoming', 'outgoing', 'activity', 'template'][v] ?? String(v)) : (v ?? null)));

const messageSchema = z.looseObject({
  id,
  content: optText,
  content_type: optText,
  content_attributes: z.record(z.string(), z.unknown()).nullish(),
  message_type: messageType,
  private: z.boolean().nullish(),
  source_id: optText,
  status: optText,
  created_at: timestamp,
  sender: person.nullish(),
  attachments: z.array(attachment).nullish(),
  inbox: z.looseObject({ id: id.optional(), name: optText }).nullish(),
  conversation: z
    .looseObject({
      id,
      status: optText,
      channel: optText,
      meta: z.looseObject({ sender: person.nullish() }).nullish(),
    })
    .nullish(),
  conversation_id: id.optional(),
});

const conversationSchema = z.looseObject({
  id,
  status: optText,
  channel: optText,
  inbox_id: id.optional(),
  updated_at: timestamp,
  timestamp,
});

const contactSchema = z.looseObject({
  id,
  name: optText,
  email: optText,
  phone_number: optText,
  identifier: optText,
});

// ------------------------------------------------------------------ helpers

/** A Date from ISO 8601 or Unix seconds (number or decimal string); null when absent or invalid. */
export function chatwootTime(v: unknown): Date | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(Math.round(v * 1000));
  if (typeof v === 'string' && v.trim()) {
    const s = v.trim();
    const d = /^\d+(\.\d+)?$/.test(s) ? new Date(Math.round(Number(s) * 1000)) : new Date(s);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/** E.164 of a phone number that already has a country code; null when invalid. */
function e164(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const p = parsePhoneNumberFromString(phone.trim());
  return p?.isValid() ? p.number : null;
}

function normalizedEmail(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  return e && /^[^\s@]+@[^\s@]+$/.test(e) ? e : null;
}

/**
 * The hub's view of a Chatwoot contact: identities CHATWOOT_CONTACT (the
 * contact id), then EMAIL and PHONE when present and valid.
 */
export function chatwootCustomer(p: z.infer<typeof person>): InboundCustomer {
  const identities: IdentityRef[] = [];
  if (p.id) identities.push({ kind: IdentityKind.CHATWOOT_CONTACT, value: p.id });
  const email = normalizedEmail(p.email);
  const phone = e164(p.phone_number);
  if (email) identities.push({ kind: IdentityKind.EMAIL, value: email });
  if (phone) identities.push({ kind: IdentityKind.PHONE, value: phone });
  const customer: InboundCustomer = { identities };
  if (p.name?.trim()) customer.name = p.name.trim();
  if (email) customer.email = email;
  if (phone) customer.phone = phone;
  return customer;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  pdf: 'application/pdf',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  txt: 'text/plain',
  csv: 'text/csv',
};

/** The file name at the end of an ActiveStorage URL (`…/redirect/<key>/<name>`), decoded. */
function fileNameOf(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

/** Chatwoot file_type → NormalizedAttachment.kind. */
const KIND: Record<string, string> = {
  image: 'image',
  audio: 'audio',
  video: 'video',
  file: 'file',
  location: 'location',
  contact: 'contacts',
};

function normalizeAttachment(a: z.infer<typeof attachment>): NormalizedAttachment {
  const kind = KIND[a.file_type ?? ''] ?? 'file';
  if (kind === 'location') {
    const att: NormalizedAttachment = { kind };
    if (typeof a.coordinates_lat === 'number') att.latitude = a.coordinates_lat;
    if (typeof a.coordinates_long === 'number') att.longitude = a.coordinates_long;
    if (a.fallback_title) att.name = a.fallback_title;
    if (a.data_url) att.url = a.data_url;
    return att;
  }
  if (kind === 'contacts') return { kind, ...(a.fallback_title ? { name: a.fallback_title } : {}) };
  const att: NormalizedAttachment = { kind };
  if (a.data_url) {
    att.providerMediaId = a.data_url;
    const name = fileNameOf(a.data_url);
    if (name) {
      att.fileName = name;
      const ext = (a.extension ?? name.split('.').pop() ?? '').toLowerCase().replace(/^\./, '');
      if (MIME_BY_EXTENSION[ext]) att.mimeType = MIME_BY_EXTENSION[ext];
    }
  }
  if (typeof a.file_size === 'number') att.size = a.file_size;
  return att;
}

/** A readable summary of a message without text. */
function attachmentSummary(atts: NormalizedAttachment[]): string {
  return atts
    .map((a) => {
      switch (a.kind) {
        case 'image':
          return '📷 Image';
        case 'audio':
          return '🎵 Audio';
        case 'video':
          return '🎥 Video';
        case 'location':
          return `📍 ${a.name ? `${a.name} ` : ''}(${a.latitude ?? '?'}, ${a.longitude ?? '?'})`;
        case 'contacts':
          return `👤 ${a.name ?? 'Contact'}`;
        default:
          return `📄 ${a.fileName ?? 'File'}`;
      }
    })
    .join('\n');
}

const THREAD_STATUS: Record<string, ThreadStatus> = {
  open: ThreadStatus.OPEN,
  resolved: ThreadStatus.RESOLVED,
  pending: ThreadStatus.WAITING_INTERNAL,
  snoozed: ThreadStatus.WAITING_INTERNAL,
};

const DELIVERY_STATUS: Record<string, DeliveryStatus> = {
  sent: DeliveryStatus.SENT,
  delivered: DeliveryStatus.DELIVERED,
  read: DeliveryStatus.READ,
  failed: DeliveryStatus.FAILED,
};

function must<T>(schema: z.ZodType<T>, value: unknown, event: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ChatwootPayloadError(`Chatwoot ${event}: ${issue.path.join('.') || '(body)'}: ${issue.message}`);
  }
  return r.data;
}

// ------------------------------------------------------------------ per event

/** message_created → the inbound message, or null for anything but a public incoming message. */
export function chatwootInbound(m: z.infer<typeof messageSchema>, fallbackTime: Date): NormalizedInbound | null {
  if (m.message_type !== 'incoming' || m.private) return null;
  const conversationKey = m.conversation?.id ?? m.conversation_id;
  if (!conversationKey) throw new ChatwootPayloadError(`Chatwoot message ${m.id} names no conversation`);
  const sender = m.sender && m.sender.type !== 'user' ? m.sender : (m.conversation?.meta?.sender ?? m.sender ?? {});

  const attachments = (m.attachments ?? []).map(normalizeAttachment);
  const text = m.content?.trim() ? m.content : '';
  const metadata: Record<string, unknown> = {};
  if (m.content_type && m.content_type !== 'text') metadata.chatwootContentType = m.content_type;
  if (m.inbox?.id) metadata.chatwootInboxId = m.inbox.id;
  if (m.conversation?.channel) metadata.chatwootChannel = m.conversation.channel;
  if (m.source_id) metadata.chatwootSourceId = m.source_id;

  const inbound: NormalizedInbound = {
    externalMessageId: m.id,
    customer: chatwootCustomer(sender),
    content: text || attachmentSummary(attachments),
    attachments,
    occurredAt: chatwootTime(m.created_at) ?? fallbackTime,
    conversationKey,
    metadata,
  };
  const email = m.content_attributes?.email as { subject?: unknown } | undefined;
  if (email && typeof email.subject === 'string' && email.subject) inbound.subject = email.subject;
  const inReplyTo = m.content_attributes?.in_reply_to;
  if ((typeof inReplyTo === 'number' || typeof inReplyTo === 'string') && String(inReplyTo)) {
    inbound.inReplyToExternalId = String(inReplyTo);
  }
  return inbound;
}

/**
 * Parses one stored delivery.
 * @param delivery the InboundEvent: raw body, kept headers (X-Chatwoot-Timestamp
 *   dates events whose payload carries no time), receivedAt
 * @param channel the routed channel (its id goes into the dedupe keys)
 * @returns zero or more events (see the module doc)
 * @throws ChatwootPayloadError when the body is not a JSON object, or a handled
 *   event lacks its ids
 */
export function parseChatwootWebhook(delivery: StoredWebhook, channel: Pick<AdapterChannel<unknown>, 'id'>): ChannelEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(delivery.rawBody);
  } catch {
    throw new ChatwootPayloadError('Chatwoot webhook body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ChatwootPayloadError('Chatwoot webhook body is not an object');
  const event = (body as { event?: unknown }).event;
  const sentAt = chatwootTime(delivery.headers[CHATWOOT_TIMESTAMP_HEADER]) ?? delivery.receivedAt;
  const prefix = `chatwoot:${channel.id}`;

  switch (event) {
    case 'message_created': {
      const m = must(messageSchema, body, event);
      const inbound = chatwootInbound(m, sentAt);
      return inbound ? [{ kind: 'message', dedupeKey: `${prefix}:msg:${m.id}`, inbound }] : [];
    }
    case 'message_updated': {
      const m = must(messageSchema, body, event);
      if (m.message_type !== 'outgoing' || m.private || !m.status) return [];
      const status = DELIVERY_STATUS[m.status];
      if (!status) return [];
      const update: Extract<ChannelEvent, { kind: 'status' }>['status'] = { externalMessageId: m.id, status, occurredAt: sentAt };
      const externalError = m.content_attributes?.external_error;
      if (status === DeliveryStatus.FAILED) {
        update.error = { code: 'CHATWOOT_EXTERNAL_ERROR', title: typeof externalError === 'string' && externalError ? externalError : 'Delivery failed' };
      }
      return [{ kind: 'status', dedupeKey: `${prefix}:status:${m.id}:${m.status}`, status: update }];
    }
    case 'conversation_status_changed':
    case 'conversation_resolved': {
      const c = must(conversationSchema, body, event);
      const raw = c.status ?? (event === 'conversation_resolved' ? 'resolved' : null);
      const status = raw ? THREAD_STATUS[raw] : undefined;
      if (!status) return [];
      const occurredAt = chatwootTime(c.updated_at) ?? chatwootTime(c.timestamp) ?? sentAt;
      return [
        {
          kind: 'thread-status',
          dedupeKey: `${prefix}:conversation:${c.id}:${raw}:${Math.floor(occurredAt.getTime() / 1000)}`,
          conversationKey: c.id,
          status,
          occurredAt,
        },
      ];
    }
    case 'contact_updated': {
      const c = must(contactSchema, body, event);
      const hash = createHash('sha256').update(delivery.rawBody).digest('hex').slice(0, 16);
      return [{ kind: 'customer-updated', dedupeKey: `${prefix}:contact:${c.id}:${hash}`, customer: chatwootCustomer(c) }];
    }
    default:
      return [];
  }
}
