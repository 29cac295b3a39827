/**
 * Automatic assignment: a new thread is routed to a team (routing.service.ts)
 * and given to one of the team's members by the team's strategy, or waits in
 * the team's queue until someone has room.
 *
 * Candidates are the team's members who are active, ONLINE, below the team's
 * `maxOpenPerAgent` (open threads: assigned, not RESOLVED/CLOSED, not deleted;
 * null = no limit) and whose skills cover the thread's `requiredSkills`
 * (case-insensitive). ROUND_ROBIN takes the member whose last automatic
 * assignment by this team (`TeamMembership.lastAssignedAt`) is oldest (never
 * first; ties by user id); LEAST_LOADED the one with the fewest open threads
 * (ties round robin); MANUAL assigns nothing (threads wait in the queue).
 *
 * Every decision runs in one transaction that first locks the team row
 * (`SELECT … FOR NO KEY UPDATE`, see lockTeam), so concurrent arrivals on any instance count each
 * other's assignments and never push an agent over capacity. An assignee that
 * is set is never replaced (conditional update on `assigneeId`), except by the
 * reassignment after `reassignAfterSeconds` without a reply.
 *
 * Audit rows (actor SYSTEM): `thread.route`, `thread.assign` with
 * `after.reason = { strategy, candidates: [{ userId, openThreads }], rule }`,
 * `thread.queue`. The assignee gets an ASSIGNMENT notification; threadUpdated
 * and notificationAdded are published after commit.
 */
import { z } from 'zod';
import type { Notification, Team, Thread, User } from '../../generated/prisma/client.js';
import { AssignmentStrategy, type UserAvailability } from '../../generated/prisma/enums.js';
import type { Tx } from '../../db/tenant.js';
import { JOB } from '../../jobs/names.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { diff, writeAudit } from '../audit/audit.service.js';
import { notify, publishNotifications } from '../notification/notification.service.js';
import { syncThreadSla } from '../sla/engine.js';
import { publishThreadUpdated } from '../thread/thread.service.js';
import { ASSIGNMENT_ERRORS } from './assignment.errors.js';
import { DONE_STATUSES, enqueueDrain } from './enqueue.js';
import { conditionsOf, matchRoutingRule, ruleMatches } from './routing.service.js';

/** An ONLINE agent whose last sign of life is older than this becomes AWAY (ms). */
export const AWAY_AFTER_MS = 5 * 60_000;
/** An ONLINE or AWAY agent whose last sign of life is older than this becomes OFFLINE (ms). */
export const OFFLINE_AFTER_MS = 30 * 60_000;
/** Queued threads one drain looks at. */
const DRAIN_BATCH = 200;

/** One member of a team as assignment sees them. */
export interface MemberLoad {
  userId: string;
  isActive: boolean;
  availability: UserAvailability;
  /** Lower case. */
  skills: string[];
  /** Open threads assigned to them (any team). */
  openThreads: number;
  lastAssignedAt: Date | null;
}

/** The rule that routed the thread, as recorded in audit reasons. */
export interface RuleRef {
  id: string;
  name: string;
}

/** What `reason` of a `thread.assign` / `thread.queue` audit row holds. */
export interface AssignmentReason {
  strategy: AssignmentStrategy;
  /** The members who could take the thread (ONLINE, active, room, skills), with their open threads before it. */
  candidates: { userId: string; openThreads: number }[];
  rule: RuleRef | null;
  /** Reassignment: the agent who did not answer, and after how many seconds. */
  reassignedFrom?: string;
  afterSeconds?: number;
}

/** Side effects to run after the transaction commits. */
class AfterCommit {
  threads = new Map<string, Set<string>>();
  notifications: Notification[] = [];
  changed(threadId: string, ...fields: string[]) {
    const set = this.threads.get(threadId) ?? new Set<string>();
    for (const f of fields) set.add(f);
    this.threads.set(threadId, set);
  }
  async publish(ctx: HubContext) {
    for (const [id, fields] of this.threads) await publishThreadUpdated(ctx, id, [...fields]);
    publishNotifications(ctx.deps, this.notifications);
    if (this.threads.size) ctx.deps.jobs.kick();
  }
}

