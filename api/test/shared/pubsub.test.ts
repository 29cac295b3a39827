import { getEventListeners } from 'node:events';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  ATTACH,
  createFanout,
  createHubPubSub,
  createSubscribeClient,
  type HubPubSub,
  type MessageAddedEvent,
  SUBSCRIBER_MAX_BEHIND,
  SubscriberTooSlowError,
} from '../../src/shared/pubsub.js';

/** Collects the first `n` events of an async iterator, giving up after `ms`. */
async function take<T>(it: AsyncIterableIterator<T> | AsyncIterable<T>, n: number, ms = 5000): Promise<T[]> {
  const out: T[] = [];
  const iterator = (it as AsyncIterable<T>)[Symbol.asyncIterator]();
  const deadline = setTimeout(() => void iterator.return?.(), ms);
  try {
    for await (const v of { [Symbol.asyncIterator]: () => iterator }) {
      out.push(v);
      if (out.length >= n) break;
    }
  } finally {
    clearTimeout(deadline);
  }
  return out;
}

const redisUrl = process.env.TEST_REDIS_URL;

describe('pub/sub', () => {
  it('in-process: 1,000 subscribers of one topic each get the event, the same object, and Node warns of no listener leak', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const ps = createHubPubSub();
    try {
      const all = Array.from({ length: 1000 }, () => take(ps.subscribe('messageAdded', 'org-a'), 1));
      await new Promise((r) => setTimeout(r, 10));
      ps.publish('messageAdded', 'org-a', { messageId: 'm-1', threadId: 't-1' });
      const received = (await Promise.all(all)).map((r) => r[0]);
      expect(received).toHaveLength(1000);
      // One object for all: subscription resolvers share its load (message.schema.ts loadForEvent).
      expect(new Set(received).size).toBe(1);
      await new Promise((r) => setTimeout(r, 10));
      expect(warnings.filter((w) => w === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await ps.close();
    }
  });

  it("in-process: a subscriber of one organization gets its events and not another organization's", async () => {
    const ps = createHubPubSub();
    const received = take(ps.subscribe('messageAdded', 'org-a'), 1);
    await new Promise((r) => setTimeout(r, 10));
    ps.publish('messageAdded', 'org-b', { messageId: 'm-b', threadId: 't-b' });
    ps.publish('messageAdded', 'org-a', { messageId: 'm-a', threadId: 't-a' });
    expect(await received).toEqual([{ messageId: 'm-a', threadId: 't-a' }]);
    await ps.close();
  });

  it('in-process subscribeWhere: only the events its predicate keeps, the published object itself; return() lets go of the listener', async () => {
    const ps = createHubPubSub();
    const kept = { messageId: 'm-2', threadId: 't-keep' };
    const it = ps.subscribeWhere('messageAdded', 'org-a', (e) => e.threadId === 't-keep');
    const received = take(it, 1);
    await new Promise((r) => setTimeout(r, 10));
    ps.publish('messageAdded', 'org-a', { messageId: 'm-1', threadId: 't-other' });
    ps.publish('messageAdded', 'org-b', { messageId: 'm-b', threadId: 't-keep' });
    ps.publish('messageAdded', 'org-a', kept);
    const got = await received;
    expect(got).toEqual([kept]);
    expect(got[0]).toBe(kept);
    // take() ended the iterator (return()): a later event is not buffered for it, next() says done.
    ps.publish('messageAdded', 'org-a', kept);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    await ps.close();
  });

  it('createFanout: one listener of the target per event name for any number of callbacks, gone with the last; a throwing callback is reported, the others still run', async () => {
    const target = new EventTarget();
    const errors: unknown[] = [];
    const fanout = createFanout(target, (err) => errors.push(err));
    const got: string[] = [];
    const removers = ['a', 'b', 'c'].map((who) => fanout.add('messageAdded:org-a', (d) => got.push(`${who}:${(d as { messageId: string }).messageId}`)));
    const removeThrower = fanout.add('messageAdded:org-a', () => {
      throw new Error('boom');
    });
    expect(getEventListeners(target, 'messageAdded:org-a')).toHaveLength(1);
    target.dispatchEvent(new CustomEvent('messageAdded:org-a', { detail: { messageId: 'm-1' } }));
    expect(got).toEqual(['a:m-1', 'b:m-1', 'c:m-1']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    removeThrower();
    removers[0]!();
    removers[0]!(); // twice: no effect on the others
    target.dispatchEvent(new CustomEvent('messageAdded:org-a', { detail: { messageId: 'm-2' } }));
    expect(got.slice(3)).toEqual(['b:m-2', 'c:m-2']);
    removers[1]!();
    removers[2]!();
    expect(getEventListeners(target, 'messageAdded:org-a')).toHaveLength(0);
  });

  it('in-process subscribeWhere [ATTACH]: kept events are handed over synchronously in the publish, the published object itself; detach stops them', async () => {
    const ps = createHubPubSub();
    try {
      const stream = ps.subscribeWhere('messageAdded', 'org-a', (e) => e.threadId === 't-keep');
      const got: MessageAddedEvent[] = [];
      const detach = stream[ATTACH]((e) => got.push(e));
      const kept = { messageId: 'm-2', threadId: 't-keep' };
      ps.publish('messageAdded', 'org-a', { messageId: 'm-1', threadId: 't-other' });
      ps.publish('messageAdded', 'org-b', { messageId: 'm-b', threadId: 't-keep' });
      ps.publish('messageAdded', 'org-a', kept);
      // No await between the publish and this line: delivered in the dispatch.
      expect(got).toEqual([kept]);
      expect(got[0]).toBe(kept);
      detach();
      ps.publish('messageAdded', 'org-a', kept);
      expect(got).toHaveLength(1);
    } finally {
      await ps.close();
    }
  });

  it.skipIf(!redisUrl)('Redis subscribeWhere: an event of another instance, filtered by the predicate', async () => {
    const a: HubPubSub = createHubPubSub(redisUrl);
    const b: HubPubSub = createHubPubSub(redisUrl);
    const org = `org-where-${Date.now()}`;
    const received = take<MessageAddedEvent>(
      b.subscribeWhere('messageAdded', org, (e) => e.threadId === 't-keep'),
      2,
    );
    let attempts = 0;
    const pump = setInterval(() => {
      if (attempts++ < 50) {
        a.publish('messageAdded', org, { messageId: 'm-0', threadId: 't-other' });
        a.publish('messageAdded', org, { messageId: 'm-1', threadId: 't-keep' });
      }
    }, 100);
    const got = await received;
    clearInterval(pump);
    expect(got).toEqual([
      { messageId: 'm-1', threadId: 't-keep' },
      { messageId: 'm-1', threadId: 't-keep' },
    ]);
    await a.close();
    await b.close();
  });

  it('in-process: a subscribeWhere subscriber more than SUBSCRIBER_MAX_BEHIND events behind gets what waited, then SubscriberTooSlowError; the others every event', async () => {
    const reports: string[] = [];
    const ps = createHubPubSub(undefined, undefined, (err) => reports.push((err as Error).name));
    try {
      const stalled = ps.subscribeWhere('messageAdded', 'org-a', () => true);
      const first = stalled.next();
      const reader = take(
        ps.subscribeWhere('messageAdded', 'org-a', () => true),
        1500,
      );
      await new Promise((r) => setTimeout(r, 10));
      for (let chunk = 0; chunk < 15; chunk++) {
        for (let i = 0; i < 100; i++) ps.publish('messageAdded', 'org-a', { messageId: `m-${chunk * 100 + i}`, threadId: 't-1' });
        await new Promise((r) => setImmediate(r));
      }
      expect((await reader).map((e) => e.messageId)).toEqual(Array.from({ length: 1500 }, (_, i) => `m-${i}`));
      expect((await first).value).toEqual({ messageId: 'm-0', threadId: 't-1' });
      // What waited is still delivered, in order; then the stream ends with the error (it never skips an event silently).
      const rest: string[] = [];
      const ended = await (async () => {
        try {
          for (;;) {
            const step = await stalled.next();
            if (step.done) return 'done';
            rest.push(step.value.messageId);
          }
        } catch (err) {
          return err;
        }
      })();
      expect(ended).toBeInstanceOf(SubscriberTooSlowError);
      expect(rest).toEqual(Array.from({ length: rest.length }, (_, i) => `m-${i + 1}`));
      expect(rest.length + 1).toBeGreaterThanOrEqual(SUBSCRIBER_MAX_BEHIND);
      expect(rest.length + 1).toBeLessThanOrEqual(SUBSCRIBER_MAX_BEHIND + 1);
      expect(reports).toEqual([]);
    } finally {
      await ps.close();
    }
  });

  it('in-process: a subscriber more than 1,024 events behind misses events (reported) instead of ending the process; the others get every event', async () => {
    const reports: [string, number][] = [];
    const ps = createHubPubSub(undefined, undefined, (err, missed) => reports.push([(err as Error).name, missed]));
    try {
      // A subscription that started and then stopped reading (a slow subscriber), and one that keeps up.
      const stalled = ps.subscribe('messageAdded', 'org-a')[Symbol.asyncIterator]();
      const first = stalled.next();
      const reader = take(ps.subscribe('messageAdded', 'org-a'), 2000);
      await new Promise((r) => setTimeout(r, 10));
      for (let chunk = 0; chunk < 20; chunk++) {
        for (let i = 0; i < 100; i++) ps.publish('messageAdded', 'org-a', { messageId: `m-${chunk * 100 + i}`, threadId: 't-1' });
        await new Promise((r) => setImmediate(r));
      }
      expect((await reader).map((e) => e.messageId)).toEqual(Array.from({ length: 2000 }, (_, i) => `m-${i}`));
      expect((await first).value).toEqual({ messageId: 'm-0', threadId: 't-1' });
      // Reported once (throttled), with the first missed event.
      expect(reports).toEqual([['RepeaterOverflowError', 1]]);
      await stalled.return?.();
    } finally {
      await ps.close();
    }
  });

  it.skipIf(!redisUrl)('Redis: an event published by one instance reaches a subscriber on another instance', async () => {
    const a: HubPubSub = createHubPubSub(redisUrl);
    const b: HubPubSub = createHubPubSub(redisUrl);
    const org = `org-${Date.now()}`;
    const received = take<MessageAddedEvent>(b.subscribe('messageAdded', org), 2);
    // Redis SUBSCRIBE is asynchronous: publish until the subscriber is attached (bounded).
    const event = { messageId: 'm-1', threadId: 't-1' };
    let attempts = 0;
    const pump = setInterval(() => {
      if (attempts++ < 50) a.publish('messageAdded', org, event);
    }, 100);
    const got = await received;
    clearInterval(pump);
    expect(got.length).toBe(2);
    expect(got[0]).toEqual(event);
    await a.close();
    await b.close();
  });

  it.skipIf(!redisUrl)('Redis: a publish Redis refuses (connection closed) is reported, never an unhandled rejection', async () => {
    const errors: unknown[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const ps = createHubPubSub(redisUrl, (err) => errors.push(err));
      await ps.close();
      ps.publish('messageAdded', 'org-closed', { messageId: 'm', threadId: 't' });
      for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 20));
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toMatch(/closed/i);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it.skipIf(!redisUrl)('Redis: a SUBSCRIBE sent between connecting and ready (redis/ioredis#2037) breaks nothing: no connection error, the message arrives', async () => {
    // Subscribing in the `connect` event puts SUBSCRIBE on the wire before ioredis' ready check;
    // with its defaults the check's INFO is then refused in subscriber mode and the connection dropped.
    const publisher = new Redis(redisUrl!);
    try {
      for (let round = 0; round < 5; round++) {
        const client = createSubscribeClient(redisUrl!);
        const errors: string[] = [];
        client.on('error', (err: Error) => errors.push(err.message));
        const channel = `hub-connect-window-${Date.now()}-${round}`;
        const received = new Promise<string | null>((resolve) => {
          client.on('message', (_channel: string, message: string) => resolve(message));
          setTimeout(() => resolve(null), 3000);
        });
        client.once('connect', () => void client.subscribe(channel).catch((err: Error) => errors.push(`subscribe: ${err.message}`)));
        await new Promise((resolve) => client.once('ready', resolve));
        await new Promise((resolve) => setTimeout(resolve, 50));
        await publisher.publish(channel, `hello ${round}`);
        expect(await received).toBe(`hello ${round}`);
        expect(errors).toEqual([]);
        client.disconnect();
      }
    } finally {
      publisher.disconnect();
    }
  });
});
