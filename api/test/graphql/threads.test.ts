import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Priority, ThreadStatus } from '../../src/generated/prisma/enums.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid } from './helpers.js';

let app: TestApp;
let server: TestServer;
let token: string;
let managerToken: string;
let agent: { id: string };
let other: { id: string };
let base: Date;

interface Seeded {
  id: string;
  subject: string;
  status: ThreadStatus;
  priority: Priority;
  channelType: string;
  assigneeId: string | null;
  customerId: string | null;
  responseDueAt: Date | null;
  lastMessageAt: Date;
  createdAt: Date;
  openTasks: number;
}
const threads: Seeded[] = [];
const customers: Record<string, string> = {};

const H = 3_600_000;
const PRIORITY_RANK: Record<Priority, number> = { LOW: 0, NORMAL: 1, HIGH: 2, URGENT: 3, CRITICAL: 4 };
const ACTIVE: ThreadStatus[] = ['OPEN', 'IN_PROGRESS', 'WAITING_CUSTOMER', 'WAITING_INTERNAL', 'ESCALATED'];

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  base = app.clock.now();
  const p = app.deps.db.prisma;
  const org = await createOrganization(app.deps);
  agent = await createUser(app.deps, org.id, { name: 'Viewer Agent' });
  other = await createUser(app.deps, org.id, { name: 'Other Agent' });
  const manager = await createUser(app.deps, org.id, { role: 'MANAGER', name: 'Manager' });
  token = await tokenFor(app.deps, agent as never);
  managerToken = await tokenFor(app.deps, manager);
  const channels = {
    EMAIL_OUTLOOK: await createChannel(app.deps, org.id, { type: 'EMAIL_OUTLOOK' }),
    WHATSAPP_BUSINESS: await createChannel(app.deps, org.id, { type: 'WHATSAPP_BUSINESS' }),
    API: await createChannel(app.deps, org.id, { type: 'API' }),
  };
  for (const name of ['Giulia Bianchi', 'Pieter Jansen', 'Sanne Visser']) {
    customers[name] = (await p.customer.create({ data: { organizationId: org.id, name } })).id;
  }
  const statuses: ThreadStatus[] = ['OPEN', 'IN_PROGRESS', 'WAITING_CUSTOMER', 'RESOLVED', 'CLOSED', 'ESCALATED', 'WAITING_INTERNAL'];
  const priorities: Priority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT', 'CRITICAL'];
  const types = Object.keys(channels) as (keyof typeof channels)[];
  const custNames = Object.keys(customers);
  // 31 threads with varied, partly tied attributes.
  for (let i = 0; i < 31; i++) {
    const status = statuses[i % statuses.length]!;
    const priority = priorities[(i * 3) % priorities.length]!;
    const channelType = types[i % types.length]!;
    const assigneeId = i % 4 === 0 ? null : i % 4 === 1 ? agent.id : i % 4 === 2 ? other.id : agent.id;
    const customerId = i % 5 === 4 ? null : customers[custNames[i % custNames.length]!]!;
    // Due dates from 10 h ago to 20 h ahead; every 6th none; two share a due date (tie → id).
    const responseDueAt = i % 6 === 5 ? null : new Date(base.getTime() + ((i % 7) * 5 - 10) * H);
    const lastMessageAt = new Date(base.getTime() - ((i * 37) % 31) * 60_000 - (i % 3 === 0 ? 0 : 1000));
    const createdAt = new Date(base.getTime() - 48 * H + ((i * 11) % 31) * 60_000);
    const subject = i === 3 ? 'Wallbox offerte zonnedak' : `Onderwerp ${i}`;
    const t = await p.thread.create({
      data: { organizationId: org.id, subject, status, priority, channelId: channels[channelType].id, assigneeId, customerId, responseDueAt, lastMessageAt, createdAt },
    });
    await p.message.create({
      data: {
        organizationId: org.id,
        threadId: t.id,
        channelId: channels[channelType].id,
        type: 'INCOMING',
        content: i === 7 ? 'Het lampje KNIPPERT rood sinds gisteren' : `Bericht ${i}`,
        senderExternal: { name: 'Klant' },
        createdAt: lastMessageAt,
      },
    });
    let openTasks = 0;
    if (i % 5 === 2) {
      await p.task.create({ data: { organizationId: org.id, title: `Taak ${i}`, threadId: t.id, status: 'OPEN' } });
      openTasks++;
    }
    if (i % 5 === 3) await p.task.create({ data: { organizationId: org.id, title: `Klaar ${i}`, threadId: t.id, status: 'COMPLETED' } });
    threads.push({ id: t.id, subject, status, priority, channelType, assigneeId, customerId, responseDueAt, lastMessageAt, createdAt, openTasks });
  }
  // Another organization's thread must never show up.
  const org2 = await createOrganization(app.deps);
  const ch2 = await createChannel(app.deps, org2.id, { type: 'API' });
  await p.thread.create({ data: { organizationId: org2.id, subject: 'Wallbox offerte zonnedak (other org)', channelId: ch2.id, responseDueAt: new Date(base.getTime() - 5 * H) } });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const LIST = `query($filter: ThreadFilter, $orderBy: ThreadOrder, $first: Int, $after: String, $last: Int, $before: String) {
  threads(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}`;

