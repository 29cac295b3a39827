import { AnalyticsMetric as AnalyticsMetricValues, type AnalyticsDimension, type AnalyticsMetric, type KpiStatus } from '../../gql/graphql';
import { translated } from '../../i18n';

/** Human names of the analytics metrics (every value of the AnalyticsMetric enum), in the UI language. */
export const METRIC_LABEL: Record<AnalyticsMetric, string> = translated<AnalyticsMetric>(Object.values(AnalyticsMetricValues), 'analytics.metric');

/**
 * The KPI tiles of the dashboard, in display order: seed 001's KPIs with a target first,
 * then the response times (targets per channel), then the volume numbers.
 */
export const KPI_TILES: readonly AnalyticsMetric[] = [
  'SLA_COMPLIANCE',
  'FIRST_CONTACT_RESOLUTION',
  'CSAT',
  'TEMPLATE_USAGE',
  'ASSIGNMENT_ACCURACY',
  'TASK_COMPLETION_ON_TIME',
  'FIRST_RESPONSE_TIME',
  'REPLY_TIME',
  'RESOLUTION_TIME',
  'ESCALATION_RATE',
  'MESSAGES_PER_RESOLUTION',
  'CONVERSATIONS',
  'BACKLOG',
];

/** Metrics whose targets are per channel (from `breakdown(metric, by: CHANNEL)`), not one for the organization. */
export const PER_CHANNEL_TARGET_METRICS: readonly AnalyticsMetric[] = ['FIRST_RESPONSE_TIME', 'REPLY_TIME'];

/** Metrics where a fall is an improvement (used when the API names no target direction). */
export const LOWER_IS_BETTER: ReadonlySet<AnalyticsMetric> = new Set<AnalyticsMetric>([
  'FIRST_RESPONSE_TIME',
  'REPLY_TIME',
  'RESOLUTION_TIME',
  'ESCALATION_RATE',
  'MESSAGES_PER_RESOLUTION',
  'ESCALATIONS',
  'REOPENS',
  'BACKLOG',
]);

/** Metrics where a rise is an improvement (used when the API names no target direction). */
export const HIGHER_IS_BETTER: ReadonlySet<AnalyticsMetric> = new Set<AnalyticsMetric>([
  'SLA_COMPLIANCE',
  'SLA_FIRST_RESPONSE_COMPLIANCE',
  'SLA_NEXT_RESPONSE_COMPLIANCE',
  'SLA_RESOLUTION_COMPLIANCE',
  'FIRST_CONTACT_RESOLUTION',
  'TEMPLATE_USAGE',
  'ASSIGNMENT_ACCURACY',
  'TASK_COMPLETION_ON_TIME',
  'CSAT',
  'RESOLUTIONS',
]);

/** Green / amber / red / grey. */
export const KPI_STATUS_COLOR: Record<KpiStatus, string> = {
  GOOD: 'teal',
  WARNING: 'yellow',
  BAD: 'red',
  NONE: 'gray',
};

/** KPI states in the UI language. */
export const KPI_STATUS_LABEL: Record<KpiStatus, string> = translated<KpiStatus>(['GOOD', 'WARNING', 'BAD', 'NONE'], 'analytics.status');

/** Breakdown dimensions in running text, in the UI language. */
export const DIMENSION_LABEL: Record<AnalyticsDimension, string> = translated<AnalyticsDimension>(
  ['CHANNEL', 'TEAM', 'AGENT', 'PRIORITY', 'TIER', 'THREAD_TYPE'],
  'analytics.dimension',
);

const STATUS_SEVERITY: Record<KpiStatus, number> = { NONE: 0, GOOD: 1, WARNING: 2, BAD: 3 };

/** The most severe of several statuses (BAD > WARNING > GOOD > NONE); NONE for an empty list. */
export function worstStatus(statuses: readonly KpiStatus[]): KpiStatus {
  return statuses.reduce<KpiStatus>((worst, s) => (STATUS_SEVERITY[s] > STATUS_SEVERITY[worst] ? s : worst), 'NONE');
}
