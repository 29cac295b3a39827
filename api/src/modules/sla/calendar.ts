/**
 * Business calendars for the SLA engine: their shape, their validation, the
 * public-holiday lookups of date-holidays (cached), and the compiled form the
 * business-time maths (`business-time.ts`) iterates over.
 *
 * A calendar says when a team is open, in local wall-clock time of an IANA
 * zone: intervals per ISO weekday (several per day, e.g. a lunch break),
 * explicit closed dates, and optionally a country whose public holidays are
 * closed days. No calendar at all (null/undefined) means open 24/7.
 */
import { LRUCache } from 'lru-cache';
import type Holidays from 'date-holidays';
import { lazyRequire } from '../../shared/lazy-require.js';
import { z } from 'zod';

/** One opening interval of a weekday, in the calendar's local wall-clock time. */
export interface BusinessHoursInterval {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** "HH:MM", 00:00–23:59; the interval opens when the local clock first reads it. */
  opens: string;
  /** "HH:MM", after `opens`; "24:00" = the end of the day. Exclusive. */
  closes: string;
}

/** When a team is open. See `businessCalendarSchema` for the rules a valid one follows. */
export interface BusinessCalendar {
  /** IANA time zone, e.g. "Europe/Amsterdam"; `hours` and `holidays` are read in it. */
  timezone: string;
  /** Opening intervals; a weekday without any is closed. Non-overlapping per weekday. */
  hours: BusinessHoursInterval[];
  /** Closed local dates, "YYYY-MM-DD". */
  holidays: string[];
  /** ISO 3166-1 alpha-2 code ("NL", "IT"): its public holidays (date-holidays, type 'public') are closed days. */
  holidayCountry?: string | null;
}

// ---------------------------------------------------------------------------
// Public holidays (date-holidays), cached
// ---------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/** One date-holidays instance per country (construction parses the country's rules). */
const holidayInstances = new Map<string, Holidays>();
/** date-holidays' constructor, loaded on first use: every country's rules, ~8 MB of heap (shared/lazy-require.ts). */
const HolidaysClass = lazyRequire<typeof Holidays>('date-holidays');
/** Public-holiday local dates per `${country}:${year}`. */
const holidayDatesByYear = new Map<string, ReadonlySet<string>>();
let supportedCountries: Set<string> | null = null;

function holidaysFor(country: string): Holidays {
  let instance = holidayInstances.get(country);
  if (!instance) {
    instance = new (HolidaysClass())(country, { types: ['public'] });
    holidayInstances.set(country, instance);
  }
  return instance;
}

/**
 * Whether date-holidays has data for a country.
 * @param code ISO 3166-1 alpha-2 code, upper case ("NL").
 */
export function isSupportedHolidayCountry(code: string): boolean {
  supportedCountries ??= new Set(Object.keys(new (HolidaysClass())().getCountries()));
  return supportedCountries.has(code);
}

/**
 * The public holidays (date-holidays type 'public' only, substitute days
 * included) of a country that start in a year, as local "YYYY-MM-DD" dates;
 * a holiday lasting several days gives each of its dates (the last ones may
 * fall in the next year). Memoised per (country, year).
 * @param country ISO 3166-1 alpha-2 code supported by date-holidays.
 * @param year e.g. 2026.
 * @throws Error if the country is not supported by date-holidays.
 */
export function publicHolidayDates(country: string, year: number): ReadonlySet<string> {
  const key = `${country}:${year}`;
  let dates = holidayDatesByYear.get(key);
  if (dates) return dates;
  if (!isSupportedHolidayCountry(country)) throw new Error(`date-holidays has no data for country "${country}"`);
  const out = new Set<string>();
  for (const h of holidaysFor(country).getHolidays(year)) {
    if (h.type !== 'public') continue;
    // `date` is the holiday's local start, "YYYY-MM-DD hh:mm:ss"; a multi-day
    // holiday covers every local date it touches.
    const first = Date.UTC(+h.date.slice(0, 4), +h.date.slice(5, 7) - 1, +h.date.slice(8, 10)) / DAY_MS;
    const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY_MS));
    for (let d = 0; d < days; d++) out.add(dayKey(first + d));
  }
  dates = out;
  holidayDatesByYear.set(key, dates);
  return dates;
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

