/**
 * Analytics for managers: `analytics(range, filter, timezone)` with summary,
 * series, breakdown and the threads behind any number; `exportThreads` (a
 * signed link to the CSV stream, http/analytics-export.ts); the
 * `analyticsUpdated` subscription. Definitions: docs/analytics.md and
 * metrics.ts. MANAGER and up see the organization, an API key with
 * ANALYTICS too; agents and team leads see their own numbers (scope SELF).
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder, assertPageSize } from '../../schema/builder.js';
import { decodeFilterId, memoOn } from '../../schema/common.js';
import { ChannelTypeEnum, CustomerTierEnum, PriorityEnum } from '../../schema/enums.js';
import type { HubContext } from '../../shared/context.js';
import { can } from '../auth/permissions.js';
import { ThreadConnection } from '../thread/thread.schema.js';
import { countThreads } from '../thread/thread.service.js';
import { analyticsQuery, breakdown, drillMatches, series, summary, type AnalyticsFilter, type AnalyticsQuery } from './analytics.service.js';
import { exportUrl } from './export.js';
import {
  ANALYTICS_DIMENSIONS,
  ANALYTICS_INTERVALS,
  ANALYTICS_METRICS,
  ANALYTICS_UNITS,
  METRICS,
  statusOf,
  type AnalyticsDimension,
  type AnalyticsMetric,
  type MetricValue,
} from './metrics.js';

const AnalyticsMetricEnum = builder.enumType('AnalyticsMetric', {
  description: 'A KPI of docs/analytics.md. Times in seconds, rates in percent (0–100), CSAT 1–5.',
  values: Object.fromEntries(ANALYTICS_METRICS.map((m) => [m, { description: METRICS[m].description }])) as Record<AnalyticsMetric, { description: string }>,
});
const AnalyticsIntervalEnum = builder.enumType('AnalyticsInterval', {
  values: ANALYTICS_INTERVALS,
  description: 'Bucket length of a series, in the query time zone (WEEK starts on Monday).',
});
const AnalyticsDimensionEnum = builder.enumType('AnalyticsDimension', {
  values: ANALYTICS_DIMENSIONS,
  description:
    'What a breakdown groups by: channel type, team, agent (the replying agent for replies, otherwise the assignee when the fact happened), priority, customer tier, thread type — as they were when the fact happened.',
});
const AnalyticsUnitEnum = builder.enumType('AnalyticsUnit', { values: ANALYTICS_UNITS, description: 'SECONDS, PERCENT (0–100), COUNT, SCORE (CSAT 1–5), RATIO.' });
const KpiStatusEnum = builder.enumType('KpiStatus', {
  values: ['GOOD', 'WARNING', 'BAD', 'NONE'] as const,
  description:
    'Against the target of seed 001: GOOD meets it; WARNING within 5 % below an at-least target or within 25 % above an at-most target; BAD beyond; NONE without target or data.',
});
const TargetDirectionEnum = builder.enumType('TargetDirection', { values: ['AT_LEAST', 'AT_MOST'] as const });
const AnalyticsScopeEnum = builder.enumType('AnalyticsScope', {
  values: ['ORGANIZATION', 'SELF'] as const,
  description: "SELF: an agent's or team lead's own numbers (facts where they were the agent).",
});

const RangeInput = builder.inputType('AnalyticsRangeInput', {
  description: '[from, to): at most 400 days.',
  fields: (t) => ({ from: t.field({ type: 'DateTime', required: true }), to: t.field({ type: 'DateTime', required: true }) }),
});
const FilterInput = builder.inputType('AnalyticsFilterInput', {
  description: 'Facts whose dimensions (as they were when the fact happened) match every given list; at most 100 values per list.',
  fields: (t) => ({
    channelTypes: t.field({ type: [ChannelTypeEnum] }),
    teamIds: t.idList(),
    assigneeIds: t.idList({ description: 'Agents (User ids).' }),
    priorities: t.field({ type: [PriorityEnum] }),
    customerTiers: t.field({ type: [CustomerTierEnum] }),
  }),
});
const BucketInput = builder.inputType('AnalyticsBucketInput', {
  description: 'Narrows a drill-down to one series point (from, to), one breakdown item (dimension, key) and/or the facts that met (true) or missed (false).',
  fields: (t) => ({
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
    dimension: t.field({ type: AnalyticsDimensionEnum }),
    key: t.string({ description: 'The breakdown item key ("" = none).' }),
    met: t.boolean(),
  }),
});

type FilterArg =
  | {
      channelTypes?: string[] | null;
      teamIds?: (string | number)[] | null;
      assigneeIds?: (string | number)[] | null;
      priorities?: string[] | null;
      customerTiers?: string[] | null;
    }
  | null
  | undefined;

function decodeFilter(f: FilterArg): AnalyticsFilter {
  if (!f) return {};
  const ids = (type: 'Team' | 'User', list: (string | number)[] | null | undefined, field: string) => list?.map((id, i) => decodeFilterId(type, id, `${field}.${i}`) ?? '');
  return {
    channelTypes: f.channelTypes as AnalyticsFilter['channelTypes'],
    teamIds: ids('Team', f.teamIds, 'filter.teamIds'),
    assigneeIds: ids('User', f.assigneeIds, 'filter.assigneeIds'),
    priorities: f.priorities as AnalyticsFilter['priorities'],
    customerTiers: f.customerTiers as AnalyticsFilter['customerTiers'],
  };
}

interface ValueShape extends MetricValue {
  metric: AnalyticsMetric;
  previous?: MetricValue;
  target: number | null;
  direction: 'AT_LEAST' | 'AT_MOST' | null;
  status: 'GOOD' | 'WARNING' | 'BAD' | 'NONE';
}

const AnalyticsValue = builder.objectRef<ValueShape>('AnalyticsValue').implement({
  description: 'A KPI over the range, with the previous period of equal length and its target.',
  fields: (t) => ({
    metric: t.field({ type: AnalyticsMetricEnum, resolve: (v) => v.metric }),
    unit: t.field({ type: AnalyticsUnitEnum, resolve: (v) => METRICS[v.metric].unit }),
    value: t.float({ nullable: true, description: 'null when there is nothing to measure.', resolve: (v) => v.value }),
    businessValue: t.float({ nullable: true, description: "SECONDS metrics: in business seconds of the thread's SLA calendar.", resolve: (v) => v.businessValue }),
    count: t.int({ description: 'Facts measured (the denominator; the count itself for COUNT metrics).', resolve: (v) => v.count }),
    previousValue: t.float({ nullable: true, resolve: (v) => v.previous?.value ?? null }),
    previousBusinessValue: t.float({ nullable: true, resolve: (v) => v.previous?.businessValue ?? null }),
    previousCount: t.int({ resolve: (v) => v.previous?.count ?? 0 }),
    target: t.float({ nullable: true, description: "Seed 001's target (response times: per channel, see breakdown by CHANNEL).", resolve: (v) => v.target }),
    direction: t.field({ type: TargetDirectionEnum, nullable: true, resolve: (v) => v.direction }),
    status: t.field({ type: KpiStatusEnum, resolve: (v) => v.status }),
  }),
});

const AnalyticsPoint = builder.objectRef<{ start: Date; end: Date } & MetricValue>('AnalyticsPoint').implement({
  description: 'One bucket of a series: [start, end) in the query time zone.',
  fields: (t) => ({
    start: t.field({ type: 'DateTime', resolve: (p) => p.start }),
    end: t.field({ type: 'DateTime', resolve: (p) => p.end }),
    value: t.float({ nullable: true, resolve: (p) => p.value }),
    businessValue: t.float({ nullable: true, resolve: (p) => p.businessValue }),
    count: t.int({ resolve: (p) => p.count }),
  }),
});

interface ItemShape extends MetricValue {
  dimension: AnalyticsDimension;
  key: string;
  metric: AnalyticsMetric;
}

const AnalyticsBreakdownItem = builder.objectRef<ItemShape>('AnalyticsBreakdownItem').implement({
  description: 'A KPI for one value of a dimension.',
  fields: (t) => ({
    key: t.string({
      description: 'Enum value (CHANNEL, PRIORITY, TIER, THREAD_TYPE) or global id (TEAM, AGENT); "" = none. Pass it back as bucket.key to drill down.',
      resolve: (i) => globalKey(i.dimension, i.key),
    }),
    label: t.string({
      description: 'Team or agent name, else the key; "None" for "".',
      resolve: async (i, _a, ctx) => {
        if (!i.key) return 'None';
        if (i.dimension === 'TEAM') return (await ctx.db.team.findUnique({ where: { id: i.key }, select: { name: true } }))?.name ?? i.key;
        if (i.dimension === 'AGENT') return (await ctx.db.user.findUnique({ where: { id: i.key }, select: { name: true } }))?.name ?? i.key;
        return i.key;
      },
    }),
    value: t.float({ nullable: true, resolve: (i) => i.value }),
    businessValue: t.float({ nullable: true, resolve: (i) => i.businessValue }),
    count: t.int({ resolve: (i) => i.count }),
    target: t.float({ nullable: true, resolve: (i) => goalFor(i.metric, i.dimension, i.key)?.value ?? null }),
    status: t.field({ type: KpiStatusEnum, resolve: (i) => statusFor(i.metric, i, i.dimension, i.key) }),
    team: t.prismaField({
      type: 'Team',
      nullable: true,
      resolve: (q, i, _a, ctx) => (i.dimension === 'TEAM' && i.key ? ctx.db.team.findUnique({ ...q, where: { id: i.key } }) : null),
    }),
    agent: t.prismaField({
      type: 'User',
      nullable: true,
      resolve: (q, i, _a, ctx) => (i.dimension === 'AGENT' && i.key ? ctx.db.user.findUnique({ ...q, where: { id: i.key } }) : null),
    }),
  }),
});

const globalKey = (d: AnalyticsDimension, key: string) => (key && d === 'TEAM' ? encodeGlobalID('Team', key) : key && d === 'AGENT' ? encodeGlobalID('User', key) : key);

function goalFor(metric: AnalyticsMetric, dimension?: AnalyticsDimension, key?: string) {
  const def = METRICS[metric];
  if (dimension === 'CHANNEL' && key && def.channelGoals) return def.channelGoals[key as keyof typeof def.channelGoals];
  return def.goal;
}

function statusFor(metric: AnalyticsMetric, v: MetricValue, dimension?: AnalyticsDimension, key?: string) {
  const goal = goalFor(metric, dimension, key);
  return statusOf(goal?.business ? v.businessValue : v.value, goal);
}

function valueShape(metric: AnalyticsMetric, current: MetricValue, previous?: MetricValue): ValueShape {
  const goal = goalFor(metric);
  return { metric, ...current, previous, target: goal?.value ?? null, direction: goal?.direction ?? null, status: statusFor(metric, current) };
}

const Analytics = builder.objectRef<AnalyticsQuery>('Analytics').implement({
  description: 'KPIs of a range (docs/analytics.md). Every number is exact and drillable to its threads.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (q) => q.from }),
    to: t.field({ type: 'DateTime', resolve: (q) => q.to }),
    previousFrom: t.field({ type: 'DateTime', description: 'Start of the previous period of equal length.', resolve: (q) => q.previousFrom }),
    previousTo: t.field({ type: 'DateTime', resolve: (q) => q.previousTo }),
    timezone: t.string({ description: 'IANA time zone of the series buckets.', resolve: (q) => q.timezone }),
    scope: t.field({ type: AnalyticsScopeEnum, resolve: (q) => q.scope }),
    summary: t.field({
      type: [AnalyticsValue],
      description: 'Every metric over the range with the previous period, in AnalyticsMetric order.',
      resolve: async (q, _a, ctx) => (await summary(ctx, q, ANALYTICS_METRICS)).map((r) => valueShape(r.metric, r.current, r.previous)),
    }),
    metric: t.field({
      type: AnalyticsValue,
      args: { metric: t.arg({ type: AnalyticsMetricEnum, required: true }) },
      resolve: async (q, { metric }, ctx) => {
        const [r] = await summary(ctx, q, [metric]);
        return valueShape(metric, r!.current, r!.previous);
      },
    }),
    series: t.field({
      type: [AnalyticsPoint],
      description:
        'The metric per bucket of the range (every bucket, empty ones with count 0; BACKLOG: open at the end of each bucket). Errors: VALIDATION_FAILED beyond 1,000 points.',
      args: { metric: t.arg({ type: AnalyticsMetricEnum, required: true }), interval: t.arg({ type: AnalyticsIntervalEnum, required: true }) },
      resolve: (q, { metric, interval }, ctx) => series(ctx, q, metric, interval),
    }),
    breakdown: t.field({
      type: [AnalyticsBreakdownItem],
      description: 'The metric per value of a dimension, most facts first.',
      args: { metric: t.arg({ type: AnalyticsMetricEnum, required: true }), by: t.arg({ type: AnalyticsDimensionEnum, required: true }) },
      resolve: async (q, { metric, by }, ctx) => (await breakdown(ctx, q, metric, by)).map((i) => ({ ...i, dimension: by, metric })),
    }),
    threads: t.prismaConnection(
      {
        type: 'Thread',
        cursor: 'id',
        description: 'The threads behind a number: threads with a fact of the metric in the range (and bucket), latest message first. BACKLOG: threads open now.',
        args: { metric: t.arg({ type: AnalyticsMetricEnum, required: true }), bucket: t.arg({ type: BucketInput }) },
        resolve: async (query, q, args, ctx) => {
          assertPageSize(args);
          const { where } = await drilled(ctx, q, args);
          return ctx.db.thread.findMany({ ...query, where, orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }] });
        },
        totalCount: async (q, args, ctx) => {
          const { where, count } = await drilled(ctx, q, args);
          return (count != null ? { count, exact: true } : countThreads(ctx, where)) as unknown as number;
        },
      },
      ThreadConnection,
    ),
  }),
});

const drills = new WeakMap<object, ReturnType<typeof drillMatches>>();
/** The drill-down's matches, once per field (the page and totalCount share them). */
function drilled(ctx: HubContext, q: AnalyticsQuery, args: { metric: AnalyticsMetric; bucket?: BucketArg }) {
  return memoOn(drills, args, () => drillMatches(ctx, q, args.metric, decodeBucket(args.bucket)));
}

