/**
 * Helpers of the `pnpm hub` tests: a hub database the CLI can reach from
 * another process (a scratch PostgreSQL database with TEST_DATABASE_URL, else
 * a PGlite DATA_DIR in a temporary directory), and the CLI run as the
 * operator runs it (`tsx src/cli.ts …`, what `pnpm hub …` executes).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config.js';
import type { SqlRunner } from '../../src/db/client.js';
import { createScratchDatabase } from '../scratch-database.js';

export const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const opsDatabaseKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface HubDatabase {
  /** DATABASE_URL or DATA_DIR, as the CLI gets them. */
  env: Record<string, string>;
  /** Configuration for createApp() on this database. */
  config(extra?: Record<string, string>): Config;
  drop(): Promise<void>;
}

/** A new, empty hub database (nothing created in it yet). */
export async function newHubDatabase(): Promise<HubDatabase> {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  if (process.env.TEST_DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL, 'hub_ops');
    env = { DATABASE_URL: scratch.url };
    drop = () => scratch.drop();
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-ops-'));
    // A DATA_DIR that does not exist yet, as on a new machine.
    env = { DATA_DIR: path.join(dir, 'data') };
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  return {
    env,
    config: (extra = {}) => loadConfig({ LOG_LEVEL: 'silent', ...extra, ...env }, { mode: 'development' }),
    drop,
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tsx src/cli.ts <args>` in api/ with only the given hub variables (none inherited). */
export function runHubCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|DATA_DIR|APP_SECRET_KEY|JWT_SECRET|NODE_ENV|REDIS_URL|TEST_|LOG_)/.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(apiDir, 'node_modules/.bin/tsx'), ['src/cli.ts', ...args], {
      cwd: apiDir,
      env: { ...inherited, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every table of schema public with its row count and an MD5 of all its rows (in a stable order). */
export async function tableDigests(sql: SqlRunner): Promise<Record<string, { rows: number; md5: string }>> {
  const tables = await sql.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const { name } of tables) {
    const [r] = await sql.query<{ rows: number; md5: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5 FROM public."${name}" t`,
    );
    out[name] = r!;
  }
  return out;
}
