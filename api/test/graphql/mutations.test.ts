import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiKeyFor,
  createChannel,
  createOrganization,
  createTestApp,
  createTestServer,
  createUser,
  TEST_PASSWORD,
  tokenFor,
  type TestApp,
  type TestServer,
} from '../harness.js';
import { auditIds, gid, missingUuid, newAuditRows, rowCounts } from './helpers.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let token: string;
let agent: { id: string; name: string; email: string };
let colleague: { id: string };
/** Templates are created and edited by TEAM_LEAD and up (docs/permissions.md). */
let teamLead: { id: string };
let teamLeadToken: string;
let teamId: string;
let channelId: string;
let customerId: string;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  agent = await createUser(app.deps, org.id, { name: 'Marco Rossi', email: 'marco@example.test' });
  colleague = await createUser(app.deps, org.id, { name: 'Lisa de Boer' });
  token = await tokenFor(app.deps, agent as never);
  teamLead = await createUser(app.deps, org.id, { name: 'Sanne Vos', role: 'TEAM_LEAD' });
  teamLeadToken = await tokenFor(app.deps, teamLead as never);
  channelId = (await createChannel(app.deps, org.id, { type: 'EMAIL_OUTLOOK' })).id;
  teamId = (await app.deps.db.prisma.team.create({ data: { organizationId: org.id, name: 'Installatie' } })).id;
  customerId = (await app.deps.db.prisma.customer.create({ data: { organizationId: org.id, name: 'Giulia Bianchi', email: 'giulia@example.test' } })).id;
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const gql = (q: string, v?: Record<string, unknown>, as = token) => server.gql(q, v, as);

/** Runs a mutation expected to succeed (as the agent, or `as`); returns the payload and the single audit row it wrote. */
async function succeeds(q: string, vars: Record<string, unknown>, field: string, as?: { id: string; token: string }) {
  const before = await auditIds(app.deps, orgId);
  const res = await gql(q, vars, as?.token ?? token);
  expect(res.errors).toBeUndefined();
  const payload = res.data[field];
  expect(payload.errors).toEqual([]);
  const rows = await newAuditRows(app.deps, orgId, before);
  expect(rows, 'exactly one AuditLog row per successful mutation').toHaveLength(1);
  const row = rows[0]!;
  expect(row.actorType).toBe('USER');
  expect(row.actorUserId).toBe(as?.id ?? agent.id);
  return { payload, audit: row, changes: row.changes as { before: any; after: any } };
}

/** Runs a mutation expected to fail with `code`; asserts nothing changed anywhere. */
async function fails(q: string, vars: Record<string, unknown>, field: string, code: string, as = token) {
  const before = await rowCounts(app.deps);
  const res = await gql(q, vars, as);
  expect(res.errors).toBeUndefined();
  const payload = res.data[field];
  expect(payload.errors?.[0]?.code).toBe(code);
  expect(await rowCounts(app.deps)).toEqual(before);
  return payload;
}

const THREAD_FIELDS = `id subject status priority type tags orderReference resolvedAt assignee { id } team { id } customer { id }`;
const CREATE_THREAD = `mutation($i: CreateThreadInput!){ createThread(input:$i){ thread { ${THREAD_FIELDS} messages(first: 5) { totalCount edges { node { type content } } } } errors { code field message } } }`;
const UPDATE_THREAD = `mutation($i: UpdateThreadInput!){ updateThread(input:$i){ thread { ${THREAD_FIELDS} } errors { code field message } } }`;
const ASSIGN_THREAD = `mutation($i: AssignThreadInput!){ assignThread(input:$i){ thread { ${THREAD_FIELDS} } errors { code field message } } }`;
const POST_MESSAGE = `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id type content deliveryStatus sender { kind name user { id } } } thread { id status firstResponseAt } errors { code field message } } }`;
const TASK_FIELDS = `id title status priority completedAt completionNotes dueAt assignee { id } thread { id }`;
const CREATE_TASK = `mutation($i: CreateTaskInput!){ createTask(input:$i){ task { ${TASK_FIELDS} } errors { code field message } } }`;
const UPDATE_TASK = `mutation($i: UpdateTaskInput!){ updateTask(input:$i){ task { ${TASK_FIELDS} } errors { code field message } } }`;
const COMPLETE_TASK = `mutation($i: CompleteTaskInput!){ completeTask(input:$i){ task { ${TASK_FIELDS} } errors { code field message } } }`;
const TEMPLATE_FIELDS = `id name bodyTemplate subjectTemplate variables category locale isActive`;
const CREATE_TEMPLATE = `mutation($i: CreateTemplateInput!){ createTemplate(input:$i){ template { ${TEMPLATE_FIELDS} } errors { code field message } } }`;
const UPDATE_TEMPLATE = `mutation($i: UpdateTemplateInput!){ updateTemplate(input:$i){ template { ${TEMPLATE_FIELDS} } errors { code field message } } }`;
const CUSTOMER_FIELDS = `id name email phone codiceFiscale partitaIva tier`;
const CREATE_CUSTOMER = `mutation($i: CreateCustomerInput!){ createCustomer(input:$i){ customer { ${CUSTOMER_FIELDS} } errors { code field message } } }`;
const UPDATE_CUSTOMER = `mutation($i: UpdateCustomerInput!){ updateCustomer(input:$i){ customer { ${CUSTOMER_FIELDS} } errors { code field message } } }`;
const INGEST = `mutation($i: IngestMessageInput!){ ingestMessage(input:$i){ created message { id content externalMessageId } thread { id } errors { code field message } } }`;