async function list(vars: Record<string, unknown>, tok = token) {
  const res = await server.gql(LIST, { first: 100, ...vars }, tok);
  expect(res.errors).toBeUndefined();
  return res.data.threads as { totalCount: number; pageInfo: any; edges: { cursor: string; node: { id: string } }[] };
}

const ids = (conn: { edges: { node: { id: string } }[] }) => conn.edges.map((e) => e.node.id);
const gids = (rows: Seeded[]) => rows.map((t) => gid('Thread', t.id));
const sameSet = (a: string[], b: string[]) => expect([...a].sort()).toEqual([...b].sort());

async function expectFilter(filter: Record<string, unknown>, pred: (t: Seeded) => boolean) {
  const expected = threads.filter(pred);
  expect(expected.length, `fixture for ${JSON.stringify(filter)} should select something`).toBeGreaterThan(0);
  expect(expected.length, `fixture for ${JSON.stringify(filter)} should not select everything`).toBeLessThan(threads.length);
  const conn = await list({ filter });
  sameSet(ids(conn), gids(expected));
  expect(conn.totalCount).toBe(expected.length);
}

describe('threads: filters', () => {
  it('without filter returns every thread of the organization', async () => {
    const conn = await list({});
    sameSet(ids(conn), gids(threads));
    expect(conn.totalCount).toBe(threads.length);
  });
  it('status', () => expectFilter({ status: ['OPEN', 'ESCALATED'] }, (t) => t.status === 'OPEN' || t.status === 'ESCALATED'));
  it('priority', () => expectFilter({ priority: ['CRITICAL'] }, (t) => t.priority === 'CRITICAL'));
  it('channelType', () => expectFilter({ channelType: ['WHATSAPP_BUSINESS', 'API'] }, (t) => t.channelType !== 'EMAIL_OUTLOOK'));
  it('assigneeId', () => expectFilter({ assigneeId: gid('User', other.id) }, (t) => t.assigneeId === other.id));
  it('mine', () => expectFilter({ mine: true }, (t) => t.assigneeId === agent.id));
  it('unassigned', () => expectFilter({ unassigned: true }, (t) => t.assigneeId === null));
  it('customerId', () => expectFilter({ customerId: gid('Customer', customers['Pieter Jansen']!) }, (t) => t.customerId === customers['Pieter Jansen']));
  it('hasOpenTasks', () => expectFilter({ hasOpenTasks: true }, (t) => t.openTasks > 0));
  it('combined conditions must all hold', () =>
    expectFilter(
      { mine: true, status: ['OPEN', 'IN_PROGRESS', 'WAITING_CUSTOMER'] },
      (t) => t.assigneeId === agent.id && ['OPEN', 'IN_PROGRESS', 'WAITING_CUSTOMER'].includes(t.status),
    ));

  it('search: subject, message content and customer name, case-insensitive', async () => {
    sameSet(ids(await list({ filter: { search: 'ZONNEDAK' } })), gids(threads.filter((t) => t.subject.includes('zonnedak'))));
    const byContent = await list({ filter: { search: 'knippert' } });
    expect(byContent.totalCount).toBe(1);
    expect(ids(byContent)).toEqual([gid('Thread', threads[7]!.id)]);
    await expectFilter({ search: 'giulia' }, (t) => t.customerId === customers['Giulia Bianchi']);
    expect((await list({ filter: { search: 'no-such-word-qwx' } })).totalCount).toBe(0);
  });

  it('overdue follows the clock (FakeClock)', async () => {
    const saved = app.clock.now();
    try {
      app.clock.set(base);
      // Threads without an SLA policy: overdue when the response due date passed and the clock runs (not waiting on the customer).
      const overdueAt = (now: Date) => (t: Seeded) => !!t.responseDueAt && t.responseDueAt < now && ACTIVE.includes(t.status) && t.status !== 'WAITING_CUSTOMER';
      await expectFilter({ overdue: true }, overdueAt(base));
      await expectFilter({ overdue: false }, (t) => !overdueAt(base)(t));
      const before = (await list({ filter: { overdue: true } })).totalCount;
      // Eleven hours later the filter follows the clock (threads waiting on the customer stay out).
      const later = new Date(base.getTime() + 11 * H);
      app.clock.set(later);
      await expectFilter({ overdue: true }, overdueAt(later));
      expect((await list({ filter: { overdue: true } })).totalCount).toBeGreaterThanOrEqual(before);
      // The field agrees with the filter.
      const res = await server.gql(`{ threads(first: 100) { edges { node { id overdue } } } }`, {}, token);
      const flagged = res.data.threads.edges.filter((e: any) => e.node.overdue).map((e: any) => e.node.id);
      sameSet(flagged, gids(threads.filter(overdueAt(later))));
    } finally {
      app.clock.set(saved);
    }
  });

  it('an id of another type or a malformed id filters to nothing', async () => {
    expect((await list({ filter: { assigneeId: gid('Customer', customers['Pieter Jansen']!) } })).totalCount).toBe(0);
    expect((await list({ filter: { customerId: 'not-an-id' } })).totalCount).toBe(0);
  });
});

