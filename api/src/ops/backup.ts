/**
 * `pnpm hub backup` / `pnpm hub restore` (see cli.ts).
 *
 * PostgreSQL (DATABASE_URL): `pg_dump --format=custom` and
 * `pg_restore --single-transaction --exit-on-error --no-owner --no-privileges`,
 * the PostgreSQL client tools on PATH (Debian: `apt-get install postgresql-client`,
 * a major version at least the server's).
 * PGlite (DATA_DIR): PGlite's own dump of its data directory, a gzipped tarball
 * (`PGlite.dumpDataDir()`), loaded back with `new PGlite(dir, { loadDataDir })`.
 *
 * A restore goes into an EMPTY database only (a PostgreSQL database without a
 * table, or a PGlite data directory that does not exist or is empty); anything
 * else is refused before a byte is written. The archive carries the
 * `_prisma_migrations` table, so the next start recognises every migration it
 * holds and applies only newer ones. Channel secrets stay sealed: the restored
 * hub needs the APP_SECRET_KEY it was backed up with (or `hub rotate-secrets`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Config } from '../config.js';

/** A refusal or failure to show the operator as is (no stack trace). */
export class OpsError extends Error {
  override name = 'OpsError';
}

export type DatabaseKind = 'postgres' | 'pglite';
export type ArchiveFormat = 'pg_dump' | 'pglite' | 'unknown';

export interface BackupResult {
  kind: DatabaseKind;
  file: string;
  bytes: number;
  ms: number;
}

export interface RestoreResult {
  kind: DatabaseKind;
  file: string;
  /** Rows of a few tables of the restored database, for the operator's eye. */
  counts: { organizations: number; threads: number; messages: number; channels: number; migrations: number };
  ms: number;
}

/** Where PGlite keeps its files: the same path createApp() opens. */
export const pgliteDataDir = (config: Config) => path.resolve(config.DATA_DIR, 'pglite');

export const databaseKind = (config: Config): DatabaseKind => (config.DATABASE_URL ? 'postgres' : 'pglite');

/** `hub-backup-20261120T093000Z.dump` (PostgreSQL) or `….tar.gz` (PGlite). */
export function defaultBackupName(kind: DatabaseKind, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `hub-backup-${stamp}${kind === 'postgres' ? '.dump' : '.tar.gz'}`;
}

/** What a backup file is, from its first bytes: pg_dump's custom format ("PGDMP") or PGlite's (gzipped) tarball. */
export function archiveFormat(head: Buffer): ArchiveFormat {
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'pglite';
  return 'unknown';
}

// ------------------------------------------------------------------ backup

