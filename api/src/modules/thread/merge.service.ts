/**
 * Conversation merge (issue 10 §5): `mergeThreads` moves the messages of
 * source threads into a target thread, so the customer's conversations on
 * WhatsApp, e-mail, SMS … become one timeline, and closes the sources with a
 * link to the target (`Thread.mergedIntoId`).
 *
 * Rules, chosen here:
 * - Only threads of the same customer merge (both without a customer counts
 *   as the same); threads of two customers give MERGE_CUSTOMER_MISMATCH:
 *   merge the customers first (mergeCustomers), then their threads.
 * - Every message keeps its channel (Message.channelId) and its time; the
 *   timeline is ordered by createdAt across channels. A moved message is
 *   stamped `metadata.mergedFromThreadId` (the thread it came from, kept on
 *   later merges), which is how a reply to it finds the provider
 *   conversation of its channel (see message.service `replyTarget`).
 * - Tasks move with the messages; SLA events and reporting facts stay with
 *   the thread they happened on (they are history). The target's SLA and
 *   reporting are synced with the same helper every thread change uses
 *   (syncThreadSla); a customer message of a source that was still owed an
 *   answer and is newer than the target's last one reopens the target and
 *   starts its response clock. The sources are CLOSED (resolvedAt kept or
 *   set), their SLA synced, assignment capacity freed; no satisfaction
 *   survey is planned for a merged source.
 * - New customer messages of a merged source's conversation go to the
 *   target while it is open (ingestion follows `mergedIntoId`,
 *   {@link mergedTargetOf}); once the target is resolved a new message opens
 *   a new thread, as for any resolved conversation.
 * - One transaction, `thread.merge` audit rows on the target and each source
 *   with every moved id and the sources' state before: enough to reverse it.
 */
import type { Thread } from '../../generated/prisma/client.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { enqueueDrain, freesAgent } from '../assignment/enqueue.js';
import { syncThreadSla } from '../sla/engine.js';
import type { Tx } from '../../db/tenant.js';
import { MERGE_ERRORS } from './merge.errors.js';
import { ACTIVE_STATUSES, publishThreadUpdated } from './thread.service.js';

/** At most this many source threads per mergeThreads call. */
export const MAX_MERGE_SOURCES = 20;
/** How many merge links ingestion follows at most (a → b → c …). */
const MAX_MERGE_HOPS = 10;

/** Per source thread: what moved and its state before, as recorded in the audit row. */
export interface MergedSource {
  threadId: string;
  messageIds: string[];
  taskIds: string[];
  before: { status: string; resolvedAt: Date | null; lastMessageId: string | null; assigneeId: string | null };
}

export interface ThreadMergeRecord {
  targetId: string;
  sources: MergedSource[];
  /** The target's state before (restore it to reverse). */
  targetBefore: { status: string; resolvedAt: Date | null; lastMessageId: string | null; lastMessageAt: Date; lastInboundAt: Date | null; responseDueAt: Date | null };
}

/**
 * Merges `sourceIds` into `targetId` (ids are uuids, already decoded).
 * Returns the target and the closed sources.
 *
 * Errors (DomainError), nothing changed: VALIDATION_FAILED (no source, more
 * than {@link MAX_MERGE_SOURCES}), MERGE_SAME_RECORD (the target among the
 * sources), NOT_FOUND (a thread unknown, deleted or of another organization:
 * never revealed), MERGE_ALREADY_MERGED (the target or a source was merged
 * before), MERGE_CUSTOMER_MISMATCH (a source of another customer).
 */
