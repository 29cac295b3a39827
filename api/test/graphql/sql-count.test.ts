/**
 * The inbox and thread-view queries run a fixed number of SQL statements,
 * whatever the page size or message count (no N+1). Counts every statement
 * Prisma sends during one HTTP request of a warm session: the session's user
 * row is cached (modules/auth/viewer-cache.ts; viewer-cache.test.ts), so a cold
 * request runs one statement more.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, testDatabaseKind, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid } from './helpers.js';

let app: TestApp;
let server: TestServer;
let token: string;
let smallThreadId: string;
let bigThreadId: string;
const THREADS = 120;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const p = app.deps.db.prisma;
  const org = await createOrganization(app.deps);
  const agents: Awaited<ReturnType<typeof createUser>>[] = [];
  for (let i = 0; i < 5; i++) agents.push(await createUser(app.deps, org.id, { name: `Agent ${i}` }));
  token = await tokenFor(app.deps, agents[0]!);
  const channels = [
    await createChannel(app.deps, org.id, { type: 'WHATSAPP_BUSINESS' }),
    await createChannel(app.deps, org.id, { type: 'EMAIL_OUTLOOK' }),
    await createChannel(app.deps, org.id, { type: 'SMS' }),
  ];
  const base = app.clock.now().getTime();
  const customers = Array.from({ length: THREADS }, (_, i) => ({ id: randomUUID(), organizationId: org.id, name: `Klant ${i}`, email: `klant${i}@example.test` }));
  await p.customer.createMany({ data: customers });
  const threads = customers.map((c, i) => ({
    id: randomUUID(),
    organizationId: org.id,
    subject: `Vraag ${i}`,
    channelId: channels[i % channels.length]!.id,
    customerId: c.id,
    assigneeId: agents[i % agents.length]!.id,
    priority: (['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const)[i % 4],
    responseDueAt: new Date(base + (i - 60) * 600_000),
    lastMessageAt: new Date(base - i * 60_000),
  }));
  await p.thread.createMany({ data: threads });
  const messages = threads.flatMap((t, i) =>
    Array.from({ length: 4 }, (_, k) => ({
      id: randomUUID(),
      organizationId: org.id,
      threadId: t.id,
      channelId: t.channelId,
      type: k % 2 === 0 ? ('INCOMING' as const) : ('OUTGOING' as const),
      senderExternal: k % 2 === 0 ? { name: `Klant ${i}`, email: `klant${i}@example.test` } : undefined,
      senderUserId: k % 2 === 0 ? null : t.assigneeId,
      content: `Bericht ${k} van thread ${i}`,
      createdAt: new Date(t.lastMessageAt.getTime() - (3 - k) * 1000),
    })),
  );
  // The big thread gets 60 more messages.
  const big = threads[1]!;
  for (let k = 0; k < 60; k++) {
    messages.push({
      id: randomUUID(),
      organizationId: org.id,
      threadId: big.id,
      channelId: big.channelId,
      type: k % 2 === 0 ? 'INCOMING' : 'OUTGOING',
      senderExternal: k % 2 === 0 ? { name: 'Klant 1', email: 'klant1@example.test' } : undefined,
      senderUserId: k % 2 === 0 ? null : big.assigneeId,
      content: `Extra ${k}`,
      createdAt: new Date(big.lastMessageAt.getTime() - 3_600_000 + k * 1000),
    });
  }
  await p.message.createMany({ data: messages });
  await p.$executeRawUnsafe(`UPDATE "Thread" t SET "lastMessageId" = m.id
    FROM (SELECT DISTINCT ON ("threadId") id, "threadId" FROM "Message" ORDER BY "threadId", "createdAt" DESC, id DESC) m
    WHERE m."threadId" = t.id`);
  smallThreadId = threads[0]!.id;
  bigThreadId = big.id;
}, 120_000);
afterAll(async () => {
  await server?.close();
  await app?.close();
});

/** Runs one GraphQL request and returns the response and the SQL statements it caused. */
async function measured(query: string, variables: Record<string, unknown>) {
  const statements: string[] = [];
  const listener = (sql: string) => statements.push(sql);
  app.deps.db.onQuery.add(listener);
  try {
    const res = await server.gql(query, variables, token);
    return { res, statements };
  } finally {
    app.deps.db.onQuery.delete(listener);
  }
}

