/**
 * The analytics queries: sums of reporting events over a range, grouped by
 * nothing (summary), by time bucket in a time zone (series) or by a
 * dimension (breakdown), and the threads behind a number (drill-down).
 *
 * Cost: full UTC days of the range are read from `ReportingSlice` (one row
 * per kind and day, or per kind, day and dimension value), full hours from
 * the hourly slices or, with a filter, from `ReportingRollup`, the partial
 * hours at its edges from `ReportingEvent` (all keyed by organization, kind
 * and time), so the numbers are exact for any instant range and no query
 * reads `Message`. Ranges are limited to 400 days and series to
 * 1,000 points.
 */
import { TZDate } from '@date-fns/tz';
// One module each: the package's index loads all ~300 of date-fns' modules (about 20 MB of the server's memory).
import { addDays } from 'date-fns/addDays';
import { addHours } from 'date-fns/addHours';
import { addMonths } from 'date-fns/addMonths';
import { addWeeks } from 'date-fns/addWeeks';
import { startOfDay } from 'date-fns/startOfDay';
import { startOfHour } from 'date-fns/startOfHour';
import { startOfMonth } from 'date-fns/startOfMonth';
import { startOfWeek } from 'date-fns/startOfWeek';
import type { ChannelType, CustomerTier, Prisma, Priority, ReportingEventKind } from '../../generated/prisma/client.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError } from '../../shared/errors.js';
import { ACTIVE_STATUSES } from '../thread/thread.service.js';
import { METRICS, ZERO, metricValue, type AnalyticsDimension, type AnalyticsInterval, type AnalyticsMetric, type Sums, type SumsByKind } from './metrics.js';

/** Longest range a query may cover, in days. */
export const MAX_RANGE_DAYS = 400;
/** Most points a series may return. */
export const MAX_SERIES_POINTS = 1000;
/** Most ids per filter list. */
export const MAX_FILTER_VALUES = 100;

export interface AnalyticsFilter {
  channelTypes?: ChannelType[] | null;
  teamIds?: string[] | null;
  assigneeIds?: string[] | null;
  priorities?: Priority[] | null;
  customerTiers?: CustomerTier[] | null;
}

/** A validated query: [from, to) in a time zone, the previous period of equal length, filters, scope. */
export interface AnalyticsQuery {
  from: Date;
  to: Date;
  previousFrom: Date;
  previousTo: Date;
  timezone: string;
  filter: AnalyticsFilter;
  /** SELF: the viewer is an agent or team lead and sees only their own numbers (assigneeIds forced to them). */
  scope: 'ORGANIZATION' | 'SELF';
}

const badInput = (message: string, field: string) => new DomainError('VALIDATION_FAILED', message, field);

/** Whether an IANA zone name is known to this runtime. */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks and completes a query. Timezone defaults to the organization's.
 * Errors: VALIDATION_FAILED (from ≥ to, range over 400 days, unknown time
 * zone, a filter list over 100 values).
 */
export async function analyticsQuery(
  ctx: HubContext,
  range: { from: Date; to: Date },
  filter: AnalyticsFilter | null | undefined,
  timezone: string | null | undefined,
): Promise<AnalyticsQuery> {
  const { from, to } = range;
  if (!(from < to)) throw badInput('range.from must be before range.to.', 'range');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) throw badInput(`A range covers at most ${MAX_RANGE_DAYS} days.`, 'range');
  const tz = timezone ?? (await ctx.db.organization.findUnique({ where: { id: ctx.organizationId }, select: { timezone: true } }))?.timezone ?? 'UTC';
  if (!isTimeZone(tz)) throw badInput(`Unknown time zone "${tz}".`, 'timezone');
  const f: AnalyticsFilter = { ...(filter ?? {}) };
  for (const [k, v] of Object.entries(f)) if (Array.isArray(v) && v.length > MAX_FILTER_VALUES) throw badInput(`At most ${MAX_FILTER_VALUES} values per filter.`, `filter.${k}`);
  const v = ctx.viewer;
  const self = v?.kind === 'USER' && (v.role === 'AGENT' || v.role === 'TEAM_LEAD');
  if (self) f.assigneeIds = [v.id];
  const span = to.getTime() - from.getTime();
  return { from, to, previousFrom: new Date(from.getTime() - span), previousTo: from, timezone: tz, filter: f, scope: self ? 'SELF' : 'ORGANIZATION' };
}

