/**
 * Triage: per-agent read state, snooze and bulk changes of threads (issue 10 §4).
 *
 * Read state: a thread is unread for an agent while the customer has written
 * (`Thread.lastInboundAt` set) and the agent has no `ThreadRead` row for it.
 * `markThreadRead` writes the row; a new customer message (ingestion) and the
 * end of a snooze delete the thread's rows, so it is unread again for everyone.
 * This keeps the inbox filter a plain anti-join (`reads: { none: { userId } }`)
 * on the (userId, threadId) primary key, no column comparison across tables.
 */
import { z } from 'zod';
import type { Prisma, Thread } from '../../generated/prisma/client.js';
import { Priority, ThreadStatus } from '../../generated/prisma/enums.js';
import type { TenantDb, Tx } from '../../db/tenant.js';
import { JOB } from '../../jobs/names.js';
import type { AppDeps } from '../../shared/app.js';
import { NO_MATCH_ID, systemContext, type HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { withoutUndefined } from '../../shared/objects.js';
import { writeAudit } from '../audit/audit.service.js';
import { notify, publishNotifications } from '../notification/notification.service.js';
import { assignThread, publishThreadUpdated, updateThread } from './thread.service.js';

/** The longest snooze: 365 days. */
export const MAX_SNOOZE_MS = 365 * 86_400_000;
/** At most this many threads per bulkUpdateThreads call. */
export const MAX_BULK_THREADS = 100;

/**
 * Prisma `where` for the viewer's read state. unread=true: the customer wrote
 * and the viewer has no read mark; false: the complement. A caller without a
 * user (API key, system) has no read state: unread matches nothing, read everything.
 */
export function unreadWhere(ctx: HubContext, unread: boolean): Prisma.ThreadWhereInput {
  const userId = ctx.actor.userId;
  if (!userId) return unread ? { id: NO_MATCH_ID } : {};
  const isUnread: Prisma.ThreadWhereInput = { lastInboundAt: { not: null }, reads: { none: { userId } } };
  return unread ? isUnread : { OR: [{ lastInboundAt: null }, { reads: { some: { userId } } }] };
}

/** Prisma `where` of snoozed (true: snoozedUntil after `now`) or not snoozed threads. */
export function snoozedWhere(snoozed: boolean, now: Date): Prisma.ThreadWhereInput {
  return snoozed ? { snoozedUntil: { gt: now } } : { OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }] };
}

/**
 * The viewer's read marks of `threadIds`: Map threadId → readAt (missing: never
 * read). One query; empty for callers without a user.
 */
export async function readMarks(ctx: HubContext, threadIds: readonly string[]): Promise<Map<string, Date>> {
  const userId = ctx.actor.userId;
  if (!userId || threadIds.length === 0) return new Map();
  const rows = await ctx.db.threadRead.findMany({ where: { userId, threadId: { in: [...threadIds] } }, select: { threadId: true, readAt: true } });
  return new Map(rows.map((r) => [r.threadId, r.readAt]));
}

/** Deletes every agent's read mark of a thread (a new customer message, a snooze ending): unread again for everyone. */
export async function clearReadMarks(tx: Tx | TenantDb, threadId: string): Promise<void> {
  await tx.threadRead.deleteMany({ where: { threadId } });
}

async function existingThread(ctx: HubContext, threadId: string): Promise<Thread> {
  const thread = await ctx.db.thread.findUnique({ where: { id: threadId } });
  if (!thread) throw notFound('Thread', 'threadId');
  return thread;
}

/**
 * Marks a thread read for the viewer (now). Not audited and not published to
 * others: read state is the viewer's own. Errors: NOT_FOUND; FORBIDDEN for a
 * caller without a user (API keys have no read state).
 */
export async function markThreadRead(ctx: HubContext, threadId: string): Promise<{ thread: Thread }> {
  const userId = requireUser(ctx);
  const thread = await existingThread(ctx, threadId);
  const readAt = ctx.deps.clock.now();
  await ctx.db.threadRead.upsert({
    where: { userId_threadId: { userId, threadId } },
    create: { userId, threadId, organizationId: ctx.organizationId, readAt },
    update: { readAt },
  });
  return { thread };
}

