import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureWithWamid, loadWhatsAppFixture, whatsappDemoChannel } from '../../../test/fakes/fixtures.js';
import { loadConfig } from '../../config.js';
import { createDatabase, type Database } from '../../db/client.js';
import { migrate } from '../../db/migrate.js';
import type { AppDeps } from '../../shared/app.js';
import { FakeClock } from '../../shared/clock.js';
import { SecretBox } from '../../shared/crypto.js';
import { logger } from '../../shared/logger.js';
import { createHubPubSub } from '../../shared/pubsub.js';
import { createWebhookEdge } from '../../http/webhooks.js';
import { jobHandlers } from '../../jobs/handlers.js';
import { JobQueue } from '../../jobs/queue.js';

const SECRET = whatsappDemoChannel.appSecret;
/** Signed with node:crypto directly, independent of signature.ts. */
const sign = (body: Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

let db: Database;
let deps: AppDeps;
let server: Server;
let url: string;
let orgId: string;
let channelId: string;
let otherChannelId: string;

beforeAll(async () => {
  const config = loadConfig({});
  db = await createDatabase({});
  await migrate(db.sql);
  const secrets = new SecretBox(config.appSecretKey);
  deps = { config, db, clock: new FakeClock(new Date('2026-11-22T12:00:00Z')), pubsub: createHubPubSub(), secrets, logger } as unknown as AppDeps;
  deps.jobs = new JobQueue(deps, { handlers: jobHandlers });

  const org = await db.prisma.organization.create({ data: { slug: 'chargecars', name: 'ChargeCars' } });
  orgId = org.id;
  const ch = await db.prisma.channel.create({
    data: {
      organizationId: org.id,
      type: 'WHATSAPP_BUSINESS',
      name: 'WhatsApp',
      externalId: whatsappDemoChannel.phoneNumberId,
      configuration: secrets.sealKeys({ ...whatsappDemoChannel }, ['appSecret', 'verifyToken', 'accessToken']),
    },
  });
  channelId = ch.id;
  // A second tenant with its own Meta app.
  const org2 = await db.prisma.organization.create({ data: { slug: 'other', name: 'Other' } });
  const ch2 = await db.prisma.channel.create({
    data: {
      organizationId: org2.id,
      type: 'WHATSAPP_BUSINESS',
      name: 'WhatsApp other',
      externalId: '200000000000001',
      configuration: secrets.sealKeys({ phoneNumberId: '200000000000001', appSecret: 'other-app-secret', verifyToken: 'other-verify', accessToken: 'other-token' }, [
        'appSecret',
        'verifyToken',
        'accessToken',
      ]),
    },
  });
  otherChannelId = ch2.id;

  const edge = createWebhookEdge(deps);
  server = createServer((req, res) => {
    if (!edge(req, res)) res.writeHead(404).end();
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await deps?.pubsub.close();
  await db?.close();
});

beforeEach(async () => {
  await db.prisma.inboundEvent.deleteMany({});
  await db.prisma.message.deleteMany({});
  await db.prisma.thread.deleteMany({});
  await db.prisma.customer.deleteMany({});
});

/** Posts to the webhook, then runs the processing jobs it queued (acknowledge first, process from the queue). */
const post = async (body: Buffer, signature?: string) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    body,
  });
  await deps.jobs.settle();
  return res;
};
const bodyKey = (raw: Buffer) => `whatsapp:${createHash('sha256').update(raw).digest('hex')}`;

const counts = async () => ({
  events: await db.prisma.inboundEvent.count(),
  messages: await db.prisma.message.count(),
});

