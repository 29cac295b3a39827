import { SimpleGrid } from '@mantine/core';
import { getFragmentData } from '../../gql';
import type { AnalyticsDashboardQuery, AnalyticsInterval, AnalyticsMetric, AnalyticsSeriesQuery } from '../../gql/graphql';
import { BreakdownChart } from './BreakdownChart';
import { SeriesChart } from './SeriesChart';
import { KpiTile_value } from './useAnalyticsDashboard';
import type { DrillTarget } from './DrillDownDrawer';
import { i18n } from '../../i18n';

type Analytics = AnalyticsDashboardQuery['analytics'];
type Series = AnalyticsSeriesQuery['analytics'];

const NO_SERIES: Series = {
  __typename: 'Analytics',
  firstResponseSeries: [],
  replyTimeSeries: [],
  conversationsSeries: [],
  customerMessagesSeries: [],
  repliesSeries: [],
  resolutionsSeries: [],
  escalationsSeries: [],
  backlogSeries: [],
};

/**
 * The dashboard's charts: breakdowns from the numbers query, time series from the series
 * query (empty until it answered). Every bar and point drills down to its threads.
 */
export function AnalyticsCharts({
  analytics: a,
  series,
  interval,
  onDrill,
}: {
  analytics: Analytics;
  series: Series | undefined;
  interval: AnalyticsInterval;
  onDrill: (target: DrillTarget) => void;
}) {
  const s = series ?? NO_SERIES;
  const targetOf = (metric: AnalyticsMetric) => {
    const v = a.summary.find((s) => s.metric === metric);
    return v ? getFragmentData(KpiTile_value, v).target : null;
  };
  const self = a.scope === 'SELF';
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm" mt="sm">
      <SeriesChart
        title={i18n.t('analytics.charts.responseTimes')}
        description={i18n.t('analytics.charts.responseTimesHint')}
        testId="chart-response-times"
        kind="line"
        unit="SECONDS"
        interval={interval}
        series={[
          { metric: 'FIRST_RESPONSE_TIME', points: s.firstResponseSeries, color: 'indigo.6' },
          { metric: 'REPLY_TIME', points: s.replyTimeSeries, color: 'cyan.6' },
        ]}
        onDrill={onDrill}
      />
      <SeriesChart
        title={i18n.t('analytics.charts.volume')}
        testId="chart-volume"
        kind="line"
        unit="COUNT"
        interval={interval}
        series={[
          { metric: 'CONVERSATIONS', points: s.conversationsSeries, color: 'indigo.6' },
          { metric: 'CUSTOMER_MESSAGES', points: s.customerMessagesSeries, color: 'grape.5' },
          { metric: 'REPLIES', points: s.repliesSeries, color: 'teal.6' },
          { metric: 'RESOLUTIONS', points: s.resolutionsSeries, color: 'orange.6' },
        ]}
        onDrill={onDrill}
      />
      <BreakdownChart
        title="SLA compliance per channel"
        testId="chart-sla-channel"
        unit="PERCENT"
        dimension="CHANNEL"
        series={[{ metric: 'SLA_COMPLIANCE', items: a.slaByChannel, color: 'indigo.6' }]}
        target={targetOf('SLA_COMPLIANCE')}
        statusColors
        onDrill={onDrill}
      />
      <BreakdownChart
        title="SLA compliance per team"
        testId="chart-sla-team"
        unit="PERCENT"
        dimension="TEAM"
        series={[{ metric: 'SLA_COMPLIANCE', items: a.slaByTeam, color: 'indigo.6' }]}
        target={targetOf('SLA_COMPLIANCE')}
        statusColors
        onDrill={onDrill}
      />
      {!self && (
        <BreakdownChart
          title={i18n.t('analytics.charts.workload')}
          testId="chart-workload"
          unit="COUNT"
          dimension="AGENT"
          series={[
            { metric: 'REPLIES', items: a.repliesByAgent, color: 'teal.6' },
            { metric: 'RESOLUTIONS', items: a.resolutionsByAgent, color: 'orange.6' },
          ]}
          vertical
          onDrill={onDrill}
        />
      )}
      <SeriesChart
        title={i18n.t('analytics.charts.escalations')}
        testId="chart-escalations"
        kind="bar"
        unit="COUNT"
        interval={interval}
        series={[{ metric: 'ESCALATIONS', points: s.escalationsSeries, color: 'red.6' }]}
        onDrill={onDrill}
      />
      <BreakdownChart
        title="CSAT per channel"
        testId="chart-csat-channel"
        unit="SCORE"
        dimension="CHANNEL"
        series={[{ metric: 'CSAT', items: a.csatByChannel, color: 'yellow.6' }]}
        target={targetOf('CSAT')}
        statusColors
        onDrill={onDrill}
      />
      {!self && (
        <BreakdownChart
          title="CSAT per agent"
          testId="chart-csat-agent"
          unit="SCORE"
          dimension="AGENT"
          series={[{ metric: 'CSAT', items: a.csatByAgent, color: 'yellow.6' }]}
          statusColors
          vertical
          onDrill={onDrill}
        />
      )}
      <SeriesChart
        title={i18n.t('analytics.charts.backlog')}
        description={i18n.t('analytics.charts.backlogHint')}
        testId="chart-backlog"
        kind="area"
        unit="COUNT"
        interval={interval}
        series={[{ metric: 'BACKLOG', points: s.backlogSeries, color: 'violet.6' }]}
        onDrill={onDrill}
      />
      <BreakdownChart
        title={i18n.t('analytics.charts.perChannel')}
        description={i18n.t('analytics.charts.perChannelHint')}
        testId="chart-channel-preference"
        unit="COUNT"
        dimension="CHANNEL"
        series={[{ metric: 'CUSTOMER_MESSAGES', items: a.messagesByChannel, color: 'grape.5' }]}
        onDrill={onDrill}
      />
    </SimpleGrid>
  );
}
