/**
 * Prisma client factory: PGlite (embedded, files under DATA_DIR) by default,
 * PostgreSQL through @prisma/adapter-pg when a URL is given.
 */
import { mkdirSync } from 'node:fs';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

/** Runs raw, multi-statement SQL outside Prisma (migrations, test resets). */
export interface SqlRunner {
  /** Executes one or more statements; no result. */
  exec(sql: string): Promise<void>;
  /** Executes one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` on one dedicated connection (session-level locks, BEGIN/COMMIT). */
  session<T>(fn: (runner: SqlRunner) => Promise<T>): Promise<T>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  /** A runner on a connection of its own (PostgreSQL) or the same instance (PGlite). */
  sql: SqlRunner;
  /** Every SQL statement Prisma sends, and every {@link Database.raw} statement, is passed to these listeners (statement-count tests, benchmarks). */
  onQuery: Set<(sql: string) => void>;
  /**
   * Runs one parameterised statement (`$1`, `$2` … bound to `values`) and returns its rows: for the
   * hub's hot raw statements that are not part of a Prisma transaction (the webhook edge's delivery
   * insert, the job queue's claims and completions). On PostgreSQL it goes straight to the pool
   * Prisma uses: Prisma 7's `$queryRawUnsafe` spent ~150–230 µs of CPU per statement in its request
   * pipeline against ~60 µs for `pg` itself (docs/measurements.md "Stop 26"). On PGlite it is
   * Prisma's `$queryRawUnsafe` (one connection, which Prisma's interactive transactions hold).
   * Values as `pg` converts them (arrays of scalars become PostgreSQL arrays); columns as `pg`
   * parses them: select timestamps as text or `timestamptz`, not `timestamp` (pg would read those
   * in the process's time zone). Reported to `onQuery` once it succeeded (as Prisma reports its own).
   * @throws the database's error
   */
  raw<T = Record<string, unknown>>(text: string, ...values: unknown[]): Promise<T[]>;
  /** PostgreSQL pool figures for /metrics; absent on PGlite (one in-process connection). */
  poolStats?(): { total: number; idle: number; waiting: number; max: number };
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; PGlite when absent. */
  databaseUrl?: string;
  /** PGlite data directory; in-memory when absent. */
  dataDir?: string;
  /** Max pool size for PostgreSQL (default 10). */
  poolSize?: number;
  /** PostgreSQL: how many distinct Prisma statements are given a name, i.e. kept prepared per connection ({@link preparedStatementNames}; default 256, 0: none). */
  preparedStatements?: number;
}

/**
 * A transaction of Prisma's pg adapter that sends its statements unnamed (its `pgOptions` without the
 * `statementNameGenerator`). The hub's transactions are the write paths (ingestion batches, mutations): their lookups
 * (`FOR UPDATE` of open threads, conversation keys, identities) stay planned for the data of the moment, not by a
 * generic plan made while a channel had few threads. With them prepared too, a full `pnpm bench` missed §3's
 * processing rows (432 and 471 messages/s); the cause is not proven, as runs of one build varied as much
 * (docs/measurements.md "Stop 30"), but the write paths gain nothing measurable from kept plans. Reads outside
 * transactions (the inbox, the thread view, the viewer lookup) stay prepared. The adapter sends BEGIN before the
 * transaction reaches this function, so BEGIN itself may be prepared.
 */
function unnamedStatements<T>(transaction: T): T {
  const tx = transaction as { pgOptions?: { statementNameGenerator?: unknown } };
  if (tx.pgOptions?.statementNameGenerator) tx.pgOptions = { ...tx.pgOptions, statementNameGenerator: undefined };
  return transaction;
}

/**
 * The `statementNameGenerator` of Prisma's pg adapter: a name for a statement's SQL, so that `pg` prepares it once per
 * connection (Parse) and then only binds and executes it, and PostgreSQL can reuse its plan (after five executions it
 * keeps a generic plan when that is estimated no worse than the custom ones: `plan_cache_mode = auto`). Prisma 6's
 * query engine prepared its statements the same way; Prisma 7's adapter sends unnamed ones, which PostgreSQL parses and
 * plans on every execution: ~0.6 ms of its CPU for the thread view's statement of four lateral joins (issue 8 §1,
 * docs/measurements.md "Stop 30").
 *
 * A SQL text is named the second time it is seen (a one-off statement stays unnamed), and at most `max` texts are
 * named per process (`undefined` after that: unnamed, as before), which bounds what each PostgreSQL connection
 * keeps: a partner's unusual selections cannot make the backends grow without end. Names are `hub_<n>`, one per
 * text for the process's life, as `pg` requires. `max` 0 names nothing.
 */
export function preparedStatementNames(max: number): (query: { sql: string }) => string | undefined {
  const names = new Map<string, string>();
  const seenOnce = new Set<string>();
  return ({ sql }) => {
    const name = names.get(sql);
    if (name !== undefined || names.size >= max) return name;
    if (!seenOnce.has(sql)) {
      // Bounded like the names: an endless stream of one-off statements cannot grow it.
      if (seenOnce.size >= max) seenOnce.clear();
      seenOnce.add(sql);
      return undefined;
    }
    seenOnce.delete(sql);
    const named = `hub_${names.size + 1}`;
    names.set(sql, named);
    return named;
  };
}

