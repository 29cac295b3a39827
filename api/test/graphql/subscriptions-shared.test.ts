/**
 * Subscription events executed once per audience (issue 8 §2, http/shared-subscriptions.ts):
 * subscribers with the same document, variables and role share one execution per event; a
 * document selecting a per-viewer field (Thread.unread) is executed per user, and each user
 * gets their own answer; per-request caches live for one event, not for the socket's lifetime.
 * Executions and deliveries are read from the /metrics counters they feed.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { SLOW_SOCKET_MAX_BUFFERED_BYTES } from '../../src/http/shared-subscriptions.js';
import { ATTACH, type AttachableStream } from '../../src/shared/pubsub.js';
import { metrics } from '../../src/http/metrics.js';
import {
  createApiKeyFor,
  createChannel,
  createOrganization,
  createTestApp,
  createTestServer,
  createUser,
  testDatabaseKind,
  tokenFor,
  type TestApp,
  type TestServer,
} from '../harness.js';
import { collect, gid, settle, trackPubSubListeners, wsClient } from './helpers.js';

let app: TestApp;
let server: TestServer;
let channelId: string;
let ingestKey: string;
let orgId: string;
const tokens: Record<'anna' | 'bert' | 'admin', string> = { anna: '', bert: '', admin: '' };

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  tokens.anna = await tokenFor(app.deps, await createUser(app.deps, org.id, { name: 'Anna' }));
  tokens.bert = await tokenFor(app.deps, await createUser(app.deps, org.id, { name: 'Bert' }));
  tokens.admin = await tokenFor(app.deps, await createUser(app.deps, org.id, { name: 'Ada', role: 'ADMIN' }));
  channelId = gid('Channel', (await createChannel(app.deps, org.id, { type: 'API' })).id);
  ingestKey = await createApiKeyFor(app.deps, org.id, ['INGEST']);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

let seq = 0;
async function ingest(content: string, email = `gedeeld-${++seq}@example.test`) {
  const res = await server.gql(
    `mutation($i: IngestMessageInput!){ ingestMessage(input:$i){ message { id } thread { id } errors { code } } }`,
    { i: { channelId, externalMessageId: `shared-${++seq}-${Date.now()}`, customer: { email, name: 'Klant' }, content, occurredAt: app.clock.now().toISOString() } },
    ingestKey,
  );
  expect(res.data.ingestMessage.errors).toEqual([]);
  return res.data.ingestMessage as { message: { id: string }; thread: { id: string } };
}

const counter = async (c: { get(): Promise<{ values: { value: number }[] }> }) => (await c.get()).values[0]?.value ?? 0;
const counts = async () => ({ executions: await counter(metrics.subscriptionExecutions), deliveries: await counter(metrics.subscriptionDeliveries) });

/** Opens `who.length` subscriptions of `doc` (one socket per user), runs `act`, waits for every subscriber's event matching `until`. */
async function around(who: (keyof typeof tokens)[], doc: string, act: () => Promise<unknown>, until: (e: any) => boolean) {
  const tracker = trackPubSubListeners(app.deps);
  const clients = new Map(who.map((w) => [w, wsClient(server.port, tokens[w])]));
  try {
    const subs = who.map((w) => ({ who: w, sub: collect(clients.get(w)!, doc) }));
    await tracker.waitFor(who.length);
    const before = await counts();
    await act();
    const events = await Promise.all(subs.map(async ({ who: w, sub }) => ({ who: w, event: (await sub.next(until)) as any })));
    await settle();
    const after = await counts();
    return { events, executions: after.executions - before.executions, deliveries: after.deliveries - before.deliveries };
  } finally {
    tracker.restore();
    await Promise.all([...clients.values()].map((c) => c.dispose()));
  }
}