/**
 * Locks the team row for the rest of `tx` (every assignment decision of the
 * team waits for it) and returns the team, or null when it is not in the
 * organization. Call it before writing any row that references the team:
 * such a write takes a KEY SHARE lock on it first, and two transactions
 * holding one and both asking for the row lock would deadlock.
 * `FOR NO KEY UPDATE` (the lock an UPDATE takes) serializes the decisions
 * alike, without blocking other transactions that only insert or update rows
 * referencing the team (threads, memberships).
 */
export async function lockTeam(tx: Tx, organizationId: string, teamId: string): Promise<Team | null> {
  await tx.$queryRaw`SELECT id FROM "Team" WHERE id = ${teamId}::uuid AND "organizationId" = ${organizationId}::uuid FOR NO KEY UPDATE`;
  return tx.team.findUnique({ where: { id: teamId } });
}

/** The team's members with their availability, skills, open threads and last automatic assignment. */
export async function loadMembers(tx: Tx, teamId: string): Promise<MemberLoad[]> {
  const memberships = await tx.teamMembership.findMany({
    where: { teamId },
    include: { user: { select: { id: true, isActive: true, availability: true, skills: true } } },
  });
  const ids = memberships.map((m) => m.userId);
  const open = ids.length
    ? await tx.thread.findMany({ where: { assigneeId: { in: ids }, status: { notIn: [...DONE_STATUSES] }, deletedAt: null }, select: { assigneeId: true } })
    : [];
  const counts = new Map<string, number>();
  for (const t of open) counts.set(t.assigneeId!, (counts.get(t.assigneeId!) ?? 0) + 1);
  return memberships.map((m) => ({
    userId: m.userId,
    isActive: m.user.isActive,
    availability: m.user.availability,
    skills: m.user.skills.map((s) => s.toLowerCase()),
    openThreads: counts.get(m.userId) ?? 0,
    lastAssignedAt: m.lastAssignedAt,
  }));
}

/** Members who may take a thread needing `requiredSkills` now (see the module comment); `exclude`: a user id left out. */
export function eligibleMembers(team: Pick<Team, 'maxOpenPerAgent'>, members: MemberLoad[], requiredSkills: string[], exclude?: string | null): MemberLoad[] {
  const needed = requiredSkills.map((s) => s.toLowerCase());
  return members.filter(
    (m) =>
      m.userId !== exclude &&
      m.isActive &&
      m.availability === 'ONLINE' &&
      (team.maxOpenPerAgent == null || m.openThreads < team.maxOpenPerAgent) &&
      needed.every((s) => m.skills.includes(s)),
  );
}

const byRoundRobin = (a: MemberLoad, b: MemberLoad) => {
  const ta = a.lastAssignedAt?.getTime() ?? -Infinity;
  const tb = b.lastAssignedAt?.getTime() ?? -Infinity;
  return ta !== tb ? ta - tb : a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
};

/** The member a strategy picks among `candidates`; null for none or MANUAL. */
export function pickCandidate(strategy: AssignmentStrategy, candidates: MemberLoad[]): MemberLoad | null {
  if (strategy === 'MANUAL' || candidates.length === 0) return null;
  const sorted = [...candidates].sort(strategy === 'LEAST_LOADED' ? (a, b) => a.openThreads - b.openThreads || byRoundRobin(a, b) : byRoundRobin);
  return sorted[0]!;
}

interface TeamState {
  team: Team;
  members: MemberLoad[];
}

/**
 * Gives `thread` to the strategy's pick among the eligible members (in the
 * locked team's transaction); updates `state` in memory so the next decision
 * of the same transaction sees it. Returns the assignee id, or null when no
 * candidate (nothing written).
 */
