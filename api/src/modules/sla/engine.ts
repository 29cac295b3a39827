/**
 * The SLA engine: the clocks on each thread and the escalation ladder.
 *
 * Clocks (business seconds of the policy's calendar; no calendar = 24/7):
 * - FIRST_RESPONSE runs from the first customer message (`Thread.slaStartedAt`)
 *   to the first reply the provider accepted (`Thread.firstResponseAt`);
 * - NEXT_RESPONSE from a customer message that follows an accepted reply
 *   (`nextResponseStartedAt`) to the next accepted reply;
 * - RESOLUTION from the thread's start to RESOLVED/CLOSED (a reopen continues it).
 * Every clock pauses while the thread is WAITING_CUSTOMER, RESOLVED or CLOSED
 * (`slaPausedAt`, closed pauses in `slaPauses`) and has no due date meanwhile.
 *
 * `syncThreadSla` is called in the transaction of every change that can move a
 * clock (an inbound message, an accepted reply, a status / priority / type /
 * team / channel / customer change, an escalation). It matches the policy
 * again (policy.service.ts `matchPolicy`; due dates are recomputed from the
 * original start, not restarted), stores the due dates, the earliest running
 * due date (`slaDueAt`) and 75 % instant (`slaAtRiskAt`) for the inbox filters,
 * and plans one durable `sla.step` job per step of the ladder of every running
 * clock. A job's singleton key names thread, clock, step and due date, so a due
 * date that moves gets new jobs (the stale ones are deleted in the same
 * transaction) and a step is never planned twice.
 *
 * `fireSlaStep` (the job handler) checks that the clock still runs with that due
 * date, then records an `SlaEvent` (unique per thread, clock, step and due
 * date: a step fires at most once, across restarts, crashes and concurrent
 * workers), performs the action, notifies, audits and publishes `slaAlert`.
 */
import type { Prisma, SlaAction, SlaNotifyTarget, SlaPolicy, SlaTarget, Thread, BusinessCalendar as CalendarRow, Priority } from '../../generated/prisma/client.js';
import type { ChannelType, CustomerTier } from '../../generated/prisma/enums.js';
import type { Tx } from '../../db/tenant.js';
import { recordSlaStep } from '../../http/metrics.js';
import { JOB } from '../../jobs/names.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext } from '../../shared/context.js';
import { writeAudit } from '../audit/audit.service.js';
import { notify, publishNotifications, teamLeadIds } from '../notification/notification.service.js';
import { planTaskReminders } from '../task/task.reminders.js';
import { dimsOf, flushReporting, isResolvedStatus, recordReportingEvents, syncThreadReport, type ReportEventDraft, type ReportHint } from '../analytics/report.js';
import { businessSecondsElapsed, dueDateWithPauses, type SlaPause } from './business-time.js';
import { calendarOf, matchPolicy, policyLadder } from './policy.service.js';

/** A policy with its calendar row, as the engine loads it. */
export type PolicyWithCalendar = SlaPolicy & { calendar: CalendarRow | null };

/** One clock that is running now. */
export interface RunningClock {
  target: SlaTarget;
  /** When the clock started. */
  start: Date;
  /** The target in business seconds. */
  seconds: number;
  /** When it is due (business time, pauses excluded). */
  dueAt: Date;
}

/** Statuses in which SLA clocks run; in every other one they are paused (WAITING_CUSTOMER) or stopped (RESOLVED, CLOSED). */
export const SLA_RUNNING_STATUSES: Thread['status'][] = ['OPEN', 'IN_PROGRESS', 'WAITING_INTERNAL', 'ESCALATED'];
const isPausedStatus = (s: Thread['status']) => !SLA_RUNNING_STATUSES.includes(s);

/** Percent of the nearest running target at which a thread counts as at risk. */
export const AT_RISK_PERCENT = 75;
/** Closed pauses kept per thread (the oldest are merged into one beyond this). */
const MAX_PAUSES = 200;
const PRIORITY_UP: Record<Priority, Priority> = { LOW: 'NORMAL', NORMAL: 'HIGH', HIGH: 'URGENT', URGENT: 'CRITICAL', CRITICAL: 'CRITICAL' };

