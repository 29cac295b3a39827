/**
 * Benchmark: how fast the request limits (api/src/http/graphql-limits.ts) refuse
 * the depth bomb and the alias flood, through the real server over loopback HTTP
 * (an authenticated user, so the viewer lookup is included). Prints the median
 * and p95 of BENCH_ITERATIONS (20) refusals each, in ms, and the SQL statements
 * each refusal ran beyond the viewer lookup, beside an accepted `{ __typename }`
 * (viewer lookup, pricing and bucket only) for comparison.
 *
 *   pnpm --filter @hub/api run bench:limits
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pnpm --filter @hub/api run bench:limits
 */
import { createApp } from '../api/src/app.js';
import { loadConfig } from '../api/src/config.js';
import { issueToken } from '../api/src/modules/auth/auth.service.js';
import { startServer } from '../api/src/server.js';
import { createScratchDatabase } from '../api/test/scratch-database.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20);
const DEPTH_BOMB = `query { threads(first:100){edges{node{messages(first:100){edges{node{thread{messages(first:100){edges{node{id}}}}}}}}}} }`;
const ALIAS_FLOOD = `query { ${Array.from({ length: 1000 }, (_, i) => `a${i}: threads(first:100){totalCount}`).join(' ')} }`;

const base = process.env.BENCH_DATABASE_URL;
const db = base ? await createScratchDatabase(base, 'bench') : null;
const app = await createApp({ config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_BUCKET_POINTS: '1000000', ...(db ? { DATABASE_URL: db.url } : {}) }), inMemory: true });
const server = await startServer(app, { port: 0, host: '127.0.0.1' });
try {
  const org = await app.db.prisma.organization.create({ data: { slug: 'bench-limits', name: 'Bench' } });
  const user = await app.db.prisma.user.create({ data: { organizationId: org.id, email: 'bench@example.test', name: 'Bench', role: 'AGENT', passwordHash: 'x' } });
  const token = await issueToken(app, user);
  const url = `http://127.0.0.1:${server.port}/graphql`;
  const run = async (query: string) => {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { errors?: { message: string }[] };
    return { ms: performance.now() - t0, status: res.status, message: body.errors?.[0]?.message ?? '(no error)' };
  };
  let statements = 0;
  app.db.onQuery.add(() => statements++);
  for (const [name, query] of [
    ['baseline { __typename } (accepted)', '{ __typename }'],
    ['depth bomb', DEPTH_BOMB],
    ['alias flood (1,000 aliases)', ALIAS_FLOOD],
  ] as const) {
    for (let i = 0; i < 3; i++) await run(query); // warm-up
    statements = 0;
    const times: number[] = [];
    let last = { status: 0, message: '' };
    for (let i = 0; i < ITERATIONS; i++) {
      const r = await run(query);
      times.push(r.ms);
      last = r;
    }
    times.sort((a, b) => a - b);
    const median = times.length % 2 ? times[(times.length - 1) / 2]! : (times[times.length / 2 - 1]! + times[times.length / 2]!) / 2;
    console.log(
      `${name} (${db ? 'postgres' : 'pglite'}): median ${median.toFixed(2)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(2)} ms over ${ITERATIONS}; HTTP ${last.status} "${last.message}"; SQL statements per request: ${(statements / ITERATIONS).toFixed(1)} (viewer lookup)`,
    );
  }
} finally {
  await server.close();
  await app.close();
  await db?.drop();
}