type BucketArg = { from?: Date | null; to?: Date | null; dimension?: AnalyticsDimension | null; key?: string | null; met?: boolean | null } | null | undefined;
function decodeBucket(b: BucketArg) {
  if (!b) return null;
  let key = b.key ?? null;
  if (key && (b.dimension === 'TEAM' || b.dimension === 'AGENT')) key = decodeFilterId(b.dimension === 'TEAM' ? 'Team' : 'User', key, 'bucket.key') ?? null;
  return { ...b, key };
}

builder.queryField('analytics', (t) =>
  t.field({
    type: Analytics,
    authScopes: can('analytics'),
    description:
      "KPIs over [range.from, range.to) in `timezone` (default: the organization's). MANAGER and up and API keys with ANALYTICS see the organization; agents and team leads their own numbers (scope SELF). Errors: VALIDATION_FAILED (range over 400 days or reversed, unknown time zone).",
    args: { range: t.arg({ type: RangeInput, required: true }), filter: t.arg({ type: FilterInput }), timezone: t.arg.string() },
    resolve: (_r, args, ctx) => analyticsQuery(ctx, args.range, decodeFilter(args.filter as FilterArg), args.timezone),
  }),
);

const AnalyticsExport = builder.objectRef<{ url: string; expiresAt: Date; fileName: string }>('AnalyticsExport').implement({
  description: 'A signed link to the CSV export (GET, streamed, one row per thread; no Authorization header needed).',
  fields: (t) => ({
    url: t.string({ description: 'Relative URL, valid until expiresAt (5 minutes).', resolve: (e) => e.url }),
    expiresAt: t.field({ type: 'DateTime', resolve: (e) => e.expiresAt }),
    fileName: t.string({ resolve: (e) => e.fileName }),
  }),
});

