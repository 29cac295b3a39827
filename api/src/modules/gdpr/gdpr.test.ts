/**
 * GDPR: export of everything held about a customer, anonymisation that leaves
 * none of their values anywhere in the database (every text/json column of
 * every table scanned), soft delete and restore, and the retention purge run
 * by the scheduled `gdpr.retention` job on the hub's FakeClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { startFakeWhatsAppCloud, type FakeWhatsAppCloud } from '../../sandbox/whatsapp.js';
import { jobSchedules } from '../../jobs/handlers.js';
import { JOB } from '../../jobs/names.js';
import { ingestInbound } from '../thread/ingest.service.js';
import { clockToken, gid } from '../../../test/graphql/helpers.js';
import { fixtureWithWamid, loadWhatsAppFixture, whatsappDemoChannel } from '../../../test/fakes/fixtures.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, type TestApp, type TestServer } from '../../../test/harness.js';
import { ANONYMISED_NAME, PURGED_RAW_BODY, REDACTED, REDACTED_RAW_BODY, runRetention } from './gdpr.service.js';

const NAME = 'Giulia Esposito-Ferraris';
const EMAIL = 'giulia.esposito.ferraris@posta-example.it';
const PHONE = '+393471234567';
const WA_ID = '393471234567';
const CF = 'SPSGLI86C54F839T';
const DAY = 86_400_000;

let fake: FakeWhatsAppCloud;
let app: TestApp;
let server: TestServer;
let orgId: string;
type U = { id: string; organizationId: string };
let admin: U;
let manager: U;
let agent: U;
let whatsapp: Awaited<ReturnType<typeof createChannel>>;
let outlook: Awaited<ReturnType<typeof createChannel>>;
const tok = (u: U) => clockToken(app.deps, u);

const FIXTURE = JSON.parse(loadWhatsAppFixture('text-nl.json').toString('utf8'));
const FIXTURE_AT = new Date(Number(FIXTURE.entry[0].changes[0].value.messages[0].timestamp) * 1000);

beforeAll(async () => {
  fake = await startFakeWhatsAppCloud();
  app = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: fake.baseUrl });
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  admin = await createUser(app.deps, orgId, { role: 'ADMIN', name: 'Ada Admin' });
  manager = await createUser(app.deps, orgId, { role: 'MANAGER', name: 'Max Manager' });
  agent = await createUser(app.deps, orgId, { role: 'AGENT', name: 'Sanne Bakker' });
  whatsapp = await createWhatsAppChannel(app.deps, orgId);
  outlook = await createChannel(app.deps, orgId, { type: 'EMAIL_OUTLOOK' });
  app.clock.set(new Date(FIXTURE_AT.getTime() + 5 * 60_000));
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await fake?.close();
});

/** X-Hub-Signature-256 as Meta signs (the domain may not import a provider folder, tests included). */
const signWhatsAppBody = (body: Buffer, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const postWhatsApp = async (body: Buffer) => {
  const res = await fetch(`${server.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(body, whatsappDemoChannel.appSecret) },
    body,
  });
  expect(res.status).toBe(200);
  await app.deps.jobs.settle();
};

/** The text-nl fixture, sent by our customer (their name, wa_id and codice fiscale in the raw body). */
function customerWebhook(): Buffer {
  const f = structuredClone(FIXTURE);
  const value = f.entry[0].changes[0].value;
  value.contacts[0].profile.name = NAME;
  value.contacts[0].wa_id = WA_ID;
  value.messages[0].from = WA_ID;
  value.messages[0].id = `wamid.gdpr-${Date.now()}`;
  value.messages[0].text.body = `Buongiorno, sono ${NAME} (codice fiscale ${CF}). La colonnina non carica.`;
  return Buffer.from(JSON.stringify(f), 'utf8');
}

type Hit = string;
/** Every text, varchar, json(b), array and enum column of every table, searched with ::text ILIKE for each needle. */
async function findEverywhere(needles: string[]): Promise<Hit[]> {
  const p = app.deps.db.prisma;
  const cols = await p.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
    `SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')
      ORDER BY table_name, ordinal_position`,
  );
  expect(cols.length).toBeGreaterThan(50);
  const hits: Hit[] = [];
  for (const { table_name, column_name } of cols) {
    for (const n of needles) {
      const r = await p.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table_name}" WHERE "${column_name}"::text ILIKE $1`, `%${n}%`);
      if (Number(r[0]!.n) > 0) hits.push(`${table_name}.${column_name} ∋ ${n}`);
    }
  }
  return hits;
}