/** Removes the viewer's read mark: the thread shows unread again for the viewer (when the customer wrote). Errors as markThreadRead. */
export async function markThreadUnread(ctx: HubContext, threadId: string): Promise<{ thread: Thread }> {
  const userId = requireUser(ctx);
  const thread = await existingThread(ctx, threadId);
  await ctx.db.threadRead.deleteMany({ where: { userId, threadId } });
  return { thread };
}

function requireUser(ctx: HubContext): string {
  const userId = ctx.actor.userId;
  if (!userId) throw new DomainError('FORBIDDEN', 'Read state belongs to a signed-in agent; API keys have none.');
  return userId;
}

const SnoozeInput = z.object({ until: z.date() });

/**
 * Snoozes a thread until `until` (future, at most 365 days away): views asking
 * `snoozed: false` hide it; a job ends the snooze at `until` (the thread turns
 * unread for everyone, its assignee is notified); a customer message ends it
 * earlier. Audited as thread.snooze. Errors: NOT_FOUND, VALIDATION_FAILED (until
 * in the past or too far).
 */
export async function snoozeThread(ctx: HubContext, threadId: string, raw: { until: Date }): Promise<{ thread: Thread }> {
  const { until } = SnoozeInput.parse(raw);
  const now = ctx.deps.clock.now();
  if (until.getTime() <= now.getTime()) throw new DomainError('VALIDATION_FAILED', 'Snooze until a time in the future.', 'input.until');
  if (until.getTime() - now.getTime() > MAX_SNOOZE_MS) throw new DomainError('VALIDATION_FAILED', 'Snooze for at most 365 days.', 'input.until');
  const thread = await ctx.db.$transaction(async (tx) => {
    const before = await tx.thread.findUnique({ where: { id: threadId } });
    if (!before) throw notFound('Thread', 'input.threadId');
    const thread = await tx.thread.update({ where: { id: threadId }, data: { snoozedUntil: until } });
    await writeAudit(ctx, tx, {
      action: 'thread.snooze',
      entityType: 'Thread',
      entityId: threadId,
      before: { snoozedUntil: before.snoozedUntil },
      after: { snoozedUntil: until },
    });
    await ctx.deps.jobs.add(
      tx,
      JOB.threadUnsnooze,
      { organizationId: ctx.organizationId, threadId, until: until.toISOString() },
      { runAt: until, singletonKey: `thread.unsnooze:${threadId}:${until.getTime()}` },
    );
    return thread;
  });
  await publishThreadUpdated(ctx, threadId, ['snoozedUntil']);
  return { thread };
}

/** Ends a snooze now (no-op when not snoozed). Audited as thread.unsnooze. Errors: NOT_FOUND. */
export async function unsnoozeThread(ctx: HubContext, threadId: string): Promise<{ thread: Thread }> {
  const thread = await ctx.db.$transaction(async (tx) => {
    const before = await tx.thread.findUnique({ where: { id: threadId } });
    if (!before) throw notFound('Thread', 'threadId');
    if (!before.snoozedUntil) return before;
    const thread = await tx.thread.update({ where: { id: threadId }, data: { snoozedUntil: null } });
    await writeAudit(ctx, tx, {
      action: 'thread.unsnooze',
      entityType: 'Thread',
      entityId: threadId,
      before: { snoozedUntil: before.snoozedUntil },
      after: { snoozedUntil: null },
    });
    return thread;
  });
  await publishThreadUpdated(ctx, threadId, ['snoozedUntil']);
  return { thread };
}

/** Payload of JOB.threadUnsnooze. */
export interface UnsnoozePayload {
  organizationId: string;
  threadId: string;
  /** ISO instant the snooze was set to; a later snoozeThread or unsnooze makes this job a no-op. */
  until: string;
}

/**
 * Job: the snooze set to `until` ended. When the thread is still snoozed to
 * that instant: clears snoozedUntil, deletes every read mark (unread again),
 * notifies the assignee (SNOOZE_ENDED), audits thread.unsnooze (reason
 * "snooze ended"), publishes threadUpdated. Returns whether it woke the thread.
 */
