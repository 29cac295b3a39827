/**
 * The Chatwoot channel end to end: signed account webhooks through the real
 * webhook edge (fresh timestamp, per-channel secret, account routing),
 * processing from the job queue, conversation states, replies and their
 * receipts through the Chatwoot sandbox, and the customer profile pushed to
 * the Chatwoot contact (with a retry) and pulled back from contact_updated.
 *
 * Chatwoot's timestamp must be fresh by wall clock (the adapter checks it
 * against Date.now()), so webhooks are signed with the real current time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHATWOOT_SECRET_KEYS } from '../../src/channels/chatwoot/config.js';
import { chatwootFixture, demoConfig } from '../../src/channels/chatwoot/test-helpers.js';
import { chatwootIncomingMessagePayload, startChatwootSandbox, type ChatwootSandbox } from '../../src/sandbox/chatwoot.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, testDatabaseKind, type TestApp, type TestServer } from '../harness.js';
import { clockToken, gid, rowCounts } from '../graphql/helpers.js';

/** The conversation, contact and message of message_created.json. */
const CONVERSATION = '774';
const CONTACT_ID = 9021;
const FIXTURE_MESSAGE_ID = '48213';
/** Another tenant's Chatwoot account with its own webhook secret. */
const OTHER_ACCOUNT = { accountId: 13, webhookSecret: 'other-tenant-chatwoot-secret-91c2', apiAccessToken: 'other-tenant-token' };

let sandbox: ChatwootSandbox;
let app: TestApp;
let server: TestServer;
let agent: { id: string; organizationId: string };
let channel: Awaited<ReturnType<typeof createChannel>>;
let hubWebhookUrl: string;
const tok = () => clockToken(app.deps, agent);

beforeAll(async () => {
  sandbox = await startChatwootSandbox();
  app = await createTestApp();
  // Just after the fixture conversation's messages.
  app.clock.set(new Date('2026-11-22T10:00:00Z'));
  server = await createTestServer(app.deps);
  hubWebhookUrl = `${server.url}/webhooks/chatwoot`;
  const org = await createOrganization(app.deps);
  agent = await createUser(app.deps, org.id, { name: 'Sarah de Boer' });
  channel = await createChannel(app.deps, org.id, {
    type: 'CHATWOOT',
    externalId: String(demoConfig.accountId),
    configuration: { ...demoConfig, baseUrl: sandbox.url },
    secretKeys: [...CHATWOOT_SECRET_KEYS],
  });
  const otherOrg = await createOrganization(app.deps);
  await createChannel(app.deps, otherOrg.id, {
    type: 'CHATWOOT',
    externalId: String(OTHER_ACCOUNT.accountId),
    configuration: { ...OTHER_ACCOUNT, baseUrl: sandbox.url },
    secretKeys: [...CHATWOOT_SECRET_KEYS],
  });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await sandbox?.close();
});

/** Signs `body` like Chatwoot (real current time unless given) and POSTs it to the hub, then settles the queue. */
async function post(body: Buffer | string | object, opts: { secret?: string; timestampSeconds?: number; deliveryId?: string } = {}) {
  const posted = await sandbox.postWebhook(body, {
    url: hubWebhookUrl,
    secret: opts.secret ?? demoConfig.webhookSecret,
    timestampSeconds: opts.timestampSeconds,
    deliveryId: opts.deliveryId,
  });
  expect(posted.error).toBeUndefined();
  await app.deps.jobs.settle();
  return posted;
}

/** A fixture with JSON edits applied (the raw bytes change, so it is signed as posted). */
const edited = (name: string, patch: (j: Record<string, unknown>) => void) => {
  const j = JSON.parse(chatwootFixture(name).toString('utf8')) as Record<string, unknown>;
  patch(j);
  return JSON.stringify(j);
};

const threadOf = (conversationKey: string) => app.deps.db.prisma.thread.findFirstOrThrow({ where: { channelId: channel.id, conversationKey } });
const contactCustomer = () =>
  app.deps.db.prisma.customerIdentity
    .findFirstOrThrow({ where: { kind: 'CHATWOOT_CONTACT', value: String(CONTACT_ID), channelId: channel.id }, include: { customer: { include: { identities: true } } } })
    .then((i) => i.customer);

