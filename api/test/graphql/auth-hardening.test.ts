/**
 * Issue 7 §2 and the login/session rows of §5, through the real HTTP server:
 * production secrets (a token signed with the development secret is refused),
 * login lockout per e-mail and per IP with one answer for every refusal,
 * one `login` per operation, revocable sessions (logout, revokeSessions,
 * deactivateUser) that close graphql-ws sockets, introspection by viewer, and
 * the audit rows of logins, sessions and API key use.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_JWT_SECRET, loadConfig } from '../../src/config.js';
import { introspectionAllowed } from '../../src/http/introspection.js';
import { LOGIN_LIMITS } from '../../src/modules/auth/login-guard.js';
import { API_KEY_USED_ACTION } from '../../src/modules/apikey/apikey.service.js';
import { createApiKeyFor, createOrganization, createTestApp, createTestServer, createUser, TEST_PASSWORD, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { collect, gid, trackPubSubListeners, wsClient } from './helpers.js';

// Counts argon2 verifications: every refused login must run exactly one, like a real check.
const argon = vi.hoisted(() => ({ verifies: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const orig = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...orig,
    verify: (...args: Parameters<typeof orig.verify>) => {
      argon.verifies++;
      return orig.verify(...args);
    },
  };
});

const PROD_SECRETS = { JWT_SECRET: 'prod-jwt-secret-for-tests-0123456789abcdef', APP_SECRET_KEY: 'prod-app-secret-for-tests-0123456789abcdef' };

let app: TestApp;
let server: TestServer;
let org: { id: string; slug: string };

let ipSeq = 0;
const ipRun = Math.floor(Math.random() * 250);
/** A fresh client address (X-Forwarded-For from loopback is trusted), so tests do not share IP counters. */
function nextIp(): string {
  const ip = `10.${ipRun}.${Math.floor(ipSeq / 250) % 250}.${(ipSeq % 250) + 1}`;
  ipSeq++;
  return ip;
}

const LOGIN = `mutation($email: String!, $password: String!, $slug: String) {
  login(email: $email, password: $password, organizationSlug: $slug) { token errors { code message field } }
}`;