let seq = 0;
async function newThread(extra: Record<string, unknown> = {}) {
  const res = await gql(CREATE_THREAD, { i: { channelId: gid('Channel', channelId), subject: `Thread ${++seq}`, customerId: gid('Customer', customerId), ...extra } });
  expect(res.data.createThread.errors).toEqual([]);
  return res.data.createThread.thread as { id: string };
}
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;

describe('createThread', () => {
  it('creates a thread with an initial note and writes thread.create', async () => {
    const { payload, audit, changes } = await succeeds(
      CREATE_THREAD,
      {
        i: {
          channelId: gid('Channel', channelId),
          subject: 'Laadpaal installatie',
          priority: 'HIGH',
          customerId: gid('Customer', customerId),
          assigneeId: gid('User', colleague.id),
          teamId: gid('Team', teamId),
          tags: ['wallbox'],
          initialNote: 'Klant terugbellen',
        },
      },
      'createThread',
    );
    const t = payload.thread;
    expect(t).toMatchObject({
      subject: 'Laadpaal installatie',
      priority: 'HIGH',
      status: 'OPEN',
      tags: ['wallbox'],
      assignee: { id: gid('User', colleague.id) },
      team: { id: gid('Team', teamId) },
    });
    expect(t.messages.totalCount).toBe(1);
    expect(t.messages.edges[0].node).toEqual({ type: 'INTERNAL_NOTE', content: 'Klant terugbellen' });
    expect(audit.action).toBe('thread.create');
    expect(audit.entityType).toBe('Thread');
    expect(audit.entityId).toBe(uuidOf(t.id));
    expect(changes.before).toBeNull();
    expect(changes.after).toMatchObject({ id: uuidOf(t.id), subject: 'Laadpaal installatie', priority: 'HIGH' });
    const row = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: uuidOf(t.id) } });
    expect(row.organizationId).toBe(orgId);
    expect(row.creatorId).toBe(agent.id);
  });

  it('fails without changes: empty subject, unknown channel, unknown customer', async () => {
    const p1 = await fails(CREATE_THREAD, { i: { channelId: gid('Channel', channelId), subject: '   ' } }, 'createThread', 'VALIDATION_FAILED');
    expect(p1.errors[0].field).toBe('input.subject');
    await fails(CREATE_THREAD, { i: { channelId: gid('Channel', missingUuid()), subject: 'x' } }, 'createThread', 'NOT_FOUND');
    const p3 = await fails(CREATE_THREAD, { i: { channelId: gid('Channel', channelId), subject: 'x', customerId: gid('Customer', missingUuid()) } }, 'createThread', 'NOT_FOUND');
    expect(p3.errors[0].field).toBe('input.customerId');
  });
});

