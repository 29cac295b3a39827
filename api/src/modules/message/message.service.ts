/**
 * Messages the team writes (replies that go out through the thread's channel
 * adapter, internal notes, logged calls), their delivery (the outbox), and
 * delivery receipts that move deliveryStatus forward.
 *
 * The outbox sends what the hub writes to the customer: an agent's reply
 * (OUTGOING) and a bot message of the hub (AUTO_RESPONSE, e.g. the
 * satisfaction survey, analytics/survey.ts). A reply is committed PENDING
 * together with its `outbox.deliver` job ({@link enqueueDelivery}); the first
 * attempt runs right after commit, the job is the durable safety net. A bot
 * message is committed PENDING with a job due at once (no inline attempt).
 * Each attempt is recorded (MessageDelivery STARTED) before the provider is
 * called, so two workers never send one message at once. The only way a
 * message can go out twice is the crash window between the provider's
 * acceptance and our commit of it: the attempt stays STARTED, and after
 * {@link IN_FLIGHT_MS} the outbox sends again (with the message id as the
 * idempotency key where the provider takes one).
 *
 * A reply counts as a response (firstResponseAt, responseDueAt cleared,
 * WAITING_CUSTOMER, a REPLY in reporting) only once the provider accepted it
 * (SENT or later). A bot message never does: the provider accepting it only
 * moves its deliveryStatus.
 */
import { z } from 'zod';
import type { Channel, Message, Prisma, Thread } from '../../generated/prisma/client.js';
import type { DeliveryStatus, MessageType } from '../../generated/prisma/enums.js';
import { adapterIO } from '../../channels/io.js';
import { adapterFor } from '../../channels/registry.js';
import { ChannelSendError, CHANNEL_SEND_FAILED, type DeliveryStatusUpdate, type OutboundResult } from '../../channels/types.js';
import { isTransactionTimeout, retryOnConflict } from '../../db/retry.js';
import { JOB } from '../../jobs/names.js';
import type { RawSql } from '../../jobs/queue.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { sanitizeHtml } from '../../shared/html.js';
import { writeAudit } from '../audit/audit.service.js';
import { syncThreadSla } from '../sla/engine.js';
import type { Tx } from '../../db/tenant.js';
import { toAdapterChannel } from '../channel/channel.directory.js';
import { publishThreadUpdated } from '../thread/thread.service.js';
import { setIdentityOptOut } from '../customer/customer.service.js';
import { MESSAGE_ERRORS } from './message.errors.js';
import { assertTemplateSendable } from '../template/template.service.js';

/** A STARTED attempt younger than this (ms) is in flight elsewhere: not sent again. */
export const IN_FLIGHT_MS = 60_000;
/** The outbox job waits this long (ms) after a reply's commit before it takes over from the inline attempt. */
const SAFETY_NET_DELAY_MS = 30_000;
/**
 * The transaction that records a provider's acceptance: it may wait up to 10 s
 * for a connection and run 20 s (Prisma's defaults, 2 s and 5 s, fail it on a
 * busy pool), and runs up to 4 times on a deadlock or such a timeout.
 */
const ACCEPTED_TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 };
const ACCEPTED_TX_ATTEMPTS = 4;
/** Message types the outbox sends: an agent's reply and a bot message of the hub. */
export const OUTBOX_TYPES: readonly MessageType[] = ['OUTGOING', 'AUTO_RESPONSE'];

/** The singleton key of a message's `outbox.deliver` job: at most one queued or running per message. */
export const outboxJobKey = (messageId: string) => `outbox:${messageId}`;

/**
 * Queues the `outbox.deliver` job of a PENDING message (singleton
 * {@link outboxJobKey}; a no-op when one is queued or running), due at
 * `runAt` (default: now). Pass the transaction that writes the message, so
 * the two commit together; kick the queue after commit when the job is due now.
 */
export async function enqueueDelivery(deps: AppDeps, db: RawSql, messageId: string, runAt?: Date): Promise<void> {
  await deps.jobs.add(db, JOB.outboxDeliver, { messageId }, { runAt, singletonKey: outboxJobKey(messageId) });
}

export const PostMessageInput = z.object({
  threadId: z.string(),
  kind: z.enum(['REPLY', 'NOTE']),
  content: z.string().trim().min(1, 'The message is empty.').max(10_000),
  contentHtml: z.string().max(200_000).nullish(),
  subject: z.string().trim().max(300).nullish(),
  templateId: z.string().nullish(),
  /** The message this reply answers (a uuid of the same thread): the reply goes out on that message's channel. */
  replyToMessageId: z.string().nullish(),
});