/** The closed pauses stored on a thread (`slaPauses`), as Dates. */
export function pausesOf(thread: Pick<Thread, 'slaPauses' | 'slaPausedAt'>, includeOpen = true): SlaPause[] {
  const stored = Array.isArray(thread.slaPauses) ? (thread.slaPauses as { from: string; to: string }[]) : [];
  const closed = stored.map((p) => ({ from: new Date(p.from), to: new Date(p.to) }));
  return includeOpen && thread.slaPausedAt ? [...closed, { from: thread.slaPausedAt, to: null }] : closed;
}

/**
 * The clocks of a thread under a policy that run now (none while paused), with
 * their due dates. Pure: reads only the thread's stored SLA fields.
 */
export function runningClocks(thread: Thread, policy: PolicyWithCalendar | null): RunningClock[] {
  if (!policy || !thread.slaStartedAt || thread.slaPausedAt || isPausedStatus(thread.status) || thread.deletedAt) return [];
  const cal = calendarOf(policy.calendar);
  const pauses = pausesOf(thread);
  const clocks: RunningClock[] = [];
  const add = (target: SlaTarget, start: Date, seconds: number | null) => {
    if (!seconds) return;
    const dueAt = dueDateWithPauses(cal, start, seconds, pauses);
    if (dueAt) clocks.push({ target, start, seconds, dueAt });
  };
  if (!thread.firstResponseAt && thread.lastInboundAt) add('FIRST_RESPONSE', thread.slaStartedAt, policy.firstResponseSeconds);
  if (thread.nextResponseStartedAt) add('NEXT_RESPONSE', thread.nextResponseStartedAt, policy.nextResponseSeconds);
  add('RESOLUTION', thread.slaStartedAt, policy.resolutionSeconds);
  return clocks;
}

/** Business seconds of `clock` used at `now`, in percent of its target (pauses excluded). */
export function percentUsed(thread: Thread, policy: PolicyWithCalendar, clock: RunningClock, now: Date): number {
  const used = businessSecondsElapsed(calendarOf(policy.calendar), clock.start, now, pausesOf(thread));
  return Math.round((used / clock.seconds) * 1000) / 10;
}

/** The instant a step of `clock` is due to fire: at a percent of the target (business time), or seconds after the breach (wall clock). */
export function stepFireAt(thread: Thread, policy: PolicyWithCalendar, clock: RunningClock, step: { atPercent?: number | null; afterBreachSeconds?: number | null }): Date {
  if (step.atPercent != null) {
    const at = dueDateWithPauses(calendarOf(policy.calendar), clock.start, (clock.seconds * step.atPercent) / 100, pausesOf(thread));
    return at ?? clock.dueAt;
  }
  return new Date(clock.dueAt.getTime() + (step.afterBreachSeconds ?? 0) * 1000);
}

const stepKey = (threadId: string, target: SlaTarget, step: number, dueAt: Date) => `sla:${threadId}:${target}:${step}:${dueAt.getTime()}`;
/** The breach of a clock is recorded this long after its due date (a reply within it is in time). */
const BREACH_GRACE_MS = 1000;
const breachKey = (threadId: string, target: SlaTarget, dueAt: Date) => `sla:${threadId}:${target}:breach:${dueAt.getTime()}`;

/** The active policies of the context's organization, lowest rank first, with their calendars. */
export function loadActivePolicies(tx: Tx | HubContext['db']): Promise<PolicyWithCalendar[]> {
  return tx.slaPolicy.findMany({ where: { isActive: true }, include: { calendar: true }, orderBy: [{ rank: 'asc' }, { id: 'asc' }] });
}

/** What a caller already holds, so `syncThreadSla` need not read it again (batched ingestion). */
export interface SlaSyncOptions {
  /** The thread as last written in this transaction, with its channel's type and its customer's tier. */
  loaded?: Thread & { channel: { type: ChannelType }; customer: { tier: CustomerTier } | null };
  /** `loadActivePolicies(tx)` read earlier in this transaction (no policy changes since). */
  policies?: PolicyWithCalendar[];
  /** The thread was created in this transaction, so no `sla.step` job of it can be queued yet. */
  createdInTx?: boolean;
  /**
   * Changes of the thread the caller has not stored yet (`loaded` already
   * shows them): stored with the clocks' changes and the reporting state in
   * one UPDATE, which then always runs (as the caller's own update would).
   */
  pending?: Prisma.ThreadUncheckedUpdateInput;
  /**
   * A batch stores the threads itself (ingest.service.ts, one UPDATE for all
   * the batch's new threads): the UPDATE is not run but handed here (plain
   * column values; `updatedAt` included), and the thread returned is
   * `loaded` with those changes. Needs `loaded`.
   */
  collect?: (write: Record<string, unknown>) => void;
  /**
   * The `sla.step` / `sla.breach` jobs to plan are appended here instead of
   * enqueued one statement each: the caller enqueues them (`jobs.addMany` per
   * queue) in this transaction.
   */
  plannedJobs?: PlannedJob[];
}

