/**
 * Channel administration through GraphQL: an admin creates and updates a
 * WhatsApp channel (secrets sealed at rest, read back masked, write-only on
 * update), tests it against the loopback Cloud API fake; agents cannot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { adapters } from '../../channels/registry.js';
import type { ChannelAdapter } from '../../channels/types.js';
import { SecretBox } from '../../shared/crypto.js';
import { startFakeWhatsAppCloud, type FakeWhatsAppCloud } from '../../sandbox/whatsapp.js';
import { auditIds, gid, newAuditRows } from '../../../test/graphql/helpers.js';
import {
  createChannel as createRawChannel,
  createOrganization,
  createTestApp,
  createTestServer,
  createUser,
  tokenFor,
  type TestApp,
  type TestServer,
} from '../../../test/harness.js';
import { openChannelConfig } from './channel.service.js';

const PHONE = '106540352200001';
const TOKEN = 'EAAGtoken-correct-0001';
const CONFIG = {
  phoneNumberId: PHONE,
  displayPhoneNumber: '31202152900',
  appSecret: 'app-secret-abcdef-1234',
  verifyToken: 'verify-token-wxyz-5678',
  accessToken: TOKEN,
};
const SECRETS = [CONFIG.appSecret, CONFIG.verifyToken, CONFIG.accessToken];

let fake: FakeWhatsAppCloud;
let app: TestApp;
let server: TestServer;
let orgId: string;
let adminToken: string;
let agentToken: string;

beforeAll(async () => {
  fake = await startFakeWhatsAppCloud({ accessToken: TOKEN, phoneNumberIds: [PHONE] });
  app = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: fake.baseUrl, PUBLIC_URL: 'https://hub.example.test/' });
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  adminToken = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'ADMIN', name: 'Admin' }));
  agentToken = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'AGENT' }));
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await fake?.close();
});

const CHANNEL_FIELDS = `id type name isActive responseSlaHours canSend replyWindowSeconds provider configuration secretKeys webhookUrl
  health { lastInboundAt lastSendAt lastError lastErrorAt subscriptionExpiresAt }`;
const CREATE = `mutation($i: CreateChannelInput!){ createChannel(input:$i){ channel { ${CHANNEL_FIELDS} } errors { code field message } } }`;
const UPDATE = `mutation($i: UpdateChannelInput!){ updateChannel(input:$i){ channel { ${CHANNEL_FIELDS} } errors { code field message } } }`;
const TEST = `mutation($id: ID!){ testChannel(channelId:$id){ ok code message } }`;

const create = (input: Record<string, unknown>, token = adminToken) => server.gql(CREATE, { i: input }, token);
const update = (input: Record<string, unknown>, token = adminToken) => server.gql(UPDATE, { i: input }, token);
const rawRow = (globalId: string) => {
  const id = Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;
  return app.deps.db.prisma.channel.findUniqueOrThrow({ where: { id } });
};

let channelId: string;

describe('createChannel', () => {
  it('validates, seals the secrets at rest and reads them back masked', async () => {
    const before = await auditIds(app.deps, orgId);
    const res = await create({ type: 'WHATSAPP_BUSINESS', name: 'WhatsApp NL', configuration: CONFIG, responseSlaHours: 4 });
    expect(res.errors).toBeUndefined();
    const { channel, errors } = res.data.createChannel;
    expect(errors).toEqual([]);
    channelId = channel.id;
    expect(channel).toMatchObject({
      type: 'WHATSAPP_BUSINESS',
      name: 'WhatsApp NL',
      isActive: true,
      responseSlaHours: 4,
      canSend: true,
      replyWindowSeconds: 86400,
      provider: 'whatsapp',
      secretKeys: ['appSecret', 'verifyToken', 'accessToken'],
      webhookUrl: 'https://hub.example.test/webhooks/whatsapp',
      health: { lastInboundAt: null, lastSendAt: null, lastError: null, lastErrorAt: null, subscriptionExpiresAt: null },
    });
    expect(channel.configuration).toEqual({
      phoneNumberId: PHONE,
      displayPhoneNumber: '31202152900',
      appSecret: '••••1234',
      verifyToken: '••••5678',
      accessToken: '••••0001',
    });

    const row = await rawRow(channelId);
    expect(row.externalId).toBe(PHONE);
    const stored = JSON.stringify(row.configuration);
    for (const s of SECRETS) expect(stored).not.toContain(s);
    const cfg = row.configuration as Record<string, unknown>;
    for (const k of ['appSecret', 'verifyToken', 'accessToken']) expect(SecretBox.isSealed(cfg[k])).toBe(true);
    expect(openChannelConfig(app.deps, row)).toEqual(CONFIG);

    const audit = await newAuditRows(app.deps, orgId, before);
    expect(audit.map((a) => a.action)).toEqual(['channel.create']);
    const changes = JSON.stringify(audit[0]!.changes);
    for (const s of SECRETS) expect(changes).not.toContain(s);
    expect(changes).not.toContain('enc:v1:');
  });

  it('refuses an invalid configuration with VALIDATION_FAILED naming the key', async () => {
    const count = await app.deps.db.prisma.channel.count();
    const res = await create({ type: 'WHATSAPP_BUSINESS', name: 'Bad', configuration: { ...CONFIG, phoneNumberId: '106540352200002', appSecret: 'short' } });
    expect(res.data.createChannel.channel).toBeNull();
    expect(res.data.createChannel.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'input.configuration.appSecret' })]);

    const missing = await create({ type: 'WHATSAPP_BUSINESS', name: 'Bad', configuration: { appSecret: CONFIG.appSecret, verifyToken: CONFIG.verifyToken, accessToken: TOKEN } });
    expect(missing.data.createChannel.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'input.configuration.phoneNumberId' })]);
    expect(await app.deps.db.prisma.channel.count()).toBe(count);
  });

  it('refuses a routing key another channel uses (CONFLICT) and a type without provider (CHANNEL_NOT_SUPPORTED)', async () => {
    const dup = await create({ type: 'WHATSAPP_BUSINESS', name: 'Twin', configuration: CONFIG });
    expect(dup.data.createChannel.errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: 'input.configuration' })]);

    const phone = await create({ type: 'PHONE_CALL', name: 'Phone', configuration: {} });
    expect(phone.data.createChannel.errors).toEqual([expect.objectContaining({ code: 'CHANNEL_NOT_SUPPORTED', field: 'input.type' })]);
  });

  it('queues the subscription job for a provider with subscriptions', async () => {
    // A stand-in adapter with subscriptions (restored afterwards).
    const original = adapters.EMAIL_OUTLOOK;
    const stub: ChannelAdapter<{ mailbox: string; clientSecret: string }> = {
      channelType: 'EMAIL_OUTLOOK',
      provider: 'outlook-test',
      configSchema: z.object({ mailbox: z.string().min(1), clientSecret: z.string().min(8) }),
      secretKeys: ['clientSecret'],
      routingKey: (c) => c.mailbox,
      errors: {},
      recipient: () => null,
      subscriptions: {
        renewAt: (_c, now) => now,
        ensure: async () => ({ patch: {}, catchUp: false }),
        onLifecycle: async () => ({ patch: {}, catchUp: false }),
        catchUp: async () => ({ events: [], patch: {} }),
      },
    };
    adapters.EMAIL_OUTLOOK = stub;
    try {
      const res = await create({ type: 'EMAIL_OUTLOOK', name: 'Mailbox', configuration: { mailbox: 'support@example.test', clientSecret: 'client-secret-9999' } });
      expect(res.data.createChannel.errors).toEqual([]);
      const ch = res.data.createChannel.channel;
      expect(ch.webhookUrl).toBeNull();
      expect(ch.configuration).toEqual({ mailbox: 'support@example.test', clientSecret: '••••9999' });
      const row = await rawRow(ch.id);
      const jobs = await app.deps.db.prisma.job.findMany({ where: { queue: 'channel.subscription', singletonKey: `channel.subscription:${row.id}` } });
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.payload).toEqual({ channelId: row.id });
    } finally {
      if (original) adapters.EMAIL_OUTLOOK = original;
      else delete adapters.EMAIL_OUTLOOK;
    }
  });
});

describe('updateChannel', () => {
  it('keeps a secret sent back masked and replaces it with a new value', async () => {
    const read = (await server.gql(`query($id: ID!){ node(id:$id){ ... on Channel { configuration } } }`, { id: channelId }, adminToken)).data.node;
    // The client sends back what it read: masks included.
    const before = await auditIds(app.deps, orgId);
    const same = await update({ channelId, name: 'WhatsApp NL (main)', configuration: read.configuration });
    expect(same.data.updateChannel.errors).toEqual([]);
    expect(same.data.updateChannel.channel.name).toBe('WhatsApp NL (main)');
    expect(openChannelConfig(app.deps, await rawRow(channelId))).toEqual(CONFIG);

    const NEW_SECRET = 'app-secret-rotated-4321';
    const changed = await update({ channelId, configuration: { appSecret: NEW_SECRET, accessToken: '••••0001', displayPhoneNumber: null } });
    expect(changed.data.updateChannel.errors).toEqual([]);
    expect(changed.data.updateChannel.channel.configuration).toEqual({
      phoneNumberId: PHONE,
      appSecret: '••••4321',
      verifyToken: '••••5678',
      accessToken: '••••0001',
    });
    const row = await rawRow(channelId);
    expect(JSON.stringify(row.configuration)).not.toContain(NEW_SECRET);
    expect(openChannelConfig(app.deps, row)).toEqual({ phoneNumberId: PHONE, appSecret: NEW_SECRET, verifyToken: CONFIG.verifyToken, accessToken: TOKEN });

    const audit = await newAuditRows(app.deps, orgId, before);
    expect(audit.map((a) => a.action)).toEqual(['channel.update', 'channel.update']);
    const text = JSON.stringify(audit.map((a) => a.changes));
    for (const s of [...SECRETS, NEW_SECRET]) expect(text).not.toContain(s);
    expect((audit[1]!.changes as { after: { secretsChanged?: string[] } }).after.secretsChanged).toEqual(['appSecret']);
  });

  it('refuses removing a required key and an invalid value, changing nothing', async () => {
    const before = await rawRow(channelId);
    const removed = await update({ channelId, configuration: { accessToken: null } });
    expect(removed.data.updateChannel.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'input.configuration.accessToken' })]);
    const invalid = await update({ channelId, configuration: { phoneNumberId: 'not-a-number' } });
    expect(invalid.data.updateChannel.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'input.configuration.phoneNumberId' })]);
    expect((await rawRow(channelId)).updatedAt).toEqual(before.updatedAt);
  });

  it('answers NOT_FOUND for a channel of another organization', async () => {
    const other = await createOrganization(app.deps);
    const foreign = await createRawChannel(app.deps, other.id, { type: 'WHATSAPP_BUSINESS' });
    const res = await update({ channelId: gid('Channel', foreign.id), name: 'Mine now' });
    expect(res.data.updateChannel.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.channelId' })]);
  });
});

describe('testChannel', () => {
  it('calls the provider: ok with the right token, ok:false with a wrong one', async () => {
    const ok = await server.gql(TEST, { id: channelId }, adminToken);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.testChannel).toMatchObject({ ok: true, code: null });
    const call = fake.requests.at(-1)!;
    expect(call.method).toBe('GET');
    expect(call.path).toBe(`/v21.0/${PHONE}`);

    await update({ channelId, configuration: { accessToken: 'EAAGtoken-wrong-9999' } });
    const bad = await server.gql(TEST, { id: channelId }, adminToken);
    expect(bad.errors).toBeUndefined();
    expect(bad.data.testChannel).toMatchObject({ ok: false, code: '190' });
    expect(bad.data.testChannel.message).toMatch(/token/i);

    await update({ channelId, configuration: { accessToken: TOKEN } });
    expect((await server.gql(TEST, { id: channelId }, adminToken)).data.testChannel.ok).toBe(true);
  });

  it('says CHANNEL_NOT_SUPPORTED for a channel without provider', async () => {
    const phone = await createRawChannel(app.deps, orgId, { type: 'PHONE_CALL' });
    const res = await server.gql(TEST, { id: gid('Channel', phone.id) }, adminToken);
    expect(res.data.testChannel).toMatchObject({ ok: false, code: 'CHANNEL_NOT_SUPPORTED' });
  });
});

describe('access', () => {
  it('an AGENT reads the public channel fields but gets FORBIDDEN on configuration and on the mutations', async () => {
    const pub = await server.gql(`{ channels { id name canSend replyWindowSeconds provider } }`, {}, agentToken);
    expect(pub.errors).toBeUndefined();
    expect(pub.data.channels).toContainEqual({ id: channelId, name: 'WhatsApp NL (main)', canSend: true, replyWindowSeconds: 86400, provider: 'whatsapp' });

    for (const field of ['configuration', 'secretKeys', 'webhookUrl', 'health { lastError }']) {
      const res = await server.gql(`{ channels { id ${field} } }`, {}, agentToken);
      expect(res.errors?.[0]?.extensions?.code, field).toBe('FORBIDDEN');
    }

    const count = await app.deps.db.prisma.channel.count();
    const created = await create({ type: 'WHATSAPP_BUSINESS', name: 'Agent', configuration: { ...CONFIG, phoneNumberId: '106540352200009' } }, agentToken);
    expect(created.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await app.deps.db.prisma.channel.count()).toBe(count);
    const updated = await update({ channelId, name: 'Agent was here' }, agentToken);
    expect(updated.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tested = await server.gql(TEST, { id: channelId }, agentToken);
    expect(tested.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