/** Event column behind each breakdown dimension. */
export const DIMENSION_COLUMN: Record<AnalyticsDimension, 'channelType' | 'teamId' | 'agentId' | 'priority' | 'customerTier' | 'threadType'> = {
  CHANNEL: 'channelType',
  TEAM: 'teamId',
  AGENT: 'agentId',
  PRIORITY: 'priority',
  TIER: 'customerTier',
  THREAD_TYPE: 'threadType',
};

const INTERVAL_SQL: Record<AnalyticsInterval, string> = { HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month' };

/** Builds SQL over rollups (`r`) and events (`e`) with shared parameters. */
class Sql {
  readonly params: unknown[] = [];
  p(value: unknown, cast = ''): string {
    this.params.push(value);
    return `$${this.params.length}${cast}`;
  }
}

/** A dimension column as text, '' for none, on either source. */
const col = (src: 'r' | 'e', name: string) => (src === 'r' ? `r."${name}"` : `COALESCE(e."${name}"::text, '')`);

/** The filter's conditions as [event column, values], in a fixed order (empty lists dropped). */
function filterColumns(f: AnalyticsFilter): [DimensionColumn, readonly string[]][] {
  const out: [DimensionColumn, readonly string[]][] = [];
  const add = (name: DimensionColumn, values: readonly string[] | null | undefined) => {
    if (values?.length) out.push([name, values]);
  };
  add('channelType', f.channelTypes);
  add('teamId', f.teamIds);
  add('agentId', f.assigneeIds);
  add('priority', f.priorities);
  add('customerTier', f.customerTiers);
  return out;
}

function filterSql(sql: Sql, src: 'r' | 'e', f: AnalyticsFilter): string {
  const parts = filterColumns(f).map(([name, values]) => `${col(src, name)} = ANY(${sql.p([...values], '::text[]')})`);
  return parts.length ? ` AND ${parts.join(' AND ')}` : '';
}

const hourFloor = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
const hourCeil = (d: Date) => new Date(Math.ceil(d.getTime() / 3_600_000) * 3_600_000);
const utc = (sql: Sql, d: Date) => `(${sql.p(d.toISOString())}::timestamptz AT TIME ZONE 'UTC')`;

interface Row {
  g: string | Date | null;
  kind: ReportingEventKind;
  target: string;
  count: number | bigint;
  seconds: number | null;
  bs: number | null;
  met: number | bigint | null;
  value: number | bigint | null;
}

/**
 * How `sums` groups: one group (''), per time bucket (a SQL expression over a
 * UTC timestamp expression) or per value of one event column.
 */
type Grouping = null | { time: (timeSql: string, sql: Sql) => string } | { column: DimensionColumn };
type DimensionColumn = (typeof DIMENSION_COLUMN)[AnalyticsDimension];

const dayFloor = (d: Date) => new Date(Math.floor(d.getTime() / 86_400_000) * 86_400_000);
const dayCeil = (d: Date) => new Date(Math.ceil(d.getTime() / 86_400_000) * 86_400_000);

/** A half-open UTC interval [a, b); empty ones are dropped by the callers. */
type Span = [Date, Date];
const nonEmpty = (spans: Span[]) => spans.filter(([a, b]) => a < b);

/**
 * Sums of the given event kinds over [from, to), per group. Sources, exact
 * together: events for the partial hours at the edges; for the full hours:
 * - no filter: DAY slices for the full UTC days (total, or the grouped
 *   dimension), HOUR total slices for a series and for the hours around the
 *   days (summary), hourly rollups for the hours around the days (breakdown);
 * - a filter on ONE dimension, no grouping or grouped by that dimension: DAY
 *   slices of that dimension (values in the filter) for the full days, hourly
 *   rollups for the hours around them (an agent's own numbers take this path);
 * - otherwise: the hourly rollups (they carry every dimension).
 */
async function sums(ctx: HubContext, from: Date, to: Date, kinds: readonly ReportingEventKind[], filter: AnalyticsFilter, group: Grouping): Promise<Map<string, SumsByKind>> {
  const sql = new Sql();
  const h1 = hourCeil(from);
  const h2 = hourFloor(to);
  const org = sql.p(ctx.organizationId, '::uuid');
  const kindList = sql.p([...kinds], '::text[]::"ReportingEventKind"[]');
  const groupOf = (src: 'r' | 'e', time: string) => {
    if (!group) return `''`;
    if ('time' in group) return group.time(time, sql);
    return col(src, group.column);
  };
  const within = (time: string, spans: Span[]) => spans.map(([a, b]) => `(${time} >= ${utc(sql, a)} AND ${time} < ${utc(sql, b)})`).join(' OR ');
  const parts: string[] = [];
  const fromRollups = (spans: Span[]) => {
    if (!spans.length) return;
    parts.push(`SELECT ${groupOf('r', 'r.hour')} AS g, r.kind, r.target, r.count::bigint AS count, r.seconds, r."businessSeconds" AS bs, r.met::bigint AS met, r.value::bigint AS value
      FROM "ReportingRollup" r WHERE r."organizationId" = ${org} AND r.kind = ANY(${kindList}) AND (${within('r.hour', spans)})${filterSql(sql, 'r', filter)}`);
  };
  const fromSlices = (grain: 'HOUR' | 'DAY', dimension: string, spans: Span[], values: readonly string[] | null = null) => {
    if (!spans.length) return;
    const g = !group ? `''` : 'time' in group ? group.time('s.bucket', sql) : 's."dimValue"';
    const only = values ? ` AND s."dimValue" = ANY(${sql.p([...values], '::text[]')})` : '';
    parts.push(`SELECT ${g} AS g, s.kind, s.target, s.count::bigint AS count, s.seconds, s."businessSeconds" AS bs, s.met::bigint AS met, s.value::bigint AS value
      FROM "ReportingSlice" s WHERE s."organizationId" = ${org} AND s.kind = ANY(${kindList}) AND s.grain = ${sql.p(grain)} AND s.dimension = ${sql.p(dimension)} AND (${within('s.bucket', spans)})${only}`);
  };
  if (h1 < h2) {
    const filters = filterColumns(filter);
    const d1 = dayCeil(h1);
    const d2 = dayFloor(h2);
    const days = d1 < d2;
    const around = days
      ? nonEmpty([
          [h1, d1],
          [d2, h2],
        ])
      : [[h1, h2] as Span];
    const byTime = !!group && 'time' in group;
    const groupColumn = group && 'column' in group ? group.column : null;
    if (filters.length === 0 && byTime) fromSlices('HOUR', '', [[h1, h2]]);
    else if (filters.length === 0) {
      if (days) fromSlices('DAY', groupColumn ?? '', [[d1, d2]]);
      if (groupColumn) fromRollups(around);
      else fromSlices('HOUR', '', around);
    } else if (filters.length === 1 && !byTime && (!groupColumn || groupColumn === filters[0]![0])) {
      if (days) fromSlices('DAY', filters[0]![0], [[d1, d2]], filters[0]![1]);
      fromRollups(around);
    } else fromRollups([[h1, h2]]);
  }
  const edges = nonEmpty(
    h1 < h2
      ? [
          [from, h1],
          [h2, to],
        ]
      : [[from, to]],
  );
  if (edges.length) {
    parts.push(`SELECT ${groupOf('e', 'e."occurredAt"')} AS g, e.kind, COALESCE(e.target::text, '') AS target, 1::bigint AS count, COALESCE(e.seconds, 0) AS seconds, COALESCE(e."businessSeconds", 0) AS bs,
        (CASE WHEN e.met THEN 1 ELSE 0 END)::bigint AS met, COALESCE(e.value, 0)::bigint AS value
      FROM "ReportingEvent" e WHERE e."organizationId" = ${org} AND e.kind = ANY(${kindList}) AND (${within('e."occurredAt"', edges)})${filterSql(sql, 'e', filter)}`);
  }
  const out = new Map<string, SumsByKind>();
  if (!parts.length) return out;
  const rows = await ctx.deps.db.prisma.$queryRawUnsafe<Row[]>(
    `SELECT g, kind, target, SUM(count) AS count, SUM(seconds) AS seconds, SUM(bs) AS bs, SUM(met) AS met, SUM(value) AS value FROM (${parts.join(' UNION ALL ')}) x GROUP BY g, kind, target`,
    ...sql.params,
  );
  for (const r of rows) {
    const key = r.g instanceof Date ? r.g.toISOString() : String(r.g ?? '');
    const bucket = out.get(key) ?? new Map<string, Sums>();
    const add = (k: string) => {
      const s = bucket.get(k) ?? { ...ZERO };
      s.count += Number(r.count);
      s.seconds += Number(r.seconds ?? 0);
      s.businessSeconds += Number(r.bs ?? 0);
      s.met += Number(r.met ?? 0);
      s.value += Number(r.value ?? 0);
      bucket.set(k, s);
    };
    add(r.kind);
    if (r.target) add(`${r.kind}:${r.target}`);
    out.set(key, bucket);
  }
  return out;
}

const EPOCH = new Date(0);

/** The value of one metric over [from, to) (BACKLOG: at `to`, counted from the beginning). */
async function valueOver(ctx: HubContext, q: AnalyticsQuery, metric: AnalyticsMetric, from: Date, to: Date) {
  const def = METRICS[metric];
  const all = await sums(ctx, metric === 'BACKLOG' ? EPOCH : from, to, def.kinds, q.filter, null);
  return metricValue(metric, all.get('') ?? new Map());
}

/** Summary values: every metric over the range and over the previous period. */
export async function summary(ctx: HubContext, q: AnalyticsQuery, metrics: readonly AnalyticsMetric[]) {
  const kinds = [...new Set(metrics.filter((m) => m !== 'BACKLOG').flatMap((m) => METRICS[m].kinds))];
  const [now, prev] = await Promise.all([sums(ctx, q.from, q.to, kinds, q.filter, null), sums(ctx, q.previousFrom, q.previousTo, kinds, q.filter, null)]);
  const backlog = metrics.includes('BACKLOG') ? await Promise.all([valueOver(ctx, q, 'BACKLOG', q.from, q.to), valueOver(ctx, q, 'BACKLOG', q.previousFrom, q.previousTo)]) : null;
  return metrics.map((metric) => {
    const cur = metric === 'BACKLOG' ? backlog![0] : metricValue(metric, now.get('') ?? new Map());
    const before = metric === 'BACKLOG' ? backlog![1] : metricValue(metric, prev.get('') ?? new Map());
    return { metric, current: cur, previous: before };
  });
}

/** Bucket starts of [from, to) in a time zone (the first bucket starts at or before `from`). */
export function bucketStarts(from: Date, to: Date, interval: AnalyticsInterval, tz: string): Date[] {
  const start = { HOUR: startOfHour, DAY: startOfDay, WEEK: (d: Date) => startOfWeek(d, { weekStartsOn: 1 }), MONTH: startOfMonth }[interval];
  const step = { HOUR: addHours, DAY: addDays, WEEK: addWeeks, MONTH: addMonths }[interval];
  const out: Date[] = [];
  for (let d: Date = start(new TZDate(from.getTime(), tz)); d < to; d = step(d as TZDate, 1)) {
    out.push(new Date(d.getTime()));
    if (out.length > MAX_SERIES_POINTS) throw badInput(`A series has at most ${MAX_SERIES_POINTS} points: choose a longer interval.`, 'interval');
  }
  return out;
}

/** A metric per time bucket of the range, in the query's time zone; every bucket present. */
export async function series(ctx: HubContext, q: AnalyticsQuery, metric: AnalyticsMetric, interval: AnalyticsInterval) {
  const starts = bucketStarts(q.from, q.to, interval, q.timezone);
  const def = METRICS[metric];
  const trunc = (time: string, sql: Sql) => {
    const tz = sql.p(q.timezone);
    return `(date_trunc('${INTERVAL_SQL[interval]}', (${time} AT TIME ZONE 'UTC') AT TIME ZONE ${tz}) AT TIME ZONE ${tz})`;
  };
  const grouped = await sums(ctx, q.from, q.to, def.kinds, q.filter, { time: trunc });
  let running = metric === 'BACKLOG' ? ((await valueOver(ctx, q, 'BACKLOG', EPOCH, q.from)).value ?? 0) : 0;
  return starts.map((start, i) => {
    const end = new Date(Math.min((starts[i + 1] ?? q.to).getTime(), q.to.getTime()));
    const v = metricValue(metric, grouped.get(start.toISOString()) ?? new Map());
    if (metric === 'BACKLOG') {
      running += v.value ?? 0;
      return { start, end, value: running, businessValue: null, count: running };
    }
    return { start, end, ...v };
  });
}

/** A metric per value of a dimension ('' = none), largest count first. */
export async function breakdown(ctx: HubContext, q: AnalyticsQuery, metric: AnalyticsMetric, by: AnalyticsDimension) {
  const def = METRICS[metric];
  const column = DIMENSION_COLUMN[by];
  const grouped = await sums(ctx, metric === 'BACKLOG' ? EPOCH : q.from, q.to, def.kinds, q.filter, { column });
  return [...grouped.entries()].map(([key, s]) => ({ key, ...metricValue(metric, s) })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** The kinds whose events make the threads behind a metric's number. */
function drillKinds(metric: AnalyticsMetric): ReportingEventKind[] {
  if (metric === 'ESCALATION_RATE') return ['ESCALATED'];
  return METRICS[metric].kinds;
}

export interface DrillBucket {
  from?: Date | null;
  to?: Date | null;
  dimension?: AnalyticsDimension | null;
  /** The breakdown key: enum value or database id ('' = none). */
  key?: string | null;
  met?: boolean | null;
}

/**
 * The Prisma filter of the threads behind a number: threads with a reporting
 * event of the metric in the range (narrowed by the bucket). BACKLOG: the
 * threads open now (matching the filter's thread fields).
 */
export function drillWhere(q: AnalyticsQuery, metric: AnalyticsMetric, bucket: DrillBucket | null | undefined): Prisma.ThreadWhereInput {
  const f = q.filter;
  if (metric === 'BACKLOG') {
    return {
      status: { in: ACTIVE_STATUSES },
      ...(f.channelTypes?.length ? { channel: { type: { in: f.channelTypes } } } : {}),
      ...(f.teamIds?.length ? { teamId: { in: f.teamIds } } : {}),
      ...(f.assigneeIds?.length ? { assigneeId: { in: f.assigneeIds } } : {}),
      ...(f.priorities?.length ? { priority: { in: f.priorities } } : {}),
      ...(f.customerTiers?.length ? { customer: { tier: { in: f.customerTiers } } } : {}),
    };
  }
  const from = bucket?.from && bucket.from > q.from ? bucket.from : q.from;
  const to = bucket?.to && bucket.to < q.to ? bucket.to : q.to;
  const def = METRICS[metric];
  const event: Prisma.ReportingEventWhereInput = {
    kind: { in: drillKinds(metric) },
    occurredAt: { gte: from, lt: to },
    ...(def.target ? { target: def.target } : {}),
    ...(f.channelTypes?.length ? { channelType: { in: f.channelTypes } } : {}),
    ...(f.teamIds?.length ? { teamId: { in: f.teamIds } } : {}),
    ...(f.assigneeIds?.length ? { agentId: { in: f.assigneeIds } } : {}),
    ...(f.priorities?.length ? { priority: { in: f.priorities } } : {}),
    ...(f.customerTiers?.length ? { customerTier: { in: f.customerTiers } } : {}),
    ...(bucket?.met != null ? { met: bucket.met } : {}),
  };
  if (bucket?.dimension) {
    const column = DIMENSION_COLUMN[bucket.dimension];
    (event as Record<string, unknown>)[column] = bucket.key ? bucket.key : null;
  }
  return { reportingEvents: { some: event } };
}

/** Up to this many threads behind a number are looked up by id; more are matched by their events (EXISTS). */
export const DRILL_ID_LIMIT = 2000;

/**
 * The threads behind a number, for the drill-down: their exact count and a
 * Prisma filter for the page. Counted from the events (index on organization,
 * kind and time; one row per thread, deleted threads left out) instead of
 * probing every thread: with at most 2,000 threads the filter is their ids,
 * beyond it `drillWhere` (dense enough that the newest-first page finds its
 * rows quickly). BACKLOG: threads open now, counted by `countThreads`.
 * `idLimit` (default 2,000) exists for tests.
 */
export async function drillMatches(
  ctx: HubContext,
  q: AnalyticsQuery,
  metric: AnalyticsMetric,
  bucket: DrillBucket | null | undefined,
  idLimit = DRILL_ID_LIMIT,
): Promise<{ where: Prisma.ThreadWhereInput; count: number | null }> {
  const where = drillWhere(q, metric, bucket);
  if (metric === 'BACKLOG') return { where, count: null };
  const sql = new Sql();
  const f = q.filter;
  const from = bucket?.from && bucket.from > q.from ? bucket.from : q.from;
  const to = bucket?.to && bucket.to < q.to ? bucket.to : q.to;
  const def = METRICS[metric];
  const cond = [
    `e."organizationId" = ${sql.p(ctx.organizationId, '::uuid')}`,
    // Literal enum values (from the metric table, never input): with a parameter array the planner cannot
    // estimate the kinds and walked the whole (threadId, kind) index instead of (organizationId, kind, occurredAt).
    `e.kind IN (${drillKinds(metric)
      .map((k) => `'${k}'`)
      .join(', ')})`,
    `e."occurredAt" >= ${utc(sql, from)}`,
    `e."occurredAt" < ${utc(sql, to)}`,
  ];
  if (def.target) cond.push(`e.target::text = ${sql.p(def.target)}`);
  const cols = filterSql(sql, 'e', f);
  if (bucket?.met != null) cond.push(`e.met = ${sql.p(bucket.met)}`);
  if (bucket?.dimension) cond.push(`${col('e', DIMENSION_COLUMN[bucket.dimension])} = ${sql.p(bucket.key ?? '')}`);
  const rows = await ctx.deps.db.prisma.$queryRawUnsafe<{ id: string; total: bigint | number }[]>(
    `WITH ev AS MATERIALIZED (SELECT DISTINCT e."threadId" AS id FROM "ReportingEvent" e WHERE ${cond.join(' AND ')}${cols})
     SELECT ev.id::text AS id, count(*) OVER () AS total FROM ev JOIN "Thread" t ON t.id = ev.id AND t."deletedAt" IS NULL
      LIMIT ${idLimit + 1}`,
    ...sql.params,
  );
  const count = rows.length ? Number(rows[0]!.total) : 0;
  return { where: count <= idLimit ? { id: { in: rows.map((r) => r.id) } } : where, count };
}
