/**
 * An API channel end to end, through the real server: a partner system feeds
 * a customer message with an INGEST key (`ingestMessage`), a READ key sees it
 * live (`messageAdded` over graphql-ws), an agent replies, and the reply
 * reaches the partner (the loopback partner sandbox) as a signed webhook; the
 * outbox retries with backoff while the partner fails; the partner
 * acknowledges reading with `updateDeliveryStatus`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAdapter, signPartnerWebhook, verifyPartnerWebhook } from '../../src/channels/api/adapter.js';
import { startPartnerSandbox, type PartnerSandbox } from '../../src/sandbox/partner.js';
import { createApiKeyFor, createChannel, createOrganization, createTestApp, createTestServer, createUser, type TestApp, type TestServer } from '../harness.js';
import { clockToken, collect, gid, trackPubSubListeners, wsClient } from '../graphql/helpers.js';

const SECRET = 'partner-webhook-secret-7d41c9e0';

let partner: PartnerSandbox;
let app: TestApp;
let server: TestServer;
let agent: { id: string; organizationId: string };
let channel: Awaited<ReturnType<typeof createChannel>>;
let channelGid: string;
let ingestKey: string;
let readKey: string;
const tok = () => clockToken(app.deps, agent);

beforeAll(async () => {
  partner = await startPartnerSandbox({ webhookSecret: SECRET });
  app = await createTestApp();
  // The partner checks X-Hub-Timestamp against its wall clock (5 minutes), as partners are asked to.
  app.clock.set(new Date());
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  agent = await createUser(app.deps, org.id, { name: 'Sanne Bakker' });
  channel = await createChannel(app.deps, org.id, {
    type: 'API',
    configuration: { webhookUrl: partner.url, webhookSecret: SECRET },
    secretKeys: [...apiAdapter.secretKeys],
  });
  channelGid = gid('Channel', channel.id);
  ingestKey = await createApiKeyFor(app.deps, org.id, ['INGEST'], channel.id);
  readKey = await createApiKeyFor(app.deps, org.id, ['READ']);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await partner?.close();
});

const INGEST = `mutation($i: IngestMessageInput!){ ingestMessage(input:$i){ created message { id type content externalMessageId } thread { id } errors { code field message } } }`;
const REPLY = `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id deliveryStatus externalMessageId } errors { code message } } }`;
const MESSAGE = `query($id: ID!){ node(id:$id){ ... on Message { id deliveryStatus externalMessageId readAt deliveries { attempt status httpStatus errorCode } } } }`;
const ACK = `mutation($c: ID!, $x: String!, $s: DeliveryStatus!){ updateDeliveryStatus(channelId:$c, externalMessageId:$x, status:$s){ message { id deliveryStatus readAt } errors { code field message } } }`;

let n = 0;
async function ingest(content: string, conversationKey: string) {
  const res = await server.gql(
    INGEST,
    {
      i: {
        channelId: channelGid,
        externalMessageId: `partner-in-${++n}`,
        customer: { partnerId: `cust-${conversationKey}`, name: 'Femke de Jong' },
        content,
        occurredAt: app.clock.now().toISOString(),
        conversationKey,
      },
    },
    ingestKey,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data.ingestMessage.errors).toEqual([]);
  return res.data.ingestMessage as { created: boolean; message: { id: string; type: string; content: string }; thread: { id: string } };
}
const reply = async (threadId: string, content: string) => (await server.gql(REPLY, { i: { threadId, kind: 'REPLY', content } }, await tok())).data.postMessage;
const message = async (id: string) => (await server.gql(MESSAGE, { id }, await tok())).data.node;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;

let firstReply: { id: string; externalMessageId: string };

describe('API channel', () => {
  it('INGEST key ingests, a READ key sees it live, the reply reaches the partner signed, one SUCCEEDED attempt', async () => {
    const tracker = trackPubSubListeners(app.deps);
    const client = wsClient(server.port, readKey);
    try {
      const sub = collect(client, `subscription { messageAdded { id content type channel { id } } }`);
      await tracker.waitFor(1);
      const inbound = await ingest('Mijn laadpas wordt niet herkend bij de paal in de garage.', 'conv-9001');
      expect(inbound.created).toBe(true);
      expect(inbound.message.type).toBe('INCOMING');
      const ev = (await sub.next((e) => (e.data as any)?.messageAdded?.id === inbound.message.id)) as any;
      expect(ev.errors).toBeUndefined();
      expect(ev.data.messageAdded).toEqual({
        id: inbound.message.id,
        content: 'Mijn laadpas wordt niet herkend bij de paal in de garage.',
        type: 'INCOMING',
        channel: { id: channelGid },
      });

      const r = await reply(inbound.thread.id, 'Dag Femke, we zetten uw laadpas opnieuw actief.');
      expect(r.errors).toEqual([]);
      expect(partner.deliveries).toHaveLength(1);
      const d = partner.deliveries[0]!;
      expect(r.message).toMatchObject({ deliveryStatus: 'SENT', externalMessageId: d.id });
      expect(d.id).toBe('partner-msg-1');
      firstReply = r.message;

      // Signed over "{timestamp}.{raw body}" with the channel secret.
      const timestamp = String(d.headers['x-hub-timestamp']);
      const signature = String(d.headers['x-hub-signature-256']);
      expect(timestamp).toMatch(/^\d+$/);
      expect(Number(timestamp)).toBe(Math.floor(app.clock.now().getTime() / 1000));
      expect(signature).toBe(signPartnerWebhook(d.rawBody, SECRET, timestamp));
      expect(verifyPartnerWebhook(d.rawBody, { signature, timestamp }, SECRET)).toEqual({ ok: true });
      expect(verifyPartnerWebhook(d.rawBody, { signature, timestamp }, 'another-partner-secret-0000')).toEqual({ ok: false, reason: 'bad-signature' });
      expect(d.headers['x-hub-delivery']).toBe(rawId(r.message.id));
      expect(d.body).toEqual({
        event: 'message.created',
        messageId: rawId(r.message.id),
        conversationKey: 'conv-9001',
        to: 'conv-9001',
        content: 'Dag Femke, we zetten uw laadpas opnieuw actief.',
        contentHtml: null,
        subject: null,
        occurredAt: app.clock.now().toISOString(),
      });

      const m = await message(r.message.id);
      expect(m.deliveries).toEqual([{ attempt: 1, status: 'SUCCEEDED', httpStatus: null, errorCode: null }]);
    } finally {
      tracker.restore();
      await client.dispose();
    }
  });

  it('the partner failing twice (503): the outbox retries with backoff until a 2xx; deliveries FAILED, FAILED, SUCCEEDED', async () => {
    const inbound = await ingest('Is de monteur al onderweg?', 'conv-9002');
    partner.failNext(2, 503);
    const delivered = partner.deliveries.length;

    const r = await reply(inbound.thread.id, 'De monteur komt morgen tussen 8 en 12 uur.');
    // A partner that is merely unavailable is no error: the reply waits in the outbox.
    expect(r.errors).toEqual([]);
    expect(r.message).toMatchObject({ deliveryStatus: 'PENDING', externalMessageId: null });
    const id = rawId(r.message.id);
    expect((await message(r.message.id)).deliveries).toEqual([{ attempt: 1, status: 'FAILED', httpStatus: 503, errorCode: 'CHANNEL_SEND_FAILED' }]);
    const job = async () => {
      const jobs = (await app.deps.db.prisma.job.findMany({ where: { queue: 'outbox.deliver' } })).filter((j) => (j.payload as { messageId?: string }).messageId === id);
      expect(jobs).toHaveLength(1);
      return jobs[0]!;
    };
    expect((await job()).status).toBe('QUEUED');

    // Nothing is due yet: settling sends nothing.
    await app.deps.jobs.settle();
    expect(partner.rejected).toHaveLength(1);

    // The outbox job's turn (30 s safety net): the partner fails again; the job is re-queued with backoff.
    app.clock.advance(31_000);
    await app.deps.jobs.settle();
    expect(partner.rejected).toHaveLength(2);
    expect((await message(r.message.id)).deliveryStatus).toBe('PENDING');
    const requeued = await job();
    expect(requeued.status).toBe('QUEUED');
    expect(requeued.runAt.getTime()).toBeGreaterThan(app.clock.now().getTime());
    expect(requeued.runAt.getTime() - app.clock.now().getTime()).toBeLessThanOrEqual(2_400);
    await app.deps.jobs.settle(); // still not due
    expect(partner.rejected).toHaveLength(2);

    app.clock.advance(3_000);
    await app.deps.jobs.settle();
    const m = await message(r.message.id);
    expect(m.deliveryStatus).toBe('SENT');
    expect(m.deliveries).toEqual([
      { attempt: 1, status: 'FAILED', httpStatus: 503, errorCode: 'CHANNEL_SEND_FAILED' },
      { attempt: 2, status: 'FAILED', httpStatus: 503, errorCode: 'CHANNEL_SEND_FAILED' },
      { attempt: 3, status: 'SUCCEEDED', httpStatus: null, errorCode: null },
    ]);
    // Every attempt carried the same delivery id; the partner got the reply once.
    expect(partner.rejected.map((x) => x.headers['x-hub-delivery'])).toEqual([id, id]);
    expect(partner.deliveries.slice(delivered).map((x) => x.deliveryId)).toEqual([id]);
    expect(m.externalMessageId).toBe(partner.deliveries.at(-1)!.id);
    expect((await job()).status).toBe('COMPLETED');
  });

  it('the partner acknowledges reading with its INGEST key; a user session is FORBIDDEN', async () => {
    const asUser = await server.gql(ACK, { c: channelGid, x: firstReply.externalMessageId, s: 'READ' }, await tok());
    expect(asUser.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(asUser.data?.updateDeliveryStatus ?? null).toBeNull();
    expect((await message(firstReply.id)).deliveryStatus).toBe('SENT');

    const acked = await server.gql(ACK, { c: channelGid, x: firstReply.externalMessageId, s: 'READ' }, ingestKey);
    expect(acked.errors).toBeUndefined();
    expect(acked.data.updateDeliveryStatus.errors).toEqual([]);
    expect(acked.data.updateDeliveryStatus.message).toMatchObject({ id: firstReply.id, deliveryStatus: 'READ' });
    const m = await message(firstReply.id);
    expect(m.deliveryStatus).toBe('READ');
    expect(m.readAt).toBe(app.clock.now().toISOString());
  });
});