/**
 * `target` (a Prisma driver adapter, one of its transactions, or the factory that connects them)
 * reporting the SQL of each statement it ran to `onQuery`'s listeners once it succeeded, the
 * statements Prisma's query event (`log: [{ emit: 'event', level: 'query' }]`) reported, COMMIT
 * included. Prisma builds that event (the parameters as JSON, timings) for every statement
 * whether anyone listens or not (~10 % of its CPU per statement in a transaction of 16,
 * docs/measurements.md "Stop 28"); here a statement nobody listens to costs a size check.
 * Methods are called on the adapter itself (its private fields stay reachable).
 */
function reportingStatements<T extends object>(target: T, onQuery: Set<(sql: string) => void>): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      if (prop === 'queryRaw' || prop === 'executeRaw')
        return async (query: { sql: string }, ...rest: unknown[]) => {
          const result = await value.call(t, query, ...rest);
          if (onQuery.size) for (const fn of onQuery) fn(query.sql);
          return result;
        };
      // A transaction whose adapter ends it itself (PGlite's: Prisma's `usePhantomQuery`) sends no COMMIT through executeRaw;
      // Prisma's event named it all the same.
      if ((prop === 'commit' || prop === 'rollback') && (t as { options?: { usePhantomQuery?: boolean } }).options?.usePhantomQuery)
        return async (...args: unknown[]) => {
          const result = await value.apply(t, args);
          if (onQuery.size) for (const fn of onQuery) fn(prop === 'commit' ? 'COMMIT' : 'ROLLBACK');
          return result;
        };
      // The factory's connection and the connection's transactions report their statements too.
      if (prop === 'connect') return async (...args: unknown[]) => reportingStatements(await value.apply(t, args), onQuery);
      if (prop === 'startTransaction') return async (...args: unknown[]) => reportingStatements(unnamedStatements(await value.apply(t, args)), onQuery);
      return value.bind(t);
    },
  });
}

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  const onQuery = new Set<(sql: string) => void>();
  if (opts.databaseUrl) {
    // jit=off: the hub's queries are short OLTP statements and index-bound aggregates; PostgreSQL's JIT
    // compiled each analytics aggregate for 250–330 ms of a ~1 s query (docs/performance.md, finding 4).
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, options: '-c jit=off' });
    // An idle client's error (server restart, pg_terminate_backend, DROP DATABASE … FORCE)
    // must not crash the process: pg re-emits it on the pool, and the Prisma adapter
    // removes its own listener on $disconnect, before close() ends the pool.
    // The broken client is discarded by the pool; the next query opens a new one.
    pool.on('error', () => undefined);
    // The adapter's type wants a string; it passes the result to pg as the statement's `name`, and pg sends a statement
    // without a name (undefined) unnamed, as the adapter does without a generator.
    const statementNameGenerator = preparedStatementNames(opts.preparedStatements ?? 256) as (query: { sql: string }) => string;
    const prisma = new PrismaClient({ adapter: reportingStatements(new PrismaPg(pool, { statementNameGenerator }), onQuery), log: [] });
    const over = (c: pg.Pool | pg.PoolClient): SqlRunner => ({
      exec: async (text) => {
        await c.query(text);
      },
      query: async (text, params) => (await c.query(text, params as unknown[])).rows,
      session: async (fn) => {
        const client = await pool.connect();
        try {
          return await fn(over(client));
        } finally {
          client.release();
        }
      },
    });
    const sql = over(pool);
    return {
      kind: 'postgres',
      prisma,
      sql,
      onQuery,
      raw: async <T>(text: string, ...values: unknown[]) => {
        const rows = await sql.query<T>(text, values);
        // After it succeeded, as Prisma's query event.
        for (const fn of onQuery) fn(text);
        return rows;
      },
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: opts.poolSize ?? 10 }),
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  // pg_trgm and unaccent: the migrations create them (trigram indexes; the inbox search's words, Thread.searchDocument).
  // PostgreSQL ships both as contrib.
  // (Options as the only argument: `new PGlite(undefined, options)` ignores them.)
  // Loaded only here: a PostgreSQL deployment never loads PGlite (about 45 MB of RSS, issue 8 §5).
  const [{ PGlite }, { pg_trgm }, { unaccent }, { PrismaPGlite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/unaccent'),
    import('pglite-prisma-adapter'),
  ]);
  const pglite = new PGlite({ dataDir: opts.dataDir, extensions: { pg_trgm, unaccent } });
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: reportingStatements(new PrismaPGlite(pglite), onQuery), log: [] });
  const sql: SqlRunner = {
    exec: async (text) => {
      await pglite.exec(text);
    },
    query: async (text, params) => (await pglite.query(text, params as unknown[])).rows as never,
    session: (fn) => fn(sql),
  };
  return {
    kind: 'pglite',
    prisma,
    sql,
    onQuery,
    raw: <T>(text: string, ...values: unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...values),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