describe('postMessage', () => {
  it('NOTE: stores an internal note, writes message.note', async () => {
    const thread = await newThread();
    const { payload, audit, changes } = await succeeds(POST_MESSAGE, { i: { threadId: thread.id, kind: 'NOTE', content: 'Interne notitie' } }, 'postMessage');
    expect(payload.message).toMatchObject({
      type: 'INTERNAL_NOTE',
      content: 'Interne notitie',
      deliveryStatus: 'SENT',
      sender: { kind: 'USER', name: 'Marco Rossi', user: { id: gid('User', agent.id) } },
    });
    expect(payload.thread.status).toBe('OPEN');
    expect(payload.thread.firstResponseAt).toBeNull();
    expect(audit.action).toBe('message.note');
    expect(audit.entityType).toBe('Message');
    expect(audit.entityId).toBe(uuidOf(payload.message.id));
    expect(changes.after).toMatchObject({ threadId: uuidOf(thread.id), type: 'INTERNAL_NOTE', content: 'Interne notitie' });
  });

  it('REPLY on a channel without a provider (phone): CHANNEL_NOT_SUPPORTED, nothing stored, the SLA untouched', async () => {
    const phone = await createChannel(app.deps, orgId, { type: 'PHONE_CALL' });
    const thread = await gql(`mutation($i: CreateThreadInput!){ createThread(input:$i){ thread { id } errors { code } } }`, {
      i: { subject: 'Terugbelverzoek', channelId: gid('Channel', phone.id) },
    });
    const threadId = thread.data.createThread.thread.id;
    const res = await fails(POST_MESSAGE, { i: { threadId, kind: 'REPLY', content: 'Wij komen dinsdag langs' } }, 'postMessage', 'CHANNEL_NOT_SUPPORTED');
    expect(res.message).toBeNull();
    const row = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: uuidOf(threadId) } });
    expect(row.firstResponseAt).toBeNull();
    expect(row.status).toBe('OPEN');
  });

  it('fails without changes: empty content, unknown thread', async () => {
    const thread = await newThread();
    await fails(POST_MESSAGE, { i: { threadId: thread.id, kind: 'NOTE', content: '  ' } }, 'postMessage', 'VALIDATION_FAILED');
    await fails(POST_MESSAGE, { i: { threadId: gid('Thread', missingUuid()), kind: 'REPLY', content: 'x' } }, 'postMessage', 'NOT_FOUND');
  });
});

describe('updateThread', () => {
  it('changes fields and writes thread.update with only the changed fields', async () => {
    const thread = await newThread({ priority: 'LOW' });
    const { payload, audit, changes } = await succeeds(
      UPDATE_THREAD,
      { i: { threadId: thread.id, priority: 'URGENT', subject: 'Nieuw onderwerp', tags: ['a', 'b'] } },
      'updateThread',
    );
    expect(payload.thread).toMatchObject({ priority: 'URGENT', subject: 'Nieuw onderwerp', tags: ['a', 'b'], status: 'OPEN', resolvedAt: null });
    expect(audit.action).toBe('thread.update');
    expect(audit.entityId).toBe(uuidOf(thread.id));
    expect(changes.before).toMatchObject({ priority: 'LOW', subject: expect.stringMatching(/^Thread /), tags: [] });
    expect(changes.after).toMatchObject({ priority: 'URGENT', subject: 'Nieuw onderwerp', tags: ['a', 'b'] });
    expect(Object.keys(changes.before)).not.toContain('status');
  });

  it('RESOLVED sets resolvedAt (clock time); reopening clears it', async () => {
    const thread = await newThread();
    const { payload, changes } = await succeeds(UPDATE_THREAD, { i: { threadId: thread.id, status: 'RESOLVED' } }, 'updateThread');
    expect(payload.thread.status).toBe('RESOLVED');
    expect(payload.thread.resolvedAt).toBe(app.clock.now().toISOString());
    expect(changes.before).toMatchObject({ status: 'OPEN', resolvedAt: null });
    expect(changes.after).toMatchObject({ status: 'RESOLVED', resolvedAt: app.clock.now().toISOString() });
    const reopened = await succeeds(UPDATE_THREAD, { i: { threadId: thread.id, status: 'OPEN' } }, 'updateThread');
    expect(reopened.payload.thread.resolvedAt).toBeNull();
  });

  it('fails without changes: unknown thread, empty subject, unknown customer', async () => {
    const thread = await newThread();
    await fails(UPDATE_THREAD, { i: { threadId: gid('Thread', missingUuid()), priority: 'HIGH' } }, 'updateThread', 'NOT_FOUND');
    await fails(UPDATE_THREAD, { i: { threadId: thread.id, subject: '' } }, 'updateThread', 'VALIDATION_FAILED');
    await fails(UPDATE_THREAD, { i: { threadId: thread.id, customerId: gid('Customer', missingUuid()) } }, 'updateThread', 'NOT_FOUND');
  });
});