const INBOX = `query($first: Int!) {
  threads(first: $first) {
    totalCount
    edges { cursor node {
      id subject priority status overdue responseDueAt
      customer { id name }
      assignee { id name }
      channel { id type }
      lastMessage { id content createdAt sender { kind name } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const THREAD_VIEW = `query($id: ID!) {
  node(id: $id) { ... on Thread {
    id subject status
    customer { id name }
    channel { id type }
    messages(last: 50) {
      totalCount
      edges { node { id type content createdAt deliveryStatus sender { kind name user { id name } } channel { id type } } }
      pageInfo { hasPreviousPage startCursor }
    }
  } }
}`;

describe(`SQL statements per request (${testDatabaseKind})`, () => {
  it('the inbox query runs at most 3 statements, the same for first: 10, 50 and 100', async () => {
    const cold = await measured(`{ threads(first: 0) { totalCount } }`, {});
    expect(cold.statements.some((s) => /FROM "public"\."User"/.test(s))).toBe(true);
    const counts: Record<number, number> = {};
    for (const first of [10, 50, 100]) {
      const { res, statements } = await measured(INBOX, { first });
      expect(res.errors).toBeUndefined();
      const edges = res.data.threads.edges;
      expect(edges).toHaveLength(first);
      expect(res.data.threads.totalCount).toBe(THREADS);
      // Every relation really was loaded.
      for (const e of edges) {
        expect(e.node.customer.name).toMatch(/^Klant \d+$/);
        expect(e.node.assignee.name).toMatch(/^Agent \d$/);
        expect(e.node.channel.type).toBeTruthy();
        expect(e.node.lastMessage.content).toMatch(/^(Bericht 3 van thread|Extra)/);
        expect(e.node.lastMessage.sender.kind).toBe('USER');
      }
      counts[first] = statements.length;
      // Relations load the columns asked for: no agent's password hash travels with the page (issue 8).
      expect(statements.join('\n')).not.toMatch(/passwordHash/);
      if (first === 50) console.log(`[sql-count] inbox first:50 (${testDatabaseKind}) statements:\n  ${statements.map((s) => s.replace(/\s+/g, ' ').slice(0, 160)).join('\n  ')}`);
    }
    console.log(`[sql-count] inbox query statements (${testDatabaseKind}): first:10 → ${counts[10]}, first:50 → ${counts[50]}, first:100 → ${counts[100]}`);
    expect(counts[50]).toBeLessThanOrEqual(3);
    expect(counts[10]).toBe(counts[50]);
    expect(counts[100]).toBe(counts[50]);
  });

  it('the thread view runs the same number of statements for 4 and 64 messages', async () => {
    const small = await measured(THREAD_VIEW, { id: gid('Thread', smallThreadId) });
    const big = await measured(THREAD_VIEW, { id: gid('Thread', bigThreadId) });
    expect(small.res.errors).toBeUndefined();
    expect(big.res.errors).toBeUndefined();
    expect(small.res.data.node.messages.totalCount).toBe(4);
    expect(small.res.data.node.messages.edges).toHaveLength(4);
    expect(big.res.data.node.messages.totalCount).toBe(64);
    expect(big.res.data.node.messages.edges).toHaveLength(50);
    expect(big.res.data.node.messages.pageInfo.hasPreviousPage).toBe(true);
    const kinds = new Set(big.res.data.node.messages.edges.map((e: any) => e.node.sender.kind));
    expect(kinds).toEqual(new Set(['USER', 'CUSTOMER']));
    console.log(`[sql-count] thread view statements (${testDatabaseKind}): 4 messages → ${small.statements.length}, 64 messages (last: 50) → ${big.statements.length}`);
    expect(big.statements.length).toBe(small.statements.length);
    expect(big.statements.length).toBeLessThanOrEqual(6);
    expect(big.statements.join('\n')).not.toMatch(/passwordHash/);
    const agent = big.res.data.node.messages.edges.find((e: any) => e.node.sender.kind === 'USER').node.sender.user;
    expect(agent.name).toMatch(/^Agent \d$/);
  });
});
