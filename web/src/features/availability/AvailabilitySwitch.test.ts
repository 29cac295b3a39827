import { describe, expect, it } from 'vitest';
import { IDLE_MS, heartbeatAction } from './AvailabilitySwitch';

describe('availability heartbeat', () => {
  it('keeps an ONLINE agent online while the tab is visible and they are active', () => {
    expect(heartbeatAction('ONLINE', 1000, true)).toBe('ONLINE');
  });
  it('sends nothing from a hidden tab (the server turns the agent AWAY after 5 minutes without a heartbeat)', () => {
    expect(heartbeatAction('ONLINE', 1000, false)).toBeNull();
  });
  it('turns an idle agent AWAY', () => {
    expect(heartbeatAction('ONLINE', IDLE_MS, true)).toBe('AWAY');
    expect(heartbeatAction('ONLINE', IDLE_MS - 1, true)).toBe('ONLINE');
  });
  it('never brings an AWAY or OFFLINE agent online by itself', () => {
    expect(heartbeatAction('AWAY', 0, true)).toBeNull();
    expect(heartbeatAction('OFFLINE', 0, true)).toBeNull();
  });
});
