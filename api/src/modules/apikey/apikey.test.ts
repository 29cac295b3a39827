/**
 * API keys: an admin creates one (secret shown once, only its hash stored),
 * lists and revokes it; `authenticateApiKey` resolves the secret until the
 * key is revoked; agents cannot manage keys.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditIds, gid, newAuditRows } from '../../../test/graphql/helpers.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../../../test/harness.js';
import { authenticateApiKey } from './apikey.service.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let adminToken: string;
let agentToken: string;
let channel: { id: string };

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  adminToken = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'ADMIN' }));
  agentToken = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'AGENT' }));
  channel = await createChannel(app.deps, org.id, { type: 'API' });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const KEY_FIELDS = 'id name prefix scopes channel { id } lastUsedAt revokedAt createdAt';
const CREATE = `mutation($i: CreateApiKeyInput!){ createApiKey(input:$i){ apiKey { ${KEY_FIELDS} } secret errors { code field message } } }`;
const REVOKE = `mutation($i: RevokeApiKeyInput!){ revokeApiKey(input:$i){ apiKey { ${KEY_FIELDS} } errors { code field message } } }`;
const LIST = `{ apiKeys { ${KEY_FIELDS} } }`;

const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('API keys', () => {
  let keyId: string;
  let secret: string;

  it('createApiKey returns a hub_ secret once and stores only its hash', async () => {
    const before = await auditIds(app.deps, orgId);
    const res = await server.gql(CREATE, { i: { name: 'Partner ingest', scopes: ['INGEST', 'READ'], channelId: gid('Channel', channel.id) } }, adminToken);
    expect(res.errors).toBeUndefined();
    const payload = res.data.createApiKey;
    expect(payload.errors).toEqual([]);
    secret = payload.secret;
    keyId = payload.apiKey.id;
    expect(secret).toMatch(/^hub_[A-Za-z0-9_-]{43}$/);
    expect(payload.apiKey).toMatchObject({
      name: 'Partner ingest',
      prefix: secret.slice(0, 12),
      scopes: ['INGEST', 'READ'],
      channel: { id: gid('Channel', channel.id) },
      lastUsedAt: null,
      revokedAt: null,
    });

    const row = await app.deps.db.prisma.apiKey.findUniqueOrThrow({ where: { id: uuidOf(keyId) } });
    expect(row.secretHash).toBe(sha256(secret));
    expect(JSON.stringify(row)).not.toContain(secret);

    const audit = await newAuditRows(app.deps, orgId, before);
    expect(audit.map((a) => a.action)).toEqual(['apiKey.create']);
    const text = JSON.stringify(audit[0]!.changes);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(row.secretHash);

    // Another create: a different secret.
    const second = await server.gql(CREATE, { i: { name: 'Reports', scopes: ['ANALYTICS'] } }, adminToken);
    expect(second.data.createApiKey.secret).not.toBe(secret);
    expect(second.data.createApiKey.apiKey.channel).toBeNull();
  });

  it('refuses empty scopes, a blank name and a channel of another organization', async () => {
    const count = await app.deps.db.prisma.apiKey.count();
    const empty = await server.gql(CREATE, { i: { name: 'x', scopes: [] } }, adminToken);
    expect(empty.data.createApiKey).toMatchObject({ apiKey: null, secret: null, errors: [expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'input.scopes' })] });
    const blank = await server.gql(CREATE, { i: { name: '  ', scopes: ['READ'] } }, adminToken);
    expect(blank.data.createApiKey.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'input.name' })]);
    const other = await createOrganization(app.deps);
    const foreign = await createChannel(app.deps, other.id, { type: 'API' });
    const res = await server.gql(CREATE, { i: { name: 'x', scopes: ['INGEST'], channelId: gid('Channel', foreign.id) } }, adminToken);
    expect(res.data.createApiKey.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.channelId' })]);
    expect(await app.deps.db.prisma.apiKey.count()).toBe(count);
  });

  it('apiKeys lists the organization’s keys, newest first', async () => {
    const other = await createOrganization(app.deps);
    const otherAdmin = await tokenFor(app.deps, await createUser(app.deps, other.id, { role: 'ADMIN' }));
    await server.gql(CREATE, { i: { name: 'Elsewhere', scopes: ['READ'] } }, otherAdmin);

    const res = await server.gql(LIST, {}, adminToken);
    expect(res.errors).toBeUndefined();
    expect(res.data.apiKeys.map((k: { name: string }) => k.name)).toEqual(['Reports', 'Partner ingest']);
    // Another organization's admin sees neither the list nor the node.
    const foreign = await server.gql(`query($id: ID!){ node(id:$id){ id } }`, { id: keyId }, otherAdmin);
    expect(foreign.data?.node ?? null).toBeNull();
    const own = await server.gql(`query($id: ID!){ node(id:$id){ ... on ApiKey { name } } }`, { id: keyId }, adminToken);
    expect(own.data.node).toEqual({ name: 'Partner ingest' });
  });

  it('an AGENT cannot list, create or revoke keys', async () => {
    expect((await server.gql(LIST, {}, agentToken)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(CREATE, { i: { name: 'x', scopes: ['READ'] } }, agentToken)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(REVOKE, { i: { apiKeyId: keyId } }, agentToken)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const node = await server.gql(`query($id: ID!){ node(id:$id){ ... on ApiKey { name } } }`, { id: keyId }, agentToken);
    expect(node.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('authenticateApiKey returns the key’s viewer and records lastUsedAt at most once a minute', async () => {
    const viewer = await authenticateApiKey(app.deps, secret);
    expect(viewer).toEqual({
      kind: 'API_KEY',
      id: uuidOf(keyId),
      organizationId: orgId,
      role: 'AGENT',
      name: 'Partner ingest',
      email: '',
      scopes: ['INGEST', 'READ'],
      channelId: channel.id,
    });
    const t0 = app.clock.now();
    const used = async () => (await app.deps.db.prisma.apiKey.findUniqueOrThrow({ where: { id: uuidOf(keyId) } })).lastUsedAt;
    expect(await used()).toEqual(t0);

    app.clock.advance(30_000);
    await authenticateApiKey(app.deps, secret);
    expect(await used()).toEqual(t0);

    app.clock.advance(31_000);
    await authenticateApiKey(app.deps, secret);
    expect(await used()).toEqual(app.clock.now());

    expect(await authenticateApiKey(app.deps, 'hub_not-a-key')).toBeNull();
    expect(await authenticateApiKey(app.deps, secret.slice(4))).toBeNull();
  });

  it('revokeApiKey revokes at once and is idempotent', async () => {
    // The key authenticates GraphQL requests with its scopes (READ), never as an admin.
    const asKey = await server.gql(`{ channels { id } }`, {}, secret);
    expect(asKey.errors).toBeUndefined();
    expect(asKey.data.channels).toContainEqual({ id: gid('Channel', channel.id) });
    expect((await server.gql(LIST, {}, secret)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const before = await auditIds(app.deps, orgId);
    const res = await server.gql(REVOKE, { i: { apiKeyId: keyId } }, adminToken);
    expect(res.data.revokeApiKey.errors).toEqual([]);
    const revokedAt = res.data.revokeApiKey.apiKey.revokedAt;
    expect(revokedAt).toBe(app.clock.now().toISOString());
    expect(await authenticateApiKey(app.deps, secret)).toBeNull();
    expect((await server.gql(`{ channels { id } }`, {}, secret)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const again = await server.gql(REVOKE, { i: { apiKeyId: keyId } }, adminToken);
    expect(again.data.revokeApiKey.errors).toEqual([]);
    expect(again.data.revokeApiKey.apiKey.revokedAt).toBe(revokedAt);

    const audit = await newAuditRows(app.deps, orgId, before);
    expect(audit.map((a) => a.action)).toEqual(['apiKey.revoke']);

    const missing = await server.gql(REVOKE, { i: { apiKeyId: gid('ApiKey', '00000000-0000-4000-8000-000000000000') } }, adminToken);
    expect(missing.data.revokeApiKey.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.apiKeyId' })]);
  });
});