describe('assignThread', () => {
  it('assigns a user, then a team, then unassigns; one thread.assign row each', async () => {
    const thread = await newThread();
    const a = await succeeds(ASSIGN_THREAD, { i: { threadId: thread.id, assigneeId: gid('User', colleague.id) } }, 'assignThread');
    expect(a.payload.thread.assignee).toEqual({ id: gid('User', colleague.id) });
    expect(a.audit.action).toBe('thread.assign');
    expect(a.audit.entityId).toBe(uuidOf(thread.id));
    expect(a.changes).toMatchObject({ before: { assigneeId: null }, after: { assigneeId: colleague.id } });

    const t = await succeeds(ASSIGN_THREAD, { i: { threadId: thread.id, teamId: gid('Team', teamId) } }, 'assignThread');
    expect(t.payload.thread.team).toEqual({ id: gid('Team', teamId) });
    expect(t.payload.thread.assignee).toEqual({ id: gid('User', colleague.id) }); // omitted: unchanged
    expect(t.changes).toMatchObject({ before: { teamId: null }, after: { teamId } });

    const u = await succeeds(ASSIGN_THREAD, { i: { threadId: thread.id, assigneeId: null, teamId: null } }, 'assignThread');
    expect(u.payload.thread.assignee).toBeNull();
    expect(u.payload.thread.team).toBeNull();
    expect(u.changes).toMatchObject({ before: { assigneeId: colleague.id, teamId }, after: { assigneeId: null, teamId: null } });
  });

  it('fails without changes: unknown agent, unknown team, unknown thread', async () => {
    const thread = await newThread();
    await fails(ASSIGN_THREAD, { i: { threadId: thread.id, assigneeId: gid('User', missingUuid()) } }, 'assignThread', 'NOT_FOUND');
    await fails(ASSIGN_THREAD, { i: { threadId: thread.id, teamId: gid('Team', missingUuid()) } }, 'assignThread', 'NOT_FOUND');
    await fails(ASSIGN_THREAD, { i: { threadId: gid('Thread', missingUuid()), assigneeId: gid('User', agent.id) } }, 'assignThread', 'NOT_FOUND');
  });
});

describe('tasks', () => {
  it('createTask (defaults to the viewer), updateTask, completeTask; completing twice → CONFLICT', async () => {
    const thread = await newThread();
    const c = await succeeds(CREATE_TASK, { i: { title: 'Terugbellen', threadId: thread.id, dueAt: '2026-11-21T10:00:00Z' } }, 'createTask');
    const task = c.payload.task;
    expect(task).toMatchObject({
      title: 'Terugbellen',
      status: 'OPEN',
      priority: 'NORMAL',
      assignee: { id: gid('User', agent.id) },
      thread: { id: thread.id },
      dueAt: '2026-11-21T10:00:00.000Z',
    });
    expect(c.audit.action).toBe('task.create');
    expect(c.audit.entityId).toBe(uuidOf(task.id));
    expect(c.changes.after).toMatchObject({ title: 'Terugbellen', assigneeId: agent.id });

    const u = await succeeds(UPDATE_TASK, { i: { taskId: task.id, priority: 'HIGH', assigneeId: gid('User', colleague.id) } }, 'updateTask');
    expect(u.payload.task).toMatchObject({ priority: 'HIGH', assignee: { id: gid('User', colleague.id) } });
    expect(u.audit.action).toBe('task.update');
    expect(u.changes).toMatchObject({ before: { priority: 'NORMAL', assigneeId: agent.id }, after: { priority: 'HIGH', assigneeId: colleague.id } });

    const done = await succeeds(COMPLETE_TASK, { i: { taskId: task.id, completionNotes: 'Gebeld, opgelost' } }, 'completeTask');
    expect(done.payload.task).toMatchObject({ status: 'COMPLETED', completionNotes: 'Gebeld, opgelost', completedAt: app.clock.now().toISOString() });
    expect(done.audit.action).toBe('task.complete');
    expect(done.audit.entityId).toBe(uuidOf(task.id));
    expect(done.changes).toMatchObject({ before: { status: 'OPEN', completedAt: null }, after: { status: 'COMPLETED' } });

    const again = await fails(COMPLETE_TASK, { i: { taskId: task.id } }, 'completeTask', 'CONFLICT');
    expect(again.task ?? null).toBeNull();
    const row = await app.deps.db.prisma.task.findUniqueOrThrow({ where: { id: uuidOf(task.id) } });
    expect(row.completionNotes).toBe('Gebeld, opgelost');
  });

  it('fails without changes: empty title, unknown thread, unknown assignee, unknown task', async () => {
    await fails(CREATE_TASK, { i: { title: ' ' } }, 'createTask', 'VALIDATION_FAILED');
    await fails(CREATE_TASK, { i: { title: 'x', threadId: gid('Thread', missingUuid()) } }, 'createTask', 'NOT_FOUND');
    await fails(CREATE_TASK, { i: { title: 'x', assigneeId: gid('User', missingUuid()) } }, 'createTask', 'NOT_FOUND');
    await fails(UPDATE_TASK, { i: { taskId: gid('Task', missingUuid()), title: 'y' } }, 'updateTask', 'NOT_FOUND');
    await fails(COMPLETE_TASK, { i: { taskId: gid('Task', missingUuid()) } }, 'completeTask', 'NOT_FOUND');
  });
});

