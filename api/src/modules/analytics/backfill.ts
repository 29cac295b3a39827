/**
 * Rebuilds an organization's reporting events and rollups from history (after
 * a definition changes, or for data that predates the reporting tables, such
 * as the demo seed): `pnpm hub analytics:backfill [--org <slug>]`.
 *
 * Per thread, in time order, it replays through `reportStep` (report.ts, the
 * same state machine as the live path): customer messages (INCOMING), agent
 * replies (OUTGOING that the provider accepted: SENT, DELIVERED, READ; at their
 * createdAt), and status changes from the audit trail (`thread.update`,
 * `thread.escalate`, `thread.fireSlaStep`-driven escalations: rows whose
 * changes.after.status is set), finishing with the thread's current status
 * and team. SLA outcomes are replayed against the policy that matches the
 * thread today: first response and each next response from the customer's
 * turn, resolution from the thread's start, with the clocks paused while the
 * replayed status waits on the customer or is resolved (the live engine's
 * rule). Task completions and survey ratings come from their rows.
 *
 * Threads go in pages of 500 (keyset by id), each page in one transaction
 * that deletes the page's old events and writes the new ones with their
 * rollups, so the figures are partial only while the backfill runs.
 */
import type { PolicyWithCalendar } from '../sla/engine.js';
import { loadActivePolicies } from '../sla/engine.js';
import type { ReportingEventKind, ThreadStatus } from '../../generated/prisma/enums.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext } from '../../shared/context.js';
import { dueDateWithPauses, type SlaPause } from '../sla/business-time.js';
import { calendarOf, matchPolicy } from '../sla/policy.service.js';
import {
  dimsOf,
  eventRow,
  insertEventRows,
  isResolvedStatus,
  reportStateOf,
  reportSteps,
  syncTaskReport,
  type ReportEventDraft,
  type ReportInput,
  type ThreadReportState,
} from './report.js';

const PAGE = 500;
const ACCEPTED = new Set(['SENT', 'DELIVERED', 'READ']);
const PAUSED: readonly ThreadStatus[] = ['WAITING_CUSTOMER', 'RESOLVED', 'CLOSED'];

interface Clock {
  target: 'FIRST_RESPONSE' | 'NEXT_RESPONSE' | 'RESOLUTION';
  start: Date;
  seconds: number;
}

/** SLA outcomes of a replayed timeline under `policy` (see the file comment). Pure. */
export function replaySlaOutcomes(policy: PolicyWithCalendar | null, timeline: readonly ReportInput[], now: Date): ReportEventDraft[] {
  if (!policy) return [];
  const cal = calendarOf(policy.calendar);
  const pauses: SlaPause[] = [];
  let pausedFrom: Date | null = null;
  let status = 'OPEN' as ThreadStatus;
  const open: Clock[] = [];
  const out: ReportEventDraft[] = [];
  let started: Date | null = null;
  let replied = false;
  // Due date counted with the pauses so far (an open pause closed at `until`).
  const due = (c: Clock, until: Date) => {
    const list = pauses.filter((p) => p.from >= c.start || (p.to ?? until) > c.start);
    if (pausedFrom && until > pausedFrom) list.push({ from: pausedFrom, to: until });
    return dueDateWithPauses(cal, c.start, c.seconds, list);
  };
  const setStatus = (s: ThreadStatus, at: Date) => {
    const wasPaused = PAUSED.includes(status);
    const isPaused = PAUSED.includes(s);
    if (!wasPaused && isPaused) pausedFrom = at;
    if (wasPaused && !isPaused && pausedFrom) {
      if (at > pausedFrom) pauses.push({ from: pausedFrom, to: at });
      pausedFrom = null;
    }
    status = s;
  };
  const stop = (target: Clock['target'], at: Date) => {
    const i = open.findIndex((c) => c.target === target);
    if (i < 0) return;
    const c = open[i]!;
    open.splice(i, 1);
    const d = due(c, at);
    const breached = !!d && at > d;
    out.push({ kind: 'SLA_TARGET', target, occurredAt: breached ? d! : at, dedupeKey: `${target}:${c.start.toISOString()}`, met: !breached });
  };
  for (const input of timeline) {
    if (input.kind === 'customerMessage') {
      if (!started) {
        started = input.at;
        if (policy.firstResponseSeconds) open.push({ target: 'FIRST_RESPONSE', start: input.at, seconds: policy.firstResponseSeconds });
        if (policy.resolutionSeconds) open.push({ target: 'RESOLUTION', start: input.at, seconds: policy.resolutionSeconds });
      } else if (replied && policy.nextResponseSeconds && !open.some((c) => c.target === 'NEXT_RESPONSE')) {
        open.push({ target: 'NEXT_RESPONSE', start: input.at, seconds: policy.nextResponseSeconds });
      }
      if (status === 'WAITING_CUSTOMER' || isResolvedStatus(status)) setStatus('OPEN', input.at);
    } else if (input.kind === 'replyAccepted') {
      if (started) {
        stop(replied ? 'NEXT_RESPONSE' : 'FIRST_RESPONSE', input.at);
        replied = true;
        if (status === 'OPEN') setStatus('WAITING_CUSTOMER', input.at);
      }
    } else if (input.status) {
      if (isResolvedStatus(input.status) && !isResolvedStatus(status)) stop('RESOLUTION', input.resolvedAt ?? input.at);
      setStatus(input.status, input.at);
    }
  }
  // Clocks still running and past due are breached.
  for (const c of [...open]) {
    if (PAUSED.includes(status)) continue;
    const d = due(c, now);
    if (d && d < now) {
      open.splice(open.indexOf(c), 1);
      out.push({ kind: 'SLA_TARGET', target: c.target, occurredAt: d, dedupeKey: `${c.target}:${c.start.toISOString()}`, met: false });
    }
  }
  return out;
}

