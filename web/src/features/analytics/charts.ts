import type { AnalyticsChart_ItemFragment, AnalyticsChart_PointFragment, AnalyticsDimension, AnalyticsInterval, AnalyticsMetric, AnalyticsUnit } from '../../gql/graphql';
import { channelLabel } from '../../shared/ChannelIcon';
import { pointLabel } from './range';
import { i18n } from '../../i18n';

/** A chart row of a time series chart: x label, the bucket, one value per metric. */
export interface SeriesRow {
  label: string;
  start: string;
  end: string;
  [metric: string]: number | string | null;
}

/** The shown value of a point or bar: business time for SECONDS metrics, else the value. */
export function shownValue(unit: AnalyticsUnit, v: { value: number | null; businessValue: number | null }): number | null {
  return unit === 'SECONDS' ? (v.businessValue ?? v.value) : v.value;
}

/**
 * Rows of a multi-metric series chart: the series of one range share their buckets, so the
 * n-th points line up (the first series decides the buckets).
 */
export function seriesRows(
  interval: AnalyticsInterval,
  unit: AnalyticsUnit,
  series: readonly { metric: AnalyticsMetric; points: readonly AnalyticsChart_PointFragment[] }[],
): SeriesRow[] {
  const first = series[0]?.points ?? [];
  return first.map((p, i) => {
    const row: SeriesRow = { label: pointLabel(p.start, interval), start: p.start, end: p.end };
    for (const s of series) {
      const point = s.points[i];
      row[s.metric] = point ? shownValue(unit, point) : null;
    }
    return row;
  });
}

/** A chart row of a breakdown chart: the bar's key and label, one value per metric. */
export interface BreakdownRow {
  key: string;
  label: string;
  [metric: string]: number | string | null;
}

/** Rows of a multi-metric breakdown chart, merged by key (order: first appearance); `labelOf` names a bar. */
export function breakdownRows(
  unit: AnalyticsUnit,
  series: readonly { metric: AnalyticsMetric; items: readonly AnalyticsChart_ItemFragment[] }[],
  labelOf: (item: AnalyticsChart_ItemFragment) => string = (item) => item.label || i18n.t('common.none'),
): BreakdownRow[] {
  const rows = new Map<string, BreakdownRow>();
  for (const s of series) {
    for (const item of s.items) {
      const row = rows.get(item.key) ?? { key: item.key, label: labelOf(item) };
      row[s.metric] = shownValue(unit, item);
      rows.set(item.key, row);
    }
  }
  for (const row of rows.values()) for (const s of series) if (!(s.metric in row)) row[s.metric] = null;
  return [...rows.values()];
}

/** A bar's name: channel types get their human name (the API labels them with the enum value). */
export function itemLabel(dimension: AnalyticsDimension, item: { key: string; label: string }): string {
  if (dimension === 'CHANNEL' && item.key) return channelLabel(item.key);
  return item.label || i18n.t('common.none');
}

/** The row index of a recharts click (`activeTooltipIndex` is a number or a numeric string); null when none. */
export function clickedIndex(state: { activeTooltipIndex?: unknown; activeIndex?: unknown } | null | undefined, rows: number): number | null {
  const raw = state?.activeTooltipIndex ?? state?.activeIndex;
  if (raw == null || raw === '') return null;
  const i = Number(raw);
  return Number.isInteger(i) && i >= 0 && i < rows ? i : null;
}