builder.queryField('exportThreads', (t) =>
  t.field({
    type: AnalyticsExport,
    authScopes: can('exportThreads'),
    description:
      'One row per thread started in the range (ids, channel, team, assignee, times, first response, resolution, SLA outcome per target, escalations, CSAT) as CSV: returns a signed link to the stream (docs/analytics.md lists the columns). Same scope rules as analytics. Errors: VALIDATION_FAILED.',
    args: { range: t.arg({ type: RangeInput, required: true }), filter: t.arg({ type: FilterInput }), timezone: t.arg.string() },
    resolve: async (_r, args, ctx) => exportUrl(ctx, await analyticsQuery(ctx, args.range, decodeFilter(args.filter as FilterArg), args.timezone)),
  }),
);

const AnalyticsUpdate = builder.objectRef<{ organizationId: string; kinds: string[]; at: string }>('AnalyticsUpdate').implement({
  description: 'Reporting facts were recorded: re-query what shows them.',
  fields: (t) => ({
    organizationId: t.exposeID('organizationId'),
    kinds: t.stringList({ description: 'ReportingEventKind values recorded since the last update.', resolve: (u) => u.kinds }),
    at: t.field({ type: 'DateTime', resolve: (u) => new Date(u.at) }),
  }),
});

builder.subscriptionField('analyticsUpdated', (t) =>
  t.field({
    type: AnalyticsUpdate,
    authScopes: can('analyticsUpdated'),
    description: 'Fires when reporting facts of the organization were recorded, at most once every 3 s per organization (per server instance).',
    subscribe: (_root, _args, ctx: HubContext) => ctx.deps.pubsub.subscribe('analyticsUpdated', ctx.organizationId) as never,
    resolve: (event) => event as unknown as { organizationId: string; kinds: string[]; at: string },
  }),
);
