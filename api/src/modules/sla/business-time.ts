/**
 * Business-time maths for the SLA engine: how much open time lies between
 * two instants, and when a given amount of open time has elapsed, on a
 * `BusinessCalendar` (see `calendar.ts`), with pauses.
 *
 * Units: durations are seconds (numbers, millisecond resolution); instants
 * are `Date`s. A calendar of `null`/`undefined` is open 24/7, so the maths is
 * plain arithmetic.
 *
 * Semantics, wall clock and DST. An interval "opens–closes" of a local date D
 * is open from the first instant at which the calendar zone's clock reads
 * `opens` on D until the first instant at which it reads `closes` on D
 * ("24:00" = the start of D+1). Business seconds are real elapsed seconds
 * inside those instants. So across a spring-forward night a 00:00–24:00 day
 * holds 23 h, across a fall-back night 25 h; an interval 01:00–04:00 holds
 * 2 h resp. 4 h; an interval inside the skipped hour (02:15–02:45 on the
 * spring-forward night) holds nothing. The wall-clock maths uses
 * @date-fns/tz (TZDate for an instant's local date, tzOffset for the zone's
 * offsets); nothing assumes a fixed offset.
 *
 * Cost: iterations go per local day and per opening interval, never per
 * minute; a closed day (weekend, holiday) costs one set lookup.
 */
import { TZDate, tzOffset } from '@date-fns/tz';
import { DAY_CACHE_MAX, compileCalendar, isHoliday, type BusinessCalendar, type CompiledCalendar } from './calendar.js';

export {
  businessCalendarSchema,
  isSupportedHolidayCountry,
  publicHolidayDates,
  type BusinessCalendar,
  type BusinessHoursInterval,
} from './calendar.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Search for the next open time gives up after this many consecutive days without any. */
const MAX_DAYS_WITHOUT_OPEN_TIME = 3 * 366;
/** And after this many days in all (a target of centuries of business time is a bug). */
const MAX_SCAN_DAYS = 100 * 366;
/** No zone is more than 14 h from UTC: a local day starts at most 14 h before its UTC namesake. */
const MAX_OFFSET_MS = 15 * 3_600_000;

/** A paused period of an SLA clock: [from, to), `to` null = still paused. */
export interface SlaPause {
  from: Date;
  to: Date | null;
}

/**
 * Thrown when a calendar has no open time within the search horizon: no
 * opening hours at all, or 3 years (1098 consecutive days) without any open
 * day (e.g. every open weekday listed as a holiday), or more than 100 years
 * scanned.
 */
export class NoBusinessTimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoBusinessTimeError';
  }
}

// ---------------------------------------------------------------------------
// Wall clock ↔ instants
// ---------------------------------------------------------------------------

/** The zone's UTC offset at an instant, in minutes. */
function offsetMinutes(zone: string, ms: number): number {
  return tzOffset(zone, new Date(ms));
}

/** Local civil day (days since 1970-01-01) of an instant in a zone. */
function localDay(zone: string, ms: number): number {
  const local = new TZDate(ms, zone);
  return Date.UTC(local.getFullYear(), local.getMonth(), local.getDate()) / DAY_MS;
}

/**
 * The first instant at which the zone's clock reads `wall` or later, `wall`
 * being a local date-time written as UTC milliseconds. A time that occurs
 * twice (fall back) resolves to its first occurrence; one that does not
 * occur (spring forward) to the instant of the jump.
 */
