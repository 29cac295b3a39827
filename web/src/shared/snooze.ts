/**
 * Snooze presets (issue 10 §4): "in 1 hour", "tomorrow 09:00" and "next Monday 09:00" as instants,
 * with the wall-clock times read in the user's time zone (User.timezone, else the organization's,
 * else the browser's). Pure Intl: the UTC offset of the zone on that day is looked up, so 09:00
 * stays 09:00 across a daylight-saving change. Used by the thread header and the inbox's bulk snooze.
 */
import { currentTimeZone } from '../i18n';

/** The snooze choices offered in the menus, in display order. */
export const SNOOZE_PRESETS = ['in1h', 'tomorrow', 'nextMonday'] as const;
export type SnoozePreset = (typeof SNOOZE_PRESETS)[number];

/** Hour of day (wall clock, 0–23) the day presets snooze until. */
export const SNOOZE_MORNING_HOUR = 9;

interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

function wallFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formats.set(key, f);
  }
  return f;
}

/** The wall-clock reading of instant `d` in `timeZone` (undefined: the runtime's zone). */
export function wallTime(d: Date, timeZone?: string): WallTime {
  const parts = wallFormat(timeZone).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
    weekday: WEEKDAYS[get('weekday')] ?? 0,
  };
}

/**
 * The instant at which the wall clock in `timeZone` shows year-month-day hour:minute (month 1–12;
 * day may overflow, e.g. 32 → next month). A time skipped by a spring-forward change resolves to
 * the same wall time on the old offset (one hour later on the new clock).
 */
export function zonedWallTimeToInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone?: string): Date {
  const target = Date.UTC(year, month - 1, day, hour, minute);
  const offsetAt = (t: number) => {
    const w = wallTime(new Date(t), timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(t / 60_000) * 60_000;
  };
  // The offset half a day before, then the offset at that guess: equal unless a change lies between.
  const before = offsetAt(target - 12 * 3_600_000);
  const guess = target - before;
  const after = offsetAt(guess);
  if (after !== before && offsetAt(target - after) === after) return new Date(target - after);
  // No change, or the wall time falls in a skipped hour: the offset before the change.
  return new Date(guess);
}

/**
 * When a snooze chosen at `now` ends:
 * - `in1h`: exactly 60 minutes after `now`;
 * - `tomorrow`: 09:00 on the next calendar day in `timeZone`;
 * - `nextMonday`: 09:00 on the first Monday after today in `timeZone` (a week ahead on a Monday).
 * `timeZone` defaults to the user's (else the browser's).
 */
export function snoozeUntil(preset: SnoozePreset, now: Date = new Date(), timeZone: string | undefined = currentTimeZone()): Date {
  if (preset === 'in1h') return new Date(now.getTime() + 3_600_000);
  const today = wallTime(now, timeZone);
  const daysAhead = preset === 'tomorrow' ? 1 : (8 - today.weekday) % 7 || 7;
  return zonedWallTimeToInstant(today.year, today.month, today.day + daysAhead, SNOOZE_MORNING_HOUR, 0, timeZone);
}

/**
 * A `<input type="datetime-local">` value ("2026-03-29T09:00") read in `timeZone` as an instant;
 * null when it is not such a value.
 */
export function parseLocalDateTime(value: string, timeZone: string | undefined = currentTimeZone()): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  return zonedWallTimeToInstant(y, mo, d, h, mi, timeZone);
}

/** Instant `d` as a `<input type="datetime-local">` value in `timeZone`, e.g. "2026-03-29T09:00". */
export function toLocalDateTimeValue(d: Date, timeZone: string | undefined = currentTimeZone()): string {
  const w = wallTime(d, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}