describe('templates (as a TEAM_LEAD: agents only use them)', () => {
  const lead = () => ({ id: teamLead.id, token: teamLeadToken });

  it('createTemplate derives variables; updateTemplate; renderTemplate fills {{customer.name}} and reports missing variables', async () => {
    const c = await succeeds(
      CREATE_TEMPLATE,
      {
        i: {
          name: `Bevestiging ${++seq}`,
          category: 'CUSTOMER_SERVICE',
          subjectTemplate: 'Order {{thread.orderReference}}',
          bodyTemplate: 'Beste {{customer.name}}, groet {{agent.name}}',
        },
      },
      'createTemplate',
      lead(),
    );
    const tpl = c.payload.template;
    expect(tpl.variables).toEqual(['agent.name', 'customer.name', 'thread.orderReference']);
    expect(tpl.locale).toBe('nl');
    expect(c.audit.action).toBe('template.create');
    expect(c.audit.entityId).toBe(uuidOf(tpl.id));
    expect(c.changes.after).toMatchObject({ bodyTemplate: 'Beste {{customer.name}}, groet {{agent.name}}' });

    const u = await succeeds(UPDATE_TEMPLATE, { i: { templateId: tpl.id, bodyTemplate: 'Hallo {{customer.name}} ({{customer.phone}})' } }, 'updateTemplate', lead());
    expect(u.payload.template.bodyTemplate).toBe('Hallo {{customer.name}} ({{customer.phone}})');
    expect(u.payload.template.variables).toEqual(['customer.name', 'customer.phone', 'thread.orderReference']);
    expect(u.audit.action).toBe('template.update');
    expect(u.changes.before.bodyTemplate).toBe('Beste {{customer.name}}, groet {{agent.name}}');
    expect(u.changes.after.bodyTemplate).toBe('Hallo {{customer.name}} ({{customer.phone}})');

    const thread = await newThread();
    const r = await gql(`query($t: ID!, $th: ID!){ renderTemplate(templateId: $t, threadId: $th){ subject body missingVariables } }`, { t: tpl.id, th: thread.id });
    expect(r.errors).toBeUndefined();
    // The customer has no phone and the thread no order reference: the gaps stay visible for the agent to fill.
    expect(r.data.renderTemplate).toEqual({
      subject: 'Order {{thread.orderReference}}',
      body: 'Hallo Giulia Bianchi ({{customer.phone}})',
      missingVariables: ['customer.phone', 'thread.orderReference'],
    });
  });

  it('fails without changes: bad Handlebars, duplicate name+locale, unknown template', async () => {
    const bad = await fails(
      CREATE_TEMPLATE,
      { i: { name: 'Kapot', category: 'FOLLOW_UP', bodyTemplate: 'Beste {{customer.name' } },
      'createTemplate',
      'TEMPLATE_SYNTAX_ERROR',
      teamLeadToken,
    );
    expect(bad.errors[0].field).toBe('input.bodyTemplate');
    const name = `Uniek ${++seq}`;
    await succeeds(CREATE_TEMPLATE, { i: { name, category: 'FOLLOW_UP', bodyTemplate: 'Hoi' } }, 'createTemplate', lead());
    await fails(CREATE_TEMPLATE, { i: { name, category: 'FOLLOW_UP', bodyTemplate: 'Hoi' } }, 'createTemplate', 'CONFLICT', teamLeadToken);
    await fails(UPDATE_TEMPLATE, { i: { templateId: gid('Template', missingUuid()), name: 'x' } }, 'updateTemplate', 'NOT_FOUND', teamLeadToken);
    const existing = await app.deps.db.prisma.template.findFirstOrThrow({ where: { organizationId: orgId, name } });
    await fails(UPDATE_TEMPLATE, { i: { templateId: gid('Template', existing.id), bodyTemplate: '{{#if}}' } }, 'updateTemplate', 'TEMPLATE_SYNTAX_ERROR', teamLeadToken);
  });
});

