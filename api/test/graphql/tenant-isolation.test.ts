/**
 * An agent of organization B reaches none of organization A's records through
 * any query, connection, node lookup, mutation or subscription.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { collect, gid, missingUuid, rowCounts, settle, trackPubSubListeners, wsClient } from './helpers.js';

let app: TestApp;
let server: TestServer;

interface Tenant {
  orgId: string;
  agent: { id: string };
  manager: { id: string };
  agentToken: string;
  managerToken: string;
  teamId: string;
  channelId: string;
  customerId: string;
  threadId: string;
  messageIds: string[];
  taskId: string;
  templateId: string;
  auditLogId: string;
}
let A: Tenant;
let B: Tenant;
/** Words only A's data contains. */
const A_WORDS = ['Zwartewaterklooster', 'Fietsenmaker-Xq', 'Kwartelkoning'];

async function seedTenant(label: string, words: [string, string, string]): Promise<Tenant> {
  const p = app.deps.db.prisma;
  const org = await createOrganization(app.deps);
  const agent = await createUser(app.deps, org.id, { name: `${label} Agent` });
  const manager = await createUser(app.deps, org.id, { role: 'MANAGER', name: `${label} Manager` });
  const team = await p.team.create({ data: { organizationId: org.id, name: `${label} team ${words[2]}` } });
  const channel = await createChannel(app.deps, org.id, { type: 'API' });
  const { thread, message } = await ingestInbound(app.deps, channel, {
    externalMessageId: `${label}-ext-1`,
    customer: {
      name: `${words[0]} Klant`,
      email: `${label.toLowerCase()}-${words[0].toLowerCase()}@example.test`,
      identities: [{ kind: 'EMAIL', value: `${label.toLowerCase()}-${words[0].toLowerCase()}@example.test` }],
    },
    conversationKey: `${label}-conversation-1`,
    content: `Eerste bericht over ${words[1]}`,
    subject: `Onderwerp ${words[2]}`,
    occurredAt: app.clock.now(),
    attachments: [],
    metadata: {},
  });
  const second = await p.message.create({
    data: { organizationId: org.id, threadId: thread.id, channelId: channel.id, type: 'INTERNAL_NOTE', senderUserId: agent.id, content: `Notitie ${words[1]}` },
  });
  await p.thread.update({ where: { id: thread.id }, data: { assigneeId: agent.id, teamId: team.id } });
  const task = await p.task.create({
    data: { organizationId: org.id, title: `Taak ${words[0]}`, threadId: thread.id, assigneeId: agent.id, dueAt: new Date(app.clock.now().getTime() + 3_600_000) },
  });
  const template = await p.template.create({
    data: { organizationId: org.id, name: `Sjabloon ${words[2]}`, category: 'CUSTOMER_SERVICE', bodyTemplate: `Hallo {{customer.name}} ${words[1]}`, variables: ['customer.name'] },
  });
  const audit = await p.auditLog.findFirstOrThrow({ where: { organizationId: org.id } });
  return {
    orgId: org.id,
    agent,
    manager,
    agentToken: await tokenFor(app.deps, agent),
    managerToken: await tokenFor(app.deps, manager),
    teamId: team.id,
    channelId: channel.id,
    customerId: thread.customerId!,
    threadId: thread.id,
    messageIds: [message.id, second.id],
    taskId: task.id,
    templateId: template.id,
    auditLogId: audit.id,
  };
}

/** Every identifier of A: raw uuids and global ids. */
function aIdentifiers(): string[] {
  const raw = [A.orgId, A.agent.id, A.manager.id, A.teamId, A.channelId, A.customerId, A.threadId, ...A.messageIds, A.taskId, A.templateId, A.auditLogId];
  const globals = [
    gid('User', A.agent.id),
    gid('User', A.manager.id),
    gid('Team', A.teamId),
    gid('Channel', A.channelId),
    gid('Customer', A.customerId),
    gid('Thread', A.threadId),
    ...A.messageIds.map((m) => gid('Message', m)),
    gid('Task', A.taskId),
    gid('Template', A.templateId),
    gid('AuditLog', A.auditLogId),
  ];
  return [...raw, ...globals];
}

