import DataLoader from 'dataloader';
import type { Message, Thread } from '../../generated/prisma/client.js';
import type { NormalizedAttachment } from '../../channels/types.js';
import { windowAndOptOutCodes } from '../../channels/registry.js';
import { builder } from '../../schema/builder.js';
import { UserError, decodeId, decodeOptionalId, memoOn, runMutation, type UserErrorShape } from '../../schema/common.js';
import { DeliveryAttemptStatusEnum, DeliveryStatusEnum, MessageTypeEnum } from '../../schema/enums.js';
import type { HubContext } from '../../shared/context.js';
import { UserNode } from '../agent/agent.schema.js';
import { ingestFromPartner } from '../thread/ingest.service.js';
import { ThreadNode } from '../thread/thread.schema.js';
import { mediaUrl } from '../../http/media.js';
import { contentIdKey, resolveInlineImages } from '../../shared/html.js';
import { logCall, postMessage, retryMessage, updateDeliveryStatusFromPartner } from './message.service.js';
import { can } from '../auth/permissions.js';

/** A stored attachment plus where it sits, so `url` can sign a media link. */
type AttachmentShape = NormalizedAttachment & { __messageId?: string; __index?: number };

const Attachment = builder.objectRef<AttachmentShape>('Attachment').implement({
  description: 'A file, image, location or other attachment of a message.',
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'image | document | audio | video | sticker | location | contacts | file' }),
    mimeType: t.string({ nullable: true, resolve: (a) => a.mimeType ?? null }),
    url: t.string({
      nullable: true,
      description:
        'Where to open the file: the stored URL, or for provider media (WhatsApp) a signed path relative to the API origin, /media/<messageId>/<index>?exp=…&sig=…, valid 15 minutes (query again for a fresh one).',
      resolve: (a, _args, ctx) => {
        if (a.url) return a.url;
        if (a.providerMediaId && a.__messageId !== undefined && a.__index !== undefined) {
          return mediaUrl(ctx.deps, a.__messageId, a.__index, ctx.deps.clock.now());
        }
        return null;
      },
    }),
    providerMediaId: t.string({ nullable: true, description: 'Provider media id (WhatsApp media id) to fetch the bytes.', resolve: (a) => a.providerMediaId ?? null }),
    fileName: t.string({ nullable: true, resolve: (a) => a.fileName ?? null }),
    caption: t.string({ nullable: true, resolve: (a) => a.caption ?? null }),
    latitude: t.float({ nullable: true, resolve: (a) => a.latitude ?? null }),
    longitude: t.float({ nullable: true, resolve: (a) => a.longitude ?? null }),
    name: t.string({ nullable: true, resolve: (a) => a.name ?? null }),
    address: t.string({ nullable: true, resolve: (a) => a.address ?? null }),
  }),
});

const SenderKind = builder.enumType('SenderKind', { values: ['USER', 'CUSTOMER', 'SYSTEM'] as const });

interface SenderShape {
  kind: 'USER' | 'CUSTOMER' | 'SYSTEM';
  name: string;
  /** The agent's id and name (the User type's own select); its other fields load on demand. */
  user: { id: string; name: string } | null;
  external: Record<string, unknown> | null;
}

/** The columns `sender` reads: `senderUser` is absent (undefined) on a row a service returns. */
interface MessageSenderColumns {
  senderUserId: string | null;
  senderExternal: unknown;
  senderUser?: { id: string; name: string } | null;
}

/**
 * Who wrote a message: the agent (`senderUser`, loaded by the query; on a row a service returned,
 * by id: Prisma batches the `findUnique`s of one tick into one query), else the external sender
 * (`senderExternal`: name, e-mail or phone), else the system.
 */
function senderOf(ctx: HubContext, m: MessageSenderColumns): SenderShape | Promise<SenderShape> {
  // Called for every message of a page: no closures allocated per call (issue 8 §1).
  if (m.senderUser !== undefined || !m.senderUserId) return userSender(m.senderUser ?? null) ?? externalSender(m);
  return ctx.db.user.findUnique({ where: { id: m.senderUserId }, select: { id: true, name: true } }).then((user) => userSender(user) ?? externalSender(m));
}