export async function backupDatabase(config: Config, outFile?: string, now = new Date()): Promise<BackupResult> {
  const kind = databaseKind(config);
  const file = path.resolve(outFile ?? defaultBackupName(kind, now));
  if (existsSync(file)) throw new OpsError(`${file} already exists: choose another --out FILE (a backup never overwrites a file).`);
  const partial = `${file}.partial`;
  const started = Date.now();
  try {
    if (kind === 'postgres') {
      const { url, env } = libpqTarget(config.DATABASE_URL!);
      await run('pg_dump', ['--format=custom', `--file=${partial}`, `--dbname=${url}`], env);
    } else {
      const dir = pgliteDataDir(config);
      if (!existsSync(path.join(dir, 'PG_VERSION'))) throw new OpsError(`No PGlite database in ${dir} (DATA_DIR=${config.DATA_DIR}): nothing to back up.`);
      assertPgliteClosed(dir);
      const db = new PGlite(dir);
      try {
        await db.waitReady;
        const tarball = await db.dumpDataDir('gzip');
        await writeFile(partial, Buffer.from(await tarball.arrayBuffer()), { flag: 'wx' });
      } finally {
        await db.close();
      }
    }
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { kind, file, bytes: statSync(file).size, ms: Date.now() - started };
}

// ------------------------------------------------------------------ restore

export async function restoreDatabase(config: Config, inFile: string): Promise<RestoreResult> {
  const kind = databaseKind(config);
  const file = path.resolve(inFile);
  if (!existsSync(file)) throw new OpsError(`${file} does not exist.`);
  const format = archiveFormat(await readHead(file, 512));
  if (format === 'unknown') throw new OpsError(`${file} is neither a pg_dump custom-format archive nor a PGlite data-directory tarball.`);
  if (kind === 'postgres' && format === 'pglite') {
    throw new OpsError(`${file} is a PGlite data-directory tarball: restore it without DATABASE_URL (into an empty DATA_DIR).`);
  }
  if (kind === 'pglite' && format === 'pg_dump') {
    throw new OpsError(`${file} is a PostgreSQL (pg_dump) archive: restore it with DATABASE_URL set to an empty PostgreSQL database.`);
  }
  const started = Date.now();
  if (kind === 'postgres') {
    const url = config.DATABASE_URL!;
    const tables = await withPg(url, (c) =>
      c.query<{ name: string }>(
        `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
          ORDER BY 1`,
      ),
    );
    if (tables.rows.length) {
      const sample = tables.rows
        .slice(0, 3)
        .map((r) => r.name)
        .join(', ');
      throw new OpsError(
        `Refusing to restore: the database of DATABASE_URL (${describeUrl(url)}) is not empty (${tables.rows.length} tables and other relations, e.g. ${sample}). ` +
          'Restore into a new, empty database (e.g. `createdb hub_restored`) and point DATABASE_URL at it.',
      );
    }
    const target = libpqTarget(url);
    await run('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', `--dbname=${target.url}`, file], target.env);
    const counts = await withPg(url, (c) => countRows((sql) => c.query(sql).then((r) => r.rows)));
    return { kind, file, counts, ms: Date.now() - started };
  }
  const dir = pgliteDataDir(config);
  if (existsSync(dir) && readdirSync(dir).length) {
    throw new OpsError(
      `Refusing to restore: ${dir} (DATA_DIR=${config.DATA_DIR}) is not empty. ` +
        'Restore into an empty database: point DATA_DIR at a new directory, or move the old one away first.',
    );
  }
  const tarball = new Blob([await readFile(file)]);
  let db: PGlite | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    db = new PGlite(dir, { loadDataDir: tarball });
    await db.waitReady;
    const counts = await countRows(async (sql) => (await db!.query(sql)).rows as Record<string, unknown>[]);
    await db.close();
    return { kind, file, counts, ms: Date.now() - started };
  } catch (err) {
    // The directory was empty before: leave it so, not half restored.
    await db?.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw new OpsError(`Restoring ${file} into ${dir} failed: ${(err as Error).message}`);
  }
}

// ------------------------------------------------------------------ helpers

/**
 * PGlite is one process's files and has no lock of its own: it writes
 * postmaster.pid while open and removes it on close. Opening it from a second
 * process (this command) while the hub runs would corrupt it.
 */
export function assertPgliteClosed(dir: string): void {
  if (existsSync(path.join(dir, 'postmaster.pid'))) {
    throw new OpsError(
      `${dir} is in use (postmaster.pid present): stop the hub first, PGlite's files belong to one process. ` +
        `If no hub is running (it stopped without closing its database), delete ${path.join(dir, 'postmaster.pid')} and run the command again.`,
    );
  }
}

/** Prisma-only parameters that libpq (pg_dump, pg_restore) refuses in a connection URI. */
const PRISMA_ONLY_PARAMS = ['schema', 'connection_limit', 'pool_timeout', 'pgbouncer', 'statement_cache_size', 'socket_timeout', 'sslaccept'];

/** The URL for libpq without its password (handed over as PGPASSWORD, so it never shows in `ps`). */
function libpqTarget(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(databaseUrl);
  const password = decodeURIComponent(u.password);
  u.password = '';
  for (const p of PRISMA_ONLY_PARAMS) u.searchParams.delete(p);
  return { url: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/** host:port/database of a URL, without credentials, for messages. */
function describeUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return `${u.host}${u.pathname}`;
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function countRows(query: (sql: string) => Promise<Record<string, unknown>[]>): Promise<RestoreResult['counts']> {
  const tables = { organizations: 'Organization', threads: 'Thread', messages: 'Message', channels: 'Channel', migrations: '_prisma_migrations' } as const;
  const counts = {} as RestoreResult['counts'];
  for (const [key, table] of Object.entries(tables) as [keyof typeof tables, string][]) {
    const [exists] = await query(`SELECT to_regclass('public."${table}"') IS NOT NULL AS ok`);
    counts[key] = exists?.ok ? Number((await query(`SELECT count(*)::int AS n FROM public."${table}"`))[0]!.n) : 0;
  }
  return counts;
}

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Runs a PostgreSQL client tool; its stderr becomes the error message. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new OpsError(`${command} not found: install the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client), of a major version at least the server's.`)
          : err,
      ),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new OpsError(`${command} failed (exit code ${code}):\n${stderr.trim()}`))));
  });
}
