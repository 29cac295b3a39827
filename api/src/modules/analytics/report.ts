/**
 * Reporting facts of a thread, as they happen (docs/analytics.md defines every
 * metric; this file is the one place that decides when a fact is true).
 *
 * `reportStep` is a pure state machine: given a thread's reporting state
 * (`Thread.reportState`, shape `ThreadReportState`) and one input (a customer
 * message, an accepted agent reply, the thread's current status and team),
 * it returns the next state, the reporting events to record and the events
 * to retract (a resolution undone by a reopen within 7 days). The live path
 * (`syncThreadReport`, called from the SLA engine's `syncThreadSla` in the
 * transaction of every thread change) and the backfill (`backfill.ts`, which
 * replays a thread's history) both drive it, so they cannot disagree.
 *
 * `recordReportingEvents` writes events, their hourly rollups
 * (`ReportingRollup`) and slices (`ReportingSlice`) in the caller's transaction; an event whose
 * (thread, kind, dedupeKey) exists is skipped, so a replayed step counts once.
 */
import { insertRows as insertTableRows, withIdAndStamps } from '../../db/insert-rows.js';
import type { ChannelType, CustomerTier, Prisma, Priority, ReportingEventKind, SlaTarget, ThreadStatus, ThreadType } from '../../generated/prisma/client.js';
import type { Tx } from '../../db/tenant.js';
import type { HubContext } from '../../shared/context.js';
import { touchAnalytics } from './pulse.js';
import { businessSecondsBetween, type BusinessCalendar } from '../sla/business-time.js';

/** A reopen within this many ms of the resolution undoes it (first contact resolution lost). */
export const REOPEN_WINDOW_MS = 7 * 86_400_000;
const RESOLVED_STATUSES: readonly ThreadStatus[] = ['RESOLVED', 'CLOSED'];
export const isResolvedStatus = (s: ThreadStatus) => RESOLVED_STATUSES.includes(s);

/** Stored in `Thread.reportState` (JSON; instants as ISO strings). */
export interface ThreadReportState {
  /** THREAD_OPENED recorded. */
  opened?: boolean;
  /** The status the reporter last saw. */
  status?: ThreadStatus;
  /** First customer message of the turn nobody answered yet (ISO), null when none waits. */
  waitingSince?: string | null;
  /** The next answer is a first response (no reply yet in this thread or since the reopen). */
  waitingForFirst?: boolean;
  /** Accepted agent replies in the current contact (since the thread started or since a reopen after the 7-day window). */
  contactReplies?: number;
  /** Customer messages and accepted agent replies since the thread started. */
  messages?: number;
  /** Instant of the recorded resolution (ISO), null while not resolved. */
  resolvedAt?: string | null;
  /** A reopen within 7 days undid a resolution of this contact: it is no first contact resolution. */
  fcrLost?: boolean;
  reopens?: number;
  /** The first team the thread was routed to. */
  firstTeamId?: string | null;
  /** The latest team seen. */
  teamId?: string | null;
  /** SLA outcomes already recorded ("<target>:<clock start ISO>", the latest 50). */
  slaDone?: string[];
}

/** The thread's dimensions copied onto each event (as they are when the fact happens). */
export interface ReportDims {
  channelType: ChannelType | null;
  channelId: string | null;
  teamId: string | null;
  /** The assignee (REPLY events use the replying agent instead). */
  agentId: string | null;
  priority: Priority | null;
  customerTier: CustomerTier | null;
  threadType: ThreadType | null;
}

/** One event to record (organization and thread added by the recorder). */
export interface ReportEventDraft {
  kind: ReportingEventKind;
  occurredAt: Date;
  dedupeKey: string;
  target?: SlaTarget | null;
  seconds?: number | null;
  businessSeconds?: number | null;
  met?: boolean | null;
  value?: number | null;
  /** Overrides of the thread's dimensions (REPLY: the sender). */
  agentId?: string | null;
}

/** What happened. */
export type ReportInput =
  | { kind: 'customerMessage'; at: Date; messageId: string }
  | { kind: 'replyAccepted'; at: Date; messageId: string; writtenAt: Date; agentId: string | null; fromTemplate: boolean }
  /**
   * The thread as it is now: status (resolvedAt when resolved) and team. Drives open, resolve, reopen, escalate and routing.
   * `merged`: closed by mergeThreads (mergedIntoId set): its conversation goes on in the target, so the close is no resolution (no RESOLVED/ROUTED fact).
   */
  | { kind: 'thread'; at: Date; status: ThreadStatus | null; resolvedAt: Date | null; teamId: string | null; startedAt: Date; merged?: boolean };

