/**
 * Benchmark: the inbox query (50 threads with customer, assignee, channel and
 * last message, plus totalCount) on the seeded demo data, executed through the
 * real schema and services in-process (no HTTP), on PGlite and, when
 * BENCH_DATABASE_URL is set, on PostgreSQL (a scratch database is created and
 * dropped). Prints p50/p95/mean in ms and SQL statements per page.
 *
 *   pnpm --filter @hub/api run bench:inbox                      # PGlite
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pnpm --filter @hub/api run bench:inbox
 */
import { execute, parse } from 'graphql';
import { createApp } from '../api/src/app.js';
import { loadConfig } from '../api/src/config.js';
import { seedDemo } from '../api/src/demo/seed.js';
import { schema } from '../api/src/schema/index.js';
import { viewerContext } from '../api/src/shared/context.js';
import { createScratchDatabase } from '../api/test/scratch-database.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const INBOX = parse(`query Inbox($filter: ThreadFilter, $after: String) {
  threads(first: 50, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id subject priority status overdue responseDueAt lastMessageAt
      customer { id name } assignee { id name } channel { id type }
      lastMessage { id content createdAt deliveryStatus sender { kind name } } } }
  }
}`);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

const base = process.env.BENCH_DATABASE_URL;
const db = base ? await createScratchDatabase(base, 'bench') : null;
const app = await createApp({ config: loadConfig({ LOG_LEVEL: 'silent', ...(db ? { DATABASE_URL: db.url } : {}) }), inMemory: true });
try {
  const seeded = await seedDemo(app.db.prisma, { secrets: app.secrets });
  const sarah = await app.db.prisma.user.findFirstOrThrow({ where: { email: 'sarah@chargecars.nl' } });
  const viewer = { id: sarah.id, organizationId: sarah.organizationId, role: sarah.role, name: sarah.name, email: sarah.email };
  let statements = 0;
  app.db.onQuery.add(() => statements++);
  const cases: [string, Record<string, unknown>][] = [
    ['all', {}],
    ['whatsapp', { filter: { channelType: ['WHATSAPP_BUSINESS'] } }],
    ['overdue', { filter: { overdue: true } }],
    ['search "laadpaal"', { filter: { search: 'laadpaal' } }],
  ];
  console.log(`database: ${app.db.kind}; demo data: ${seeded.counts.threads} threads, ${seeded.counts.messages} messages; ${ITERATIONS} iterations per case`);
  for (const [label, variables] of cases) {
    const run = async () => {
      const r = await execute({ schema, document: INBOX, variableValues: variables, contextValue: viewerContext(app, { ...viewer, kind: 'USER' }) });
      if (r.errors) throw r.errors[0];
    };
    for (let i = 0; i < 10; i++) await run(); // warm-up
    statements = 0;
    const times: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(
      `${label.padEnd(20)} p50 ${pct(times, 0.5).toFixed(1)} ms  p95 ${pct(times, 0.95).toFixed(1)} ms  mean ${mean.toFixed(1)} ms  SQL statements/page ${(statements / ITERATIONS).toFixed(1)}`,
    );
  }
} finally {
  await app.close();
  await db?.drop();
}
