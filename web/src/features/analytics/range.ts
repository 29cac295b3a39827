import { addDays, startOfDay, subDays } from 'date-fns';
import type { AnalyticsBucketInput, AnalyticsDimension, AnalyticsInterval } from '../../gql/graphql';
import { i18n } from '../../i18n';
import { formatDate, formatMonth, formatTime } from '../../shared/time';

/** [from, to) as Date objects (sent as ISO strings). */
export interface DateRange {
  from: Date;
  to: Date;
}

export type RangePreset = '7d' | '30d' | '90d' | 'custom';

export const PRESET_DAYS: Record<Exclude<RangePreset, 'custom'>, number> = { '7d': 7, '30d': 30, '90d': 90 };

export const DEFAULT_PRESET: RangePreset = '30d';

/**
 * The last `days` calendar days in the browser's time zone, today included:
 * [midnight `days - 1` days ago, next midnight). The end lies in the future so events of the
 * rest of today (live updates) fall inside the range, and the variables stay stable all day.
 */
export function presetRange(days: number, now: Date = new Date()): DateRange {
  const to = startOfDay(addDays(now, 1));
  return { from: subDays(to, days), to };
}

/** A custom range of whole days: `fromDay` 00:00 up to the end of `toDay` (inclusive day), local time. */
export function dayRange(fromDay: Date, toDay: Date): DateRange {
  const from = startOfDay(fromDay);
  const to = startOfDay(addDays(toDay, 1));
  return from < to ? { from, to } : { from: startOfDay(toDay), to: startOfDay(addDays(fromDay, 1)) };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The series interval for a range: HOUR up to 2 days, DAY up to 90 days, WEEK beyond
 * (an hour of slack for a daylight-saving change inside the range).
 */
export function intervalFor(range: DateRange): AnalyticsInterval {
  const span = range.to.getTime() - range.from.getTime();
  if (span <= 2 * DAY_MS + HOUR_MS) return 'HOUR';
  if (span <= 90 * DAY_MS + HOUR_MS) return 'DAY';
  return 'WEEK';
}

/** The browser's IANA time zone (sent with every analytics query). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The API's range input. */
export function rangeInput(range: DateRange): { from: string; to: string } {
  return { from: range.from.toISOString(), to: range.to.toISOString() };
}

/** Drill-down bucket of one series point: its [start, end). */
export function pointBucket(point: { start: string; end: string }): AnalyticsBucketInput {
  return { from: point.start, to: point.end };
}

/** Drill-down bucket of one breakdown bar: the dimension and the item's key. */
export function itemBucket(dimension: AnalyticsDimension, item: { key: string }): AnalyticsBucketInput {
  return { dimension, key: item.key };
}

/** A series point's label on the x axis, in the UI language and time zone: "3 Mar 14:00" (hours), "3 Mar" (days), "w/c 3 Mar" (weeks), "Mar 2026" (months). */
export function pointLabel(startIso: string, interval: AnalyticsInterval): string {
  const d = new Date(startIso);
  switch (interval) {
    case 'HOUR':
      return `${formatDate(d, { style: 'short' })} ${formatTime(d)}`;
    case 'DAY':
      return formatDate(d, { style: 'short' });
    case 'WEEK':
      return i18n.t('analytics.weekOf', { date: formatDate(d, { style: 'short' }) });
    case 'MONTH':
      return formatMonth(d);
  }
}

/** "3 Mar – 1 Apr 2026" for a [from, to) range of whole days (the end is exclusive). */
export function rangeLabel(range: { from: string | Date; to: string | Date }): string {
  const from = new Date(range.from);
  const lastInstant = new Date(new Date(range.to).getTime() - 1);
  return `${formatDate(from)} – ${formatDate(lastInstant)}`;
}

/**
 * Calls `fn` at most once every `ms`: the first call runs at once, calls inside the window
 * are coalesced into one trailing call at its end.
 */
export function throttle(fn: () => void, ms: number, now: () => number = Date.now) {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = now();
    fn();
  };
  return {
    call() {
      if (timer) return;
      const wait = last + ms - now();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