describe('threads: ordering', () => {
  const cmpId = (a: Seeded, b: Seeded) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const orders: Record<string, (a: Seeded, b: Seeded) => number> = {
    LAST_MESSAGE_AT_DESC: (a, b) => b.lastMessageAt.getTime() - a.lastMessageAt.getTime() || -cmpId(a, b),
    CREATED_AT_DESC: (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || -cmpId(a, b),
    PRIORITY_DESC: (a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || b.lastMessageAt.getTime() - a.lastMessageAt.getTime() || -cmpId(a, b),
    RESPONSE_DUE_AT_ASC: (a, b) => {
      if (!a.responseDueAt || !b.responseDueAt) return (a.responseDueAt ? 0 : 1) - (b.responseDueAt ? 0 : 1) || cmpId(a, b);
      return a.responseDueAt.getTime() - b.responseDueAt.getTime() || cmpId(a, b);
    },
  };
  for (const [orderBy, cmp] of Object.entries(orders)) {
    it(orderBy, async () => {
      const conn = await list({ orderBy });
      expect(ids(conn)).toEqual(gids([...threads].sort(cmp)));
    });
  }
  it('default is LAST_MESSAGE_AT_DESC', async () => {
    expect(ids(await list({}))).toEqual(gids([...threads].sort(orders.LAST_MESSAGE_AT_DESC!)));
  });
});

describe('threads: cursor pagination', () => {
  for (const orderBy of ['LAST_MESSAGE_AT_DESC', 'PRIORITY_DESC', 'RESPONSE_DUE_AT_ASC']) {
    it(`forward (first/after) and backward (last/before) walk the same list, ${orderBy}`, async () => {
      const all = ids(await list({ orderBy }));
      expect(all).toHaveLength(threads.length);

      const forward: string[] = [];
      let after: string | undefined;
      for (let page = 0; ; page++) {
        expect(page).toBeLessThan(20);
        const conn = await list({ orderBy, first: 7, after });
        expect(conn.totalCount).toBe(threads.length);
        expect(conn.edges.length).toBeLessThanOrEqual(7);
        forward.push(...ids(conn));
        if (page === 0) expect(conn.pageInfo.hasPreviousPage).toBe(false);
        if (!conn.pageInfo.hasNextPage) break;
        expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)!.cursor);
        after = conn.pageInfo.endCursor;
      }
      expect(forward).toEqual(all);
      expect(new Set(forward).size).toBe(forward.length);

      const backward: string[][] = [];
      let before: string | undefined;
      for (let page = 0; ; page++) {
        expect(page).toBeLessThan(20);
        const conn = await list({ orderBy, first: undefined, last: 7, before });
        expect(conn.edges.length).toBeLessThanOrEqual(7);
        backward.unshift(ids(conn));
        if (page === 0) expect(conn.pageInfo.hasNextPage).toBe(false);
        if (!conn.pageInfo.hasPreviousPage) break;
        expect(conn.pageInfo.startCursor).toBe(conn.edges[0]!.cursor);
        before = conn.pageInfo.startCursor;
      }
      expect(backward.flat()).toEqual(all);
    });
  }

  // overdue (like sla and unread) lists its page's ids first and then the rows by id (thread.schema.ts pageIdsFirst).
  for (const filter of [{ overdue: true }, { overdue: false }]) {
    it(`a filter listed ids first (${JSON.stringify(filter)}) pages forward and backward in the inbox order`, async () => {
      const matching = new Set(ids(await list({ filter })));
      const inOrder = ids(await list({})).filter((id) => matching.has(id));
      expect(inOrder.length).toBeGreaterThan(3);
      const forward: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 20; page++) {
        const conn = await list({ filter, first: 3, after });
        expect(conn.totalCount).toBe(inOrder.length);
        forward.push(...ids(conn));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(forward).toEqual(inOrder);
      const backward: string[][] = [];
      let before: string | undefined;
      for (let page = 0; page < 20; page++) {
        const conn = await list({ filter, first: undefined, last: 3, before });
        backward.unshift(ids(conn));
        if (!conn.pageInfo.hasPreviousPage) break;
        before = conn.pageInfo.startCursor;
      }
      expect(backward.flat()).toEqual(inOrder);
    });
  }

  it('first: 0 returns no edges but the totalCount', async () => {
    const conn = await list({ first: 0 });
    expect(conn.edges).toEqual([]);
    expect(conn.totalCount).toBe(threads.length);
  });
});

