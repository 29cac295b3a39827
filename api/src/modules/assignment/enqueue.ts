/**
 * The hooks the rest of the hub calls inside its own transactions to start
 * automatic assignment: `enqueueRouting` when a thread is created,
 * `enqueueDrain` when an agent frees up. They only enqueue jobs (committed with
 * the caller's change); the work runs in assignment.jobs.ts. Kept free of
 * imports of the thread module so thread.service.ts can import it.
 */
import type { Tx, TenantDb } from '../../db/tenant.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ThreadStatus } from '../../generated/prisma/enums.js';
import { JOB } from '../../jobs/names.js';
import type { AppDeps } from '../../shared/app.js';

/** Statuses whose threads no longer count towards an agent's open threads. */
export const DONE_STATUSES: readonly ThreadStatus[] = ['RESOLVED', 'CLOSED'];

/**
 * Enqueues `JOB.assignmentRoute` { threadId } in `tx` (the transaction that
 * created the thread): routing picks a team by the routing rules, then the
 * team's strategy an agent, or the thread waits in the team's queue.
 * One queued job per thread (singleton key `assignment.route:<threadId>`).
 */
export async function enqueueRouting(deps: AppDeps, tx: Tx | TenantDb | PrismaClient, threadId: string): Promise<void> {
  await deps.jobs.add(tx, JOB.assignmentRoute, { threadId }, { singletonKey: `assignment.route:${threadId}` });
}

/** The routing jobs `enqueueRouting` adds, one per thread, for `deps.jobs.addAll` (a batch of inbound messages enqueues them with its other jobs). */
export function routingJobs(threadIds: readonly string[]): { queue: string; payload: { threadId: string }; opts: { singletonKey: string } }[] {
  return threadIds.map((threadId) => ({ queue: JOB.assignmentRoute, payload: { threadId }, opts: { singletonKey: `assignment.route:${threadId}` } }));
}

/**
 * Enqueues `JOB.assignmentDrain` { teamId } in `tx` for `teamId` and, when
 * `freedUserId` is given, for every team that user belongs to (an agent who
 * frees up may take a queued thread of any of their teams). Null ids are
 * ignored. Drains are idempotent and serialized per team, so no singleton key.
 */
export async function enqueueDrain(deps: AppDeps, tx: Tx | TenantDb | PrismaClient, teamId: string | null | undefined, freedUserId?: string | null): Promise<void> {
  const teams = new Set<string>(teamId ? [teamId] : []);
  if (freedUserId) {
    const memberships = await tx.teamMembership.findMany({ where: { userId: freedUserId }, select: { teamId: true } });
    for (const m of memberships) teams.add(m.teamId);
  }
  for (const id of teams) await deps.jobs.add(tx, JOB.assignmentDrain, { teamId: id });
}

/**
 * True when a change of a thread frees its agent: before, it was assigned and
 * open (not RESOLVED/CLOSED); after, it is RESOLVED/CLOSED, unassigned or
 * someone else's. Then `enqueueDrain(deps, tx, before.teamId, before.assigneeId)`.
 */
export function freesAgent(before: { assigneeId: string | null; status: ThreadStatus }, after: { assigneeId: string | null; status: ThreadStatus }): boolean {
  if (!before.assigneeId || DONE_STATUSES.includes(before.status)) return false;
  return after.assigneeId !== before.assigneeId || DONE_STATUSES.includes(after.status);
}

/**
 * The columns a person's assignThread also sets, so a manual assignment always
 * wins over automatic assignment: giving the thread to someone takes it out of
 * the team queue (`queuedAt` null) and restarts `assignedAt` (which voids a
 * pending reassignment job, also when it is the same agent); clearing the
 * assignee clears `assignedAt`.
 * `input.assigneeId` undefined (team change only): nothing.
 */
export function manualAssignmentData(now: Date, before: { assignedAt: Date | null }, input: { assigneeId?: string | null }): { queuedAt?: null; assignedAt?: Date | null } {
  if (input.assigneeId === undefined) return {};
  if (input.assigneeId === null) return { assignedAt: null };
  // Strictly later than the previous assignedAt, so a reassignment job keyed on it never matches again.
  return { queuedAt: null, assignedAt: new Date(Math.max(now.getTime(), (before.assignedAt?.getTime() ?? 0) + 1)) };
}