export async function mergeThreads(ctx: HubContext, targetId: string, rawSourceIds: string[]): Promise<{ thread: Thread; sources: Thread[]; merge: ThreadMergeRecord }> {
  const sourceIds = [...new Set(rawSourceIds)];
  if (sourceIds.length === 0) throw new DomainError('VALIDATION_FAILED', 'Choose at least one thread to merge.', 'sourceIds');
  if (sourceIds.length > MAX_MERGE_SOURCES) throw new DomainError('VALIDATION_FAILED', `At most ${MAX_MERGE_SOURCES} threads can be merged at once.`, 'sourceIds');
  const self = sourceIds.indexOf(targetId);
  if (self >= 0) throw new DomainError('MERGE_SAME_RECORD', MERGE_ERRORS.MERGE_SAME_RECORD, `sourceIds.${self}`);
  const now = ctx.deps.clock.now();

  // A deadlock with a concurrent ingestion or SLA job aborts the whole transaction: the tenant client runs it again (db/tenant.ts, db/retry.ts).
  const result = await ctx.db.$transaction(async (tx) => {
    // Two merges touching the same threads run one after the other.
    await tx.$queryRawUnsafe(
      `SELECT id FROM "Thread" WHERE id = ANY($1::uuid[]) AND "organizationId" = $2::uuid ORDER BY id FOR UPDATE`,
      [targetId, ...sourceIds],
      ctx.organizationId,
    );
    const target = await tx.thread.findUnique({ where: { id: targetId } });
    if (!target) throw notFound('Thread', 'targetId');
    if (target.mergedIntoId) throw new DomainError('MERGE_ALREADY_MERGED', MERGE_ERRORS.MERGE_ALREADY_MERGED, 'targetId');
    const sources: Thread[] = [];
    for (const [i, id] of sourceIds.entries()) {
      const s = await tx.thread.findUnique({ where: { id } });
      if (!s) throw notFound('Thread', `sourceIds.${i}`);
      if (s.mergedIntoId) throw new DomainError('MERGE_ALREADY_MERGED', MERGE_ERRORS.MERGE_ALREADY_MERGED, `sourceIds.${i}`);
      if (s.customerId !== target.customerId) throw new DomainError('MERGE_CUSTOMER_MISMATCH', MERGE_ERRORS.MERGE_CUSTOMER_MISMATCH, `sourceIds.${i}`);
      sources.push(s);
    }

    const record: ThreadMergeRecord = {
      targetId,
      sources: [],
      targetBefore: {
        status: target.status,
        resolvedAt: target.resolvedAt,
        lastMessageId: target.lastMessageId,
        lastMessageAt: target.lastMessageAt,
        lastInboundAt: target.lastInboundAt,
        responseDueAt: target.responseDueAt,
      },
    };
    const closed: Thread[] = [];
    let owedSince: Date | null = null;
    for (const s of sources) {
      const messageIds = (await tx.message.findMany({ where: { threadId: s.id }, select: { id: true }, orderBy: { createdAt: 'asc' } })).map((m) => m.id);
      const taskIds = (await tx.task.findMany({ where: { threadId: s.id }, select: { id: true } })).map((t) => t.id);
      // The source lets go of its last message first (Thread.lastMessageId is unique).
      await tx.thread.update({
        where: { id: s.id },
        data: { status: 'CLOSED', resolvedAt: s.resolvedAt ?? now, lastMessageId: null, mergedIntoId: target.id },
      });
      await tx.$executeRawUnsafe(
        `UPDATE "Message" SET "threadId" = $1::uuid,
           metadata = CASE WHEN metadata ? 'mergedFromThreadId' THEN metadata ELSE metadata || jsonb_build_object('mergedFromThreadId', $2::text) END
         WHERE "threadId" = $2::uuid AND "organizationId" = $3::uuid`,
        target.id,
        s.id,
        ctx.organizationId,
      );
      if (taskIds.length) await tx.task.updateMany({ where: { id: { in: taskIds } }, data: { threadId: target.id } });
      const after = await syncThreadSla(ctx, tx, s.id);
      if (freesAgent(s, after)) await enqueueDrain(ctx.deps, tx, s.teamId, s.assigneeId);
      closed.push(after);
      // A customer message the source still owed an answer to.
      const owed =
        ACTIVE_STATUSES.includes(s.status) &&
        s.status !== 'WAITING_CUSTOMER' &&
        s.lastInboundAt &&
        (!s.firstResponseAt || s.responseDueAt !== null || s.nextResponseStartedAt !== null);
      if (owed && (!owedSince || s.lastInboundAt! > owedSince)) owedSince = s.lastInboundAt;
      record.sources.push({
        threadId: s.id,
        messageIds,
        taskIds,
        before: { status: s.status, resolvedAt: s.resolvedAt, lastMessageId: s.lastMessageId, assigneeId: s.assigneeId },
      });
    }

    const newest = await tx.message.findFirst({ where: { threadId: target.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true, createdAt: true } });
    const lastInboundAt = [target.lastInboundAt, ...sources.map((s) => s.lastInboundAt)].filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
    const reopen =
      owedSince !== null && (!target.lastInboundAt || owedSince > target.lastInboundAt) && !(ACTIVE_STATUSES.includes(target.status) && target.status !== 'WAITING_CUSTOMER');
    const dues = [target.responseDueAt, ...sources.filter((s) => ACTIVE_STATUSES.includes(s.status)).map((s) => s.responseDueAt)].filter((d): d is Date => !!d);
    await tx.thread.update({
      where: { id: target.id },
      data: {
        ...(newest ? { lastMessageId: newest.id, lastMessageAt: newest.createdAt > target.lastMessageAt ? newest.createdAt : target.lastMessageAt } : {}),
        lastInboundAt,
        ...(owedSince && dues.length ? { responseDueAt: new Date(Math.min(...dues.map((d) => d.getTime()))) } : {}),
        ...(reopen ? { status: 'OPEN' as const, resolvedAt: null } : {}),
      },
    });
    const thread = await syncThreadSla(ctx, tx, target.id, owedSince && (!target.lastInboundAt || owedSince > target.lastInboundAt) ? { customerMessageAt: owedSince } : {});

    await writeAudit(ctx, tx, {
      action: 'thread.merge',
      entityType: 'Thread',
      entityId: target.id,
      before: record.targetBefore,
      after: { role: 'target', ...record, status: thread.status, lastMessageId: thread.lastMessageId, lastInboundAt: thread.lastInboundAt },
    });
    for (const src of record.sources) {
      await writeAudit(ctx, tx, {
        action: 'thread.merge',
        entityType: 'Thread',
        entityId: src.threadId,
        before: { ...src.before, mergedIntoId: null },
        after: { role: 'source', mergedIntoId: target.id, status: 'CLOSED', messageIds: src.messageIds, taskIds: src.taskIds },
      });
    }
    return { thread, sources: closed, merge: record };
  });
  await publishThreadUpdated(ctx, result.thread.id, ['messages', 'lastMessage', 'status']);
  for (const s of result.sources) await publishThreadUpdated(ctx, s.id, ['status', 'mergedInto']);
  return result;
}

/**
 * The thread a merged conversation now lives in: the newest thread of
 * `conversationKey` on the channel that was merged into another one, followed
 * along `mergedIntoId` to the end (at most {@link MAX_MERGE_HOPS} links). Null
 * when the conversation was never merged or the target was deleted. Runs in
 * the caller's transaction (ingestion).
 */
export async function mergedTargetOf(tx: Tx, channelId: string, conversationKey: string | null | undefined): Promise<Thread | null> {
  if (!conversationKey) return null;
  const merged = await tx.thread.findFirst({
    where: { channelId, conversationKey, mergedIntoId: { not: null } },
    orderBy: { lastMessageAt: 'desc' },
    select: { mergedIntoId: true },
  });
  let nextId = merged?.mergedIntoId ?? null;
  for (let hop = 0; nextId && hop < MAX_MERGE_HOPS; hop++) {
    const t: Thread | null = await tx.thread.findUnique({ where: { id: nextId } });
    if (!t) return null;
    if (!t.mergedIntoId) return t;
    nextId = t.mergedIntoId;
  }
  return null;
}
