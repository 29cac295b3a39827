/**
 * The export's local times (`localTimeFormatter`, an hourly offset cache over
 * Intl) must equal date-fns `format` of a `TZDate` — the library the rest of
 * the hub uses — at every instant, DST transitions and half-hour zones included.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { localTimeFormatter } from '../../src/modules/analytics/export.js';

const ZONES = ['Europe/Amsterdam', 'Europe/Rome', 'UTC', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'];

describe('export local times', () => {
  it.each(ZONES)('%s: equal to date-fns over two years, around every transition', (tz) => {
    const local = localTimeFormatter(tz);
    const mismatches: string[] = [];
    const check = (ms: number) => {
      const d = new Date(ms);
      const want = format(new TZDate(ms, tz), 'yyyy-MM-dd HH:mm:ss');
      if (local(d) !== want) mismatches.push(`${d.toISOString()}: ${local(d)} ≠ ${want}`);
    };
    // Every ~47 minutes (with milliseconds) over 2026–2027 …
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 2_820_013) check(ms);
    // … and every 7 s of the 3 hours around each offset change.
    const offset = (ms: number) => new TZDate(ms, tz).getTimezoneOffset();
    let transitions = 0;
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 3_600_000) {
      if (offset(ms) !== offset(ms + 3_600_000)) {
        transitions++;
        for (let s = ms - 3_600_000; s < ms + 3_600_000 * 2; s += 7_000) check(s + 999);
      }
    }
    expect(mismatches).toEqual([]);
    expect(local(null)).toBe('');
    if (tz === 'Europe/Amsterdam') expect(transitions).toBe(4);
  });
});
