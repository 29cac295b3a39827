/**
 * `loadForEvent`: a subscription event's record is loaded once per event and
 * selection, whatever the number of subscribers (issue 8 §2). Prisma already
 * batches the subscribers' findUnique calls of one tick into one statement
 * (subscriptions.test.ts "fan-out"); this memo also saves the per-subscriber
 * Prisma work, and keeps to one load when subscribers resolve in later ticks.
 */
import { describe, expect, it } from 'vitest';
import { loadForEvent } from '../../src/modules/message/message.schema.js';

describe('loadForEvent', () => {
  it('one load per event and selection; another selection or another event loads again', async () => {
    let loads = 0;
    const load = async () => ({ id: 'm1', n: ++loads });
    const event = { messageId: 'm1', threadId: 't1' };
    const shape = { select: { id: true, content: true } };
    const results = await Promise.all(Array.from({ length: 1000 }, () => loadForEvent(event, { ...shape }, load)));
    expect(loads).toBe(1);
    expect(new Set(results).size).toBe(1);
    // Later ticks share it too.
    await new Promise((r) => setTimeout(r, 5));
    expect(await loadForEvent(event, shape, load)).toBe(results[0]);
    expect(loads).toBe(1);
    await loadForEvent(event, { select: { id: true } }, load);
    expect(loads).toBe(2);
    await loadForEvent({ ...event }, shape, load);
    expect(loads).toBe(3);
  });

  it('a failed load fails every subscriber of that event, and a new event loads again', async () => {
    let loads = 0;
    const event = { messageId: 'gone' };
    const failing = async () => {
      loads++;
      throw new Error('No record found');
    };
    await expect(loadForEvent(event, {}, failing)).rejects.toThrow('No record found');
    await expect(loadForEvent(event, {}, failing)).rejects.toThrow('No record found');
    expect(loads).toBe(1);
  });
});