/** A job `syncThreadSla` plans (SlaSyncOptions.plannedJobs): queue, payload and enqueue options. */
export interface PlannedJob {
  queue: string;
  payload: Record<string, unknown>;
  opts: { runAt: Date; singletonKey: string; maxAttempts: number };
}

/** What happened that moves the clocks (besides the thread's current fields). */
export interface SlaHint {
  /** A customer message arrived at this instant. */
  customerMessageAt?: Date;
  /** The provider accepted an agent reply at this instant (and it answers the customer's latest message). */
  replyAcceptedAt?: Date;
  /** For reporting (analytics/report.ts): the customer message or the accepted reply itself. */
  report?: ReportHint;
}

/** A clock's outcome when it stopped at `stoppedAt`: met (reply or resolution in time) or breached (at its due date); null when it only paused in time. */
function clockOutcome(clock: RunningClock, stoppedAt: Date, satisfied: boolean): ReportEventDraft | null {
  const breached = stoppedAt > clock.dueAt;
  if (!breached && !satisfied) return null;
  return { kind: 'SLA_TARGET', target: clock.target, occurredAt: breached ? clock.dueAt : stoppedAt, dedupeKey: `${clock.target}:${clock.start.toISOString()}`, met: !breached };
}

/**
 * The outcomes of the clocks a change stopped by meeting them: the first
 * reply (FIRST_RESPONSE), an accepted reply while a next response was owed
 * (NEXT_RESPONSE, read off the row before this sync cleared it), the
 * resolution (RESOLUTION). Each is met when it came by its due date counted
 * with the pauses up to that moment; otherwise breached at the due date.
 * Outcomes already recorded (reportState.slaDone, or by the breach job) are
 * skipped by the recorder.
 */
function stoppedClockOutcomes(next: Thread, before: Thread, policy: PolicyWithCalendar, hint: SlaHint): ReportEventDraft[] {
  const cal = calendarOf(policy.calendar);
  const closed = pausesOf(next, false);
  const outcome = (target: SlaTarget, start: Date | null, seconds: number | null, stop: Date | null) => {
    if (!start || !seconds || !stop || stop < start) return null;
    const pauses = closed.filter((p) => p.from < stop).map((p) => ({ from: p.from, to: p.to && p.to > stop ? stop : p.to }));
    if (next.slaPausedAt && next.slaPausedAt < stop) pauses.push({ from: next.slaPausedAt, to: stop });
    const dueAt = dueDateWithPauses(cal, start, seconds, pauses);
    return dueAt ? clockOutcome({ target, start, seconds, dueAt }, stop, true) : null;
  };
  const out = [
    next.lastInboundAt && next.firstResponseAt ? outcome('FIRST_RESPONSE', next.slaStartedAt, policy.firstResponseSeconds, next.firstResponseAt) : null,
    hint.replyAcceptedAt ? outcome('NEXT_RESPONSE', before.nextResponseStartedAt, policy.nextResponseSeconds, hint.replyAcceptedAt) : null,
    isResolvedStatus(next.status) ? outcome('RESOLUTION', next.slaStartedAt, policy.resolutionSeconds, next.resolvedAt) : null,
  ];
  return out.filter((o): o is ReportEventDraft => !!o);
}

/**
 * Brings a thread's SLA up to date inside the caller's transaction: policy,
 * pauses, due dates, the inbox's `slaDueAt` / `slaAtRiskAt` / `responseDueAt`,
 * and the planned `sla.step` jobs. Returns the updated thread (unchanged when
 * nothing moved). A thread no policy matches keeps its channel's plain
 * response due date (`responseDueAt`) and has no ladder.
 */
