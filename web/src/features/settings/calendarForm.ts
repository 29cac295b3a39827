/**
 * Pure logic of the business calendar form: the weekly hours editor (several intervals per
 * weekday), HH:MM validation, holidays, and the mapping to and from the GraphQL input, whose
 * error paths ("input.hours.<i>.closes", "input.holidays.<i>") point into the flattened list.
 */
import { i18n } from '../../i18n';
import { intlLocale } from '../../shared/time';

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface IntervalDraft {
  key: string;
  opens: string;
  closes: string;
}

export interface CalendarDraft {
  name: string;
  timezone: string;
  holidayCountry: string | null;
  /** ISO weekday 1..7 → its intervals, in the editor's order. */
  hours: Record<number, IntervalDraft[]>;
  /** "YYYY-MM-DD", sorted. */
  holidays: string[];
}

let seq = 0;
export const newKey = () => `k${++seq}`;

/** "09:30" → 570; "24:00" → 1440; NaN when malformed. */
export function minutesOf(hhmm: string): number {
  if (hhmm === '24:00') return 1440;
  if (!HHMM.test(hhmm)) return Number.NaN;
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

export function emptyHours(): Record<number, IntervalDraft[]> {
  return { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };
}

/** A new calendar: Monday to Friday 09:00–17:00 in Europe/Amsterdam, Dutch public holidays. */
export function defaultCalendarDraft(): CalendarDraft {
  const hours = emptyHours();
  for (const d of [1, 2, 3, 4, 5]) hours[d] = [{ key: newKey(), opens: '09:00', closes: '17:00' }];
  return { name: '', timezone: 'Europe/Amsterdam', holidayCountry: 'NL', hours, holidays: [] };
}

export function draftFromCalendar(c: {
  name: string;
  timezone: string;
  holidayCountry: string | null;
  holidays: readonly string[];
  hours: readonly { weekday: number; opens: string; closes: string }[];
}): CalendarDraft {
  const hours = emptyHours();
  for (const h of c.hours) (hours[h.weekday] ??= []).push({ key: newKey(), opens: h.opens, closes: h.closes });
  return { name: c.name, timezone: c.timezone, holidayCountry: c.holidayCountry, hours, holidays: [...c.holidays].sort() };
}

/** Form keys of an interval's inputs. */
export const intervalKey = (weekday: number, index: number, part: 'opens' | 'closes') => `day.${weekday}.${index}.${part}`;

/**
 * The hours as the API wants them (weekday order, editor order within a day) and, per position,
 * the editor interval it came from (to put "input.hours.<i>…" errors on the right inputs).
 */
export function hoursInput(draft: CalendarDraft) {
  const input: { weekday: number; opens: string; closes: string }[] = [];
  const origin: { weekday: number; index: number }[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    (draft.hours[weekday] ?? []).forEach((h, index) => {
      input.push({ weekday, opens: h.opens.trim(), closes: h.closes.trim() });
      origin.push({ weekday, index });
    });
  }
  return { input, origin };
}

/** Client-side checks; errors keyed by form key ("name", "timezone", "hours", "day.1.0.closes", "holidays.2"). */
export function validateCalendar(draft: CalendarDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!draft.name.trim()) errors.name = i18n.t('settings.common.nameRequired');
  else if (draft.name.trim().length > 100) errors.name = i18n.t('settings.common.max100');
  if (!draft.timezone) errors.timezone = i18n.t('settings.calendars.pickTimezone');
  let count = 0;
  for (let weekday = 1; weekday <= 7; weekday++) {
    const day = draft.hours[weekday] ?? [];
    const spans: { index: number; from: number; to: number }[] = [];
    day.forEach((h, index) => {
      count++;
      const opens = h.opens.trim();
      const closes = h.closes.trim();
      const from = minutesOf(opens);
      const to = minutesOf(closes);
      if (!HHMM.test(opens)) errors[intervalKey(weekday, index, 'opens')] = i18n.t('settings.calendars.opensFormat');
      if (!(HHMM.test(closes) || closes === '24:00')) errors[intervalKey(weekday, index, 'closes')] = i18n.t('settings.calendars.closesFormat');
      else if (!Number.isNaN(from) && to <= from) errors[intervalKey(weekday, index, 'closes')] = i18n.t('settings.calendars.closesAfter');
      if (!Number.isNaN(from) && !Number.isNaN(to) && to > from) spans.push({ index, from, to });
    });
    const sorted = [...spans].sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const cur = sorted[i]!;
      if (cur.from < prev.to) errors[intervalKey(weekday, cur.index, 'opens')] ??= i18n.t('settings.calendars.overlap');
    }
  }
  if (count === 0) errors.hours = i18n.t('settings.calendars.atLeastOne');
  draft.holidays.forEach((d, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) errors[`holidays.${i}`] = i18n.t('settings.calendars.dateFormat');
  });
  return errors;
}

/** A server error path ("hours.3.closes", "hours.3", "holidays.1", "name") → the form key. */
export function formKeyOfServerPath(path: string, origin: readonly { weekday: number; index: number }[]): string {
  const m = /^hours\.(\d+)(?:\.(opens|closes|weekday))?/.exec(path);
  if (m) {
    const o = origin[Number(m[1])];
    if (!o) return 'hours';
    return intervalKey(o.weekday, o.index, m[2] === 'closes' ? 'closes' : 'opens');
  }
  const h = /^holidays\.(\d+)/.exec(path);
  if (h) return `holidays.${h[1]}`;
  return path.split('.')[0] ?? path;
}

/** "Mon–Fri 09:00–17:00" style summary of the hours, one entry per weekday with intervals. */
export function hoursSummary(hours: readonly { weekday: number; opens: string; closes: string }[]): string {
  // Short weekday names in the UI language (2024-01-01 was a Monday).
  const days = ['', ...[1, 2, 3, 4, 5, 6, 7].map((d) => new Intl.DateTimeFormat(intlLocale(), { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, d))))];
  const byDay = new Map<number, string>();
  for (const h of [...hours].sort((a, b) => a.weekday - b.weekday || minutesOf(a.opens) - minutesOf(b.opens))) {
    byDay.set(h.weekday, [byDay.get(h.weekday), `${h.opens}–${h.closes}`].filter(Boolean).join(', '));
  }
  // Group consecutive weekdays with the same intervals.
  const parts: string[] = [];
  let start = 0;
  let prev = 0;
  let prevSpec = '';
  const flush = () => {
    if (!start) return;
    parts.push(`${start === prev ? days[start] : `${days[start]}–${days[prev]}`} ${prevSpec}`);
  };
  for (let d = 1; d <= 7; d++) {
    const spec = byDay.get(d);
    if (spec && spec === prevSpec && prev === d - 1) {
      prev = d;
      continue;
    }
    flush();
    start = spec ? d : 0;
    prev = d;
    prevSpec = spec ?? '';
  }
  flush();
  return parts.join('; ') || i18n.t('settings.calendars.neverOpen');
}