export interface ReportStepResult {
  state: ThreadReportState;
  events: ReportEventDraft[];
  /** Events to take back: [kind, dedupeKey]. */
  retract: [ReportingEventKind, string][];
}

const iso = (d: Date) => d.toISOString();
const secondsBetween = (a: Date, b: Date) => Math.max(0, (b.getTime() - a.getTime()) / 1000);

/**
 * One step of a thread's reporting state machine. Pure. `calendar` is the
 * thread's SLA calendar (null: 24/7) for business seconds; `threadStart` the
 * thread's start (its first customer message, else its creation).
 */
export function reportStep(prev: ThreadReportState, input: ReportInput, calendar: BusinessCalendar | null, threadStart: Date): ReportStepResult {
  const s: ThreadReportState = { ...prev };
  const events: ReportEventDraft[] = [];
  const retract: [ReportingEventKind, string][] = [];
  const both = (from: Date, to: Date) => ({ seconds: secondsBetween(from, to), businessSeconds: from < to ? businessSecondsBetween(calendar, from, to) : 0 });

  if (!s.opened) {
    s.opened = true;
    s.waitingForFirst = true;
    events.push({ kind: 'THREAD_OPENED', occurredAt: input.kind === 'customerMessage' ? input.at : threadStart, dedupeKey: 'opened' });
  }

  switch (input.kind) {
    case 'customerMessage': {
      s.messages = (s.messages ?? 0) + 1;
      events.push({ kind: 'CUSTOMER_MESSAGE', occurredAt: input.at, dedupeKey: input.messageId });
      if (!s.waitingSince || input.at < new Date(s.waitingSince)) s.waitingSince = iso(input.at);
      break;
    }
    case 'replyAccepted': {
      s.messages = (s.messages ?? 0) + 1;
      s.contactReplies = (s.contactReplies ?? 0) + 1;
      events.push({ kind: 'REPLY', occurredAt: input.at, dedupeKey: input.messageId, met: input.fromTemplate, agentId: input.agentId });
      // A reply answers the customer's turn when it was written after the turn began.
      if (s.waitingSince && new Date(s.waitingSince) <= input.writtenAt) {
        const from = new Date(s.waitingSince);
        events.push({ kind: s.waitingForFirst ? 'FIRST_RESPONSE' : 'NEXT_RESPONSE', occurredAt: input.at, dedupeKey: iso(from), agentId: input.agentId, ...both(from, input.at) });
        s.waitingSince = null;
      }
      s.waitingForFirst = false;
      break;
    }
    case 'thread': {
      if (input.teamId) {
        if (!s.firstTeamId) s.firstTeamId = input.teamId;
        s.teamId = input.teamId;
      }
      const was = s.status;
      if (input.status && was !== input.status) {
        if (input.status === 'ESCALATED') events.push({ kind: 'ESCALATED', occurredAt: input.at, dedupeKey: `escalated:${iso(input.at)}` });
        if (isResolvedStatus(input.status) && !s.resolvedAt) {
          const at = input.resolvedAt ?? input.at;
          s.resolvedAt = iso(at);
          const key = iso(at);
          const start = threadStart <= at ? threadStart : at;
          if (!input.merged) {
            events.push({ kind: 'RESOLVED', occurredAt: at, dedupeKey: key, ...both(start, at), met: (s.contactReplies ?? 0) === 1 && !s.fcrLost, value: s.messages ?? 0 });
            if (s.firstTeamId) events.push({ kind: 'ROUTED', occurredAt: at, dedupeKey: key, met: (input.teamId ?? s.teamId) === s.firstTeamId });
          }
          s.waitingSince = null;
        } else if (!isResolvedStatus(input.status) && s.resolvedAt) {
          const resolvedAt = new Date(s.resolvedAt);
          const within = input.at.getTime() - resolvedAt.getTime() <= REOPEN_WINDOW_MS;
          // met: the resolution stood (reopened after the window), so the thread is open again on top of it (BACKLOG).
          events.push({ kind: 'REOPENED', occurredAt: input.at, dedupeKey: `reopened:${iso(input.at)}`, met: !within });
          if (within) {
            // The resolution did not hold: it is taken back and the thread counts once, when it resolves again.
            retract.push(['RESOLVED', s.resolvedAt], ['ROUTED', s.resolvedAt]);
            s.fcrLost = true;
          } else {
            // A new contact on an old thread: the old resolution stands.
            s.contactReplies = 0;
            s.fcrLost = false;
          }
          s.reopens = (s.reopens ?? 0) + 1;
          s.resolvedAt = null;
          s.waitingForFirst = true;
        }
        s.status = input.status;
      }
      break;
    }
  }
  return { state: s, events, retract };
}

