/**
 * GraphQL subscriptions over graphql-ws: authentication on connect, delivery
 * of the organization's events, threadId filtering and tenant separation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer, createApiKeyFor } from '../harness.js';
import { collect, gid, settle, trackPubSubListeners, wsClient } from './helpers.js';

let app: TestApp;
let server: TestServer;
let tokenA: string;
let tokenB: string;
let channelA: string;
let channelB: string;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const orgA = await createOrganization(app.deps);
  const orgB = await createOrganization(app.deps);
  tokenA = await tokenFor(app.deps, await createUser(app.deps, orgA.id));
  tokenB = await tokenFor(app.deps, await createUser(app.deps, orgB.id));
  channelA = gid('Channel', (await createChannel(app.deps, orgA.id, { type: 'API' })).id);
  channelB = gid('Channel', (await createChannel(app.deps, orgB.id, { type: 'API' })).id);
  // Partner systems feed messages with INGEST keys of their organization.
  ingestKeys.set(tokenA, await createApiKeyFor(app.deps, orgA.id, ['INGEST']));
  ingestKeys.set(tokenB, await createApiKeyFor(app.deps, orgB.id, ['INGEST']));
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const ingestKeys = new Map<string, string>();
let seq = 0;
async function ingest(token: string, channelId: string, content: string, email = `klant-${++seq}@example.test`) {
  const res = await server.gql(
    `mutation($i: IngestMessageInput!){ ingestMessage(input:$i){ created message { id } thread { id } errors { code } } }`,
    { i: { channelId, externalMessageId: `sub-${++seq}-${Date.now()}`, customer: { email, name: 'Klant' }, content, occurredAt: app.clock.now().toISOString() } },
    ingestKeys.get(token),
  );
  expect(res.data.ingestMessage.errors).toEqual([]);
  return res.data.ingestMessage as { message: { id: string }; thread: { id: string } };
}

describe('subscriptions', () => {
  it('a socket without (or with a bad) authorization is refused', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const client = wsClient(server.port, token);
      let closeCode: number | undefined;
      client.on('closed', (e) => {
        closeCode = (e as { code?: number }).code;
      });
      try {
        const sub = collect(client, `subscription { messageAdded { id } }`);
        await expect(sub.done).rejects.toBeDefined();
        expect(sub.events).toEqual([]);
        expect(closeCode).toBe(4403);
      } finally {
        await client.dispose();
      }
    }
  });

  it('messageAdded without threadId delivers a message ingested into the organization, with its content', async () => {
    const tracker = trackPubSubListeners(app.deps);
    const client = wsClient(server.port, tokenA);
    try {
      const sub = collect(client, `subscription { messageAdded { id content type thread { id } sender { kind } } }`);
      await tracker.waitFor(1);
      const { message, thread } = await ingest(tokenA, channelA, 'Mijn laadpaal is stuk (live)');
      const ev = (await sub.next((e) => (e.data as any)?.messageAdded?.id === message.id)) as any;
      expect(ev.errors).toBeUndefined();
      expect(ev.data.messageAdded).toEqual({ id: message.id, content: 'Mijn laadpaal is stuk (live)', type: 'INCOMING', thread: { id: thread.id }, sender: { kind: 'CUSTOMER' } });
    } finally {
      tracker.restore();
      await client.dispose();
    }
  });

  it('fan-out: a message delivered to 12 subscriptions (3 sockets) costs the same SELECTs on Message as for 1 subscription', async () => {
    const DOC = `subscription { messageAdded { id content thread { id subject } sender { kind name } } }`;
    /** SELECTs on "Message" while `n` subscriptions receive one ingested message. */
    async function messageSelectsFor(n: number, sockets: number): Promise<number> {
      const tracker = trackPubSubListeners(app.deps);
      const clients = Array.from({ length: sockets }, () => wsClient(server.port, tokenA));
      const statements: string[] = [];
      const listener = (sql: string) => statements.push(sql);
      try {
        const subs = Array.from({ length: n }, (_, i) => collect(clients[i % sockets]!, DOC));
        await tracker.waitFor(n);
        app.deps.db.onQuery.add(listener);
        const { message } = await ingest(tokenA, channelA, `Fan-out ${n}`);
        for (const sub of subs) {
          const ev = (await sub.next((e) => (e.data as any)?.messageAdded?.id === message.id)) as any;
          expect(ev.data.messageAdded.content).toBe(`Fan-out ${n}`);
        }
        await settle();
        return statements.filter((q) => /^SELECT/i.test(q.trim()) && /FROM "[a-z]+"\."Message"/i.test(q)).length;
      } finally {
        app.deps.db.onQuery.delete(listener);
        tracker.restore();
        await Promise.all(clients.map((c) => c.dispose()));
      }
    }
    const one = await messageSelectsFor(1, 1);
    const twelve = await messageSelectsFor(12, 3);
    expect(one).toBeGreaterThan(0);
    expect(twelve).toBe(one);
  });

  it("messageAdded(threadId) does not receive other threads' messages", async () => {
    const first = await ingest(tokenA, channelA, 'Thread een', 'een@example.test');
    const second = await ingest(tokenA, channelA, 'Thread twee', 'twee@example.test');
    expect(first.thread.id).not.toBe(second.thread.id);
    const tracker = trackPubSubListeners(app.deps);
    const client = wsClient(server.port, tokenA);
    try {
      const onFirst = collect(client, `subscription($t: ID){ messageAdded(threadId: $t) { id content thread { id } } }`, { t: first.thread.id });
      const all = collect(client, `subscription { messageAdded { id } }`);
      await tracker.waitFor(2);
      const other = await ingest(tokenA, channelA, 'Nog een bericht in twee', 'twee@example.test');
      expect(other.thread.id).toBe(second.thread.id);
      const mine = await ingest(tokenA, channelA, 'Nog een bericht in een', 'een@example.test');
      expect(mine.thread.id).toBe(first.thread.id);
      const ev = (await onFirst.next()) as any;
      expect(ev.data.messageAdded).toEqual({ id: mine.message.id, content: 'Nog een bericht in een', thread: { id: first.thread.id } });
      // The unfiltered subscription saw both, in order: so the filtered one had the chance to get `other`.
      await all.next((e) => (e.data as any)?.messageAdded?.id === mine.message.id);
      expect(all.events.map((e: any) => e.data.messageAdded.id)).toEqual([other.message.id, mine.message.id]);
      await settle();
      expect(onFirst.events.map((e: any) => e.data.messageAdded.id)).toEqual([mine.message.id]);
    } finally {
      tracker.restore();
      await client.dispose();
    }
  });

  it('threadUpdated fires on updateThread', async () => {
    const { thread } = await ingest(tokenA, channelA, 'Status wijzigen');
    const tracker = trackPubSubListeners(app.deps);
    const client = wsClient(server.port, tokenA);
    try {
      const sub = collect(client, `subscription($t: ID){ threadUpdated(threadId: $t) { id status priority } }`, { t: thread.id });
      await tracker.waitFor(1);
      const res = await server.gql(
        `mutation($i: UpdateThreadInput!){ updateThread(input:$i){ errors { code } } }`,
        { i: { threadId: thread.id, status: 'ESCALATED', priority: 'URGENT' } },
        tokenA,
      );
      expect(res.data.updateThread.errors).toEqual([]);
      const ev = (await sub.next()) as any;
      expect(ev.data.threadUpdated).toEqual({ id: thread.id, status: 'ESCALATED', priority: 'URGENT' });
    } finally {
      tracker.restore();
      await client.dispose();
    }
  });

  it("an agent of another organization receives nothing of A's events", async () => {
    const tracker = trackPubSubListeners(app.deps);
    const a = wsClient(server.port, tokenA);
    const b = wsClient(server.port, tokenB);
    try {
      const aMsgs = collect(a, `subscription { messageAdded { id } }`);
      const aThreads = collect(a, `subscription { threadUpdated { id status } }`);
      const bMsgs = collect(b, `subscription { messageAdded { id } }`);
      const bThreads = collect(b, `subscription { threadUpdated { id } }`);
      const bUpdates = collect(b, `subscription { messageUpdated { id } }`);
      await tracker.waitFor(5);
      const { message, thread } = await ingest(tokenA, channelA, 'Alleen voor A');
      await server.gql(`mutation($i: UpdateThreadInput!){ updateThread(input:$i){ errors { code } } }`, { i: { threadId: thread.id, status: 'IN_PROGRESS' } }, tokenA);
      await aMsgs.next((e) => (e.data as any)?.messageAdded?.id === message.id);
      await aThreads.next((e) => (e.data as any)?.threadUpdated?.status === 'IN_PROGRESS');
      await settle();
      expect(bMsgs.events).toEqual([]);
      expect(bThreads.events).toEqual([]);
      expect(bUpdates.events).toEqual([]);
      // B still gets its own events on the same sockets.
      const own = await ingest(tokenB, channelB, 'Voor B');
      const ev = (await bMsgs.next()) as any;
      expect(ev.data.messageAdded.id).toBe(own.message.id);
    } finally {
      tracker.restore();
      await a.dispose();
      await b.dispose();
    }
  });
});