export async function syncThreadSla(ctx: HubContext, tx: Tx, threadId: string, hint: SlaHint = {}, opts: SlaSyncOptions = {}): Promise<Thread> {
  const thread =
    opts.loaded?.id === threadId
      ? opts.loaded
      : await tx.thread.findUnique({ where: { id: threadId }, include: { channel: { select: { type: true } }, customer: { select: { tier: true } } } });
  if (!thread) throw new Error(`syncThreadSla: thread ${threadId} not found`);
  const now = ctx.deps.clock.now();
  const policies = opts.policies ?? (await loadActivePolicies(tx));
  const policy = (matchPolicy(policies, {
    channelType: thread.channel.type,
    priority: thread.priority,
    customerTier: thread.customer?.tier ?? null,
    threadType: thread.type,
    teamId: thread.teamId,
  }) ?? null) as PolicyWithCalendar | null;

  const data: Prisma.ThreadUncheckedUpdateInput = {};
  const next: Thread = { ...thread };
  const set = <K extends keyof Thread>(k: K, v: Thread[K]) => {
    const same = v instanceof Date && next[k] instanceof Date ? v.getTime() === (next[k] as Date).getTime() : JSON.stringify(v) === JSON.stringify(next[k]);
    if (same) return;
    next[k] = v;
    (data as Record<string, unknown>)[k] = v;
  };

  set('slaPolicyId', policy?.id ?? null);
  // The clocks start with the first customer message (or the thread's creation for internal work).
  if (!next.slaStartedAt) {
    const start = hint.customerMessageAt ?? thread.lastInboundAt ?? (thread.type === 'INTERNAL_TASK' ? thread.createdAt : null);
    if (start) set('slaStartedAt', start);
  } else if (hint.customerMessageAt && hint.customerMessageAt < next.slaStartedAt && !next.firstResponseAt) {
    set('slaStartedAt', hint.customerMessageAt); // an earlier message processed late
  }
  // Pauses follow the status.
  if (isPausedStatus(thread.status) && !next.slaPausedAt) set('slaPausedAt', now);
  if (!isPausedStatus(thread.status) && next.slaPausedAt) {
    let closed = [...pausesOf(next, false), { from: next.slaPausedAt, to: now }];
    if (closed.length > MAX_PAUSES) closed = [{ from: closed[0]!.from, to: closed[closed.length - MAX_PAUSES]!.to }, ...closed.slice(closed.length - MAX_PAUSES + 1)];
    set('slaPauses', closed.map((p) => ({ from: p.from.toISOString(), to: p.to!.toISOString() })) as Prisma.JsonValue);
    set('slaPausedAt', null);
  }
  // Next response: a customer message after an accepted reply starts it; an accepted reply ends it.
  if (hint.replyAcceptedAt) {
    set('nextResponseStartedAt', null);
    set('nextResponseDueAt', null);
  } else if (hint.customerMessageAt && next.firstResponseAt && !next.nextResponseStartedAt && hint.customerMessageAt >= next.firstResponseAt) {
    set('nextResponseStartedAt', hint.customerMessageAt);
  }

  const running = runningClocks(next, policy);
  const due = (t: SlaTarget) => running.find((c) => c.target === t)?.dueAt ?? null;
  if (policy) {
    // Due dates of clocks that stopped (met, paused) keep their last value, for history and `breached`.
    for (const [t, field] of [
      ['FIRST_RESPONSE', 'firstResponseDueAt'],
      ['NEXT_RESPONSE', 'nextResponseDueAt'],
      ['RESOLUTION', 'resolutionDueAt'],
    ] as const) {
      const d = due(t);
      if (d) set(field, d);
    }
    set('responseDueAt', due('FIRST_RESPONSE') ?? due('NEXT_RESPONSE'));
  } else {
    set('firstResponseDueAt', null);
    set('nextResponseDueAt', null);
    set('resolutionDueAt', null);
  }
  const earliest = running.reduce<RunningClock | null>((a, c) => (!a || c.dueAt < a.dueAt ? c : a), null);
  set('slaDueAt', earliest?.dueAt ?? null);
  const riskAt = running.map((c) => stepFireAt(next, policy!, c, { atPercent: AT_RISK_PERCENT }));
  set('slaAtRiskAt', riskAt.length ? new Date(Math.min(...riskAt.map((d) => d.getTime()))) : null);

  await planSteps(ctx, tx, next, policy, running, !!opts.createdInTx, opts.plannedJobs);

  // Reporting: outcomes of the clocks that stopped, then the thread's facts (analytics/report.ts).
  const outcomes = policy ? stoppedClockOutcomes(next, thread, policy, hint) : [];
  const reportThread = { ...next, channel: thread.channel, customer: thread.customer };
  const reportState = await syncThreadReport(ctx, tx, reportThread, hint.report ?? {}, policy ? calendarOf(policy.calendar) : null, outcomes);
  // One UPDATE for the caller's pending changes, the clocks and the reporting state.
  const write: Prisma.ThreadUncheckedUpdateInput = { ...opts.pending, ...data, ...(reportState ? { reportState: reportState as Prisma.InputJsonValue } : {}) };
  if (!opts.pending && !Object.keys(write).length) return thread;
  if (opts.collect && opts.loaded) {
    const stored = { ...write, updatedAt: new Date() } as Record<string, unknown>; // @updatedAt: the real time, as Prisma sets it
    opts.collect(stored);
    const { channel: _channel, customer: _customer, ...row } = opts.loaded;
    return { ...row, ...stored } as Thread;
  }
  return tx.thread.update({ where: { id: threadId }, data: write });
}

