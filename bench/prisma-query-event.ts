/**
 * Benchmark: what Prisma 7's query event costs (issue 8 §2/§3). The hub used to create its client
 * with `log: [{ emit: 'event', level: 'query' }]` so that tests and benchmarks could count
 * statements; Prisma then builds that event (parameters as JSON, timings) for every statement,
 * listened to or not. Since stop 28 the statements are reported by a proxy around the driver
 * adapter (db/client.ts `reportingStatements`), which costs a size check when nobody listens.
 *
 * Each figure: process CPU (user + system) and wall time per interactive transaction of 16
 * statements (8 `$queryRawUnsafe`, 8 `slaPolicy.findMany`, as ingestion's mix), 300 transactions
 * after 50 warm-up ones, on PostgreSQL (a scratch database is created, migrated and dropped); the
 * two clients alternate for BENCH_ROUNDS (5) rounds.
 *
 *   cd api && BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx ../bench/prisma-query-event.ts
 */
import { createRequire } from 'node:module';
import { createDatabase } from '../api/src/db/client.js';
import { migrate } from '../api/src/db/migrate.js';
import { PrismaClient } from '../api/src/generated/prisma/client.js';
import { createScratchDatabase } from '../api/test/scratch-database.js';

const require = createRequire(new URL('../api/package.json', import.meta.url));
// Resolved from api/ (bench/ has no node_modules of its own); typed as far as used here.
const { PrismaPg } = require('@prisma/adapter-pg') as { PrismaPg: new (pool: object) => never };
const pg = require('pg') as { Pool: new (opts: { connectionString: string; max: number }) => { end(): Promise<void> } };

const base = process.env.BENCH_DATABASE_URL;
if (!base) throw new Error('BENCH_DATABASE_URL is required (PostgreSQL)');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const scratch = await createScratchDatabase(base, 'bench_query_event');
const hub = await createDatabase({ databaseUrl: scratch.url });
await migrate(hub.sql);
const pool = new pg.Pool({ connectionString: scratch.url, max: 10 });
const logged = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: 'event', level: 'query' }] });
let events = 0;
logged.$on('query', () => void events++);

type Client = Pick<PrismaClient, '$transaction'>;
const transaction = (client: Client) =>
  client.$transaction(async (tx) => {
    for (let i = 0; i < 8; i++) await tx.$queryRawUnsafe('SELECT $1::int AS a', i);
    for (let i = 0; i < 8; i++) await tx.slaPolicy.findMany({ where: { isActive: true } });
  });

/** [CPU ms, wall ms] per transaction of `client`. */
async function measure(client: Client): Promise<[number, number]> {
  for (let i = 0; i < 50; i++) await transaction(client);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const N = 300;
  for (let i = 0; i < N; i++) await transaction(client);
  const used = process.cpuUsage(cpu);
  return [(used.user + used.system) / N / 1000, (performance.now() - t0) / N];
}

try {
  const rows: string[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const [eventCpu, eventWall] = await measure(logged);
    const [hubCpu, hubWall] = await measure(hub.prisma);
    rows.push(`| ${r} | ${eventCpu.toFixed(2)} / ${eventWall.toFixed(2)} | ${hubCpu.toFixed(2)} / ${hubWall.toFixed(2)} |`);
  }
  if (!events) throw new Error('the logged client reported no query event');
  console.log('| round | query event on: ms CPU / wall per transaction | the hub client (adapter proxy, no listener) |\n| --- | --- | --- |');
  console.log(rows.join('\n'));
} finally {
  await logged.$disconnect();
  await pool.end();
  await hub.close();
  await scratch.drop();
}