/** Fails when a response mentions any of A's ids or unique words. */
function expectNothingOfA(res: unknown) {
  const text = JSON.stringify(res);
  for (const needle of [...aIdentifiers(), ...A_WORDS]) {
    expect(text.includes(needle), `response leaks ${needle}: ${text.slice(0, 500)}`).toBe(false);
  }
}

/** A's rows, to compare before/after the attempted mutations. */
async function snapshotA() {
  const p = app.deps.db.prisma;
  const where = { organizationId: A.orgId };
  return {
    threads: await p.thread.findMany({ where, orderBy: { id: 'asc' } }),
    messages: await p.message.findMany({ where, orderBy: { id: 'asc' } }),
    tasks: await p.task.findMany({ where, orderBy: { id: 'asc' } }),
    templates: await p.template.findMany({ where, orderBy: { id: 'asc' } }),
    customers: await p.customer.findMany({ where, orderBy: { id: 'asc' } }),
    channels: await p.channel.findMany({ where, orderBy: { id: 'asc' } }),
    users: await p.user.findMany({ where, orderBy: { id: 'asc' } }),
    auditLogs: await p.auditLog.count({ where }),
  };
}

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  A = await seedTenant('A', A_WORDS as [string, string, string]);
  B = await seedTenant('B', ['Berkenlaan', 'Dakkapel', 'Molenwiek']);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const asB = (q: string, v?: Record<string, unknown>) => server.gql(q, v, B.agentToken);