async function assignInTx(
  ctx: HubContext,
  tx: Tx,
  state: TeamState,
  thread: Pick<Thread, 'id' | 'subject' | 'assigneeId' | 'queuedAt' | 'requiredSkills'>,
  after: AfterCommit,
  extra: { rule: RuleRef | null; reassign?: { from: string; afterSeconds: number } },
): Promise<string | null> {
  const { team, members } = state;
  const eligible = eligibleMembers(team, members, thread.requiredSkills, extra.reassign?.from);
  const pick = pickCandidate(team.assignmentStrategy, eligible);
  if (!pick) return null;
  const now = ctx.deps.clock.now();
  // Strictly increasing per team, so round robin stays fair when several assignments share a millisecond (or clocks of instances differ).
  const newest = Math.max(0, ...members.map((m) => m.lastAssignedAt?.getTime() ?? 0));
  const stamp = new Date(Math.max(now.getTime(), newest + 1));
  const updated = await tx.thread.updateMany({
    where: { id: thread.id, assigneeId: thread.assigneeId, status: { notIn: [...DONE_STATUSES] } },
    data: { assigneeId: pick.userId, assignedAt: now, queuedAt: null },
  });
  if (updated.count !== 1) return null; // someone assigned it meanwhile: a manual assignment wins
  await tx.teamMembership.update({ where: { teamId_userId: { teamId: team.id, userId: pick.userId } }, data: { lastAssignedAt: stamp } });
  const reason: AssignmentReason = {
    strategy: team.assignmentStrategy,
    candidates: eligible.map((m) => ({ userId: m.userId, openThreads: m.openThreads })),
    rule: extra.rule,
    ...(extra.reassign ? { reassignedFrom: extra.reassign.from, afterSeconds: extra.reassign.afterSeconds } : {}),
  };
  await writeAudit(ctx, tx, {
    action: 'thread.assign',
    entityType: 'Thread',
    entityId: thread.id,
    before: { assigneeId: thread.assigneeId, queuedAt: thread.queuedAt },
    after: { assigneeId: pick.userId, teamId: team.id, assignedAt: now, queuedAt: null, reason },
  });
  const title = extra.reassign ? `Reassigned to you: ${thread.subject}` : `Assigned to you: ${thread.subject}`;
  after.notifications.push(
    ...(await notify(ctx, tx, [pick.userId], { kind: 'ASSIGNMENT', title, threadId: thread.id, data: { teamId: team.id, strategy: team.assignmentStrategy } })),
  );
  if (team.reassignAfterSeconds) {
    await ctx.deps.jobs.add(
      tx,
      JOB.assignmentReassign,
      { threadId: thread.id, assignedAt: now.toISOString() },
      { runAt: new Date(now.getTime() + team.reassignAfterSeconds * 1000) },
    );
  }
  pick.openThreads += 1;
  pick.lastAssignedAt = stamp;
  const previous = members.find((m) => m.userId === thread.assigneeId);
  if (previous) previous.openThreads -= 1;
  after.changed(thread.id, 'assigneeId', 'queuedAt', 'assignedAt');
  return pick.userId;
}

/** Puts an unassigned thread in its team's queue (queuedAt, audit `thread.queue`); nothing when it already waits. */
async function queueInTx(
  ctx: HubContext,
  tx: Tx,
  state: TeamState,
  thread: Pick<Thread, 'id' | 'queuedAt' | 'requiredSkills'>,
  after: AfterCommit,
  rule: RuleRef | null,
): Promise<void> {
  if (thread.queuedAt) return;
  const now = ctx.deps.clock.now();
  const updated = await tx.thread.updateMany({ where: { id: thread.id, assigneeId: null, queuedAt: null }, data: { queuedAt: now } });
  if (updated.count !== 1) return;
  const reason: AssignmentReason & { why: string } = {
    strategy: state.team.assignmentStrategy,
    candidates: [],
    rule,
    why:
      state.team.assignmentStrategy === 'MANUAL'
        ? 'the team assigns manually'
        : `no active ONLINE member below ${state.team.maxOpenPerAgent ?? 'no'} open threads with skills [${thread.requiredSkills.join(', ')}]`,
  };
  await writeAudit(ctx, tx, {
    action: 'thread.queue',
    entityType: 'Thread',
    entityId: thread.id,
    before: { queuedAt: null },
    after: { teamId: state.team.id, queuedAt: now, reason },
  });
  after.changed(thread.id, 'queuedAt');
}

