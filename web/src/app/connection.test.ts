import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBackoff, createConnectionStatus } from './connection';

describe('connection status store', () => {
  it('follows the socket: first connect, drop, retries, back (with times)', () => {
    let now = 1_000;
    const store = createConnectionStatus(true, () => now);
    const seen: string[] = [];
    store.subscribe(() => seen.push(store.get().socket));

    store.connecting(false);
    store.connected(false);
    expect(store.get()).toMatchObject({ socket: 'connected', lostAt: null, reconnectedAt: null });

    now = 2_000;
    store.closed(1006);
    expect(store.get()).toMatchObject({ socket: 'reconnecting', lostAt: 2_000 });
    // Failed attempts while down change nothing.
    store.connecting(true);
    store.closed(1006);
    now = 3_000;
    store.closed(1006);
    expect(store.get().lostAt).toBe(2_000);

    now = 5_000;
    store.connecting(true);
    store.connected(true);
    expect(store.get()).toMatchObject({ socket: 'connected', reconnectedAt: 5_000 });
    expect(seen).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('a normal or fatal close means no socket is wanted (no reconnecting state)', () => {
    const store = createConnectionStatus(true);
    store.connected(false);
    store.closed(1000);
    expect(store.get().socket).toBe('idle');
    store.connected(false);
    store.closed(4401);
    expect(store.get().socket).toBe('idle');
    store.connected(false);
    store.closed(4499); // terminated: retried
    expect(store.get().socket).toBe('reconnecting');
  });

  it('tracks navigator.onLine and notifies only on change', () => {
    const store = createConnectionStatus(true);
    const listener = vi.fn();
    const off = store.subscribe(listener);
    store.setBrowserOnline(true);
    expect(listener).not.toHaveBeenCalled();
    store.setBrowserOnline(false);
    expect(store.get().browserOnline).toBe(false);
    expect(listener).toHaveBeenCalledTimes(1);
    off();
    store.setBrowserOnline(true);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('reconnect backoff', () => {
  afterEach(() => vi.useRealTimers());

  it('doubles from the base, is capped, and jitters down by at most half', () => {
    const high = createBackoff({ baseMs: 500, maxMs: 3000, random: () => 1 });
    expect([0, 1, 2, 3, 4, 10, 1000].map((r) => high.delayFor(r))).toEqual([500, 1000, 2000, 3000, 3000, 3000, 3000]);
    const low = createBackoff({ baseMs: 500, maxMs: 3000, random: () => 0 });
    expect([0, 1, 2, 3, 50].map((r) => low.delayFor(r))).toEqual([250, 500, 1000, 1500, 1500]);
  });

  it('wait resolves after the delay, or at once on wake()', async () => {
    vi.useFakeTimers();
    const backoff = createBackoff({ baseMs: 1000, maxMs: 8000, random: () => 1 });
    const done = vi.fn();
    void backoff.wait(2).then(done); // 4 s
    await vi.advanceTimersByTimeAsync(3_999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalledTimes(1);

    const woken = vi.fn();
    void backoff.wait(3).then(woken); // 8 s
    await vi.advanceTimersByTimeAsync(100);
    backoff.wake();
    await Promise.resolve();
    expect(woken).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
