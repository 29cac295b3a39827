/**
 * Ingestion: the one path by which customer messages enter the hub, used by
 * provider webhooks (channels/<provider>/webhook.ts) and the `ingestMessage`
 * mutation for partner adapters.
 *
 * In one transaction: match or create the customer, find the customer's active
 * thread on the channel (or open one), insert the message (idempotent on
 * channel + externalMessageId), move the thread's lastMessage, reopen it when
 * it was waiting on the customer, set the response due date from the channel's
 * SLA, and write the audit row. Events are published after commit.
 */
import type { Channel, Message, Prisma, Thread } from '../../generated/prisma/client.js';
import type { NormalizedInbound } from '../../channels/types.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext } from '../../shared/context.js';
import { isUniqueViolation } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { matchOrCreateCustomer } from '../customer/customer.service.js';
import { ACTIVE_STATUSES, publishThreadUpdated, responseDueFrom } from './thread.service.js';

export interface IngestResult {
  message: Message;
  thread: Thread;
  /** false when a message with this externalMessageId was already stored (a redelivery): nothing changed. */
  created: boolean;
}

/**
 * Stores one inbound message. `ctx` defaults to a WEBHOOK system context of the
 * channel's organization; pass the viewer's context when a user (partner API)
 * calls ingestMessage.
 */
export async function ingestInbound(deps: AppDeps, channel: Channel, inbound: NormalizedInbound, ctx?: HubContext): Promise<IngestResult> {
  const c = ctx ?? systemContext(deps, channel.organizationId, 'WEBHOOK');
  const already = await findExisting(c, channel, inbound.externalMessageId);
  if (already) return already;
  try {
    const result = await c.db.$transaction(async (tx) => {
      const customer = await matchOrCreateCustomer(c, tx, inbound.customer);
      const key = inbound.conversationKey ?? null;
      let thread = await tx.thread.findFirst({
        where: {
          channelId: channel.id,
          status: { in: ACTIVE_STATUSES },
          ...(key && !inbound.customer.waId ? { conversationKey: key } : { customerId: customer.id }),
        },
        orderBy: { lastMessageAt: 'desc' },
      });
      const created = !thread;
      if (!thread) {
        thread = await tx.thread.create({
          data: {
            organizationId: c.organizationId,
            channelId: channel.id,
            customerId: customer.id,
            subject: inbound.subject?.trim() || summarize(inbound.content),
            conversationKey: key,
            lastMessageAt: inbound.occurredAt,
            createdAt: inbound.occurredAt,
          },
        });
      }
      const message = await tx.message.create({
        data: {
          organizationId: c.organizationId,
          threadId: thread.id,
          channelId: channel.id,
          type: 'INCOMING',
          senderExternal: { ...inbound.customer, name: inbound.customer.name ?? customer.name } as Prisma.InputJsonValue,
          subject: inbound.subject ?? null,
          content: inbound.content,
          contentHtml: inbound.contentHtml ?? null,
          attachments: inbound.attachments as unknown as Prisma.InputJsonValue,
          externalMessageId: inbound.externalMessageId,
          deliveryStatus: 'DELIVERED',
          metadata: { ...inbound.metadata, ...(inbound.inReplyToExternalId ? { inReplyToExternalId: inbound.inReplyToExternalId } : {}) } as Prisma.InputJsonValue,
          createdAt: inbound.occurredAt,
        },
      });
      // Out-of-order delivery: an older message must not replace a newer preview.
      const newest = inbound.occurredAt >= thread.lastMessageAt || created;
      const data: Prisma.ThreadUncheckedUpdateInput = {};
      if (newest) Object.assign(data, { lastMessageId: message.id, lastMessageAt: inbound.occurredAt });
      if (!thread.lastInboundAt || inbound.occurredAt > thread.lastInboundAt) data.lastInboundAt = inbound.occurredAt;
      if (thread.status === 'WAITING_CUSTOMER') data.status = 'OPEN';
      if (!thread.responseDueAt) data.responseDueAt = responseDueFrom(inbound.occurredAt, channel.responseSlaHours);
      thread = await tx.thread.update({ where: { id: thread.id }, data });
      await writeAudit(c, tx, {
        action: 'message.ingest',
        entityType: 'Message',
        entityId: message.id,
        after: { threadId: thread.id, externalMessageId: message.externalMessageId, threadCreated: created },
      });
      return { message, thread, created: true };
    });
    deps.pubsub.publish('messageAdded', c.organizationId, { messageId: result.message.id, threadId: result.thread.id });
    await publishThreadUpdated(c, result.thread.id, ['lastMessage']);
    return result;
  } catch (err) {
    // Two deliveries of the same message raced: the other one won, this one is a redelivery.
    if (isUniqueViolation(err)) {
      const again = await findExisting(c, channel, inbound.externalMessageId);
      if (again) return again;
    }
    throw err;
  }
}

async function findExisting(c: HubContext, channel: Channel, externalMessageId: string): Promise<IngestResult | null> {
  const message = await c.db.message.findFirst({ where: { channelId: channel.id, externalMessageId }, include: { thread: true } });
  if (!message) return null;
  const { thread, ...rest } = message;
  return { message: rest as Message, thread, created: false };
}

/** First line of the content, at most 80 characters, as a thread subject. */
function summarize(content: string): string {
  const line = content.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line || '(no text)';
}
