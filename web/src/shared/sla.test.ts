import { describe, expect, it } from 'vitest';
import { zoneName } from './time';
import { countdownText, runningSlaTargets, slaColor, slaCountdown, slaEventText, type SlaCountdownInput, type ThreadSlaClocks } from './sla';

// Local wall-clock instants, so formatted times do not depend on the machine's time zone.
const NOW = new Date(2026, 2, 2, 12, 0, 0);
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * 60_000).toISOString();

function sla(over: Partial<ThreadSlaClocks> = {}): ThreadSlaClocks {
  return { paused: false, percentUsed: 10, firstResponseDueAt: null, nextResponseDueAt: null, resolutionDueAt: null, ...over };
}
const thread = (over: Partial<SlaCountdownInput>): SlaCountdownInput => ({
  status: 'OPEN',
  responseDueAt: null,
  overdue: false,
  firstResponseAt: null,
  resolvedAt: null,
  sla: null,
  ...over,
});

describe('slaColor', () => {
  it.each([
    [null, 'gray'],
    [undefined, 'gray'],
    [0, 'gray'],
    [74.9, 'gray'],
    [75, 'orange'],
    [90, 'orange'],
    [99.9, 'orange'],
    [100, 'red'],
    [250, 'red'],
  ] as const)('%s %% → %s', (pct, color) => {
    expect(slaColor(pct)).toBe(color);
  });
});

describe('countdownText', () => {
  it.each([
    [0, '<1m'],
    [59_000, '<1m'],
    [60_000, '1m'],
    [45 * 60_000, '45m'],
    [60 * 60_000, '1h'],
    [130 * 60_000, '2h 10m'],
    [-3 * 3600_000, '3h'],
    [-(3 * 3600_000 + 5 * 60_000), '3h 5m'],
    [24 * 3600_000, '1d'],
    [28 * 3600_000, '1d 4h'],
  ])('%i ms → %s', (ms, text) => {
    expect(countdownText(ms)).toBe(text);
  });
});

