/**
 * Benchmark: CPU per raw SQL statement, Prisma 7's `$queryRawUnsafe` against `Database.raw`
 * (db/client.ts: `pg` on the pool Prisma uses), on PostgreSQL (a scratch database is created and
 * dropped). Why it matters (issue 8 §3): the webhook edge's delivery insert and the job queue's
 * claims and completions are raw statements outside any transaction, a few per webhook.
 * Statements: `WITH input (a, b) AS (VALUES ($1, $2), …) SELECT a, b FROM input` with 1 row, and
 * with 1–8 rows (the text changes with the row count, as the edge's grouped insert does).
 * Each figure: process CPU (user + system) per statement over 5,000 statements sent 10 at a time
 * after 500 warm-up statements, in µs (the database's own work is another process's).
 *
 *   cd api && BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx ../bench/raw-statement.ts
 */
import { createDatabase } from '../api/src/db/client.js';
import { createScratchDatabase } from '../api/test/scratch-database.js';

const base = process.env.BENCH_DATABASE_URL;
if (!base) throw new Error('BENCH_DATABASE_URL is required (PostgreSQL)');
const scratch = await createScratchDatabase(base, 'bench_raw_statement');
const db = await createDatabase({ databaseUrl: scratch.url });
const N = 5_000;
const AT_ONCE = 10;

/** CPU µs per statement of `fn` (N statements, AT_ONCE at a time, after 500 warm-up statements). */
async function cpuPerStatement(fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 500; i++) await fn(i);
  const before = process.cpuUsage();
  for (let i = 0; i < N; i += AT_ONCE) await Promise.all(Array.from({ length: AT_ONCE }, (_, j) => fn(i + j)));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / N;
}

/** The statement with `n` two-column rows and its parameters. */
const statement = (n: number, i: number): [string, unknown[]] => [
  `WITH input (a, b) AS (VALUES ${Array.from({ length: n }, (_, k) => `($${2 * k + 1}::text, $${2 * k + 2}::text)`).join(', ')}) SELECT a, b FROM input`,
  Array.from({ length: 2 * n }, (_, k) => `v${i}-${k}`),
];

try {
  const rows: string[] = [];
  for (const [label, rowsOf] of [
    ['1 row', () => 1],
    ['1–8 rows', (i: number) => 1 + (i % 8)],
  ] as const) {
    const prisma = await cpuPerStatement((i) => {
      const [text, values] = statement(rowsOf(i), i);
      return db.prisma.$queryRawUnsafe(text, ...values);
    });
    const raw = await cpuPerStatement((i) => {
      const [text, values] = statement(rowsOf(i), i);
      return db.raw(text, ...values);
    });
    rows.push(`| ${label} | ${prisma.toFixed(0)} µs | ${raw.toFixed(0)} µs |`);
  }
  console.log('| statement | Prisma `$queryRawUnsafe` | `Database.raw` (pg) |\n| --- | --- | --- |');
  for (const r of rows) console.log(r);
} finally {
  await db.close();
  await scratch.drop();
}
