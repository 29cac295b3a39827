/**
 * The metrics of the analytics API, written once (docs/analytics.md is the
 * prose of this table): which reporting events each one reads, how a value
 * comes out of their sums, its unit and seed 001's target.
 */
import { channelResponseGoalSeconds } from '../../channels/registry.js';
import type { ChannelType, ReportingEventKind, SlaTarget } from '../../generated/prisma/enums.js';

export const ANALYTICS_METRICS = [
  'FIRST_RESPONSE_TIME',
  'REPLY_TIME',
  'RESOLUTION_TIME',
  'SLA_COMPLIANCE',
  'SLA_FIRST_RESPONSE_COMPLIANCE',
  'SLA_NEXT_RESPONSE_COMPLIANCE',
  'SLA_RESOLUTION_COMPLIANCE',
  'FIRST_CONTACT_RESOLUTION',
  'ESCALATION_RATE',
  'MESSAGES_PER_RESOLUTION',
  'TEMPLATE_USAGE',
  'ASSIGNMENT_ACCURACY',
  'TASK_COMPLETION_ON_TIME',
  'CSAT',
  'CONVERSATIONS',
  'CUSTOMER_MESSAGES',
  'REPLIES',
  'RESOLUTIONS',
  'ESCALATIONS',
  'REOPENS',
  'BACKLOG',
] as const;
export type AnalyticsMetric = (typeof ANALYTICS_METRICS)[number];

export const ANALYTICS_UNITS = ['SECONDS', 'PERCENT', 'COUNT', 'SCORE', 'RATIO'] as const;
export type AnalyticsUnit = (typeof ANALYTICS_UNITS)[number];

export const ANALYTICS_DIMENSIONS = ['CHANNEL', 'TEAM', 'AGENT', 'PRIORITY', 'TIER', 'THREAD_TYPE'] as const;
export type AnalyticsDimension = (typeof ANALYTICS_DIMENSIONS)[number];

export const ANALYTICS_INTERVALS = ['HOUR', 'DAY', 'WEEK', 'MONTH'] as const;
export type AnalyticsInterval = (typeof ANALYTICS_INTERVALS)[number];

/** Sums of reporting events of one kind (and SLA target) in a bucket. */
export interface Sums {
  count: number;
  seconds: number;
  businessSeconds: number;
  met: number;
  value: number;
}
export const ZERO: Sums = Object.freeze({ count: 0, seconds: 0, businessSeconds: 0, met: 0, value: 0 });

/** The sums of a bucket, by event kind (and `SLA_TARGET:<target>` per target). */
export type SumsByKind = Map<string, Sums>;

export interface MetricValue {
  /** null when there is nothing to measure (no events in the denominator). */
  value: number | null;
  /** Business-time value (SECONDS metrics); null otherwise. */
  businessValue: number | null;
  /** The denominator: events measured (or counted for COUNT metrics). */
  count: number;
}

export interface MetricTarget {
  value: number;
  direction: 'AT_LEAST' | 'AT_MOST';
  /** Compare the business-time value (response times are business-time targets). */
  business?: boolean;
}

export interface MetricDef {
  unit: AnalyticsUnit;
  /** Event kinds read (SLA_TARGET may be narrowed by `target`). */
  kinds: ReportingEventKind[];
  target?: SlaTarget;
  /** Value of the metric from a bucket's sums. */
  compute(get: (kind: ReportingEventKind, target?: SlaTarget) => Sums): MetricValue;
  /** Seed 001's target, if it names one. */
  goal?: MetricTarget;
  /** Targets per channel type (response times: the adapters' responseGoalSeconds). */
  channelGoals?: Partial<Record<ChannelType, MetricTarget>>;
  /** The meaning of `met` when drilling into the threads behind the number, for the docs. */
  description: string;
}

const avg =
  (kind: ReportingEventKind): MetricDef['compute'] =>
  (get) => {
    const s = get(kind);
    return { value: s.count ? s.seconds / s.count : null, businessValue: s.count ? s.businessSeconds / s.count : null, count: s.count };
  };
