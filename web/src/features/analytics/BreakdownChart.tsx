import { BarChart } from '@mantine/charts';
import { getFragmentData, type FragmentType } from '../../gql';
import type { AnalyticsDimension, AnalyticsMetric, AnalyticsUnit, KpiStatus } from '../../gql/graphql';
import { AnalyticsChart_item } from './useAnalyticsDashboard';
import { ChartCard } from './ChartCard';
import { breakdownRows, clickedIndex, itemLabel, shownValue } from './charts';
import { formatValue, valueFormatter } from './format';
import { KPI_STATUS_COLOR, METRIC_LABEL } from './labels';
import { itemBucket } from './range';
import type { DrillTarget } from './DrillDownDrawer';

export interface BreakdownSpec {
  metric: AnalyticsMetric;
  items: readonly FragmentType<typeof AnalyticsChart_item>[];
  color: string;
}

/**
 * A bar chart of one or more metrics per value of a dimension (channel, team, agent).
 * `statusColors`: colour single-metric bars by their KPI status. A reference line marks
 * `target`. Clicking a bar opens the threads of that key (bucket { dimension, key }).
 */
export function BreakdownChart(props: {
  title: string;
  description?: string;
  testId: string;
  unit: AnalyticsUnit;
  dimension: AnalyticsDimension;
  series: readonly BreakdownSpec[];
  onDrill: (target: DrillTarget) => void;
  target?: number | null;
  statusColors?: boolean;
  vertical?: boolean;
}) {
  const series = props.series.map((s) => ({ ...s, items: getFragmentData(AnalyticsChart_item, s.items) }));
  const rows = breakdownRows(props.unit, series, (item) => itemLabel(props.dimension, item));
  // One target per metric: the status is a function of the value, so the value finds it.
  const statusByValue = new Map<number | null, KpiStatus>(series[0]?.items.map((i) => [shownValue(props.unit, i), i.status]) ?? []);
  const onClick = (state: { activeTooltipIndex?: unknown; activeIndex?: unknown } | null) => {
    const i = clickedIndex(state, rows.length);
    if (i == null) return;
    const row = rows[i]!;
    props.onDrill({ title: `${props.title}: ${row.label}`, metrics: series.map((s) => s.metric), bucket: itemBucket(props.dimension, row) });
  };
  const referenceLines =
    props.target != null
      ? [{ ...(props.vertical ? { x: props.target } : { y: props.target }), label: `Target ${formatValue(props.unit, props.target)}`, color: 'red.6' }]
      : undefined;
  return (
    <ChartCard title={props.title} description={props.description} testId={props.testId} empty={rows.length === 0}>
      <BarChart
        h={props.vertical ? Math.max(160, rows.length * (28 * series.length) + 40) : 220}
        data={rows}
        dataKey="label"
        series={series.map((s) => ({ name: s.metric, label: METRIC_LABEL[s.metric], color: s.color }))}
        orientation={props.vertical ? 'vertical' : 'horizontal'}
        valueFormatter={valueFormatter(props.unit)}
        withLegend={series.length > 1}
        referenceLines={referenceLines}
        getBarColor={
          props.statusColors && series.length === 1
            ? (value) => {
                const status = statusByValue.get(value) ?? 'NONE';
                return status === 'NONE' ? series[0]!.color : `${KPI_STATUS_COLOR[status]}.6`;
              }
            : undefined
        }
        yAxisProps={props.vertical ? { width: 120 } : { width: props.unit === 'SECONDS' ? 84 : 48 }}
        barChartProps={{ onClick }}
        style={{ cursor: 'pointer' }}
      />
    </ChartCard>
  );
}
