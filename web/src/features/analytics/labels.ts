import type { AnalyticsDimension, AnalyticsMetric, KpiStatus } from '../../gql/graphql';

/** Human names of the analytics metrics (every value of the AnalyticsMetric enum). */
export const METRIC_LABEL: Record<AnalyticsMetric, string> = {
  FIRST_RESPONSE_TIME: 'First response time',
  REPLY_TIME: 'Reply time',
  RESOLUTION_TIME: 'Resolution time',
  SLA_COMPLIANCE: 'SLA compliance',
  SLA_FIRST_RESPONSE_COMPLIANCE: 'SLA first response compliance',
  SLA_NEXT_RESPONSE_COMPLIANCE: 'SLA next response compliance',
  SLA_RESOLUTION_COMPLIANCE: 'SLA resolution compliance',
  FIRST_CONTACT_RESOLUTION: 'First contact resolution',
  ESCALATION_RATE: 'Escalation rate',
  MESSAGES_PER_RESOLUTION: 'Messages per resolution',
  TEMPLATE_USAGE: 'Template usage',
  ASSIGNMENT_ACCURACY: 'Assignment accuracy',
  TASK_COMPLETION_ON_TIME: 'Tasks completed on time',
  CSAT: 'CSAT',
  CONVERSATIONS: 'Conversations',
  CUSTOMER_MESSAGES: 'Customer messages',
  REPLIES: 'Replies',
  RESOLUTIONS: 'Resolutions',
  ESCALATIONS: 'Escalations',
  REOPENS: 'Reopens',
  BACKLOG: 'Backlog',
};

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

export const KPI_STATUS_LABEL: Record<KpiStatus, string> = {
  GOOD: 'On target',
  WARNING: 'Near target',
  BAD: 'Off target',
  NONE: 'No target',
};

export const DIMENSION_LABEL: Record<AnalyticsDimension, string> = {
  CHANNEL: 'channel',
  TEAM: 'team',
  AGENT: 'agent',
  PRIORITY: 'priority',
  TIER: 'customer tier',
  THREAD_TYPE: 'thread type',
};

const STATUS_SEVERITY: Record<KpiStatus, number> = { NONE: 0, GOOD: 1, WARNING: 2, BAD: 3 };

/** The most severe of several statuses (BAD > WARNING > GOOD > NONE); NONE for an empty list. */
export function worstStatus(statuses: readonly KpiStatus[]): KpiStatus {
  return statuses.reduce<KpiStatus>((worst, s) => (STATUS_SEVERITY[s] > STATUS_SEVERITY[worst] ? s : worst), 'NONE');
}
