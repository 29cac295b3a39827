/**
 * An Outlook (Microsoft 365 mailbox) channel end to end, through the real
 * server and the loopback Graph sandbox (token endpoint + Graph v1.0):
 * validation handshakes, clientState checks, change notifications acknowledged
 * first and processed from the queue (the message fetched from Graph, HTML
 * sanitised, threaded by conversationId and In-Reply-To), replies sent with
 * `/reply` and a cached app token, 429 + Retry-After handled by the outbox,
 * and the subscription lifecycle (create, renew, catch up on missed mail).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outlookAdapter } from '../../src/channels/outlook/adapter.js';
import { DEMO_PROVIDERS } from '../../src/demo/data/channels.js';
import { JOB } from '../../src/jobs/names.js';
import { openChannelConfig } from '../../src/modules/channel/channel.service.js';
import { buildGraphMessage, startGraphSandbox, type GraphSandbox } from '../../src/sandbox/graph.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { clockToken, gid } from '../graphql/helpers.js';

const DEMO = DEMO_PROVIDERS.outlook;
const PUBLIC_URL = 'https://hub.example.test';
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/providers/graph');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const fixtureJson = (name: string) => JSON.parse(fixture(name)) as Record<string, any>;

const FIRST = fixtureJson('message-AAMkAGI2TG93AAA.json');
const REPLY = fixtureJson('message-AAMkAGI2TG94BBB.json');
const CONFIG = {
  tenantId: DEMO.tenantId,
  clientId: DEMO.clientId,
  clientSecret: DEMO.clientSecret,
  mailboxUserId: DEMO.mailboxUserId,
  mailboxAddress: DEMO.mailboxAddress,
  clientState: DEMO.clientState,
};

/** A `created` notification for `messageId`, shaped like notification-created.json. */
function notificationFor(messageId: string, opts: { notificationId?: string; clientState?: string } = {}): string {
  const body = fixtureJson('notification-created.json');
  const n = body.value[0];
  n.id = opts.notificationId ?? `n-${messageId}`;
  if (opts.clientState) n.clientState = opts.clientState;
  n.resource = `Users/${DEMO.mailboxUserId}/Messages/${messageId}`;
  n.resourceData = { ...n.resourceData, '@odata.id': n.resource, id: messageId };
  return JSON.stringify(body);
}

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;

