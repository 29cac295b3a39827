/**
 * Parser for WhatsApp Business Cloud API `messages` webhooks.
 *
 * Wire format (Meta for Developers, "WhatsApp Business Platform – messages
 * webhook reference", https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 * and its per-type pages: text, image, document, audio, video, sticker,
 * location, contacts, interactive, button, reaction, unsupported, status):
 *
 * ```
 * { object: "whatsapp_business_account",
 *   entry: [{ id: <WABA id>,
 *     changes: [{ field: "messages",
 *       value: { messaging_product: "whatsapp",
 *                metadata: { display_phone_number, phone_number_id },
 *                contacts?: [{ profile?: { name?, username? }, wa_id?, user_id? }],
 *                messages?: [{ from?, from_user_id?, id, timestamp, type, context?, <type>: {...}, errors? }],
 *                statuses?: [{ id, status, timestamp, recipient_id?, recipient_user_id?, errors?, conversation?, pricing? }] } }] }] }
 * ```
 *
 * One POST can batch several entries, changes, messages and statuses; the
 * parser flattens them into one ordered list of events. Timestamps are unix
 * seconds sent as decimal strings. `user_id` / `from_user_id` /
 * `recipient_user_id` are the business-scoped user id (BSUID) Meta adds for
 * WhatsApp usernames (WhatsApp Business Platform, "Business-scoped user IDs");
 * when a user has a username `wa_id` / `from` may be missing.
 *
 * Changes whose `field` is not `"messages"` (template status, account updates,
 * …) and statuses other than sent/delivered/read/failed are not errors: they
 * are reported in `skipped`.
 */
import { z } from 'zod';
import { DeliveryStatus } from '../../generated/prisma/enums.js';
import type { DeliveryStatusUpdate, NormalizedAttachment, NormalizedInbound } from '../types.js';

// ------------------------------------------------------------------ errors

/** One schema violation: `path` like `entry[0].changes[0].value.metadata.phone_number_id`. */
export interface WhatsAppPayloadIssue {
  path: string;
  message: string;
}

/**
 * Thrown by the parser when a webhook body is not a well-formed WhatsApp
 * `messages` webhook. `message` lists every issue, one per line; the webhook
 * route answers 400.
 */
export class WhatsAppPayloadError extends Error {
  constructor(
    message: string,
    public readonly issues: WhatsAppPayloadIssue[] = [],
  ) {
    super(message);
    this.name = 'WhatsAppPayloadError';
  }
}

// ------------------------------------------------------------------ schemas

/** Unix seconds as Meta sends them (decimal string), numbers tolerated. */
const unixSeconds = z
  .union([z.string().regex(/^\d{1,12}$/, 'expected unix seconds as a decimal string'), z.number().int().nonnegative()])
  .transform((v) => new Date(Number(v) * 1000));

const nonEmpty = z.string().min(1);

/** Error object used in messages[].errors, statuses[].errors and value.errors. */
const graphWebhookError = z.looseObject({
  code: z.number().int(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});
export type WhatsAppWebhookError = z.infer<typeof graphWebhookError>;

const media = z.looseObject({
  id: nonEmpty,
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  /** Some API versions include a short-lived download URL. */
  url: z.string().optional(),
  /** audio: true for a voice note recorded in WhatsApp. */
  voice: z.boolean().optional(),
  /** sticker: true for an animated sticker. */
  animated: z.boolean().optional(),
});

const sharedContact = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() })).optional(),
  emails: z.array(z.looseObject({ email: z.string().optional(), type: z.string().optional() })).optional(),
});

