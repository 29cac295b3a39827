/**
 * Messages the team writes: replies that go out through the thread's channel
 * and internal notes; and delivery receipts that move deliveryStatus forward.
 */
import { z } from 'zod';
import type { Channel, Message, Prisma, Thread } from '../../generated/prisma/client.js';
import type { DeliveryStatus } from '../../generated/prisma/enums.js';
import { adapters, replyWindows } from '../../channels/registry.js';
import { ChannelSendError, type DeliveryStatusUpdate } from '../../channels/types.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext } from '../../shared/context.js';
import { DomainError, ERROR_MESSAGES, notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { openChannelConfig } from '../channel/channel.service.js';
import { publishThreadUpdated } from '../conversation/thread.service.js';


export const PostMessageInput = z.object({
  threadId: z.string(),
  kind: z.enum(['REPLY', 'NOTE']),
  content: z.string().trim().min(1, 'The message is empty.').max(10_000),
  contentHtml: z.string().nullish(),
  subject: z.string().trim().max(300).nullish(),
  templateId: z.string().nullish(),
});

export interface PostMessageResult {
  message: Message;
  thread: Thread;
}

/**
 * Posts a reply (OUTGOING, sent through the thread's channel adapter after
 * commit) or an internal note (INTERNAL_NOTE, never leaves the hub).
 *
 * Errors (DomainError): NOT_FOUND (thread), CHANNEL_INACTIVE, VALIDATION_FAILED
 * (reply on a thread without a customer address), WHATSAPP_WINDOW_CLOSED (more
 * than 24 h since the customer last wrote; nothing is stored). When the provider
 * refuses an accepted reply, the message is kept with deliveryStatus FAILED and
 * a PostMessageError carries both the message and the error code.
 */
export async function postMessage(ctx: HubContext, raw: z.input<typeof PostMessageInput>): Promise<PostMessageResult> {
  const input = PostMessageInput.parse(raw);
  const now = ctx.deps.clock.now();
  const existing = await ctx.db.thread.findUnique({ where: { id: input.threadId }, include: { channel: true, customer: true } });
  if (!existing) throw notFound('Thread', 'input.threadId');
  const isReply = input.kind === 'REPLY';
  let recipient: string | null = null;
  if (isReply) {
    if (!existing.channel.isActive) throw new DomainError('CHANNEL_INACTIVE', undefined, 'input.threadId');
    const window = replyWindows[existing.channel.type];
    if (window && (!existing.lastInboundAt || now.getTime() - existing.lastInboundAt.getTime() > window.ms)) {
      throw new DomainError(window.code, ERROR_MESSAGES[window.code], 'input.content');
    }
    recipient = recipientAddress(existing.channel, existing.customer);
    if (adapters[existing.channel.type] && !recipient) {
      throw new DomainError('VALIDATION_FAILED', 'This thread has no customer address to reply to.', 'input.threadId');
    }
  }

  const { message, thread } = await ctx.db.$transaction(async (tx) => {
    const message = await tx.message.create({
      data: {
        organizationId: ctx.organizationId,
        threadId: existing.id,
        channelId: existing.channelId,
        type: isReply ? 'OUTGOING' : 'INTERNAL_NOTE',
        senderUserId: ctx.viewer?.id ?? null,
        recipient: isReply && existing.customer ? { name: existing.customer.name, address: recipient } : undefined,
        subject: input.subject ?? null,
        content: input.content,
        contentHtml: input.contentHtml ?? null,
        deliveryStatus: isReply ? 'PENDING' : 'SENT',
        metadata: input.templateId ? { templateId: input.templateId } : {},
        createdAt: now,
      },
    });
    const data: Prisma.ThreadUncheckedUpdateInput = { lastMessageId: message.id, lastMessageAt: now };
    if (isReply) {
      if (!existing.firstResponseAt) data.firstResponseAt = now;
      data.responseDueAt = null; // the customer has their answer: no reply is owed until they write again
      if (existing.status === 'OPEN') data.status = 'WAITING_CUSTOMER';
    }
    const thread = await tx.thread.update({ where: { id: existing.id }, data });
    if (input.templateId) await tx.template.updateMany({ where: { id: input.templateId }, data: { usageCount: { increment: 1 } } });
    await writeAudit(ctx, tx, {
      action: isReply ? 'message.reply' : 'message.note',
      entityType: 'Message',
      entityId: message.id,
      after: { threadId: thread.id, type: message.type, content: message.content },
    });
    return { message, thread };
  });
  ctx.deps.pubsub.publish('messageAdded', ctx.organizationId, { messageId: message.id, threadId: thread.id });
  await publishThreadUpdated(ctx, thread.id, ['lastMessage']);

  if (!isReply || !adapters[existing.channel.type]) return { message, thread };
  const sent = await deliverMessage(ctx.deps, existing.channel, message, recipient!);
  if (sent.error) throw new PostMessageError(sent.error, sent.message, thread);
  return { message: sent.message, thread };
}

/** A reply was stored but the provider refused it; the payload returns the FAILED message and the error. */
export class PostMessageError extends DomainError {
  constructor(err: ChannelSendError, message: Message, thread: Thread) {
    super(err.code === 'WHATSAPP_WINDOW_CLOSED' ? 'WHATSAPP_WINDOW_CLOSED' : 'CHANNEL_SEND_FAILED', err.message, 'input.content', { message, thread });
  }
}

function recipientAddress(channel: Channel, customer: { waId: string | null; phone: string | null; email: string | null } | null): string | null {
  if (!customer) return null;
  switch (channel.type) {
    case 'WHATSAPP_BUSINESS':
      return customer.waId ?? customer.phone?.replace(/^\+/, '') ?? null;
    case 'SMS':
    case 'PHONE_CALL':
      return customer.phone;
    case 'EMAIL_OUTLOOK':
      return customer.email;
    default:
      return customer.email ?? customer.phone;
  }
}

/**
 * Sends a stored OUTGOING message through its channel's adapter and records the
 * outcome: SENT with the provider id, or FAILED with the provider error in
 * metadata.error. Returns the updated message.
 */
export async function deliverMessage(
  deps: AppDeps,
  channel: Channel,
  message: Message,
  to: string,
): Promise<{ message: Message; error?: ChannelSendError }> {
  const adapter = adapters[channel.type];
  if (!adapter) return { message };
  const ctx = systemContext(deps, channel.organizationId);
  const config = { graphBaseUrl: deps.config.WHATSAPP_GRAPH_BASE_URL, ...openChannelConfig(deps, channel) };
  let result: { message: Message; error?: ChannelSendError };
  try {
    const inReplyTo = (message.metadata as { replyToExternalId?: string } | null)?.replyToExternalId;
    const out = await adapter.send(config as never, { to, content: message.content, subject: message.subject ?? undefined, replyToExternalId: inReplyTo });
    const updated = await ctx.db.message.update({
      where: { id: message.id },
      data: {
        externalMessageId: out.externalMessageId,
        // A receipt may have raced ahead of the send response: never move back.
        deliveryStatus: message.deliveryStatus === 'PENDING' ? 'SENT' : message.deliveryStatus,
        metadata: { ...(message.metadata as object), provider: (out.raw ?? null) as Prisma.InputJsonValue },
      },
    });
    result = { message: updated };
  } catch (err) {
    const error = err instanceof ChannelSendError ? err : new ChannelSendError('CHANNEL_SEND_FAILED', (err as Error).message);
    deps.logger.warn({ err: error, messageId: message.id }, 'outbound message failed');
    const updated = await ctx.db.message.update({
      where: { id: message.id },
      data: {
        deliveryStatus: 'FAILED',
        metadata: { ...(message.metadata as object), error: { code: error.code, message: error.message, provider: (error.providerError ?? null) as Prisma.InputJsonValue } },
      },
    });
    result = { message: updated, error };
  }
  deps.pubsub.publish('messageUpdated', channel.organizationId, { messageId: message.id, threadId: message.threadId });
  return result;
}

/** Order of delivery states; a receipt only ever moves a message forward. */
const RANK: Record<DeliveryStatus, number> = { PENDING: 0, SENT: 1, FAILED: 1.5, BOUNCED: 1.5, DELIVERED: 2, READ: 3 };

/**
 * Applies a provider delivery receipt to the message with that provider id on
 * `channel`. Idempotent and order-independent: a late `sent` after `read` changes
 * nothing; FAILED/BOUNCED only apply before delivery. Returns updated=false when
 * the message is unknown or the receipt is not newer.
 */
export async function applyDeliveryStatus(deps: AppDeps, channel: Channel, update: DeliveryStatusUpdate): Promise<{ updated: boolean; messageId?: string }> {
  const ctx = systemContext(deps, channel.organizationId, 'WEBHOOK');
  const message = await ctx.db.message.findFirst({ where: { channelId: channel.id, externalMessageId: update.externalMessageId } });
  if (!message) return { updated: false };
  const lower = (Object.keys(RANK) as DeliveryStatus[]).filter((s) => RANK[s] < RANK[update.status]);
  const data: Prisma.MessageUncheckedUpdateManyInput = { deliveryStatus: update.status };
  if (update.status === 'READ') data.readAt = update.occurredAt;
  if (update.error) data.metadata = { ...(message.metadata as object), error: update.error as Prisma.InputJsonValue };
  const res = await ctx.db.message.updateMany({ where: { id: message.id, deliveryStatus: { in: lower } }, data });
  if (res.count === 0) return { updated: false, messageId: message.id };
  deps.pubsub.publish('messageUpdated', channel.organizationId, { messageId: message.id, threadId: message.threadId });
  return { updated: true, messageId: message.id };
}

