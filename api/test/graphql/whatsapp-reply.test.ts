/**
 * Replies on a WhatsApp thread go out through the (fake) Cloud API; delivery
 * receipts move them forward only; the 24-hour window is enforced before
 * sending and the provider's 131047 refusal is reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWhatsAppBody } from '../../src/channels/whatsapp/signature.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { fixtureWithWamid, loadWhatsAppFixture, whatsappDemoChannel } from '../fakes/fixtures.js';
import { GRAPH_ERROR_REENGAGEMENT, startFakeWhatsAppCloud, type FakeWhatsAppCloud } from '../../src/sandbox/whatsapp.js';
import { type createChannel, createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, type TestApp, type TestServer } from '../harness.js';
import { clockToken, gid, rowCounts } from './helpers.js';

let fake: FakeWhatsAppCloud;
let app: TestApp;
let server: TestServer;
let agent: { id: string; organizationId: string };
/** A token issued at the (fake) clock's now: the tests move the clock past JWT_TTL. */
const tok = () => clockToken(app.deps, agent);
let channel: Awaited<ReturnType<typeof createChannel>>;

/** The inbound text fixture's sender and message timestamp. */
const FIXTURE = JSON.parse(loadWhatsAppFixture('text-nl.json').toString('utf8'));
const FIXTURE_MSG = FIXTURE.entry[0].changes[0].value.messages[0];
const FIXTURE_AT = new Date(Number(FIXTURE_MSG.timestamp) * 1000);
const H = 3_600_000;

beforeAll(async () => {
  fake = await startFakeWhatsAppCloud();
  app = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: fake.baseUrl });
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  agent = await createUser(app.deps, org.id, { name: 'Sanne Bakker' });
  channel = await createWhatsAppChannel(app.deps, org.id, { responseSlaHours: 2 });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await fake?.close();
});

