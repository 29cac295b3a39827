/**
 * Throwaway PostgreSQL databases for tests, the e2e server and benchmarks:
 * created from a base URL (e.g. TEST_DATABASE_URL) and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  /** Connection URL of the new database. */
  url: string;
  name: string;
  /** Drops the database once its connections have gone (waits up to 5 s, then forces). */
  drop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates `<prefix>_<pid>_<random>` on the server of `baseUrl`. */
export async function createScratchDatabase(baseUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: () =>
      withClient(baseUrl, async (c) => {
        // Let closed pools' backends go away first: terminating a client that is still
        // ending would surface as an unhandled 57P01 error in the process that owns it.
        for (let i = 0; i < 50; i++) {
          const { rows } = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0].n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}
