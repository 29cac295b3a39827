/**
 * The SLA engine's business-time maths (src/modules/sla/business-time.ts):
 * office hours with a lunch break, weekends, explicit and public holidays
 * (NL, IT via date-holidays), DST weekends in Europe/Amsterdam and
 * Europe/Rome, pauses, validation. Every instant is fixed and written with
 * its UTC offset, so nothing depends on the wall clock or the machine's zone.
 */
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  addBusinessSeconds,
  businessCalendarSchema,
  businessSecondsBetween,
  businessSecondsElapsed,
  dueDateWithPauses,
  isOpenAt,
  nextOpening,
  NoBusinessTimeError,
  publicHolidayDates,
  type BusinessCalendar,
  type SlaPause,
} from '../../src/modules/sla/business-time.js';

const H = 3600;
const at = (iso: string) => new Date(iso);
const WEEKDAYS = [1, 2, 3, 4, 5];
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];

/** Mon–Fri 08:30–12:30 and 13:30–17:30 in a zone. */
function office(timezone: string, extra: Partial<BusinessCalendar> = {}): BusinessCalendar {
  return {
    timezone,
    holidays: [],
    hours: WEEKDAYS.flatMap((weekday) => [
      { weekday, opens: '08:30', closes: '12:30' },
      { weekday, opens: '13:30', closes: '17:30' },
    ]),
    ...extra,
  };
}

/** 00:00–24:00 every day: open all the time, but expressed in local time. */
function allDay(timezone: string): BusinessCalendar {
  return { timezone, holidays: [], hours: ALL_DAYS.map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })) };
}

/** Open on Sundays only, in one interval. */
function sundays(timezone: string, opens: string, closes: string): BusinessCalendar {
  return { timezone, holidays: [], hours: [{ weekday: 7, opens, closes }] };
}

const rome = (extra: Partial<BusinessCalendar> = {}): BusinessCalendar => ({
  timezone: 'Europe/Rome',
  holidays: [],
  hours: WEEKDAYS.flatMap((weekday) => [
    { weekday, opens: '09:00', closes: '13:00' },
    { weekday, opens: '14:00', closes: '18:00' },
  ]),
  ...extra,
});