/** The organization of a thread or team (jobs carry ids only), read outside the tenant client. */
async function organizationOf(deps: AppDeps, what: { threadId?: string; teamId?: string }): Promise<string | null> {
  if (what.threadId) return (await deps.db.prisma.thread.findUnique({ where: { id: what.threadId }, select: { organizationId: true } }))?.organizationId ?? null;
  if (what.teamId) return (await deps.db.prisma.team.findUnique({ where: { id: what.teamId }, select: { organizationId: true } }))?.organizationId ?? null;
  return null;
}

/**
 * Job `assignment.route` { threadId }: a new thread without a team gets the
 * winning routing rule's team and required skills (audit `thread.route`);
 * then, unless it already has an assignee, the team's strategy assigns it or
 * it waits in the queue. A deleted, resolved or unknown thread is left alone;
 * a thread no rule matches stays without team.
 */
export async function routeThread(deps: AppDeps, threadId: string): Promise<void> {
  const organizationId = await organizationOf(deps, { threadId });
  if (!organizationId) return;
  const ctx = systemContext(deps, organizationId);
  const after = new AfterCommit();
  await ctx.db.$transaction(async (tx) => {
    const found = await tx.thread.findUnique({ where: { id: threadId }, include: { channel: { select: { type: true } }, customer: { select: { tier: true, language: true } } } });
    if (!found || DONE_STATUSES.includes(found.status) || found.assigneeId) return;
    const match = found.teamId
      ? null
      : await matchRoutingRule(tx, organizationId, {
          channelType: found.channel.type,
          threadType: found.type,
          customerTier: found.customer?.tier ?? null,
          language: found.customer?.language ?? null,
        });
    const teamId = found.teamId ?? match?.teamId;
    if (!teamId) return; // no team and no rule matches: stays unrouted
    const team = await lockTeam(tx, organizationId, teamId);
    if (!team) return;
    const rule: RuleRef | null = match ? { id: match.id, name: match.name } : null;
    if (match) {
      const routed = await tx.thread.updateMany({ where: { id: threadId, teamId: null }, data: { teamId: match.teamId, requiredSkills: match.requiredSkills } });
      if (routed.count !== 1) return;
      // A policy may be conditioned on the team: match again (due dates stay anchored to the start).
      await syncThreadSla(ctx, tx, threadId);
      await writeAudit(ctx, tx, {
        action: 'thread.route',
        entityType: 'Thread',
        entityId: threadId,
        before: { teamId: null, requiredSkills: found.requiredSkills },
        after: { teamId: match.teamId, requiredSkills: match.requiredSkills, rule: { ...rule, rank: match.rank } },
      });
      after.changed(threadId, 'teamId', 'requiredSkills');
    }
    // Read again behind the lock: a decision of another transaction may have committed meanwhile.
    const thread = await tx.thread.findUnique({ where: { id: threadId } });
    if (!thread || thread.assigneeId || thread.teamId !== team.id || DONE_STATUSES.includes(thread.status)) return;
    const state: TeamState = { team, members: team.assignmentStrategy === 'MANUAL' ? [] : await loadMembers(tx, team.id) };
    const assignee = await assignInTx(ctx, tx, state, thread, after, { rule });
    if (!assignee) await queueInTx(ctx, tx, state, thread, after, rule);
  });
  await after.publish(ctx);
}