/**
 * Rebuilds the reporting of one organization. Returns the threads replayed
 * and the events written. `log` receives progress lines.
 */
export async function backfillReporting(deps: AppDeps, organizationId: string, opts: { log?: (line: string) => void } = {}): Promise<{ threads: number; events: number }> {
  const ctx = systemContext(deps, organizationId);
  const now = deps.clock.now();
  const policies = await loadActivePolicies(ctx.db);
  await deps.db.prisma.$transaction([
    deps.db.prisma.reportingEvent.deleteMany({ where: { organizationId } }),
    deps.db.prisma.reportingRollup.deleteMany({ where: { organizationId } }),
    deps.db.prisma.reportingSlice.deleteMany({ where: { organizationId } }),
  ]);
  let after = '00000000-0000-0000-0000-000000000000';
  let threads = 0;
  let events = 0;
  for (;;) {
    const page = await deps.db.prisma.thread.findMany({
      where: { organizationId, id: { gt: after } },
      include: { channel: { select: { type: true } }, customer: { select: { tier: true } } },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    if (!page.length) break;
    const ids = page.map((t) => t.id);
    const [messages, audits] = await Promise.all([
      deps.db.prisma.message.findMany({
        where: { threadId: { in: ids }, type: { in: ['INCOMING', 'OUTGOING'] } },
        select: { id: true, threadId: true, type: true, createdAt: true, deliveryStatus: true, senderUserId: true, metadata: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
      deps.db.prisma.auditLog.findMany({
        where: { organizationId, entityType: 'Thread', entityId: { in: ids }, action: { in: ['thread.update', 'thread.escalate', 'thread.assign', 'thread.route'] } },
        select: { entityId: true, changes: true, createdAt: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    ]);
    const byThread = new Map<string, { at: Date; order: number; input: ReportInput }[]>();
    const push = (threadId: string, at: Date, order: number, input: ReportInput) => byThread.set(threadId, [...(byThread.get(threadId) ?? []), { at, order, input }]);
    for (const m of messages) {
      if (m.type === 'INCOMING') push(m.threadId, m.createdAt, 1, { kind: 'customerMessage', at: m.createdAt, messageId: m.id });
      else if (ACCEPTED.has(m.deliveryStatus)) {
        const meta = (m.metadata ?? {}) as { templateId?: unknown };
        push(m.threadId, m.createdAt, 2, {
          kind: 'replyAccepted',
          at: m.createdAt,
          messageId: m.id,
          writtenAt: m.createdAt,
          agentId: m.senderUserId,
          fromTemplate: typeof meta.templateId === 'string',
        });
      }
    }
    const threadById = new Map(page.map((t) => [t.id, t]));
    for (const a of audits) {
      const after = (a.changes as { after?: { status?: ThreadStatus; teamId?: string | null } } | null)?.after ?? {};
      const t = threadById.get(a.entityId);
      if (!t) continue;
      // Team changes feed the first routed team; a resolution compares it with the thread's current team.
      if (after.teamId) push(a.entityId, a.createdAt, 0, { kind: 'thread', at: a.createdAt, status: null, resolvedAt: null, teamId: after.teamId, startedAt: t.createdAt });
      if (after.status)
        push(a.entityId, a.createdAt, 0, {
          kind: 'thread',
          at: a.createdAt,
          status: after.status,
          resolvedAt: isResolvedStatus(after.status) ? a.createdAt : null,
          teamId: null,
          startedAt: t.createdAt,
        });
    }
    await deps.db.prisma.$transaction(
      async (tx) => {
        const rows: ReturnType<typeof eventRow>[] = [];
        const states: { id: string; state: ThreadReportState }[] = [];
        for (const t of page) {
          const timeline = (byThread.get(t.id) ?? []).sort((x, y) => x.at.getTime() - y.at.getTime() || x.order - y.order).map((x) => x.input);
          const firstCustomer = timeline.find((i) => i.kind === 'customerMessage')?.at ?? null;
          const start = t.slaStartedAt ?? firstCustomer ?? t.createdAt;
          // The thread as it is now closes the replay (its resolution instant when resolved).
          timeline.push({ kind: 'thread', at: t.resolvedAt ?? now, status: t.status, resolvedAt: t.resolvedAt, teamId: t.teamId, startedAt: start, merged: !!t.mergedIntoId });
          const policy = matchPolicy(policies, {
            channelType: t.channel.type,
            priority: t.priority,
            customerTier: t.customer?.tier ?? null,
            threadType: t.type,
            teamId: t.teamId,
          }) as PolicyWithCalendar | null;
          const calendar = policy ? calendarOf(policy.calendar) : null;
          const withOpen: ReportInput[] = [{ kind: 'thread', at: start, status: 'OPEN', resolvedAt: null, teamId: null, startedAt: start }, ...timeline];
          const result = reportSteps({} as ThreadReportState, withOpen, calendar, start);
          const sla = replaySlaOutcomes(policy, timeline, now);
          const csat =
            t.csatScore != null && t.csatAt ? [{ kind: 'CSAT' as ReportingEventKind, occurredAt: t.csatAt, dedupeKey: 'csat', value: t.csatScore, met: t.csatScore >= 4 }] : [];
          for (const d of [...result.events, ...sla, ...csat]) rows.push(eventRow(organizationId, { threadId: t.id }, dimsOf(t), d));
          if (JSON.stringify(result.state) !== JSON.stringify(reportStateOf(t))) states.push({ id: t.id, state: result.state });
        }
        events += (await insertEventRows(ctx, tx as never, rows)).length;
        if (states.length) {
          await tx.$executeRawUnsafe(
            `UPDATE "Thread" t SET "reportState" = v.state FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::jsonb[]) AS state) v WHERE t.id = v.id`,
            states.map((x) => x.id),
            states.map((x) => JSON.stringify(x.state)),
          );
        }
      },
      { timeout: 120_000 },
    );
    threads += page.length;
    after = page[page.length - 1]!.id;
    opts.log?.(`backfill: ${threads} threads, ${events} events`);
    if (page.length < PAGE) break;
  }
  // Tasks completed with a due date.
  const tasks = await deps.db.prisma.task.findMany({ where: { organizationId, status: 'COMPLETED', dueAt: { not: null }, completedAt: { not: null } } });
  for (let i = 0; i < tasks.length; i += PAGE) {
    await deps.db.prisma.$transaction(async (tx) => {
      for (const task of tasks.slice(i, i + PAGE)) await syncTaskReport(ctx, tx as never, { status: 'OPEN', completedAt: null }, task);
    });
  }
  events += tasks.length;
  return { threads, events };
}