/**
 * Makes the queued `sla.step` jobs of a thread exactly those of its running
 * clocks' ladders, minus steps that already fired and minus due steps below
 * the most advanced due one (a late-planned clock fires its current rung once).
 */
async function planSteps(
  ctx: HubContext,
  tx: Tx,
  thread: Thread,
  policy: PolicyWithCalendar | null,
  running: RunningClock[],
  createdInTx: boolean,
  planned?: PlannedJob[],
): Promise<void> {
  const wanted = new Map<string, { payload: Record<string, unknown>; runAt: Date }>();
  if (policy && running.length) {
    // A thread created in this transaction has no step fired yet.
    const fired = createdInTx ? [] : await tx.slaEvent.findMany({ where: { threadId: thread.id }, select: { target: true, step: true, dueAt: true } });
    const done = new Set(fired.map((f) => stepKey(thread.id, f.target, f.step, f.dueAt)));
    const ladder = policyLadder(policy);
    const now = ctx.deps.clock.now().getTime();
    // Breaches already recorded (only clocks past due can have one).
    const pastDue = running.filter((c) => c.dueAt.getTime() <= now);
    if (pastDue.length) await flushReporting(ctx, tx); // a batch's deferred events count as recorded
    const recorded = pastDue.length
      ? new Set((await tx.reportingEvent.findMany({ where: { threadId: thread.id, kind: 'SLA_TARGET' }, select: { dedupeKey: true } })).map((e) => e.dedupeKey))
      : new Set<string | null>();
    for (const clock of running) {
      const steps = ladder.map((step, i) => ({ i, action: step.action, key: stepKey(thread.id, clock.target, i, clock.dueAt), runAt: stepFireAt(thread, policy, clock, step) }));
      // A clock planned late (a delayed webhook, an old message, a policy created today) catches up with
      // its most advanced due step (and any due ESCALATE, which acts), not with every reminder below it at once.
      const latestDue = steps.filter((x) => x.runAt.getTime() <= now).reduce((a, x) => Math.max(a, x.runAt.getTime()), -Infinity);
      // The breach itself is a reporting fact (SLA_TARGET not met), recorded at the due date whether or not a step fires then.
      if (!recorded.has(`${clock.target}:${clock.start.toISOString()}`))
        wanted.set(breachKey(thread.id, clock.target, clock.dueAt), {
          // One second of grace: a reply in the due second still meets the target.
          runAt: new Date(clock.dueAt.getTime() + BREACH_GRACE_MS),
          payload: { organizationId: thread.organizationId, threadId: thread.id, target: clock.target, step: -1, dueAt: clock.dueAt.toISOString(), breach: true },
        });
      for (const x of steps) {
        if (done.has(x.key) || (x.runAt.getTime() < latestDue && x.action !== 'ESCALATE')) continue;
        wanted.set(x.key, {
          runAt: x.runAt,
          payload: { organizationId: thread.organizationId, threadId: thread.id, target: clock.target, step: x.i, dueAt: clock.dueAt.toISOString() },
        });
      }
    }
  }
  // Stale plans (due date moved, clock stopped, policy changed) go in the same transaction.
  // A thread created in this transaction has none.
  if (!createdInTx)
    await tx.$executeRawUnsafe(
      `DELETE FROM "Job" WHERE queue = ANY($1::text[]) AND status = 'QUEUED' AND payload->>'threadId' = $2 AND NOT ("singletonKey" = ANY($3::text[]))`,
      [JOB.slaStep, JOB.slaBreach],
      thread.id,
      [...wanted.keys()],
    );
  for (const [key, job] of wanted) {
    const queue = job.payload.breach ? JOB.slaBreach : JOB.slaStep;
    const opts = { runAt: job.runAt, singletonKey: key, maxAttempts: 20 };
    if (planned) planned.push({ queue, payload: job.payload, opts });
    else await ctx.deps.jobs.add(tx, queue, job.payload, opts);
  }
}