export interface PostMessageResult {
  message: Message;
  thread: Thread;
}

type ThreadForReply = Thread & {
  channel: Channel;
  customer: ({ name: string; email: string | null; phone: string | null } & { identities: { kind: string; value: string; optedOutAt: Date | null }[] }) | null;
};

/** Checks a reply can go out on the thread's channel and returns its recipient address. */
function replyRecipient(thread: ThreadForReply, now: Date): string {
  const { channel } = thread;
  if (!channel.isActive) throw new DomainError('CHANNEL_INACTIVE', MESSAGE_ERRORS.CHANNEL_INACTIVE, 'input.threadId');
  const adapter = adapterFor(channel.type);
  if (!adapter?.send) throw new DomainError('CHANNEL_NOT_SUPPORTED', MESSAGE_ERRORS.CHANNEL_NOT_SUPPORTED, 'input.threadId');
  const window = adapter.replyWindow;
  if (window && (!thread.lastInboundAt || now.getTime() - thread.lastInboundAt.getTime() > window.ms)) {
    throw new DomainError(window.code, adapter.errors[window.code] ?? window.code, 'input.content');
  }
  const customer = thread.customer ? { ...thread.customer, identities: thread.customer.identities.map((i) => ({ kind: i.kind as never, value: i.value })) } : null;
  const to = adapter.recipient({ conversationKey: thread.conversationKey, customer });
  if (!to) throw new DomainError('VALIDATION_FAILED', 'This thread has no customer address to reply to.', 'input.threadId');
  if (adapter.optOut) {
    const opted = thread.customer?.identities.find((i) => i.kind === adapter.optOut!.kind && i.value === to && i.optedOutAt);
    if (opted) throw new DomainError(adapter.optOut.code, adapter.errors[adapter.optOut.code] ?? adapter.optOut.code, 'input.threadId');
  }
  return to;
}

/**
 * The thread as seen from one of the channels of its timeline (a merged
 * thread has messages of several channels): that channel, its provider
 * conversation key (the thread's own on its own channel; else the key of the
 * merged thread the messages came from: `conversationKey` when known, then
 * the thread named by `mergedFromThreadId`, then the newest thread of that
 * channel merged into this one) and the last customer message on it (the
 * reply window counts from there).
 */
