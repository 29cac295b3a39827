import { afterEach, describe, expect, it, vi } from 'vitest';
import { dayRange, intervalFor, itemBucket, pointBucket, presetRange, throttle } from './range';
import { breakdownRows, clickedIndex, itemLabel, seriesRows } from './charts';
import { item, point } from './fixtures.test-utils';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('presetRange', () => {
  it('covers the last n calendar days, today included, up to the next midnight', () => {
    const now = new Date(2026, 2, 15, 14, 30); // 15 Mar 2026 14:30 local
    const r = presetRange(7, now);
    expect(r.to).toEqual(new Date(2026, 2, 16));
    expect(r.from).toEqual(new Date(2026, 2, 9));
  });
});

describe('dayRange', () => {
  it('runs from the first day 00:00 to the end of the last day, either order', () => {
    expect(dayRange(new Date(2026, 0, 1), new Date(2026, 0, 3))).toEqual({ from: new Date(2026, 0, 1), to: new Date(2026, 0, 4) });
    expect(dayRange(new Date(2026, 0, 3), new Date(2026, 0, 1))).toEqual({ from: new Date(2026, 0, 1), to: new Date(2026, 0, 4) });
  });
});

describe('intervalFor', () => {
  const from = new Date('2026-01-01T00:00:00Z');
  const span = (ms: number) => ({ from, to: new Date(from.getTime() + ms) });
  it('hours up to 2 days, days up to 90 days, weeks beyond', () => {
    expect(intervalFor(span(HOUR))).toBe('HOUR');
    expect(intervalFor(span(2 * DAY))).toBe('HOUR');
    expect(intervalFor(span(2 * DAY + 2 * HOUR))).toBe('DAY');
    expect(intervalFor(span(30 * DAY))).toBe('DAY');
    expect(intervalFor(span(90 * DAY + HOUR))).toBe('DAY'); // a daylight-saving hour
    expect(intervalFor(span(91 * DAY))).toBe('WEEK');
    expect(intervalFor(span(365 * DAY))).toBe('WEEK');
  });
});

describe('drill-down buckets', () => {
  it('a point is its [start, end), a bar its dimension and key', () => {
    expect(pointBucket(point('2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'))).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' });
    expect(itemBucket('CHANNEL', item({ key: 'WHATSAPP_BUSINESS' }))).toEqual({ dimension: 'CHANNEL', key: 'WHATSAPP_BUSINESS' });
  });
});

describe('chart rows', () => {
  it('series rows line up the n-th points and show business time for SECONDS', () => {
    const rows = seriesRows('DAY', 'SECONDS', [
      { metric: 'FIRST_RESPONSE_TIME', points: [point('2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', { value: 7200, businessValue: 3600, count: 2 })] },
      { metric: 'REPLY_TIME', points: [point('2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', { value: 600, businessValue: null, count: 1 })] },
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ start: '2026-01-01T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z', FIRST_RESPONSE_TIME: 3600, REPLY_TIME: 600 });
  });

  it('breakdown rows merge the metrics by key', () => {
    const rows = breakdownRows('COUNT', [
      { metric: 'REPLIES', items: [item({ key: 'u1', label: 'Sarah', value: 10, count: 10 }), item({ key: 'u2', label: 'Tom', value: 4, count: 4 })] },
      { metric: 'RESOLUTIONS', items: [item({ key: 'u2', label: 'Tom', value: 3, count: 3 })] },
    ]);
    expect(rows).toEqual([
      { key: 'u1', label: 'Sarah', REPLIES: 10, RESOLUTIONS: null },
      { key: 'u2', label: 'Tom', REPLIES: 4, RESOLUTIONS: 3 },
    ]);
  });

  it('channel bars get the channel names, an empty key is "None"', () => {
    expect(itemLabel('CHANNEL', item({ key: 'WHATSAPP_BUSINESS' }))).toBe('WhatsApp');
    expect(itemLabel('TEAM', item({ key: 'VGVhbTox', label: 'Support' }))).toBe('Support');
    expect(itemLabel('AGENT', item({ key: '', label: '' }))).toBe('None');
    const rows = breakdownRows('PERCENT', [{ metric: 'SLA_COMPLIANCE', items: [item({ key: 'EMAIL_OUTLOOK', value: 97 })] }], (i) => itemLabel('CHANNEL', i));
    expect(rows).toEqual([{ key: 'EMAIL_OUTLOOK', label: 'Outlook e-mail', SLA_COMPLIANCE: 97 }]);
  });

  it('a recharts click maps to a row index (numeric strings included), out of range to null', () => {
    expect(clickedIndex({ activeTooltipIndex: '2' }, 3)).toBe(2);
    expect(clickedIndex({ activeIndex: 0 }, 3)).toBe(0);
    expect(clickedIndex({ activeTooltipIndex: '3' }, 3)).toBeNull();
    expect(clickedIndex({ activeTooltipIndex: null }, 3)).toBeNull();
    expect(clickedIndex(null, 3)).toBeNull();
  });
});

describe('throttle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs at once, then at most once per window with one trailing call', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const t = throttle(fn, 3000);
    t.call();
    expect(fn).toHaveBeenCalledTimes(1);
    t.call();
    t.call();
    vi.advanceTimersByTime(2999);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(10_000);
    expect(fn).toHaveBeenCalledTimes(2);
    t.call();
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('cancel drops the pending call', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const t = throttle(fn, 3000);
    t.call();
    t.call();
    t.cancel();
    vi.advanceTimersByTime(5000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
