/**
 * The session lookup is cached (api/src/modules/auth/viewer-cache.ts): a warm session costs no
 * SQL statement on "User", and a revocation still takes effect at once — on this instance through
 * bumpSessions, on other instances through the `sessionsRevoked` event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/modules/auth/auth.service.js';
import { createOrganization, createTestApp, createTestServer, createUser, testDatabaseKind, tokenFor, type TestApp, type TestServer } from '../harness.js';

let app: TestApp;
let server: TestServer;
let org: { id: string };

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  org = await createOrganization(app.deps);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

const COUNT = `{ threads(first: 0) { totalCount } }`;

/** Runs one request and returns its answer and the SQL statements that read the User table. */
async function userStatements(token: string) {
  const statements: string[] = [];
  const listener = (sql: string) => {
    if (/FROM "public"\."User"/.test(sql)) statements.push(sql);
  };
  app.deps.db.onQuery.add(listener);
  try {
    return { res: (await server.gql(COUNT, {}, token)) as { data?: { threads: { totalCount: number } }; errors?: { extensions: { code: string } }[] }, statements };
  } finally {
    app.deps.db.onQuery.delete(listener);
  }
}

describe(`session lookup cache (${testDatabaseKind})`, () => {
  it('reads the user once for several requests of one session, and never the password hash', async () => {
    const user = await createUser(app.deps, org.id);
    const token = await tokenFor(app.deps, user);
    const first = await userStatements(token);
    expect(first.res.errors).toBeUndefined();
    expect(first.statements).toHaveLength(1);
    expect(first.statements[0]).not.toContain('passwordHash');
    for (let i = 0; i < 3; i++) {
      const again = await userStatements(token);
      expect(again.res.data?.threads.totalCount).toBe(0);
      expect(again.statements).toEqual([]);
    }
  });

  it('a revocation on another instance (its sessionsRevoked event) ends a cached session here at once', async () => {
    const user = await createUser(app.deps, org.id);
    const token = await tokenFor(app.deps, user);
    expect((await userStatements(token)).res.errors).toBeUndefined();
    // What revokeSessions on another instance does: bump the version in the database, then publish.
    const bumped = await app.deps.db.prisma.user.update({ where: { id: user.id }, data: { tokenVersion: { increment: 1 } } });
    app.deps.pubsub.publish('sessionsRevoked', { organizationId: org.id, userId: user.id, tokenVersion: bumped.tokenVersion });
    // The event is delivered asynchronously (Redis when configured): within 2 s, well inside the cache's 5 s TTL.
    let code: string | undefined;
    for (const until = Date.now() + 2_000; Date.now() < until; ) {
      code = (await userStatements(token)).res.errors?.[0]?.extensions.code;
      if (code) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(code).toBe('UNAUTHENTICATED');
  });

  it('another user of the same organization keeps their cached session', async () => {
    const revoked = await createUser(app.deps, org.id);
    const other = await createUser(app.deps, org.id);
    const otherToken = await tokenFor(app.deps, other);
    expect((await userStatements(otherToken)).res.errors).toBeUndefined();
    app.deps.pubsub.publish('sessionsRevoked', { organizationId: org.id, userId: revoked.id, tokenVersion: 1 });
    await new Promise((r) => setTimeout(r, 100));
    const again = await userStatements(otherToken);
    expect(again.res.errors).toBeUndefined();
    expect(again.statements).toEqual([]);
  });

  it('a verified token is reused until it expires on the hub clock; a forged one is refused even then', async () => {
    const user = await createUser(app.deps, org.id);
    const token = await tokenFor(app.deps, user);
    expect((await authenticate(app.deps, `Bearer ${token}`))?.id).toBe(user.id);
    expect((await authenticate(app.deps, `Bearer ${token}`))?.id).toBe(user.id);
    // The same header and claims with another signature: not the cached token, so verified, and refused.
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature!.slice(0, -4)}${signature!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(await authenticate(app.deps, `Bearer ${forged}`)).toBeNull();
    // Past exp (JWT_TTL_SECONDS on the hub clock) the cached token is refused like an unverified one.
    const ttl = app.deps.config.JWT_TTL_SECONDS * 1000;
    app.clock.advance(ttl + 1_000);
    try {
      expect(await authenticate(app.deps, `Bearer ${token}`)).toBeNull();
    } finally {
      app.clock.advance(-(ttl + 1_000));
    }
    // Back within its lifetime it is verified again and accepted.
    expect((await authenticate(app.deps, `Bearer ${token}`))?.id).toBe(user.id);
  });
});