/**
 * Jobs `assignment.route` of several threads at once (the queue claims up to
 * ROUTE_BATCH_JOBS together): one read of the threads and one of their
 * organizations' active routing rules, 2 statements in all. A thread routing
 * would leave as it is (unknown, deleted, RESOLVED/CLOSED, assigned, or
 * without team and no rule matches: most new threads of an organization
 * without rules) needs nothing more; every other one goes through
 * `routeThread`, one transaction each, in the order given, so what happens to
 * it is exactly what its own job would do. Skipping needs no lock: routeThread
 * takes none before it decides to do nothing.
 * @returns the threads passed to routeThread, in order
 */
export async function routeThreads(deps: AppDeps, threadIds: readonly string[]): Promise<string[]> {
  const ids = [...new Set(threadIds)];
  const threads = await deps.db.prisma.thread.findMany({
    where: { id: { in: ids }, deletedAt: null },
    select: {
      id: true,
      organizationId: true,
      status: true,
      assigneeId: true,
      teamId: true,
      type: true,
      channel: { select: { type: true } },
      customer: { select: { tier: true, language: true } },
    },
  });
  const pending = threads.filter((t) => !DONE_STATUSES.includes(t.status) && !t.assigneeId);
  const organizations = [...new Set(pending.filter((t) => !t.teamId).map((t) => t.organizationId))];
  // matchRoutingRule's read and order, for every organization at once.
  const rules = organizations.length
    ? await deps.db.prisma.routingRule.findMany({
        where: { organizationId: { in: organizations }, isActive: true },
        orderBy: [{ rank: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
      })
    : [];
  const byId = new Map(pending.map((t) => [t.id, t]));
  const routed: string[] = [];
  for (const id of ids) {
    const t = byId.get(id);
    if (!t) continue;
    const facts = { channelType: t.channel.type, threadType: t.type, customerTier: t.customer?.tier ?? null, language: t.customer?.language ?? null };
    if (!t.teamId && !rules.some((r) => r.organizationId === t.organizationId && ruleMatches(conditionsOf(r), facts))) continue;
    await routeThread(deps, id);
    routed.push(id);
  }
  return routed;
}

/**
 * Job `assignment.drain` { teamId }: gives the team's queued threads, oldest
 * first, to members who have room (a thread nobody can take, e.g. for want of
 * skills, does not hold up the ones behind it). Nothing for a MANUAL team.
 * Returns how many threads were assigned.
 */
export async function drainTeam(deps: AppDeps, teamId: string): Promise<number> {
  const organizationId = await organizationOf(deps, { teamId });
  if (!organizationId) return 0;
  const ctx = systemContext(deps, organizationId);
  const after = new AfterCommit();
  const assigned = await ctx.db.$transaction(async (tx) => {
    const team = await lockTeam(tx, organizationId, teamId);
    if (!team || team.assignmentStrategy === 'MANUAL') return 0;
    const queued = await tx.thread.findMany({
      where: { teamId, assigneeId: null, queuedAt: { not: null }, status: { notIn: [...DONE_STATUSES] } },
      orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }],
      take: DRAIN_BATCH,
    });
    if (queued.length === 0) return 0;
    const state: TeamState = { team, members: await loadMembers(tx, teamId) };
    let n = 0;
    for (const thread of queued) {
      if (eligibleMembers(team, state.members, []).length === 0) break; // nobody has room at all
      if (await assignInTx(ctx, tx, state, thread, after, { rule: null })) n++;
    }
    return n;
  });
  await after.publish(ctx);
  return assigned;
}

/**
 * Job `assignment.reassign` { threadId, assignedAt }: when the thread is still
 * assigned since `assignedAt` (ISO instant) and no OUTGOING message was
 * created since, it goes to the next candidate of its team (the current
 * assignee left out); with no other candidate it stays where it is. A changed
 * `assignedAt` (manual or later automatic assignment) makes this a no-op.
 */