export async function endSnooze(deps: AppDeps, payload: UnsnoozePayload): Promise<boolean> {
  const ctx = systemContext(deps, payload.organizationId);
  const result = await ctx.db.$transaction(async (tx) => {
    const thread = await tx.thread.findUnique({ where: { id: payload.threadId } });
    if (!thread?.snoozedUntil || thread.snoozedUntil.getTime() !== new Date(payload.until).getTime()) return null;
    await tx.thread.update({ where: { id: thread.id }, data: { snoozedUntil: null } });
    await clearReadMarks(tx, thread.id);
    await writeAudit(ctx, tx, {
      action: 'thread.unsnooze',
      entityType: 'Thread',
      entityId: thread.id,
      before: { snoozedUntil: thread.snoozedUntil },
      after: { snoozedUntil: null, reason: 'snooze ended' },
    });
    const rows = thread.assigneeId ? await notify(ctx, tx, [thread.assigneeId], { kind: 'SNOOZE_ENDED', title: `Snooze ended: ${thread.subject}`, threadId: thread.id }) : [];
    return { rows };
  });
  if (!result) return false;
  publishNotifications(deps, result.rows);
  await publishThreadUpdated(ctx, payload.threadId, ['snoozedUntil', 'unread']);
  return true;
}

/** Ends a snooze because the customer wrote (called in the ingestion transaction; audited). */
export async function endSnoozeOnInbound(ctx: HubContext, tx: Tx | TenantDb, thread: Pick<Thread, 'id' | 'snoozedUntil'>): Promise<void> {
  if (!thread.snoozedUntil) return;
  await tx.thread.update({ where: { id: thread.id }, data: { snoozedUntil: null } });
  await writeAudit(ctx, tx, {
    action: 'thread.unsnooze',
    entityType: 'Thread',
    entityId: thread.id,
    before: { snoozedUntil: thread.snoozedUntil },
    after: { snoozedUntil: null, reason: 'customer message' },
  });
}

export const BulkUpdateThreadsInput = z
  .object({
    threadIds: z.array(z.string()).min(1, 'Select at least one thread.').max(MAX_BULK_THREADS, `At most ${MAX_BULK_THREADS} threads at once.`),
    assigneeId: z.string().nullish(),
    teamId: z.string().nullish(),
    status: z.enum(ThreadStatus).optional(),
    priority: z.enum(Priority).optional(),
    addTags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    removeTags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    snoozeUntil: z.date().optional(),
  })
  .refine((i) => i.assigneeId !== undefined || i.teamId !== undefined || i.status || i.priority || i.addTags?.length || i.removeTags?.length || i.snoozeUntil, {
    message: 'Nothing to change: give an assignee, team, status, priority, tags or a snooze time.',
  });

/**
 * Applies one change to up to 100 threads. Each thread goes through the single
 * mutations (assignThread, updateThread, snoozeThread): its own transaction,
 * audited and published as they are; one failing thread does not stop the
 * others. Returns the updated threads and per-thread failures with field
 * `threadIds.<index>`. Errors (whole call): VALIDATION_FAILED.
 */
export async function bulkUpdateThreads(
  ctx: HubContext,
  raw: z.input<typeof BulkUpdateThreadsInput>,
): Promise<{ threads: Thread[]; failures: { code: string; message: string; field: string }[] }> {
  const input = BulkUpdateThreadsInput.parse(raw);
  const threads: Thread[] = [];
  const failures: { code: string; message: string; field: string }[] = [];
  const ids = [...new Set(input.threadIds)];
  for (const [index, id] of ids.entries()) {
    try {
      let thread: Thread | null = null;
      if (input.assigneeId !== undefined || input.teamId !== undefined) {
        thread = (await assignThread(ctx, id, withoutUndefined({ assigneeId: input.assigneeId, teamId: input.teamId }))).thread;
      }
      if (input.status || input.priority || input.addTags?.length || input.removeTags?.length) {
        const data: { status?: ThreadStatus; priority?: Priority; tags?: string[] } = {};
        if (input.status) data.status = input.status;
        if (input.priority) data.priority = input.priority;
        if (input.addTags?.length || input.removeTags?.length) {
          const current = thread ?? (await existingThread(ctx, id));
          const remove = new Set(input.removeTags ?? []);
          data.tags = [...new Set([...current.tags, ...(input.addTags ?? [])])].filter((t) => !remove.has(t)).slice(0, 20);
        }
        thread = (await updateThread(ctx, id, data)).thread;
      }
      if (input.snoozeUntil) thread = (await snoozeThread(ctx, id, { until: input.snoozeUntil })).thread;
      if (thread) threads.push(thread);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      failures.push({ code: err.code, message: err.message, field: `threadIds.${index}` });
    }
  }
  return { threads, failures };
}
