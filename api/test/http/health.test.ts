/**
 * Readiness (issue 7 §7): `/health/ready` checks the database, the applied
 * migrations, the job queue and (with REDIS_URL) Redis; 503 when one fails and
 * 200 again once it is back. On PostgreSQL the database is made unreachable
 * for real (connections refused and the hub's backends terminated).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestServer, testDatabaseKind, type TestApp, type TestServer } from '../harness.js';

let app: TestApp;
let server: TestServer;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  await app.deps.jobs.start();
});
afterAll(async () => {
  await app?.deps.jobs.stop();
  await server?.close();
  await app?.close();
});

const ready = async () => {
  const res = await fetch(`${server.url}/health/ready`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; checks: Record<string, boolean> } };
};
async function until(want: number, ms = 20_000) {
  const end = Date.now() + ms;
  let last = await ready();
  while (last.status !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    last = await ready();
  }
  return last;
}

describe(`readiness (${testDatabaseKind})`, () => {
  it('answers 200 with every check, and /health/live answers without asking anything', async () => {
    const r = await ready();
    expect(r.status).toBe(200);
    expect(r.body.checks).toEqual({ database: true, migrations: true, jobs: true, ...(process.env.TEST_REDIS_URL ? { redis: true } : {}) });
    const live = await fetch(`${server.url}/health/live`);
    expect(live.status).toBe(200);
  });

  it('a migration the code expects but the database lacks: 503 until it is recorded again', async () => {
    const p = app.deps.db.prisma;
    const [row] = await p.$queryRawUnsafe<{ id: string; migration_name: string; checksum: string }[]>(
      `SELECT id, migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`,
    );
    await p.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = $1`, row!.id);
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.checks).toMatchObject({ database: true, migrations: false });
    await p.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = $1`, row!.id);
    expect((await ready()).status).toBe(200);
  });

  it('the job queue stopped (shutdown): 503', async () => {
    await app.deps.jobs.stop();
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body.checks.jobs).toBe(false);
    await app.deps.jobs.start();
    expect((await ready()).status).toBe(200);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL unreachable: 503; back: 200', async () => {
    const name = new URL(app.deps.config.DATABASE_URL!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      const down = await until(503);
      expect(down.status).toBe(503);
      expect(down.body.checks.database).toBe(false);
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      const up = await until(200);
      expect(up.status).toBe(200);
      expect(up.body.checks.database).toBe(true);
    } finally {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
    }
  });
});