const OPENS_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOSES_RE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since local midnight of a validated "HH:MM" ("24:00" → 1440). */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function isIanaTimeZone(zone: string): boolean {
  // Offsets such as "+02:00" are accepted by some Intl builds but are not IANA zones.
  if (!/^[A-Za-z]/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const intervalSchema = z
  .object({
    weekday: z
      .number({ error: 'weekday must be a number from 1 (Monday) to 7 (Sunday)' })
      .int('weekday must be a whole number from 1 (Monday) to 7 (Sunday)')
      .min(1, 'weekday must be from 1 (Monday) to 7 (Sunday)')
      .max(7, 'weekday must be from 1 (Monday) to 7 (Sunday)'),
    opens: z.string().regex(OPENS_RE, 'opens must be a time "HH:MM" from 00:00 to 23:59'),
    closes: z.string().regex(CLOSES_RE, 'closes must be a time "HH:MM" from 00:01 to 24:00'),
  })
  .refine((i) => !OPENS_RE.test(i.opens) || !CLOSES_RE.test(i.closes) || minutesOf(i.opens) < minutesOf(i.closes), {
    error: 'opens must be before closes (an interval cannot cross midnight: split it, ending the first part at 24:00)',
    path: ['closes'],
  });

/**
 * zod schema of a `BusinessCalendar`. Refuses, with a message per problem:
 * a weekday outside 1–7; times not "HH:MM" (closes may be "24:00"); opens
 * not before closes; two intervals of the same weekday that overlap
 * (touching ones, 12:30 then 12:30, are fine); a time zone that Intl does
 * not know as an IANA zone; a holiday that is not a real "YYYY-MM-DD" date;
 * a holidayCountry that date-holidays does not support. `holidays` defaults
 * to []; at most 168 intervals and 3660 holidays.
 */
export const businessCalendarSchema = z
  .object({
    timezone: z
      .string({ error: 'timezone must be an IANA time zone name such as "Europe/Amsterdam"' })
      .refine(isIanaTimeZone, { error: 'timezone must be an IANA time zone name such as "Europe/Amsterdam"' }),
    hours: z.array(intervalSchema).max(168, 'at most 168 opening intervals'),
    holidays: z
      .array(z.string().refine(isCalendarDate, { error: 'a holiday must be a real date "YYYY-MM-DD"' }))
      .max(3660, 'at most 3660 holidays')
      .default([]),
    holidayCountry: z
      .string()
      .refine((c) => /^[A-Z]{2}$/.test(c) && isSupportedHolidayCountry(c), {
        error: 'holidayCountry must be an upper-case ISO 3166-1 alpha-2 code that date-holidays supports, e.g. "NL" or "IT"',
      })
      .nullish(),
  })
  .superRefine((cal, ctx) => {
    const valid = cal.hours.map((h, index) => ({ ...h, index })).filter((h) => OPENS_RE.test(h.opens) && CLOSES_RE.test(h.closes) && minutesOf(h.opens) < minutesOf(h.closes));
    for (let weekday = 1; weekday <= 7; weekday++) {
      const day = valid.filter((h) => h.weekday === weekday).sort((a, b) => minutesOf(a.opens) - minutesOf(b.opens));
      for (let k = 1; k < day.length; k++) {
        const prev = day[k - 1]!;
        const cur = day[k]!;
        if (minutesOf(cur.opens) < minutesOf(prev.closes)) {
          ctx.addIssue({
            code: 'custom',
            path: ['hours', cur.index],
            message: `interval ${cur.opens}–${cur.closes} overlaps ${prev.opens}–${prev.closes} on weekday ${weekday}`,
          });
        }
      }
    }
  });

// Compile-time check: what the schema outputs is a BusinessCalendar.
const _schemaOutputIsCalendar: (c: z.output<typeof businessCalendarSchema>) => BusinessCalendar = (c) => c;
void _schemaOutputIsCalendar;

// ---------------------------------------------------------------------------
// Compiled calendar
// ---------------------------------------------------------------------------

/** A validated calendar in the form the maths iterates over. */
export interface CompiledCalendar {
  readonly timezone: string;
  /** Index 1..7 (ISO weekday): sorted, merged [opensMinute, closesMinute) pairs; index 0 unused. */
  readonly days: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  readonly hasHours: boolean;
  readonly holidays: ReadonlySet<string>;
  readonly holidayCountry: string | null;
  /**
   * Open intervals per local civil day, filled by business-time.ts as it computes them (their time
   * zone arithmetic is the cost of SLA maths: an inbox page's percentUsed walks every day since each
   * clock started). Emptied when it holds DAY_CACHE_MAX days.
   */
  readonly dayIntervals: Map<number, ReadonlyArray<readonly [number, number]>>;
}

/** Days of open intervals kept per compiled calendar (about 27 years). */
export const DAY_CACHE_MAX = 10_000;

const compiledCache = new WeakMap<object, CompiledCalendar>();
/**
 * Compiled calendars by content, across requests: each request loads its calendar rows anew, and
 * their day intervals are worth keeping. A changed calendar has another key.
 */
const compiledByContent = new LRUCache<string, CompiledCalendar>({ max: 500 });

/**
 * Validates and compiles a calendar; memoised per calendar object (so treat
 * a calendar as immutable once used) and per content (timezone, hours,
 * holidays, holiday country).
 * @throws ZodError if the calendar is not valid (see `businessCalendarSchema`).
 */
export function compileCalendar(calendar: BusinessCalendar): CompiledCalendar {
  const cached = compiledCache.get(calendar);
  if (cached) return cached;
  const contentKey = JSON.stringify([calendar.timezone, calendar.hours, calendar.holidays, calendar.holidayCountry ?? null]);
  const known = compiledByContent.get(contentKey);
  if (known) {
    compiledCache.set(calendar, known);
    return known;
  }
  const cal = businessCalendarSchema.parse(calendar);
  const days: Array<Array<[number, number]>> = Array.from({ length: 8 }, () => []);
  for (const h of cal.hours) days[h.weekday]!.push([minutesOf(h.opens), minutesOf(h.closes)]);
  for (let w = 1; w <= 7; w++) {
    const sorted = days[w]!.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const iv of sorted) {
      const last = merged[merged.length - 1];
      if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
      else merged.push([iv[0], iv[1]]);
    }
    days[w] = merged;
  }
  const compiled: CompiledCalendar = {
    timezone: cal.timezone,
    days,
    hasHours: days.some((d) => d.length > 0),
    holidays: new Set(cal.holidays),
    holidayCountry: cal.holidayCountry ?? null,
    dayIntervals: new Map(),
  };
  compiledCache.set(calendar, compiled);
  compiledByContent.set(contentKey, compiled);
  return compiled;
}

/** "YYYY-MM-DD" of a civil day number (days since 1970-01-01). */
export function dayKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Whether a local civil day (days since 1970-01-01) is closed as a holiday (explicit or the country's public one). */
export function isHoliday(cal: CompiledCalendar, day: number): boolean {
  const key = dayKey(day);
  if (cal.holidays.has(key)) return true;
  if (!cal.holidayCountry) return false;
  const year = Number(key.slice(0, 4));
  // A multi-day holiday starting late in the previous year can reach into this one.
  return publicHolidayDates(cal.holidayCountry, year).has(key) || publicHolidayDates(cal.holidayCountry, year - 1).has(key);
}