const rate =
  (kind: ReportingEventKind, target?: SlaTarget): MetricDef['compute'] =>
  (get) => {
    const s = get(kind, target);
    return { value: s.count ? (100 * s.met) / s.count : null, businessValue: null, count: s.count };
  };
const count =
  (kind: ReportingEventKind): MetricDef['compute'] =>
  (get) => ({ value: get(kind).count, businessValue: null, count: get(kind).count });

/** The response-time goals per channel type, from the adapters (ChannelAdapter.responseGoalSeconds): at most, in business time. */
const responseGoals: Partial<Record<ChannelType, MetricTarget>> = Object.fromEntries(
  Object.entries(channelResponseGoalSeconds).map(([type, value]) => [type, { value, direction: 'AT_MOST', business: true }]),
);

export const METRICS: Record<AnalyticsMetric, MetricDef> = {
  FIRST_RESPONSE_TIME: {
    unit: 'SECONDS',
    kinds: ['FIRST_RESPONSE'],
    compute: avg('FIRST_RESPONSE'),
    channelGoals: responseGoals,
    description: 'Mean wait from the first customer message of a thread (or of a reopen) to the first accepted agent reply.',
  },
  REPLY_TIME: {
    unit: 'SECONDS',
    kinds: ['NEXT_RESPONSE'],
    compute: avg('NEXT_RESPONSE'),
    channelGoals: responseGoals,
    description: 'Mean wait from a customer message that follows an agent reply to the next accepted agent reply.',
  },
  RESOLUTION_TIME: { unit: 'SECONDS', kinds: ['RESOLVED'], compute: avg('RESOLVED'), description: 'Mean time from thread start to resolution.' },
  SLA_COMPLIANCE: {
    unit: 'PERCENT',
    kinds: ['SLA_TARGET'],
    compute: rate('SLA_TARGET'),
    goal: { value: 95, direction: 'AT_LEAST' },
    description: 'SLA targets met / targets due (all targets).',
  },
  SLA_FIRST_RESPONSE_COMPLIANCE: {
    unit: 'PERCENT',
    kinds: ['SLA_TARGET'],
    target: 'FIRST_RESPONSE',
    compute: rate('SLA_TARGET', 'FIRST_RESPONSE'),
    goal: { value: 95, direction: 'AT_LEAST' },
    description: 'First-response targets met / due.',
  },
  SLA_NEXT_RESPONSE_COMPLIANCE: {
    unit: 'PERCENT',
    kinds: ['SLA_TARGET'],
    target: 'NEXT_RESPONSE',
    compute: rate('SLA_TARGET', 'NEXT_RESPONSE'),
    goal: { value: 95, direction: 'AT_LEAST' },
    description: 'Next-response targets met / due.',
  },
  SLA_RESOLUTION_COMPLIANCE: {
    unit: 'PERCENT',
    kinds: ['SLA_TARGET'],
    target: 'RESOLUTION',
    compute: rate('SLA_TARGET', 'RESOLUTION'),
    goal: { value: 95, direction: 'AT_LEAST' },
    description: 'Resolution targets met / due.',
  },
  FIRST_CONTACT_RESOLUTION: {
    unit: 'PERCENT',
    kinds: ['RESOLVED'],
    compute: rate('RESOLVED'),
    goal: { value: 80, direction: 'AT_LEAST' },
    description: 'Resolutions with exactly one agent reply and no reopen within 7 days / resolutions.',
  },
  ESCALATION_RATE: {
    unit: 'PERCENT',
    kinds: ['ESCALATED', 'THREAD_OPENED'],
    compute: (get) => {
      const opened = get('THREAD_OPENED').count;
      return { value: opened ? (100 * get('ESCALATED').count) / opened : null, businessValue: null, count: opened };
    },
    description: 'Escalations / threads opened.',
  },
  MESSAGES_PER_RESOLUTION: {
    unit: 'RATIO',
    kinds: ['RESOLVED'],
    compute: (get) => {
      const s = get('RESOLVED');
      return { value: s.count ? s.value / s.count : null, businessValue: null, count: s.count };
    },
    description: 'Customer messages and agent replies of resolved threads / resolutions.',
  },
  TEMPLATE_USAGE: {
    unit: 'PERCENT',
    kinds: ['REPLY'],
    compute: rate('REPLY'),
    goal: { value: 60, direction: 'AT_LEAST' },
    description: 'Agent replies sent from a template / agent replies.',
  },
  ASSIGNMENT_ACCURACY: {
    unit: 'PERCENT',
    kinds: ['ROUTED'],
    compute: rate('ROUTED'),
    goal: { value: 90, direction: 'AT_LEAST' },
    description: 'Resolved threads resolved by the team they were first routed to / resolved threads that were routed.',
  },
  TASK_COMPLETION_ON_TIME: {
    unit: 'PERCENT',
    kinds: ['TASK_COMPLETED'],
    compute: rate('TASK_COMPLETED'),
    goal: { value: 95, direction: 'AT_LEAST' },
    description: 'Tasks with a due date completed by it / tasks with a due date completed.',
  },
  CSAT: {
    unit: 'SCORE',
    kinds: ['CSAT'],
    compute: (get) => {
      const s = get('CSAT');
      return { value: s.count ? s.value / s.count : null, businessValue: null, count: s.count };
    },
    goal: { value: 4.5, direction: 'AT_LEAST' },
    description: 'Mean survey rating (1–5).',
  },
  CONVERSATIONS: { unit: 'COUNT', kinds: ['THREAD_OPENED'], compute: count('THREAD_OPENED'), description: 'Threads opened.' },
  CUSTOMER_MESSAGES: { unit: 'COUNT', kinds: ['CUSTOMER_MESSAGE'], compute: count('CUSTOMER_MESSAGE'), description: 'Customer messages received.' },
  REPLIES: { unit: 'COUNT', kinds: ['REPLY'], compute: count('REPLY'), description: 'Agent replies accepted by the provider.' },
  RESOLUTIONS: { unit: 'COUNT', kinds: ['RESOLVED'], compute: count('RESOLVED'), description: 'Threads resolved (a resolution undone by a reopen within 7 days does not count).' },
  ESCALATIONS: { unit: 'COUNT', kinds: ['ESCALATED'], compute: count('ESCALATED'), description: 'Escalations.' },
  REOPENS: { unit: 'COUNT', kinds: ['REOPENED'], compute: count('REOPENED'), description: 'Resolved threads opened again.' },
  BACKLOG: {
    unit: 'COUNT',
    kinds: ['THREAD_OPENED', 'RESOLVED', 'REOPENED'],
    // Computed cumulatively by the service (opened − resolved + reopened after a resolution that stood).
    compute: (get) => {
      const v = get('THREAD_OPENED').count - get('RESOLVED').count + get('REOPENED').met;
      return { value: v, businessValue: null, count: v };
    },
    description: 'Threads open at the end of the period: opened − resolved + reopened after a resolution that stood.',
  },
};

/** Green, amber or red against a target: amber within 5 % of an AT_LEAST target, within 25 % above an AT_MOST one. */
export function statusOf(value: number | null, goal: MetricTarget | undefined): 'GOOD' | 'WARNING' | 'BAD' | 'NONE' {
  if (value == null || !goal) return 'NONE';
  if (goal.direction === 'AT_LEAST') return value >= goal.value ? 'GOOD' : value >= goal.value * 0.95 ? 'WARNING' : 'BAD';
  return value <= goal.value ? 'GOOD' : value <= goal.value * 1.25 ? 'WARNING' : 'BAD';
}

/** A metric's value out of a bucket's sums. */
export function metricValue(metric: AnalyticsMetric, sums: SumsByKind): MetricValue {
  return METRICS[metric].compute((kind, target) => sums.get(target ? `${kind}:${target}` : kind) ?? ZERO);
}