/** The report state stored on a thread. */
export function reportStateOf(thread: { reportState: unknown }): ThreadReportState {
  return thread.reportState && typeof thread.reportState === 'object' && !Array.isArray(thread.reportState) ? (thread.reportState as ThreadReportState) : {};
}

/** Runs several inputs through `reportStep`, collecting events and retractions (a retraction of an event drafted in the same run drops the draft). */
export function reportSteps(prev: ThreadReportState, inputs: readonly ReportInput[], calendar: BusinessCalendar | null, threadStart: Date): ReportStepResult {
  let state = prev;
  let events: ReportEventDraft[] = [];
  const retract: [ReportingEventKind, string][] = [];
  for (const input of inputs) {
    const r = reportStep(state, input, calendar, threadStart);
    state = r.state;
    for (const [kind, key] of r.retract) {
      const before = events.length;
      events = events.filter((e) => !(e.kind === kind && e.dedupeKey === key));
      if (events.length === before) retract.push([kind, key]);
    }
    events.push(...r.events);
  }
  return { state, events, retract };
}

/** Thread fields the recorder reads. */
export interface ReportThread {
  id: string;
  organizationId: string;
  channelId: string;
  teamId: string | null;
  assigneeId: string | null;
  priority: Priority;
  type: ThreadType;
  channel?: { type: ChannelType } | null;
  customer?: { tier: CustomerTier } | null;
}