describe('customers', () => {
  it('createCustomer normalizes phone to E.164 and validates Italian ids; updateCustomer', async () => {
    const c = await succeeds(
      CREATE_CUSTOMER,
      { i: { name: 'Mario Verdi', email: 'Mario@Example.TEST', phone: '06 12345678', codiceFiscale: 'rssmra85t10a562s', partitaIva: 'IT01114601006' } },
      'createCustomer',
    );
    const cust = c.payload.customer;
    expect(cust).toMatchObject({
      name: 'Mario Verdi',
      email: 'mario@example.test',
      phone: '+31612345678',
      codiceFiscale: 'RSSMRA85T10A562S',
      partitaIva: '01114601006',
      tier: 'STANDARD',
    });
    expect(c.audit.action).toBe('customer.create');
    expect(c.audit.entityId).toBe(uuidOf(cust.id));
    expect(c.changes.after).toMatchObject({ name: 'Mario Verdi', phone: '+31612345678' });

    const u = await succeeds(UPDATE_CUSTOMER, { i: { customerId: cust.id, tier: 'PREMIUM', phone: null } }, 'updateCustomer');
    expect(u.payload.customer).toMatchObject({ tier: 'PREMIUM', phone: null, name: 'Mario Verdi' });
    expect(u.audit.action).toBe('customer.update');
    expect(u.changes).toMatchObject({ before: { tier: 'STANDARD', phone: '+31612345678' }, after: { tier: 'PREMIUM', phone: null } });
  });

  it.each([
    ['phone', { phone: '12' }, 'input.phone'],
    ['codice fiscale', { codiceFiscale: 'RSSMRA85T10A562X' }, 'input.codiceFiscale'],
    ['partita IVA', { partitaIva: '01114601007' }, 'input.partitaIva'],
    ['e-mail', { email: 'not-an-email' }, 'input.email'],
  ])('createCustomer with an invalid %s → VALIDATION_FAILED with field, nothing stored', async (_l, extra, field) => {
    const p = await fails(CREATE_CUSTOMER, { i: { name: 'Fout', ...extra } }, 'createCustomer', 'VALIDATION_FAILED');
    expect(p.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(p.customer ?? null).toBeNull();
  });

  it('updateCustomer failures change nothing', async () => {
    await fails(UPDATE_CUSTOMER, { i: { customerId: gid('Customer', missingUuid()), name: 'x' } }, 'updateCustomer', 'NOT_FOUND');
    const p = await fails(UPDATE_CUSTOMER, { i: { customerId: gid('Customer', customerId), partitaIva: '12345678901' } }, 'updateCustomer', 'VALIDATION_FAILED');
    expect(p.errors[0].field).toBe('input.partitaIva');
    const row = await app.deps.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(row.partitaIva).toBeNull();
  });
});

describe('ingestMessage', () => {
  let ingestKey: string;
  let apiChannelId: string;
  beforeAll(async () => {
    apiChannelId = (
      await createChannel(app.deps, orgId, {
        type: 'API',
        configuration: { webhookUrl: 'http://127.0.0.1:9/hook', webhookSecret: 'partner-secret-0123456789' },
        secretKeys: ['webhookSecret'],
      })
    ).id;
    ingestKey = await createApiKeyFor(app.deps, orgId, ['INGEST']);
  });
  const ingest = (v: Record<string, unknown>) => server.gql(INGEST, v, ingestKey);
  const baseInput = () => ({
    channelId: gid('Channel', apiChannelId),
    externalMessageId: `ext-${missingUuid()}`,
    customer: { name: 'Anna Smit', email: `anna-${seq++}@example.test` },
    content: 'Mijn laadpaal geeft een foutcode',
    occurredAt: '2026-11-20T09:00:00Z',
  });

  it('is idempotent on externalMessageId: the second call stores nothing and says created: false', async () => {
    const input = baseInput();
    const first = await ingest({ i: input });
    expect(first.data.ingestMessage.errors).toEqual([]);
    expect(first.data.ingestMessage.created).toBe(true);
    expect(first.data.ingestMessage.message.externalMessageId).toBe(input.externalMessageId);
    const audit = await app.deps.db.prisma.auditLog.findFirstOrThrow({ where: { action: 'message.ingest', entityId: uuidOf(first.data.ingestMessage.message.id) } });
    expect(audit.actorType).toBe('API_KEY');
    expect(audit.actorApiKeyId).not.toBeNull();
    expect((audit.changes as { after: object }).after).toMatchObject({ externalMessageId: input.externalMessageId, threadCreated: true });

    const before = await rowCounts(app.deps);
    const res = await ingest({ i: { ...input, content: 'changed content' } });
    expect(res.data.ingestMessage.errors).toEqual([]);
    expect(res.data.ingestMessage.created).toBe(false);
    expect(res.data.ingestMessage.message.id).toBe(first.data.ingestMessage.message.id);
    expect(res.data.ingestMessage.message.content).toBe('Mijn laadpaal geeft een foutcode');
    expect(await rowCounts(app.deps)).toEqual(before);
  });

  it("an agent's session gets FORBIDDEN and stores nothing; a provider channel cannot be fed", async () => {
    const before = await rowCounts(app.deps);
    // The permission matrix gives ingestMessage to INGEST keys only: a session is refused before the resolver.
    const asAgent = await gql(INGEST, { i: baseInput() });
    expect(asAgent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(asAgent.data?.ingestMessage ?? null).toBeNull();
    const intoEmail = await ingest({ i: { ...baseInput(), channelId: gid('Channel', channelId) } });
    expect(intoEmail.data.ingestMessage.errors[0].code).toBe('FORBIDDEN');
    expect(await rowCounts(app.deps)).toEqual(before);
  });

  it('fails without changes: unknown channel, empty content, no identity, bad e-mail, future occurredAt, script url', async () => {
    const before = await rowCounts(app.deps);
    const code = async (v: Record<string, unknown>) => (await ingest({ i: { ...baseInput(), ...v } })).data.ingestMessage.errors[0];
    expect((await code({ channelId: gid('Channel', missingUuid()) })).code).toBe('NOT_FOUND');
    expect((await code({ content: '   ' })).code).toBe('VALIDATION_FAILED');
    expect((await code({ customer: { name: 'Niemand' } })).code).toBe('VALIDATION_FAILED');
    expect((await code({ customer: { email: 'not-an-address' } })).field).toBe('input.customer.email');
    expect((await code({ occurredAt: new Date(app.clock.now().getTime() + 10 * 60_000).toISOString() })).field).toBe('input.occurredAt');
    expect((await code({ attachments: [{ kind: 'file', url: 'javascript:alert(1)' }] })).field).toBe('input.attachments.0.url');
    expect(await rowCounts(app.deps)).toEqual(before);
  });
});

describe('login', () => {
  it('a wrong password → INVALID_CREDENTIALS and no token', async () => {
    const res = await server.gql(`mutation($email: String!, $password: String!){ login(email: $email, password: $password){ token user { id } errors { code field } } }`, {
      email: agent.email,
      password: 'wrong password',
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.login.token).toBeNull();
    expect(res.data.login.user).toBeNull();
    expect(res.data.login.errors[0].code).toBe('INVALID_CREDENTIALS');
  });
  it('an unknown e-mail → the same INVALID_CREDENTIALS', async () => {
    const res = await server.gql(`mutation($email: String!, $password: String!){ login(email: $email, password: $password){ token errors { code } } }`, {
      email: 'nobody@example.test',
      password: TEST_PASSWORD,
    });
    expect(res.data.login).toEqual({ token: null, errors: [{ code: 'INVALID_CREDENTIALS' }] });
  });
  it('the right password → a token that works', async () => {
    const res = await server.gql(`mutation($email: String!, $password: String!){ login(email: $email, password: $password){ token errors { code } } }`, {
      email: agent.email,
      password: TEST_PASSWORD,
    });
    expect(res.data.login.errors).toEqual([]);
    const viewer = await server.gql(`{ viewer { id } }`, {}, res.data.login.token);
    expect(viewer.data.viewer.id).toBe(gid('User', agent.id));
  });
});