export async function reassignThread(deps: AppDeps, threadId: string, assignedAt: string): Promise<void> {
  const organizationId = await organizationOf(deps, { threadId });
  if (!organizationId) return;
  const ctx = systemContext(deps, organizationId);
  const after = new AfterCommit();
  const current = (t: Thread | null): t is Thread & { assigneeId: string; teamId: string; assignedAt: Date } =>
    !!t && !!t.assigneeId && !!t.teamId && t.assignedAt?.toISOString() === assignedAt && !DONE_STATUSES.includes(t.status);
  await ctx.db.$transaction(async (tx) => {
    const first = await tx.thread.findUnique({ where: { id: threadId } });
    if (!current(first)) return;
    const team = await lockTeam(tx, organizationId, first.teamId);
    if (!team || team.assignmentStrategy === 'MANUAL') return;
    const thread = await tx.thread.findUnique({ where: { id: threadId } });
    if (!current(thread) || thread.teamId !== team.id) return;
    const replied = await tx.message.count({ where: { threadId, type: 'OUTGOING', createdAt: { gte: thread.assignedAt } } });
    if (replied > 0) return;
    const state: TeamState = { team, members: await loadMembers(tx, team.id) };
    const afterSeconds = Math.round((ctx.deps.clock.now().getTime() - thread.assignedAt.getTime()) / 1000);
    await assignInTx(ctx, tx, state, thread, after, { rule: null, reassign: { from: thread.assigneeId, afterSeconds } });
  });
  await after.publish(ctx);
}

/**
 * Job `assignment.availability` (cron, every minute): ONLINE agents silent for
 * 5 minutes (lastSeenAt) become AWAY, ONLINE/AWAY agents silent for 30 minutes
 * OFFLINE. Then every non-MANUAL team with queued threads gets a drain (a
 * backstop for anything that freed an agent without a hook, e.g. a deleted thread).
 */
export async function sweepAvailability(deps: AppDeps): Promise<{ away: number; offline: number }> {
  const now = deps.clock.now().getTime();
  const p = deps.db.prisma;
  const offline = await p.user.updateMany({
    where: { availability: { in: ['ONLINE', 'AWAY'] }, OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: new Date(now - OFFLINE_AFTER_MS) } }] },
    data: { availability: 'OFFLINE' },
  });
  const away = await p.user.updateMany({ where: { availability: 'ONLINE', lastSeenAt: { lt: new Date(now - AWAY_AFTER_MS) } }, data: { availability: 'AWAY' } });
  const waiting = await p.thread.findMany({
    where: { queuedAt: { not: null }, assigneeId: null, deletedAt: null, status: { notIn: [...DONE_STATUSES] }, team: { assignmentStrategy: { not: 'MANUAL' } } },
    distinct: ['teamId'],
    select: { teamId: true },
  });
  for (const t of waiting) if (t.teamId) await deps.jobs.add(p, JOB.assignmentDrain, { teamId: t.teamId });
  if (waiting.length) deps.jobs.kick();
  return { away: away.count, offline: offline.count };
}

// ---------------------------------------------------------------- settings (GraphQL)

/** A team's assignment settings input: maxOpenPerAgent 1–1,000 threads, reassignAfterSeconds 10–604,800 seconds. */
export const TeamAssignmentInput = z.object({
  strategy: z.enum(AssignmentStrategy).nullish(),
  /** null clears (no limit); undefined leaves it. */
  maxOpenPerAgent: z.number().int().min(1).max(1000).nullish(),
  /** Seconds; null clears (never reassign); undefined leaves it. */
  reassignAfterSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 86_400)
    .nullish(),
});

/**
 * Changes a team's assignment settings (`strategy`, `maxOpenPerAgent`,
 * `reassignAfterSeconds` in seconds; a field not given stays, null clears the
 * two numbers; a null strategy stays). Audit `team.update`; drains the team's
 * queue under the new settings. Errors: NOT_FOUND, VALIDATION_FAILED.
 */