export function dimsOf(thread: ReportThread): ReportDims {
  return {
    channelType: thread.channel?.type ?? null,
    channelId: thread.channelId,
    teamId: thread.teamId,
    agentId: thread.assigneeId,
    priority: thread.priority,
    customerTier: thread.customer?.tier ?? null,
    threadType: thread.type,
  };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const floorTo = (d: Date, ms: number) => new Date(Math.floor(d.getTime() / ms) * ms);

/** The event columns a `ReportingSlice` can be cut by (its `dimension`). */
export const SLICE_DIMENSIONS = ['channelType', 'teamId', 'agentId', 'priority', 'customerTier', 'threadType'] as const;
export type SliceDimension = (typeof SLICE_DIMENSIONS)[number];

interface Delta {
  count: number;
  seconds: number;
  businessSeconds: number;
  met: number;
  value: number;
}

type EventRow = Prisma.ReportingEventCreateManyInput;

/** Adds one event (sign 1) or takes it back (sign -1) from the delta stored under `id`. */
function addTo<T extends Delta>(map: Map<string, T>, id: string, make: () => T, e: EventRow, sign: 1 | -1): void {
  const d = map.get(id) ?? make();
  d.count += sign;
  d.seconds += sign * (e.seconds ?? 0);
  d.businessSeconds += sign * (e.businessSeconds ?? 0);
  d.met += sign * (e.met ? 1 : 0);
  d.value += sign * (e.value ?? 0);
  map.set(id, d);
}

const zero = (): Delta => ({ count: 0, seconds: 0, businessSeconds: 0, met: 0, value: 0 });
const SUMS_SET = (table: string) => `count = "${table}".count + EXCLUDED.count,
       seconds = "${table}".seconds + EXCLUDED.seconds,
       "businessSeconds" = "${table}"."businessSeconds" + EXCLUDED."businessSeconds",
       met = "${table}".met + EXCLUDED.met,
       value = "${table}".value + EXCLUDED.value`;

/**
 * Adds (sign 1) or removes (sign -1) events from the hourly full-dimension
 * rollups (`ReportingRollup`) and from the slices (`ReportingSlice`: HOUR
 * total, DAY total, DAY per dimension), one statement per table. Rows are
 * upserted in key order, so two transactions touching the same rows lock
 * them in the same order (no deadlock between them).
 */
async function applyRollups(tx: Tx, organizationId: string, rows: readonly EventRow[], sign: 1 | -1): Promise<void> {
  if (!rows.length) return;
  const rollups = new Map<string, Delta & { kind: ReportingEventKind; hour: Date; key: string[] }>();
  const slices = new Map<string, Delta & { kind: ReportingEventKind; grain: 'HOUR' | 'DAY'; dimension: string; bucket: Date; target: string; dimValue: string }>();
  for (const e of rows) {
    const at = new Date(e.occurredAt);
    const hour = floorTo(at, HOUR_MS);
    const day = floorTo(at, DAY_MS);
    const target = e.target ?? '';
    const key = [target, ...SLICE_DIMENSIONS.map((c) => (e[c] ?? '') as string)];
    addTo(rollups, [e.kind, hour.toISOString(), ...key].join('|'), () => ({ ...zero(), kind: e.kind, hour, key }), e, sign);
    const slice = (grain: 'HOUR' | 'DAY', bucket: Date, dimension: string, dimValue: string) =>
      addTo(
        slices,
        [e.kind, grain, dimension, bucket.toISOString(), target, dimValue].join('|'),
        () => ({ ...zero(), kind: e.kind, grain, dimension, bucket, target, dimValue }),
        e,
        sign,
      );
    slice('HOUR', hour, '', '');
    slice('DAY', day, '', '');
    for (const c of SLICE_DIMENSIONS) slice('DAY', day, c, (e[c] ?? '') as string);
  }
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  const sums = (p: (i: number) => string, at: number) => `${p(at)}::int, ${p(at + 1)}::float8, ${p(at + 2)}::float8, ${p(at + 3)}::int, ${p(at + 4)}::int`;
  const pushSums = (params: unknown[], d: Delta) => params.push(d.count, d.seconds, d.businessSeconds, d.met, d.value);

  // At most 2,000 rows per statement (PostgreSQL takes 65,535 parameters; a backfill page can produce more rows).
  for (const chunk of chunks(sorted(rollups), 2000)) {
    const rp: unknown[] = [];
    const values = chunk.map((d) => {
      const base = rp.length;
      rp.push(organizationId, d.hour.toISOString(), d.kind, ...d.key);
      pushSums(rp, d);
      const p = (i: number) => `$${base + i}`;
      return `(${p(1)}::uuid, (${p(2)}::timestamptz AT TIME ZONE 'UTC'), ${p(3)}::"ReportingEventKind", ${[4, 5, 6, 7, 8, 9, 10].map(p).join(', ')}, ${sums(p, 11)})`;
    });
    await tx.$executeRawUnsafe(
      `INSERT INTO "ReportingRollup" ("organizationId", hour, kind, target, "channelType", "teamId", "agentId", priority, "customerTier", "threadType", count, seconds, "businessSeconds", met, value)
       VALUES ${values.join(', ')}
       ON CONFLICT ("organizationId", kind, hour, target, "channelType", "teamId", "agentId", priority, "customerTier", "threadType") DO UPDATE SET
       ${SUMS_SET('ReportingRollup')}`,
      ...rp,
    );
  }
  for (const chunk of chunks(sorted(slices), 2000)) {
    const sp: unknown[] = [];
    const values = chunk.map((d) => {
      const base = sp.length;
      sp.push(organizationId, d.kind, d.grain, d.dimension, d.bucket.toISOString(), d.target, d.dimValue);
      pushSums(sp, d);
      const p = (i: number) => `$${base + i}`;
      return `(${p(1)}::uuid, ${p(2)}::"ReportingEventKind", ${p(3)}, ${p(4)}, (${p(5)}::timestamptz AT TIME ZONE 'UTC'), ${p(6)}, ${p(7)}, ${sums(p, 8)})`;
    });
    await tx.$executeRawUnsafe(
      `INSERT INTO "ReportingSlice" ("organizationId", kind, grain, dimension, bucket, target, "dimValue", count, seconds, "businessSeconds", met, value)
       VALUES ${values.join(', ')}
       ON CONFLICT ("organizationId", kind, grain, dimension, bucket, target, "dimValue") DO UPDATE SET
       ${SUMS_SET('ReportingSlice')}`,
      ...sp,
    );
  }
}

function* chunks<T>(list: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

/** The row of a drafted event. */
export function eventRow(organizationId: string, ref: { threadId: string | null; taskId?: string | null }, dims: ReportDims, d: ReportEventDraft): EventRow {
  return {
    organizationId,
    threadId: ref.threadId,
    taskId: ref.taskId ?? null,
    kind: d.kind,
    occurredAt: d.occurredAt,
    dedupeKey: d.dedupeKey,
    target: d.target ?? null,
    ...dims,
    agentId: d.agentId !== undefined ? d.agentId : dims.agentId,
    seconds: d.seconds ?? null,
    businessSeconds: d.businessSeconds ?? null,
    met: d.met ?? null,
    value: d.value ?? null,
  };
}

/** Event rows collected per transaction client while reporting writes are deferred (deferReporting … flushReporting). */
const deferredEvents = new WeakMap<object, EventRow[]>();

/**
 * Until `flushReporting(ctx, tx)`, events recorded with this same `tx`
 * (recordReportingEvents, syncThreadReport) are collected instead of inserted,
 * so a batch of changes writes its ReportingEvent rows, rollups and slices in
 * one statement per table. Reads of ReportingEvent in `tx` (a retraction, the
 * SLA engine's recorded breaches) flush first, so they see every event. The
 * caller must flush before the transaction commits.
 */
export function deferReporting(tx: Tx): void {
  deferredEvents.set(tx, []);
}

/**
 * Inserts the events collected for `tx` so far (skipping existing ones) with
 * their rollups and slices; the deferral goes on until `end` is true.
 * Returns the number of events inserted.
 */
export async function flushReporting(ctx: HubContext, tx: Tx, opts: { end?: boolean } = {}): Promise<number> {
  const rows = deferredEvents.get(tx);
  if (!rows) return 0;
  if (opts.end) deferredEvents.delete(tx);
  else deferredEvents.set(tx, []);
  if (!rows.length) return 0;
  const inserted = await insertRows(ctx, tx, rows);
  if (inserted.length) touchAnalytics(ctx.deps, ctx.organizationId, [...new Set(inserted.map((e) => e.kind))]);
  return inserted.length;
}

/** Inserts event rows (skipping existing ones) and adds the inserted ones to the rollups; returns the inserted rows. */
export async function insertEventRows(ctx: HubContext, tx: Tx, rows: readonly EventRow[]): Promise<EventRow[]> {
  await flushReporting(ctx, tx);
  return insertRows(ctx, tx, rows);
}

async function insertRows(ctx: HubContext, tx: Tx, rows: readonly EventRow[]): Promise<EventRow[]> {
  if (!rows.length) return [];
  const inserted: EventRow[] = [];
  // Raw INSERTs (Prisma compiles every createMany anew, db/insert-rows.ts); existing events (same thread, kind and dedupeKey) are skipped.
  const now = new Date();
  const withIds = rows.map((r) => withIdAndStamps(r, now, []));
  for (let i = 0; i < withIds.length; i += 2000) {
    const chunk = withIds.slice(i, i + 2000);
    const ids = new Set(await insertTableRows(tx, 'ReportingEvent', chunk, { onConflictDoNothing: true }));
    inserted.push(...chunk.filter((r) => ids.has(r.id)));
  }
  await applyRollups(tx, ctx.organizationId, inserted, 1);
  return inserted;
}

/**
 * Records drafted events for a thread (or a task) with the given dimensions,
 * skipping those that exist (same thread, kind and dedupeKey), and takes back
 * `retract`ed ones; rollups follow in the same transaction. Returns the
 * number of events inserted (0 when they were deferred: see deferReporting).
 */
export async function recordReportingEvents(
  ctx: HubContext,
  tx: Tx,
  ref: { threadId: string | null; taskId?: string | null },
  dims: ReportDims,
  drafts: readonly ReportEventDraft[],
  retract: readonly [ReportingEventKind, string][] = [],
): Promise<number> {
  const rows = drafts.map((d) => eventRow(ctx.organizationId, ref, dims, d));
  const pending = deferredEvents.get(tx);
  if (pending && !retract.length) {
    // Deferred (a batch): inserted, counted and announced by flushReporting.
    pending.push(...rows);
    return 0;
  }
  const inserted = await insertEventRows(ctx, tx, rows);
  if (retract.length && ref.threadId) {
    const gone = await tx.reportingEvent.findMany({ where: { threadId: ref.threadId, OR: retract.map(([kind, dedupeKey]) => ({ kind, dedupeKey })) } });
    if (gone.length) {
      await tx.reportingEvent.deleteMany({ where: { id: { in: gone.map((g) => g.id) } } });
      await applyRollups(tx, ctx.organizationId, gone, -1);
    }
  }
  if (inserted.length || retract.length) {
    const kinds = [...new Set([...inserted.map((e) => e.kind), ...retract.map(([k]) => k)])];
    touchAnalytics(ctx.deps, ctx.organizationId, kinds);
  }
  return inserted.length;
}

/** Extra facts `syncThreadReport` cannot read off the thread. */
export interface ReportHint {
  customerMessage?: { id: string; at: Date };
  reply?: { id: string; at: Date; writtenAt: Date; agentId: string | null; fromTemplate: boolean };
}

/**
 * Brings a thread's reporting up to date inside the caller's transaction: the
 * hinted message or reply, then the thread's current status and team; records
 * the events. Returns the new `reportState` when it moved, for the caller to
 * store with its own update of the thread (syncThreadSla), else null.
 * `calendar`: the thread's SLA calendar.
 */
export async function syncThreadReport(
  ctx: HubContext,
  tx: Tx,
  thread: ReportThread & { status: ThreadStatus; resolvedAt: Date | null; slaStartedAt: Date | null; createdAt: Date; reportState: unknown; mergedIntoId?: string | null },
  hint: ReportHint,
  calendar: BusinessCalendar | null,
  slaOutcomes: readonly ReportEventDraft[] = [],
): Promise<ThreadReportState | null> {
  const now = ctx.deps.clock.now();
  const start = thread.slaStartedAt ?? hint.customerMessage?.at ?? thread.createdAt;
  const inputs: ReportInput[] = [];
  // Status first: a customer message that reopens a thread starts the reopen's first-response wait.
  inputs.push({
    kind: 'thread',
    at: hint.customerMessage?.at ?? now,
    status: thread.status,
    resolvedAt: thread.resolvedAt,
    teamId: thread.teamId,
    startedAt: start,
    merged: !!thread.mergedIntoId,
  });
  if (hint.customerMessage) inputs.push({ kind: 'customerMessage', at: hint.customerMessage.at, messageId: hint.customerMessage.id });
  if (hint.reply)
    inputs.push({
      kind: 'replyAccepted',
      at: hint.reply.at,
      messageId: hint.reply.id,
      writtenAt: hint.reply.writtenAt,
      agentId: hint.reply.agentId,
      fromTemplate: hint.reply.fromTemplate,
    });
  const prev = reportStateOf(thread);
  const result = reportSteps(prev, inputs, calendar, start);
  // SLA outcomes (from the engine): each clock's once.
  const done = new Set(prev.slaDone ?? []);
  const fresh = slaOutcomes.filter((o) => !done.has(o.dedupeKey));
  if (fresh.length) result.state.slaDone = [...(prev.slaDone ?? []), ...fresh.map((o) => o.dedupeKey)].slice(-50);
  await recordReportingEvents(ctx, tx, { threadId: thread.id }, dimsOf(thread), [...result.events, ...fresh], result.retract);
  return JSON.stringify(result.state) !== JSON.stringify(prev) ? result.state : null;
}

/**
 * A task's reporting fact: completing a task with a due date records
 * TASK_COMPLETED (met = completed by its due date); moving it out of
 * COMPLETED again takes that back. Call in the task change's transaction.
 */
export async function syncTaskReport(
  ctx: HubContext,
  tx: Tx,
  before: { status: string; completedAt: Date | null },
  task: { id: string; threadId: string | null; assigneeId: string | null; priority: Priority; status: string; dueAt: Date | null; completedAt: Date | null },
): Promise<void> {
  const dims: ReportDims = { channelType: null, channelId: null, teamId: null, agentId: task.assigneeId, priority: task.priority, customerTier: null, threadType: null };
  if (before.status !== 'COMPLETED' && task.status === 'COMPLETED' && task.dueAt && task.completedAt) {
    await recordReportingEvents(ctx, tx, { threadId: task.threadId, taskId: task.id }, dims, [
      { kind: 'TASK_COMPLETED', occurredAt: task.completedAt, dedupeKey: `task:${task.id}`, met: task.completedAt <= task.dueAt },
    ]);
  } else if (before.status === 'COMPLETED' && task.status !== 'COMPLETED') {
    await flushReporting(ctx, tx);
    const gone = await tx.reportingEvent.findMany({ where: { taskId: task.id, kind: 'TASK_COMPLETED' } });
    if (gone.length) {
      await tx.reportingEvent.deleteMany({ where: { id: { in: gone.map((g) => g.id) } } });
      await applyRollups(tx, ctx.organizationId, gone, -1);
    }
  }
}