async function threadOnChannel(
  ctx: HubContext,
  thread: ThreadForReply,
  channelId: string,
  hint: { conversationKey?: string | null; mergedFromThreadId?: string | null } = {},
): Promise<ThreadForReply> {
  if (channelId === thread.channelId) return thread;
  const channel = await ctx.db.channel.findUniqueOrThrow({ where: { id: channelId } });
  let conversationKey = hint.conversationKey ?? null;
  if (!conversationKey && hint.mergedFromThreadId) {
    conversationKey =
      (await ctx.db.thread.findFirst({ where: { id: hint.mergedFromThreadId, channelId, deletedAt: undefined }, select: { conversationKey: true } }))?.conversationKey ?? null;
  }
  if (!conversationKey) {
    conversationKey =
      (
        await ctx.db.thread.findFirst({
          where: { mergedIntoId: thread.id, channelId, deletedAt: undefined },
          orderBy: { lastMessageAt: 'desc' },
          select: { conversationKey: true },
        })
      )?.conversationKey ?? null;
  }
  const lastInbound = await ctx.db.message.findFirst({
    where: { threadId: thread.id, channelId, type: 'INCOMING' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { createdAt: true },
  });
  return { ...thread, channel, channelId, conversationKey, lastInboundAt: lastInbound?.createdAt ?? null };
}

/**
 * Where a reply goes out: the channel of the message it answers
 * (`replyToMessageId`, a message of this thread), else the channel of the
 * customer's latest message, else the thread's channel. On a thread of one
 * channel that is always the thread's channel; a merged thread (mergeThreads)
 * answers each customer on the channel they wrote on. Returns the thread as
 * seen from that channel ({@link threadOnChannel}) and the provider id of the
 * customer message the reply answers (quoted or threaded by the provider).
 * Errors: NOT_FOUND (replyToMessageId is not a message of this thread).
 */
async function replyRoute(
  ctx: HubContext,
  thread: ThreadForReply,
  replyToMessageId: string | null | undefined,
): Promise<{ view: ThreadForReply; answeredExternalId: string | null }> {
  const select = { id: true, channelId: true, type: true, externalMessageId: true, metadata: true } as const;
  const anchor = replyToMessageId
    ? await ctx.db.message.findFirst({ where: { id: replyToMessageId, threadId: thread.id }, select })
    : await ctx.db.message.findFirst({ where: { threadId: thread.id, type: 'INCOMING' }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select });
  if (replyToMessageId && !anchor) throw notFound('Message', 'input.replyToMessageId');
  const channelId = anchor?.channelId ?? thread.channelId;
  const view = await threadOnChannel(ctx, thread, channelId, { mergedFromThreadId: (anchor?.metadata as { mergedFromThreadId?: string } | null)?.mergedFromThreadId });
  if (anchor?.type === 'INCOMING' && anchor.externalMessageId && replyToMessageId) return { view, answeredExternalId: anchor.externalMessageId };
  const answered = await ctx.db.message.findFirst({
    where: { threadId: thread.id, channelId, type: 'INCOMING', externalMessageId: { not: null } },
    orderBy: { createdAt: 'desc' },
    select: { externalMessageId: true },
  });
  return { view, answeredExternalId: answered?.externalMessageId ?? null };
}

/**
 * Posts a reply (OUTGOING, delivered through the thread's channel adapter) or
 * an internal note (INTERNAL_NOTE, never leaves the hub).
 *
 * A reply goes out on the channel chosen by {@link replyRoute}: the thread's
 * own, or on a merged thread the channel of the message replied to.
 *
 * Errors (DomainError), nothing stored: NOT_FOUND (thread, replyToMessageId), CHANNEL_INACTIVE,
 * CHANNEL_NOT_SUPPORTED (the channel has no provider that sends),
 * VALIDATION_FAILED (no customer address), the code of the adapter's reply window
 * or opt-out (ChannelAdapter.replyWindow, .optOut; registry's windowAndOptOutCodes). When the
 * provider refuses the reply, it is kept FAILED and a PostMessageError
 * carries both the message and the error code; a provider that is merely
 * unavailable leaves it PENDING for the outbox (no error).
 */
export async function postMessage(ctx: HubContext, raw: z.input<typeof PostMessageInput>): Promise<PostMessageResult> {
  const input = PostMessageInput.parse(raw);
  const now = ctx.deps.clock.now();
  const existing = await ctx.db.thread.findUnique({ where: { id: input.threadId }, include: { channel: true, customer: { include: { identities: true } } } });
  if (!existing) throw notFound('Thread', 'input.threadId');
  // From a template: active, and no placeholder {{path}} of its variables left unfilled (TEMPLATE_INACTIVE, TEMPLATE_VARIABLES_MISSING).
  if (input.templateId) await assertTemplateSendable(ctx, input.templateId, input);
  const isReply = input.kind === 'REPLY';
  const route = isReply ? await replyRoute(ctx, existing, input.replyToMessageId) : null;
  const recipient = route ? replyRecipient(route.view, now) : null;
  const answered = route?.answeredExternalId ? { externalMessageId: route.answeredExternalId } : null;
  const otherChannel = route && route.view.channelId !== existing.channelId ? route.view : null;

  const { message, thread } = await ctx.db.$transaction(async (tx) => {
    const message = await tx.message.create({
      data: {
        organizationId: ctx.organizationId,
        threadId: existing.id,
        channelId: route?.view.channelId ?? existing.channelId,
        type: isReply ? 'OUTGOING' : 'INTERNAL_NOTE',
        senderUserId: ctx.viewer?.kind === 'USER' ? ctx.viewer.id : null,
        recipient: isReply && existing.customer ? { name: existing.customer.name, address: recipient } : undefined,
        subject: input.subject ?? null,
        content: input.content,
        // Rendered in every agent's browser and sent to the customer's mailbox: allow-list only (shared/html.ts).
        contentHtml: input.contentHtml ? sanitizeHtml(input.contentHtml) || null : null,
        deliveryStatus: isReply ? 'PENDING' : 'SENT',
        metadata: {
          ...(input.templateId ? { templateId: input.templateId } : {}),
          ...(answered?.externalMessageId ? { replyToExternalId: answered.externalMessageId } : {}),
          ...(input.replyToMessageId ? { replyToMessageId: input.replyToMessageId } : {}),
          // Another channel than the thread's (a merged thread): the provider conversation it goes to.
          ...(otherChannel ? { conversationKey: otherChannel.conversationKey } : {}),
        },
        createdAt: now,
      },
    });
    const thread = await tx.thread.update({ where: { id: existing.id }, data: { lastMessageId: message.id, lastMessageAt: now } });
    if (input.templateId) {
      const used = await tx.template.updateMany({ where: { id: input.templateId }, data: { usageCount: { increment: 1 } } });
      if (used.count)
        await writeAudit(ctx, tx, { action: 'template.use', entityType: 'Template', entityId: input.templateId, after: { messageId: message.id, threadId: existing.id } });
    }
    if (isReply) await enqueueDelivery(ctx.deps, tx, message.id, new Date(now.getTime() + SAFETY_NET_DELAY_MS));
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
  if (!isReply) return { message, thread };

  const sent = await deliverMessage(ctx.deps, message.id);
  await honourRetryAfter(ctx.deps, sent);
  if (sent.error && !sent.pending) throw new PostMessageError(sent.error, sent.message, sent.thread ?? thread);
  return { message: sent.message, thread: sent.thread ?? thread };
}

/**
 * After an inline attempt the provider throttled (429 with Retry-After), the
 * reply's outbox job waits at least that long instead of its default delay.
 */
async function honourRetryAfter(deps: AppDeps, outcome: DeliveryOutcome): Promise<void> {
  if (!outcome.pending || !outcome.retryAfterSeconds) return;
  const notBefore = new Date(deps.clock.now().getTime() + outcome.retryAfterSeconds * 1000).toISOString();
  await deps.db.prisma.$executeRawUnsafe(
    `UPDATE "Job" SET "runAt" = GREATEST("runAt", ($2::timestamptz AT TIME ZONE 'UTC')) WHERE "singletonKey" = $1 AND status = 'QUEUED'`,
    outboxJobKey(outcome.message.id),
    notBefore,
  );
}

/** A reply was stored but the provider refused it; the payload returns the FAILED message and the error. */
export class PostMessageError extends DomainError {
  constructor(err: ChannelSendError, message: Message, thread: Thread) {
    super(err.code, err.message, 'input.content', { message, thread });
  }
}

/** What one delivery attempt did. */
export interface DeliveryOutcome {
  message: Message;
  thread?: Thread;
  error?: ChannelSendError;
  /** The message is still PENDING (not attempted, in flight elsewhere, or a retryable failure). */
  pending: boolean;
  /** Seconds the provider asked to wait before the next attempt. */
  retryAfterSeconds?: number;
}

/**
 * Sends a PENDING message of the outbox (an agent's reply, OUTGOING, or a bot
 * message, AUTO_RESPONSE) through its channel's adapter, recording the
 * attempt first. Outcomes: SENT (or the provider's status) with the provider
 * id, and for a reply the thread's response effects ({@link markAccepted});
 * FAILED for a refusal (or a retryable failure when `finalAttempt`), and the
 * customer's identity marked opted out when the provider says so; still
 * PENDING for a retryable one. Other message types, messages no longer
 * PENDING, or with an attempt in flight, are left alone.
 */
export async function deliverMessage(deps: AppDeps, messageId: string, opts: { finalAttempt?: boolean } = {}): Promise<DeliveryOutcome> {
  const row = await deps.db.prisma.message.findUnique({
    where: { id: messageId },
    include: { channel: true, thread: true, deliveries: { orderBy: { attempt: 'desc' }, take: 1 } },
  });
  if (!row) throw new Error(`message ${messageId} not found`);
  const { channel, thread, deliveries, ...message } = row;
  const now = deps.clock.now();
  const last = deliveries[0];
  if (!OUTBOX_TYPES.includes(message.type) || message.deliveryStatus !== 'PENDING' || message.externalMessageId) return { message, thread, pending: false };
  if (last?.status === 'STARTED' && now.getTime() - last.startedAt.getTime() < IN_FLIGHT_MS) return { message, thread, pending: true };
  const adapter = adapterFor(channel.type);
  const to = (message.recipient as Prisma.JsonObject | null)?.address;
  const ctx = systemContext(deps, channel.organizationId);
  if (!adapter?.send || typeof to !== 'string') {
    const error = new ChannelSendError('CHANNEL_NOT_SUPPORTED', MESSAGE_ERRORS.CHANNEL_NOT_SUPPORTED);
    return { ...(await failMessage(deps, message, error, null)), error, pending: false };
  }

  const attempt = (last?.attempt ?? 0) + 1;
  const claimed = await deps.db.prisma.messageDelivery.createMany({
    data: [{ organizationId: channel.organizationId, messageId, attempt, status: 'STARTED', startedAt: now }],
    skipDuplicates: true,
  });
  if (claimed.count === 0) return { message, thread, pending: true }; // another worker took this attempt

  const started = Date.now();
  let out: OutboundResult;
  try {
    const meta = (message.metadata ?? {}) as { replyToExternalId?: string; conversationKey?: string | null };
    out = await adapter.send(
      toAdapterChannel(deps, channel),
      {
        messageId,
        to,
        // A reply on another channel than the thread's (merged thread) carries its own provider conversation.
        conversationKey: meta.conversationKey !== undefined ? meta.conversationKey : thread.conversationKey,
        content: message.content,
        contentHtml: message.contentHtml ?? undefined,
        subject: message.subject ?? undefined,
        replyToExternalId: meta.replyToExternalId,
        recipientName: ((message.recipient as Prisma.JsonObject | null)?.name as string | undefined) ?? undefined,
      },
      adapterIO(deps),
    );
  } catch (err) {
    const error = err instanceof ChannelSendError ? err : new ChannelSendError(CHANNEL_SEND_FAILED, (err as Error).message, undefined, true);
    deps.logger.warn({ err: error.message, code: error.code, messageId, attempt }, 'outbound message attempt failed');
    const httpStatus = (error.providerError as { status?: number } | undefined)?.status;
    await deps.db.prisma.messageDelivery.update({
      where: { messageId_attempt: { messageId, attempt } },
      data: {
        status: 'FAILED',
        finishedAt: deps.clock.now(),
        durationMs: Date.now() - started,
        errorCode: error.code,
        error: error.message.slice(0, 2000),
        httpStatus: typeof httpStatus === 'number' ? httpStatus : null,
      },
    });
    await deps.db.prisma.channel.update({ where: { id: channel.id }, data: { lastError: `${error.code}: ${error.message}`.slice(0, 500), lastErrorAt: deps.clock.now() } });
    if (adapter.optOut && error.code === adapter.optOut.code) {
      await setIdentityOptOut(deps, channel, { kind: adapter.optOut.kind, value: to }, true, deps.clock.now());
    }
    if (error.retryable && !opts.finalAttempt) {
      return { message, thread, error, pending: true, retryAfterSeconds: error.retryAfterSeconds };
    }
    const finalError = error.retryable ? new ChannelSendError('OUTBOX_GAVE_UP', `Not delivered after ${attempt} attempts: ${error.message}`, error.providerError) : error;
    return { ...(await failMessage(deps, message, finalError, thread)), error: finalError, pending: false };
  }

  // The provider accepted: from here on a failure must not count as a failed attempt (the next one would
  // send the message again). The record is retried on a deadlock and on a pool too busy to start it in
  // time; if it still fails, the attempt stays STARTED: the crash window of the module's comment.
  const acceptedAt = deps.clock.now();
  let result: { message: Message; thread: Thread | null };
  try {
    result = await retryOnConflict(
      () =>
        deps.db.prisma.$transaction(async (tx) => {
          await tx.messageDelivery.update({
            where: { messageId_attempt: { messageId, attempt } },
            data: { status: 'SUCCEEDED', finishedAt: acceptedAt, durationMs: Date.now() - started },
          });
          // A receipt may have raced ahead of the send response: never move back.
          const current = await tx.message.findUniqueOrThrow({ where: { id: messageId } });
          const updated = await tx.message.update({
            where: { id: messageId },
            data: {
              externalMessageId: out.externalMessageId,
              internetMessageId: out.internetMessageId ?? current.internetMessageId,
              deliveryStatus: current.deliveryStatus === 'PENDING' ? (out.status ?? 'SENT') : current.deliveryStatus,
              metadata: { ...(current.metadata as object), provider: (out.raw ?? null) as Prisma.InputJsonValue },
            },
          });
          await tx.channel.update({ where: { id: channel.id }, data: { lastSendAt: acceptedAt } });
          await writeAudit(ctx, tx as unknown as Tx, {
            action: 'message.deliver',
            entityType: 'Message',
            entityId: messageId,
            after: { attempt, status: updated.deliveryStatus, externalMessageId: out.externalMessageId },
          });
          // Only an agent's reply is a response; a bot message changes nothing on the thread.
          const t = updated.type === 'OUTGOING' && updated.deliveryStatus !== 'PENDING' ? await markAccepted(ctx, tx as unknown as Tx, updated, acceptedAt) : null;
          return { message: updated, thread: t };
        }, ACCEPTED_TX_OPTIONS),
      { attempts: ACCEPTED_TX_ATTEMPTS, retryIf: isTransactionTimeout },
    );
  } catch (err) {
    deps.logger.error(
      { err: (err as Error).message, messageId, attempt, externalMessageId: out.externalMessageId },
      'the provider accepted the message but recording it failed; the attempt stays STARTED',
    );
    return { message, thread, pending: true };
  }
  deps.pubsub.publish('messageUpdated', channel.organizationId, { messageId, threadId: message.threadId });
  if (result.thread) await publishThreadUpdated(ctx, result.thread.id, ['firstResponseAt', 'status', 'responseDueAt']);
  return { message: result.message, thread: result.thread ?? thread, pending: result.message.deliveryStatus === 'PENDING' };
}

async function failMessage(deps: AppDeps, message: Message, error: ChannelSendError, thread: Thread | null): Promise<{ message: Message; thread?: Thread }> {
  const ctx = systemContext(deps, message.organizationId);
  const updated = await deps.db.prisma.$transaction(async (tx) => {
    const m = await tx.message.update({
      where: { id: message.id },
      data: {
        deliveryStatus: 'FAILED',
        metadata: { ...(message.metadata as object), error: { code: error.code, message: error.message, provider: (error.providerError ?? null) as Prisma.InputJsonValue } },
      },
    });
    await writeAudit(ctx, tx as unknown as Tx, { action: 'message.fail', entityType: 'Message', entityId: message.id, after: { code: error.code, message: error.message } });
    return m;
  });
  deps.pubsub.publish('messageUpdated', message.organizationId, { messageId: message.id, threadId: message.threadId });
  return { message: updated, thread: thread ?? undefined };
}

/**
 * The thread's response effects of an agent's reply (OUTGOING) the provider
 * accepted: the first response time, the response due date cleared and
 * OPEN → WAITING_CUSTOMER (unless the customer wrote again after the reply
 * was written), and the reply recorded for reporting. Any other message type
 * (a bot message, AUTO_RESPONSE) changes nothing and returns null; callers
 * pass replies only.
 */
async function markAccepted(ctx: HubContext, tx: Tx, message: Message, acceptedAt: Date): Promise<Thread | null> {
  if (message.type !== 'OUTGOING') return null;
  const thread = await tx.thread.findUniqueOrThrow({ where: { id: message.threadId } });
  const data: Prisma.ThreadUncheckedUpdateInput = {};
  if (!thread.firstResponseAt) data.firstResponseAt = acceptedAt;
  const answersLatest = !thread.lastInboundAt || thread.lastInboundAt <= message.createdAt;
  if (answersLatest) {
    if (thread.responseDueAt) data.responseDueAt = null;
    if (thread.status === 'OPEN') data.status = 'WAITING_CUSTOMER';
  }
  // Reporting counts agent replies only (the guard above): never bots (AUTO_RESPONSE), notes or system messages (docs/analytics.md).
  const meta = (message.metadata ?? {}) as { templateId?: unknown };
  const report = { reply: { id: message.id, at: acceptedAt, writtenAt: message.createdAt, agentId: message.senderUserId, fromTemplate: typeof meta.templateId === 'string' } };
  const hint = { ...(answersLatest ? { replyAcceptedAt: acceptedAt } : {}), report };
  if (Object.keys(data).length === 0) {
    // Still ends a running next-response clock, and the reply is a reporting fact.
    const synced = await syncThreadSla(ctx, tx, thread.id, hint);
    return answersLatest && thread.nextResponseStartedAt ? synced : null;
  }
  await tx.thread.update({ where: { id: thread.id }, data });
  const updated = await syncThreadSla(ctx, tx, thread.id, hint);
  await writeAudit(ctx, tx, {
    action: 'thread.update',
    entityType: 'Thread',
    entityId: thread.id,
    before: { status: thread.status, firstResponseAt: thread.firstResponseAt, responseDueAt: thread.responseDueAt },
    after: {
      status: updated.status,
      firstResponseAt: updated.firstResponseAt,
      responseDueAt: updated.responseDueAt,
      reason: 'reply accepted by the provider',
      messageId: message.id,
    },
  });
  return updated;
}

/**
 * Sends a FAILED reply again: back to PENDING with a new outbox job, then one
 * attempt right away. Errors: NOT_FOUND, MESSAGE_NOT_RETRYABLE (not a FAILED
 * reply), the channel's checks as in postMessage, and the provider's refusal
 * (PostMessageError).
 */
export async function retryMessage(ctx: HubContext, messageId: string): Promise<PostMessageResult> {
  const message = await ctx.db.message.findUnique({ where: { id: messageId } });
  if (!message) throw notFound('Message', 'messageId');
  if (message.type !== 'OUTGOING' || message.deliveryStatus !== 'FAILED') throw new DomainError('MESSAGE_NOT_RETRYABLE', MESSAGE_ERRORS.MESSAGE_NOT_RETRYABLE, 'messageId');
  const thread = await ctx.db.thread.findUniqueOrThrow({ where: { id: message.threadId }, include: { channel: true, customer: { include: { identities: true } } } });
  const now = ctx.deps.clock.now();
  const meta0 = (message.metadata ?? {}) as { conversationKey?: string | null };
  const to = replyRecipient(await threadOnChannel(ctx, thread, message.channelId, { conversationKey: meta0.conversationKey }), now);
  await ctx.db.$transaction(async (tx) => {
    const meta = { ...(message.metadata as Record<string, unknown>) };
    delete meta.error;
    await tx.message.update({
      where: { id: messageId },
      data: { deliveryStatus: 'PENDING', metadata: meta as Prisma.InputJsonValue, recipient: { ...((message.recipient as object) ?? {}), address: to } },
    });
    await enqueueDelivery(ctx.deps, tx, messageId, new Date(now.getTime() + SAFETY_NET_DELAY_MS));
    await writeAudit(ctx, tx, { action: 'message.retry', entityType: 'Message', entityId: messageId });
  });
  ctx.deps.pubsub.publish('messageUpdated', ctx.organizationId, { messageId, threadId: message.threadId });
  const sent = await deliverMessage(ctx.deps, messageId);
  await honourRetryAfter(ctx.deps, sent);
  const t = sent.thread ?? thread;
  if (sent.error && !sent.pending) throw new PostMessageError(sent.error, sent.message, t);
  return { message: sent.message, thread: t };
}

export const LogCallInput = z
  .object({
    threadId: z.string().nullish(),
    customerId: z.string().nullish(),
    direction: z.enum(['INBOUND', 'OUTBOUND']),
    durationSeconds: z.number().int().min(0, 'The duration cannot be negative.').max(86_400, 'A call lasts at most 24 hours.'),
    notes: z.string().trim().max(10_000).nullish(),
  })
  .refine((v) => Boolean(v.threadId) !== Boolean(v.customerId), { message: 'Give either a thread or a customer.', path: ['threadId'] });

/**
 * Logs a phone call as a CALL_LOG message: on the given thread, or for a
 * customer on a new thread of the organization's PHONE_CALL channel.
 * Errors: NOT_FOUND (thread, customer, or no phone channel), VALIDATION_FAILED.
 */
export async function logCall(ctx: HubContext, raw: z.input<typeof LogCallInput>): Promise<PostMessageResult> {
  const input = LogCallInput.parse(raw);
  const now = ctx.deps.clock.now();
  const minutes = Math.floor(input.durationSeconds / 60);
  const seconds = input.durationSeconds % 60;
  const summary = `${input.direction === 'INBOUND' ? 'Incoming' : 'Outgoing'} call, ${minutes}:${String(seconds).padStart(2, '0')} min${input.notes ? `\n${input.notes}` : ''}`;
  const result = await ctx.db.$transaction(async (tx) => {
    let thread: Thread | null;
    if (input.threadId) {
      thread = await tx.thread.findUnique({ where: { id: input.threadId } });
      if (!thread) throw notFound('Thread', 'input.threadId');
    } else {
      const customer = await tx.customer.findUnique({ where: { id: input.customerId! } });
      if (!customer) throw notFound('Customer', 'input.customerId');
      const phone = await tx.channel.findFirst({ where: { type: 'PHONE_CALL', isActive: true }, orderBy: { createdAt: 'asc' } });
      if (!phone) throw new DomainError('NOT_FOUND', 'The organization has no active phone channel.', 'input.customerId');
      thread = await tx.thread.create({
        data: {
          organizationId: ctx.organizationId,
          channelId: phone.id,
          customerId: customer.id,
          subject: `${input.direction === 'INBOUND' ? 'Call from' : 'Call to'} ${customer.name}`,
          creatorId: ctx.viewer?.kind === 'USER' ? ctx.viewer.id : null,
          conversationKey: customer.phone,
          lastMessageAt: now,
          createdAt: now,
        },
      });
    }
    const message = await tx.message.create({
      data: {
        organizationId: ctx.organizationId,
        threadId: thread.id,
        channelId: thread.channelId,
        type: 'CALL_LOG',
        senderUserId: ctx.viewer?.kind === 'USER' ? ctx.viewer.id : null,
        content: summary,
        deliveryStatus: 'SENT',
        metadata: { call: { direction: input.direction, durationSeconds: input.durationSeconds, notes: input.notes ?? null } },
        createdAt: now,
      },
    });
    const updated = await tx.thread.update({ where: { id: thread.id }, data: { lastMessageId: message.id, lastMessageAt: now } });
    await writeAudit(ctx, tx, { action: 'message.logCall', entityType: 'Message', entityId: message.id, after: { threadId: thread.id, ...input } });
    return { message, thread: updated };
  });
  ctx.deps.pubsub.publish('messageAdded', ctx.organizationId, { messageId: result.message.id, threadId: result.thread.id });
  await publishThreadUpdated(ctx, result.thread.id, ['lastMessage']);
  return result;
}

/** Order of delivery states; a receipt only ever moves a message forward. */
const RANK: Record<DeliveryStatus, number> = { PENDING: 0, SENT: 1, FAILED: 1.5, BOUNCED: 1.5, DELIVERED: 2, READ: 3 };

/**
 * Applies a provider delivery receipt to the message with that provider id on
 * `channel`. Idempotent and order-independent: a late `sent` after `read` changes
 * nothing; FAILED/BOUNCED only apply before delivery. A receipt that moves a
 * PENDING agent reply (OUTGOING) to SENT or later also applies the reply's
 * response effects; for a bot message (AUTO_RESPONSE) it moves the
 * deliveryStatus only.
 * Returns updated=false when the message is unknown or the receipt is not newer.
 */
export async function applyDeliveryStatus(deps: AppDeps, channel: Channel, update: DeliveryStatusUpdate): Promise<{ updated: boolean; messageId?: string }> {
  const ctx = systemContext(deps, channel.organizationId, 'WEBHOOK');
  const message = await ctx.db.message.findFirst({ where: { channelId: channel.id, externalMessageId: update.externalMessageId } });
  if (!message) return { updated: false };
  const lower = (Object.keys(RANK) as DeliveryStatus[]).filter((s) => RANK[s] < RANK[update.status]);
  const data: Prisma.MessageUncheckedUpdateManyInput = { deliveryStatus: update.status };
  if (update.status === 'READ') data.readAt = update.occurredAt;
  if (update.error) data.metadata = { ...(message.metadata as object), error: update.error as Prisma.InputJsonValue };
  const thread = await ctx.db.$transaction(async (tx) => {
    const res = await tx.message.updateMany({ where: { id: message.id, deliveryStatus: { in: lower } }, data });
    if (res.count === 0) return undefined;
    if (message.type === 'OUTGOING' && message.deliveryStatus === 'PENDING' && RANK[update.status] >= RANK.SENT && update.status !== 'FAILED' && update.status !== 'BOUNCED') {
      return markAccepted(ctx, tx, message, deps.clock.now());
    }
    if (update.status === 'FAILED' || update.status === 'BOUNCED') {
      await writeAudit(ctx, tx, { action: 'message.fail', entityType: 'Message', entityId: message.id, after: { status: update.status, error: update.error ?? null } });
    }
    return null;
  });
  if (thread === undefined) return { updated: false, messageId: message.id };
  deps.pubsub.publish('messageUpdated', channel.organizationId, { messageId: message.id, threadId: message.threadId });
  if (thread) await publishThreadUpdated(ctx, thread.id, ['firstResponseAt', 'status', 'responseDueAt']);
  return { updated: true, messageId: message.id };
}

/**
 * A partner acknowledges delivery or reading of a message sent on its API
 * channel (`updateDeliveryStatus`, INGEST key). Errors: NOT_FOUND (channel or
 * message), FORBIDDEN (another channel than the key's, or not an API channel).
 */
export async function updateDeliveryStatusFromPartner(
  ctx: HubContext,
  input: { channelId: string; externalMessageId: string; status: DeliveryStatus },
): Promise<{ message: Message }> {
  const channel = await ctx.db.channel.findUnique({ where: { id: input.channelId } });
  if (!channel) throw notFound('Channel', 'channelId');
  if (channel.type !== 'API' || (ctx.viewer?.channelId && ctx.viewer.channelId !== channel.id)) {
    throw new DomainError('FORBIDDEN', 'This key may only report deliveries of its own API channel.', 'channelId');
  }
  const message = await ctx.db.message.findFirst({ where: { channelId: channel.id, externalMessageId: input.externalMessageId } });
  if (!message) throw notFound('Message', 'externalMessageId');
  await applyDeliveryStatus(ctx.deps, channel, { externalMessageId: input.externalMessageId, status: input.status, occurredAt: ctx.deps.clock.now() });
  return { message: await ctx.db.message.findUniqueOrThrow({ where: { id: message.id } }) };
}