const NEEDLES = [NAME, EMAIL, PHONE, WA_ID, CF];
let customerId: string;
let waThreadId: string;
let mailThreadId: string;
let controlCustomerId: string;

describe('GDPR export and anonymisation', () => {
  it('seeds a customer through the real ingestion paths, with replies, notes, tasks and audit rows', async () => {
    // WhatsApp: a signed webhook, processed by the queue.
    await postWhatsApp(customerWebhook());
    const inbound = await app.deps.db.prisma.message.findFirstOrThrow({ where: { organizationId: orgId, channelId: whatsapp.id, type: 'INCOMING' } });
    waThreadId = inbound.threadId;
    const thread = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: waThreadId } });
    customerId = thread.customerId!;

    // Profile: e-mail, codice fiscale, company (audit rows carry them).
    const upd = await server.gql(
      `mutation($i: UpdateCustomerInput!){ updateCustomer(input:$i){ customer { name email phone codiceFiscale } errors { code field message } } }`,
      { i: { customerId: gid('Customer', customerId), email: EMAIL, codiceFiscale: CF, companyName: 'Esposito-Ferraris Impianti' } },
      await tok(agent),
    );
    expect(upd.errors).toBeUndefined();
    expect(upd.data.updateCustomer.errors).toEqual([]);
    expect(upd.data.updateCustomer.customer).toMatchObject({ name: NAME, email: EMAIL, phone: PHONE, codiceFiscale: CF });

    // A reply that goes out through the (fake) WhatsApp Cloud API, and its read receipt.
    const reply = await server.gql(
      `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id externalMessageId deliveryStatus } errors { code message } } }`,
      { i: { threadId: gid('Thread', waThreadId), kind: 'REPLY', content: `Buongiorno ${NAME}, le mandiamo un tecnico. Il suo numero ${PHONE} è corretto?` } },
      await tok(agent),
    );
    expect(reply.data.postMessage.errors).toEqual([]);
    const wamid = reply.data.postMessage.message.externalMessageId as string;
    await postWhatsApp(Buffer.from(fixtureWithWamid('status-read.json', wamid).toString('utf8').replaceAll('31612345678', WA_ID)));

    // E-mail: through ingestInbound, matched to the same customer by e-mail, with an attachment.
    const mail = await ingestInbound(app.deps, outlook, {
      externalMessageId: `AAMk-gdpr-${Date.now()}`,
      customer: { name: NAME, email: EMAIL, identities: [{ kind: 'EMAIL', value: EMAIL }] },
      conversationKey: 'AAQk-gdpr-conversation',
      subject: `Fattura per ${NAME}`,
      content: `Allego il documento. CF ${CF}, tel ${PHONE}.\n${NAME}`,
      contentHtml: `<p>Allego il documento. CF ${CF}</p><p>${NAME} &lt;${EMAIL}&gt;</p>`,
      attachments: [{ kind: 'document', mimeType: 'application/pdf', fileName: `${CF}_${NAME}.pdf`, caption: `Documento di ${NAME}`, providerMediaId: `att-${EMAIL}`, size: 1234 }],
      internetMessageId: '<gdpr-1@posta-example.it>',
      occurredAt: app.clock.now(),
      metadata: { toRecipients: ['support@hub.example'] },
    });
    mailThreadId = mail.thread.id;
    expect(mail.thread.customerId).toBe(customerId);
    const note = await server.gql(
      `mutation($i: PostMessageInput!){ postMessage(input:$i){ errors { code } } }`,
      { i: { threadId: gid('Thread', mailThreadId), kind: 'NOTE', content: `Verificato CF ${CF} di ${NAME} al telefono ${PHONE}` } },
      await tok(agent),
    );
    expect(note.data.postMessage.errors).toEqual([]);

    // Tasks: one on their thread, one elsewhere that names them.
    const TASK = `mutation($i: CreateTaskInput!){ createTask(input:$i){ task { id } errors { code field message } } }`;
    const t1 = await server.gql(
      TASK,
      { i: { title: `Richiamare ${NAME}`, description: `Tel ${PHONE}, e-mail ${EMAIL}, CF ${CF}`, threadId: gid('Thread', waThreadId) } },
      await tok(agent),
    );
    expect(t1.data.createTask.errors).toEqual([]);
    const t2 = await server.gql(TASK, { i: { title: `Preventivo per ${NAME} preparare` } }, await tok(agent));
    expect(t2.data.createTask.errors).toEqual([]);

    // Someone else, who must keep their data.
    const control = await ingestInbound(app.deps, whatsapp, {
      externalMessageId: `wamid.control-${Date.now()}`,
      customer: { name: 'Marco Bianchini', phone: '+393339876543', identities: [{ kind: 'WHATSAPP_ID', value: '393339876543' }] },
      conversationKey: '393339876543',
      content: 'Salve, sono Marco Bianchini.',
      occurredAt: app.clock.now(),
      attachments: [],
      metadata: {},
    });
    controlCustomerId = control.thread.customerId!;

    // The scan sees the copies before anonymisation (so it would see them after).
    const before = await findEverywhere(NEEDLES);
    for (const where of [
      'Customer.name',
      'Customer.codiceFiscale',
      'CustomerIdentity.value',
      'Message.content',
      'Message.senderExternal',
      'Message.recipient',
      'Message.attachments',
      'Thread.subject',
      'Thread.conversationKey',
      'Task.title',
      'Task.description',
      'AuditLog.changes',
      'InboundEvent.rawBody',
    ]) {
      expect(
        before.some((h) => h.startsWith(`${where} `)),
        where,
      ).toBe(true);
    }
  });

  it('exportCustomerData (ADMIN): profile, identities, threads, messages with attachments and deliveries, tasks, audit rows, raw events; audited', async () => {
    const Q = `mutation($id: ID!){ exportCustomerData(customerId: $id){ data errors { code field message } } }`;
    const denied = await server.gql(Q, { id: gid('Customer', customerId) }, await tok(manager));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const r = await server.gql(Q, { id: gid('Customer', customerId) }, await tok(admin));
    expect(r.errors).toBeUndefined();
    expect(r.data.exportCustomerData.errors).toEqual([]);
    const d = r.data.exportCustomerData.data;
    expect(d.format).toBe('hub.customer-export/1');
    expect(d.truncated).toEqual([]);
    expect(d.customer).toMatchObject({ id: customerId, name: NAME, email: EMAIL, phone: PHONE, codiceFiscale: CF });
    expect(d.identities.map((i: { kind: string; value: string }) => `${i.kind}:${i.value}`).sort()).toEqual([`EMAIL:${EMAIL}`, `WHATSAPP_ID:${WA_ID}`]);
    expect(d.threads.map((t: { id: string }) => t.id).sort()).toEqual([waThreadId, mailThreadId].sort());
    const counted = await app.deps.db.prisma.message.count({ where: { threadId: { in: [waThreadId, mailThreadId] } } });
    expect(d.messages).toHaveLength(counted);
    const out = d.messages.find((m: { type: string }) => m.type === 'OUTGOING');
    expect(out.deliveryStatus).toBe('READ');
    expect(out.deliveries.length).toBeGreaterThanOrEqual(1);
    expect(out.deliveries[0]).toMatchObject({ attempt: 1, status: 'SUCCEEDED' });
    const mail = d.messages.find((m: { subject: string | null }) => m.subject === `Fattura per ${NAME}`);
    expect(mail.attachments[0]).toMatchObject({ kind: 'document', fileName: `${CF}_${NAME}.pdf`, mimeType: 'application/pdf' });
    expect(mail.attachments[0].url).toBeUndefined();
    expect(d.tasks.map((t: { title: string }) => t.title)).toEqual([`Richiamare ${NAME}`]);
    const actions = d.auditLogs.map((a: { action: string }) => a.action);
    for (const a of ['customer.update', 'thread.create', 'message.ingest', 'message.reply', 'message.note']) expect(actions).toContain(a);
    expect(d.inboundEvents.length).toBeGreaterThanOrEqual(2); // the message and its read receipt (recipient_id = wa_id)
    expect(d.inboundEvents.every((e: { rawBody: string }) => e.rawBody.includes(WA_ID))).toBe(true);
    expect(d.inboundEvents.some((e: { rawBody: string }) => e.rawBody.includes(NAME))).toBe(true);

    const audit = await app.deps.db.prisma.auditLog.findFirstOrThrow({ where: { organizationId: orgId, action: 'customer.export', entityId: customerId } });
    expect(audit.actorUserId).toBe(admin.id);
    expect(JSON.stringify(audit.changes)).not.toContain(NAME);
  });

  it('anonymizeCustomer (ADMIN) leaves none of their values in any column of any table; counts, timestamps and statuses stay', async () => {
    const M = `mutation($id: ID!){ anonymizeCustomer(customerId: $id){ customer { id name email phone codiceFiscale companyName identities { kind } } errors { code field message } } }`;
    const denied = await server.gql(M, { id: gid('Customer', customerId) }, await tok(manager));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const p = app.deps.db.prisma;
    const counts = async () => ({
      messages: await p.message.count({ where: { organizationId: orgId } }),
      threads: await p.thread.count({ where: { organizationId: orgId } }),
      tasks: await p.task.count({ where: { organizationId: orgId } }),
      deliveries: await p.messageDelivery.count({ where: { organizationId: orgId } }),
      events: await p.inboundEvent.count({ where: { organizationId: orgId } }),
      theirMessages: await p.message.count({ where: { threadId: { in: [waThreadId, mailThreadId] } } }),
    });
    // A survey answer in the customer's own words (the score names no one and stays).
    await p.thread.update({ where: { id: waThreadId }, data: { csatScore: 2, csatComment: 'Sono Giulia, chiamatemi domani', csatAt: new Date() } });
    const before = await counts();
    const threadsBefore = await p.thread.findMany({ where: { id: { in: [waThreadId, mailThreadId] } }, orderBy: { id: 'asc' } });
    const messagesBefore = await p.message.findMany({ where: { threadId: { in: [waThreadId, mailThreadId] } }, orderBy: { id: 'asc' } });

    const r = await server.gql(M, { id: gid('Customer', customerId) }, await tok(admin));
    expect(r.errors).toBeUndefined();
    expect(r.data.anonymizeCustomer.errors).toEqual([]);
    expect(r.data.anonymizeCustomer.customer).toEqual({
      id: gid('Customer', customerId),
      name: ANONYMISED_NAME,
      email: null,
      phone: null,
      codiceFiscale: null,
      companyName: null,
      identities: [],
    });

    // Nothing anywhere: every text/json column of every table.
    expect(await findEverywhere(NEEDLES)).toEqual([]);
    // The scan still finds the other customer (nothing else was erased).
    expect((await findEverywhere(['Marco Bianchini', '393339876543'])).length).toBeGreaterThan(3);
    expect(await p.customer.findUniqueOrThrow({ where: { id: controlCustomerId } })).toMatchObject({ name: 'Marco Bianchini', phone: '+393339876543' });

    // Statistics kept.
    expect(await counts()).toEqual(before);
    const threadsAfter = await p.thread.findMany({ where: { id: { in: [waThreadId, mailThreadId] } }, orderBy: { id: 'asc' } });
    expect(threadsAfter.map((t) => [t.status, t.customerId, t.lastMessageId, t.lastMessageAt.toISOString(), t.createdAt.toISOString(), t.subject])).toEqual(
      threadsBefore.map((t) => [t.status, t.customerId, t.lastMessageId, t.lastMessageAt.toISOString(), t.createdAt.toISOString(), REDACTED]),
    );
    expect(await p.thread.findUniqueOrThrow({ where: { id: waThreadId } })).toMatchObject({ csatScore: 2, csatComment: REDACTED });
    const messagesAfter = await p.message.findMany({ where: { threadId: { in: [waThreadId, mailThreadId] } }, orderBy: { id: 'asc' } });
    expect(messagesAfter.map((m) => [m.type, m.deliveryStatus, m.createdAt.toISOString(), m.threadId, m.externalMessageId, m.content])).toEqual(
      messagesBefore.map((m) => [m.type, m.deliveryStatus, m.createdAt.toISOString(), m.threadId, m.externalMessageId, REDACTED]),
    );
    const mail = messagesAfter.find((m) => m.channelId === outlook.id && m.type === 'INCOMING')!;
    expect(mail.attachments).toEqual([{ kind: 'document', mimeType: 'application/pdf', size: 1234 }]);
    const events = await p.inboundEvent.findMany({ where: { organizationId: orgId, channelId: whatsapp.id } });
    expect(events.filter((e) => e.rawBody === REDACTED_RAW_BODY).length).toBeGreaterThanOrEqual(2);
    const task = await p.task.findFirstOrThrow({ where: { organizationId: orgId, threadId: waThreadId } });
    expect(task.title).toBe(`Richiamare ${REDACTED}`);

    // Audited, without the erased values (the scan above covers AuditLog.changes).
    const audit = await p.auditLog.findFirstOrThrow({ where: { organizationId: orgId, action: 'customer.anonymize', entityId: customerId } });
    expect(audit.actorUserId).toBe(admin.id);
    expect(audit.changes).toMatchObject({ after: { threads: 2, messages: before.theirMessages, identitiesDeleted: 2 } });

    // A new message from the same number is a new, unknown customer.
    await postWhatsApp(customerWebhook());
    const fresh = await p.customerIdentity.findFirstOrThrow({ where: { organizationId: orgId, kind: 'WHATSAPP_ID', value: WA_ID } });
    expect(fresh.customerId).not.toBe(customerId);
  });
});