const message = z
  .looseObject({
    from: nonEmpty.optional(),
    from_user_id: nonEmpty.optional(),
    id: nonEmpty,
    timestamp: unixSeconds,
    type: nonEmpty,
    context: z
      .looseObject({
        from: z.string().optional(),
        id: z.string().optional(),
        forwarded: z.boolean().optional(),
        frequently_forwarded: z.boolean().optional(),
        referred_product: z.unknown().optional(),
      })
      .optional(),
    text: z.looseObject({ body: z.string() }).optional(),
    image: media.optional(),
    document: media.optional(),
    audio: media.optional(),
    video: media.optional(),
    sticker: media.optional(),
    location: z
      .looseObject({
        latitude: z.number(),
        longitude: z.number(),
        name: z.string().optional(),
        address: z.string().optional(),
        url: z.string().optional(),
      })
      .optional(),
    contacts: z.array(sharedContact).optional(),
    interactive: z
      .looseObject({
        type: nonEmpty,
        button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
        list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
        nfm_reply: z.looseObject({ name: z.string().optional(), body: z.string().optional(), response_json: z.string().optional() }).optional(),
      })
      .optional(),
    button: z.looseObject({ payload: z.string().optional(), text: z.string() }).optional(),
    reaction: z.looseObject({ message_id: nonEmpty, emoji: z.string().optional() }).optional(),
    unsupported: z.looseObject({ type: z.string().optional() }).optional(),
    system: z.looseObject({ body: z.string().optional(), type: z.string().optional() }).optional(),
    referral: z.unknown().optional(),
    errors: z.array(graphWebhookError).optional(),
  })
  .superRefine((m, ctx) => {
    if (!m.from && !m.from_user_id) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'message has neither from nor from_user_id' });
    }
    // A known type must carry its object (Meta always sends it).
    const required: Record<string, keyof typeof m> = {
      text: 'text',
      image: 'image',
      document: 'document',
      audio: 'audio',
      video: 'video',
      sticker: 'sticker',
      location: 'location',
      contacts: 'contacts',
      interactive: 'interactive',
      button: 'button',
      reaction: 'reaction',
    };
    const key = required[m.type];
    if (key && m[key] === undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: `message of type "${m.type}" has no "${key}" object` });
    }
  });
export type WhatsAppWebhookMessage = z.infer<typeof message>;

const status = z
  .looseObject({
    id: nonEmpty,
    status: nonEmpty,
    timestamp: unixSeconds,
    recipient_id: nonEmpty.optional(),
    recipient_user_id: nonEmpty.optional(),
    errors: z.array(graphWebhookError).optional(),
    conversation: z
      .looseObject({
        id: z.string().optional(),
        expiration_timestamp: unixSeconds.optional(),
        origin: z.looseObject({ type: z.string().optional() }).optional(),
      })
      .optional(),
    pricing: z.unknown().optional(),
    biz_opaque_callback_data: z.string().optional(),
  })
  .refine((s) => s.recipient_id !== undefined || s.recipient_user_id !== undefined, {
    path: ['recipient_id'],
    message: 'status has neither recipient_id nor recipient_user_id',
  });

const contact = z.looseObject({
  wa_id: nonEmpty.optional(),
  user_id: nonEmpty.optional(),
  parent_user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
});

/** `changes[].value` of a `field: "messages"` change. */
const messagesValue = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: z.looseObject({
    display_phone_number: z.string(),
    phone_number_id: nonEmpty,
  }),
  contacts: z.array(contact).optional(),
  messages: z.array(message).optional(),
  statuses: z.array(status).optional(),
  errors: z.array(graphWebhookError).optional(),
});
type MessagesValue = z.infer<typeof messagesValue>;

/** The envelope; `value` is validated per `field` afterwards. */
const envelope = z.looseObject({
  object: z.literal('whatsapp_business_account', {
    error: (iss) => `expected "whatsapp_business_account", got ${JSON.stringify(iss.input)}`,
  }),
  entry: z
    .array(
      z.looseObject({
        id: z.string(),
        changes: z.array(z.looseObject({ field: nonEmpty, value: z.unknown() })).min(1),
      }),
    )
    .min(1),
});

// ------------------------------------------------------------------ result types

/** A delivery receipt for a message the hub sent, plus WhatsApp routing details. */
export type WhatsAppStatusUpdate = DeliveryStatusUpdate & {
  /** recipient_id: the customer's wa_id; absent only for BSUID-only recipients. */
  recipientId?: string;
  /** recipient_user_id: the customer's business-scoped user id, when Meta sends it. */
  recipientUserId?: string;
  /** conversation.expiration_timestamp on `sent` statuses (end of the billing conversation window). */
  conversationExpiresAt?: Date;
};

export type WhatsAppWebhookEvent =
  | {
      kind: 'message';
      /** metadata.phone_number_id: the business phone number the message came in on (routes to a Channel.externalId). */
      phoneNumberId: string;
      /** entry[].id: the WhatsApp Business Account id. */
      businessAccountId: string;
      inbound: NormalizedInbound;
    }
  | {
      kind: 'status';
      phoneNumberId: string;
      businessAccountId: string;
      status: WhatsAppStatusUpdate;
    };

