/**
 * Issue 10 §5, merge: customAttributes merged key by key, CONFLICT with the
 * existing customer's id, duplicate suggestions, mergeCustomers and
 * mergeThreads through the real GraphQL server, and replies of a merged
 * WhatsApp + e-mail thread going out on the channel of the message replied
 * to, checked at the provider fakes (WhatsApp Cloud API, Microsoft Graph).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outlookAdapter } from '../../src/channels/outlook/adapter.js';
import { DEMO_PROVIDERS } from '../../src/demo/data/channels.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { buildGraphMessage, startGraphSandbox, type GraphSandbox } from '../../src/sandbox/graph.js';
import { startFakeWhatsAppCloud, type FakeWhatsAppCloud } from '../../src/sandbox/whatsapp.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, type TestApp, type TestServer } from '../harness.js';
import { clockToken, gid, rowCounts } from '../graphql/helpers.js';

const DEMO = DEMO_PROVIDERS.outlook;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;
const MIN = 60_000;

let graph: GraphSandbox;
let wa: FakeWhatsAppCloud;
let app: TestApp;
let server: TestServer;
let agent: { id: string; organizationId: string };
let other: { id: string; organizationId: string };
let whatsapp: Awaited<ReturnType<typeof createChannel>>;
let email: Awaited<ReturnType<typeof createChannel>>;
const tok = () => clockToken(app.deps, agent);
const gql = async (q: string, v: Record<string, unknown> = {}) => server.gql(q, v, await tok());

beforeAll(async () => {
  graph = await startGraphSandbox();
  wa = await startFakeWhatsAppCloud();
  app = await createTestApp({ GRAPH_BASE_URL: graph.graphUrl, MICROSOFT_LOGIN_BASE_URL: graph.url, WHATSAPP_GRAPH_BASE_URL: wa.baseUrl });
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  agent = await createUser(app.deps, org.id, { name: 'Sarah de Vries' });
  const org2 = await createOrganization(app.deps);
  other = await createUser(app.deps, org2.id, { name: 'Other Org' });
  whatsapp = await createWhatsAppChannel(app.deps, org.id, { responseSlaHours: 2 });
  email = await createChannel(app.deps, org.id, {
    type: 'EMAIL_OUTLOOK',
    externalId: DEMO.mailboxUserId,
    configuration: {
      tenantId: DEMO.tenantId,
      clientId: DEMO.clientId,
      clientSecret: DEMO.clientSecret,
      mailboxUserId: DEMO.mailboxUserId,
      mailboxAddress: DEMO.mailboxAddress,
      clientState: DEMO.clientState,
      subscriptionId: DEMO.subscriptionId,
    },
    secretKeys: [...outlookAdapter.secretKeys],
  });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await graph?.close();
  await wa?.close();
});

const CUSTOMER_FIELDS = 'id name email phone companyName customAttributes';
const CREATE = `mutation($i: CreateCustomerInput!){ createCustomer(input:$i){ customer { ${CUSTOMER_FIELDS} } existingCustomerId existingCustomer { id } errors { code message field } } }`;
const UPDATE = `mutation($i: UpdateCustomerInput!){ updateCustomer(input:$i){ customer { ${CUSTOMER_FIELDS} } existingCustomerId errors { code message field } } }`;
const MERGE_CUSTOMERS = `mutation($p: ID!, $d: ID!){ mergeCustomers(primaryId:$p, duplicateId:$d){ customer { ${CUSTOMER_FIELDS} identities { kind value } threads(first: 10) { totalCount edges { node { id } } } } errors { code field } } }`;
const MERGE_THREADS = `mutation($t: ID!, $s: [ID!]!){ mergeThreads(targetId:$t, sourceIds:$s){
  thread { id status lastInboundAt messages(first: 50) { totalCount edges { node { id content createdAt channel { type } } } } }
  sources { id status mergedInto { id } }
  errors { code field message } } }`;
const REPLY = `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id deliveryStatus externalMessageId channel { type } } errors { code field message } } }`;

let seq = 0;
/** A WhatsApp message from `waId`, stored through the ingestion path at the clock's now. */
async function whatsappInbound(waId: string, content: string) {
  return ingestInbound(app.deps, whatsapp, {
    externalMessageId: `wamid.merge-${++seq}-${Date.now()}`,
    customer: { name: 'Giulia Romano', identities: [{ kind: 'WHATSAPP_ID', value: waId }] },
    conversationKey: waId,
    content,
    occurredAt: app.clock.now(),
    attachments: [],
    metadata: {},
  });
}

