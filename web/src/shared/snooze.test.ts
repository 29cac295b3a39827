import { describe, expect, it } from 'vitest';
import { parseLocalDateTime, snoozeUntil, toLocalDateTimeValue, zonedWallTimeToInstant } from './snooze';

const AMS = 'Europe/Amsterdam';
const at = (iso: string) => new Date(iso);

describe('snoozeUntil', () => {
  it('in1h is exactly 60 minutes later, also across the spring-forward hour', () => {
    // 2026-03-29 01:00 UTC the Netherlands go from CET to CEST.
    expect(snoozeUntil('in1h', at('2026-03-29T00:30:00Z'), AMS).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('tomorrow 09:00 before and after the spring-forward change (CET → CEST)', () => {
    // Friday 27 March, CET: Saturday 09:00 CET = 08:00 UTC.
    expect(snoozeUntil('tomorrow', at('2026-03-27T15:00:00Z'), AMS).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    // Saturday 28 March, CET: Sunday 09:00 is already CEST = 07:00 UTC.
    expect(snoozeUntil('tomorrow', at('2026-03-28T10:00:00Z'), AMS).toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });

  it('tomorrow 09:00 after the fall-back change (CEST → CET)', () => {
    // Saturday 24 October 2026, CEST: Sunday 25 October 09:00 is CET = 08:00 UTC.
    expect(snoozeUntil('tomorrow', at('2026-10-24T12:00:00Z'), AMS).toISOString()).toBe('2026-10-25T08:00:00.000Z');
  });

  it('"tomorrow" is the next day in the user\'s zone, not in UTC', () => {
    // 23:30 UTC on 28 March is 00:30 on Sunday 29 March in Amsterdam: tomorrow is Monday 30 March.
    expect(snoozeUntil('tomorrow', at('2026-03-28T23:30:00Z'), AMS).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // 03:00 UTC on 28 March is still Friday 27 March 23:00 in New York (EDT): tomorrow 09:00 EDT = 13:00 UTC.
    expect(snoozeUntil('tomorrow', at('2026-03-28T03:00:00Z'), 'America/New_York').toISOString()).toBe('2026-03-28T13:00:00.000Z');
  });

  it('next Monday 09:00 across the change, and a week ahead when today is Monday', () => {
    // Saturday 28 March (CET) → Monday 30 March 09:00 CEST.
    expect(snoozeUntil('nextMonday', at('2026-03-28T10:00:00Z'), AMS).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // Monday 30 March → Monday 6 April.
    expect(snoozeUntil('nextMonday', at('2026-03-30T06:00:00Z'), AMS).toISOString()).toBe('2026-04-06T07:00:00.000Z');
    // Thursday 22 October (CEST) → Monday 26 October 09:00 CET.
    expect(snoozeUntil('nextMonday', at('2026-10-22T10:00:00Z'), AMS).toISOString()).toBe('2026-10-26T08:00:00.000Z');
    // Sunday 29 March → Monday 30 March (the next day).
    expect(snoozeUntil('nextMonday', at('2026-03-29T20:00:00Z'), AMS).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('Rome keeps 09:00 at the end of a month', () => {
    expect(snoozeUntil('tomorrow', at('2026-12-31T12:00:00Z'), 'Europe/Rome').toISOString()).toBe('2027-01-01T08:00:00.000Z');
  });
});

describe('custom snooze time (datetime-local)', () => {
  it('reads the wall time in the zone and writes it back', () => {
    const d = parseLocalDateTime('2026-03-29T09:00', AMS)!;
    expect(d.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(toLocalDateTimeValue(d, AMS)).toBe('2026-03-29T09:00');
    expect(parseLocalDateTime('2026-01-15T09:00', AMS)!.toISOString()).toBe('2026-01-15T08:00:00.000Z');
  });

  it('refuses what is not a date-time', () => {
    expect(parseLocalDateTime('', AMS)).toBeNull();
    expect(parseLocalDateTime('tomorrow', AMS)).toBeNull();
    expect(parseLocalDateTime('2026-13-01T09:00', AMS)).toBeNull();
  });

  it('a wall time skipped by spring-forward resolves one hour later', () => {
    expect(zonedWallTimeToInstant(2026, 3, 29, 2, 30, AMS).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});