/** Something well-formed the hub does not act on. */
export interface WhatsAppSkipped {
  /** e.g. `entry[0].changes[0]` */
  path: string;
  reason: string;
}

export interface ParsedWhatsAppWebhook {
  /** Every message and status across all entries and changes, in payload order. */
  events: WhatsAppWebhookEvent[];
  /** Non-`messages` changes, unknown status values and change-level errors. */
  skipped: WhatsAppSkipped[];
}

// ------------------------------------------------------------------ parsing

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

function toError(prefix: readonly PropertyKey[], error: z.ZodError): WhatsAppPayloadError {
  const issues = error.issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));
  return new WhatsAppPayloadError(`Malformed WhatsApp webhook payload:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues);
}

/**
 * Parses raw webhook bytes (call only after the signature has been verified).
 *
 * @throws WhatsAppPayloadError when the bytes are not valid JSON or not a WhatsApp messages webhook
 */
export function parseWhatsAppWebhookRaw(rawBody: Buffer | string): ParsedWhatsAppWebhook {
  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch (err) {
    throw new WhatsAppPayloadError(`WhatsApp webhook body is not valid JSON: ${(err as Error).message}`, [{ path: '(root)', message: 'invalid JSON' }]);
  }
  return parseWhatsAppWebhook(body);
}

/**
 * Validates a parsed webhook body and flattens it into normalized events.
 *
 * @param body the JSON-parsed request body
 * @returns `{ events, skipped }`; `events` holds one `message` event per
 *   `messages[]` item and one `status` event per sent/delivered/read/failed
 *   `statuses[]` item, across every entry and change, in payload order
 * @throws WhatsAppPayloadError (with one issue per violation) when `object` is
 *   not `"whatsapp_business_account"`, `entry`/`changes` are missing or empty,
 *   or a `messages` change lacks `value`, `metadata.phone_number_id`, message
 *   ids/timestamps, the object of a known message type, etc.
 */
export function parseWhatsAppWebhook(body: unknown): ParsedWhatsAppWebhook {
  const env = envelope.safeParse(body);
  if (!env.success) throw toError([], env.error);

  const events: WhatsAppWebhookEvent[] = [];
  const skipped: WhatsAppSkipped[] = [];
  const values: Array<{ path: PropertyKey[]; businessAccountId: string; value: MessagesValue }> = [];

  // Validate every change before producing anything: a malformed batch yields no events.
  const issues: WhatsAppPayloadIssue[] = [];
  env.data.entry.forEach((entry, ei) => {
    entry.changes.forEach((change, ci) => {
      const path = ['entry', ei, 'changes', ci];
      if (change.field !== 'messages') {
        skipped.push({ path: formatPath(path), reason: `change field "${change.field}" is not handled` });
        return;
      }
      const parsed = messagesValue.safeParse(change.value);
      if (!parsed.success) {
        issues.push(...toError([...path, 'value'], parsed.error).issues);
        return;
      }
      values.push({ path, businessAccountId: entry.id, value: parsed.data });
    });
  });
  if (issues.length > 0) {
    throw new WhatsAppPayloadError(`Malformed WhatsApp webhook payload:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues);
  }

  for (const { path, businessAccountId, value } of values) {
    const phoneNumberId = value.metadata.phone_number_id;
    for (const m of value.messages ?? []) {
      events.push({ kind: 'message', phoneNumberId, businessAccountId, inbound: normalizeMessage(m, value) });
    }
    (value.statuses ?? []).forEach((s, si) => {
      const mapped = STATUS_MAP[s.status];
      if (!mapped) {
        skipped.push({ path: formatPath([...path, 'value', 'statuses', si]), reason: `status "${s.status}" is not tracked` });
        return;
      }
      const update: WhatsAppStatusUpdate = {
        externalMessageId: s.id,
        status: mapped,
        occurredAt: s.timestamp,
      };
      if (s.recipient_id !== undefined) update.recipientId = s.recipient_id;
      if (s.recipient_user_id !== undefined) update.recipientUserId = s.recipient_user_id;
      if (s.conversation?.expiration_timestamp) update.conversationExpiresAt = s.conversation.expiration_timestamp;
      const err = s.errors?.[0];
      if (err) update.error = toStatusError(err);
      events.push({ kind: 'status', phoneNumberId, businessAccountId, status: update });
    });
    if (value.errors?.length) {
      skipped.push({
        path: formatPath([...path, 'value', 'errors']),
        reason: `change-level errors: ${value.errors.map((e) => `${e.code} ${e.title ?? e.message ?? ''}`.trim()).join('; ')}`,
      });
    }
  }
  return { events, skipped };
}

