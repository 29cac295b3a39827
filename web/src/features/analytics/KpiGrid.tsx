import { SimpleGrid } from '@mantine/core';
import type { AnalyticsDashboardQuery, AnalyticsMetric } from '../../gql/graphql';
import { KpiTile } from './KpiTile';
import { KPI_TILES, METRIC_LABEL } from './labels';
import type { DrillTarget } from './DrillDownDrawer';

/** The KPI tiles (labels.ts KPI_TILES) of a dashboard answer; a tile click drills down with bucket null. */
export function KpiGrid({ analytics, onDrill }: { analytics: AnalyticsDashboardQuery['analytics']; onDrill: (target: DrillTarget) => void }) {
  const byMetric = new Map(analytics.summary.map((v) => [v.metric, v]));
  const channelsOf = (m: AnalyticsMetric) => (m === 'FIRST_RESPONSE_TIME' ? analytics.firstResponseByChannel : m === 'REPLY_TIME' ? analytics.replyTimeByChannel : undefined);
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 4 }} spacing="sm" data-testid="kpi-grid">
      {KPI_TILES.map((m) => {
        const value = byMetric.get(m);
        if (!value) return null;
        return <KpiTile key={m} value={value} channels={channelsOf(m)} onOpen={() => onDrill({ title: METRIC_LABEL[m], metrics: [m], bucket: null })} />;
      })}
    </SimpleGrid>
  );
}