/** Seeded PRNG (mulberry32): the same samples on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('addBusinessSeconds on an office calendar (Amsterdam, Mon–Fri 08:30–12:30, 13:30–17:30)', () => {
  const cal = office('Europe/Amsterdam');
  const friday = at('2026-03-27T16:30:00+01:00'); // CET; the clocks go forward on Sunday 29 March

  it('a Friday 16:30 message with a 4 h target is due Monday 11:30, with 6 h Monday 14:30 (after lunch, across the DST weekend)', () => {
    expect(addBusinessSeconds(cal, friday, 4 * H)).toEqual(at('2026-03-30T11:30:00+02:00'));
    expect(addBusinessSeconds(cal, friday, 6 * H)).toEqual(at('2026-03-30T14:30:00+02:00'));
  });

  it('with Easter Monday a Dutch public holiday (holidayCountry NL) the same targets fall on Tuesday; Good Friday is a working day', () => {
    const nl = office('Europe/Amsterdam', { holidayCountry: 'NL' });
    const goodFriday = at('2026-04-03T16:30:00+02:00');
    expect(isOpenAt(nl, at('2026-04-03T10:00:00+02:00'))).toBe(true);
    expect(addBusinessSeconds(nl, goodFriday, 4 * H)).toEqual(at('2026-04-07T11:30:00+02:00'));
    expect(addBusinessSeconds(nl, goodFriday, 6 * H)).toEqual(at('2026-04-07T14:30:00+02:00'));
    // Control: without the country, Easter Monday is an ordinary Monday.
    expect(addBusinessSeconds(cal, goodFriday, 4 * H)).toEqual(at('2026-04-06T11:30:00+02:00'));
  });

  it('an explicit holiday closes its local date', () => {
    const closedMonday = office('Europe/Amsterdam', { holidays: ['2026-03-30'] });
    expect(addBusinessSeconds(closedMonday, friday, 4 * H)).toEqual(at('2026-03-31T11:30:00+02:00'));
    expect(isOpenAt(closedMonday, at('2026-03-30T10:00:00+02:00'))).toBe(false);
  });

  it('skips the lunch break', () => {
    expect(addBusinessSeconds(cal, at('2026-01-05T11:30:00+01:00'), 2 * H)).toEqual(at('2026-01-05T14:30:00+01:00'));
    // starting inside the break: the count starts at 13:30
    expect(addBusinessSeconds(cal, at('2026-01-05T12:45:00+01:00'), H)).toEqual(at('2026-01-05T14:30:00+01:00'));
    expect(businessSecondsBetween(cal, at('2026-01-05T08:30:00+01:00'), at('2026-01-05T17:30:00+01:00'))).toBe(8 * H);
  });

  it('a target that runs out at closing time is due at closing time, not at the next opening', () => {
    expect(addBusinessSeconds(cal, friday, H)).toEqual(at('2026-03-27T17:30:00+01:00'));
    expect(addBusinessSeconds(cal, at('2026-01-05T11:30:00+01:00'), H)).toEqual(at('2026-01-05T12:30:00+01:00'));
  });

  it('starting outside the hours counts from the next opening (early morning, evening, weekend)', () => {
    expect(addBusinessSeconds(cal, at('2026-01-05T07:00:00+01:00'), 30 * 60)).toEqual(at('2026-01-05T09:00:00+01:00'));
    expect(addBusinessSeconds(cal, at('2026-01-09T20:00:00+01:00'), H)).toEqual(at('2026-01-12T09:30:00+01:00'));
    expect(addBusinessSeconds(cal, at('2026-01-10T10:00:00+01:00'), H)).toEqual(at('2026-01-12T09:30:00+01:00'));
    expect(addBusinessSeconds(cal, at('2026-01-11T23:59:59+01:00'), 8 * H)).toEqual(at('2026-01-12T17:30:00+01:00'));
  });

  it('0 seconds is due at the start itself; fractional seconds keep millisecond resolution', () => {
    expect(addBusinessSeconds(cal, friday, 0)).toEqual(friday);
    expect(addBusinessSeconds(cal, friday, 1.5)).toEqual(at('2026-03-27T16:30:01.500+01:00'));
  });

  it('a 5-business-day week is 40 h; a weekend holds none', () => {
    expect(businessSecondsBetween(cal, at('2026-01-05T00:00:00+01:00'), at('2026-01-12T00:00:00+01:00'))).toBe(40 * H);
    expect(businessSecondsBetween(cal, at('2026-01-09T17:30:00+01:00'), at('2026-01-12T08:30:00+01:00'))).toBe(0);
    expect(businessSecondsBetween(cal, at('2026-01-12T00:00:00+01:00'), at('2026-01-05T00:00:00+01:00'))).toBe(0);
  });

  it('isOpenAt includes the opening instant and excludes the closing one; nextOpening', () => {
    expect(isOpenAt(cal, at('2026-01-05T08:30:00+01:00'))).toBe(true);
    expect(isOpenAt(cal, at('2026-01-05T08:29:59.999+01:00'))).toBe(false);
    expect(isOpenAt(cal, at('2026-01-05T12:30:00+01:00'))).toBe(false);
    expect(isOpenAt(cal, at('2026-01-10T10:00:00+01:00'))).toBe(false);
    expect(nextOpening(cal, at('2026-01-05T10:00:00+01:00'))).toEqual(at('2026-01-05T10:00:00+01:00'));
    expect(nextOpening(cal, at('2026-01-05T12:30:00+01:00'))).toEqual(at('2026-01-05T13:30:00+01:00'));
    expect(nextOpening(cal, at('2026-03-27T17:30:00+01:00'))).toEqual(at('2026-03-30T08:30:00+02:00'));
  });
});

describe('public holidays (date-holidays, type public)', () => {
  it('NL 2026: Easter Monday is public, Good Friday is not; IT 2026: 2 June and 8 December are', () => {
    const nl = publicHolidayDates('NL', 2026);
    expect(nl.has('2026-04-06')).toBe(true);
    expect(nl.has('2026-04-03')).toBe(false);
    expect(nl.has('2026-04-27')).toBe(true); // Koningsdag
    const it = publicHolidayDates('IT', 2026);
    expect([...it]).toEqual(expect.arrayContaining(['2026-06-02', '2026-12-08', '2026-04-25', '2026-08-15']));
    expect(it.has('2026-06-03')).toBe(false);
  });

  it('are memoised per (country, year)', () => {
    expect(publicHolidayDates('IT', 2027)).toBe(publicHolidayDates('IT', 2027));
    expect(publicHolidayDates('IT', 2027)).not.toBe(publicHolidayDates('IT', 2026));
  });

  it('Rome: Festa della Repubblica (Tue 2 June) and the Immacolata (Tue 8 December) are skipped with holidayCountry IT', () => {
    const it = rome({ holidayCountry: 'IT' });
    expect(addBusinessSeconds(it, at('2026-06-01T17:00:00+02:00'), 2 * H)).toEqual(at('2026-06-03T10:00:00+02:00'));
    expect(addBusinessSeconds(it, at('2026-12-07T17:00:00+01:00'), 2 * H)).toEqual(at('2026-12-09T10:00:00+01:00'));
    expect(businessSecondsBetween(it, at('2026-06-01T00:00:00+02:00'), at('2026-06-06T00:00:00+02:00'))).toBe(4 * 8 * H);
    // Control: without the country they are working days.
    expect(addBusinessSeconds(rome(), at('2026-06-01T17:00:00+02:00'), 2 * H)).toEqual(at('2026-06-02T10:00:00+02:00'));
  });
});

describe.each(['Europe/Amsterdam', 'Europe/Rome'])('DST in %s (last Sundays of March and October 2026)', (zone) => {
  const cal = allDay(zone);

  it('a 00:00–24:00 day holds 23 h on the spring-forward Sunday, 25 h on the fall-back one, 24 h otherwise', () => {
    expect(businessSecondsBetween(cal, at('2026-03-29T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00'))).toBe(23 * H);
    expect(businessSecondsBetween(cal, at('2026-10-25T00:00:00+02:00'), at('2026-10-26T00:00:00+01:00'))).toBe(25 * H);
    expect(businessSecondsBetween(cal, at('2026-03-22T00:00:00+01:00'), at('2026-03-23T00:00:00+01:00'))).toBe(24 * H);
  });

  it('24 business hours on an always-open calendar are 24 real hours, so the wall clock moves 25 h in spring and 23 h in autumn', () => {
    expect(addBusinessSeconds(cal, at('2026-03-29T00:00:00+01:00'), 24 * H)).toEqual(at('2026-03-30T01:00:00+02:00'));
    expect(addBusinessSeconds(cal, at('2026-03-28T12:00:00+01:00'), 24 * H)).toEqual(at('2026-03-29T13:00:00+02:00'));
    expect(addBusinessSeconds(cal, at('2026-10-25T00:00:00+02:00'), 24 * H)).toEqual(at('2026-10-25T23:00:00+01:00'));
    const start = at('2026-10-24T12:00:00+02:00');
    expect(addBusinessSeconds(cal, start, 24 * H)).toEqual(addBusinessSeconds(null, start, 24 * H));
  });

  it('an interval spanning the 02:00–03:00 change (Sunday 01:00–04:00) holds 2 h in spring, 4 h in autumn, 3 h otherwise', () => {
    const night = sundays(zone, '01:00', '04:00');
    const week = (iso: string) => businessSecondsBetween(night, at(iso), new Date(at(iso).getTime() + 7 * 86_400_000));
    expect(week('2026-03-23T00:00:00+01:00')).toBe(2 * H);
    expect(week('2026-10-19T00:00:00+02:00')).toBe(4 * H);
    expect(week('2026-03-16T00:00:00+01:00')).toBe(3 * H);
    // 1.5 h from Sunday midnight: 01:00–02:00 CET, then 03:00–03:30 CEST
    expect(addBusinessSeconds(night, at('2026-03-29T00:00:00+01:00'), 1.5 * H)).toEqual(at('2026-03-29T03:30:00+02:00'));
    // 2.5 h in autumn: 01:00 CEST, through 02:00–03:00 CEST and on to the second 02:30 (CET)
    expect(addBusinessSeconds(night, at('2026-10-25T00:00:00+02:00'), 2.5 * H)).toEqual(at('2026-10-25T02:30:00+01:00'));
    expect(isOpenAt(night, at('2026-10-25T02:30:00+01:00'))).toBe(true);
    expect(isOpenAt(night, at('2026-03-29T03:59:59+02:00'))).toBe(true);
    expect(isOpenAt(night, at('2026-03-29T04:00:00+02:00'))).toBe(false);
  });

  it('the repeated hour counts twice: Sunday 02:00–03:00 holds 2 h on the fall-back night', () => {
    const hour = sundays(zone, '02:00', '03:00');
    expect(businessSecondsBetween(hour, at('2026-10-25T00:00:00+02:00'), at('2026-10-26T00:00:00+01:00'))).toBe(2 * H);
    expect(nextOpening(hour, at('2026-10-24T12:00:00+02:00'))).toEqual(at('2026-10-25T02:00:00+02:00'));
  });

  it('an interval inside the skipped hour (Sunday 02:15–02:45) holds nothing that night', () => {
    const ghost = sundays(zone, '02:15', '02:45');
    expect(businessSecondsBetween(ghost, at('2026-03-28T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00'))).toBe(0);
    expect(nextOpening(ghost, at('2026-03-28T12:00:00+01:00'))).toEqual(at('2026-04-05T02:15:00+02:00'));
    expect(addBusinessSeconds(ghost, at('2026-03-28T12:00:00+01:00'), 600)).toEqual(at('2026-04-05T02:25:00+02:00'));
  });

  it('an interval ending inside the skipped hour ends at the jump (Sunday 01:30–02:30 holds 30 min)', () => {
    const cut = sundays(zone, '01:30', '02:30');
    expect(businessSecondsBetween(cut, at('2026-03-28T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00'))).toBe(30 * 60);
    expect(addBusinessSeconds(cut, at('2026-03-29T00:00:00+01:00'), 30 * 60)).toEqual(at('2026-03-29T03:00:00+02:00'));
  });
});

describe('24/7: no calendar, and a 00:00–24:00 calendar', () => {
  it('a null or undefined calendar is plain arithmetic', () => {
    const t = at('2026-03-29T01:30:00+01:00');
    expect(addBusinessSeconds(null, t, 3 * H)).toEqual(new Date(t.getTime() + 3 * H * 1000));
    expect(addBusinessSeconds(undefined, t, 0.25)).toEqual(new Date(t.getTime() + 250));
    expect(businessSecondsBetween(null, t, at('2026-03-29T04:30:00+02:00'))).toBe(2 * H);
    expect(businessSecondsBetween(null, at('2026-03-29T04:30:00+02:00'), t)).toBe(0);
    expect(isOpenAt(null, t)).toBe(true);
    expect(nextOpening(null, t)).toEqual(t);
  });

  it('an always-open local calendar agrees with no calendar on random instants (DST nights included)', () => {
    const rand = prng(7);
    const cal = allDay('Europe/Amsterdam');
    const base = at('2026-01-01T00:00:00Z').getTime();
    for (let i = 0; i < 200; i++) {
      const start = new Date(base + Math.floor(rand() * 365 * 86_400_000));
      const seconds = Math.floor(rand() * 10 * 86_400);
      expect(addBusinessSeconds(cal, start, seconds)).toEqual(addBusinessSeconds(null, start, seconds));
    }
  });
});

describe('businessSecondsBetween is the inverse of addBusinessSeconds (seeded random samples)', () => {
  const nightShift: BusinessCalendar = {
    timezone: 'America/New_York', // DST on 8 March and 1 November 2026
    holidays: ['2026-07-04'],
    hours: ALL_DAYS.flatMap((weekday) => [
      { weekday, opens: '00:00', closes: '06:00' },
      { weekday, opens: '22:00', closes: '24:00' },
    ]),
  };
  const calendars: Array<[string, BusinessCalendar]> = [
    ['Amsterdam office, NL holidays', office('Europe/Amsterdam', { holidayCountry: 'NL', holidays: ['2026-12-24', '2026-12-31'] })],
    ['Rome office, IT holidays', rome({ holidayCountry: 'IT' })],
    ['Rome 00:00–24:00', allDay('Europe/Rome')],
    ['New York night shift', nightShift],
    ['Amsterdam Sunday nights 01:00–04:00', sundays('Europe/Amsterdam', '01:00', '04:00')],
  ];

  it.each(calendars)('%s', (_name, cal) => {
    const rand = prng(20_260_329);
    const base = at('2025-12-15T00:00:00Z').getTime();
    for (let i = 0; i < 60; i++) {
      const start = new Date(base + Math.floor(rand() * 400 * 86_400_000) + Math.floor(rand() * 1000));
      const seconds = Math.floor(rand() * 15 * 86_400);
      const due = addBusinessSeconds(cal, start, seconds);
      expect(due.getTime()).toBeGreaterThanOrEqual(start.getTime());
      expect(businessSecondsBetween(cal, start, due)).toBe(seconds);
      // the earliest such instant
      if (seconds > 0) expect(businessSecondsBetween(cal, start, new Date(due.getTime() - 1))).toBeLessThan(seconds);
      // and the other way round: from a random end
      const end = new Date(start.getTime() + Math.floor(rand() * 60 * 86_400_000));
      const open = businessSecondsBetween(cal, start, end);
      const reached = addBusinessSeconds(cal, start, open);
      expect(reached.getTime()).toBeLessThanOrEqual(end.getTime());
      expect(businessSecondsBetween(cal, reached, end)).toBe(0);
    }
  });
});

describe('efficiency and the search horizon', () => {
  it('a 30-day target across a year-long holiday run lands in the right month (speed: bench, not here)', () => {
    const holidays: string[] = [];
    for (let d = Date.UTC(2026, 3, 1); d < Date.UTC(2027, 3, 1); d += 86_400_000) holidays.push(new Date(d).toISOString().slice(0, 10));
    const cal = office('Europe/Amsterdam', { holidays, holidayCountry: 'NL' });
    const start = at('2026-03-31T17:00:00+02:00');
    const due = addBusinessSeconds(cal, start, 30 * 86_400);
    // 30 days = 720 h = 90 eight-hour days: from 1 April 2027 (a Thursday) that is mid-August 2027
    expect(businessSecondsBetween(cal, start, due)).toBe(30 * 86_400);
    expect(due.getTime()).toBeGreaterThan(at('2027-08-01T00:00:00+02:00').getTime());
    expect(due.getTime()).toBeLessThan(at('2027-08-31T00:00:00+02:00').getTime());
  });

  it('a calendar without opening hours has no due date: a clear error, not an endless loop', () => {
    const closed: BusinessCalendar = { timezone: 'Europe/Amsterdam', hours: [], holidays: [] };
    expect(() => addBusinessSeconds(closed, at('2026-01-05T10:00:00+01:00'), 60)).toThrow(NoBusinessTimeError);
    expect(() => addBusinessSeconds(closed, at('2026-01-05T10:00:00+01:00'), 60)).toThrow(/no opening hours/);
    expect(() => nextOpening(closed, at('2026-01-05T10:00:00+01:00'))).toThrow(NoBusinessTimeError);
    expect(businessSecondsBetween(closed, at('2026-01-05T00:00:00+01:00'), at('2027-01-05T00:00:00+01:00'))).toBe(0);
    expect(isOpenAt(closed, at('2026-01-05T10:00:00+01:00'))).toBe(false);
  });

  it('a calendar whose every opening day for more than 3 years is a holiday throws once the horizon is passed', () => {
    const mondays: string[] = [];
    for (let d = Date.UTC(2026, 0, 5); d < Date.UTC(2031, 0, 1); d += 7 * 86_400_000) mondays.push(new Date(d).toISOString().slice(0, 10));
    const cal: BusinessCalendar = { timezone: 'Europe/Rome', hours: [{ weekday: 1, opens: '09:00', closes: '10:00' }], holidays: mondays };
    expect(() => addBusinessSeconds(cal, at('2026-01-01T00:00:00+01:00'), 60)).toThrow(/within 3 years/);
    // with only 2 years of holidays, the first free Monday answers
    const twoYears = { ...cal, holidays: mondays.filter((d) => d < '2028-01-01') };
    expect(addBusinessSeconds(twoYears, at('2026-01-01T00:00:00+01:00'), 60)).toEqual(at('2028-01-03T09:01:00+01:00'));
  });
});

describe('cached day intervals (compiled calendars are kept by content across requests)', () => {
  it('an equal calendar loaded again answers the same; a calendar edited (a holiday added, other hours) answers from its new content', () => {
    const from = at('2026-05-04T00:00:00+02:00'); // a Monday
    const to = at('2026-05-09T00:00:00+02:00'); // Saturday
    // Warm the cache with one object, then ask with fresh objects of the same content (as each request loads its rows).
    expect(businessSecondsBetween(office('Europe/Amsterdam'), from, to)).toBe(5 * 8 * H);
    expect(businessSecondsBetween(office('Europe/Amsterdam'), from, to)).toBe(5 * 8 * H);
    expect(businessSecondsBetween(office('Europe/Amsterdam', { holidays: ['2026-05-06'] }), from, to)).toBe(4 * 8 * H);
    const shorter = { ...office('Europe/Amsterdam'), hours: WEEKDAYS.map((weekday) => ({ weekday, opens: '09:00', closes: '12:00' })) };
    expect(businessSecondsBetween(shorter, from, to)).toBe(5 * 3 * H);
    // The same hours in another zone are another calendar: London's Monday 08:30 is 09:30 in Amsterdam.
    expect(businessSecondsBetween(office('Europe/London'), at('2026-05-04T09:00:00+02:00'), at('2026-05-04T10:00:00+02:00'))).toBe(0.5 * H);
    expect(businessSecondsBetween(office('Europe/London'), at('2026-05-04T01:00:00+02:00'), at('2026-05-09T01:00:00+02:00'))).toBe(5 * 8 * H);
  });
});

describe('pauses', () => {
  const cal = office('Europe/Amsterdam');
  const start = at('2026-01-05T09:00:00+01:00'); // Monday
  const pausedToTuesday: SlaPause[] = [{ from: at('2026-01-05T10:00:00+01:00'), to: at('2026-01-06T10:00:00+01:00') }];

  it('elapsed open time leaves out paused periods', () => {
    const now = at('2026-01-06T11:00:00+01:00');
    expect(businessSecondsElapsed(cal, start, now, [])).toBe(10 * H);
    expect(businessSecondsElapsed(cal, start, now, pausedToTuesday)).toBe(2 * H);
    expect(businessSecondsElapsed(cal, start, start, pausedToTuesday)).toBe(0);
  });

  it('the due date moves by the open time the pause took', () => {
    // 1 h before the pause, 3 h left from Tuesday 10:00: 10:00–12:30, 13:30–14:00
    const due = dueDateWithPauses(cal, start, 4 * H, pausedToTuesday);
    expect(due).toEqual(at('2026-01-06T14:00:00+01:00'));
    expect(businessSecondsElapsed(cal, start, due!, pausedToTuesday)).toBe(4 * H);
    expect(dueDateWithPauses(cal, start, 4 * H, [])).toEqual(at('2026-01-05T14:00:00+01:00'));
    // a target reached before the pause starts is not moved by it
    expect(dueDateWithPauses(cal, start, 30 * 60, pausedToTuesday)).toEqual(at('2026-01-05T09:30:00+01:00'));
    expect(dueDateWithPauses(cal, start, H, pausedToTuesday)).toEqual(at('2026-01-05T10:00:00+01:00'));
  });

  it('a clock that is still paused has no due date, and its elapsed time stops at the pause', () => {
    const open: SlaPause[] = [{ from: at('2026-01-05T10:00:00+01:00'), to: null }];
    expect(dueDateWithPauses(cal, start, 4 * H, open)).toBeNull();
    expect(businessSecondsElapsed(cal, start, at('2026-01-06T11:00:00+01:00'), open)).toBe(H);
  });

  it('overlapping pauses count once; a pause before the start is clipped; a pause in closed time changes nothing', () => {
    const pauses: SlaPause[] = [
      { from: at('2026-01-04T12:00:00+01:00'), to: at('2026-01-05T09:30:00+01:00') },
      { from: at('2026-01-05T10:00:00+01:00'), to: at('2026-01-05T11:00:00+01:00') },
      { from: at('2026-01-05T10:30:00+01:00'), to: at('2026-01-05T11:30:00+01:00') },
    ];
    expect(businessSecondsElapsed(cal, start, at('2026-01-05T12:00:00+01:00'), pauses)).toBe(H);
    const weekend: SlaPause[] = [{ from: at('2026-01-09T18:00:00+01:00'), to: at('2026-01-12T08:00:00+01:00') }];
    const fri = at('2026-01-09T16:30:00+01:00');
    expect(dueDateWithPauses(cal, fri, 4 * H, weekend)).toEqual(addBusinessSeconds(cal, fri, 4 * H));
  });

  it('with no calendar, pauses shift the due date by their length', () => {
    const t = at('2026-03-29T01:00:00+01:00');
    const pause: SlaPause[] = [{ from: new Date(t.getTime() + H * 1000), to: new Date(t.getTime() + 2 * H * 1000) }];
    expect(dueDateWithPauses(null, t, 2 * H, pause)).toEqual(new Date(t.getTime() + 3 * H * 1000));
    expect(businessSecondsElapsed(null, t, new Date(t.getTime() + 4 * H * 1000), pause)).toBe(3 * H);
  });

  it('elapsed time reaches the target exactly at the due date (seeded random pauses)', () => {
    const rand = prng(42);
    const base = at('2026-01-01T00:00:00Z').getTime();
    for (let i = 0; i < 40; i++) {
      const s = base + Math.floor(rand() * 300 * 86_400_000);
      const pauses: SlaPause[] = [];
      for (let k = 0, t = s - 86_400_000; k < 4; k++) {
        t += Math.floor(rand() * 3 * 86_400_000);
        const len = Math.floor(rand() * 86_400_000);
        pauses.push({ from: new Date(t), to: new Date(t + len) });
      }
      const target = Math.floor(rand() * 5 * 86_400);
      const due = dueDateWithPauses(cal, new Date(s), target, pauses)!;
      expect(businessSecondsElapsed(cal, new Date(s), due, pauses)).toBe(target);
      if (target > 0) expect(businessSecondsElapsed(cal, new Date(s), new Date(due.getTime() - 1), pauses)).toBeLessThan(target);
    }
  });

  it('refuses a pause that ends before it starts', () => {
    const bad: SlaPause[] = [{ from: at('2026-01-05T11:00:00+01:00'), to: at('2026-01-05T10:00:00+01:00') }];
    expect(() => businessSecondsElapsed(cal, start, at('2026-01-06T11:00:00+01:00'), bad)).toThrow(RangeError);
    expect(() => dueDateWithPauses(cal, start, H, bad)).toThrow(RangeError);
  });
});

describe('validation', () => {
  const valid = office('Europe/Amsterdam', { holidayCountry: 'NL', holidays: ['2026-12-24'] });
  const messages = (input: unknown): string[] => businessCalendarSchema.safeParse(input).error?.issues.map((i) => i.message) ?? [];
  const withHours = (hours: BusinessCalendar['hours']) => ({ ...valid, hours });

  it('accepts a valid calendar; holidays default to []; touching intervals and the same interval on other days are fine', () => {
    expect(businessCalendarSchema.parse(valid)).toEqual(valid);
    const { holidays: _h, ...noHolidays } = valid;
    expect(businessCalendarSchema.parse(noHolidays).holidays).toEqual([]);
    expect(
      messages(
        withHours([
          { weekday: 1, opens: '08:00', closes: '12:00' },
          { weekday: 1, opens: '12:00', closes: '24:00' },
        ]),
      ),
    ).toEqual([]);
    expect(messages({ ...valid, holidayCountry: null })).toEqual([]);
  });

  it('refuses a weekday outside 1–7 or not whole', () => {
    expect(messages(withHours([{ weekday: 0, opens: '08:00', closes: '12:00' }]))).toEqual(['weekday must be from 1 (Monday) to 7 (Sunday)']);
    expect(messages(withHours([{ weekday: 8, opens: '08:00', closes: '12:00' }]))).toEqual(['weekday must be from 1 (Monday) to 7 (Sunday)']);
    expect(messages(withHours([{ weekday: 1.5, opens: '08:00', closes: '12:00' }]))[0]).toMatch(/whole number/);
  });

  it('refuses times that are not HH:MM (closes may be 24:00, opens may not)', () => {
    expect(messages(withHours([{ weekday: 1, opens: '8:30', closes: '12:00' }]))).toEqual(['opens must be a time "HH:MM" from 00:00 to 23:59']);
    expect(messages(withHours([{ weekday: 1, opens: '24:00', closes: '24:00' }]))).toEqual(['opens must be a time "HH:MM" from 00:00 to 23:59']);
    expect(messages(withHours([{ weekday: 1, opens: '08:00', closes: '24:01' }]))).toEqual(['closes must be a time "HH:MM" from 00:01 to 24:00']);
    expect(messages(withHours([{ weekday: 1, opens: '08:60', closes: '12:00' }]))).toHaveLength(1);
  });

  it('refuses opens not before closes', () => {
    expect(messages(withHours([{ weekday: 2, opens: '18:00', closes: '09:00' }]))[0]).toMatch(/^opens must be before closes/);
    expect(messages(withHours([{ weekday: 2, opens: '09:00', closes: '09:00' }]))[0]).toMatch(/^opens must be before closes/);
  });

  it('refuses overlapping intervals of the same weekday', () => {
    const issues = businessCalendarSchema.safeParse(
      withHours([
        { weekday: 3, opens: '08:00', closes: '12:00' },
        { weekday: 4, opens: '11:00', closes: '13:00' },
        { weekday: 3, opens: '11:00', closes: '13:00' },
      ]),
    ).error!.issues;
    expect(issues.map((i) => i.message)).toEqual(['interval 11:00–13:00 overlaps 08:00–12:00 on weekday 3']);
    expect(issues[0]!.path).toEqual(['hours', 2]);
  });

  it('refuses an unknown time zone, an offset, a malformed or impossible holiday, an unsupported country', () => {
    expect(messages({ ...valid, timezone: 'Europe/Atlantis' })).toEqual(['timezone must be an IANA time zone name such as "Europe/Amsterdam"']);
    expect(messages({ ...valid, timezone: '+02:00' })).toHaveLength(1);
    expect(messages({ ...valid, holidays: ['2026-02-30'] })).toEqual(['a holiday must be a real date "YYYY-MM-DD"']);
    expect(messages({ ...valid, holidays: ['24/12/2026'] })).toEqual(['a holiday must be a real date "YYYY-MM-DD"']);
    expect(messages({ ...valid, holidayCountry: 'XX' })[0]).toMatch(/date-holidays supports/);
    expect(messages({ ...valid, holidayCountry: 'nl' })[0]).toMatch(/upper-case/);
  });

  it('the maths refuses an invalid calendar (ZodError) and bad arguments (RangeError, TypeError)', () => {
    const bad = { ...valid, timezone: 'Mars/Olympus' };
    expect(() => addBusinessSeconds(bad, at('2026-01-05T10:00:00+01:00'), 60)).toThrow(ZodError);
    expect(() => isOpenAt(bad, at('2026-01-05T10:00:00+01:00'))).toThrow(ZodError);
    expect(() => addBusinessSeconds(valid, at('2026-01-05T10:00:00+01:00'), -1)).toThrow(RangeError);
    expect(() => addBusinessSeconds(valid, at('2026-01-05T10:00:00+01:00'), Number.NaN)).toThrow(RangeError);
    expect(() => addBusinessSeconds(null, at('2026-01-05T10:00:00+01:00'), Infinity)).toThrow(RangeError);
    expect(() => addBusinessSeconds(valid, new Date('nope'), 60)).toThrow(TypeError);
    expect(() => businessSecondsBetween(valid, at('2026-01-05T10:00:00+01:00'), new Date(Number.NaN))).toThrow(TypeError);
  });
});