describe('slaCountdown', () => {
  it('shows the nearest running target with the time left, gray below 75 %', () => {
    const c = slaCountdown(thread({ sla: sla({ percentUsed: 40, firstResponseDueAt: at(130), resolutionDueAt: at(60 * 24) }) }), NOW);
    expect(c).toMatchObject({ state: 'due', target: 'FIRST_RESPONSE', label: 'first response 2h 10m left', color: 'gray', dueAt: at(130), source: 'sla' });
  });

  it('picks whichever running target is due first (resolution before first response)', () => {
    const c = slaCountdown(thread({ sla: sla({ percentUsed: 20, firstResponseDueAt: at(300), resolutionDueAt: at(45) }) }), NOW);
    expect(c?.target).toBe('RESOLUTION');
    expect(c?.label).toBe('resolution 45m left');
  });

  it('ignores the first-response due date once the first reply was sent; uses the next response', () => {
    const input = thread({ firstResponseAt: at(-600), sla: sla({ percentUsed: 80, firstResponseDueAt: at(-500), nextResponseDueAt: at(20), resolutionDueAt: at(3000) }) });
    expect(runningSlaTargets(input).map((t) => t.target)).toEqual(['NEXT_RESPONSE', 'RESOLUTION']);
    expect(slaCountdown(input, NOW)).toMatchObject({ target: 'NEXT_RESPONSE', label: 'next response 20m left', color: 'orange' });
  });

  it.each([
    [74, 'gray'],
    [75, 'orange'],
    [99, 'orange'],
    [100, 'red'],
  ] as const)('colours a running clock at %s %% %s', (pct, color) => {
    expect(slaCountdown(thread({ sla: sla({ percentUsed: pct, firstResponseDueAt: at(5) }) }), NOW)?.color).toBe(color);
  });

  it('says "overdue 3h" in red once the due date has passed, even if the fetched percentUsed is older and lower', () => {
    const c = slaCountdown(thread({ sla: sla({ percentUsed: 95, firstResponseDueAt: at(-180) }) }), NOW);
    expect(c).toMatchObject({ state: 'overdue', label: 'first response overdue 3h', color: 'red', percentUsed: 100 });
  });

  it('keeps the server percentUsed above 100 when breached', () => {
    expect(slaCountdown(thread({ sla: sla({ percentUsed: 180, resolutionDueAt: at(-65) }) }), NOW)).toMatchObject({
      label: 'resolution overdue 1h 5m',
      percentUsed: 180,
      color: 'red',
    });
  });

  it('shows "paused" in gray while the clocks wait on the customer, whatever the due dates say', () => {
    const c = slaCountdown(thread({ status: 'WAITING_CUSTOMER', sla: sla({ paused: true, percentUsed: 120, firstResponseDueAt: at(-60) }) }), NOW);
    expect(c).toMatchObject({ state: 'paused', label: 'paused', color: 'gray', target: null });
  });

  it('shows nothing for a resolved thread with an SLA, or when no clock runs', () => {
    expect(slaCountdown(thread({ status: 'RESOLVED', resolvedAt: at(-1), sla: sla({ resolutionDueAt: at(60) }) }), NOW)).toBeNull();
    expect(slaCountdown(thread({ sla: sla({ percentUsed: null }) }), NOW)).toBeNull();
    expect(slaCountdown(thread({ firstResponseAt: at(-10), sla: sla({ firstResponseDueAt: at(30) }) }), NOW)).toBeNull();
  });

  it('falls back to the plain responseDueAt label when the thread has no SLA policy (sla null)', () => {
    expect(slaCountdown(thread({ sla: null, responseDueAt: at(125) }), NOW)).toMatchObject({ label: 'due in 2h', color: 'gray', source: 'responseDueAt', target: null });
    expect(slaCountdown(thread({ sla: null, responseDueAt: at(-180), overdue: true }), NOW)).toMatchObject({ label: 'overdue 3h', state: 'overdue', color: 'red' });
    expect(slaCountdown(thread({ sla: null, responseDueAt: null, overdue: true }), NOW)).toMatchObject({ label: 'overdue', color: 'red' });
    expect(slaCountdown(thread({ sla: null, responseDueAt: null }), NOW)).toBeNull();
  });

  it('counts down as `now` ticks', () => {
    const input = thread({ sla: sla({ percentUsed: 50, firstResponseDueAt: at(61) }) });
    expect(slaCountdown(input, NOW)?.label).toBe('first response 1h 1m left');
    expect(slaCountdown(input, new Date(NOW.getTime() + 30 * 60_000))?.label).toBe('first response 31m left');
    expect(slaCountdown(input, new Date(NOW.getTime() + 62 * 60_000))).toMatchObject({ label: 'first response overdue 1m', color: 'red' });
  });
});

describe('slaEventText', () => {
  it('describes a fired ladder step with its due time', () => {
    // The due time carries its time zone (the process's here: no user preference set).
    const zone = (d: Date) => zoneName(d);
    const due1 = new Date(2026, 2, 2, 14, 30);
    expect(slaEventText({ action: 'REMIND', target: 'FIRST_RESPONSE', percentUsed: 75.2, dueAt: due1.toISOString(), firedAt: new Date(2026, 2, 2, 13, 0).toISOString() })).toBe(
      `SLA reminder: first response 75 % (due 14:30 ${zone(due1)})`,
    );
    const due2 = new Date(2026, 2, 1, 17, 0);
    expect(slaEventText({ action: 'EXECUTIVE_ALERT', target: 'RESOLUTION', percentUsed: 140, dueAt: due2.toISOString(), firedAt: new Date(2026, 2, 2, 17, 0).toISOString() })).toBe(
      `SLA executive alert: resolution 140 % (due 1 Mar 17:00 ${zone(due2)})`,
    );
  });
});
