/**
 * `pnpm bench` (issue 8 §1): the hub against a hand-written server (baseline.ts: node:http + pg,
 * the same SQL shape, the same JSON) on the same PostgreSQL database with the demo data, side by
 * side in one run. Each server runs alone in a child process (server-child.ts, bundled by api/build.ts and run
 * by plain node, as `pnpm start` runs the hub); autocannon
 * (https://github.com/mcollina/autocannon) loads it from this process with 10 connections.
 * Before measuring, both answers to each document are compared (deep-equal JSON): a baseline
 * that answers something else would make the ratio meaningless, so the run fails instead.
 *
 *   pnpm bench                                  # PostgreSQL at postgresql://postgres@127.0.0.1:5432/test (a scratch database)
 *   BENCH_DATABASE_URL=… BENCH_SECONDS=10 BENCH_ROUNDS=3 pnpm bench
 *   BENCH_PGLITE=1 pnpm bench                   # also the hub on PGlite, for reference (no baseline there)
 *   BENCH_SMOKE=1 BENCH_SECONDS=2 BENCH_ROUNDS=1 pnpm bench   # .ci/run: fails on more SQL statements per request, or 100× slower
 *
 * Per scenario and server: requests/s, latency p50 / p99 (autocannon's, ms) and server CPU per
 * request (the child's process.cpuUsage over the round / requests), the server's peak RSS
 * (sampled every 50 ms; the highest of the rounds), the median of the rounds
 * (BENCH_ROUNDS, default 3; hub and baseline alternate within each round), and the ratios hub /
 * baseline. BENCH_OUT=<file> also writes the Markdown table there; BENCH_CPU_PROF_DIR=<dir> has
 * each server child write its V8 CPU profiles there (CPU.*.cpuprofile, the largest is the main thread).
 * BENCH_NODE_FLAGS='<flags>' starts the server children with those Node/V8 flags after `pnpm start`'s own
 * (api/package.json; a later flag wins, e.g. --heap-growing-percent=0 for V8's default);
 * BENCH_RESULT_FILE=<file> writes the medians as JSON ({ rounds, seconds, connections, scenarios: [{ name,
 * hub, baseline, pglite }] }, each a Figures: rps, p50 and p99 in ms, cpuMs, statements, rssMb) for bench/targets.ts.
 * BENCH_MEMDEBUG=1 has each child print process.memoryUsage() (MB) before and after a forced GC at each
 * round's end (the forced GC lowers the next round's peak RSS: not for the table).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { bundle, distDir, startEnv, startFlags } from '../../api/build.js';
import { createApp } from '../../api/src/app.js';
import { loadConfig } from '../../api/src/config.js';
import { createScratchDatabase } from '../../api/test/scratch-database.js';
import { prepareBenchData } from './data.js';
import { INBOX, THREAD } from './documents.js';
import type { CompareResult, Figures } from './figures.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const base = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
// Real-looking secrets (the hub's production rules); both servers verify with the same JWT secret.
const secrets = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz', APP_SECRET_KEY: 'bench-app-secret-0123456789abcdefghijklmnopqrstuvwxyz' };

interface Child {
  url: string;
  prepared?: { token: string; threadId: string };
  proc: ChildProcess;
  /** CPU time (µs) and SQL statements so far; the highest RSS (bytes) since the previous call. */
  usage(): Promise<{ micros: number; statements: number; peakRss: number }>;
  stop(): Promise<void>;
}

// The server children run as `pnpm start` runs the hub: bundled JavaScript under plain node with the start script's
// flags (api/build.ts), not under tsx, whose loader thread would add ~90 MB to every child's RSS (issue 8 §5).
await bundle({ entryPoints: { 'bench-server-child': fileURLToPath(new URL('./server-child.ts', import.meta.url)) }, chunkPrefix: 'bench-chunk' });
const childScript = path.join(distDir, 'bench-server-child.js');

function startChild(kind: 'hub' | 'hub-pglite' | 'baseline', env: Record<string, string>): Promise<Child> {
  // BENCH_CPU_PROF_DIR: each server child writes a V8 CPU profile there when it stops.
  const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const proc = fork(childScript, [kind], {
    execArgv: [
      // The hub's and the baseline's alike: the flags `pnpm start` gives node (api/package.json).
      ...startFlags(),
      ...prof,
      ...(process.env.BENCH_MEMDEBUG ? ['--expose-gc'] : []),
      ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
    ],
    // …and the environment it gives node (glibc's malloc thresholds), before the child's own.
    env: { ...process.env, ...startEnv(), ...env },
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
    proc.once('message', (m: { type: string; url: string; prepared?: Child['prepared'] }) => {
      resolve({
        url: m.url,
        prepared: m.prepared,
        proc,
        usage: () =>
          new Promise((res) => {
            proc.once('message', (r: { micros: number; statements: number; peakRss: number }) => res(r));
            proc.send({ type: 'cpu' });
          }),
        stop: async () => {
          proc.removeAllListeners('exit');
          const exited = new Promise((r) => proc.once('exit', r));
          proc.send({ type: 'stop' });
          await exited;
        },
      });
    });
  });
}