/** An e-mail from `address` the Graph sandbox knows (so a reply can use `/reply`), stored through ingestion. */
async function emailInbound(address: string, subject: string, content: string, conversationId: string) {
  const m = buildGraphMessage({ from: { address, name: 'Giulia Romano' }, subject, text: content, conversationId, receivedDateTime: app.clock.now().toISOString() });
  graph.addMessage(m as never);
  return ingestInbound(app.deps, email, {
    externalMessageId: m.id,
    customer: { name: 'Giulia Romano', email: address, identities: [{ kind: 'EMAIL', value: address }] },
    conversationKey: conversationId,
    subject,
    content,
    occurredAt: app.clock.now(),
    attachments: [],
    metadata: {},
  });
}

describe('updateCustomer and createCustomer', () => {
  it('merges customAttributes key by key: set keys change, null removes a key, other keys stay', async () => {
    const c = await gql(CREATE, { i: { name: 'Jan de Boer', customAttributes: { laadpaal: 'Zaptec Go', kW: 11, garage: true } } });
    expect(c.data.createCustomer.errors).toEqual([]);
    const id = c.data.createCustomer.customer.id;
    const u = await gql(UPDATE, { i: { customerId: id, customAttributes: { kW: 22, garage: null, installer: 'Laderthuis' } } });
    expect(u.data.updateCustomer.errors).toEqual([]);
    expect(u.data.updateCustomer.customer.customAttributes).toEqual({ laadpaal: 'Zaptec Go', kW: 22, installer: 'Laderthuis' });
    const row = await app.deps.db.prisma.customer.findUniqueOrThrow({ where: { id: rawId(id) } });
    expect(row.customAttributes).toEqual({ laadpaal: 'Zaptec Go', kW: 22, installer: 'Laderthuis' });
    // Without customAttributes nothing of them changes.
    const n = await gql(UPDATE, { i: { customerId: id, companyName: 'De Boer BV' } });
    expect(n.data.updateCustomer.customer.customAttributes).toEqual({ laadpaal: 'Zaptec Go', kW: 22, installer: 'Laderthuis' });
  });

  it('a second customer with an e-mail or phone in use gets CONFLICT with the existing customer id, and nothing is stored', async () => {
    const first = await gql(CREATE, { i: { name: 'Marco Bianchi', email: 'marco.bianchi@example.it', phone: '+39 347 123 4567' } });
    expect(first.data.createCustomer.errors).toEqual([]);
    const existing = first.data.createCustomer.customer.id;
    const before = await rowCounts(app.deps, agent.organizationId);

    const dup = await gql(CREATE, { i: { name: 'M. Bianchi', email: 'Marco.Bianchi@Example.it' } });
    expect(dup.data.createCustomer.customer).toBeNull();
    expect(dup.data.createCustomer.errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: 'input.email' })]);
    expect(dup.data.createCustomer.errors[0].message).toContain(rawId(existing));
    expect(dup.data.createCustomer.existingCustomerId).toBe(existing);
    expect(dup.data.createCustomer.existingCustomer).toEqual({ id: existing });

    const luca = await gql(CREATE, { i: { name: 'Luca Verdi', email: 'luca@example.it' } });
    const otherId = luca.data.createCustomer.customer.id;
    const afterOther = await rowCounts(app.deps, agent.organizationId);
    const phone = await gql(UPDATE, { i: { customerId: otherId, phone: '+393471234567' } });
    expect(phone.data.updateCustomer.errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: 'input.phone' })]);
    expect(phone.data.updateCustomer.existingCustomerId).toBe(existing);
    expect(await rowCounts(app.deps, agent.organizationId)).toEqual(afterOther);
    expect((await app.deps.db.prisma.customer.findUniqueOrThrow({ where: { id: rawId(otherId) } })).phone).toBeNull();
    expect(afterOther.customers).toBe(before.customers + 1);

    // Another organization may use the same address.
    const elsewhere = await server.gql(CREATE, { i: { name: 'Marco', email: 'marco.bianchi@example.it' } }, await clockToken(app.deps, other));
    expect(elsewhere.data.createCustomer.errors).toEqual([]);
  });
});