describe('B sees none of A through root fields', () => {
  it('sanity: A sees its own data through the same queries (so the queries can find something)', async () => {
    const res = await server.gql(`{ threads(first: 50, filter: { search: "${A_WORDS[1]}" }) { totalCount edges { node { id } } } }`, {}, A.agentToken);
    expect(res.data.threads.totalCount).toBe(1);
    expect(res.data.threads.edges[0].node.id).toBe(gid('Thread', A.threadId));
    const node = await server.gql(`query($id: ID!){ node(id: $id) { id } }`, { id: gid('Customer', A.customerId) }, A.agentToken);
    expect(node.data.node.id).toBe(gid('Customer', A.customerId));
  });

  it('threads: unfiltered, every filter with A ids, search for A words', async () => {
    const q = `query($f: ThreadFilter){ threads(first: 100, filter: $f) { totalCount edges { node { id subject customer { id name } assignee { id } channel { id } lastMessage { id content } team { id name } } } } }`;
    const all = await asB(q, {});
    expect(all.errors).toBeUndefined();
    expect(all.data.threads.edges.map((e: any) => e.node.id)).toEqual([gid('Thread', B.threadId)]);
    expectNothingOfA(all);
    const filters = [
      { customerId: gid('Customer', A.customerId) },
      { assigneeId: gid('User', A.agent.id) },
      { teamId: gid('Team', A.teamId) },
      { hasOpenTasks: true },
      ...A_WORDS.map((w) => ({ search: w })),
      { search: A_WORDS[0]!.toLowerCase() },
    ];
    for (const f of filters) {
      const res = await asB(q, { f });
      expect(res.errors).toBeUndefined();
      expectNothingOfA(res);
      if (!('hasOpenTasks' in f)) expect(res.data.threads.totalCount, JSON.stringify(f)).toBe(0);
    }
  });

  it('customers (incl. search), tasks, templates, agents, teams, channels, viewer', async () => {
    const queries: [string, Record<string, unknown>?][] = [
      // 50, not 100: 100 customers × 10 threads each is over the 1,000-point query cost (http/graphql-limits.ts).
      [`{ customers(first: 50) { totalCount edges { node { id name email threads(first: 10) { totalCount edges { node { id } } } } } } }`],
      [`query($s: String){ customers(first: 100, search: $s) { totalCount edges { node { id name } } } }`, { s: A_WORDS[0] }],
      [`query($s: String){ customers(first: 100, search: $s) { totalCount edges { node { id name } } } }`, { s: 'a-' }],
      [`{ tasks(first: 100) { totalCount edges { node { id title thread { id } assignee { id } } } } }`],
      [`query($t: ID){ tasks(first: 100, filter: { threadId: $t }) { totalCount edges { node { id } } } }`, { t: gid('Thread', A.threadId) }],
      [`query($a: ID){ tasks(first: 100, filter: { assigneeId: $a }) { totalCount edges { node { id } } } }`, { a: gid('User', A.agent.id) }],
      [`{ templates(first: 100) { totalCount edges { node { id name bodyTemplate } } } }`],
      [`{ agents(first: 100) { totalCount edges { node { id name teams { id name } } } } }`],
      [`{ teams { id name members { id } } }`],
      [`{ channels { id name } }`],
      [`{ viewer { id teams { id } } }`],
    ];
    for (const [q, v] of queries) {
      const res = await asB(q, v);
      expect(res.errors, q).toBeUndefined();
      expectNothingOfA(res);
    }
    const customers = await asB(`query($s: String){ customers(first: 100, search: $s) { totalCount } }`, { s: A_WORDS[0] });
    expect(customers.data.customers.totalCount).toBe(0);
    const agents = await asB(`{ agents(first: 100) { totalCount } }`);
    expect(agents.data.agents.totalCount).toBe(2);
  });

  it('auditLogs as a MANAGER of B: only B rows, none by A entity id', async () => {
    const q = `query($e: ID){ auditLogs(first: 100, entityId: $e) { totalCount edges { node { id entityId entityType changes actor { id } } } } }`;
    const all = await server.gql(q, {}, B.managerToken);
    expect(all.errors).toBeUndefined();
    expect(all.data.auditLogs.totalCount).toBeGreaterThan(0);
    expectNothingOfA(all);
    for (const e of [A.threadId, A.messageIds[0]!, gid('Thread', A.threadId)]) {
      const res = await server.gql(q, { e }, B.managerToken);
      expect(res.data.auditLogs.totalCount).toBe(0);
      expectNothingOfA(res);
    }
  });
});