function wallToInstant(zone: string, wall: number): number {
  const before = offsetMinutes(zone, wall - DAY_MS);
  const after = offsetMinutes(zone, wall + DAY_MS);
  const candidates = before === after ? [before] : [before, after];
  let best = Infinity;
  for (const o of candidates) {
    const x = wall - Math.round(o * MINUTE_MS);
    if (offsetMinutes(zone, x) === o) best = Math.min(best, x);
  }
  if (best !== Infinity) return best;
  // In a gap: the smallest x whose local reading x + offset(x) reaches `wall`.
  let lo = wall - Math.round(Math.max(before, after) * MINUTE_MS); // reads before `wall`
  let hi = wall - Math.round(Math.min(before, after) * MINUTE_MS); // reads after `wall`
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + Math.round(offsetMinutes(zone, mid) * MINUTE_MS) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a civil day number; 1970-01-01 was a Thursday. */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The open intervals of one local day, as [start, end) instants in ms, in order; empty on a closed day. Cached on the calendar. */
function dayIntervals(cal: CompiledCalendar, day: number): ReadonlyArray<readonly [number, number]> {
  const known = cal.dayIntervals.get(day);
  if (known) return known;
  const spans = cal.days[isoWeekday(day)]!;
  const out: Array<[number, number]> = [];
  if (spans.length > 0 && !isHoliday(cal, day)) {
    for (const [opens, closes] of spans) {
      const s = wallToInstant(cal.timezone, day * DAY_MS + opens * MINUTE_MS);
      const e = wallToInstant(cal.timezone, day * DAY_MS + closes * MINUTE_MS);
      if (e > s) out.push([s, e]);
    }
  }
  if (cal.dayIntervals.size >= DAY_CACHE_MAX) cal.dayIntervals.clear();
  cal.dayIntervals.set(day, out);
  return out;
}

/**
 * The open intervals that end after `fromMs`, in order. With a finite
 * `untilMs` it stops once the days start after it; with none it goes on,
 * throwing NoBusinessTimeError past the search horizon.
 */
function* openIntervals(cal: CompiledCalendar, fromMs: number, untilMs = Infinity): Generator<readonly [number, number]> {
  const bounded = untilMs !== Infinity;
  if (!cal.hasHours) {
    if (bounded) return;
    throw new NoBusinessTimeError(`no open time after ${new Date(fromMs).toISOString()}: the calendar has no opening hours`);
  }
  // A day earlier: in zones that fall back across midnight an instant's
  // local day can precede the day of intervals still open at it.
  const firstDay = localDay(cal.timezone, fromMs) - 1;
  let lastOpenDay = firstDay;
  for (let day = firstDay; ; day++) {
    if (bounded && day * DAY_MS - MAX_OFFSET_MS >= untilMs) return;
    if (!bounded && (day - lastOpenDay > MAX_DAYS_WITHOUT_OPEN_TIME || day - firstDay > MAX_SCAN_DAYS)) {
      throw new NoBusinessTimeError(
        day - firstDay > MAX_SCAN_DAYS
          ? `no answer within 100 years of business time after ${new Date(fromMs).toISOString()}`
          : `no open time within 3 years after ${new Date(fromMs).toISOString()}: every opening day is a holiday`,
      );
    }
    const intervals = dayIntervals(cal, day);
    if (intervals.length > 0) lastOpenDay = day;
    for (const iv of intervals) if (iv[1] > fromMs) yield iv;
  }
}

// ---------------------------------------------------------------------------
// Argument checks
// ---------------------------------------------------------------------------

function instantOf(d: Date, name: string): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (Number.isNaN(ms)) throw new TypeError(`${name} must be a valid Date`);
  return ms;
}

function durationMs(seconds: number, name: string): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`${name} must be a finite number of seconds >= 0, got ${String(seconds)}`);
  }
  return Math.round(seconds * 1000);
}

// ---------------------------------------------------------------------------
// Core, in milliseconds
// ---------------------------------------------------------------------------

function addMs(cal: CompiledCalendar, startMs: number, ms: number): number {
  if (ms === 0) return startMs;
  let remaining = ms;
  for (const [s, e] of openIntervals(cal, startMs)) {
    const from = Math.max(s, startMs);
    const len = e - from;
    if (remaining <= len) return from + remaining;
    remaining -= len;
  }
  /* c8 ignore next */
  throw new Error('unreachable: openIntervals ends only by throwing');
}

function betweenMs(cal: CompiledCalendar, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  for (const [s, e] of openIntervals(cal, fromMs, toMs)) {
    if (s >= toMs) break;
    total += Math.min(e, toMs) - Math.max(s, fromMs);
  }
  return total;
}

/** Pauses clipped to [lo, hi), sorted and merged; `to` null stands for `hi`. */
function mergedPauses(pauses: readonly SlaPause[], lo: number, hi: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  pauses.forEach((p, i) => {
    const from = instantOf(p.from, `pauses[${i}].from`);
    const to = p.to === null ? hi : instantOf(p.to, `pauses[${i}].to`);
    if (to < from) throw new RangeError(`pauses[${i}] ends before it starts`);
    const a = Math.max(from, lo);
    const b = Math.min(to, hi);
    if (b > a) spans.push([a, b]);
  });
  spans.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const sp of spans) {
    const last = merged[merged.length - 1];
    if (last && sp[0] <= last[1]) last[1] = Math.max(last[1], sp[1]);
    else merged.push(sp);
  }
  return merged;
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/**
 * The instant at which `seconds` of open time have elapsed, counting from
 * `start`; if `start` is outside the opening hours the count starts at the
 * next opening. It is the earliest such instant, so a target that runs out
 * exactly at a closing time gives that closing time, and 0 seconds gives
 * `start` itself.
 * @param calendar the calendar; null/undefined = 24/7 (plain `start + seconds`).
 * @param start an instant.
 * @param seconds open time to count, seconds >= 0 (millisecond resolution).
 * @returns a new Date.
 * @throws TypeError if `start` is not a valid Date; RangeError if `seconds` is negative or not finite;
 *   ZodError if the calendar is invalid; NoBusinessTimeError if the calendar has no open time in the horizon.
 */
export function addBusinessSeconds(calendar: BusinessCalendar | null | undefined, start: Date, seconds: number): Date {
  const startMs = instantOf(start, 'start');
  const ms = durationMs(seconds, 'seconds');
  if (!calendar) return new Date(startMs + ms);
  return new Date(addMs(compileCalendar(calendar), startMs, ms));
}

/**
 * Open seconds in [from, to); 0 if `to` <= `from`. For a 24/7 calendar
 * (null/undefined) it is (to - from) / 1000.
 * @param calendar the calendar; null/undefined = 24/7.
 * @param from start instant (inclusive).
 * @param to end instant (exclusive).
 * @returns seconds (a multiple of 0.001).
 * @throws TypeError if a date is invalid; ZodError if the calendar is invalid.
 */