/** The users a step notifies: the assignee, the team leads of the thread's team (all team leads without a team), managers, admins. */
async function recipientsOf(tx: Tx, thread: Thread, targets: readonly SlaNotifyTarget[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const target of targets) {
    if (target === 'ASSIGNEE' && thread.assigneeId) ids.add(thread.assigneeId);
    if (target === 'TEAM_LEAD') for (const id of await teamLeadIds(tx, { teamId: thread.teamId })) ids.add(id);
    if (target === 'MANAGERS' || target === 'ADMINS') {
      for (const u of await tx.user.findMany({ where: { role: target === 'MANAGERS' ? 'MANAGER' : 'ADMIN', isActive: true }, select: { id: true } })) ids.add(u.id);
    }
  }
  return [...ids];
}

const ACTION_WORDS: Record<SlaAction, string> = { REMIND: 'Reminder', ALERT: 'SLA alert', ESCALATE: 'Escalated', EXECUTIVE_ALERT: 'Executive alert' };
const TARGET_WORDS: Record<SlaTarget, string> = { FIRST_RESPONSE: 'first response', NEXT_RESPONSE: 'next response', RESOLUTION: 'resolution' };

/** Payload of an `sla.step` job. */
export interface SlaStepPayload {
  organizationId: string;
  threadId: string;
  target: SlaTarget;
  step: number;
  /** ISO instant: the clock's due date the step was planned for. */
  dueAt: string;
  /** An `sla.breach` job (recordSlaBreach): record the breach for reporting; step is -1. */
  breach?: boolean;
}

/**
 * Records a clock's breach as a reporting fact (SLA_TARGET, met false, at the
 * due date) when the clock still runs with that due date; idempotent (the
 * outcome's dedupe key names the clock's start). Returns whether it recorded.
 */
