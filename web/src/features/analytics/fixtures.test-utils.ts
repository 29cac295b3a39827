/**
 * Test data of the analytics feature: dashboard answers shaped like the API's (every field of
 * the generated result types), built from a few numbers per metric.
 */
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import type { AnalyticsChart_ItemFragment, AnalyticsChart_PointFragment, AnalyticsMetric, AnalyticsScope, AnalyticsUnit, KpiTile_ValueFragment } from '../../gql/graphql';
import { AnalyticsChart_item, AnalyticsChart_point, type AnalyticsDashboardQuery, type AnalyticsSeriesQuery, KpiTile_value } from './useAnalyticsDashboard';
import type { AnalyticsDrillDownQuery } from './DrillDownDrawer';

/** Every metric in AnalyticsMetric enum order, with its unit (api/src/modules/analytics/metrics.ts). */
export const METRIC_UNITS: [AnalyticsMetric, AnalyticsUnit][] = [
  ['FIRST_RESPONSE_TIME', 'SECONDS'],
  ['REPLY_TIME', 'SECONDS'],
  ['RESOLUTION_TIME', 'SECONDS'],
  ['SLA_COMPLIANCE', 'PERCENT'],
  ['SLA_FIRST_RESPONSE_COMPLIANCE', 'PERCENT'],
  ['SLA_NEXT_RESPONSE_COMPLIANCE', 'PERCENT'],
  ['SLA_RESOLUTION_COMPLIANCE', 'PERCENT'],
  ['FIRST_CONTACT_RESOLUTION', 'PERCENT'],
  ['ESCALATION_RATE', 'PERCENT'],
  ['MESSAGES_PER_RESOLUTION', 'RATIO'],
  ['TEMPLATE_USAGE', 'PERCENT'],
  ['ASSIGNMENT_ACCURACY', 'PERCENT'],
  ['TASK_COMPLETION_ON_TIME', 'PERCENT'],
  ['CSAT', 'SCORE'],
  ['CONVERSATIONS', 'COUNT'],
  ['CUSTOMER_MESSAGES', 'COUNT'],
  ['REPLIES', 'COUNT'],
  ['RESOLUTIONS', 'COUNT'],
  ['ESCALATIONS', 'COUNT'],
  ['REOPENS', 'COUNT'],
  ['BACKLOG', 'COUNT'],
];

type Value = Omit<KpiTile_ValueFragment, '__typename' | ' $fragmentName' | 'metric' | 'unit'>;

const EMPTY: Value = {
  value: null,
  businessValue: null,
  count: 0,
  previousValue: null,
  previousBusinessValue: null,
  previousCount: 0,
  target: null,
  direction: null,
  status: 'NONE',
};

export function item(over: Partial<AnalyticsChart_ItemFragment> & { key: string }): AnalyticsChart_ItemFragment {
  return { __typename: 'AnalyticsBreakdownItem', label: over.key, value: null, businessValue: null, count: 0, target: null, status: 'NONE', ...over };
}

export function point(start: string, end: string, over: Partial<AnalyticsChart_PointFragment> = {}): AnalyticsChart_PointFragment {
  return { __typename: 'AnalyticsPoint', start, end, value: null, businessValue: null, count: 0, ...over };
}

const items = (list: AnalyticsChart_ItemFragment[]) => list.map((i) => ({ __typename: 'AnalyticsBreakdownItem' as const, ...makeFragmentData(i, AnalyticsChart_item) }));
const points = (list: AnalyticsChart_PointFragment[]) => list.map((p) => ({ __typename: 'AnalyticsPoint' as const, ...makeFragmentData(p, AnalyticsChart_point) }));

/** A dashboard answer: `values` overrides per metric, `byChannel` the response-time breakdowns. */
export function dashboard(opts: {
  from: string;
  to: string;
  scope?: AnalyticsScope;
  timezone?: string;
  values?: Partial<Record<AnalyticsMetric, Partial<Value>>>;
  firstResponseByChannel?: AnalyticsChart_ItemFragment[];
  replyTimeByChannel?: AnalyticsChart_ItemFragment[];
  slaByChannel?: AnalyticsChart_ItemFragment[];
}): ResultOf<typeof AnalyticsDashboardQuery> {
  const span = new Date(opts.to).getTime() - new Date(opts.from).getTime();
  return {
    analytics: {
      __typename: 'Analytics',
      from: opts.from,
      to: opts.to,
      previousFrom: new Date(new Date(opts.from).getTime() - span).toISOString(),
      previousTo: opts.from,
      timezone: opts.timezone ?? 'UTC',
      scope: opts.scope ?? 'ORGANIZATION',
      summary: METRIC_UNITS.map(([metric, unit]) => ({
        __typename: 'AnalyticsValue' as const,
        metric,
        ...makeFragmentData({ __typename: 'AnalyticsValue', metric, unit, ...EMPTY, ...opts.values?.[metric] }, KpiTile_value),
      })),
      firstResponseByChannel: items(opts.firstResponseByChannel ?? []),
      replyTimeByChannel: items(opts.replyTimeByChannel ?? []),
      slaByChannel: items(opts.slaByChannel ?? []),
      slaByTeam: [],
      repliesByAgent: [],
      resolutionsByAgent: [],
      csatByChannel: [],
      csatByAgent: [],
      messagesByChannel: [],
    },
  };
}

/** A series answer: `conversations` for the volume chart, every other series empty. */
export function seriesAnswer(conversations: AnalyticsChart_PointFragment[] = []): ResultOf<typeof AnalyticsSeriesQuery> {
  return {
    analytics: {
      __typename: 'Analytics',
      firstResponseSeries: [],
      replyTimeSeries: [],
      conversationsSeries: points(conversations),
      customerMessagesSeries: [],
      repliesSeries: [],
      resolutionsSeries: [],
      escalationsSeries: [],
      backlogSeries: [],
    },
  };
}

type ThreadNode = ResultOf<typeof AnalyticsDrillDownQuery>['analytics']['threads']['edges'][number]['node'];

export function thread(id: string, subject: string): ThreadNode {
  return {
    __typename: 'Thread',
    id,
    subject,
    status: 'OPEN',
    lastMessageAt: new Date(Date.now() - 3_600_000).toISOString(),
    channel: { __typename: 'Channel', id: 'ch-1', type: 'EMAIL_OUTLOOK' },
    customer: { __typename: 'Customer', id: `cu-${id}`, name: `Customer ${id}` },
    assignee: { __typename: 'User', id: 'u-1', name: 'Sarah' },
  };
}

/** A page of the drill-down. */
export function threadsPage(nodes: ThreadNode[], opts: { totalCount: number; hasNextPage: boolean; offset?: number }): ResultOf<typeof AnalyticsDrillDownQuery> {
  const offset = opts.offset ?? 0;
  return {
    analytics: {
      __typename: 'Analytics',
      threads: {
        __typename: 'ThreadConnection',
        totalCount: opts.totalCount,
        pageInfo: { __typename: 'PageInfo', hasNextPage: opts.hasNextPage, endCursor: nodes.length ? `c${offset + nodes.length}` : null },
        edges: nodes.map((node, i) => ({ __typename: 'ThreadEdge' as const, cursor: `c${offset + i + 1}`, node })),
      },
    },
  };
}
