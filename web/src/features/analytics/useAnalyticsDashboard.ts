import { useEffect, useMemo, useRef } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { AnalyticsFilterInput, AnalyticsInterval, ChannelType } from '../../gql/graphql';
import { browserTimeZone, intervalFor, rangeInput, throttle, type DateRange } from './range';

/** One KPI tile's number against its target, with the previous period's. */
export const KpiTile_value = graphql(`
  fragment KpiTile_value on AnalyticsValue {
    metric
    unit
    value
    businessValue
    count
    previousValue
    previousBusinessValue
    previousCount
    target
    direction
    status
  }
`);

/** One point of a time series (drill-down bucket: [start, end)). */
export const AnalyticsChart_point = graphql(`
  fragment AnalyticsChart_point on AnalyticsPoint {
    start
    end
    value
    businessValue
    count
  }
`);

/** One bar of a breakdown (drill-down bucket: dimension + key). */
export const AnalyticsChart_item = graphql(`
  fragment AnalyticsChart_item on AnalyticsBreakdownItem {
    key
    label
    value
    businessValue
    count
    target
    status
  }
`);

/**
 * The dashboard's numbers: the KPIs (with the response times per channel for their targets)
 * and every breakdown chart. Series are a second query (AnalyticsSeriesQuery): the API allows
 * at most 15 aliases per operation.
 *
 * Both are fetched `no-cache`: `Analytics` has no id, so two queries writing different fields
 * into the same `analytics(range, filter, timezone)` entry would replace each other's.
 */
export const AnalyticsDashboardQuery = graphql(`
  query AnalyticsDashboard($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput, $timezone: String) {
    analytics(range: $range, filter: $filter, timezone: $timezone) {
      from
      to
      previousFrom
      previousTo
      timezone
      scope
      summary {
        metric
        ...KpiTile_value
      }
      firstResponseByChannel: breakdown(metric: FIRST_RESPONSE_TIME, by: CHANNEL) {
        ...AnalyticsChart_item
      }
      replyTimeByChannel: breakdown(metric: REPLY_TIME, by: CHANNEL) {
        ...AnalyticsChart_item
      }
      slaByChannel: breakdown(metric: SLA_COMPLIANCE, by: CHANNEL) {
        ...AnalyticsChart_item
      }
      slaByTeam: breakdown(metric: SLA_COMPLIANCE, by: TEAM) {
        ...AnalyticsChart_item
      }
      repliesByAgent: breakdown(metric: REPLIES, by: AGENT) {
        ...AnalyticsChart_item
      }
      resolutionsByAgent: breakdown(metric: RESOLUTIONS, by: AGENT) {
        ...AnalyticsChart_item
      }
      csatByChannel: breakdown(metric: CSAT, by: CHANNEL) {
        ...AnalyticsChart_item
      }
      csatByAgent: breakdown(metric: CSAT, by: AGENT) {
        ...AnalyticsChart_item
      }
      messagesByChannel: breakdown(metric: CUSTOMER_MESSAGES, by: CHANNEL) {
        ...AnalyticsChart_item
      }
    }
  }
`);

/** The time series of the dashboard's charts, bucketed by `interval` in the query's time zone. */
export const AnalyticsSeriesQuery = graphql(`
  query AnalyticsSeries($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput, $timezone: String, $interval: AnalyticsInterval!) {
    analytics(range: $range, filter: $filter, timezone: $timezone) {
      firstResponseSeries: series(metric: FIRST_RESPONSE_TIME, interval: $interval) {
        ...AnalyticsChart_point
      }
      replyTimeSeries: series(metric: REPLY_TIME, interval: $interval) {
        ...AnalyticsChart_point
      }
      conversationsSeries: series(metric: CONVERSATIONS, interval: $interval) {
        ...AnalyticsChart_point
      }
      customerMessagesSeries: series(metric: CUSTOMER_MESSAGES, interval: $interval) {
        ...AnalyticsChart_point
      }
      repliesSeries: series(metric: REPLIES, interval: $interval) {
        ...AnalyticsChart_point
      }
      resolutionsSeries: series(metric: RESOLUTIONS, interval: $interval) {
        ...AnalyticsChart_point
      }
      escalationsSeries: series(metric: ESCALATIONS, interval: $interval) {
        ...AnalyticsChart_point
      }
      backlogSeries: series(metric: BACKLOG, interval: $interval) {
        ...AnalyticsChart_point
      }
    }
  }
`);