/** Posts a signed webhook, then runs the processing it queued. */
const postWebhook = async (body: Buffer) => {
  const res = await fetch(`${server.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(body, whatsappDemoChannel.appSecret) },
    body,
  });
  await app.deps.jobs.settle();
  return res;
};

const REPLY = `mutation($i: PostMessageInput!){ postMessage(input:$i){
  message { id type content deliveryStatus externalMessageId metadata }
  thread { id status }
  errors { code field message }
} }`;
const reply = async (threadId: string, content: string) => server.gql(REPLY, { i: { threadId: gid('Thread', threadId), kind: 'REPLY', content } }, await tok());

const messageStatus = async (id: string) =>
  (await server.gql(`query($id: ID!){ node(id: $id) { ... on Message { deliveryStatus readAt externalMessageId } } }`, { id }, await tok())).data.node;

let n = 0;
/** A fresh customer writing now (own wa_id), stored through the ingestion path. */
async function inboundNow(content = 'Hallo, ik heb een vraag') {
  const waId = `3161000${String(++n).padStart(4, '0')}`;
  const { thread } = await ingestInbound(app.deps, channel, {
    externalMessageId: `wamid.test-in-${n}-${Date.now()}`,
    customer: { name: `Klant ${n}`, identities: [{ kind: 'WHATSAPP_ID', value: waId }] },
    conversationKey: waId,
    content,
    occurredAt: app.clock.now(),
    attachments: [],
    metadata: {},
  });
  return { thread, waId };
}

describe('WhatsApp reply through the Cloud API', () => {
  it('signed webhook inbound → REPLY is sent to the fake → statuses sent, read, late sent end at READ', async () => {
    if (app.clock.now() < FIXTURE_AT) app.clock.set(new Date(FIXTURE_AT.getTime() + 5 * 60_000));
    const res = await postWebhook(loadWhatsAppFixture('text-nl.json'));
    expect(res.status).toBe(200);
    const inbound = await app.deps.db.prisma.message.findFirstOrThrow({ where: { externalMessageId: FIXTURE_MSG.id } });
    const thread = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: inbound.threadId } });
    expect(thread.lastInboundAt?.toISOString()).toBe(FIXTURE_AT.toISOString());
    // The clock must still be inside the window for this test.
    if (app.clock.now().getTime() - FIXTURE_AT.getTime() >= 24 * H) app.clock.set(new Date(FIXTURE_AT.getTime() + 5 * 60_000));

    const requestsBefore = fake.requests.length;
    const r = await reply(thread.id, 'Goedemiddag Joost, wij sturen morgen een monteur.');
    expect(r.errors).toBeUndefined();
    expect(r.data.postMessage.errors).toEqual([]);
    expect(fake.requests).toHaveLength(requestsBefore + 1);
    const sent = fake.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe(`/v21.0/${whatsappDemoChannel.phoneNumberId}/messages`);
    expect(sent.headers.authorization).toBe(`Bearer ${whatsappDemoChannel.accessToken}`);
    expect(sent.body).toMatchObject({ messaging_product: 'whatsapp', to: FIXTURE_MSG.from, type: 'text', text: { body: 'Goedemiddag Joost, wij sturen morgen een monteur.' } });
    const wamid = fake.sentIds.at(-1)!;
    const msg = r.data.postMessage.message;
    expect(msg).toMatchObject({ type: 'OUTGOING', deliveryStatus: 'SENT', externalMessageId: wamid });
    const row = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: Buffer.from(msg.id, 'base64').toString().split(':')[1]! } });
    expect(row).toMatchObject({ externalMessageId: wamid, deliveryStatus: 'SENT' });

    expect((await postWebhook(fixtureWithWamid('status-sent.json', wamid))).status).toBe(200);
    expect((await messageStatus(msg.id)).deliveryStatus).toBe('SENT');
    expect((await postWebhook(fixtureWithWamid('status-read.json', wamid))).status).toBe(200);
    const read = await messageStatus(msg.id);
    expect(read.deliveryStatus).toBe('READ');
    expect(read.readAt).toBeTruthy();
    expect((await postWebhook(fixtureWithWamid('status-sent.json', wamid))).status).toBe(200);
    expect(await messageStatus(msg.id)).toEqual(read);
  });

  it('a read receipt before any sent receipt: a later sent does not move it back', async () => {
    const { thread } = await inboundNow();
    const r = await reply(thread.id, 'Dank voor uw bericht.');
    expect(r.data.postMessage.errors).toEqual([]);
    const wamid = r.data.postMessage.message.externalMessageId;
    expect(wamid).toBe(fake.sentIds.at(-1));
    expect((await postWebhook(fixtureWithWamid('status-read.json', wamid))).status).toBe(200);
    expect((await messageStatus(r.data.postMessage.message.id)).deliveryStatus).toBe('READ');
    expect((await postWebhook(fixtureWithWamid('status-sent.json', wamid))).status).toBe(200);
    expect((await messageStatus(r.data.postMessage.message.id)).deliveryStatus).toBe('READ');
  });

  it('25 h after the last inbound: WHATSAPP_WINDOW_CLOSED, no message row, no request to the provider', async () => {
    const { thread } = await inboundNow();
    app.clock.advance(25 * H);
    const before = await rowCounts(app.deps);
    const requests = fake.requests.length;
    const r = await reply(thread.id, 'Te laat');
    expect(r.errors).toBeUndefined();
    expect(r.data.postMessage.errors[0]).toMatchObject({ code: 'WHATSAPP_WINDOW_CLOSED' });
    expect(r.data.postMessage.message).toBeNull();
    expect(await rowCounts(app.deps)).toEqual(before);
    expect(fake.requests).toHaveLength(requests);
    // A NOTE is still fine.
    const note = await server.gql(
      `mutation($i: PostMessageInput!){ postMessage(input:$i){ errors { code } } }`,
      { i: { threadId: gid('Thread', thread.id), kind: 'NOTE', content: 'Klant bellen' } },
      await tok(),
    );
    expect(note.data.postMessage.errors).toEqual([]);
    expect(fake.requests).toHaveLength(requests);
  });

  it('the provider answering 131047: the message is kept as FAILED and the error is WHATSAPP_WINDOW_CLOSED', async () => {
    const { thread, waId } = await inboundNow();
    const requests = fake.requests.length;
    fake.failNext(GRAPH_ERROR_REENGAGEMENT);
    const r = await reply(thread.id, 'Toch nog een antwoord');
    expect(r.errors).toBeUndefined();
    expect(fake.requests).toHaveLength(requests + 1);
    expect(fake.requests.at(-1)!.body).toMatchObject({ to: waId });
    const p = r.data.postMessage;
    expect(p.errors[0].code).toBe('WHATSAPP_WINDOW_CLOSED');
    expect(p.message).toMatchObject({ type: 'OUTGOING', deliveryStatus: 'FAILED', content: 'Toch nog een antwoord', externalMessageId: null });
    expect(p.message.metadata.error.code).toBe('WHATSAPP_WINDOW_CLOSED');
    const row = await app.deps.db.prisma.message.findFirstOrThrow({ where: { threadId: thread.id, type: 'OUTGOING' } });
    expect(row.deliveryStatus).toBe('FAILED');
  });
});