describe(`subscription events shared per audience (${testDatabaseKind})`, () => {
  const DOC = `subscription { messageAdded { id content thread { id subject } sender { kind name } } }`;

  it('12 subscribers of one role and document: one execution, 12 deliveries, the same answer', async () => {
    let id = '';
    const who = Array.from({ length: 12 }, (_, i) => (i % 2 ? 'anna' : 'bert') as 'anna' | 'bert');
    const r = await around(
      who,
      DOC,
      async () => (id = (await ingest('Gedeeld bericht')).message.id),
      (e) => e.data?.messageAdded?.id === id,
    );
    expect(r.events.map((e) => e.event.data.messageAdded.content)).toEqual(who.map(() => 'Gedeeld bericht'));
    expect(r.deliveries).toBe(12);
    expect(r.executions).toBe(1);
  });

  it('events published together (an inbound batch) load their messages with one statement (in process): an id list, not an OR per event', async () => {
    const stored = [await ingest('Samen 1'), await ingest('Samen 2'), await ingest('Samen 3')];
    const reads: string[] = [];
    const listen = (sql: string) => {
      if (/FROM "public"\."Message"/.test(sql)) reads.push(sql);
    };
    const r = await around(
      ['anna', 'bert'],
      DOC,
      async () => {
        app.deps.db.onQuery.add(listen);
        for (const s of stored) app.deps.pubsub.publish('messageAdded', orgId, { messageId: decodeGlobalID(s.message.id).id, threadId: decodeGlobalID(s.thread.id).id });
      },
      (e) => e.data?.messageAdded?.content === 'Samen 3',
    );
    app.deps.db.onQuery.delete(listen);
    expect(r.events.map((e) => e.event.data.messageAdded.content)).toEqual(['Samen 3', 'Samen 3']);
    // In process the three events reach the subscribers in one tick: one statement. Through Redis they arrive as its
    // replies are read, in one tick or several: at most one statement per event, each an id list.
    if (testDatabaseKind.includes('redis')) expect(reads.length).toBeLessThanOrEqual(stored.length);
    else expect(reads).toHaveLength(1);
    for (const sql of reads) {
      expect(sql).toMatch(/"id" IN \(/);
      expect(sql).not.toMatch(/ OR /);
    }
  });

  it('two roles: one execution each', async () => {
    let id = '';
    const r = await around(
      ['anna', 'bert', 'admin', 'admin'],
      DOC,
      async () => (id = (await ingest('Twee rollen')).message.id),
      (e) => e.data?.messageAdded?.id === id,
    );
    expect(r.events.every((e) => e.event.data.messageAdded.content === 'Twee rollen')).toBe(true);
    expect(r.deliveries).toBe(4);
    expect(r.executions).toBe(2);
  });

  it('Thread.unread is per user: executed per user, each their own answer, fresh on every event', async () => {
    const DOC_UNREAD = `subscription { threadUpdated { id priority unread } }`;
    const { thread } = await ingest('Wie heeft dit gelezen?');
    // A first event: unread for both.
    const first = await around(
      ['anna', 'anna', 'bert'],
      DOC_UNREAD,
      () => server.gql(`mutation($i: UpdateThreadInput!){ updateThread(input:$i){ errors { code } } }`, { i: { threadId: thread.id, priority: 'HIGH' } }, tokens.admin),
      (e) => e.data?.threadUpdated?.id === thread.id && e.data.threadUpdated.priority === 'HIGH',
    );
    expect(first.events.map((e) => [e.who, e.event.data.threadUpdated.unread])).toEqual([
      ['anna', true],
      ['anna', true],
      ['bert', true],
    ]);
    expect(first.executions).toBe(2);
    // Anna reads it; the next event says so to Anna, not to Bert.
    const read = await server.gql(`mutation($t: ID!){ markThreadRead(threadId: $t){ errors { code } } }`, { t: thread.id }, tokens.anna);
    expect(read.data.markThreadRead.errors).toEqual([]);
    const tracker = trackPubSubListeners(app.deps);
    const anna = wsClient(server.port, tokens.anna);
    const bert = wsClient(server.port, tokens.bert);
    try {
      const subs = { anna: collect(anna, DOC_UNREAD), bert: collect(bert, DOC_UNREAD) };
      await tracker.waitFor(2);
      // Two events on the same sockets: the second must not reuse the first's read marks.
      for (const [priority, annaUnread] of [
        ['LOW', false],
        ['URGENT', true],
      ] as const) {
        if (priority === 'URGENT') {
          const unread = await server.gql(`mutation($t: ID!){ markThreadUnread(threadId: $t){ errors { code } } }`, { t: thread.id }, tokens.anna);
          expect(unread.data.markThreadUnread.errors).toEqual([]);
        }
        await server.gql(`mutation($i: UpdateThreadInput!){ updateThread(input:$i){ errors { code } } }`, { i: { threadId: thread.id, priority } }, tokens.admin);
        const match = (e: any) => e.data?.threadUpdated?.priority === priority;
        expect(((await subs.anna.next(match)) as any).data.threadUpdated.unread, `Anna after ${priority}`).toBe(annaUnread);
        expect(((await subs.bert.next(match)) as any).data.threadUpdated.unread, `Bert after ${priority}`).toBe(true);
      }
    } finally {
      tracker.restore();
      await Promise.all([anna.dispose(), bert.dispose()]);
    }
  });

  it('one socket, two subscriptions of one document: each next frame carries its own id around the shared payload; a completed one gets no more', async () => {
    // Raw graphql-transport-ws frames: the frames written straight to the socket (deliverDirectly) must be graphql-ws' own.
    const tracker = trackPubSubListeners(app.deps);
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/graphql`, 'graphql-transport-ws');
    const frames: { id?: string; type: string; payload?: any }[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    const until = async (what: string, done: () => boolean) => {
      for (let i = 0; i < 500 && !done(); i++) await settle(20);
      expect(done(), what).toBe(true);
    };
    const ids = ['eerste', 'tweede "2"'];
    const nextsOf = (messageId: string) => frames.filter((f) => f.type === 'next' && f.payload?.data?.messageAdded?.id === messageId);
    try {
      await once(socket, 'open');
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tokens.anna}` } }));
      await until('connection_ack', () => frames.some((f) => f.type === 'connection_ack'));
      for (const id of ids) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: DOC } }));
      await tracker.waitFor(2);
      const before = await counts();
      const first = (await ingest('Twee abonnementen')).message.id;
      await until('two next frames', () => nextsOf(first).length === 2);
      await settle();
      const after = await counts();
      const nexts = nextsOf(first);
      expect(nexts.map((f) => f.id).sort()).toEqual([...ids].sort());
      expect(Object.keys(nexts[0]!).sort()).toEqual(['id', 'payload', 'type']);
      expect(nexts[0]!.payload).toEqual(nexts[1]!.payload);
      expect(nexts[0]!.payload.data.messageAdded).toMatchObject({ id: first, content: 'Twee abonnementen', sender: { kind: 'CUSTOMER' } });
      expect(nexts[0]!.payload.errors).toBeUndefined();
      expect(after.executions - before.executions).toBe(1);
      expect(after.deliveries - before.deliveries).toBe(2);
      // The client completes the first: the next message reaches the second only, and the server sends no complete back.
      socket.send(JSON.stringify({ id: ids[0], type: 'complete' }));
      await settle();
      const second = (await ingest('Na het afmelden')).message.id;
      await until("the second subscription's frame", () => nextsOf(second).length === 1);
      await settle();
      expect(nextsOf(second).map((f) => f.id)).toEqual([ids[1]]);
      expect(frames.filter((f) => f.type === 'complete' || f.type === 'error')).toEqual([]);
    } finally {
      tracker.restore();
      socket.close();
    }
  });

  it(`a subscriber that stops reading is closed with 1013 once its socket holds more than ${SLOW_SOCKET_MAX_BUFFERED_BYTES / 1048576} MiB unsent`, async () => {
    // A 256 kB message published 300 times (75 MB of frames; fewer events than the 512-behind rule, so only the byte rule can close it).
    const { message } = await ingest('Groot bericht');
    const big = 'x'.repeat(256 * 1024);
    const row = await app.deps.db.prisma.message.update({ where: { id: decodeGlobalID(message.id).id }, data: { content: big } });
    const tracker = trackPubSubListeners(app.deps);
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/graphql`, 'graphql-transport-ws');
    let nexts = 0;
    let acked = false;
    socket.on('message', (data) => {
      const f = JSON.parse(String(data));
      if (f.type === 'connection_ack') acked = true;
      if (f.type === 'next') nexts++;
    });
    const closed = once(socket, 'close');
    try {
      await once(socket, 'open');
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tokens.anna}` } }));
      for (let i = 0; i < 500 && !acked; i++) await settle(20);
      socket.send(JSON.stringify({ id: 'traag', type: 'subscribe', payload: { query: `subscription { messageAdded { id content } }` } }));
      await tracker.waitFor(1);
      // The client stops reading: what the server writes piles up in the kernel's buffers, then in the socket's.
      (socket as unknown as { _socket: { pause(): void } })._socket.pause();
      for (let batch = 0; batch < 30; batch++) {
        for (let i = 0; i < 10; i++) app.deps.pubsub.publish('messageAdded', row.organizationId, { messageId: row.id, threadId: row.threadId });
        await settle(30);
      }
      (socket as unknown as { _socket: { resume(): void } })._socket.resume();
      // Closed, or (without the limit) every frame arrives and the socket stays open.
      let code: number | null = null;
      void closed.then(([c]) => {
        code = c as number;
      });
      for (let i = 0; i < 1000 && code === null && nexts < 300; i++) await settle(20);
      await settle(100);
      expect(code).toBe(1013);
      // What was written before the limit arrives; the rest was never sent.
      expect(nexts).toBeGreaterThan(0);
      expect(nexts).toBeLessThan(300);
    } finally {
      tracker.restore();
      socket.terminate();
    }
  });

  it('an unsubscribed subscriber lets go of its pub/sub listener at once (no event needed)', async () => {
    // messageAdded listens through subscribeWhere (subscribe and filter in one iterator, shared/pubsub.ts).
    const pubsub = app.deps.pubsub as unknown as { subscribeWhere: (...args: unknown[]) => AsyncIterator<unknown> };
    const original = pubsub.subscribeWhere;
    let attached = 0;
    let released = 0;
    let detached = 0;
    pubsub.subscribeWhere = (...args: unknown[]) => {
      const it = original.apply(app.deps.pubsub, args) as AsyncIterator<unknown> & Partial<AttachableStream<unknown>>;
      attached++;
      const release = it.return?.bind(it);
      it.return = (value?: unknown) => {
        released++;
        return release ? release(value) : Promise.resolve({ done: true, value: undefined });
      };
      // The graphql-ws path attaches to the stream (http/shared-subscriptions.ts): its detach must run too.
      const attach = it[ATTACH]?.bind(it);
      if (attach)
        it[ATTACH] = (deliver) => {
          const detach = attach(deliver);
          return () => {
            detached++;
            detach();
          };
        };
      return it;
    };
    const client = wsClient(server.port, tokens.anna);
    try {
      const sub = collect(client, DOC);
      for (let i = 0; i < 100 && attached === 0; i++) await settle(20);
      expect(attached).toBe(1);
      sub.unsubscribe();
      for (let i = 0; i < 100 && released === 0; i++) await settle(20);
      expect(released).toBe(1);
      expect(detached).toBe(1);
      expect(sub.events).toEqual([]);
      // Nothing of it is left in the fan-out: an event of its organization is delivered to nobody.
      const before = await counts();
      app.deps.pubsub.publish('messageAdded', orgId, { messageId: randomUUID(), threadId: randomUUID() });
      await settle(50);
      expect((await counts()).deliveries).toBe(before.deliveries);
    } finally {
      pubsub.subscribeWhere = original;
      await client.dispose();
    }
  });
});
