/**
 * Applies pending prisma/migrations/<name>/migration.sql files in name order and
 * records them in `_prisma_migrations` with the same columns and checksum
 * (SHA-256 hex of the file) that `prisma migrate deploy` writes, so the Prisma CLI
 * sees the same history.
 *
 * A migration folder may also hold `routines.sql`: hand-written SQL that
 * prisma/schema.prisma cannot describe (functions, triggers, a backfill that
 * uses them). It runs right after that folder's migration.sql, in the same
 * transaction, once. It is kept apart so that `prisma-drift-check` (which
 * rebuilds the database from the migration.sql files and compares it with the
 * schema) sees only what the schema describes; the checksum stays that of
 * migration.sql, as Prisma computes it. Change a routine with a new folder
 * (CREATE OR REPLACE), never by editing an applied one. Runs under a PostgreSQL advisory lock so concurrent
 * instances never apply the same migration twice.
 *
 * Throws when a recorded migration's checksum differs from the file on disk, or
 * when a migration fails (that migration's transaction is rolled back).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../config.js';
import type { SqlRunner } from './client.js';

/** Arbitrary constant lock key shared by every instance of the hub. */
const MIGRATION_LOCK_KEY = 72707369;

export const migrationsDir = path.join(repoRoot, 'prisma/migrations');

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(runner: SqlRunner, dir = migrationsDir): Promise<MigrationResult> {
  return runner.session((sql) => migrateOn(sql, dir));
}

/** The migration folders (those holding a migration.sql) under `dir`, in the order they apply. */
export function migrationNames(dir = migrationsDir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
}

async function migrateOn(sql: SqlRunner, dir: string): Promise<MigrationResult> {
  const files = migrationNames(dir);
  await sql.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await sql.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const rows = await sql.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    for (const name of files) {
      const body = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(body).digest('hex');
      const recorded = done.get(name);
      if (recorded) {
        if (recorded !== checksum) {
          throw new Error(`migration ${name} was modified after it was applied (checksum mismatch)`);
        }
        continue;
      }
      const id = randomUUID();
      await sql.exec('BEGIN');
      try {
        await sql.exec(body);
        const routines = path.join(dir, name, 'routines.sql');
        if (existsSync(routines)) await sql.exec(readFileSync(routines, 'utf8'));
        await sql.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [id, checksum, name],
        );
        await sql.exec('COMMIT');
      } catch (err) {
        await sql.exec('ROLLBACK');
        throw new Error(`migration ${name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(name);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await sql.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