export function businessSecondsBetween(calendar: BusinessCalendar | null | undefined, from: Date, to: Date): number {
  const fromMs = instantOf(from, 'from');
  const toMs = instantOf(to, 'to');
  if (toMs <= fromMs) return 0;
  if (!calendar) return (toMs - fromMs) / 1000;
  return betweenMs(compileCalendar(calendar), fromMs, toMs) / 1000;
}

/**
 * Whether the calendar is open at an instant (an interval includes its
 * opening instant, not its closing one).
 * @param calendar the calendar; null/undefined = 24/7 (always true).
 * @param at an instant.
 * @throws TypeError if `at` is invalid; ZodError if the calendar is invalid.
 */
export function isOpenAt(calendar: BusinessCalendar | null | undefined, at: Date): boolean {
  const atMs = instantOf(at, 'at');
  if (!calendar) return true;
  for (const [s] of openIntervals(compileCalendar(calendar), atMs, atMs + 1)) return s <= atMs;
  return false;
}

/**
 * The instant the calendar next opens: `at` itself if open at `at`, else the
 * start of the next opening interval.
 * @param calendar the calendar; null/undefined = 24/7 (returns `at`).
 * @param at an instant.
 * @returns a new Date.
 * @throws TypeError if `at` is invalid; ZodError if the calendar is invalid;
 *   NoBusinessTimeError if the calendar has no open time in the horizon.
 */
export function nextOpening(calendar: BusinessCalendar | null | undefined, at: Date): Date {
  const atMs = instantOf(at, 'at');
  if (!calendar) return new Date(atMs);
  for (const [s] of openIntervals(compileCalendar(calendar), atMs)) return new Date(Math.max(s, atMs));
  /* c8 ignore next */
  throw new Error('unreachable: openIntervals ends only by throwing');
}

/**
 * Open seconds of an SLA clock from `start` to `now`, not counting paused
 * periods. Pauses may overlap each other and start before `start`; a pause
 * with `to` null is still running (paused up to `now`).
 * @param calendar the calendar; null/undefined = 24/7.
 * @param start when the clock started.
 * @param now the instant to measure at (0 if not after `start`).
 * @param pauses paused periods [from, to).
 * @returns seconds.
 * @throws TypeError if a date is invalid; RangeError if a pause ends before it starts;
 *   ZodError if the calendar is invalid.
 */
export function businessSecondsElapsed(calendar: BusinessCalendar | null | undefined, start: Date, now: Date, pauses: readonly SlaPause[]): number {
  const startMs = instantOf(start, 'start');
  const nowMs = instantOf(now, 'now');
  if (nowMs <= startMs) return 0;
  const cal = calendar ? compileCalendar(calendar) : null;
  const span = (a: number, b: number) => (cal ? betweenMs(cal, a, b) : Math.max(0, b - a));
  let total = 0;
  let cursor = startMs;
  for (const [from, to] of mergedPauses(pauses, startMs, nowMs)) {
    total += span(cursor, from);
    cursor = to;
  }
  total += span(cursor, nowMs);
  return total / 1000;
}

/**
 * The due instant of an SLA clock that started at `start` with a target of
 * `targetSeconds` of open time, given its pauses (the instant at which
 * `businessSecondsElapsed` first reaches the target). Null while the clock
 * is paused (a pause with `to` null): a stopped clock has no due date.
 * @param calendar the calendar; null/undefined = 24/7.
 * @param start when the clock started.
 * @param targetSeconds the target, seconds >= 0.
 * @param pauses paused periods [from, to); those before `start` are ignored.
 * @returns a new Date, or null while paused.
 * @throws TypeError if a date is invalid; RangeError if the target is negative or not finite, or a pause
 *   ends before it starts; ZodError if the calendar is invalid; NoBusinessTimeError as `addBusinessSeconds`.
 */
export function dueDateWithPauses(calendar: BusinessCalendar | null | undefined, start: Date, targetSeconds: number, pauses: readonly SlaPause[]): Date | null {
  const startMs = instantOf(start, 'start');
  const ms = durationMs(targetSeconds, 'targetSeconds');
  if (pauses.some((p) => p.to === null)) {
    mergedPauses(pauses, startMs, Infinity); // still validate them
    return null;
  }
  const cal = calendar ? compileCalendar(calendar) : null;
  const span = (a: number, b: number) => (cal ? betweenMs(cal, a, b) : b - a);
  const add = (a: number, n: number) => (cal ? addMs(cal, a, n) : a + n);
  if (ms === 0) return new Date(startMs);
  let remaining = ms;
  let cursor = startMs;
  for (const [from, to] of mergedPauses(pauses, startMs, Infinity)) {
    if (from > cursor) {
      const open = span(cursor, from);
      if (remaining <= open) return new Date(add(cursor, remaining));
      remaining -= open;
    }
    cursor = Math.max(cursor, to);
  }
  return new Date(add(cursor, remaining));
}
