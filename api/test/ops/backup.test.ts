/**
 * `pnpm hub backup` and `pnpm hub restore` (issue 7, section 7), run as the
 * operator runs them (the CLI in its own process) against the database the
 * suite runs on: PostgreSQL (pg_dump/pg_restore, custom format) with
 * TEST_DATABASE_URL, else PGlite (a tarball of its data directory).
 *
 * A hub with demo data is backed up, the backup restored into a fresh empty
 * database, and that database opened with createApp() (as `pnpm start` does):
 * every table holds the same rows, no migration runs again, the API serves
 * the same threads and the channel secrets still open. A restore into a
 * database that is not empty is refused and changes nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo/seed.js';
import { openChannelConfig } from '../../src/modules/channel/channel.service.js';
import { archiveFormat, restoreDatabase } from '../../src/ops/backup.js';
import { FakeClock } from '../../src/shared/clock.js';
import { createTestServer, tokenFor } from '../harness.js';
import { newHubDatabase, opsDatabaseKind, runHubCli, tableDigests, type HubDatabase } from './ops-helpers.js';

const SECRETS = { APP_SECRET_KEY: 'backup-test-app-secret-key-0123456789abcdef', JWT_SECRET: 'backup-test-jwt-secret-0123456789abcdefghij' };
const NOW = new Date('2026-11-20T09:30:00Z');

let source: HubDatabase;
/** Where the backup files go. */
let filesDir: string;
const targets: HubDatabase[] = [];
let digests: Awaited<ReturnType<typeof tableDigests>>;
let sample: unknown;
let openedChannels: Record<string, unknown>;
let backupFile: string;

/** Ten threads with their customer, channel and messages: what a user sees, compared field by field. */
async function sampleRows(app: Awaited<ReturnType<typeof createApp>>) {
  return app.db.prisma.thread.findMany({
    orderBy: { id: 'asc' },
    take: 10,
    include: { customer: true, channel: { select: { id: true, name: true, type: true } }, messages: { orderBy: { id: 'asc' } } },
  });
}

beforeAll(async () => {
  source = await newHubDatabase();
  filesDir = mkdtempSync(path.join(tmpdir(), 'hub-backup-files-'));
  const app = await createApp({ config: source.config(SECRETS), clock: new FakeClock(NOW) });
  try {
    await seedDemo(app.db.prisma, { secrets: app.secrets, now: NOW, threads: 40 });
    digests = await tableDigests(app.db.sql);
    sample = await sampleRows(app);
    const channels = await app.db.prisma.channel.findMany({ orderBy: { id: 'asc' } });
    openedChannels = Object.fromEntries(channels.map((c) => [c.id, openChannelConfig(app, c)]));
  } finally {
    await app.close();
  }
  backupFile = path.join(filesDir, opsDatabaseKind === 'postgres' ? 'hub.dump' : 'hub.tar.gz');
}, 180_000);

afterAll(async () => {
  for (const t of targets) await t.drop();
  await source?.drop();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

describe(`pnpm hub backup / restore (${opsDatabaseKind})`, () => {
  it('the seeded hub has rows in the tables that matter', () => {
    for (const table of ['Organization', 'User', 'Team', 'Channel', 'Customer', 'CustomerIdentity', 'Thread', 'Message', 'Task', 'Template', 'AuditLog', '_prisma_migrations']) {
      expect(digests[table]?.rows, table).toBeGreaterThan(0);
    }
  });

  it('backup writes a file in the database’s own format', { timeout: 120_000 }, async () => {
    const run = await runHubCli(['backup', '--out', backupFile], { ...source.env, ...SECRETS });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`backup written: ${backupFile} (${opsDatabaseKind},`);
    expect(archiveFormat(readFileSync(backupFile).subarray(0, 512))).toBe(opsDatabaseKind === 'postgres' ? 'pg_dump' : 'pglite');

    // Never overwrites: a second backup to the same file is refused.
    const again = await runHubCli(['backup', '--out', backupFile], { ...source.env, ...SECRETS });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('restore into a fresh empty database brings back every row; createApp() recognises the migrations and serves the data', { timeout: 180_000 }, async () => {
    const target = await newHubDatabase();
    targets.push(target);
    const run = await runHubCli(['restore', backupFile], { ...target.env, ...SECRETS });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${digests.Thread!.rows} threads, ${digests.Message!.rows} messages`);

    // Every migration the archive holds is recognised: nothing is applied again.
    const config = target.config(SECRETS);
    const db = await createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : path.resolve(config.DATA_DIR, 'pglite') });
    try {
      const result = await migrate(db.sql);
      expect(result.applied).toEqual([]);
      expect(result.alreadyApplied).toBe(digests._prisma_migrations!.rows);
    } finally {
      await db.close();
    }

    // As `pnpm start` opens it: the same rows in every table, the same threads through the API.
    const app = await createApp({ config, clock: new FakeClock(NOW) });
    try {
      expect(await tableDigests(app.db.sql)).toEqual(digests);
      expect(JSON.parse(JSON.stringify(await sampleRows(app)))).toEqual(JSON.parse(JSON.stringify(sample)));
      const channels = await app.db.prisma.channel.findMany({ orderBy: { id: 'asc' } });
      expect(Object.fromEntries(channels.map((c) => [c.id, openChannelConfig(app, c)]))).toEqual(openedChannels);

      const admin = await app.db.prisma.user.findFirstOrThrow({ where: { role: 'ADMIN' } });
      const server = await createTestServer(app);
      try {
        const res = await server.gql('{ threads(first: 5) { totalCount edges { node { id subject } } } }', {}, await tokenFor(app, admin));
        expect(res.errors).toBeUndefined();
        const orgThreads = await app.db.prisma.thread.count({ where: { organizationId: admin.organizationId, deletedAt: null } });
        expect(orgThreads).toBeGreaterThan(0);
        expect(res.data.threads.totalCount).toBe(orgThreads);
        expect(res.data.threads.edges).toHaveLength(5);
      } finally {
        await server.close();
      }
    } finally {
      await app.close();
    }
  });

  it('a restore into a database that is not empty is refused and changes nothing', { timeout: 120_000 }, async () => {
    const run = await runHubCli(['restore', backupFile], { ...source.env, ...SECRETS });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Refusing to restore: .* not empty/);
    expect(run.stdout).toBe('');
    const app = await createApp({ config: source.config(SECRETS), clock: new FakeClock(NOW) });
    try {
      expect(await tableDigests(app.db.sql)).toEqual(digests);
    } finally {
      await app.close();
    }
  });

  it('a backup of the other database kind is refused with a message that says which it is', async () => {
    const target = await newHubDatabase();
    targets.push(target);
    const foreign = path.join(filesDir, 'foreign.bin');
    // The first bytes of the other kind's archive: pg_dump's "PGDMP" magic, or gzip's.
    writeFileSync(foreign, opsDatabaseKind === 'postgres' ? Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]) : Buffer.from('PGDMP\x01\x0f\x00'));
    await expect(restoreDatabase(target.config(SECRETS), foreign)).rejects.toThrow(
      opsDatabaseKind === 'postgres' ? /PGlite data-directory tarball/ : /PostgreSQL \(pg_dump\) archive/,
    );
    if (opsDatabaseKind === 'pglite') expect(existsSync(target.env.DATA_DIR!)).toBe(false);
  });
});
