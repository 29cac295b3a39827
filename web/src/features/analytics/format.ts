import type { AnalyticsUnit, TargetDirection } from '../../gql/graphql';
import { formatNumber } from '../../shared/time';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

// Numbers in the UI language ("93,4" in nl and it).
const number1 = { format: (n: number) => formatNumber(n, { maximumFractionDigits: 1 }) };
const integer = { format: (n: number) => formatNumber(n, { maximumFractionDigits: 0 }) };
const fixed1 = (n: number) => formatNumber(n, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/**
 * A duration in seconds as people read it: "45 s", "12 min", "1 h 12 min", "2 h",
 * "3 d 4 h". Minutes are rounded; the sign is kept ("-5 min").
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s < MINUTE) return `${sign}${Math.round(s)} s`;
  const totalMinutes = Math.round(s / MINUTE);
  if (totalMinutes < 60) return `${sign}${totalMinutes} min`;
  if (s < DAY) {
    const h = Math.floor(totalMinutes / 60);
    const m = totalMinutes % 60;
    return `${sign}${h} h${m ? ` ${m} min` : ''}`;
  }
  const totalHours = Math.round(s / HOUR);
  const d = Math.floor(totalHours / 24);
  const h = totalHours % 24;
  return `${sign}${d} d${h ? ` ${h} h` : ''}`;
}

/** A 0–100 percentage with at most one decimal: "93.4 %", "100 %". */
export function formatPercent(value: number): string {
  return `${number1.format(value)} %`;
}

/** A value of the given unit for display; "—" when there is nothing to measure (null). */
export function formatValue(unit: AnalyticsUnit, value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'SECONDS':
      return formatDuration(value);
    case 'PERCENT':
      return formatPercent(value);
    case 'SCORE':
      return `${fixed1(value)} / 5`;
    case 'RATIO':
      return fixed1(value);
    case 'COUNT':
      return integer.format(value);
  }
}

/** A short axis/tooltip formatter per unit (charts). */
export function valueFormatter(unit: AnalyticsUnit): (value: number) => string {
  return (value) => formatValue(unit, value);
}

/**
 * The change from the previous period: "+1.2 pp" (percentages, in points), "-12 min",
 * "+0.3" (scores, ratios), "+14" (counts); null when either side is missing.
 */
export function formatChange(unit: AnalyticsUnit, value: number | null | undefined, previous: number | null | undefined): string | null {
  if (value == null || previous == null) return null;
  const delta = value - previous;
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±';
  const abs = Math.abs(delta);
  switch (unit) {
    case 'SECONDS':
      return abs < 0.5 ? '±0 s' : `${sign}${formatDuration(abs)}`;
    case 'PERCENT':
      return `${sign}${number1.format(abs)} pp`;
    case 'SCORE':
    case 'RATIO':
      return `${sign}${fixed1(abs)}`;
    case 'COUNT':
      return `${sign}${integer.format(abs)}`;
  }
}

/** The target as a short text: "≥ 95 %", "≤ 4 h", "≥ 4.5 / 5"; null without a target. */
export function formatTarget(unit: AnalyticsUnit, target: number | null | undefined, direction: TargetDirection | null | undefined): string | null {
  if (target == null) return null;
  const op = direction === 'AT_MOST' ? '≤' : '≥';
  return `${op} ${formatValue(unit, target)}`;
}

/** Whether a change is an improvement, a deterioration or neither ('up' = better). */
export function changeTone(value: number | null | undefined, previous: number | null | undefined, betterWhen: 'HIGHER' | 'LOWER' | null): 'better' | 'worse' | 'neutral' {
  if (value == null || previous == null || value === previous || !betterWhen) return 'neutral';
  return value > previous === (betterWhen === 'HIGHER') ? 'better' : 'worse';
}
