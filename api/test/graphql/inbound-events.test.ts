/**
 * What the webhooks received, for an ADMIN: `inboundEvents` lists the stored
 * WhatsApp deliveries with their processing state (PROCESSED, FAILED with the
 * error, IGNORED), attempts and result, filters by status; `replayInboundEvent`
 * of a processed delivery adds nothing, of a failed one (once the cause is
 * fixed) stores its message. Agents get FORBIDDEN for both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWhatsAppBody } from '../../src/channels/whatsapp/signature.js';
import { SecretBox } from '../../src/shared/crypto.js';
import { loadWhatsAppFixture, whatsappDemoChannel } from '../fakes/fixtures.js';
import { createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid, rowCounts } from './helpers.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let adminToken: string;
let agentToken: string;
let channel: Awaited<ReturnType<typeof createWhatsAppChannel>>;

/** A second number of the organization, removed while its delivery waits in the queue. */
const OTHER_PHONE_ID = '106540352299999';

const TEXT = loadWhatsAppFixture('text-nl.json');
const IMAGE = loadWhatsAppFixture('image-caption.json');
const LOCATION = loadWhatsAppFixture('location.json');
const wamidOf = (body: Buffer) => JSON.parse(body.toString('utf8')).entry[0].changes[0].value.messages[0].id as string;
/** The text fixture addressed to the other number, with its own message id. */
const FOR_OTHER = Buffer.from(
  TEXT.toString('utf8').replace(whatsappDemoChannel.phoneNumberId, OTHER_PHONE_ID).replace(wamidOf(TEXT), 'wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI3RjlDMEU1RDQ4QTExQjJDOQA='),
  'utf8',
);

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  adminToken = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'ADMIN', name: 'Admin' }));
  agentToken = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'AGENT' }));
  channel = await createWhatsAppChannel(app.deps, org.id);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