/**
 * The InboundEvent dedupe key for an event (see prisma InboundEvent.dedupeKey):
 * `whatsapp:msg:<wamid>` or `whatsapp:status:<wamid>:<sent|delivered|read|failed>`.
 */
export function whatsappDedupeKey(event: WhatsAppWebhookEvent): string {
  return event.kind === 'message' ? `whatsapp:msg:${event.inbound.externalMessageId}` : `whatsapp:status:${event.status.externalMessageId}:${event.status.status.toLowerCase()}`;
}

const STATUS_MAP: Record<string, DeliveryStatusUpdate['status'] | undefined> = {
  sent: DeliveryStatus.SENT,
  delivered: DeliveryStatus.DELIVERED,
  read: DeliveryStatus.READ,
  failed: DeliveryStatus.FAILED,
};

function toStatusError(err: WhatsAppWebhookError): NonNullable<DeliveryStatusUpdate['error']> {
  const title = err.title ?? err.message ?? `WhatsApp error ${err.code}`;
  const details = err.error_data?.details ?? (err.message && err.message !== title ? err.message : undefined);
  return details === undefined ? { code: err.code, title } : { code: err.code, title, details };
}

// ------------------------------------------------------------------ normalization

function normalizeMessage(m: WhatsAppWebhookMessage, value: MessagesValue): NormalizedInbound {
  const contact = (value.contacts ?? []).find((c) => (m.from !== undefined && c.wa_id === m.from) || (m.from_user_id !== undefined && c.user_id === m.from_user_id));
  const waId = contact?.wa_id ?? m.from;
  const waBsuid = contact?.user_id ?? m.from_user_id;

  const customer: NormalizedInbound['customer'] = { identities: [] };
  if (contact?.profile?.name) customer.name = contact.profile.name;
  if (waId) customer.identities.push({ kind: 'WHATSAPP_ID', value: waId });
  if (waBsuid) customer.identities.push({ kind: 'WHATSAPP_BSUID', value: waBsuid });
  // wa_id is the sender's phone number in international format without '+'.
  if (waId && /^\d{6,15}$/.test(waId)) customer.phone = `+${waId}`;

  const metadata: Record<string, unknown> = { whatsappType: m.type };
  if (contact?.profile?.username) metadata.username = contact.profile.username;
  if (m.context?.forwarded) metadata.forwarded = true;
  if (m.context?.frequently_forwarded) metadata.frequentlyForwarded = true;
  if (m.context?.referred_product !== undefined) metadata.referredProduct = m.context.referred_product;
  if (m.referral !== undefined) metadata.referral = m.referral;
  if (m.errors?.length) metadata.errors = m.errors;

  const attachments: NormalizedAttachment[] = [];
  let inReplyToExternalId = m.context?.id || undefined;
  let content: string;

  switch (m.type) {
    case 'text':
      content = m.text!.body;
      break;
    case 'image':
    case 'document':
    case 'audio':
    case 'video':
    case 'sticker': {
      const med = m[m.type]!;
      attachments.push(mediaAttachment(m.type, med));
      content = med.caption ?? mediaPlaceholder(m.type, med);
      if (m.type === 'audio' && med.voice) metadata.voice = true;
      if (m.type === 'sticker' && med.animated) metadata.animated = true;
      break;
    }
    case 'location': {
      const loc = m.location!;
      const label = [loc.name, loc.address].filter((s): s is string => !!s).join(', ');
      content = `📍 ${label ? `${label} ` : ''}(${loc.latitude}, ${loc.longitude})`;
      const att: NormalizedAttachment = { kind: 'location', latitude: loc.latitude, longitude: loc.longitude };
      if (loc.name) att.name = loc.name;
      if (loc.address) att.address = loc.address;
      if (loc.url) att.url = loc.url;
      attachments.push(att);
      break;
    }
    case 'contacts': {
      const cards = m.contacts!;
      const parts = cards.map((c) => {
        const phones = (c.phones ?? []).map((p) => p.phone ?? p.wa_id).filter((p): p is string => !!p);
        const name = c.name?.formatted_name ?? 'Contact';
        return phones.length ? `${name} (${phones.join(', ')})` : name;
      });
      content = `👤 ${parts.join('; ')}`;
      for (const c of cards) attachments.push({ kind: 'contacts', ...(c.name?.formatted_name ? { name: c.name.formatted_name } : {}) });
      metadata.contacts = cards;
      break;
    }
    case 'interactive': {
      const it = m.interactive!;
      if (it.type === 'button_reply' && it.button_reply) {
        content = it.button_reply.title;
        metadata.interactive = { type: it.type, id: it.button_reply.id, title: it.button_reply.title };
        metadata.buttonId = it.button_reply.id;
      } else if (it.type === 'list_reply' && it.list_reply) {
        content = it.list_reply.title;
        metadata.interactive = {
          type: it.type,
          id: it.list_reply.id,
          title: it.list_reply.title,
          ...(it.list_reply.description !== undefined ? { description: it.list_reply.description } : {}),
        };
        metadata.listReplyId = it.list_reply.id;
      } else if (it.type === 'nfm_reply' && it.nfm_reply) {
        content = it.nfm_reply.body ?? '📝 Form response';
        metadata.interactive = { type: it.type, name: it.nfm_reply.name, responseJson: it.nfm_reply.response_json };
      } else {
        content = `⚠️ Unsupported interactive reply (${it.type})`;
        metadata.interactive = it;
      }
      break;
    }
    case 'button':
      // Quick-reply button of a template message.
      content = m.button!.text;
      metadata.buttonText = m.button!.text;
      if (m.button!.payload !== undefined) metadata.buttonPayload = m.button!.payload;
      break;
    case 'reaction': {
      const r = m.reaction!;
      // An empty/absent emoji means the customer removed their reaction.
      content = r.emoji ? r.emoji : '(reaction removed)';
      inReplyToExternalId = r.message_id;
      metadata.reaction = { messageId: r.message_id, emoji: r.emoji ?? '' };
      break;
    }
    case 'system':
      content = m.system?.body ?? 'ℹ️ WhatsApp system message';
      if (m.system) metadata.system = m.system;
      break;
    default: {
      // "unsupported" (and legacy "unknown") carry errors[] such as 131051 Message type unknown.
      const kind = m.unsupported?.type ?? (m.type === 'unsupported' || m.type === 'unknown' ? undefined : m.type);
      const why = m.errors?.[0]?.title ?? m.errors?.[0]?.message;
      content = `⚠️ Unsupported WhatsApp message${kind ? ` (${kind})` : ''}${why ? `: ${why}` : ''}`;
      if (kind) metadata.unsupportedType = kind;
      metadata.errors = m.errors ?? [];
      break;
    }
  }

  const inbound: NormalizedInbound = {
    externalMessageId: m.id,
    customer,
    content,
    attachments,
    occurredAt: m.timestamp,
    metadata,
    // The customer is the conversation: one open thread per wa_id (or BSUID) and channel.
    conversationKey: (waId ?? waBsuid)!,
  };
  if (inReplyToExternalId) inbound.inReplyToExternalId = inReplyToExternalId;
  return inbound;
}

type Media = z.infer<typeof media>;

function mediaAttachment(kind: string, med: Media): NormalizedAttachment {
  const att: NormalizedAttachment = { kind, providerMediaId: med.id };
  if (med.mime_type) att.mimeType = med.mime_type;
  if (med.sha256) att.sha256 = med.sha256;
  if (med.filename) att.fileName = med.filename;
  if (med.caption) att.caption = med.caption;
  if (med.url) att.url = med.url;
  return att;
}

function mediaPlaceholder(kind: string, med: Media): string {
  switch (kind) {
    case 'image':
      return '📷 Image';
    case 'document':
      return `📄 ${med.filename ?? 'Document'}`;
    case 'audio':
      return med.voice ? '🎤 Voice message' : '🎵 Audio';
    case 'video':
      return '🎥 Video';
    default:
      return '🏷️ Sticker';
  }
}
