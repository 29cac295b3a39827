/**
 * Dates, times, relative times, durations and numbers for people, through
 * `Intl` in the UI language (i18n/index.ts) and the user's time zone
 * (User.timezone, else the organization's, else the browser's). One module:
 * components never format a date themselves. nl and it use the 24-hour clock;
 * en follows British English (also 24-hour, "3 Mar 2026, 14:30").
 */
import { useEffect, useState } from 'react';
import { currentLanguage, currentTimeZone, i18n, type UiLanguage } from '../i18n';

/** Re-render every `intervalMs` so relative times stay fresh. */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** The Intl locale of a UI language (en → en-GB: day before month, 24-hour clock). */
const INTL_LOCALE: Record<UiLanguage, string> = { nl: 'nl-NL', en: 'en-GB', it: 'it-IT' };

/** The Intl locale of the current UI language, e.g. "nl-NL". */
export function intlLocale(): string {
  return INTL_LOCALE[currentLanguage()];
}

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

function dateFormat(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = intlLocale();
  const timeZone = currentTimeZone();
  const full: Intl.DateTimeFormatOptions = { ...opts, timeZone };
  if (opts.hour !== undefined || opts.timeStyle !== undefined) full.hourCycle = 'h23';
  return cached(`d|${locale}|${timeZone ?? ''}|${JSON.stringify(opts)}`, () => new Intl.DateTimeFormat(locale, full));
}

const toDate = (v: string | number | Date) => (v instanceof Date ? v : new Date(v));

