/**
 * Attack benchmark (issue 7 §8): how fast the request limits
 * (api/src/http/graphql-limits.ts) refuse the depth bomb, the alias flood and a
 * `nodes` lookup of 10,000 ids, through the real server over loopback HTTP (an
 * authenticated agent, so the viewer lookup is included), and whether the
 * server's memory stays flat. Prints, per attack, the median, p95 and max of
 * BENCH_ITERATIONS (200) refusals in ms, the HTTP status and error code, the SQL
 * statements per refusal (1 = the viewer lookup only), and the server's heap
 * and RSS before and after (MiB, after a GC when run with --expose-gc), beside
 * an accepted `{ __typename }` for comparison.
 *
 *   pnpm --filter @hub/api run bench:attack
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pnpm --filter @hub/api run bench:attack
 */
import { createApp } from '../../api/src/app.js';
import { loadConfig } from '../../api/src/config.js';
import { issueToken } from '../../api/src/modules/auth/auth.service.js';
import { startServer } from '../../api/src/server.js';
import { createScratchDatabase } from '../../api/test/scratch-database.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const DEPTH_BOMB = `query { threads(first:100){edges{node{messages(first:100){edges{node{thread{messages(first:100){edges{node{id}}}}}}}}}} }`;
const ALIAS_FLOOD = `query { ${Array.from({ length: 1000 }, (_, i) => `a${i}: threads(first:100){totalCount}`).join(' ')} }`;
const IDS_10K = Array.from({ length: 10_000 }, (_, i) => Buffer.from(`Thread:0190a3c2-0000-7000-8000-${String(i).padStart(12, '0')}`).toString('base64'));
const NODES_10K = `query { nodes(ids: [${IDS_10K.map((id) => `"${id}"`).join(',')}]) { id } }`;
const NODES_10K_VARIABLES = { query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: IDS_10K } };
const MiB = (n: number) => (n / 1024 / 1024).toFixed(1);
function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const base = process.env.BENCH_DATABASE_URL;
const db = base ? await createScratchDatabase(base, 'bench') : null;
const app = await createApp({ config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_BUCKET_POINTS: '1000000', ...(db ? { DATABASE_URL: db.url } : {}) }), inMemory: true });
const server = await startServer(app, { port: 0, host: '127.0.0.1' });
try {
  const org = await app.db.prisma.organization.create({ data: { slug: 'bench-limits', name: 'Bench' } });
  const user = await app.db.prisma.user.create({ data: { organizationId: org.id, email: 'bench@example.test', name: 'Bench', role: 'AGENT', passwordHash: 'x' } });
  const token = await issueToken(app, user);
  const url = `http://127.0.0.1:${server.port}/graphql`;
  const run = async (query: string | { query: string; variables: unknown }) => {
    const t0 = performance.now();
    const body = JSON.stringify(typeof query === 'string' ? { query } : query);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    const answer = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    const e = answer.errors?.[0];
    return { ms: performance.now() - t0, status: res.status, message: e ? `${e.extensions?.code ?? ''} ${e.message}` : '(no error)' };
  };
  let statements = 0;
  app.db.onQuery.add(() => statements++);
  for (const [name, query] of [
    ['baseline { __typename } (accepted)', '{ __typename }'],
    ['depth bomb', DEPTH_BOMB],
    ['alias flood (1,000 aliases)', ALIAS_FLOOD],
    ['nodes(ids) with 10,000 ids inline', NODES_10K],
    ['nodes(ids: $ids) with 10,000 ids as variables', NODES_10K_VARIABLES],
  ] as const) {
    const before = memory();
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
    const after = memory();
    console.log(
      `${name} (${db ? 'postgres' : 'pglite'}): median ${median.toFixed(2)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms over ${ITERATIONS}; HTTP ${last.status} "${last.message.slice(0, 90)}"; SQL statements per request: ${(statements / ITERATIONS).toFixed(1)} (viewer lookup); heap ${MiB(before.heap)} → ${MiB(after.heap)} MiB, RSS ${MiB(before.rss)} → ${MiB(after.rss)} MiB`,
    );
  }
} finally {
  await server.close();
  await app.close();
  await db?.drop();
}