describe('GET /webhooks/whatsapp (verification)', () => {
  it('echoes the challenge for a known verify token', async () => {
    const res = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${whatsappDemoChannel.verifyToken}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it("accepts another active channel's token too", async () => {
    const res = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=other-verify&hub.challenge=42`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('42');
  });

  it.each([
    ['wrong token', 'hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1'],
    ['wrong mode', `hub.mode=unsubscribe&hub.verify_token=${whatsappDemoChannel.verifyToken}&hub.challenge=1`],
    ['no token', 'hub.mode=subscribe&hub.challenge=1'],
  ])('%s → 403', async (_l, qs) => {
    expect((await fetch(`${url}?${qs}`)).status).toBe(403);
  });
});

describe('POST /webhooks/whatsapp', () => {
  it('stores the raw event and ingests the message', async () => {
    const raw = loadWhatsAppFixture('text-nl.json');
    const res = await post(raw, sign(raw));
    expect(res.status).toBe(200);

    const events = await db.prisma.inboundEvent.findMany();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      provider: 'whatsapp',
      channelId,
      organizationId: orgId,
      dedupeKey: bodyKey(raw),
      rawBody: raw.toString('utf8'),
      status: 'PROCESSED',
      error: null,
    });
    expect(events[0]!.processedAt).not.toBeNull();

    const msgs = await db.prisma.message.findMany({ include: { thread: { include: { customer: true } } } });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.type).toBe('INCOMING');
    expect(msgs[0]!.content).toContain('lampje knippert rood');
    expect(msgs[0]!.thread.customer?.name).toBe('Joost de Vries');
    const ids = await db.prisma.customerIdentity.findMany({ where: { customerId: msgs[0]!.thread.customerId! } });
    expect(ids.map((i) => [i.kind, i.value])).toContainEqual(['WHATSAPP_ID', '31612345678']);
  });

  it('a redelivery creates nothing new', async () => {
    const raw = loadWhatsAppFixture('text-nl.json');
    expect((await post(raw, sign(raw))).status).toBe(200);
    expect((await post(raw, sign(raw))).status).toBe(200);
    expect(await counts()).toEqual({ events: 1, messages: 1 });
  });

  it('stores the unicode-escaped payload byte-for-byte and decodes its content', async () => {
    const raw = loadWhatsAppFixture('unicode-escaped-it.json');
    expect((await post(raw, sign(raw))).status).toBe(200);
    const [ev] = await db.prisma.inboundEvent.findMany();
    expect(Buffer.from(ev!.rawBody, 'utf8').equals(raw)).toBe(true);
    const [msg] = await db.prisma.message.findMany();
    expect(msg!.content).toContain('è possibile? Sito: https://www.ferrari-impianti.it @ 100%');
  });

  it('a batched POST yields a message per contact', async () => {
    const raw = loadWhatsAppFixture('batched-two-contacts.json');
    expect((await post(raw, sign(raw))).status).toBe(200);
    const customers = await db.prisma.customer.findMany({ orderBy: { name: 'asc' } });
    expect(customers.map((c) => c.name)).toEqual(['Fatima El Amrani', 'Pieter Jansen']);
    // One stored delivery (not one copy of the body per message), two messages.
    expect(await counts()).toEqual({ events: 1, messages: 2 });
  });

  it('missing signature → 401, nothing stored', async () => {
    const raw = loadWhatsAppFixture('text-nl.json');
    expect((await post(raw)).status).toBe(401);
    expect(await counts()).toEqual({ events: 0, messages: 0 });
  });

  it('wrong signature → 401, nothing stored', async () => {
    const raw = loadWhatsAppFixture('text-nl.json');
    expect((await post(raw, sign(raw, 'not-the-secret'))).status).toBe(401);
    expect((await post(raw, 'sha256=abc')).status).toBe(401);
    expect(await counts()).toEqual({ events: 0, messages: 0 });
  });

  it('re-serialised JSON with the original signature → 401', async () => {
    const raw = loadWhatsAppFixture('unicode-escaped-it.json');
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect((await post(reserialised, sign(raw))).status).toBe(401);
    expect(await counts()).toEqual({ events: 0, messages: 0 });
  });

  it('signed but malformed → 400, nothing stored', async () => {
    const notJson = Buffer.from('{"object":"whatsapp_business_account",');
    expect((await post(notJson, sign(notJson))).status).toBe(400);
    const wrong = Buffer.from(loadWhatsAppFixture('text-nl.json').toString('utf8').replace('"phone_number_id":"106540352242922"', '"phone_number":"x"'));
    const res = await post(wrong, sign(wrong));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('metadata.phone_number_id');
    expect(await counts()).toEqual({ events: 0, messages: 0 });
  });

  it("a payload for another tenant's number signed with this app's secret → 401", async () => {
    const raw = Buffer.from(loadWhatsAppFixture('text-nl.json').toString('utf8').replace('106540352242922', '200000000000001'));
    expect((await post(raw, sign(raw, SECRET))).status).toBe(401);
    expect(await counts()).toEqual({ events: 0, messages: 0 });
    // …and with that tenant's own secret it is accepted and routed there.
    expect((await post(raw, sign(raw, 'other-app-secret'))).status).toBe(200);
    const [msg] = await db.prisma.message.findMany();
    expect(msg!.channelId).toBe(otherChannelId);
  });

  it('an unknown phone number id is acknowledged and ignored', async () => {
    const raw = Buffer.from(loadWhatsAppFixture('text-nl.json').toString('utf8').replace('106540352242922', '999999999999999'));
    expect((await post(raw, sign(raw))).status).toBe(200);
    expect(await counts()).toEqual({ events: 0, messages: 0 });
  });

  it('statuses move an outbound message forward and never back', async () => {
    const raw = loadWhatsAppFixture('text-nl.json');
    await post(raw, sign(raw));
    const inbound = await db.prisma.message.findFirstOrThrow();
    const wamid = 'wamid.HBgLMzE2MTIzNDU2NzgVAgARGBJPVVRCT1VORDAwMDEA';
    await db.prisma.message.create({
      data: {
        organizationId: orgId,
        threadId: inbound.threadId,
        channelId,
        type: 'OUTGOING',
        content: 'Wij kijken ernaar.',
        externalMessageId: wamid,
        deliveryStatus: 'PENDING',
      },
    });
    const status = async () => (await db.prisma.message.findFirstOrThrow({ where: { externalMessageId: wamid } })).deliveryStatus;

    const read = fixtureWithWamid('status-read.json', wamid);
    expect((await post(read, sign(read))).status).toBe(200);
    expect(await status()).toBe('READ');

    const sent = fixtureWithWamid('status-sent.json', wamid);
    expect((await post(sent, sign(sent))).status).toBe(200);
    expect(await status()).toBe('READ');

    const failed = fixtureWithWamid('status-failed-131047.json', wamid);
    expect((await post(failed, sign(failed))).status).toBe(200);
    expect(await status()).toBe('READ');

    // One stored delivery per distinct POST body: the inbound message and three statuses.
    expect(await db.prisma.inboundEvent.count()).toBe(4);
    expect(await db.prisma.inboundEvent.count({ where: { status: 'PROCESSED' } })).toBe(4);
  });

  it('a failed status with 131047 marks a pending message FAILED with the error', async () => {
    const raw = loadWhatsAppFixture('text-nl.json');
    await post(raw, sign(raw));
    const inbound = await db.prisma.message.findFirstOrThrow();
    const wamid = 'wamid.HBgLMzE2MTIzNDU2NzgVAgARGBJPVVRCT1VORDAwMDIA';
    await db.prisma.message.create({
      data: { organizationId: orgId, threadId: inbound.threadId, channelId, type: 'OUTGOING', content: 'x', externalMessageId: wamid, deliveryStatus: 'SENT' },
    });
    const failed = fixtureWithWamid('status-failed-131047.json', wamid);
    expect((await post(failed, sign(failed))).status).toBe(200);
    const m = await db.prisma.message.findFirstOrThrow({ where: { externalMessageId: wamid } });
    expect(m.deliveryStatus).toBe('FAILED');
    expect((m.metadata as { error?: { code?: number } }).error?.code).toBe(131047);
  });
});