describe(`Chatwoot through the sandbox (${testDatabaseKind})`, () => {
  it('(a) a signed message_created → one INCOMING message threaded by the conversation id, customer with contact/e-mail/phone identities; a redelivery adds nothing', async () => {
    const deliveryId = 'b9f0c3a4-5d6e-4f70-8a91-2b3c4d5e6f70';
    const res = await post(chatwootFixture('message_created.json'), { deliveryId });
    expect(res.status).toBe(200);

    const messages = await app.deps.db.prisma.message.findMany({ where: { channelId: channel.id, externalMessageId: FIXTURE_MESSAGE_ID } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ type: 'INCOMING', content: 'Hallo, ik wil mijn afspraak voor de installatie verzetten naar volgende week.' });
    expect(messages[0]!.createdAt.toISOString()).toBe('2026-11-22T09:58:03.412Z');
    const thread = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: messages[0]!.threadId } });
    expect(thread).toMatchObject({ conversationKey: CONVERSATION, status: 'OPEN' });

    const customer = await app.deps.db.prisma.customer.findUniqueOrThrow({ where: { id: thread.customerId! }, include: { identities: { orderBy: { kind: 'asc' } } } });
    expect(customer).toMatchObject({ name: 'Ruben Mulder', email: 'ruben.mulder@kpnmail.nl', phone: '+31611122233' });
    const ids = customer.identities.map((i) => ({ kind: i.kind, value: i.value, channelId: i.channelId, scope: i.scope }));
    expect(ids).toHaveLength(3);
    expect(ids).toEqual(
      expect.arrayContaining([
        { kind: 'CHATWOOT_CONTACT', value: String(CONTACT_ID), channelId: channel.id, scope: channel.id },
        { kind: 'EMAIL', value: 'ruben.mulder@kpnmail.nl', channelId: null, scope: '' },
        { kind: 'PHONE', value: '+31611122233', channelId: null, scope: '' },
      ]),
    );

    // Chatwoot redelivers with the same X-Chatwoot-Delivery (signed anew, fresh timestamp).
    const before = await rowCounts(app.deps);
    const again = await post(chatwootFixture('message_created.json'), { deliveryId });
    expect(again.status).toBe(200);
    expect(await rowCounts(app.deps)).toEqual(before);
    // Even under another delivery id the message is not stored twice.
    expect((await post(chatwootFixture('message_created.json'))).status).toBe(200);
    expect(await app.deps.db.prisma.message.count({ where: { channelId: channel.id, externalMessageId: FIXTURE_MESSAGE_ID } })).toBe(1);
  });

  it("(b) a 6-minute-old timestamp, a wrong signature, or account 12 signed with another account's secret → 401, nothing stored", async () => {
    const body = JSON.stringify(
      chatwootIncomingMessagePayload({ conversationId: 990, messageId: 55501, content: 'Is dit bericht echt?', createdAt: new Date('2026-11-22T09:59:00Z') }),
    );
    const before = await rowCounts(app.deps);
    const nowS = Math.floor(Date.now() / 1000);
    const answers = [
      await post(body, { timestampSeconds: nowS - 6 * 60 }),
      await post(body, { secret: 'not-the-webhook-secret' }),
      await post(body, { secret: OTHER_ACCOUNT.webhookSecret }),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
    expect(await rowCounts(app.deps)).toEqual(before);
    expect(await app.deps.db.prisma.message.count({ where: { externalMessageId: '55501' } })).toBe(0);
    // The same body, signed now with account 12's secret, is accepted: the rejections were about the signature.
    expect((await post(body)).status).toBe(200);
    expect(await app.deps.db.prisma.message.count({ where: { channelId: channel.id, externalMessageId: '55501' } })).toBe(1);
  });

  it('(c) conversation_status_changed: resolved → RESOLVED (audited), open → OPEN, pending → WAITING_INTERNAL', async () => {
    const thread = await threadOf(CONVERSATION);
    const audits = async () =>
      app.deps.db.prisma.auditLog.findMany({ where: { organizationId: channel.organizationId, action: 'thread.update', entityId: thread.id }, orderBy: { createdAt: 'asc' } });
    const auditsBefore = (await audits()).length;

    expect((await post(chatwootFixture('conversation_status_changed.json'))).status).toBe(200);
    const resolved = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id } });
    expect(resolved.status).toBe('RESOLVED');
    expect(resolved.resolvedAt).not.toBeNull();
    const rows = await audits();
    expect(rows).toHaveLength(auditsBefore + 1);
    expect(rows.at(-1)!.changes).toMatchObject({ before: { status: 'OPEN' }, after: { status: 'RESOLVED' } });
    expect(rows.at(-1)!.actorType).toBe('WEBHOOK');

    const reopened = edited('conversation_status_changed.json', (j) => {
      j.status = 'open';
      j.timestamp = 1795348680;
    });
    expect((await post(reopened)).status).toBe(200);
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id } })).status).toBe('OPEN');

    // The pending fixture is conversation 781: let its customer write first.
    expect(
      (
        await post(
          chatwootIncomingMessagePayload({
            conversationId: 781,
            messageId: 48301,
            content: 'Buongiorno, quando arriva il tecnico?',
            contact: { id: 9044, name: 'Giulia Ferraro', phone_number: '+393471234567' },
            createdAt: new Date('2026-11-22T09:59:30Z'),
          }),
        )
      ).status,
    ).toBe(200);
    expect((await threadOf('781')).status).toBe('OPEN');
    expect((await post(chatwootFixture('conversation_status_changed_pending.json'))).status).toBe(200);
    expect((await threadOf('781')).status).toBe('WAITING_INTERNAL');
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id } })).status).toBe('OPEN');
  });

  it('(d) a reply is posted into the Chatwoot conversation, SENT with the Chatwoot id; message_updated receipts move it to READ', async () => {
    const thread = await threadOf(CONVERSATION);
    const requests = sandbox.requests.length;
    const content = 'Goedemorgen Ruben, we hebben uw installatie verplaatst naar dinsdag 1 december tussen 08:00 en 12:00.';
    const r = await server.gql(
      `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id type deliveryStatus externalMessageId readAt } errors { code message } } }`,
      { i: { threadId: gid('Thread', thread.id), kind: 'REPLY', content } },
      await tok(),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.postMessage.errors).toEqual([]);

    expect(sandbox.requests).toHaveLength(requests + 1);
    const call = sandbox.requests.at(-1)!;
    expect(call.method).toBe('POST');
    expect(call.path).toBe(`/api/v1/accounts/12/conversations/${CONVERSATION}/messages`);
    expect(call.headers['api_access_token']).toBe(demoConfig.apiAccessToken);
    expect(call.body).toMatchObject({ content, message_type: 'outgoing' });
    expect(call.status).toBe(200);
    const chatwootId = [...sandbox.messages.keys()].at(-1)!;
    expect(sandbox.messages.get(chatwootId)).toMatchObject({ content, conversation_id: Number(CONVERSATION) });

    const msg = r.data.postMessage.message;
    expect(msg).toMatchObject({ type: 'OUTGOING', deliveryStatus: 'SENT', externalMessageId: String(chatwootId), readAt: null });
    const id = Buffer.from(msg.id, 'base64').toString().split(':')[1]!;
    const row = () => app.deps.db.prisma.message.findUniqueOrThrow({ where: { id } });
    expect(await row()).toMatchObject({ deliveryStatus: 'SENT', externalMessageId: String(chatwootId) });
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id } })).status).toBe('WAITING_CUSTOMER');

    expect((await post(chatwootFixture('message_updated_delivered.json', chatwootId))).status).toBe(200);
    expect((await row()).deliveryStatus).toBe('DELIVERED');
    const read = chatwootFixture('message_updated_delivered.json', chatwootId).toString('utf8').replace('"status":"delivered"', '"status":"read"');
    expect(read).toContain('"status":"read"');
    expect((await post(read)).status).toBe(200);
    const after = await row();
    expect(after.deliveryStatus).toBe('READ');
    expect(after.readAt).not.toBeNull();
    // A late "delivered" (another delivery id) does not move it back.
    expect((await post(chatwootFixture('message_updated_delivered.json', chatwootId))).status).toBe(200);
    expect((await row()).deliveryStatus).toBe('READ');
  });

  it('(e) updateCustomer pushes tier and partita IVA to the Chatwoot contact through a contact.sync job, retrying after a 500', async () => {
    const customer = await contactCustomer();
    const UPDATE = `mutation($i: UpdateCustomerInput!){ updateCustomer(input:$i){ customer { id tier partitaIva customAttributes } errors { code field message } } }`;
    const contactPuts = () => sandbox.requests.filter((q) => q.method === 'PUT' && q.path === `/api/v1/accounts/12/contacts/${CONTACT_ID}`);
    const syncJobs = () => app.deps.db.prisma.job.findMany({ where: { queue: 'contact.sync' }, orderBy: { createdAt: 'asc' } });

    const u = await server.gql(
      UPDATE,
      {
        i: { customerId: gid('Customer', customer.id), tier: 'PREMIUM', partitaIva: 'IT01114601006', customAttributes: { klantnummer: 'CC-10482', laadpaal: 'Alfen Eve Single' } },
      },
      await tok(),
    );
    expect(u.errors).toBeUndefined();
    expect(u.data.updateCustomer.errors).toEqual([]);
    expect(u.data.updateCustomer.customer).toMatchObject({ tier: 'PREMIUM', partitaIva: '01114601006' });
    const jobs = await syncJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'QUEUED', payload: { customerId: customer.id, channelId: channel.id, providerContactId: String(CONTACT_ID) } });
    expect(contactPuts()).toHaveLength(0); // from the queue, not inline

    await app.deps.jobs.settle();
    expect(contactPuts()).toHaveLength(1);
    const put = contactPuts()[0]!;
    expect(put.status).toBe(200);
    expect(put.headers['api_access_token']).toBe(demoConfig.apiAccessToken);
    expect(put.body).toMatchObject({
      name: 'Ruben Mulder',
      email: 'ruben.mulder@kpnmail.nl',
      phone_number: '+31611122233',
      custom_attributes: { tier: 'PREMIUM', partita_iva: '01114601006', klantnummer: 'CC-10482', laadpaal: 'Alfen Eve Single' },
    });
    expect(sandbox.contacts.get(CONTACT_ID)?.custom_attributes).toMatchObject({ tier: 'PREMIUM', partita_iva: '01114601006' });
    expect((await syncJobs())[0]!.status).toBe('COMPLETED');

    // Chatwoot fails once: the job stays queued with the error, and succeeds on its retry.
    sandbox.failNext(500);
    const u2 = await server.gql(UPDATE, { i: { customerId: gid('Customer', customer.id), tier: 'BUSINESS' } }, await tok());
    expect(u2.data.updateCustomer.errors).toEqual([]);
    await app.deps.jobs.settle();
    expect(contactPuts().map((q) => q.status)).toEqual([200, 500]);
    const retrying = (await syncJobs())[1]!;
    expect(retrying).toMatchObject({ status: 'QUEUED', attempts: 1 });
    expect(retrying.lastError).toContain('HTTP 500');
    expect(sandbox.contacts.get(CONTACT_ID)?.custom_attributes).toMatchObject({ tier: 'PREMIUM' });
    // Not due yet: settling again sends nothing.
    await app.deps.jobs.settle();
    expect(contactPuts()).toHaveLength(2);

    app.clock.advance(60_000);
    await app.deps.jobs.settle();
    expect(contactPuts().map((q) => q.status)).toEqual([200, 500, 200]);
    expect(contactPuts()[2]!.body).toMatchObject({ custom_attributes: { tier: 'BUSINESS', partita_iva: '01114601006' } });
    expect(sandbox.contacts.get(CONTACT_ID)?.custom_attributes).toMatchObject({ tier: 'BUSINESS', partita_iva: '01114601006', klantnummer: 'CC-10482' });
    expect((await syncJobs())[1]).toMatchObject({ status: 'COMPLETED', attempts: 2 });
  });

  it('(f) contact_updated updates the customer: phone from the fixture, then a new name and e-mail', async () => {
    const before = await contactCustomer();
    expect(before.phone).toBe('+31611122233');
    expect((await post(chatwootFixture('contact_updated.json'))).status).toBe(200);
    const phoned = await contactCustomer();
    expect(phoned).toMatchObject({ name: 'Ruben Mulder', email: 'ruben.mulder@kpnmail.nl', phone: '+31611122299' });
    expect(phoned.identities.map((i) => `${i.kind}:${i.value}`)).toEqual(expect.arrayContaining(['PHONE:+31611122299', 'PHONE:+31611122233']));

    const renamed = edited('contact_updated.json', (j) => {
      j.name = 'Ruben Mulder-Visser';
      j.email = 'Ruben@Mulder-Installaties.nl';
    });
    expect((await post(renamed)).status).toBe(200);
    const after = await contactCustomer();
    expect(after).toMatchObject({ id: before.id, name: 'Ruben Mulder-Visser', email: 'ruben@mulder-installaties.nl', phone: '+31611122299' });
    expect(after.identities.map((i) => `${i.kind}:${i.value}`)).toContain('EMAIL:ruben@mulder-installaties.nl');
    const audit = await app.deps.db.prisma.auditLog.findFirstOrThrow({
      where: { organizationId: channel.organizationId, action: 'customer.update', entityId: before.id },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit.changes).toMatchObject({
      before: { name: 'Ruben Mulder', email: 'ruben.mulder@kpnmail.nl' },
      after: { name: 'Ruben Mulder-Visser', email: 'ruben@mulder-installaties.nl' },
    });
    // Through GraphQL too.
    const shown = await server.gql(`query($id: ID!){ node(id: $id) { ... on Customer { name email } } }`, { id: gid('Customer', before.id) }, await tok());
    expect(shown.data.node).toEqual({ name: 'Ruben Mulder-Visser', email: 'ruben@mulder-installaties.nl' });
  });
});