describe('duplicate suggestions and mergeCustomers', () => {
  it('suggests the WhatsApp customer with the same phone, merges it, and records enough to reverse it', async () => {
    const created = await gql(CREATE, { i: { name: 'Giulia Romano', phone: '+39 333 765 4321', customAttributes: { tier: 'gold', lang: 'it' } } });
    const primaryId = created.data.createCustomer.customer.id;
    const { thread: waThread } = await whatsappInbound('393337654321', 'Ciao, la wallbox non si accende');
    const duplicate = waThread.customerId!;
    expect(duplicate).not.toBe(rawId(primaryId));
    await app.deps.db.prisma.customer.update({ where: { id: duplicate }, data: { customAttributes: { lang: 'nl', contract: 'C-77' }, companyName: 'Romano Impianti' } });
    await app.deps.db.prisma.task.create({ data: { organizationId: agent.organizationId, title: 'Richiamare', threadId: waThread.id } });
    await gql(`mutation($i: PostMessageInput!){ postMessage(input:$i){ errors { code } } }`, {
      i: { threadId: gid('Thread', waThread.id), kind: 'NOTE', content: 'Klant belt terug' },
    });

    const SUGGEST = `query($id: ID!){ node(id:$id){ ... on Customer { duplicateSuggestions { id name } } } }`;
    expect((await gql(SUGGEST, { id: primaryId })).data.node.duplicateSuggestions).toEqual([{ id: gid('Customer', duplicate), name: 'Giulia Romano' }]);
    expect((await gql(SUGGEST, { id: gid('Customer', duplicate) })).data.node.duplicateSuggestions).toEqual([{ id: primaryId, name: 'Giulia Romano' }]);

    // Typed errors change nothing.
    const counts = await rowCounts(app.deps, agent.organizationId);
    expect((await gql(MERGE_CUSTOMERS, { p: primaryId, d: primaryId })).data.mergeCustomers.errors).toEqual([{ code: 'MERGE_SAME_RECORD', field: 'duplicateId' }]);
    const foreign = await server.gql(CREATE, { i: { name: 'Foreign' } }, await clockToken(app.deps, other));
    expect((await gql(MERGE_CUSTOMERS, { p: primaryId, d: foreign.data.createCustomer.customer.id })).data.mergeCustomers.errors).toEqual([
      { code: 'NOT_FOUND', field: 'duplicateId' },
    ]);
    expect(await rowCounts(app.deps, agent.organizationId)).toEqual(counts);

    const r = await gql(MERGE_CUSTOMERS, { p: primaryId, d: gid('Customer', duplicate) });
    expect(r.errors).toBeUndefined();
    const m = r.data.mergeCustomers;
    expect(m.errors).toEqual([]);
    expect(m.customer.customAttributes).toEqual({ tier: 'gold', lang: 'it', contract: 'C-77' });
    expect(m.customer.companyName).toBe('Romano Impianti');
    expect(m.customer.phone).toBe('+393337654321');
    expect(m.customer.identities).toEqual(
      expect.arrayContaining([
        { kind: 'WHATSAPP_ID', value: '393337654321' },
        { kind: 'PHONE', value: '+393337654321' },
      ]),
    );
    expect(m.customer.threads.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(gid('Thread', waThread.id));

    const dupRow = await app.deps.db.prisma.customer.findUniqueOrThrow({ where: { id: duplicate } });
    expect(dupRow.deletedAt).not.toBeNull();
    expect(dupRow.mergedIntoId).toBe(rawId(primaryId));
    expect(await app.deps.db.prisma.customerIdentity.count({ where: { customerId: duplicate } })).toBe(0);
    expect((await gql(SUGGEST, { id: primaryId })).data.node.duplicateSuggestions).toEqual([]);

    const audit = await app.deps.db.prisma.auditLog.findFirstOrThrow({ where: { action: 'customer.merge', entityId: rawId(primaryId) } });
    const after = (audit.changes as { after: Record<string, any> }).after;
    expect(after.duplicateId).toBe(duplicate);
    expect(after.threadIds).toEqual([waThread.id]);
    expect(after.identityIds).toHaveLength(1);
    expect(after.taskIds).toHaveLength(1);
    expect(after.noteIds).toHaveLength(1);
    expect(after.filled).toEqual({ companyName: 'Romano Impianti' });
    expect(after.primaryCustomAttributesBefore).toEqual({ tier: 'gold', lang: 'it' });
    expect(await app.deps.db.prisma.auditLog.count({ where: { action: 'customer.merge', entityId: duplicate } })).toBe(1);
  });
});

describe('mergeCustomers at the same time', () => {
  it('two merges of one duplicate into two customers: one wins, the other gets NOT_FOUND, the identities end with the winner', async () => {
    const a = (await gql(CREATE, { i: { name: 'Primary A' } })).data.createCustomer.customer.id;
    const b = (await gql(CREATE, { i: { name: 'Primary B' } })).data.createCustomer.customer.id;
    const { thread } = await whatsappInbound('31655550005', 'Dubbel');
    const dup = gid('Customer', thread.customerId!);
    const [ra, rb] = await Promise.all([gql(MERGE_CUSTOMERS, { p: a, d: dup }), gql(MERGE_CUSTOMERS, { p: b, d: dup })]);
    const outcomes = [ra.data.mergeCustomers.errors, rb.data.mergeCustomers.errors];
    expect(outcomes.filter((e) => e.length === 0)).toHaveLength(1);
    expect(outcomes.find((e) => e.length > 0)).toEqual([{ code: 'NOT_FOUND', field: 'duplicateId' }]);
    const winner = ra.data.mergeCustomers.errors.length === 0 ? a : b;
    const identity = await app.deps.db.prisma.customerIdentity.findFirstOrThrow({ where: { kind: 'WHATSAPP_ID', value: '31655550005' } });
    expect(identity.customerId).toBe(rawId(winner));
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id } })).customerId).toBe(rawId(winner));
  });
});