async function post(srv: TestServer, body: unknown, opts: { ip?: string; token?: string } = {}) {
  const res = await fetch(`${srv.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(opts.ip ? { 'x-forwarded-for': opts.ip } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function login(email: string, password: string, ip: string, slug?: string) {
  const { body } = await post(server, { query: LOGIN, variables: { email, password, slug } }, { ip });
  expect(body.errors).toBeUndefined();
  return body.data.login as { token: string | null; errors: { code: string; message: string; field: string }[] };
}

const REFUSED = { token: null, errors: [{ code: 'INVALID_CREDENTIALS', message: 'E-mail address or password is incorrect.', field: 'email' }] };

async function auditRows(organizationId: string, action: string, entityId?: string) {
  await app.deps.loginGuard.settled();
  return app.deps.db.prisma.auditLog.findMany({ where: { organizationId, action, ...(entityId ? { entityId } : {}) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  org = await createOrganization(app.deps);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('login protection', () => {
  it('10 wrong passwords within 15 minutes lock the e-mail: the right password then gets the wrong-password answer; the next lock is longer', async () => {
    const user = await createUser(app.deps, org.id);
    const ip = nextIp();
    for (let i = 0; i < LOGIN_LIMITS.email.maxFailures; i++) {
      expect(await login(user.email, `wrong-${i}`, ip)).toEqual(REFUSED);
    }
    const before = argon.verifies;
    // Locked: the right password, from another address too, gets exactly the wrong-password answer, after a real verify.
    expect(await login(user.email, TEST_PASSWORD, nextIp())).toEqual(REFUSED);
    expect(argon.verifies - before).toBe(1);
    const firstLockMs = await app.deps.loginGuard.emailLockedForMs(user.email);
    expect(firstLockMs).toBeGreaterThan((LOGIN_LIMITS.email.lockSeconds - 60) * 1000);
    expect(firstLockMs).toBeLessThanOrEqual(LOGIN_LIMITS.email.lockSeconds * 1000);

    const failed = await auditRows(org.id, 'user.refuseLogin', user.id);
    expect(failed).toHaveLength(11);
    expect(failed.map((r) => (r.changes as any).after.reason)).toEqual([...Array(10).fill('WRONG_PASSWORD'), 'LOCKED']);
    expect(JSON.stringify(failed.map((r) => r.changes))).not.toContain('wrong-');
    const lockouts = await auditRows(org.id, 'user.lock', user.id);
    expect(lockouts.map((r) => (r.changes as any).after.lockedForSeconds)).toEqual([LOGIN_LIMITS.email.lockSeconds]);
    expect(lockouts[0]).toMatchObject({ entityType: 'User', ip });

    // The lock runs out (lifted here instead of waiting 15 minutes); the right password works and is audited.
    await app.deps.loginGuard.unlockEmail(user.email);
    const ok = await login(user.email, TEST_PASSWORD, ip);
    expect(ok.errors).toEqual([]);
    expect(ok.token).toEqual(expect.any(String));
    const logins = await auditRows(org.id, 'user.login', user.id);
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ actorType: 'USER', actorUserId: user.id, ip });

    // A second lockout within a day lasts twice as long.
    for (let i = 0; i < LOGIN_LIMITS.email.maxFailures; i++) await login(user.email, `again-${i}`, ip);
    expect(await login(user.email, TEST_PASSWORD, ip)).toEqual(REFUSED);
    const secondLockMs = await app.deps.loginGuard.emailLockedForMs(user.email);
    expect(secondLockMs).toBeGreaterThan((2 * LOGIN_LIMITS.email.lockSeconds - 60) * 1000);
    expect((await auditRows(org.id, 'user.lock', user.id)).map((r) => (r.changes as any).after.lockedForSeconds)).toEqual([
      LOGIN_LIMITS.email.lockSeconds,
      2 * LOGIN_LIMITS.email.lockSeconds,
    ]);
  });

  it('unknown e-mail, wrong password, locked account and an address of several organizations get the same answer after one argon2 verify each', async () => {
    const user = await createUser(app.deps, org.id);
    const locked = await createUser(app.deps, org.id);
    const other = await createOrganization(app.deps);
    const shared = `shared-${Date.now()}@example.test`;
    await createUser(app.deps, org.id, { email: shared });
    await createUser(app.deps, other.id, { email: shared });
    for (let i = 0; i < LOGIN_LIMITS.email.maxFailures; i++) await login(locked.email, `x${i}`, nextIp());

    const cases: [string, string, string][] = [
      ['unknown e-mail', `nobody-${Date.now()}@example.test`, TEST_PASSWORD],
      ['wrong password', user.email, 'not the password'],
      ['locked account, right password', locked.email, TEST_PASSWORD],
      ['several organizations, right password', shared, TEST_PASSWORD],
    ];
    for (const [label, email, password] of cases) {
      const before = argon.verifies;
      const answer = await login(email, password, nextIp());
      expect(answer, label).toEqual(REFUSED);
      expect(argon.verifies - before, label).toBe(1);
    }
    // The organization picks the account.
    const picked = await login(shared, TEST_PASSWORD, nextIp(), other.slug);
    expect(picked.errors).toEqual([]);
    expect(picked.token).toEqual(expect.any(String));
  });

  it(`${LOGIN_LIMITS.ip.maxFailures} failures from one address lock the address: its guesses are no longer evaluated, other addresses still log in`, async () => {
    const user = await createUser(app.deps, org.id);
    const ip = nextIp();
    // Guesses spread over many addresses (no e-mail reaches its own limit).
    for (let i = 0; i < LOGIN_LIMITS.ip.maxFailures; i++) {
      expect(await login(`guess-${i}-${Date.now()}@example.test`, 'hunter2', ip)).toEqual(REFUSED);
    }
    // The right password from the locked address: refused (the guess is not evaluated) and audited as such.
    expect(await login(user.email, TEST_PASSWORD, ip)).toEqual(REFUSED);
    const failed = await auditRows(org.id, 'user.refuseLogin', user.id);
    expect(failed.map((r) => (r.changes as any).after.reason)).toEqual(['IP_LOCKED']);
    // The same account from another address: fine.
    expect((await login(user.email, TEST_PASSWORD, nextIp())).errors).toEqual([]);
  });

  it('one login per operation: aliased (or fragment) logins are refused before any password is checked', async () => {
    const user = await createUser(app.deps, org.id);
    const ip = nextIp();
    const before = argon.verifies;
    const aliases = Array.from({ length: 5 }, (_, i) => `a${i}: login(email: "${user.email}", password: "guess-${i}") { token }`).join('\n');
    const aliased = await post(server, { query: `mutation { ${aliases} }` }, { ip });
    expect(aliased.body.data).toBeNull();
    expect(aliased.body.errors.map((e: any) => e.extensions.code)).toContain('BAD_USER_INPUT');
    expect(aliased.body.errors[0].message).toBe('Only one `login` per operation.');
    const viaFragment = await post(
      server,
      {
        query: `mutation { login(email: "${user.email}", password: "a") { token } ...F } fragment F on Mutation { again: login(email: "${user.email}", password: "b") { token } }`,
      },
      { ip },
    );
    expect(viaFragment.body.data).toBeNull();
    expect(viaFragment.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(argon.verifies - before).toBe(0);
    expect(await auditRows(org.id, 'user.refuseLogin', user.id)).toEqual([]);
    // A single login of the same request shape works.
    expect((await login(user.email, TEST_PASSWORD, ip)).errors).toEqual([]);
  });
});

describe('sessions', () => {
  const VIEWER = `{ viewer { id } }`;
  const viewerOf = async (token: string) => (await post(server, { query: VIEWER }, { token })).body;

  it('logout ends the session of the token used; a new login works; audited', async () => {
    const user = await createUser(app.deps, org.id);
    const session = await login(user.email, TEST_PASSWORD, nextIp());
    expect((await viewerOf(session.token!)).data.viewer.id).toBe(gid('User', user.id));
    const out = await post(server, { query: `mutation { logout { ok errors { code } } }` }, { token: session.token! });
    expect(out.body.data.logout).toEqual({ ok: true, errors: [] });
    const after = await viewerOf(session.token!);
    expect(after.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const again = await login(user.email, TEST_PASSWORD, nextIp());
    expect((await viewerOf(again.token!)).data.viewer.id).toBe(gid('User', user.id));
    const rows = await auditRows(org.id, 'user.logout', user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorType: 'USER', actorUserId: user.id, entityType: 'User' });
  });

  it("revokeSessions (ADMIN) ends every session of the user and closes the user's open socket with 4401", async () => {
    const admin = await createUser(app.deps, org.id, { role: 'ADMIN' });
    const agent = await createUser(app.deps, org.id);
    const adminToken = await tokenFor(app.deps, admin);
    const agentToken = await tokenFor(app.deps, agent);
    const otherAgentToken = await tokenFor(app.deps, await createUser(app.deps, org.id));

    // An agent may not revoke anyone's sessions.
    const forbidden = await post(
      server,
      { query: `mutation($u: ID!) { revokeSessions(userId: $u) { user { id } } }`, variables: { u: gid('User', admin.id) } },
      { token: agentToken },
    );
    expect(forbidden.body.errors[0].extensions.code).toBe('FORBIDDEN');

    const tracker = trackPubSubListeners(app.deps);
    const client = wsClient(server.port, agentToken);
    const bystander = wsClient(server.port, otherAgentToken);
    let closedWith: number | undefined;
    const closed = new Promise<number>((resolve) => client.on('closed', (e) => resolve((closedWith = (e as { code: number }).code))));
    try {
      const sub = collect(client, `subscription { threadUpdated { id } }`);
      const other = collect(bystander, `subscription { threadUpdated { id } }`);
      await tracker.waitFor(2);
      const started = Date.now();
      const res = await post(
        server,
        { query: `mutation($u: ID!) { revokeSessions(userId: $u) { user { id } errors { code } } }`, variables: { u: gid('User', agent.id) } },
        { token: adminToken },
      );
      expect(res.body.data.revokeSessions).toEqual({ user: { id: gid('User', agent.id) }, errors: [] });
      expect(await closed).toBe(4401);
      console.info(`socket closed ${Date.now() - started} ms after revokeSessions was sent (${process.env.TEST_REDIS_URL ? 'Redis' : 'in-process'} pub/sub)`);
      await expect(sub.done).rejects.toBeDefined();
      expect((await viewerOf(agentToken)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      // Someone else's socket and session are untouched.
      expect(other.events).toEqual([]);
      expect((await viewerOf(otherAgentToken)).data.viewer).toBeTruthy();
      const rows = await auditRows(org.id, 'user.revokeSessions', agent.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actorType: 'USER', actorUserId: admin.id });
      // A new socket with the revoked token is refused.
      const retry = wsClient(server.port, agentToken);
      try {
        await expect(collect(retry, `subscription { threadUpdated { id } }`).done).rejects.toBeDefined();
      } finally {
        await retry.dispose();
      }
    } finally {
      tracker.restore();
      expect(closedWith).toBe(4401);
      await client.dispose();
      await bystander.dispose();
    }
  });

  it('deactivateUser (ADMIN) closes the socket, ends the sessions and refuses later logins like a wrong password', async () => {
    const admin = await createUser(app.deps, org.id, { role: 'ADMIN' });
    const agent = await createUser(app.deps, org.id);
    const adminToken = await tokenFor(app.deps, admin);
    const agentToken = await tokenFor(app.deps, agent);
    const tracker = trackPubSubListeners(app.deps);
    const client = wsClient(server.port, agentToken);
    const closed = new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));
    try {
      collect(client, `subscription { messageAdded { id } }`);
      await tracker.waitFor(1);
      const res = await post(
        server,
        { query: `mutation($u: ID!) { deactivateUser(userId: $u) { user { id isActive } errors { code } } }`, variables: { u: gid('User', agent.id) } },
        { token: adminToken },
      );
      expect(res.body.data.deactivateUser).toEqual({ user: { id: gid('User', agent.id), isActive: false }, errors: [] });
      expect(await closed).toBe(4401);
    } finally {
      tracker.restore();
      await client.dispose();
    }
    expect((await viewerOf(agentToken)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await login(agent.email, TEST_PASSWORD, nextIp())).toEqual(REFUSED);
    const rows = await auditRows(org.id, 'user.deactivate', agent.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].changes).toEqual({ before: { isActive: true }, after: { isActive: false } });
    // An admin cannot lock themself out.
    const self = await post(
      server,
      { query: `mutation($u: ID!) { deactivateUser(userId: $u) { errors { code } } }`, variables: { u: gid('User', admin.id) } },
      { token: adminToken },
    );
    expect(self.body.data.deactivateUser.errors).toEqual([{ code: 'VALIDATION_FAILED' }]);
  });

  it('an API key is audited on its first use of each day (apiKey.use), not on every request', async () => {
    const key = await createApiKeyFor(app.deps, org.id, ['READ']);
    const keyRow = await app.deps.db.prisma.apiKey.findFirstOrThrow({ where: { organizationId: org.id }, orderBy: { createdAt: 'desc' } });
    for (let i = 0; i < 3; i++) expect((await post(server, { query: `{ channels { id } }` }, { token: key })).body.errors).toBeUndefined();
    app.clock.advance(2 * 60_000);
    await post(server, { query: `{ channels { id } }` }, { token: key });
    const rows = await auditRows(org.id, API_KEY_USED_ACTION, keyRow.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorType: 'API_KEY', actorApiKeyId: keyRow.id, entityType: 'ApiKey' });
    app.clock.advance(24 * 3600_000);
    await post(server, { query: `{ channels { id } }` }, { token: key });
    await post(server, { query: `{ channels { id } }` }, { token: key });
    expect(await auditRows(org.id, API_KEY_USED_ACTION, keyRow.id)).toHaveLength(2);
  });
});

describe('production mode', () => {
  let prod: TestApp;
  let prodServer: TestServer;
  beforeAll(async () => {
    prod = await createTestApp({ NODE_ENV: 'production', ...PROD_SECRETS });
    prodServer = await createTestServer(prod.deps);
  });
  afterAll(async () => {
    await prodServer?.close();
    await prod?.close();
  });

  it('runs in production mode with the configured secrets', () => {
    expect(prod.deps.config.mode).toBe('production');
    expect(prod.deps.config.jwtSecret).toBe(PROD_SECRETS.JWT_SECRET);
    expect(app.deps.config.mode).toBe('development');
  });

  it('a token signed with the development secret is refused; one signed with the configured secret is accepted', async () => {
    const o = await createOrganization(prod.deps);
    const admin = await createUser(prod.deps, o.id, { role: 'ADMIN' });
    const iat = Math.floor(prod.clock.now().getTime() / 1000);
    const forged = await new SignJWT({ org: o.id, ver: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(admin.id)
      .setIssuer('hub')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(new TextEncoder().encode(DEV_JWT_SECRET));
    const refused = await post(prodServer, { query: `{ viewer { id role } }` }, { token: forged });
    expect(refused.body.data).toBeNull();
    expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const real = await post(prodServer, { query: `{ viewer { id role } }` }, { token: await tokenFor(prod.deps, admin) });
    expect(real.body.data.viewer).toEqual({ id: gid('User', admin.id), role: 'ADMIN' });
  });

  it('introspection: refused for anonymous requests and API keys, allowed for users; allowed for everyone in development', async () => {
    const INTROSPECT = `{ __schema { queryType { name } } }`;
    const o = await createOrganization(prod.deps);
    const userToken = await tokenFor(prod.deps, await createUser(prod.deps, o.id));
    const key = await createApiKeyFor(prod.deps, o.id, ['READ']);
    for (const token of [undefined, key]) {
      const res = await post(prodServer, { query: INTROSPECT }, { token, ip: nextIp() });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('INTROSPECTION_DISABLED');
      expect(res.body.data).toBeUndefined();
      // __typename is no introspection.
      expect((await post(prodServer, { query: `{ __typename }` }, { token, ip: nextIp() })).body.data).toEqual({ __typename: 'Query' });
    }
    expect((await post(prodServer, { query: INTROSPECT }, { token: userToken })).body.data.__schema.queryType.name).toBe('Query');
    expect((await post(server, { query: INTROSPECT }, { ip: nextIp() })).body.data.__schema.queryType.name).toBe('Query');
    // Over graphql-ws too (an API key's socket).
    const client = wsClient(prodServer.port, key);
    try {
      const sub = collect(client, `query { __type(name: "Thread") { name } }`);
      await expect(sub.done).rejects.toBeDefined();
      expect(JSON.stringify(await sub.done.catch((e) => e))).toContain('INTROSPECTION_DISABLED');
    } finally {
      await client.dispose();
    }
  });

  it('GRAPHQL_INTROSPECTION: on opens it to everyone, off closes it to everyone', () => {
    const user = { kind: 'USER' } as never;
    const key = { kind: 'API_KEY' } as never;
    const cfg = (GRAPHQL_INTROSPECTION: string, NODE_ENV = 'production') => loadConfig({ NODE_ENV, GRAPHQL_INTROSPECTION, ...PROD_SECRETS });
    expect([null, key, user].map((v) => introspectionAllowed(cfg('auto'), v))).toEqual([false, false, true]);
    expect([null, key, user].map((v) => introspectionAllowed(cfg('on'), v))).toEqual([true, true, true]);
    expect([null, key, user].map((v) => introspectionAllowed(cfg('off'), v))).toEqual([false, false, false]);
    expect([null, key, user].map((v) => introspectionAllowed(cfg('auto', 'development'), v))).toEqual([true, true, true]);
    expect(() => cfg('sometimes')).toThrow(/GRAPHQL_INTROSPECTION/);
  });
});