/** POSTs a signed WhatsApp webhook (stored + acknowledged; processing waits for the queue). */
async function post(body: Buffer) {
  const res = await fetch(`${server.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(body, whatsappDemoChannel.appSecret) },
    body,
  });
  expect(res.status).toBe(200);
  // Deliveries are listed newest first by receivedAt (the hub clock): keep them apart.
  app.clock.advance(1000);
}

const EVENT_FIELDS = 'id provider status attempts error processedAt result dedupeKey channel { id }';
const LIST = `query($first: Int!, $status: InboundEventStatus){ inboundEvents(first: $first, status: $status){ totalCount edges { node { ${EVENT_FIELDS} } } } }`;
const REPLAY = `mutation($id: ID!){ replayInboundEvent(id: $id){ inboundEvent { ${EVENT_FIELDS} } errors { code field message } } }`;
const nodesOf = (res: { data: any }) => res.data.inboundEvents.edges.map((e: any) => e.node);
const list = (status?: string, token = adminToken) => server.gql(LIST, { first: 10, ...(status ? { status } : {}) }, token);

let ids: { text: string; image: string; location: string; orphan: string };

describe('inboundEvents and replayInboundEvent', () => {
  it('lists every delivery with provider, status, attempts, error and result; filters by status', async () => {
    // Two deliveries that process normally.
    await post(TEXT);
    await post(IMAGE);
    await app.deps.jobs.settle();

    // A delivery whose processing fails: the channel's secrets were sealed with
    // another APP_SECRET_KEY (e.g. a configuration copied from another environment).
    await post(LOCATION);
    const good = await app.deps.db.prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    const foreign = new SecretBox('another-environment-app-secret-key-0123456789');
    const { phoneNumberId, appSecret, verifyToken, accessToken } = whatsappDemoChannel;
    await app.deps.db.prisma.channel.update({
      where: { id: channel.id },
      data: { configuration: foreign.sealKeys({ phoneNumberId, appSecret, verifyToken, accessToken }, ['appSecret', 'verifyToken', 'accessToken']) as object },
    });
    await app.deps.jobs.settle();
    await app.deps.db.prisma.channel.update({ where: { id: channel.id }, data: { configuration: good.configuration as object } });

    // A delivery for a number removed before it was processed: nothing to apply.
    const other = await createWhatsAppChannel(app.deps, orgId, { externalId: OTHER_PHONE_ID, configuration: { phoneNumberId: OTHER_PHONE_ID } });
    await post(FOR_OTHER);
    await app.deps.db.prisma.channel.delete({ where: { id: other.id } });
    await app.deps.jobs.settle();

    const res = await list();
    expect(res.errors).toBeUndefined();
    const { totalCount } = res.data.inboundEvents;
    const nodes = nodesOf(res);
    expect(totalCount).toBe(4);
    // Newest first.
    const [orphan, location, image, text] = nodes;
    expect(nodes.map((n: any) => n.provider)).toEqual(['whatsapp', 'whatsapp', 'whatsapp', 'whatsapp']);
    expect(nodes.map((n: any) => n.status)).toEqual(['IGNORED', 'FAILED', 'PROCESSED', 'PROCESSED']);
    ids = { text: text.id, image: image.id, location: location.id, orphan: orphan.id };

    for (const ok of [text, image]) {
      expect(ok).toMatchObject({ attempts: 1, error: null, result: { events: 1, messagesCreated: 1 }, channel: { id: gid('Channel', channel.id) } });
      expect(ok.processedAt).toBeTruthy();
    }
    expect(location.attempts).toBe(1);
    expect(location.error).toMatch(/cannot be decrypted/);
    expect(location.processedAt).toBeNull();
    expect(orphan).toMatchObject({ attempts: 1, error: null, result: { events: 0, messagesCreated: 0 }, channel: null });

    // The stored messages are those of the processed deliveries only.
    const stored = await app.deps.db.prisma.message.findMany({ where: { organizationId: orgId }, select: { externalMessageId: true } });
    expect(stored.map((m) => m.externalMessageId).sort()).toEqual([wamidOf(TEXT), wamidOf(IMAGE)].sort());

    const failed = await list('FAILED');
    expect(failed.data.inboundEvents.totalCount).toBe(1);
    expect(nodesOf(failed).map((n: any) => n.id)).toEqual([ids.location]);
    const processed = await list('PROCESSED');
    expect(nodesOf(processed).map((n: any) => n.id)).toEqual([ids.image, ids.text]);
    const ignored = await list('IGNORED');
    expect(nodesOf(ignored).map((n: any) => n.id)).toEqual([ids.orphan]);
  });

  it('replaying a processed delivery adds no rows (only its audit entry)', async () => {
    const before = await rowCounts(app.deps, orgId);
    const r = await server.gql(REPLAY, { id: ids.text }, adminToken);
    expect(r.errors).toBeUndefined();
    expect(r.data.replayInboundEvent.errors).toEqual([]);
    expect(r.data.replayInboundEvent.inboundEvent).toMatchObject({ id: ids.text, status: 'PROCESSED', attempts: 2, error: null, result: { events: 1, messagesCreated: 0 } });
    const after = await rowCounts(app.deps, orgId);
    expect(after).toEqual({ ...before, auditLogs: before.auditLogs + 1 });
    const audit = await app.deps.db.prisma.auditLog.findFirstOrThrow({ where: { organizationId: orgId, action: 'inboundEvent.replay' } });
    expect(audit.entityId).toBe(Buffer.from(ids.text, 'base64').toString('utf8').split(':')[1]);
  });

  it('replaying the failed delivery once its channel is readable again stores its message', async () => {
    const before = await rowCounts(app.deps, orgId);
    const r = await server.gql(REPLAY, { id: ids.location }, adminToken);
    expect(r.data.replayInboundEvent.errors).toEqual([]);
    expect(r.data.replayInboundEvent.inboundEvent).toMatchObject({ status: 'PROCESSED', attempts: 2, error: null, result: { events: 1, messagesCreated: 1 } });
    const after = await rowCounts(app.deps, orgId);
    expect(after.messages).toBe(before.messages + 1);
    expect(await app.deps.db.prisma.message.count({ where: { externalMessageId: wamidOf(LOCATION) } })).toBe(1);
    expect((await list('FAILED')).data.inboundEvents.totalCount).toBe(0);
  });

  it('an AGENT gets FORBIDDEN for the list and the replay, and nothing changes', async () => {
    const before = await rowCounts(app.deps, orgId);
    const eventBefore = await app.deps.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: Buffer.from(ids.image, 'base64').toString('utf8').split(':')[1]! } });

    const listed = await list(undefined, agentToken);
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(listed.data?.inboundEvents ?? null).toBeNull();

    const replayed = await server.gql(REPLAY, { id: ids.image }, agentToken);
    expect(replayed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(replayed.data?.replayInboundEvent ?? null).toBeNull();

    expect(await rowCounts(app.deps, orgId)).toEqual(before);
    const eventAfter = await app.deps.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: eventBefore.id } });
    expect(eventAfter.attempts).toBe(eventBefore.attempts);
  });
});
