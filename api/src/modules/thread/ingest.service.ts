/**
 * Ingestion: the one path by which customer messages enter the hub, used by
 * the inbound queue (inbound.service.ts, for every provider webhook) and the
 * `ingestMessage` mutation for partner systems.
 *
 * In one transaction: match or create the customer by their identities, find
 * the thread (the open thread of the conversation key on the channel, else the
 * open thread a merged conversation now lives in (mergeThreads), else for
 * e-mail the thread of a referenced Message-ID, reopened if resolved; else a
 * new one), insert the message (idempotent on
 * channel + externalMessageId), move the thread's lastMessage, reopen it when
 * it was waiting on the customer, set the response due date from the channel's
 * SLA, and write the audit row. Events are published after commit.
 */
import type { Channel, Message, Prisma, Thread } from '../../generated/prisma/client.js';
import { z } from 'zod';
import type { IdentityRef, NormalizedAttachment, NormalizedInbound } from '../../channels/types.js';
import { sanitizeHtml } from '../../shared/html.js';
import { withoutUndefined } from '../../shared/objects.js';
import type { AppDeps } from '../../shared/app.js';
import { hasScope, systemContext, type HubContext } from '../../shared/context.js';
import { DomainError, isUniqueViolation, notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { enqueueRouting } from '../assignment/enqueue.js';
import { syncThreadSla } from '../sla/engine.js';
import { matchOrCreateCustomer } from '../customer/customer.service.js';
import { customerFields } from '../customer/customer.validation.js';
import { MESSAGE_ERRORS } from '../message/message.errors.js';
import { ACTIVE_STATUSES, publishThreadUpdated, responseDueFrom } from './thread.service.js';
import { mergedTargetOf } from './merge.service.js';
import { clearReadMarks, endSnoozeOnInbound } from './triage.service.js';

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
export async function ingestInbound(deps: AppDeps, channel: Channel, inbound: NormalizedInbound, ctx?: HubContext, retried = false): Promise<IngestResult> {
  const c = ctx ?? systemContext(deps, channel.organizationId, 'WEBHOOK');
  const already = await findExisting(c, channel, inbound.externalMessageId);
  if (already) return already;
  try {
    const result = await c.db.$transaction(async (tx) => {
      const customer = await matchOrCreateCustomer(c, tx, inbound.customer, channel.id);
      const key = inbound.conversationKey;
      // 1. the open thread of this conversation on this channel
      let thread = await tx.thread.findFirst({
        where: { channelId: channel.id, status: { in: ACTIVE_STATUSES }, conversationKey: key, deletedAt: null },
        orderBy: { lastMessageAt: 'desc' },
      });
      // 1b. a conversation merged into another thread (mergeThreads): the merge target while it is open (a resolved one is left, as in 1)
      if (!thread) {
        const target = await mergedTargetOf(tx, channel.id, key);
        if (target && ACTIVE_STATUSES.includes(target.status)) thread = target;
      }
      let reopened = false;
      // 2. e-mail: the thread of a message this one answers (In-Reply-To / References), reopened if it was resolved
      if (!thread && inbound.references?.length) {
        const referenced = await tx.message.findFirst({
          where: { channelId: channel.id, internetMessageId: { in: inbound.references } },
          orderBy: { createdAt: 'desc' },
          include: { thread: true },
        });
        if (referenced && !referenced.thread.deletedAt) {
          thread = referenced.thread;
          reopened = !ACTIVE_STATUSES.includes(thread.status);
        }
      }
      const created = !thread;
      if (thread) {
        // Two messages of one conversation processed at once (the job queue runs several): the
        // second waits here for the first's commit and then reads its preview, clocks and status,
        // so the newest message is the preview whatever order the transactions commit in.
        await tx.$queryRawUnsafe(`SELECT id FROM "Thread" WHERE id = $1::uuid FOR UPDATE`, thread.id);
        thread = await tx.thread.findUniqueOrThrow({ where: { id: thread.id } });
      }
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
          senderExternal: {
            name: inbound.customer.name ?? customer.name,
            ...(inbound.customer.email ? { email: inbound.customer.email } : {}),
            ...(inbound.customer.phone ? { phone: inbound.customer.phone } : {}),
            identities: inbound.customer.identities,
          } as unknown as Prisma.InputJsonValue,
          subject: inbound.subject ?? null,
          content: inbound.content,
          contentHtml: inbound.contentHtml ?? null,
          attachments: inbound.attachments as unknown as Prisma.InputJsonValue,
          externalMessageId: inbound.externalMessageId,
          internetMessageId: inbound.internetMessageId ?? null,
          deliveryStatus: 'DELIVERED',
          metadata: { ...inbound.metadata, ...(inbound.inReplyToExternalId ? { inReplyToExternalId: inbound.inReplyToExternalId } : {}) } as Prisma.InputJsonValue,
          createdAt: inbound.occurredAt,
        },
      });
      // Out-of-order delivery: an older message must not replace a newer preview.
      const newest = inbound.occurredAt >= thread.lastMessageAt || created;
      const data: Prisma.ThreadUncheckedUpdateInput = {};
      if (newest) Object.assign(data, { lastMessageId: message.id, lastMessageAt: inbound.occurredAt });
      // Out of order the other way (two deliveries processed at once): the earlier message opens the thread.
      if (!created && inbound.occurredAt < thread.createdAt) Object.assign(data, { createdAt: inbound.occurredAt, subject: inbound.subject?.trim() || summarize(inbound.content) });
      if (!thread.lastInboundAt || inbound.occurredAt > thread.lastInboundAt) data.lastInboundAt = inbound.occurredAt;
      if (thread.status === 'WAITING_CUSTOMER' || reopened) data.status = 'OPEN';
      if (reopened) data.resolvedAt = null;
      if (!thread.responseDueAt) data.responseDueAt = responseDueFrom(inbound.occurredAt, channel.responseSlaHours);
      const before = thread;
      await tx.thread.update({ where: { id: thread.id }, data });
      if (!created) {
        // The customer wrote: unread again for every agent, and a snooze ends.
        await clearReadMarks(tx, thread.id);
        await endSnoozeOnInbound(c, tx, thread);
      }
      thread = await syncThreadSla(c, tx, thread.id, { customerMessageAt: inbound.occurredAt, report: { customerMessage: { id: message.id, at: inbound.occurredAt } } });
      if (created) {
        await writeAudit(c, tx, {
          action: 'thread.create',
          entityType: 'Thread',
          entityId: thread.id,
          after: { channelId: channel.id, customerId: customer.id, subject: thread.subject },
        });
        await enqueueRouting(deps, tx, thread.id);
      } else if (before.status !== thread.status || before.responseDueAt?.getTime() !== thread.responseDueAt?.getTime()) {
        await writeAudit(c, tx, {
          action: 'thread.update',
          entityType: 'Thread',
          entityId: thread.id,
          before: { status: before.status, responseDueAt: before.responseDueAt },
          after: { status: thread.status, responseDueAt: thread.responseDueAt, reason: 'inbound message' },
        });
      }
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
    // Two deliveries raced: the same message (the other one won: a redelivery), or the
    // same new customer (the identity now exists: match it on a second try).
    if (isUniqueViolation(err)) {
      const again = await findExisting(c, channel, inbound.externalMessageId);
      if (again) return again;
      if (!retried) return ingestInbound(deps, channel, inbound, ctx, true);
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

const FIVE_MINUTES_MS = 5 * 60_000;

export const PartnerIngestInput = z.object({
  channelId: z.string(),
  externalMessageId: z.string().trim().min(1).max(200),
  customer: z
    .object({
      name: z.string().trim().max(200).nullish(),
      email: customerFields.email,
      phone: customerFields.phone,
      partnerId: z.string().trim().min(1).max(200).nullish(),
    })
    .refine((c) => c.email || c.phone || c.partnerId, { message: 'Give at least an e-mail, a phone or a partnerId.', path: ['email'] }),
  content: z.string().max(10_000, 'At most 10,000 characters.'),
  contentHtml: z.string().max(200_000).nullish(),
  subject: z.string().trim().max(300).nullish(),
  attachments: z
    .array(
      z.object({
        kind: z.string().trim().min(1).max(30),
        mimeType: z.string().max(200).nullish(),
        url: z
          .string()
          .max(2000)
          .regex(/^https?:\/\//i, 'Attachment urls must be http(s).')
          .nullish(),
        fileName: z.string().max(300).nullish(),
        caption: z.string().max(2000).nullish(),
      }),
    )
    .max(20)
    .nullish(),
  occurredAt: z.date(),
  conversationKey: z.string().trim().min(1).max(300).nullish(),
});

/**
 * `ingestMessage`: a partner system (API key with INGEST) feeds a customer
 * message into an API channel, the key's own one when it is bound to a channel.
 * Errors (DomainError): FORBIDDEN (a user session, a key without INGEST, a
 * provider channel or another channel than the key's), NOT_FOUND,
 * CHANNEL_INACTIVE, VALIDATION_FAILED (occurredAt more than 5 minutes ahead,
 * empty message, invalid e-mail/phone).
 */
export async function ingestFromPartner(ctx: HubContext, raw: z.input<typeof PartnerIngestInput>): Promise<IngestResult> {
  const v = ctx.viewer;
  if (!v || !hasScope(v, 'INGEST')) throw new DomainError('FORBIDDEN', 'ingestMessage needs an API key with the INGEST scope.', 'input.channelId');
  const input = PartnerIngestInput.parse(raw);
  const channel = await ctx.db.channel.findUnique({ where: { id: input.channelId } });
  if (!channel) throw notFound('Channel', 'input.channelId');
  if (v.channelId ? v.channelId !== channel.id : channel.type !== 'API') {
    throw new DomainError('FORBIDDEN', "Messages can only be ingested into an API channel (the key's own channel when it has one).", 'input.channelId');
  }
  if (!channel.isActive) throw new DomainError('CHANNEL_INACTIVE', MESSAGE_ERRORS.CHANNEL_INACTIVE, 'input.channelId');
  if (input.occurredAt.getTime() > ctx.deps.clock.now().getTime() + FIVE_MINUTES_MS) {
    throw new DomainError('VALIDATION_FAILED', 'occurredAt lies more than 5 minutes in the future.', 'input.occurredAt');
  }
  const content = input.content.trim();
  if (!content && !input.attachments?.length) throw new DomainError('VALIDATION_FAILED', 'The message is empty.', 'input.content');
  const c = input.customer;
  const identities: IdentityRef[] = [];
  if (c.partnerId) identities.push({ kind: 'PARTNER', value: c.partnerId });
  if (c.email) identities.push({ kind: 'EMAIL', value: c.email });
  if (c.phone) identities.push({ kind: 'PHONE', value: c.phone });
  return ingestInbound(
    ctx.deps,
    channel,
    {
      externalMessageId: input.externalMessageId,
      customer: { name: c.name ?? undefined, email: c.email ?? undefined, phone: c.phone ?? undefined, identities },
      content,
      contentHtml: input.contentHtml ? sanitizeHtml(input.contentHtml) : undefined,
      subject: input.subject ?? undefined,
      attachments: (input.attachments ?? []).map((a) => withoutUndefined(Object.fromEntries(Object.entries(a).filter(([, x]) => x != null))) as unknown as NormalizedAttachment),
      occurredAt: input.occurredAt,
      conversationKey: input.conversationKey ?? c.partnerId ?? c.email ?? c.phone ?? input.externalMessageId,
      metadata: { source: 'ingestMessage' },
    },
    ctx,
  );
}