describe('Outlook channel: notifications and replies', () => {
  let sandbox: GraphSandbox;
  let app: TestApp;
  let server: TestServer;
  let agent: { id: string; organizationId: string };
  let channel: Awaited<ReturnType<typeof createChannel>>;
  const tok = () => clockToken(app.deps, agent);

  beforeAll(async () => {
    sandbox = await startGraphSandbox();
    sandbox.addMessage(FIRST as never);
    sandbox.addMessage(REPLY as never);
    app = await createTestApp({ GRAPH_BASE_URL: sandbox.graphUrl, MICROSOFT_LOGIN_BASE_URL: sandbox.url, PUBLIC_URL });
    app.clock.set(new Date('2026-11-22T11:00:00Z'));
    server = await createTestServer(app.deps);
    const org = await createOrganization(app.deps);
    agent = await createUser(app.deps, org.id, { name: 'Daan Jansen' });
    channel = await createChannel(app.deps, org.id, {
      type: 'EMAIL_OUTLOOK',
      externalId: DEMO.mailboxUserId,
      configuration: { ...CONFIG, subscriptionId: DEMO.subscriptionId },
      secretKeys: [...outlookAdapter.secretKeys],
    });
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await sandbox?.close();
  });

  const post = (body: string, subpath = '') => fetch(`${server.url}/webhooks/outlook${subpath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const counts = async () => ({
    events: await app.deps.db.prisma.inboundEvent.count({ where: { channelId: channel.id } }),
    messages: await app.deps.db.prisma.message.count({ where: { channelId: channel.id } }),
  });
  const messageFetches = (id: string) =>
    sandbox.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/v1.0/users/${DEMO.mailboxUserId}/messages/${encodeURIComponent(id)}`));
  const postReply = async (threadId: string, content: string) =>
    (
      await server.gql(
        `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id deliveryStatus externalMessageId } errors { code message } } }`,
        { i: { threadId: gid('Thread', threadId), kind: 'REPLY', content } },
        await tok(),
      )
    ).data.postMessage;
  const deliveriesOf = async (messageGid: string) =>
    (await server.gql(`query($id: ID!){ node(id:$id){ ... on Message { deliveryStatus deliveries { attempt status errorCode } } } }`, { id: messageGid }, await tok())).data.node;

  it('answers the validation handshake with the token as text/plain, on both paths, storing nothing', async () => {
    for (const subpath of ['', '/lifecycle']) {
      const res = await fetch(`${server.url}/webhooks/outlook${subpath}?validationToken=abc%20d`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('abc d');
    }
    expect(await counts()).toEqual({ events: 0, messages: 0 });
  });

  it('refuses a notification with the wrong clientState: nothing stored, nothing fetched', async () => {
    const res = await post(fixture('notification-wrong-client-state.json'));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    await app.deps.jobs.settle();
    expect(await counts()).toEqual({ events: 0, messages: 0 });
    expect(await app.deps.db.prisma.inboundEvent.count()).toBe(0);
    expect(sandbox.requests).toEqual([]);
  });

  let threadId: string;

  it('a created notification: 202 at once, one InboundEvent; processing fetches the mail, stores it sanitised and threaded; a redelivery adds nothing', async () => {
    const body = fixture('notification-created.json');
    const res = await post(body);
    expect(res.status).toBe(202);
    // Acknowledged before processing: stored, not yet fetched from Graph.
    const stored = await app.deps.db.prisma.inboundEvent.findMany({ where: { channelId: channel.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ provider: 'outlook', status: 'RECEIVED', subpath: '' });
    expect(messageFetches(FIRST.id)).toHaveLength(0);
    expect((await counts()).messages).toBe(0);

    await app.deps.jobs.settle();
    expect(messageFetches(FIRST.id).length).toBeGreaterThan(0);
    const event = await app.deps.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: stored[0]!.id } });
    expect(event).toMatchObject({ status: 'PROCESSED', attempts: 1, error: null, result: { events: 1, messagesCreated: 1 } });

    const msg = await app.deps.db.prisma.message.findFirstOrThrow({ where: { channelId: channel.id, externalMessageId: FIRST.id }, include: { thread: true } });
    expect(msg.type).toBe('INCOMING');
    expect(msg.subject).toBe('Offerte thuislader aangevraagd - nog geen reactie');
    expect(msg.content).toContain('Twee weken geleden heb ik via de website een offerte aangevraagd');
    expect(msg.content).not.toMatch(/<[a-z]/i);
    expect(msg.contentHtml).toContain('<p>Beste ChargeCars,</p>');
    expect(msg.contentHtml).not.toMatch(/<html|<head|<meta|<body/i);
    expect(msg.internetMessageId).toBe(FIRST.internetMessageId);
    expect(msg.createdAt.toISOString()).toBe(new Date(FIRST.receivedDateTime).toISOString());
    expect(msg.thread.conversationKey).toBe(FIRST.conversationId);
    expect(msg.thread.subject).toBe('Offerte thuislader aangevraagd - nog geen reactie');
    const customer = await app.deps.db.prisma.customer.findUniqueOrThrow({ where: { id: msg.thread.customerId! }, include: { identities: true } });
    expect(customer).toMatchObject({ name: 'Marieke Visser', email: 'marieke.visser@ziggo.nl' });
    expect(customer.identities.map((i) => [i.kind, i.value])).toContainEqual(['EMAIL', 'marieke.visser@ziggo.nl']);
    threadId = msg.threadId;

    // Graph redelivers the same request: deduplicated at the edge.
    const again = await post(body);
    expect(again.status).toBe(202);
    await app.deps.jobs.settle();
    expect(await counts()).toEqual({ events: 1, messages: 1 });
    // A second notification of the same mail (another notification id): stored, but no second message.
    expect((await post(notificationFor(FIRST.id, { notificationId: 'lsgTZMr9KwAAA-2' }))).status).toBe(202);
    await app.deps.jobs.settle();
    expect(await counts()).toEqual({ events: 2, messages: 1 });
  });

  it('the customer reply lands in the same thread (conversationId), and a mail from another conversation that answers it by In-Reply-To too', async () => {
    expect((await post(fixture('notification-reply-created.json'))).status).toBe(202);
    await app.deps.jobs.settle();
    const reply = await app.deps.db.prisma.message.findFirstOrThrow({ where: { channelId: channel.id, externalMessageId: REPLY.id } });
    expect(reply.threadId).toBe(threadId);
    expect(reply.content).toContain('Dinsdagochtend schikt mij goed.');
    expect(reply.content).not.toContain('Van:'); // the quoted history stays out (uniqueBody)

    // Another conversationId (e.g. the customer's client broke the conversation), answering the reply by In-Reply-To.
    const third = buildGraphMessage({
      id: 'AAMkAGI2TG97EEE=',
      from: { address: 'marieke.visser@ziggo.nl', name: 'Marieke Visser' },
      subject: 'Re: Offerte thuislader',
      html: '<p>Nog een vraag: kan het ook woensdag?</p>',
      conversationId: 'AAQkAGI2TG97LWNvbnYtMDk5',
      inReplyTo: REPLY.internetMessageId,
      references: [FIRST.internetMessageId, REPLY.internetMessageId],
      receivedDateTime: '2026-11-22T10:40:00Z',
    });
    sandbox.addMessage(third);
    expect((await post(notificationFor(third.id))).status).toBe(202);
    await app.deps.jobs.settle();
    const threaded = await app.deps.db.prisma.message.findFirstOrThrow({ where: { channelId: channel.id, externalMessageId: third.id } });
    expect(threaded.threadId).toBe(threadId);
    expect(await app.deps.db.prisma.thread.count({ where: { channelId: channel.id } })).toBe(1);
    expect(await app.deps.db.prisma.message.count({ where: { threadId } })).toBe(3);
  });

  it("an agent's replies go out as POST /users/{id}/messages/{id}/reply with one cached token; SENT, and only then firstResponseAt", async () => {
    // The token taken while processing has expired for the hub (its cache follows the hub clock).
    app.clock.advance(60 * 60_000);
    const thread = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } });
    expect(thread.firstResponseAt).toBeNull();
    const latest = await app.deps.db.prisma.message.findFirstOrThrow({ where: { threadId, type: 'INCOMING' }, orderBy: { createdAt: 'desc' } });
    const tokensBefore = sandbox.tokenRequests;
    const requestsBefore = sandbox.requests.length;

    const first = await postReply(threadId, 'Beste Marieke, de offerte volgt vandaag per mail.');
    expect(first.errors).toEqual([]);
    expect(first.message).toMatchObject({ deliveryStatus: 'SENT', externalMessageId: `hub:${rawId(first.message.id)}` });
    const acceptedAt = app.clock.now();
    app.clock.advance(60_000);
    const second = await postReply(threadId, 'Woensdag kan ook, wij bellen u om een tijd af te spreken.');
    expect(second.errors).toEqual([]);
    expect(second.message.deliveryStatus).toBe('SENT');

    expect(sandbox.tokenRequests).toBe(tokensBefore + 1);
    const calls = sandbox.requests.slice(requestsBefore);
    const tokenCalls = calls.filter((r) => r.path === `/${DEMO.tenantId}/oauth2/v2.0/token`);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.body).toMatchObject({ grant_type: 'client_credentials', client_id: DEMO.clientId, scope: 'https://graph.microsoft.com/.default' });
    const replies = calls.filter((r) => r.method === 'POST' && r.path.endsWith('/reply'));
    expect(replies.map((r) => r.path)).toEqual([1, 2].map(() => `/v1.0/users/${DEMO.mailboxUserId}/messages/${encodeURIComponent(latest.externalMessageId!)}/reply`));
    const bearer = replies[0]!.headers.authorization;
    expect(bearer).toMatch(/^Bearer \S+/);
    expect(replies[1]!.headers.authorization).toBe(bearer);
    expect(replies.map((r) => r.body)).toEqual([
      { message: { body: { contentType: 'Text', content: 'Beste Marieke, de offerte volgt vandaag per mail.' } } },
      { message: { body: { contentType: 'Text', content: 'Woensdag kan ook, wij bellen u om een tijd af te spreken.' } } },
    ]);
    expect(sandbox.sent.slice(-2).map((s) => [s.kind, s.replyTo])).toEqual([
      ['reply', latest.externalMessageId],
      ['reply', latest.externalMessageId],
    ]);

    const after = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } });
    expect(after.firstResponseAt?.toISOString()).toBe(acceptedAt.toISOString());
    expect(after.status).toBe('WAITING_CUSTOMER');
  });

  it('429 with Retry-After: the reply stays PENDING with a failed attempt, the outbox waits as asked, then SENT (and only then firstResponseAt)', async () => {
    // A new customer mail, its own thread.
    const mail = buildGraphMessage({
      id: 'AAMkAGI2TG98FFF=',
      from: { address: 'joost.devries@kpn.nl', name: 'Joost de Vries' },
      subject: 'Laadpaal geeft foutcode E14',
      html: '<p>Mijn laadpaal geeft sinds vanochtend foutcode E14.</p>',
      receivedDateTime: app.clock.now().toISOString(),
    });
    sandbox.addMessage(mail);
    expect((await post(notificationFor(mail.id))).status).toBe(202);
    await app.deps.jobs.settle();
    const inbound = await app.deps.db.prisma.message.findFirstOrThrow({ where: { channelId: channel.id, externalMessageId: mail.id } });
    const tid = inbound.threadId;

    sandbox.failNext(429, { retryAfter: 120 });
    sandbox.failNext(429, { retryAfter: 120 });
    const r = await postReply(tid, 'Beste Joost, zet de paal 30 seconden uit en weer aan.');
    expect(r.errors).toEqual([]);
    expect(r.message).toMatchObject({ deliveryStatus: 'PENDING', externalMessageId: null });
    const id = rawId(r.message.id);
    expect(await deliveriesOf(r.message.id)).toEqual({ deliveryStatus: 'PENDING', deliveries: [{ attempt: 1, status: 'FAILED', errorCode: 'CHANNEL_SEND_FAILED' }] });
    const job = async () => {
      const jobs = (await app.deps.db.prisma.job.findMany({ where: { queue: JOB.outboxDeliver } })).filter((j) => (j.payload as { messageId?: string }).messageId === id);
      expect(jobs).toHaveLength(1);
      return jobs[0]!;
    };
    expect((await job()).status).toBe('QUEUED');
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: tid } })).firstResponseAt).toBeNull();

    // Past the Retry-After: the outbox tries again, Graph throttles once more and the job is re-queued for its Retry-After.
    app.clock.advance(121_000);
    await app.deps.jobs.settle();
    expect(await deliveriesOf(r.message.id)).toEqual({
      deliveryStatus: 'PENDING',
      deliveries: [
        { attempt: 1, status: 'FAILED', errorCode: 'CHANNEL_SEND_FAILED' },
        { attempt: 2, status: 'FAILED', errorCode: 'CHANNEL_SEND_FAILED' },
      ],
    });
    const requeued = await job();
    expect(requeued.status).toBe('QUEUED');
    expect(requeued.runAt.getTime() - app.clock.now().getTime()).toBe(120_000);
    await app.deps.jobs.settle(); // not due yet
    expect((await deliveriesOf(r.message.id)).deliveries).toHaveLength(2);
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: tid } })).firstResponseAt).toBeNull();

    app.clock.advance(121_000);
    await app.deps.jobs.settle();
    expect(await deliveriesOf(r.message.id)).toEqual({
      deliveryStatus: 'SENT',
      deliveries: [
        { attempt: 1, status: 'FAILED', errorCode: 'CHANNEL_SEND_FAILED' },
        { attempt: 2, status: 'FAILED', errorCode: 'CHANNEL_SEND_FAILED' },
        { attempt: 3, status: 'SUCCEEDED', errorCode: null },
      ],
    });
    expect((await job()).status).toBe('COMPLETED');
    const sentTo = sandbox.sent.filter((s) => s.replyTo === mail.id);
    expect(sentTo).toHaveLength(1);
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: tid } })).firstResponseAt?.toISOString()).toBe(app.clock.now().toISOString());
  });
});