describe('soft delete and restore', () => {
  const NODE = `query($id: ID!){ node(id: $id){ id } }`;
  it('deleteThread / restoreThread (MANAGER and up): hidden while deleted, audited', async () => {
    const id = gid('Thread', mailThreadId);
    const D = `mutation($id: ID!){ deleteThread(threadId: $id){ thread { id } errors { code field } } }`;
    const R = `mutation($id: ID!){ restoreThread(threadId: $id){ thread { id } errors { code field } } }`;
    expect((await server.gql(D, { id }, await tok(agent))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(R, { id }, await tok(manager))).data.restoreThread.errors).toEqual([{ code: 'NOT_FOUND', field: 'threadId' }]);

    const d = await server.gql(D, { id }, await tok(manager));
    expect(d.data.deleteThread.errors).toEqual([]);
    expect((await server.gql(NODE, { id }, await tok(agent))).data.node).toBeNull();
    const list = await server.gql(`{ threads(first: 100){ edges { node { id } } } }`, {}, await tok(agent));
    expect(list.data.threads.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(id);
    expect((await server.gql(D, { id }, await tok(manager))).data.deleteThread.errors).toEqual([{ code: 'NOT_FOUND', field: 'threadId' }]);

    const r = await server.gql(R, { id }, await tok(admin));
    expect(r.data.restoreThread.errors).toEqual([]);
    expect((await server.gql(NODE, { id }, await tok(agent))).data.node).toEqual({ id });
    const actions = await app.deps.db.prisma.auditLog.findMany({
      where: { organizationId: orgId, entityId: mailThreadId, action: { in: ['thread.delete', 'thread.restore'] } },
      orderBy: { createdAt: 'asc' },
    });
    expect(actions.map((a) => [a.action, a.actorUserId])).toEqual([
      ['thread.delete', manager.id],
      ['thread.restore', admin.id],
    ]);
  });

  it('deleteCustomer / restoreCustomer (ADMIN): hidden while deleted, audited', async () => {
    const id = gid('Customer', controlCustomerId);
    const D = `mutation($id: ID!){ deleteCustomer(customerId: $id){ customer { id } errors { code field } } }`;
    const R = `mutation($id: ID!){ restoreCustomer(customerId: $id){ customer { id name } errors { code field } } }`;
    expect((await server.gql(D, { id }, await tok(manager))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(D, { id }, await tok(admin))).data.deleteCustomer.errors).toEqual([]);
    expect((await server.gql(NODE, { id }, await tok(agent))).data.node).toBeNull();
    const list = await server.gql(`{ customers(first: 100, search: "Bianchini"){ totalCount } }`, {}, await tok(agent));
    expect(list.data.customers.totalCount).toBe(0);
    const r = await server.gql(R, { id }, await tok(admin));
    expect(r.data.restoreCustomer).toEqual({ customer: { id, name: 'Marco Bianchini' }, errors: [] });
    expect((await server.gql(NODE, { id }, await tok(agent))).data.node).toEqual({ id });
    const actions = await app.deps.db.prisma.auditLog.findMany({
      where: { organizationId: orgId, entityId: controlCustomerId, action: { in: ['customer.delete', 'customer.restore'] } },
    });
    expect(actions.map((a) => a.action).sort()).toEqual(['customer.delete', 'customer.restore']);
  });
});

describe('retention', () => {
  it('updateOrganizationSettings (ADMIN) validates and sets retentionDays', async () => {
    const M = `mutation($i: UpdateOrganizationSettingsInput!){ updateOrganizationSettings(input:$i){ organization { retentionDays } errors { code field } } }`;
    expect((await server.gql(M, { i: { retentionDays: 30 } }, await tok(manager))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(M, { i: { retentionDays: 0 } }, await tok(admin))).data.updateOrganizationSettings.errors).toEqual([
      { code: 'VALIDATION_FAILED', field: 'input.retentionDays' },
    ]);
    const ok = await server.gql(M, { i: { retentionDays: 30 } }, await tok(admin));
    expect(ok.data.updateOrganizationSettings).toEqual({ organization: { retentionDays: 30 }, errors: [] });
    expect((await server.gql(`{ organizationSettings { retentionDays } }`, {}, await tok(admin))).data.organizationSettings.retentionDays).toBe(30);
    const off = await server.gql(M, { i: { retentionDays: null } }, await tok(admin));
    expect(off.data.updateOrganizationSettings.organization.retentionDays).toBeNull();
  });

  it('the daily gdpr.retention job purges processed raw bodies and soft-deleted threads and customers older than retentionDays', async () => {
    const p = app.deps.db.prisma;
    const org = await createOrganization(app.deps);
    const orgAdmin = await createUser(app.deps, org.id, { role: 'ADMIN' });
    const mailbox = await createChannel(app.deps, org.id, { type: 'EMAIL_OUTLOOK' });
    const set = await server.gql(`mutation{ updateOrganizationSettings(input: { retentionDays: 30 }){ errors { code } } }`, {}, await tok(orgAdmin));
    expect(set.data.updateOrganizationSettings.errors).toEqual([]);

    let n = 0;
    const event = (status: 'PROCESSED' | 'FAILED' | 'RECEIVED' | 'IGNORED') =>
      p.inboundEvent.create({
        data: {
          organizationId: org.id,
          channelId: mailbox.id,
          provider: 'outlook',
          dedupeKey: `gdpr-retention-${org.id}-${n++}`,
          rawBody: `{"from":"old${n}@example.it"}`,
          headers: { 'user-agent': 'x' },
          status,
          receivedAt: app.clock.now(),
          processedAt: status === 'PROCESSED' || status === 'IGNORED' ? app.clock.now() : null,
        },
      });
    const mail = (who: string) =>
      ingestInbound(app.deps, mailbox, {
        externalMessageId: `ret-${org.id}-${n++}`,
        customer: {
          name: who,
          email: `${who.toLowerCase().replace(/ /g, '.')}@example.it`,
          identities: [{ kind: 'EMAIL', value: `${who.toLowerCase().replace(/ /g, '.')}@example.it` }],
        },
        conversationKey: `conv-${who}`,
        subject: `Question from ${who}`,
        content: `Hello, ${who} here.`,
        occurredAt: app.clock.now(),
        attachments: [],
        metadata: {},
      });
    const oldProcessed = await event('PROCESSED');
    const oldIgnored = await event('IGNORED');
    const oldFailed = await event('FAILED');
    const oldThread = (await mail('Anna Oldthread')).thread;
    const keptThread = (await mail('Bram Keepthread')).thread;
    const oldCustomerThread = (await mail('Carla Oldcustomer')).thread;
    const task = await p.task.create({ data: { organizationId: org.id, title: 'Follow up', threadId: oldThread.id } });
    const D = `mutation($id: ID!){ deleteThread(threadId: $id){ errors { code } } }`;
    expect((await server.gql(D, { id: gid('Thread', oldThread.id) }, await tok(orgAdmin))).data.deleteThread.errors).toEqual([]);
    const DC = `mutation($id: ID!){ deleteCustomer(customerId: $id){ errors { code } } }`;
    expect((await server.gql(DC, { id: gid('Customer', oldCustomerThread.customerId!) }, await tok(orgAdmin))).data.deleteCustomer.errors).toEqual([]);

    // 31 days later: fresh rows, then the daily job runs through the queue.
    app.clock.advance(31 * DAY);
    const freshProcessed = await event('PROCESSED');
    const recentlyDeleted = (await mail('Dirk Recent')).thread;
    expect((await server.gql(D, { id: gid('Thread', recentlyDeleted.id) }, await tok(orgAdmin))).data.deleteThread.errors).toEqual([]);
    expect(jobSchedules).toContainEqual({ name: 'gdpr-retention', cron: '37 2 * * *', queue: JOB.gdprRetention });
    const jobId = await app.deps.jobs.add(p, JOB.gdprRetention, {});
    await app.deps.jobs.settle();
    expect((await p.job.findUniqueOrThrow({ where: { id: jobId! } })).status).toBe('COMPLETED');

    const ev = async (id: string) => p.inboundEvent.findUniqueOrThrow({ where: { id } });
    expect(await ev(oldProcessed.id)).toMatchObject({ rawBody: PURGED_RAW_BODY, headers: {}, status: 'PROCESSED' });
    expect((await ev(oldIgnored.id)).rawBody).toBe(PURGED_RAW_BODY);
    expect((await ev(oldFailed.id)).rawBody).toBe(oldFailed.rawBody); // kept for replay
    expect((await ev(freshProcessed.id)).rawBody).toBe(freshProcessed.rawBody);

    expect(await p.thread.findUnique({ where: { id: oldThread.id } })).toBeNull();
    expect(await p.message.count({ where: { threadId: oldThread.id } })).toBe(0);
    expect((await p.task.findUniqueOrThrow({ where: { id: task.id } })).threadId).toBeNull();
    const purgedAudit = await p.auditLog.findMany({ where: { organizationId: org.id, entityId: oldThread.id } });
    expect(purgedAudit.length).toBeGreaterThan(0);
    expect(purgedAudit.every((a) => JSON.stringify(a.changes) === '{"purged":true}')).toBe(true);
    expect(await p.thread.findUnique({ where: { id: keptThread.id } })).not.toBeNull();
    expect((await p.thread.findUniqueOrThrow({ where: { id: recentlyDeleted.id } })).deletedAt).not.toBeNull();

    expect(await p.customer.findUnique({ where: { id: oldCustomerThread.customerId! } })).toBeNull();
    const orphan = await p.thread.findUniqueOrThrow({ where: { id: oldCustomerThread.id } });
    expect(orphan).toMatchObject({ customerId: null, subject: REDACTED });
    expect(await p.message.count({ where: { threadId: orphan.id } })).toBe(1);
    expect(await findEverywhere(['Carla Oldcustomer', 'carla.oldcustomer@example.it'])).toEqual([]);
    expect(await findEverywhere(['Question from Anna Oldthread', 'Anna Oldthread here'])).toEqual([]);

    const retentionAudit = await p.auditLog.findFirstOrThrow({ where: { organizationId: org.id, action: 'organization.purge' } });
    expect(retentionAudit.changes).toMatchObject({ after: { retentionDays: 30, rawBodiesPurged: 2, threadsPurged: 1, customersPurged: 1 } });
    // The first organization has no retention: untouched.
    expect(await p.thread.count({ where: { organizationId: orgId, deletedAt: { not: null } } })).toBe(0);

    // Idempotent: a second run finds nothing.
    expect((await runRetention(app.deps))[org.id]).toEqual({ rawBodiesPurged: 0, threadsPurged: 0, customersPurged: 0 });
  });
});