describe('ingestion with duplicates', () => {
  it('matches the customer of the most specific identity, not the oldest, and copies no e-mail or phone a duplicate holds', async () => {
    const older = await gql(CREATE, { i: { name: 'Anna Jansen', phone: '+31 6 3333 0001' } });
    const olderId = rawId(older.data.createCustomer.customer.id);
    app.clock.advance(MIN);
    const first = await whatsappInbound('31633330002', 'Hallo');
    const newerId = first.thread.customerId!;
    // The newer customer's WhatsApp id comes first; the phone (held by the older customer) second.
    const r = await ingestInbound(app.deps, whatsapp, {
      externalMessageId: `wamid.dup-${Date.now()}`,
      customer: {
        name: 'Anna',
        phone: '+31633330001',
        identities: [
          { kind: 'WHATSAPP_ID', value: '31633330002' },
          { kind: 'PHONE', value: '+31633330001' },
        ],
      },
      conversationKey: '31633330002',
      content: 'Nog een vraag',
      occurredAt: app.clock.now(),
      attachments: [],
      metadata: {},
    });
    expect(r.thread.customerId).toBe(newerId);
    expect(r.thread.customerId).not.toBe(olderId);
    const newer = await app.deps.db.prisma.customer.findUniqueOrThrow({ where: { id: newerId } });
    expect(newer.phone).toBeNull();
    expect(await app.deps.db.prisma.customerIdentity.count({ where: { kind: 'PHONE', value: '+31633330001', customerId: olderId } })).toBe(1);
  });
});