/** Pushed when reporting events were recorded (the API sends at most one per organization every 3 s). */
export const AnalyticsUpdatedSubscription = graphql(`
  subscription AnalyticsUpdated {
    analyticsUpdated {
      organizationId
      kinds
      at
    }
  }
`);

/** The dashboard's filters (empty lists: everything). */
export interface AnalyticsFilterState {
  channelTypes: ChannelType[];
  teamIds: string[];
}

export const NO_FILTER: AnalyticsFilterState = { channelTypes: [], teamIds: [] };

/** The API's filter input; null when nothing is filtered. */
export function filterInput(filter: AnalyticsFilterState): AnalyticsFilterInput | null {
  const out: AnalyticsFilterInput = {};
  if (filter.channelTypes.length) out.channelTypes = filter.channelTypes;
  if (filter.teamIds.length) out.teamIds = filter.teamIds;
  return Object.keys(out).length ? out : null;
}

/** range + filter + the browser's time zone: shared by the dashboard, the drill-down and the export. */
export interface AnalyticsScopeVariables {
  range: { from: string; to: string };
  filter: AnalyticsFilterInput | null;
  timezone: string;
}

export function scopeVariables(range: DateRange, filter: AnalyticsFilterState): AnalyticsScopeVariables {
  return { range: rangeInput(range), filter: filterInput(filter), timezone: browserTimeZone() };
}

/** The dashboard's variables: the scope plus the series interval picked from the range's length. */
export function dashboardVariables(range: DateRange, filter: AnalyticsFilterState): AnalyticsScopeVariables & { interval: AnalyticsInterval } {
  return { ...scopeVariables(range, filter), interval: intervalFor(range) };
}

/** Minimum time between two live refetches of the dashboard. */
export const LIVE_REFETCH_MS = 3000;

/** Calls `onUpdate` on `analyticsUpdated`, at most once every `ms` (bursts end in one trailing call). */
export function useAnalyticsLive(onUpdate: () => void, ms: number = LIVE_REFETCH_MS) {
  const latest = useRef(onUpdate);
  useEffect(() => {
    latest.current = onUpdate;
  }, [onUpdate]);
  const throttled = useMemo(() => throttle(() => latest.current(), ms), [ms]);
  useEffect(() => () => throttled.cancel(), [throttled]);
  useSubscription(AnalyticsUpdatedSubscription, { onData: () => throttled.call() });
}

const ignore = () => undefined;

/**
 * The dashboard's two queries (numbers and series) for a range and filters, kept live: every
 * `analyticsUpdated` refetches both (throttled to once every 3 s). While new variables load,
 * the previous answer stays on screen.
 */
export function useAnalyticsDashboard(range: DateRange, filter: AnalyticsFilterState) {
  const variables = useMemo(() => dashboardVariables(range, filter), [range, filter]);
  const scope = useMemo(() => ({ range: variables.range, filter: variables.filter, timezone: variables.timezone }), [variables]);
  const numbers = useQuery(AnalyticsDashboardQuery, { variables: scope, fetchPolicy: 'no-cache' });
  const series = useQuery(AnalyticsSeriesQuery, { variables, fetchPolicy: 'no-cache' });
  const refetchNumbers = numbers.refetch;
  const refetchSeries = series.refetch;
  useAnalyticsLive(() => {
    refetchNumbers().catch(ignore);
    refetchSeries().catch(ignore);
  });
  return {
    analytics: (numbers.data ?? numbers.previousData)?.analytics,
    series: (series.data ?? series.previousData)?.analytics,
    loading: numbers.loading,
    error: numbers.error ?? series.error,
    variables,
    scope,
  };
}