export async function recordSlaBreach(deps: AppDeps, payload: SlaStepPayload): Promise<boolean> {
  const ctx = systemContext(deps, payload.organizationId);
  return ctx.db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT id FROM "Thread" WHERE id = $1::uuid FOR UPDATE`, payload.threadId);
    const thread = await tx.thread.findUnique({ where: { id: payload.threadId }, include: { channel: { select: { type: true } }, customer: { select: { tier: true } } } });
    if (!thread?.slaPolicyId) return false;
    const policy = await tx.slaPolicy.findUnique({ where: { id: thread.slaPolicyId }, include: { calendar: true } });
    const clock = policy ? runningClocks(thread, policy).find((c) => c.target === payload.target) : undefined;
    if (!clock || clock.dueAt.getTime() !== new Date(payload.dueAt).getTime() || deps.clock.now() <= clock.dueAt) return false;
    const outcome = clockOutcome(clock, deps.clock.now(), false)!;
    return (await recordReportingEvents(ctx, tx, { threadId: thread.id }, dimsOf(thread), [outcome])) > 0;
  });
}

/**
 * Fires one escalation step (the `sla.step` job handler). Does nothing when the
 * clock no longer runs with that due date, the step is gone from the ladder,
 * or the step already fired. Returns the SlaEvent id when it fired.
 */
export async function fireSlaStep(deps: AppDeps, payload: SlaStepPayload): Promise<string | null> {
  const ctx = systemContext(deps, payload.organizationId);
  const dueAt = new Date(payload.dueAt);
  const result = await ctx.db.$transaction(async (tx) => {
    // One firing per thread at a time, on every instance.
    await tx.$queryRawUnsafe(`SELECT id FROM "Thread" WHERE id = $1::uuid FOR UPDATE`, payload.threadId);
    const thread = await tx.thread.findUnique({ where: { id: payload.threadId } });
    if (!thread?.slaPolicyId) return null;
    const policy = await tx.slaPolicy.findUnique({ where: { id: thread.slaPolicyId }, include: { calendar: true } });
    if (!policy) return null;
    const clock = runningClocks(thread, policy).find((c) => c.target === payload.target);
    const step = policyLadder(policy)[payload.step];
    if (!clock || !step || clock.dueAt.getTime() !== dueAt.getTime()) return null;
    const now = deps.clock.now();
    const pct = percentUsed(thread, policy, clock, now);
    const recipientIds = await recipientsOf(tx, thread, step.notify);
    const [event] = await tx.slaEvent.createManyAndReturn({
      data: [
        {
          organizationId: thread.organizationId,
          threadId: thread.id,
          policyId: policy.id,
          target: clock.target,
          action: step.action,
          step: payload.step,
          dueAt,
          scheduledAt: stepFireAt(thread, policy, clock, step),
          firedAt: now,
          percentUsed: pct,
          recipientIds,
        },
      ],
      skipDuplicates: true,
    });
    if (!event) return null; // fired already (another worker, or before a crash)
    await writeAudit(ctx, tx, {
      action: 'thread.fireSlaStep',
      entityType: 'Thread',
      entityId: thread.id,
      after: { slaEventId: event.id, policyId: policy.id, target: clock.target, step: payload.step, action: step.action, dueAt, percentUsed: pct, recipientIds },
    });
    let escalated = false;
    if (step.action === 'ESCALATE' && thread.status !== 'ESCALATED') {
      const after = await tx.thread.update({ where: { id: thread.id }, data: { status: 'ESCALATED', priority: PRIORITY_UP[thread.priority] } });
      await writeAudit(ctx, tx, {
        action: 'thread.escalate',
        entityType: 'Thread',
        entityId: thread.id,
        before: { status: thread.status, priority: thread.priority },
        after: { status: after.status, priority: after.priority, reason: `SLA ${TARGET_WORDS[clock.target]} ${pct} %`, slaEventId: event.id },
      });
      const lead = (await recipientsOf(tx, thread, ['TEAM_LEAD']))[0] ?? null;
      const task = await tx.task.create({
        data: {
          organizationId: thread.organizationId,
          title: `Escalated: ${thread.subject}`.slice(0, 200),
          description: `The ${TARGET_WORDS[clock.target]} target was due ${dueAt.toISOString()}.`,
          type: 'ESCALATE',
          priority: after.priority,
          assigneeId: lead,
          threadId: thread.id,
          dueAt: new Date(now.getTime() + 3_600_000),
        },
      });
      await writeAudit(ctx, tx, {
        action: 'task.create',
        entityType: 'Task',
        entityId: task.id,
        after: { type: task.type, threadId: thread.id, assigneeId: lead, reason: 'SLA escalation' },
      });
      await planTaskReminders(ctx, tx, task);
      escalated = true;
      // A new priority may match another policy; due dates are recomputed from the original start.
      await syncThreadSla(ctx, tx, thread.id);
    }
    const notifications = await notify(ctx, tx, recipientIds, {
      kind: 'SLA_ALERT',
      title: `${ACTION_WORDS[step.action]}: ${TARGET_WORDS[clock.target]} ${pct} % — ${thread.subject}`,
      threadId: thread.id,
      slaEventId: event.id,
      data: { action: step.action, target: clock.target, percentUsed: pct, dueAt: dueAt.toISOString() },
    });
    return { event, notifications, escalated };
  });
  if (!result) return null;
  recordSlaStep(result.event.action);
  deps.pubsub.publish('slaAlert', payload.organizationId, { slaEventId: result.event.id, threadId: payload.threadId, recipientIds: result.event.recipientIds });
  publishNotifications(deps, result.notifications);
  if (result.escalated) deps.pubsub.publish('threadUpdated', payload.organizationId, { threadId: payload.threadId, changed: ['status', 'priority', 'sla'] });
  return result.event.id;
}