describe('threads: errors', () => {
  it('page size 101 → BAD_USER_INPUT', async () => {
    for (const vars of [{ first: 101 }, { first: undefined, last: 101 }]) {
      const res = await server.gql(LIST, vars, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.data?.threads ?? null).toBeNull();
    }
  });
  it('page size 100 is fine', async () => {
    const res = await server.gql(LIST, { first: 100 }, token);
    expect(res.errors).toBeUndefined();
  });
  it('unauthenticated → UNAUTHENTICATED, no data', async () => {
    const res = await server.gql(LIST, { first: 10 });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data?.threads ?? null).toBeNull();
    const bad = await server.gql(LIST, { first: 10 }, 'not-a-token');
    expect(bad.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
  it('auditLogs as AGENT → FORBIDDEN; as MANAGER → allowed', async () => {
    const q = `{ auditLogs(first: 5) { totalCount edges { node { id } } } }`;
    const res = await server.gql(q, {}, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.data?.auditLogs ?? null).toBeNull();
    const ok = await server.gql(q, {}, managerToken);
    expect(ok.errors).toBeUndefined();
    expect(typeof ok.data.auditLogs.totalCount).toBe('number');
  });
  it('auditLogs(entityId) takes the uuid or the global id the API returns (which also sets entityType)', async () => {
    const t = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threads[0]!.id } });
    const row = await app.deps.db.prisma.auditLog.create({
      data: {
        organizationId: t.organizationId,
        actorType: 'SYSTEM',
        action: 'thread.update',
        entityType: 'Thread',
        entityId: t.id,
        changes: { before: null, after: { note: 'probe' } },
      },
    });
    // A row about another type that happens to carry the same uuid is not one of the thread's.
    await app.deps.db.prisma.auditLog.create({
      data: { organizationId: t.organizationId, actorType: 'SYSTEM', action: 'task.update', entityType: 'Task', entityId: t.id, changes: { before: null, after: null } },
    });
    const q = `query($e: ID){ auditLogs(first: 10, entityId: $e) { totalCount edges { node { id entityId entityType } } } }`;
    const byGlobal = await server.gql(q, { e: gid('Thread', t.id) }, managerToken);
    expect(byGlobal.errors).toBeUndefined();
    expect(byGlobal.data.auditLogs.edges.map((e: any) => e.node)).toEqual([{ id: gid('AuditLog', row.id), entityId: t.id, entityType: 'Thread' }]);
    const byUuid = await server.gql(q, { e: t.id }, managerToken);
    expect(byUuid.data.auditLogs.totalCount).toBe(2);
  });
});