describe('Outlook channel: the Graph subscription', () => {
  let sandbox: GraphSandbox;
  let app: TestApp;
  let server: TestServer;
  let adminToken: string;
  let channelId: string;

  beforeAll(async () => {
    sandbox = await startGraphSandbox();
    app = await createTestApp({ GRAPH_BASE_URL: sandbox.graphUrl, MICROSOFT_LOGIN_BASE_URL: sandbox.url, PUBLIC_URL });
    // Graph checks a subscription's expirationDateTime against its own (wall) clock.
    app.clock.set(new Date());
    server = await createTestServer(app.deps);
    const org = await createOrganization(app.deps);
    adminToken = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'ADMIN', name: 'Admin' }));
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await sandbox?.close();
  });

  const config = async () => openChannelConfig(app.deps, await app.deps.db.prisma.channel.findUniqueOrThrow({ where: { id: channelId } })) as Record<string, any>;
  const postLifecycle = (name: string) =>
    fetch(`${server.url}/webhooks/outlook/lifecycle`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture(name) });

  it('createChannel (ADMIN) queues the subscription job, which creates the subscription at Graph and stores its id and expiry', async () => {
    const res = await server.gql(
      `mutation($i: CreateChannelInput!){ createChannel(input:$i){ channel { id type configuration } errors { code field message } } }`,
      { i: { type: 'EMAIL_OUTLOOK', name: 'Klantenservice', configuration: CONFIG } },
      adminToken,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createChannel.errors).toEqual([]);
    channelId = rawId(res.data.createChannel.channel.id);
    expect(sandbox.subscriptions.size).toBe(0);
    const queued = await app.deps.db.prisma.job.findMany({ where: { queue: JOB.channelSubscription } });
    expect(queued.map((j) => j.payload)).toEqual([{ channelId }]);

    await app.deps.jobs.settle();
    expect(sandbox.subscriptions.size).toBe(1);
    const [sub] = [...sandbox.subscriptions.values()];
    expect(sub).toMatchObject({
      resource: `/users/${DEMO.mailboxUserId}/mailFolders('inbox')/messages`,
      changeType: 'created',
      notificationUrl: `${PUBLIC_URL}/webhooks/outlook`,
      lifecycleNotificationUrl: `${PUBLIC_URL}/webhooks/outlook/lifecycle`,
      clientState: DEMO.clientState,
    });
    const stored = await config();
    expect(stored.subscriptionId).toBe(sub!.id);
    expect(Date.parse(stored.subscriptionExpiresAt)).toBe(Date.parse(sub!.expirationDateTime));
    expect(Date.parse(stored.subscriptionExpiresAt)).toBeGreaterThan(app.clock.now().getTime() + 6 * 24 * 3600_000);
    // The first catch-up ran and left a delta link; the next renewal is planned a day before expiry.
    expect(stored.deltaLink).toMatch(/\/messages\/delta\?\$deltatoken=/);
    const next = await app.deps.db.prisma.job.findMany({ where: { queue: JOB.channelSubscription, status: 'QUEUED' } });
    expect(next).toHaveLength(1);
    expect(next[0]!.runAt.getTime()).toBe(Date.parse(stored.subscriptionExpiresAt) - 24 * 3600_000);
  });

  it('reauthorizationRequired renews the subscription (PATCH at Graph)', async () => {
    const before = await config();
    app.clock.advance(5 * 60_000);
    const res = await postLifecycle('lifecycle-reauthorization-required.json');
    expect(res.status).toBe(202);
    const patches = () => sandbox.requests.filter((r) => r.method === 'PATCH');
    expect(patches()).toHaveLength(0);
    await app.deps.jobs.settle();
    expect(patches().map((r) => r.path)).toEqual([`/v1.0/subscriptions/${before.subscriptionId}`]);
    const after = await config();
    expect(after.subscriptionId).toBe(before.subscriptionId);
    expect(Date.parse(after.subscriptionExpiresAt) - Date.parse(before.subscriptionExpiresAt)).toBe(5 * 60_000);
    expect(sandbox.subscriptions.get(before.subscriptionId)!.expirationDateTime).toMatch(new RegExp(`^${after.subscriptionExpiresAt.slice(0, 19)}`));
    expect(sandbox.subscriptions.size).toBe(1);
  });

  it('missed: a delta catch-up ingests mail Graph never notified; running it again creates no duplicate', async () => {
    const mail = buildGraphMessage({
      from: { address: 'sanne.bakker@gmail.com', name: 'Sanne Bakker' },
      subject: 'Factuur installatie klopt niet',
      html: '<p>Op de factuur staat een extra kabel die niet is geplaatst.</p>',
      receivedDateTime: app.clock.now().toISOString(),
    });
    sandbox.addMessage(mail); // held by the mailbox, never notified
    const messages = () => app.deps.db.prisma.message.findMany({ where: { channelId, externalMessageId: mail.id } });
    expect(await messages()).toHaveLength(0);

    expect((await postLifecycle('lifecycle-missed.json')).status).toBe(202);
    await app.deps.jobs.settle();
    const found = await messages();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ type: 'INCOMING', subject: 'Factuur installatie klopt niet' });
    expect(found[0]!.content).toContain('extra kabel');
    const events = await app.deps.db.prisma.inboundEvent.findMany({ where: { channelId, subpath: '/lifecycle' } });
    expect(events.map((e) => e.status)).toEqual(['PROCESSED', 'PROCESSED']);

    // The same lifecycle delivery again: deduplicated at the edge.
    expect((await postLifecycle('lifecycle-missed.json')).status).toBe(202);
    expect(await app.deps.db.prisma.inboundEvent.count({ where: { channelId, subpath: '/lifecycle' } })).toBe(2);

    // The catch-up itself run twice more: from the stored delta link (nothing new), and from scratch
    // without it (the mail is read again and recognised).
    const fetches = () =>
      sandbox.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/v1.0/users/${DEMO.mailboxUserId}/messages/${encodeURIComponent(mail.id)}`)).length;
    const fetchedOnce = fetches();
    await app.deps.jobs.add(app.deps.db.prisma, JOB.channelLifecycle, { channelId, event: 'missed' });
    await app.deps.jobs.settle();
    expect(await messages()).toHaveLength(1);
    const row = await app.deps.db.prisma.channel.findUniqueOrThrow({ where: { id: channelId } });
    const { deltaLink: _dropped, ...withoutDelta } = row.configuration as Record<string, unknown>;
    await app.deps.db.prisma.channel.update({ where: { id: channelId }, data: { configuration: withoutDelta as object } });
    await app.deps.jobs.add(app.deps.db.prisma, JOB.channelLifecycle, { channelId, event: 'missed' });
    await app.deps.jobs.settle();
    expect(fetches()).toBeGreaterThan(fetchedOnce);
    expect(await messages()).toHaveLength(1);
    expect(await app.deps.db.prisma.thread.count({ where: { channelId } })).toBe(1);
    expect((await config()).deltaLink).toMatch(/\$deltatoken=/);
  });
});