function userSender(user: { id: string; name: string } | null): SenderShape | null {
  return user ? { kind: 'USER', name: user.name, user, external: null } : null;
}

/** The customer (senderExternal's name, e-mail or phone) or, without one, the system. */
function externalSender(m: MessageSenderColumns): SenderShape {
  const ext = (m.senderExternal ?? null) as Record<string, unknown> | null;
  if (ext) return { kind: 'CUSTOMER', name: String(ext.name ?? ext.email ?? ext.phone ?? 'Customer'), user: null, external: ext };
  return { kind: 'SYSTEM', name: 'System', user: null, external: null };
}

const MessageSender = builder.objectRef<SenderShape>('MessageSender').implement({
  description: 'Who wrote a message: an agent (user), the customer, or the system.',
  fields: (t) => ({
    kind: t.field({ type: SenderKind, resolve: (s) => s.kind }),
    name: t.exposeString('name'),
    user: t.field({ type: UserNode, nullable: true, resolve: (s) => s.user }),
    address: t.string({
      nullable: true,
      description: "The external sender's address: e-mail, phone, or the provider's id (WhatsApp id, Chatwoot contact, partner id).",
      resolve: (s) => {
        if (!s.external) return null;
        const ids = (s.external.identities as { value: string }[] | undefined) ?? [];
        return String(s.external.email ?? s.external.phone ?? ids[0]?.value ?? '') || null;
      },
    }),
  }),
});

