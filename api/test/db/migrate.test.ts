import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.js';
import { migrate, migrationsDir } from '../../src/db/migrate.js';
import { createScratchDatabase } from '../scratch-database.js';

const BASE_URL = process.env.TEST_DATABASE_URL;

/** Every migration folder on disk with the sha256 of its file, computed here independently. */
const onDisk = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(migrationsDir, d.name, 'migration.sql')))
  .map((d) => ({
    name: d.name,
    checksum: createHash('sha256')
      .update(readFileSync(path.join(migrationsDir, d.name, 'migration.sql')))
      .digest('hex'),
  }))
  .sort((a, b) => (a.name < b.name ? -1 : 1));

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** A fresh, empty database: PGlite in memory, or a scratch PostgreSQL database. */
async function freshDatabaseUrl(): Promise<string | undefined> {
  if (!BASE_URL) return undefined;
  const db = await createScratchDatabase(BASE_URL, 'hub_migrate');
  cleanups.push(() => db.drop());
  return db.url;
}

async function open(url: string | undefined): Promise<Database> {
  const db = await createDatabase({ databaseUrl: url, poolSize: 2 });
  cleanups.push(() => db.close());
  return db;
}

type Row = { id: string; migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number };
const history = (db: Database) => db.sql.query<Row>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name');

describe(`migrate() on ${BASE_URL ? 'postgres' : 'pglite'}`, () => {
  it('has at least one migration on disk', () => {
    expect(onDisk.length).toBeGreaterThan(0);
  });

  it('applies every migration on a fresh database, records sha256 checksums, and a second run applies nothing', async () => {
    const db = await open(await freshDatabaseUrl());
    const first = await migrate(db.sql);
    expect(first.applied).toEqual(onDisk.map((m) => m.name));
    expect(first.alreadyApplied).toBe(0);

    const rows = await history(db);
    expect(rows.map((r) => ({ name: r.migration_name, checksum: r.checksum }))).toEqual(onDisk);
    for (const r of rows) {
      expect(r.finished_at).not.toBeNull();
      expect(r.rolled_back_at).toBeNull();
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The schema really exists.
    const tables = await db.sql.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['Thread', 'Message', 'Customer', 'AuditLog', '_prisma_migrations']));

    const second = await migrate(db.sql);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(onDisk.length);
    expect(await history(db)).toEqual(rows);
  });

  it('applies a new migration folder added later, and only that one', async () => {
    const db = await open(await freshDatabaseUrl());
    await migrate(db.sql);
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-migrations-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const extra = '99991231000000_test_extra';
    const body = 'CREATE TABLE "MigrateTestExtra" ("id" INTEGER PRIMARY KEY);\n';
    cpSync(migrationsDir, dir, { recursive: true });
    mkdirSync(path.join(dir, extra));
    writeFileSync(path.join(dir, extra, 'migration.sql'), body);
    const res = await migrate(db.sql, dir);
    expect(res.applied).toEqual([extra]);
    const row = (await history(db)).find((r) => r.migration_name === extra);
    expect(row?.checksum).toBe(createHash('sha256').update(body).digest('hex'));
    expect(await db.sql.query('SELECT * FROM "MigrateTestExtra"')).toEqual([]);
  });

  it("runs a folder's routines.sql right after its migration.sql in the same transaction: a failing routine rolls the migration back", async () => {
    const db = await open(await freshDatabaseUrl());
    await migrate(db.sql);
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-migrations-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    cpSync(migrationsDir, dir, { recursive: true });
    const bad = '99991231000001_test_routines';
    mkdirSync(path.join(dir, bad));
    writeFileSync(path.join(dir, bad, 'migration.sql'), 'CREATE TABLE "MigrateTestRoutine" ("id" INTEGER PRIMARY KEY, "twice" INTEGER);\n');
    writeFileSync(path.join(dir, bad, 'routines.sql'), 'CREATE FUNCTION broken( RETURNS trigger;\n');
    await expect(migrate(db.sql, dir)).rejects.toThrow(/99991231000001_test_routines failed/);
    expect(await db.sql.query(`SELECT to_regclass('"MigrateTestRoutine"')::text AS t`)).toEqual([{ t: null }]);
    expect((await history(db)).some((r) => r.migration_name === bad)).toBe(false);
    // Repaired: the table, then the trigger that uses it.
    writeFileSync(
      path.join(dir, bad, 'routines.sql'),
      `CREATE FUNCTION migrate_test_twice() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."twice" := NEW."id" * 2; RETURN NEW; END $$;
       CREATE TRIGGER "MigrateTestRoutine_twice" BEFORE INSERT ON "MigrateTestRoutine" FOR EACH ROW EXECUTE FUNCTION migrate_test_twice();\n`,
    );
    expect((await migrate(db.sql, dir)).applied).toEqual([bad]);
    await db.sql.query('INSERT INTO "MigrateTestRoutine" (id) VALUES (21)');
    expect(await db.sql.query('SELECT "twice" FROM "MigrateTestRoutine"')).toEqual([{ twice: 42 }]);
    // The checksum is migration.sql's alone, as Prisma computes it.
    const row = (await history(db)).find((r) => r.migration_name === bad);
    expect(row?.checksum).toBe(
      createHash('sha256')
        .update(readFileSync(path.join(dir, bad, 'migration.sql')))
        .digest('hex'),
    );
  });

  it('throws when a recorded checksum does not match the file', async () => {
    const db = await open(await freshDatabaseUrl());
    await migrate(db.sql);
    const name = onDisk[0]!.name;
    await db.sql.query('UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', ['0'.repeat(64), name]);
    await expect(migrate(db.sql)).rejects.toThrow(/checksum/);
    // The lock was released: after repairing the row, migrate works again.
    await db.sql.query('UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', [onDisk[0]!.checksum, name]);
    await expect(migrate(db.sql)).resolves.toMatchObject({ applied: [] });
  });

  it.skipIf(!BASE_URL)('two concurrent migrate() calls on two connections both succeed, one row per migration', async () => {
    const url = await freshDatabaseUrl();
    const a = await open(url);
    const b = await open(url);
    const [ra, rb] = await Promise.all([migrate(a.sql), migrate(b.sql)]);
    // Exactly one of them applied each migration.
    expect([...ra.applied, ...rb.applied].sort()).toEqual(onDisk.map((m) => m.name));
    const rows = await history(a);
    expect(rows.map((r) => r.migration_name)).toEqual(onDisk.map((m) => m.name));
    const perName = await a.sql.query<{ n: string }>('SELECT count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name');
    expect(perName.every((r) => Number(r.n) === 1)).toBe(true);
  });
});