/** The calendar day of `d` in the shown time zone, "2026-03-03". */
function dayKey(d: Date): string {
  const parts = dateFormat({ year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Whether `a` and `b` fall on the same calendar day in the shown time zone. */
export function isSameLocalDay(a: string | number | Date, b: string | number | Date): boolean {
  return dayKey(toDate(a)) === dayKey(toDate(b));
}

/** Date and time, e.g. nl "3 mrt 2026, 14:30", it "3 mar 2026, 14:30", en "3 Mar 2026, 14:30"; `withZone` appends the zone ("14:30 CET"). */
export function formatDateTime(v: string | number | Date, opts: { withZone?: boolean } = {}): string {
  const d = toDate(v);
  const text = dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(d);
  return opts.withZone ? `${text} ${zoneName(d)}` : text;
}

/** Date only, e.g. "3 mrt 2026"; `style: 'short'` gives "3 mrt" (day and month). */
export function formatDate(v: string | number | Date, opts: { style?: 'medium' | 'short' | 'long' } = {}): string {
  const d = toDate(v);
  if (opts.style === 'short') return dateFormat({ day: 'numeric', month: 'short' }).format(d);
  return dateFormat({ dateStyle: opts.style ?? 'medium' }).format(d);
}

/** Month and year, e.g. nl "mrt 2026", it "mar 2026", en "Mar 2026". */
export function formatMonth(v: string | number | Date): string {
  return dateFormat({ month: 'short', year: 'numeric' }).format(toDate(v));
}

/** Time of day on the 24-hour clock, "14:30"; `withZone` appends the zone's short name ("14:30 CET"). */
export function formatTime(v: string | number | Date, opts: { withZone?: boolean } = {}): string {
  const d = toDate(v);
  const text = dateFormat({ hour: '2-digit', minute: '2-digit' }).format(d);
  return opts.withZone ? `${text} ${zoneName(d)}` : text;
}

/** The short name of the shown time zone at `d`, e.g. "CET", "CEST", "GMT+1". */
export function zoneName(v: string | number | Date): string {
  const parts = dateFormat({ hour: '2-digit', timeZoneName: 'short' }).formatToParts(toDate(v));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** A due time with its zone: "14:30 CET" on the day of `reference`, else "3 mrt 14:30 CET". */
export function formatDueTime(v: string | number | Date, reference: Date = new Date()): string {
  const d = toDate(v);
  const time = formatTime(d, { withZone: true });
  return isSameLocalDay(d, reference) ? time : `${formatDate(d, { style: 'short' })} ${time}`;
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "5 minuten geleden", "3 hours ago", "tra 2 giorni" (Intl.RelativeTimeFormat, the largest whole unit). */
export function formatRelative(v: string | number | Date, now: Date = new Date()): string {
  const diff = toDate(v).getTime() - now.getTime();
  const locale = intlLocale();
  const f = cached(`r|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'always' }));
  for (const [unit, ms] of RELATIVE_UNITS) {
    if (Math.abs(diff) >= ms || unit === 'second') return f.format(Math.trunc(diff / ms), unit);
  }
  return f.format(0, 'second');
}

/** A number in the UI language ("1.234,5" in nl and it, "1,234.5" in en); `opts` as Intl.NumberFormat (e.g. { style: 'percent' }). */
export function formatNumber(n: number, opts: Intl.NumberFormatOptions = {}): string {
  const locale = intlLocale();
  return cached(`n|${locale}|${JSON.stringify(opts)}`, () => new Intl.NumberFormat(locale, opts)).format(n);
}

/** One narrow unit amount: "5m", "3h" (nl "3 u"), "2d" (it "2gg"). */
function unitAmount(n: number, unit: 'minute' | 'hour' | 'day'): string {
  return formatNumber(n, { style: 'unit', unit, unitDisplay: 'narrow' });
}

/** Compact distance of `minutes` (sign ignored): "5m", "3h", "2d" in the UI language. */
export function shortDistance(minutes: number): string {
  const m = Math.max(0, Math.round(Math.abs(minutes)));
  if (m < 60) return unitAmount(m, 'minute');
  const h = Math.round(m / 60);
  if (h < 48) return unitAmount(h, 'hour');
  return unitAmount(Math.round(h / 24), 'day');
}

/** Duration of `ms` (sign ignored) with two units: "<1m", "45m", "2h 10m", "3h", "1d 4h", "2d" in the UI language. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return `<${unitAmount(1, 'minute')}`;
  if (minutes < 60) return unitAmount(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes % 60;
  if (hours < 24) return restMinutes ? `${unitAmount(hours, 'hour')} ${unitAmount(restMinutes, 'minute')}` : unitAmount(hours, 'hour');
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `${unitAmount(days, 'day')} ${unitAmount(restHours, 'hour')}` : unitAmount(days, 'day');
}

/** "3 hours ago" / "3 uur geleden" from now. */
export function relativeTime(iso: string): string {
  return formatRelative(iso);
}

/** The inbox row's time: "now", "5m", "3h" within a day, else the date ("3 mrt"). */
export function listTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const minutes = Math.trunc((now.getTime() - d.getTime()) / 60_000);
  if (minutes < 1) return i18n.t('time.now');
  if (minutes < 60 * 24) return shortDistance(minutes);
  return isSameLocalDay(d, now) ? formatTime(d) : formatDate(d, { style: 'short' });
}

/** A message's time: "14:30" today, else "3 mrt 2026, 14:30". */
export function messageTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  return isSameLocalDay(d, now) ? formatTime(d) : formatDateTime(d);
}

export type DueState = { kind: 'overdue' | 'due'; label: string } | null;

/** "overdue 3h" when flagged overdue (or past due), "due in 2h" otherwise (in the UI language); null when no SLA. */
export function dueState(responseDueAt: string | null | undefined, overdue: boolean, now: Date = new Date()): DueState {
  if (!responseDueAt) return overdue ? { kind: 'overdue', label: i18n.t('sla.overdue') } : null;
  const minutes = Math.trunc((new Date(responseDueAt).getTime() - now.getTime()) / 60_000);
  if (overdue || minutes < 0) return { kind: 'overdue', label: i18n.t('sla.overdueBy', { time: shortDistance(minutes) }) };
  return { kind: 'due', label: i18n.t('sla.dueIn', { time: shortDistance(minutes) }) };
}

/** Up to two initials of a name, "Sarah de Vries" → "SD". */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');
}