export const MessageNode = builder.prismaNode('Message', {
  id: { field: 'id' },
  // Select mode (issue 8 §1): a query loads the columns below and those its other fields ask for.
  // The columns below are the ones the inbox and thread view nearly always ask for: fields reading
  // only them resolve straight from the row (schema/column-fields.ts). Rows a service returns
  // carry every column.
  // The sender's columns too (the `sender` field): asked for by the inbox's last message and every message of the
  // thread view, and read straight from the row instead of through Pothos' per-row lookup of a relation field.
  select: {
    id: true,
    type: true,
    content: true,
    createdAt: true,
    deliveryStatus: true,
    senderUserId: true,
    senderExternal: true,
    senderUser: { select: { id: true, name: true } },
  },
  authScopes: can('Message'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'One message of a thread: from the customer, to the customer, an internal note or a system notice.',
  fields: (t) => ({
    type: t.expose('type', { type: MessageTypeEnum }),
    content: t.exposeString('content', { description: 'Plain text.' }),
    contentHtml: t.string({
      nullable: true,
      select: { id: true, contentHtml: true, attachments: true },
      description:
        "Sanitised HTML (e-mail bodies), or null. Inline images (`cid:` references to the message's inline parts) point at the part's signed media path (/media/<messageId>/<index>?exp=…&sig=…, valid 15 minutes, as Attachment.url); one without a stored part has no src.",
      resolve: (m, _args, ctx) => {
        if (!m.contentHtml) return null;
        const attachments = Array.isArray(m.attachments) ? (m.attachments as unknown as NormalizedAttachment[]) : [];
        return resolveInlineImages(m.contentHtml, (cid) => {
          const index = attachments.findIndex((a) => a.contentId !== undefined && contentIdKey(a.contentId).toLowerCase() === cid.toLowerCase());
          return index >= 0 && attachments[index]!.providerMediaId ? mediaUrl(ctx.deps, m.id, index, ctx.deps.clock.now()) : null;
        });
      },
    }),
    subject: t.exposeString('subject', { nullable: true }),
    channel: t.relation('channel'),
    thread: t.relation('thread'),
    externalMessageId: t.exposeString('externalMessageId', {
      nullable: true,
      description: 'Provider message id (WhatsApp wamid, Graph message id, Twilio MessageSid, ...).',
    }),
    deliveryStatus: t.expose('deliveryStatus', { type: DeliveryStatusEnum }),
    attachments: t.field({
      type: [Attachment],
      select: { id: true, attachments: true },
      resolve: (m) =>
        (Array.isArray(m.attachments) ? (m.attachments as unknown as NormalizedAttachment[]) : []).map((a, i): AttachmentShape => ({ ...a, __messageId: m.id, __index: i })),
    }),
    sender: t.field({
      type: MessageSender,
      // From the type's select (the sender's id and name only, never its passwordHash; the User's other fields load on
      // demand). A row a service returns has every column but no relation: its agent is loaded by id (senderOf).
      resolve: (m, _args, ctx) => senderOf(ctx, m as MessageSenderColumns),
    }),
    recipient: t.expose('recipient', { type: 'JSON', nullable: true }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON', description: 'Provider details, e.g. { whatsappType, reaction, error }.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the message was written (provider timestamp for inbound).' }),
    canRetry: t.boolean({
      description: 'An outgoing reply the provider refused (FAILED): retryMessage sends it again.',
      select: { type: true, deliveryStatus: true },
      resolve: (m) => m.type === 'OUTGOING' && m.deliveryStatus === 'FAILED',
    }),
    deliveries: t.relation('deliveries', {
      description: 'The delivery log: one entry per attempt to hand the message to its provider, oldest first.',
      query: { orderBy: { attempt: 'asc' }, take: 20 },
    }),
  }),
});

builder.prismaObject('MessageDelivery', {
  description: 'One attempt to deliver an outgoing message through its provider.',
  fields: (t) => ({
    attempt: t.exposeInt('attempt', { description: '1 for the first attempt.' }),
    status: t.expose('status', { type: DeliveryAttemptStatusEnum, description: 'STARTED is written before the provider is called.' }),
    httpStatus: t.exposeInt('httpStatus', { nullable: true }),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    durationMs: t.exposeInt('durationMs', { nullable: true, description: 'Time the provider took, in milliseconds.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
});

const PostMessageKind = builder.enumType('PostMessageKind', {
  values: { REPLY: { description: 'To the customer, through the thread channel.' }, NOTE: { description: 'Internal note, visible to the team only.' } },
});

const PostMessageInputRef = builder.inputType('PostMessageInput', {
  fields: (t) => ({
    threadId: t.id({ required: true }),
    kind: t.field({ type: PostMessageKind, required: true }),
    content: t.string({ required: true }),
    contentHtml: t.string(),
    subject: t.string(),
    templateId: t.id({
      description:
        'The template this text came from (counts its usage). The text is the final one the agent edited: it is refused while the template is inactive (TEMPLATE_INACTIVE) or while content or subject still hold a placeholder {{path}} of one of its variables that renderTemplate left unfilled (TEMPLATE_VARIABLES_MISSING).',
    }),
    replyToMessageId: t.id({
      description:
        "REPLY only: the message of this thread being answered. The reply goes out on that message's channel (a merged thread spans channels). Without it: the channel of the customer's latest message, else the thread's channel.",
    }),
  }),
});

type MessagePayloadShape = { message?: Message; thread?: Thread; errors: UserErrorShape[] };
/**
 * A Message row a service returned, as MessageNode's shape: every column, no `senderUser` relation
 * (the `sender` field loads the agent by id then), null when absent.
 */
function serviceRow(m: Message | null | undefined): typeof MessageNode.$inferType | null {
  return (m ?? null) as typeof MessageNode.$inferType | null;
}

const PostMessagePayload = builder.objectRef<MessagePayloadShape>('PostMessagePayload').implement({
  fields: (t) => ({
    message: t.field({
      type: MessageNode,
      nullable: true,
      description: 'Also set when the provider refused the reply (deliveryStatus FAILED).',
      resolve: (p) => serviceRow(p.message),
    }),
    thread: t.field({ type: ThreadNode, nullable: true, resolve: (p) => p.thread ?? null }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

const CustomerIdentityInput = builder.inputType('CustomerIdentityInput', {
  description: "How the partner identifies the customer; at least one of email, phone, partnerId (the partner system's own customer id).",
  fields: (t) => ({
    name: t.string({ description: 'At most 200 characters.' }),
    email: t.string(),
    phone: t.string({ description: 'E.164 or a common national format.' }),
    partnerId: t.string({ description: 'At most 200 characters.' }),
  }),
});

const AttachmentInput = builder.inputType('AttachmentInput', {
  fields: (t) => ({
    kind: t.string({ required: true }),
    mimeType: t.string(),
    url: t.string(),
    fileName: t.string(),
    caption: t.string(),
  }),
});

const IngestMessageInputRef = builder.inputType('IngestMessageInput', {
  fields: (t) => ({
    channelId: t.id({ required: true }),
    externalMessageId: t.string({ required: true, description: 'Provider id; a second call with the same id stores nothing.' }),
    customer: t.field({ type: CustomerIdentityInput, required: true }),
    content: t.string({ required: true }),
    contentHtml: t.string(),
    subject: t.string(),
    attachments: t.field({ type: [AttachmentInput] }),
    occurredAt: t.field({ type: 'DateTime', required: true, description: 'When the customer sent it (ISO 8601).' }),
    conversationKey: t.string({ description: 'Provider conversation id used to thread messages (e.g. e-mail conversationId).' }),
  }),
});

const IngestMessagePayload = builder.objectRef<MessagePayloadShape & { created?: boolean }>('IngestMessagePayload').implement({
  fields: (t) => ({
    message: t.field({ type: MessageNode, nullable: true, resolve: (p) => serviceRow(p.message) }),
    thread: t.field({ type: ThreadNode, nullable: true, resolve: (p) => p.thread ?? null }),
    created: t.boolean({ description: 'false when this externalMessageId was already stored (a redelivery).', resolve: (p) => p.created ?? false }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

const CallDirection = builder.enumType('CallDirection', { values: ['INBOUND', 'OUTBOUND'] as const });

const LogCallInputRef = builder.inputType('LogCallInput', {
  description: 'Exactly one of threadId and customerId.',
  fields: (t) => ({
    threadId: t.id(),
    customerId: t.id(),
    direction: t.field({ type: CallDirection, required: true }),
    durationSeconds: t.int({ required: true, description: 'Length of the call in seconds (0–86,400).' }),
    notes: t.string(),
  }),
});

const MessagePayload = builder.objectRef<{ message?: Message; errors: UserErrorShape[] }>('MessagePayload').implement({
  fields: (t) => ({
    message: t.field({ type: MessageNode, nullable: true, resolve: (p) => serviceRow(p.message) }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

builder.mutationFields((t) => ({
  postMessage: t.field({
    authScopes: can('postMessage'),
    type: PostMessagePayload,
    description: `Replies to the customer through the thread channel (REPLY; on a merged thread the channel of the message replied to, see replyToMessageId) or adds an internal note (NOTE). The reply is PENDING until the provider accepts it (SENT); only then does it count as a response. Errors: NOT_FOUND, VALIDATION_FAILED, CHANNEL_INACTIVE, CHANNEL_NOT_SUPPORTED (no provider on this channel), the provider's window or opt-out code (${windowAndOptOutCodes}; nothing stored), CHANNEL_SEND_FAILED (message kept as FAILED, retryable); with templateId: TEMPLATE_INACTIVE, TEMPLATE_VARIABLES_MISSING (nothing stored).`,
    args: { input: t.arg({ type: PostMessageInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() =>
        postMessage(ctx, {
          ...input,
          threadId: decodeId('Thread', String(input.threadId), 'input.threadId'),
          templateId: decodeOptionalId('Template', input.templateId as string, 'input.templateId'),
          replyToMessageId: decodeOptionalId('Message', input.replyToMessageId as string, 'input.replyToMessageId'),
        }),
      ),
  }),
  ingestMessage: t.field({
    type: IngestMessagePayload,
    description:
      "Stores an inbound customer message sent by a partner system: requires an API key with the INGEST scope and an API channel (the key's own channel when it has one); idempotent on (channel, externalMessageId). Refused with FORBIDDEN for user sessions and keys without INGEST. Errors: FORBIDDEN (a provider channel, or another channel than the key's), NOT_FOUND (channel), CHANNEL_INACTIVE, VALIDATION_FAILED (e-mail, phone, occurredAt more than 5 minutes ahead, content over 10,000 characters).",
    authScopes: can('ingestMessage'),
    args: { input: t.arg({ type: IngestMessageInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() =>
        ingestFromPartner(ctx, {
          ...input,
          channelId: decodeId('Channel', String(input.channelId), 'input.channelId'),
          customer: { ...input.customer },
          attachments: input.attachments?.map((a) => ({ ...a })),
        }),
      ),
  }),
  retryMessage: t.field({
    authScopes: can('retryMessage'),
    type: PostMessagePayload,
    description:
      'Sends a reply that failed (canRetry) again through its channel. Errors: NOT_FOUND, MESSAGE_NOT_RETRYABLE, the channel checks of postMessage, and the provider refusal (message kept FAILED).',
    args: { messageId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => runMutation(() => retryMessage(ctx, decodeId('Message', String(args.messageId), 'messageId')), ''),
  }),
  logCall: t.field({
    authScopes: can('logCall'),
    type: PostMessagePayload,
    description: 'Logs a phone call as a CALL_LOG message: on a thread, or for a customer on a new thread of the phone channel. Errors: NOT_FOUND, VALIDATION_FAILED.',
    args: { input: t.arg({ type: LogCallInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() =>
        logCall(ctx, {
          ...input,
          threadId: decodeOptionalId('Thread', input.threadId as string | null | undefined, 'input.threadId'),
          customerId: decodeOptionalId('Customer', input.customerId as string | null | undefined, 'input.customerId'),
        }),
      ),
  }),
  updateDeliveryStatus: t.field({
    type: MessagePayload,
    description:
      'A partner acknowledges delivery (DELIVERED), reading (READ) or failure (FAILED) of a message sent on its API channel; statuses only move forward. Requires an API key with INGEST. Errors: FORBIDDEN, NOT_FOUND.',
    authScopes: can('updateDeliveryStatus'),
    args: {
      channelId: t.arg.id({ required: true }),
      externalMessageId: t.arg.string({ required: true }),
      status: t.arg({ type: DeliveryStatusEnum, required: true }),
    },
    resolve: (_r, args, ctx) =>
      runMutation(
        () =>
          updateDeliveryStatusFromPartner(ctx, {
            channelId: decodeId('Channel', String(args.channelId), 'channelId'),
            externalMessageId: args.externalMessageId,
            status: args.status,
          }),
        '',
      ),
  }),
}));

/**
 * The organization's events of one topic, only one thread's when `threadId`
 * (a global id) is given. Topics are keyed by organization, so another
 * organization's events never reach this iterator.
 */
function threadEvents(ctx: HubContext, topic: 'messageAdded' | 'messageUpdated' | 'threadUpdated', threadId: string | number | null | undefined) {
  const id = threadId ? decodeId('Thread', String(threadId), 'threadId') : null;
  // Every topic's event carries the threadId it concerns (shared/pubsub.ts).
  return ctx.deps.pubsub.subscribeWhere(topic, ctx.organizationId, (e) => !id || e.threadId === id);
}

const eventLoads = new WeakMap<object, Map<string, Promise<unknown>>>();
/**
 * Loads an event's record once for every subscriber with the same selection
 * (issue 8 §2: one message fanned out to 1,000 open subscriptions is one query,
 * not 1,000). The pub/sub hands every subscriber of an organization the same
 * event object (in process and from Redis alike), so the memo lives as long as
 * the event; `query` is Pothos' Prisma selection for the subscriber's document:
 * subscribers with other documents load their own shape. Safe to share: every
 * subscriber of the topic is of the event's organization, and field-level
 * rules (authScopes, per-viewer fields such as Thread.unread) still resolve
 * per subscriber on the shared row.
 */
export function loadForEvent<T>(event: object, query: object, load: (shapeKey: string) => Promise<T>): Promise<T> {
  const byShape = memoOn(eventLoads, event, () => new Map<string, Promise<unknown>>());
  const key = JSON.stringify(query);
  let loaded = byShape.get(key);
  if (!loaded) {
    loaded = load(key);
    byShape.set(key, loaded);
  }
  return loaded as Promise<T>;
}

/** Open batches of eventRecord: one per organization, model and selection, until the tick's loads are dispatched. */
const eventBatches = new Map<string, DataLoader<string, unknown>>();
/**
 * The row `id` of `model` with Pothos' selection `query`, for a subscription event: the events
 * published together (an inbound batch publishes one per message) are loaded by one `findMany`
 * with `id IN (…)` per organization and selection. Prisma's own batching of `findUnique` sent an
 * `OR` of (id, organizationId) pairs instead: a query shape of its own for every batch size, and
 * ~6 ms of PostgreSQL per 100 events (docs/measurements.md "Stop 29").
 * @throws Error when the row is gone (as findUniqueOrThrow)
 */
function eventRecord<T>(ctx: HubContext, model: 'message' | 'thread', query: object, shapeKey: string, id: string): Promise<T> {
  const key = `${ctx.organizationId}\u0000${model}\u0000${shapeKey}`;
  let loader = eventBatches.get(key);
  if (!loader) {
    const db = ctx.db[model] as unknown as { findMany(args: object): Promise<{ id: string }[]> };
    loader = new DataLoader<string, unknown>(
      async (ids) => {
        eventBatches.delete(key);
        const rows = await db.findMany({ ...query, where: { id: { in: [...ids] } } });
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((i) => byId.get(i) ?? new Error(`${model} ${i} not found`));
      },
      { cache: false },
    );
    eventBatches.set(key, loader);
  }
  return loader.load(id) as Promise<T>;
}

/** An event's record for a subscriber: once per event and selection (loadForEvent), batched across the tick's events (eventRecord). */
function eventRow<T>(ctx: HubContext, event: unknown, query: object, model: 'message' | 'thread', id: string): Promise<T> {
  return loadForEvent(event as object, query, (shapeKey) => eventRecord<T>(ctx, model, query, shapeKey, id));
}

builder.subscriptionFields((t) => ({
  messageAdded: t.prismaField({
    authScopes: can('messageAdded'),
    type: 'Message',
    description: "New messages of the viewer's organization; only one thread's when threadId is given.",
    args: { threadId: t.arg.id() },
    subscribe: (_root, args, ctx) => threadEvents(ctx, 'messageAdded', args.threadId),
    resolve: (query, event, _args, ctx) => eventRow<Message>(ctx, event, query, 'message', (event as unknown as { messageId: string }).messageId),
  }),
  messageUpdated: t.prismaField({
    authScopes: can('messageUpdated'),
    type: 'Message',
    description: 'Messages whose delivery status changed (for delivery ticks).',
    args: { threadId: t.arg.id() },
    subscribe: (_root, args, ctx) => threadEvents(ctx, 'messageUpdated', args.threadId),
    resolve: (query, event, _args, ctx) => eventRow<Message>(ctx, event, query, 'message', (event as unknown as { messageId: string }).messageId),
  }),
  threadUpdated: t.prismaField({
    authScopes: can('threadUpdated'),
    type: 'Thread',
    description: "Threads of the viewer's organization that changed (new message, status, assignment, ...).",
    args: { threadId: t.arg.id() },
    subscribe: (_root, args, ctx) => threadEvents(ctx, 'threadUpdated', args.threadId),
    resolve: (query, event, _args, ctx) => eventRow<Thread>(ctx, event, query, 'thread', (event as unknown as { threadId: string }).threadId),
  }),
}));