describe('mergeThreads: WhatsApp and e-mail of one customer', () => {
  let waThreadId: string;
  let mailThreadId: string;
  let waId: string;
  let address: string;
  let conversationId: string;

  it('refuses threads of different customers, the target among the sources and unknown ids, changing nothing', async () => {
    const a = await whatsappInbound('31611110001', 'Eerste klant');
    const b = await whatsappInbound('31611110002', 'Tweede klant');
    const counts = await rowCounts(app.deps, agent.organizationId);
    const mismatch = await gql(MERGE_THREADS, { t: gid('Thread', a.thread.id), s: [gid('Thread', b.thread.id)] });
    expect(mismatch.data.mergeThreads.errors).toEqual([expect.objectContaining({ code: 'MERGE_CUSTOMER_MISMATCH', field: 'sourceIds.0' })]);
    const self = await gql(MERGE_THREADS, { t: gid('Thread', a.thread.id), s: [gid('Thread', a.thread.id)] });
    expect(self.data.mergeThreads.errors).toEqual([expect.objectContaining({ code: 'MERGE_SAME_RECORD', field: 'sourceIds.0' })]);
    const none = await gql(MERGE_THREADS, { t: gid('Thread', a.thread.id), s: [] });
    expect(none.data.mergeThreads.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'sourceIds' })]);
    const missing = await gql(MERGE_THREADS, { t: gid('Thread', a.thread.id), s: [gid('Thread', '0190a6c1-0000-7000-8000-000000000000')] });
    expect(missing.data.mergeThreads.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'sourceIds.0' })]);
    expect(await rowCounts(app.deps, agent.organizationId)).toEqual(counts);
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: b.thread.id } })).status).toBe('OPEN');
  });

  it('merges the e-mail thread into the WhatsApp one: one timeline in time order, each message on its channel, source closed and linked', async () => {
    waId = '31622220003';
    address = 'pieter.smit@example.nl';
    conversationId = `AAQkMerge${Date.now()}`;
    const customer = await gql(CREATE, { i: { name: 'Pieter Smit', email: address } });
    const customerId = rawId(customer.data.createCustomer.customer.id);
    await app.deps.db.prisma.customerIdentity.create({ data: { organizationId: agent.organizationId, customerId, kind: 'WHATSAPP_ID', value: waId } });

    const m1 = await emailInbound(address, 'Laadpaal defect', 'Mijn laadpaal geeft een rode led.', conversationId);
    app.clock.advance(5 * MIN);
    const m2 = await whatsappInbound(waId, 'Ik stuur ook even een foto via WhatsApp');
    app.clock.advance(5 * MIN);
    const m3 = await emailInbound(address, 'RE: Laadpaal defect', 'Hier het serienummer: ZAP-123.', conversationId);
    expect(m1.thread.id).toBe(m3.thread.id);
    expect(m1.thread.customerId).toBe(customerId);
    expect(m2.thread.customerId).toBe(customerId);
    mailThreadId = m1.thread.id;
    waThreadId = m2.thread.id;
    await app.deps.db.prisma.task.create({ data: { organizationId: agent.organizationId, title: 'Monteur inplannen', threadId: mailThreadId } });

    const r = await gql(MERGE_THREADS, { t: gid('Thread', waThreadId), s: [gid('Thread', mailThreadId)] });
    expect(r.errors).toBeUndefined();
    const p = r.data.mergeThreads;
    expect(p.errors).toEqual([]);
    const timeline = p.thread.messages.edges.map((e: { node: { content: string; channel: { type: string } } }) => [e.node.channel.type, e.node.content]);
    expect(timeline).toEqual([
      ['EMAIL_OUTLOOK', 'Mijn laadpaal geeft een rode led.'],
      ['WHATSAPP_BUSINESS', 'Ik stuur ook even een foto via WhatsApp'],
      ['EMAIL_OUTLOOK', 'Hier het serienummer: ZAP-123.'],
    ]);
    expect(new Date(p.thread.lastInboundAt).getTime()).toBe(app.clock.now().getTime());
    expect(p.sources).toEqual([{ id: gid('Thread', mailThreadId), status: 'CLOSED', mergedInto: { id: gid('Thread', waThreadId) } }]);
    expect(await app.deps.db.prisma.message.count({ where: { threadId: mailThreadId } })).toBe(0);
    expect(await app.deps.db.prisma.task.count({ where: { threadId: waThreadId, title: 'Monteur inplannen' } })).toBe(1);
    const target = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: waThreadId } });
    expect(target.lastMessageId).toBe(m3.message.id);

    const audit = await app.deps.db.prisma.auditLog.findFirstOrThrow({ where: { action: 'thread.merge', entityId: waThreadId } });
    const after = (audit.changes as { after: Record<string, any> }).after;
    expect(after.sources).toEqual([
      expect.objectContaining({ threadId: mailThreadId, messageIds: [m1.message.id, m3.message.id], before: expect.objectContaining({ status: 'OPEN' }) }),
    ]);
    expect(await app.deps.db.prisma.auditLog.count({ where: { action: 'thread.merge', entityId: mailThreadId } })).toBe(1);
    // Closed by the merge, not resolved: its conversation goes on in the target (no resolution, no FCR fact).
    expect(await app.deps.db.prisma.reportingEvent.count({ where: { threadId: mailThreadId, kind: { in: ['RESOLVED', 'ROUTED'] } } })).toBe(0);

    const again = await gql(MERGE_THREADS, { t: gid('Thread', waThreadId), s: [gid('Thread', mailThreadId)] });
    expect(again.data.mergeThreads.errors).toEqual([expect.objectContaining({ code: 'MERGE_ALREADY_MERGED', field: 'sourceIds.0' })]);
  });

  it('a reply goes out on the channel of the message replied to: e-mail through Graph /reply, WhatsApp through the Cloud API', async () => {
    const emailMsg = await app.deps.db.prisma.message.findFirstOrThrow({ where: { threadId: waThreadId, channelId: email.id, content: { startsWith: 'Hier het serienummer' } } });
    const waMsg = await app.deps.db.prisma.message.findFirstOrThrow({ where: { threadId: waThreadId, channelId: whatsapp.id } });

    const graphSent = graph.sent.length;
    const waSent = wa.requests.length;
    const toMail = await gql(REPLY, {
      i: { threadId: gid('Thread', waThreadId), kind: 'REPLY', content: 'Dank, de monteur komt dinsdag.', replyToMessageId: gid('Message', emailMsg.id) },
    });
    expect(toMail.data.postMessage.errors).toEqual([]);
    expect(toMail.data.postMessage.message).toMatchObject({ deliveryStatus: 'SENT', channel: { type: 'EMAIL_OUTLOOK' } });
    expect(graph.sent).toHaveLength(graphSent + 1);
    expect(graph.sent.at(-1)).toMatchObject({ kind: 'reply', replyTo: emailMsg.externalMessageId });
    expect(JSON.stringify(graph.sent.at(-1)!.body)).toContain('Dank, de monteur komt dinsdag.');
    expect(wa.requests).toHaveLength(waSent);
    const mailRow = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: rawId(toMail.data.postMessage.message.id) } });
    expect(mailRow).toMatchObject({ threadId: waThreadId, channelId: email.id, type: 'OUTGOING' });
    expect((mailRow.recipient as { address: string }).address).toBe(address);

    const toWa = await gql(REPLY, { i: { threadId: gid('Thread', waThreadId), kind: 'REPLY', content: 'Foto ontvangen, dank!', replyToMessageId: gid('Message', waMsg.id) } });
    expect(toWa.data.postMessage.errors).toEqual([]);
    expect(toWa.data.postMessage.message).toMatchObject({ deliveryStatus: 'SENT', channel: { type: 'WHATSAPP_BUSINESS' } });
    expect(wa.requests).toHaveLength(waSent + 1);
    expect(wa.requests.at(-1)!.body).toMatchObject({ to: waId, text: { body: 'Foto ontvangen, dank!' }, context: { message_id: waMsg.externalMessageId } });
    expect(graph.sent).toHaveLength(graphSent + 1);

    // Without replyToMessageId: the channel of the customer's latest message (the e-mail).
    const latest = await gql(REPLY, { i: { threadId: gid('Thread', waThreadId), kind: 'REPLY', content: 'Tot dinsdag.' } });
    expect(latest.data.postMessage.errors).toEqual([]);
    expect(latest.data.postMessage.message.channel.type).toBe('EMAIL_OUTLOOK');
    expect(graph.sent).toHaveLength(graphSent + 2);

    // A message of another thread cannot be replied to here.
    const foreign = await app.deps.db.prisma.message.findFirstOrThrow({ where: { threadId: { not: waThreadId }, type: 'INCOMING', organizationId: agent.organizationId } });
    const bad = await gql(REPLY, { i: { threadId: gid('Thread', waThreadId), kind: 'REPLY', content: 'x', replyToMessageId: gid('Message', foreign.id) } });
    expect(bad.data.postMessage.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.replyToMessageId' })]);
  });

  it('a source still owed an answer reopens a target that was waiting on the customer, with the earliest response due date', async () => {
    const wa2 = '31644440004';
    const mail2 = 'eva.visser@example.nl';
    const created = await gql(CREATE, { i: { name: 'Eva Visser', email: mail2 } });
    const customerId = rawId(created.data.createCustomer.customer.id);
    await app.deps.db.prisma.customerIdentity.create({ data: { organizationId: agent.organizationId, customerId, kind: 'WHATSAPP_ID', value: wa2 } });
    const target = await whatsappInbound(wa2, 'Wanneer komt de monteur?');
    await app.deps.db.prisma.thread.update({ where: { id: target.thread.id }, data: { status: 'WAITING_CUSTOMER', firstResponseAt: app.clock.now(), responseDueAt: null } });
    app.clock.advance(10 * MIN);
    const source = await emailInbound(mail2, 'Vraag', 'Nog geen antwoord op mijn e-mail.', `AAQkEva${Date.now()}`);
    expect(source.thread.responseDueAt).not.toBeNull();

    const r = await gql(MERGE_THREADS, { t: gid('Thread', target.thread.id), s: [gid('Thread', source.thread.id)] });
    expect(r.data.mergeThreads.errors).toEqual([]);
    expect(r.data.mergeThreads.thread.status).toBe('OPEN');
    const after = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: target.thread.id } });
    expect(after.responseDueAt?.toISOString()).toBe(source.thread.responseDueAt!.toISOString());
    expect(after.lastInboundAt?.toISOString()).toBe(app.clock.now().toISOString());
    const closed = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: source.thread.id } });
    expect(closed).toMatchObject({ status: 'CLOSED', mergedIntoId: target.thread.id, lastMessageId: null });
    expect(closed.resolvedAt).not.toBeNull();
  });

  it('a new e-mail in the merged conversation lands in the target thread', async () => {
    app.clock.advance(MIN);
    const next = await emailInbound(address, 'RE: Laadpaal defect', 'Dinsdag past goed.', conversationId);
    expect(next.thread.id).toBe(waThreadId);
    expect(next.message.channelId).toBe(email.id);
    const src = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: mailThreadId } });
    expect(src).toMatchObject({ status: 'CLOSED', mergedIntoId: waThreadId });
  });
});