interface Scenario {
  name: string;
  body: string;
  /**
   * The hub's SQL statements per request today (BENCH_SMOKE fails above it): the data; the session's
   * user row is cached (api/src/modules/auth/viewer-cache.ts: one lookup per user per 5 s).
   */
  maxStatements: number;
}

/** The first path where two JSON values differ, or null. */
function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path}: hub ${JSON.stringify(a)?.slice(0, 300)} ≠ baseline ${JSON.stringify(b)?.slice(0, 300)}`;
}

async function post(url: string, token: string, body: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  return res.json();
}

async function load(child: Child, token: string, s: Scenario): Promise<Figures> {
  const before = await child.usage();
  const r = await autocannon({
    url: `${child.url}/graphql`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: s.body,
  });
  const after = await child.usage();
  if (r.errors || r.non2xx) throw new Error(`${s.name}: ${r.errors} errors, ${r.non2xx} non-2xx responses`);
  // Per request sent: requests still in flight when the round ends ran (some of) their SQL and
  // used CPU but are not among the completed ones.
  const n = r.requests.sent;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuMs: (after.micros - before.micros) / 1000 / n,
    statements: (after.statements - before.statements) / n,
    rssMb: after.peakRss / 1024 / 1024,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const med = (fs: Figures[]): Figures => ({
  rps: median(fs.map((f) => f.rps)),
  p50: median(fs.map((f) => f.p50)),
  p99: median(fs.map((f) => f.p99)),
  cpuMs: median(fs.map((f) => f.cpuMs)),
  statements: median(fs.map((f) => f.statements)),
  rssMb: Math.max(...fs.map((f) => f.rssMb)),
});
const fmt = (f: Figures) =>
  `${f.rps.toFixed(0)} req/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, ${f.cpuMs.toFixed(2)} ms CPU and ${f.statements.toFixed(1)} SQL statements per request, peak RSS ${f.rssMb.toFixed(0)} MB`;

const scratch = await createScratchDatabase(base, 'bench_compare');
const children: Child[] = [];
const rows: string[] = [];
try {
  const env = { ...secrets, DATABASE_URL: scratch.url };
  const seeding = await createApp({ config: loadConfig({ LOG_LEVEL: 'silent', ...env }), inMemory: true });
  const { token, threadId } = await prepareBenchData(seeding);
  await seeding.close();
  const scenarios = (id: string): Scenario[] => [
    { name: 'inbox first page (50 threads)', body: JSON.stringify({ operationName: 'Inbox', query: INBOX }), maxStatements: 2.05 },
    { name: 'thread view (64 messages)', body: JSON.stringify({ operationName: 'Thread', query: THREAD, variables: { id } }), maxStatements: 1.05 },
  ];
  // One agent sends every request: the per-user cost bucket (1,000 points, 50/s) would answer 429
  // after a few pages. The bucket is made large; pricing each operation still runs.
  const unthrottled = { RATE_LIMIT_BUCKET_POINTS: '100000000', RATE_LIMIT_RESTORE_RATE: '10000000' };
  // As `pnpm start` runs it (main.ts): NODE_ENV=production.
  const hub = await startChild('hub', { ...env, ...unthrottled, NODE_ENV: 'production' });
  children.push(hub);
  const baseline = await startChild('baseline', env);
  children.push(baseline);
  // Same answers, or no comparison.
  for (const s of scenarios(threadId)) {
    // `overdue` is computed at the moment of the request (a due date of the demo data may pass between the two
    // answers, most likely on the hub's cold first request): the servers are asked at once, after a warm-up request,
    // and a difference in `overdue` alone is asked again (up to 3 times) before it counts.
    for (const url of [hub.url, baseline.url]) await post(url, token, s.body);
    for (let attempt = 1; ; attempt++) {
      // `data` only: the hub adds extensions.cost (its rate limit), the baseline has none.
      const [hubAnswer, baseAnswer] = (await Promise.all([post(hub.url, token, s.body), post(baseline.url, token, s.body)])) as [
        { data?: unknown; errors?: unknown },
        { data?: unknown },
      ];
      if (hubAnswer.errors) throw new Error(`${s.name}: the hub answered errors ${JSON.stringify(hubAnswer.errors)}`);
      const [a, b] = [hubAnswer.data, baseAnswer.data];
      if (isDeepStrictEqual(a, b)) break;
      const difference = firstDifference(a, b);
      if (attempt < 3 && /\.overdue: /.test(difference ?? '')) {
        console.error(`${s.name}: ${difference} (a due date passed between the answers?): asking again`);
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      console.error(`${s.name}: the baseline's answer differs from the hub's at ${difference}`);
      process.exitCode = 1;
      throw new Error('answers differ');
    }
  }
  // Warm-up (JIT, plan caches, pools), then the rounds.
  for (const s of scenarios(threadId))
    for (const c of [hub, baseline])
      await autocannon({
        url: `${c.url}/graphql`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: 2,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: s.body,
      });
  const results = new Map<string, { hub: Figures[]; baseline: Figures[] }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of scenarios(threadId)) {
      const r = results.get(s.name) ?? { hub: [], baseline: [] };
      results.set(s.name, r);
      r.hub.push(await load(hub, token, s));
      r.baseline.push(await load(baseline, token, s));
      console.error(`round ${round + 1} ${s.name}: hub ${fmt(r.hub.at(-1)!)} | baseline ${fmt(r.baseline.at(-1)!)}`);
    }
  }
  let pglite: Map<string, Figures> | null = null;
  if (process.env.BENCH_PGLITE) {
    await hub.stop();
    await baseline.stop();
    children.length = 0;
    const lite = await startChild('hub-pglite', { ...secrets, ...unthrottled, NODE_ENV: 'production' });
    children.push(lite);
    pglite = new Map();
    for (const s of scenarios(lite.prepared!.threadId)) {
      await load(lite, lite.prepared!.token, s);
      const fs: Figures[] = [];
      for (let round = 0; round < ROUNDS; round++) fs.push(await load(lite, lite.prepared!.token, s));
      pglite.set(s.name, med(fs));
    }
  }
  rows.push(
    `Hub vs hand-written baseline, ${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version}, PostgreSQL, ${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s rounds (medians)`,
    '',
    '| scenario | hub | baseline | throughput hub / baseline (target ≥ 0.5) | p99 hub / baseline (target ≤ 2) |' + (pglite ? ' hub on PGlite (reference) |' : ''),
    '| --- | --- | --- | --- | --- |' + (pglite ? ' --- |' : ''),
  );
  for (const [name, r] of results) {
    const h = med(r.hub);
    const b = med(r.baseline);
    const lite = pglite?.get(name);
    rows.push(`| ${name} | ${fmt(h)} | ${fmt(b)} | ${(h.rps / b.rps).toFixed(2)}× | ${(h.p99 / b.p99).toFixed(2)}× |${lite ? ` ${fmt(lite)} |` : ''}`);
  }
  // Issue 8 §5: the server's RSS under the inbox load (peak of every round), target ≤ 300 MB.
  const inboxName = scenarios(threadId)[0]!.name;
  const inboxRss = med(results.get(inboxName)!.hub).rssMb;
  const baseRss = med(results.get(inboxName)!.baseline).rssMb;
  rows.push(
    '',
    `Memory (target ≤ 300 MB): the hub's peak RSS under the ${inboxName} load ${inboxRss.toFixed(0)} MB (${inboxRss <= 300 ? 'met' : 'missed'}; the baseline ${baseRss.toFixed(0)} MB${pglite?.get(inboxName) ? `; the hub on PGlite ${pglite.get(inboxName)!.rssMb.toFixed(0)} MB` : ''}).`,
  );
  console.log(rows.join('\n'));
  // BENCH_SMOKE (.ci/run): regressions the table would only show, as failures: more SQL statements
  // per request than today, or the hub slower than the baseline by two orders of magnitude.
  if (process.env.BENCH_SMOKE) {
    for (const s of scenarios(threadId)) {
      const r = results.get(s.name)!;
      const h = med(r.hub);
      if (h.statements > s.maxStatements) throw new Error(`${s.name}: ${h.statements} SQL statements per request, more than ${s.maxStatements}`);
      if (h.rps < med(r.baseline).rps / 100) throw new Error(`${s.name}: the hub is over 100× slower than the baseline`);
    }
  }
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${rows.join('\n')}\n`);
  if (process.env.BENCH_RESULT_FILE) {
    const result: CompareResult = {
      rounds: ROUNDS,
      seconds: SECONDS,
      connections: CONNECTIONS,
      scenarios: [...results].map(([name, r]) => ({ name, hub: med(r.hub), baseline: med(r.baseline), pglite: pglite?.get(name) ?? null })),
    };
    writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(result));
  }
} finally {
  for (const c of children) await c.stop().catch(() => undefined);
  await scratch.drop();
}
