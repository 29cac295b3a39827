import { afterEach, describe, expect, it } from 'vitest';
import { i18n, setTimeZone } from '../i18n';
import { formatDateTime, formatDueTime, formatDuration, formatNumber, formatRelative, formatTime, listTime, shortDistance } from './time';

// 14:30 in Amsterdam and Rome (CET, winter) = 13:30 UTC.
const AT = new Date('2026-03-03T13:30:00Z');

afterEach(() => {
  void i18n.changeLanguage('en');
  setTimeZone(undefined);
});

describe('time formatting in the user language and time zone', () => {
  it('nl: 24-hour clock, Dutch month names, the zone on due times', () => {
    void i18n.changeLanguage('nl');
    setTimeZone('Europe/Amsterdam');
    expect(formatTime(AT)).toBe('14:30');
    expect(formatTime(AT, { withZone: true })).toBe('14:30 CET');
    expect(formatDateTime(AT)).toBe('3 mrt 2026, 14:30');
    expect(formatDueTime(AT, new Date('2026-03-03T08:00:00Z'))).toBe('14:30 CET');
    expect(formatDueTime(AT, new Date('2026-03-01T08:00:00Z'))).toBe('3 mrt 14:30 CET');
    expect(formatRelative(AT, new Date('2026-03-03T16:30:00Z'))).toBe('3 uur geleden');
    expect(formatNumber(1234.5)).toBe('1.234,5');
  });

  it('it: 24-hour clock in the afternoon, Italian words', () => {
    void i18n.changeLanguage('it');
    setTimeZone('Europe/Rome');
    const afternoon = new Date('2026-07-10T13:05:00Z'); // 15:05 CEST
    expect(formatTime(afternoon, { withZone: true })).toBe('15:05 CEST');
    expect(formatDateTime(afternoon)).toBe('10 lug 2026, 15:05');
    expect(formatRelative(afternoon, new Date('2026-07-12T13:05:00Z'))).toBe('2 giorni fa');
    expect(shortDistance(3 * 24 * 60)).toBe('3gg');
    expect(formatNumber(1234.5)).toBe('1234,5');
  });

  it('the user time zone moves the clock: the same instant in New York', () => {
    void i18n.changeLanguage('en');
    setTimeZone('America/New_York');
    expect(formatTime(AT, { withZone: true })).toMatch(/^08:30 (EST|GMT-5)$/);
  });

  it('en keeps the compact units the inbox used ("2h 10m", "now")', () => {
    expect(formatDuration(130 * 60_000)).toBe('2h 10m');
    expect(formatDuration(30_000)).toBe('<1m');
    expect(listTime(new Date().toISOString())).toBe('now');
    void i18n.changeLanguage('nl');
    expect(listTime(new Date().toISOString())).toBe('nu');
    expect(formatDuration(130 * 60_000)).toBe('2 u 10 m');
  });
});
