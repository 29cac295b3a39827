import { AreaChart, BarChart, LineChart } from '@mantine/charts';
import { getFragmentData, type FragmentType } from '../../gql';
import type { AnalyticsInterval, AnalyticsMetric, AnalyticsUnit } from '../../gql/graphql';
import { AnalyticsChart_point } from './useAnalyticsDashboard';
import { ChartCard } from './ChartCard';
import { clickedIndex, seriesRows } from './charts';
import { valueFormatter } from './format';
import { METRIC_LABEL } from './labels';
import { pointBucket } from './range';
import type { DrillTarget } from './DrillDownDrawer';

export interface SeriesSpec {
  metric: AnalyticsMetric;
  points: readonly FragmentType<typeof AnalyticsChart_point>[];
  color: string;
}

/**
 * A time series chart of one or more metrics of the same unit (line, area or bars).
 * Clicking a point opens the threads of that bucket ([point.start, point.end)).
 */
export function SeriesChart(props: {
  title: string;
  description?: string;
  testId: string;
  kind: 'line' | 'area' | 'bar';
  unit: AnalyticsUnit;
  interval: AnalyticsInterval;
  series: readonly SeriesSpec[];
  onDrill: (target: DrillTarget) => void;
}) {
  const series = props.series.map((s) => ({ ...s, points: getFragmentData(AnalyticsChart_point, s.points) }));
  const rows = seriesRows(props.interval, props.unit, series);
  const empty = series.every((s) => s.points.every((p) => !p.count));
  const onClick = (state: { activeTooltipIndex?: unknown; activeIndex?: unknown } | null) => {
    const i = clickedIndex(state, rows.length);
    if (i == null) return;
    const row = rows[i]!;
    props.onDrill({ title: `${props.title}, ${row.label}`, metrics: series.map((s) => s.metric), bucket: pointBucket(row) });
  };
  const common = {
    h: 220,
    data: rows,
    dataKey: 'label',
    series: series.map((s) => ({ name: s.metric, label: METRIC_LABEL[s.metric], color: s.color })),
    valueFormatter: valueFormatter(props.unit),
    withLegend: series.length > 1,
    yAxisProps: { width: props.unit === 'SECONDS' ? 84 : 48 },
    style: { cursor: 'pointer' },
  };
  return (
    <ChartCard title={props.title} description={props.description} testId={props.testId} empty={empty}>
      {props.kind === 'bar' ? (
        <BarChart {...common} barChartProps={{ onClick }} />
      ) : props.kind === 'area' ? (
        <AreaChart {...common} areaChartProps={{ onClick }} connectNulls={false} />
      ) : (
        <LineChart {...common} lineChartProps={{ onClick }} connectNulls={false} />
      )}
    </ChartCard>
  );
}
