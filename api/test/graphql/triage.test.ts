/**
 * Triage (issue 10 §4): per-agent unread state and unread counts, the snooze
 * and its end by the job queue or a customer message, the Team view, the
 * WAITING_LONGEST order, bulk changes with per-thread errors, Customer.openTasks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { createApiKeyFor, createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid } from './helpers.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let channelId: string;
let anna: { id: string; token: string };
let bert: { id: string; token: string };
let teamId: string;
const threads: string[] = [];

const p = () => app.deps.db.prisma;

async function customerWrites(threadIndex: number, text: string) {
  const thread = await p().thread.findUniqueOrThrow({ where: { id: threads[threadIndex]! }, include: { customer: true } });
  const channel = await p().channel.findUniqueOrThrow({ where: { id: channelId } });
  await ingestInbound(app.deps, channel, {
    externalMessageId: `ext-${threadIndex}-${Math.random()}`,
    customer: { name: thread.customer!.name, email: thread.customer!.email!, identities: [{ kind: 'EMAIL', value: thread.customer!.email! }] },
    content: text,
    subject: thread.subject,
    attachments: [],
    occurredAt: app.clock.now(),
    conversationKey: thread.conversationKey!,
    metadata: {},
  });
}

const LIST = `query ($filter: ThreadFilter, $orderBy: ThreadOrder) {
  threads(first: 50, filter: $filter, orderBy: $orderBy) { totalCount unreadCount edges { node { id subject unread lastReadAt snoozedUntil } } }
}`;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  const a = await createUser(app.deps, orgId, { name: 'Anna' });
  const b = await createUser(app.deps, orgId, { name: 'Bert' });
  anna = { id: a.id, token: await tokenFor(app.deps, a) };
  bert = { id: b.id, token: await tokenFor(app.deps, b) };
  const team = await p().team.create({ data: { organizationId: orgId, name: 'Support NL' } });
  teamId = team.id;
  await p().teamMembership.create({ data: { teamId, userId: a.id } });
  channelId = (await createChannel(app.deps, orgId, { type: 'EMAIL_OUTLOOK' })).id;
  // Five threads: 0–3 the customer wrote (at 09:00 + i minutes, so 0 waits longest), 4 the agent started (never inbound).
  for (let i = 0; i < 5; i++) {
    const customer = await p().customer.create({ data: { organizationId: orgId, name: `Klant ${i}`, email: `klant${i}@example.test` } });
    await p().customerIdentity.create({ data: { organizationId: orgId, customerId: customer.id, kind: 'EMAIL', value: `klant${i}@example.test` } });
    const t = await p().thread.create({
      data: {
        organizationId: orgId,
        channelId,
        customerId: customer.id,
        subject: `Thread ${i}`,
        conversationKey: `conv-${i}`,
        teamId: i === 1 ? teamId : null,
        lastInboundAt: i < 4 ? new Date(Date.parse('2026-11-20T09:00:00Z') + i * 60_000) : null,
        lastMessageAt: new Date(Date.parse('2026-11-20T09:00:00Z') + (10 - i) * 60_000),
      },
    });
    threads.push(t.id);
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  await app?.close();
});

const unreadSubjects = (data: { threads: { edges: { node: { subject: string; unread: boolean } }[] } }) =>
  data.threads.edges
    .filter((e) => e.node.unread)
    .map((e) => e.node.subject)
    .sort();

describe('unread per agent', () => {
  it('a thread the customer wrote is unread for each agent until that agent opens it; counts follow', async () => {
    const before = await server.gql(LIST, {}, anna.token);
    expect(before.errors).toBeUndefined();
    expect(unreadSubjects(before.data)).toEqual(['Thread 0', 'Thread 1', 'Thread 2', 'Thread 3']);
    expect(before.data.threads.unreadCount).toBe(4);

    const read = await server.gql(
      `mutation ($id: ID!) { markThreadRead(threadId: $id) { thread { id unread lastReadAt } errors { code } } }`,
      { id: gid('Thread', threads[2]!) },
      anna.token,
    );
    expect(read.data.markThreadRead.errors).toEqual([]);
    expect(read.data.markThreadRead.thread.unread).toBe(false);
    expect(read.data.markThreadRead.thread.lastReadAt).toBe(app.clock.now().toISOString());

    const annaAfter = await server.gql(LIST, {}, anna.token);
    expect(unreadSubjects(annaAfter.data)).toEqual(['Thread 0', 'Thread 1', 'Thread 3']);
    expect(annaAfter.data.threads.unreadCount).toBe(3);
    // Bert's state is his own.
    const bertAfter = await server.gql(LIST, {}, bert.token);
    expect(bertAfter.data.threads.unreadCount).toBe(4);

    const onlyUnread = await server.gql(`query { threads(first: 0, filter: { unread: true }) { totalCount unreadCount } }`, {}, anna.token);
    expect(onlyUnread.errors).toBeUndefined();
    expect(onlyUnread.data.threads).toEqual({ totalCount: 3, unreadCount: 3 });
    const onlyRead = await server.gql(`query { threads(first: 10, filter: { unread: false }) { edges { node { subject } } } }`, {}, anna.token);
    expect(onlyRead.data.threads.edges.map((e: { node: { subject: string } }) => e.node.subject).sort()).toEqual(['Thread 2', 'Thread 4']);
  });

  it('a new customer message makes it unread again for everyone', async () => {
    await server.gql(`mutation ($id: ID!) { markThreadRead(threadId: $id) { errors { code } } }`, { id: gid('Thread', threads[3]!) }, bert.token);
    app.clock.advance(60_000);
    await customerWrites(2, 'Nog een vraag over de laadpaal.');
    const anna2 = await server.gql(LIST, {}, anna.token);
    expect(unreadSubjects(anna2.data)).toEqual(['Thread 0', 'Thread 1', 'Thread 2', 'Thread 3']);
    const bert2 = await server.gql(LIST, {}, bert.token);
    expect(unreadSubjects(bert2.data)).toEqual(['Thread 0', 'Thread 1', 'Thread 2']);
  });

  it('markThreadUnread removes only the viewer’s mark; API keys have no read state', async () => {
    await server.gql(`mutation ($id: ID!) { markThreadRead(threadId: $id) { errors { code } } }`, { id: gid('Thread', threads[0]!) }, anna.token);
    const un = await server.gql(`mutation ($id: ID!) { markThreadUnread(threadId: $id) { thread { unread } errors { code } } }`, { id: gid('Thread', threads[0]!) }, anna.token);
    expect(un.data.markThreadUnread).toEqual({ thread: { unread: true }, errors: [] });
    const key = await createApiKeyFor(app.deps, orgId, ['READ']);
    const viaKey = await server.gql(LIST, {}, key);
    expect(viaKey.errors).toBeUndefined();
    expect(viaKey.data.threads.unreadCount).toBe(0);
    expect(unreadSubjects(viaKey.data)).toEqual([]);
    const refused = await server.gql(`mutation ($id: ID!) { markThreadRead(threadId: $id) { errors { code } } }`, { id: gid('Thread', threads[0]!) }, key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const missing = await server.gql(
      `mutation ($id: ID!) { markThreadRead(threadId: $id) { errors { code field } } }`,
      { id: gid('Thread', '0190a0a0-0000-7000-8000-000000000000') },
      anna.token,
    );
    expect(missing.data.markThreadRead.errors).toEqual([{ code: 'NOT_FOUND', field: 'threadId' }]);
  });
});

describe('views and order', () => {
  it('myTeams lists the threads of the viewer’s teams; WAITING_LONGEST puts the longest-waiting customer first', async () => {
    const team = await server.gql(`query { threads(first: 10, filter: { myTeams: true }) { edges { node { subject } } } }`, {}, anna.token);
    expect(team.data.threads.edges.map((e: { node: { subject: string } }) => e.node.subject)).toEqual(['Thread 1']);
    const none = await server.gql(`query { threads(first: 10, filter: { myTeams: true }) { totalCount } }`, {}, bert.token);
    expect(none.data.threads.totalCount).toBe(0);
    const waiting = await server.gql(LIST, { orderBy: 'WAITING_LONGEST' }, anna.token);
    // Thread 2 got a new customer message in the test above: it now waits the shortest; 4 never had one.
    expect(waiting.data.threads.edges.map((e: { node: { subject: string } }) => e.node.subject)).toEqual(['Thread 0', 'Thread 1', 'Thread 3', 'Thread 2', 'Thread 4']);
  });
});

describe('snooze', () => {
  const SNOOZE = `mutation ($input: SnoozeThreadInput!) { snoozeThread(input: $input) { thread { snoozedUntil } errors { code field } } }`;

  it('refuses a time in the past or more than a year away, changing nothing', async () => {
    const past = await server.gql(SNOOZE, { input: { threadId: gid('Thread', threads[0]!), until: new Date(app.clock.now().getTime() - 1000).toISOString() } }, anna.token);
    expect(past.data.snoozeThread.errors).toEqual([{ code: 'VALIDATION_FAILED', field: 'input.until' }]);
    const far = await server.gql(
      SNOOZE,
      { input: { threadId: gid('Thread', threads[0]!), until: new Date(app.clock.now().getTime() + 366 * 86_400_000).toISOString() } },
      anna.token,
    );
    expect(far.data.snoozeThread.errors[0].code).toBe('VALIDATION_FAILED');
    expect((await p().thread.findUniqueOrThrow({ where: { id: threads[0]! } })).snoozedUntil).toBeNull();
  });

  it('hides the thread from snoozed: false until the job ends the snooze; then unread for everyone and the assignee is notified', async () => {
    await p().thread.update({ where: { id: threads[0]! }, data: { assigneeId: anna.id } });
    await server.gql(`mutation ($id: ID!) { markThreadRead(threadId: $id) { errors { code } } }`, { id: gid('Thread', threads[0]!) }, anna.token);
    const until = new Date(app.clock.now().getTime() + 3_600_000);
    const res = await server.gql(SNOOZE, { input: { threadId: gid('Thread', threads[0]!), until: until.toISOString() } }, anna.token);
    expect(res.data.snoozeThread).toEqual({ thread: { snoozedUntil: until.toISOString() }, errors: [] });

    const visible = async (filter: object) =>
      (await server.gql(`query ($f: ThreadFilter) { threads(first: 10, filter: $f) { edges { node { subject } } } }`, { f: filter }, anna.token)).data.threads.edges.map(
        (e: { node: { subject: string } }) => e.node.subject,
      );
    expect(await visible({ snoozed: false })).not.toContain('Thread 0');
    expect(await visible({ snoozed: true })).toEqual(['Thread 0']);
    expect(await visible({})).toContain('Thread 0');

    await app.deps.jobs.drain(); // not due yet
    expect((await p().thread.findUniqueOrThrow({ where: { id: threads[0]! } })).snoozedUntil).not.toBeNull();

    app.clock.advance(3_600_000);
    await app.deps.jobs.drain();
    const after = await p().thread.findUniqueOrThrow({ where: { id: threads[0]! } });
    expect(after.snoozedUntil).toBeNull();
    expect(await visible({ snoozed: false })).toContain('Thread 0');
    const list = await server.gql(LIST, { filter: { unread: true } }, anna.token);
    expect(list.data.threads.edges.map((e: { node: { subject: string } }) => e.node.subject)).toContain('Thread 0');
    const notes = await p().notification.findMany({ where: { userId: anna.id, kind: 'SNOOZE_ENDED' } });
    expect(notes.map((n) => n.threadId)).toEqual([threads[0]]);
    const audit = await p().auditLog.findMany({ where: { entityId: threads[0]!, action: { in: ['thread.snooze', 'thread.unsnooze'] } }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['thread.snooze', 'thread.unsnooze']);
  });

  it('a customer message ends the snooze; a stale job after a new snooze changes nothing', async () => {
    const first = new Date(app.clock.now().getTime() + 7_200_000);
    await server.gql(SNOOZE, { input: { threadId: gid('Thread', threads[3]!), until: first.toISOString() } }, anna.token);
    app.clock.advance(60_000);
    await customerWrites(3, 'Hallo?');
    expect((await p().thread.findUniqueOrThrow({ where: { id: threads[3]! } })).snoozedUntil).toBeNull();

    const second = new Date(app.clock.now().getTime() + 86_400_000);
    await server.gql(SNOOZE, { input: { threadId: gid('Thread', threads[3]!), until: second.toISOString() } }, anna.token);
    app.clock.set(new Date(first.getTime() + 1000));
    await app.deps.jobs.drain(); // the first snooze's job: stale
    expect((await p().thread.findUniqueOrThrow({ where: { id: threads[3]! } })).snoozedUntil?.toISOString()).toBe(second.toISOString());
    const un = await server.gql(
      `mutation ($id: ID!) { unsnoozeThread(threadId: $id) { thread { snoozedUntil } errors { code } } }`,
      { id: gid('Thread', threads[3]!) },
      anna.token,
    );
    expect(un.data.unsnoozeThread).toEqual({ thread: { snoozedUntil: null }, errors: [] });
  });
});

describe('bulkUpdateThreads', () => {
  const BULK = `mutation ($input: BulkUpdateThreadsInput!) { bulkUpdateThreads(input: $input) { threads { id priority tags assignee { id } } errors { code field } } }`;

  it('changes every given thread and reports the one that fails by index', async () => {
    const auditsOf2 = () => p().auditLog.count({ where: { entityId: threads[2]!, action: { in: ['thread.assign', 'thread.update'] } } });
    const auditBefore = await auditsOf2();
    const ids = [gid('Thread', threads[1]!), gid('Thread', '0190a0a0-0000-7000-8000-000000000000'), gid('Thread', threads[2]!)];
    const res = await server.gql(BULK, { input: { threadIds: ids, priority: 'HIGH', assigneeId: gid('User', bert.id), addTags: ['wallbox'] } }, anna.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.bulkUpdateThreads.errors).toEqual([{ code: 'NOT_FOUND', field: 'threadIds.1' }]);
    expect(res.data.bulkUpdateThreads.threads).toHaveLength(2);
    for (const id of [threads[1]!, threads[2]!]) {
      const t = await p().thread.findUniqueOrThrow({ where: { id } });
      expect(t).toMatchObject({ priority: 'HIGH', assigneeId: bert.id, tags: ['wallbox'] });
    }
    const removed = await server.gql(BULK, { input: { threadIds: [gid('Thread', threads[1]!)], removeTags: ['wallbox'], addTags: ['laadpaal'] } }, anna.token);
    expect(removed.data.bulkUpdateThreads.threads[0].tags).toEqual(['laadpaal']);
    expect((await auditsOf2()) - auditBefore).toBe(2); // one thread.assign, one thread.update
  });

  it('refuses an empty selection, more than 100 ids or nothing to change, changing nothing', async () => {
    const empty = await server.gql(BULK, { input: { threadIds: [], priority: 'LOW' } }, anna.token);
    expect(empty.data.bulkUpdateThreads.errors[0]).toEqual({ code: 'VALIDATION_FAILED', field: 'input.threadIds' });
    const many = await server.gql(BULK, { input: { threadIds: Array.from({ length: 101 }, () => gid('Thread', threads[1]!)), priority: 'LOW' } }, anna.token);
    expect(many.data.bulkUpdateThreads.errors[0].code).toBe('VALIDATION_FAILED');
    const nothing = await server.gql(BULK, { input: { threadIds: [gid('Thread', threads[1]!)] } }, anna.token);
    expect(nothing.data.bulkUpdateThreads.errors[0].code).toBe('VALIDATION_FAILED');
    expect((await p().thread.findUniqueOrThrow({ where: { id: threads[1]! } })).priority).toBe('HIGH');
  });
});

describe('Customer.openTasks', () => {
  it("lists the open tasks of the customer's threads, due soonest first", async () => {
    const thread = await p().thread.findUniqueOrThrow({ where: { id: threads[1]! } });
    const base = app.clock.now().getTime();
    await p().task.createMany({
      data: [
        { organizationId: orgId, threadId: thread.id, title: 'Later', status: 'OPEN', dueAt: new Date(base + 7_200_000) },
        { organizationId: orgId, threadId: thread.id, title: 'Done', status: 'COMPLETED', dueAt: new Date(base + 60_000) },
        { organizationId: orgId, threadId: thread.id, title: 'Soon', status: 'IN_PROGRESS', dueAt: new Date(base + 3_600_000) },
      ],
    });
    const res = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Customer { openTasks { title } } } }`, { id: gid('Customer', thread.customerId!) }, anna.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.node.openTasks.map((t: { title: string }) => t.title)).toEqual(['Soon', 'Later']);
  });
});