describe('B sees none of A through connections and node lookups', () => {
  it("B's own connections (Customer.threads, Thread.messages, Thread.tasks) hold only B rows", async () => {
    const res = await asB(
      `query($c: ID!, $t: ID!){
        c: node(id: $c) { ... on Customer { threads(first: 50) { totalCount edges { node { id } } } } }
        t: node(id: $t) { ... on Thread { messages(last: 50) { totalCount edges { node { id content thread { id } channel { id } sender { kind user { id } } } } } tasks(first: 50) { totalCount edges { node { id } } } } }
      }`,
      { c: gid('Customer', B.customerId), t: gid('Thread', B.threadId) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.c.threads.totalCount).toBe(1);
    expect(res.data.t.messages.totalCount).toBe(2);
    expect(res.data.t.tasks.totalCount).toBe(1);
    expectNothingOfA(res);
  });

  it('node(id) and nodes(ids) return null for every A id, exactly like a missing id', async () => {
    const aIds: [string, string][] = [
      ['Thread', A.threadId],
      ...A.messageIds.map((m) => ['Message', m] as [string, string]),
      ['Customer', A.customerId],
      ['Task', A.taskId],
      ['Template', A.templateId],
      ['User', A.agent.id],
      ['Team', A.teamId],
      ['Channel', A.channelId],
      ['AuditLog', A.auditLogId],
    ];
    const q = `query($id: ID!){ node(id: $id) { id __typename } }`;
    for (const [type, id] of aIds) {
      const missing = await asB(q, { id: gid(type, missingUuid()) });
      const res = await asB(q, { id: gid(type, id) });
      expect(missing.errors, `node(missing ${type} id)`).toBeUndefined();
      expect(missing.data.node).toBeNull();
      expect(res, `${type} ${id}`).toEqual(missing);
      expect(res.data.node).toBeNull();
      // The manager sees no more.
      const mgr = await server.gql(q, { id: gid(type, id) }, B.managerToken);
      expect(mgr.data.node).toBeNull();
    }
    const many = await server.gql(`query($ids: [ID!]!){ nodes(ids: $ids) { id } }`, { ids: aIds.map(([t, i]) => gid(t, i)) }, B.managerToken);
    expect(many.errors).toBeUndefined();
    expect(many.data.nodes).toEqual(aIds.map(() => null));
    expectNothingOfA(many);
  });

  it('renderTemplate with A ids finds nothing', async () => {
    const res = await asB(`query($t: ID!, $th: ID!){ renderTemplate(templateId: $t, threadId: $th) { body } }`, {
      t: gid('Template', A.templateId),
      th: gid('Thread', B.threadId),
    });
    expect(res.data?.renderTemplate ?? null).toBeNull();
    expect(res.errors?.length).toBeGreaterThan(0);
    expectNothingOfA(res);
  });
});

describe('B cannot change A through mutations', () => {
  // updateTemplate is for TEAM_LEAD and up (docs/permissions.md): B's manager tries it.
  const cases: [string, string, () => Record<string, unknown>, (() => string)?][] = [
    [
      'updateThread',
      `mutation($i: UpdateThreadInput!){ updateThread(input:$i){ thread { id } errors { code } } }`,
      () => ({ threadId: gid('Thread', A.threadId), subject: 'hacked', status: 'CLOSED' }),
    ],
    [
      'assignThread',
      `mutation($i: AssignThreadInput!){ assignThread(input:$i){ thread { id } errors { code } } }`,
      () => ({ threadId: gid('Thread', A.threadId), assigneeId: gid('User', B.agent.id) }),
    ],
    [
      'postMessage',
      `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id } errors { code } } }`,
      () => ({ threadId: gid('Thread', A.threadId), kind: 'NOTE', content: 'hacked' }),
    ],
    [
      'postMessage',
      `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id } errors { code } } }`,
      () => ({ threadId: gid('Thread', A.threadId), kind: 'REPLY', content: 'hacked' }),
    ],
    ['createTask', `mutation($i: CreateTaskInput!){ createTask(input:$i){ task { id } errors { code } } }`, () => ({ title: 'hacked', threadId: gid('Thread', A.threadId) })],
    ['createTask', `mutation($i: CreateTaskInput!){ createTask(input:$i){ task { id } errors { code } } }`, () => ({ title: 'hacked', assigneeId: gid('User', A.agent.id) })],
    ['updateTask', `mutation($i: UpdateTaskInput!){ updateTask(input:$i){ task { id } errors { code } } }`, () => ({ taskId: gid('Task', A.taskId), title: 'hacked' })],
    ['completeTask', `mutation($i: CompleteTaskInput!){ completeTask(input:$i){ task { id } errors { code } } }`, () => ({ taskId: gid('Task', A.taskId) })],
    [
      'updateTemplate',
      `mutation($i: UpdateTemplateInput!){ updateTemplate(input:$i){ template { id } errors { code } } }`,
      () => ({ templateId: gid('Template', A.templateId), bodyTemplate: 'hacked' }),
      () => B.managerToken,
    ],
    [
      'updateCustomer',
      `mutation($i: UpdateCustomerInput!){ updateCustomer(input:$i){ customer { id } errors { code } } }`,
      () => ({ customerId: gid('Customer', A.customerId), name: 'hacked' }),
    ],
    [
      'updateThread',
      `mutation($i: UpdateThreadInput!){ updateThread(input:$i){ thread { id } errors { code } } }`,
      () => ({ threadId: gid('Thread', B.threadId), customerId: gid('Customer', A.customerId) }),
    ],
    [
      'createThread',
      `mutation($i: CreateThreadInput!){ createThread(input:$i){ thread { id } errors { code } } }`,
      () => ({ channelId: gid('Channel', A.channelId), subject: 'hacked' }),
    ],
    [
      'createThread',
      `mutation($i: CreateThreadInput!){ createThread(input:$i){ thread { id } errors { code } } }`,
      () => ({ channelId: gid('Channel', B.channelId), subject: 'hacked', customerId: gid('Customer', A.customerId) }),
    ],
    [
      'createThread',
      `mutation($i: CreateThreadInput!){ createThread(input:$i){ thread { id } errors { code } } }`,
      () => ({ channelId: gid('Channel', B.channelId), subject: 'hacked', teamId: gid('Team', A.teamId) }),
    ],
  ];
  for (const [n, [field, mutation, input, as]] of cases.entries()) {
    it(`#${n} ${field} with A ids → NOT_FOUND, nothing changed`, async () => {
      const beforeA = await snapshotA();
      const beforeB = await rowCounts(app.deps, B.orgId);
      const res = as ? await server.gql(mutation, { i: input() }, as()) : await asB(mutation, { i: input() });
      expect(res.errors).toBeUndefined();
      expect(res.data[field].errors[0].code).toBe('NOT_FOUND');
      expectNothingOfA(res);
      expect(await snapshotA()).toEqual(beforeA);
      expect(await rowCounts(app.deps, B.orgId)).toEqual(beforeB);
    });
  }

  it("postMessage on B's thread citing A's template does not count A's template usage", async () => {
    const before = await snapshotA();
    const res = await asB(`mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id } errors { code } } }`, {
      i: { threadId: gid('Thread', B.threadId), kind: 'NOTE', content: 'via template', templateId: gid('Template', A.templateId) },
    });
    expect(res.data.postMessage.errors).toEqual([]);
    expect(await snapshotA()).toEqual(before);
  });
});

describe('subscriptions never deliver A events to B', () => {
  it("B's messageAdded/threadUpdated stay empty while A's own subscriber gets the event", async () => {
    const tracker = trackPubSubListeners(app.deps);
    const a = wsClient(server.port, A.agentToken);
    const b = wsClient(server.port, B.agentToken);
    try {
      const aMsgs = collect(a, `subscription { messageAdded { id content } }`);
      const bMsgs = collect(b, `subscription { messageAdded { id content } }`);
      const bThreads = collect(b, `subscription { threadUpdated { id subject } }`);
      const bThreadA = collect(b, `subscription($t: ID){ messageAdded(threadId: $t) { id } }`, { t: gid('Thread', A.threadId) });
      await tracker.waitFor(4);
      const channel = await app.deps.db.prisma.channel.findUniqueOrThrow({ where: { id: A.channelId } });
      await ingestInbound(app.deps, channel, {
        externalMessageId: `A-live-${missingUuid()}`,
        customer: { email: `a-${A_WORDS[0].toLowerCase()}@example.test`, identities: [{ kind: 'EMAIL', value: `a-${A_WORDS[0].toLowerCase()}@example.test` }] },
        conversationKey: `A-live-conversation`,
        content: `Live ${A_WORDS[1]}`,
        occurredAt: app.clock.now(),
        attachments: [],
        metadata: {},
      });
      const got = await aMsgs.next();
      expect((got.data as any).messageAdded.content).toBe(`Live ${A_WORDS[1]}`);
      await settle();
      expect(bMsgs.events).toEqual([]);
      expect(bThreads.events).toEqual([]);
      expect(bThreadA.events).toEqual([]);
    } finally {
      tracker.restore();
      await a.dispose();
      await b.dispose();
    }
  });
});