export async function updateTeamAssignment(ctx: HubContext, teamId: string, raw: z.input<typeof TeamAssignmentInput> | null | undefined): Promise<{ team: Team }> {
  const input = TeamAssignmentInput.parse(raw ?? {});
  const team = await ctx.db.$transaction(async (tx) => {
    const before = await tx.team.findUnique({ where: { id: teamId } });
    if (!before) throw notFound('Team', 'input.teamId');
    const team = await tx.team.update({
      where: { id: teamId },
      data: {
        ...(input.strategy ? { assignmentStrategy: input.strategy } : {}),
        ...(input.maxOpenPerAgent !== undefined ? { maxOpenPerAgent: input.maxOpenPerAgent } : {}),
        ...(input.reassignAfterSeconds !== undefined ? { reassignAfterSeconds: input.reassignAfterSeconds } : {}),
      },
    });
    const { updatedAt: _b, ...b } = before;
    const { updatedAt: _a, ...a } = team;
    await writeAudit(ctx, tx, { action: 'team.update', entityType: 'Team', entityId: teamId, ...diff(b, a) });
    await enqueueDrain(ctx.deps, tx, teamId);
    return team;
  });
  ctx.deps.jobs.kick();
  return { team };
}

async function membershipRefs(tx: Tx, teamId: string, userId: string): Promise<{ team: Team; user: User }> {
  const team = await tx.team.findUnique({ where: { id: teamId } });
  if (!team) throw notFound('Team', 'input.teamId');
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (!user) throw notFound('User', 'input.userId');
  return { team, user };
}

/** Adds a user to a team (audit `team.addMember`; already a member: no change). The team's queue is drained. Errors: NOT_FOUND. */
export async function addTeamMember(ctx: HubContext, teamId: string, userId: string): Promise<{ team: Team }> {
  const team = await ctx.db.$transaction(async (tx) => {
    const { team } = await membershipRefs(tx, teamId, userId);
    const existing = await tx.teamMembership.findUnique({ where: { teamId_userId: { teamId, userId } } });
    if (existing) return team;
    await tx.teamMembership.create({ data: { teamId, userId, createdAt: ctx.deps.clock.now() } });
    await writeAudit(ctx, tx, { action: 'team.addMember', entityType: 'Team', entityId: teamId, after: { userId } });
    await enqueueDrain(ctx.deps, tx, teamId);
    return team;
  });
  ctx.deps.jobs.kick();
  return { team };
}

/** Removes a user from a team (audit `team.removeMember`); their threads stay theirs. Errors: NOT_FOUND, NOT_TEAM_MEMBER. */
export async function removeTeamMember(ctx: HubContext, teamId: string, userId: string): Promise<{ team: Team }> {
  const team = await ctx.db.$transaction(async (tx) => {
    const { team } = await membershipRefs(tx, teamId, userId);
    const removed = await tx.teamMembership.deleteMany({ where: { teamId, userId } });
    if (removed.count === 0) throw new DomainError('NOT_TEAM_MEMBER', ASSIGNMENT_ERRORS.NOT_TEAM_MEMBER, 'input.userId');
    await writeAudit(ctx, tx, { action: 'team.removeMember', entityType: 'Team', entityId: teamId, before: { userId } });
    return team;
  });
  return { team };
}

/**
 * The signed-in user's availability (heartbeat of the inbox): sets it and
 * `lastSeenAt` = now. Coming ONLINE drains the queues of the user's teams.
 * Errors: FORBIDDEN without a user session.
 */
export async function setAvailability(ctx: HubContext, availability: UserAvailability): Promise<{ user: User }> {
  const userId = ctx.viewer?.kind === 'USER' ? ctx.viewer.id : null;
  if (!userId) throw new DomainError('FORBIDDEN', 'Only a signed-in user has an availability.');
  const user = await ctx.db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw notFound('User');
    const user = await tx.user.update({ where: { id: userId }, data: { availability, lastSeenAt: ctx.deps.clock.now() } });
    if (availability === 'ONLINE' && before.availability !== 'ONLINE') await enqueueDrain(ctx.deps, tx, null, userId);
    return user;
  });
  ctx.deps.jobs.kick();
  return { user };
}
