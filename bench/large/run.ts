/**
 * Benchmark on the large data set (issue 9 §3, issue 8 §4): the real app
 * in-process (createApp + startServer on a loopback port, no job runner),
 * signed in over HTTP as the manager (manager@chargecars.nl, the demo
 * password), every request a real HTTP GraphQL POST with the web app's own
 * document (read from web/src, see documents.ts). Per case: warm-up, then
 * --rounds requests one at a time (concurrency 1) and --rounds requests on
 * each of 10 concurrent workers (concurrency 10); p50 and p95 in ms.
 *
 *   pnpm --filter @hub/api run bench:large:generate -- --database postgresql://postgres@127.0.0.1:5432/hub_large
 *   pnpm --filter @hub/api run bench:large -- --database postgresql://postgres@127.0.0.1:5432/hub_large [--write-docs]
 *
 * Cases: the inbox first page (InboxThreads, 50 threads), each filter tab
 * (mine — the manager's and an agent's —, unassigned, overdue = filter
 * { overdue: true }, the web's Overdue tab = sla [AT_RISK, BREACHED], sla
 * AT_RISK, WhatsApp), search (a Dutch and an Italian word), the threads of
 * the customer with most threads, the thread view (ThreadView) of a
 * 64-message thread; the analytics dashboard for the last 30 days (the web's
 * whole AnalyticsDashboard query, then summary, every series, the dashboard's
 * breakdowns and the drill-down per metric on their own) and the CSV export of
 * 180 days (rows per second to the last byte). --write-docs writes the table
 * into docs/performance.md (between its bench:large markers).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApp } from '../../api/src/app.js';
import { loadConfig } from '../../api/src/config.js';
import { DEMO_PASSWORD } from '../../api/src/demo/data/people.js';
import { startServer } from '../../api/src/server.js';
import { hasWebOperation, webDocument } from './documents.js';
import { INBOX_VIEWS, threadFilterFor } from '../../web/src/features/inbox/views.js';
import { fmtInt, parseOptions, percentile } from './lib.js';

const opts = parseOptions(process.argv.slice(2), {
  database: { help: 'PostgreSQL URL of the generated database (bench:large:generate)' },
  rounds: { default: '30', help: 'measured requests per case and concurrency level (per worker at concurrency > 1)' },
  concurrency: { default: '1,10', help: 'concurrency levels' },
  warmup: { default: '3', help: 'unmeasured requests per case first' },
  only: { help: 'regular expression: run only the cases whose name matches' },
  dutch: { default: 'meterkast', help: 'Dutch search word' },
  italian: { default: 'preventivo', help: 'Italian search word' },
  'export-rounds': { default: '3', help: 'CSV exports of 180 days' },
  merge: { flag: true, help: 'merge with the results of earlier runs (--state) instead of replacing them, so the cases can be run in parts' },
  state: { help: 'JSON file keeping the results of the runs for --merge (default: hub-bench-large.json in the temp directory)' },
  budget: {
    default: '60',
    help: 'seconds per case and concurrency level: a case far over its target stops early (after at least 5 requests per worker); the table gives the number of requests',
  },
  'write-docs': { flag: true, help: 'write the results into docs/performance.md' },
});
if (!opts.database) throw new Error('--database postgresql://… is required');
const ROUNDS = Number(opts.rounds);
const LEVELS = opts.concurrency!.split(',').map(Number);
const WARMUP = Number(opts.warmup);
const only = opts.only ? new RegExp(opts.only, 'i') : null;
const BUDGET_MS = Number(opts.budget) * 1000;
const DAY = 86_400_000;
const TZ = 'Europe/Amsterdam';
const loadBefore = os.loadavg();

const app = await createApp({
  config: loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: opts.database, RATE_LIMIT_BUCKET_POINTS: '1000000000', RATE_LIMIT_RESTORE_RATE: '1000000000' }, { mode: 'development' }),
});
const server = await startServer(app, { port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${server.port}`;
const sql = new pg.Client({ connectionString: opts.database });
await sql.connect();

interface GqlResult {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
}
async function gql(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<{ ms: number; body: GqlResult; bytes: number }> {
  const t = performance.now();
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  const ms = performance.now() - t;
  let body: GqlResult;
  try {
    body = JSON.parse(text) as GqlResult;
  } catch {
    body = { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }] };
  }
  return { ms, body, bytes: text.length };
}
async function login(email: string): Promise<string> {
  const r = await gql(null, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token errors { code message } } }', { e: email, p: DEMO_PASSWORD });
  const token = (r.body.data?.login as { token?: string } | undefined)?.token;
  if (!token) throw new Error(`login ${email} failed: ${JSON.stringify(r.body)}`);
  return token;
}
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

// ------------------------------------------------------------------ the data the cases need

const manager = await login('manager@chargecars.nl');
const agentEmail = 'sarah@chargecars.nl';
const agent = await login(agentEmail);
const org = (await sql.query<{ id: string }>(`SELECT id FROM "Organization" WHERE slug = 'chargecars'`)).rows[0]!.id;
const counts = (
  await sql.query<{ threads: string; messages: string }>(`SELECT (SELECT count(*) FROM "Thread")::text AS threads, (SELECT count(*) FROM "Message")::text AS messages`)
).rows[0]!;
const topCustomer = (
  await sql.query<{ id: string; n: number }>(
    `SELECT "customerId" AS id, count(*)::int AS n FROM "Thread" WHERE "organizationId" = $1 AND "customerId" IS NOT NULL AND "deletedAt" IS NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    [org],
  )
).rows[0]!;
const longThread = (
  await sql.query<{ id: string; n: number }>(
    `SELECT t.id, c.n FROM "Thread" t JOIN LATERAL (SELECT count(*)::int AS n FROM "Message" m WHERE m."threadId" = t.id) c ON true
      WHERE t."organizationId" = $1 AND t."deletedAt" IS NULL AND c.n = 64 ORDER BY t."lastMessageAt" DESC LIMIT 1`,
    [org],
  )
).rows[0];
if (!longThread) throw new Error('no thread with 64 messages: generate the data with bench:large:generate');

// ------------------------------------------------------------------ cases

interface Case {
  name: string;
  group: 'inbox' | 'thread' | 'analytics';
  /** p95 target in ms. */
  target?: number;
  token: string;
  query: string;
  variables: Record<string, unknown>;
  /** What the answer holds, for the table (e.g. totalCount). */
  note?: (data: Record<string, unknown>) => string;
}
const cases: Case[] = [];
const inbox = webDocument('InboxThreads');
const total = (d: Record<string, unknown>) => `${fmtInt((d.threads as { totalCount: number }).totalCount)} threads`;
const inboxCase = (name: string, filter: Record<string, unknown>, target: number | undefined, token = manager) =>
  cases.push({ name, group: 'inbox', target, token, query: inbox, variables: { first: 50, filter, orderBy: 'LAST_MESSAGE_AT_DESC' }, note: total });
inboxCase('inbox first page (all)', {}, 50);
inboxCase('tab mine (manager)', { mine: true }, 50);
inboxCase(`tab mine (agent ${agentEmail})`, { mine: true }, 50, agent);
inboxCase('tab unassigned', { unassigned: true }, 50);
inboxCase('overdue (filter overdue: true)', { overdue: true }, 50);
inboxCase('tab Overdue (web: sla AT_RISK + BREACHED)', { sla: ['AT_RISK', 'BREACHED'] }, 50);
inboxCase('sla AT_RISK', { sla: ['AT_RISK'] }, 50);
inboxCase('tab WhatsApp', { channelType: ['WHATSAPP_BUSINESS'] }, 50);
inboxCase(`search Dutch "${opts.dutch}"`, { search: opts.dutch }, 50);
inboxCase(`search Italian "${opts.italian}"`, { search: opts.italian }, 50);
// As the web app sends a search from a tab: the All tab adds snoozed: false (web/src/features/inbox/filters.ts).
inboxCase(`search Dutch "${opts.dutch}" in the All tab (web: snoozed false)`, { search: opts.dutch, snoozed: false }, 50);
inboxCase(`search Italian "${opts.italian}" in the All tab (web: snoozed false)`, { search: opts.italian, snoozed: false }, 50);
inboxCase(`search Dutch "${opts.dutch}" in the Mine tab (web, agent ${agentEmail})`, { search: opts.dutch, mine: true, snoozed: false }, 50, agent);
inboxCase(`customer's threads (${topCustomer.n} threads)`, { customerId: gid('Customer', topCustomer.id) }, 50);
// Each tab as the web app asks for it (web/src/features/inbox/filters.ts: every tab but Snoozed adds snoozed: false).
for (const view of INBOX_VIEWS) {
  const token = view.value === 'mine' || view.value === 'team' ? agent : manager;
  inboxCase(`tab ${view.label} (web filter${token === agent ? `, agent ${agentEmail}` : ''})`, threadFilterFor(view.value, ''), 50, token);
}
// The tabs' unread badges, one request of nine counts (web/src/features/inbox/unreadCounts.ts), asked after the first rows
// are shown and again on every live event.
if (hasWebOperation('InboxUnreadCounts'))
  cases.push({
    name: 'tab badges (web InboxUnreadCounts: 9 unread counts)',
    group: 'inbox',
    target: 50,
    token: agent,
    query: webDocument('InboxUnreadCounts'),
    variables: Object.fromEntries(INBOX_VIEWS.map((v) => [v.value, threadFilterFor(v.value, '')])),
    note: (d) => `all: ${fmtInt((d.all as { unreadCount: number }).unreadCount)} unread`,
  });
cases.push({
  name: `thread view (${longThread.n} messages)`,
  group: 'thread',
  token: manager,
  query: webDocument('ThreadView'),
  variables: { id: gid('Thread', longThread.id) },
  note: (d) => `${(d.node as { messages: { edges: unknown[] } }).messages.edges.length} messages shown`,
});

const now = Date.now();
const range30 = { from: new Date(now - 30 * DAY).toISOString(), to: new Date(now).toISOString() };
const range180 = { from: new Date(now - 180 * DAY).toISOString(), to: new Date(now).toISOString() };
const schemaText = readFileSync(fileURLToPath(new URL('../../schema.graphql', import.meta.url)), 'utf8');
const hasAnalytics = /^\s+analytics\(/m.test(schemaText) && hasWebOperation('AnalyticsDashboard');
const metrics = hasAnalytics ? [...(/enum AnalyticsMetric \{([\s\S]*?)\n\}/.exec(schemaText)?.[1] ?? '').matchAll(/^ {2}([A-Z_]+)$/gm)].map((m) => m[1]!) : [];
if (hasAnalytics) {
  const scope = { range: range30, filter: null, timezone: TZ };
  const a = (name: string, body: string, note?: Case['note']) =>
    cases.push({
      name,
      group: 'analytics',
      target: 300,
      token: manager,
      query: `query($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput, $timezone: String) { analytics(range: $range, filter: $filter, timezone: $timezone) { ${body} } }`,
      variables: scope,
      note,
    });
  cases.push({
    name: 'analytics dashboard (web AnalyticsDashboard, 30 days, whole)',
    group: 'analytics',
    target: 300,
    token: manager,
    query: webDocument('AnalyticsDashboard'),
    variables: { ...scope, interval: 'DAY' },
  });
  a('analytics summary (all metrics)', 'summary { metric value count previousValue status }', (d) => `${((d.analytics as { summary: unknown[] }).summary ?? []).length} metrics`);
  for (const m of metrics) a(`analytics series ${m} (DAY)`, `series(metric: ${m}, interval: DAY) { start value count }`);
  const dashboardBreakdowns = [...webDocument('AnalyticsDashboard').matchAll(/breakdown\(metric: ([A-Z_]+), by: ([A-Z_]+)\)/g)].map((m) => [m[1]!, m[2]!] as const);
  for (const [m, by] of dashboardBreakdowns) a(`analytics breakdown ${m} by ${by}`, `breakdown(metric: ${m}, by: ${by}) { key value count }`);
  for (const m of metrics)
    a(
      `analytics threads ${m} (first 25)`,
      `threads(metric: ${m}, first: 25) { totalCount edges { node { id } } }`,
      (d) => `${fmtInt((d.analytics as { threads: { totalCount: number } }).threads.totalCount)} threads`,
    );
}

// ------------------------------------------------------------------ measuring

interface Row {
  name: string;
  group: Case['group'];
  target?: number;
  levels: { concurrency: number; p50: number; p95: number; n: number; rps: number }[];
  note: string;
  error?: string;
  /** When the case ran (ISO) and the 1-minute load average then. */
  at: string;
  load: number;
}
const rows: Row[] = [];
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

for (const c of cases) {
  if (only && !only.test(c.name)) continue;
  const row: Row = { name: c.name, group: c.group, target: c.target, levels: [], note: '', at: new Date().toISOString(), load: os.loadavg()[0]! };
  rows.push(row);
  try {
    for (let i = 0; i < WARMUP; i++) {
      const r = await gql(c.token, c.query, c.variables);
      if (r.body.errors?.length) throw new Error(r.body.errors.map((e) => `${e.extensions?.code ?? ''} ${e.message}`).join('; '));
      if (i === 0 && c.note && r.body.data) row.note = c.note(r.body.data);
    }
    for (const level of LEVELS) {
      const times: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: level }, async () => {
          for (let i = 0; i < ROUNDS; i++) {
            if (i >= 5 && performance.now() - t0 > BUDGET_MS) break;
            const r = await gql(c.token, c.query, c.variables);
            if (r.body.errors?.length) throw new Error(r.body.errors[0]!.message);
            times.push(r.ms);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      times.sort((x, y) => x - y);
      row.levels.push({ concurrency: level, p50: percentile(times, 0.5), p95: percentile(times, 0.95), n: times.length, rps: times.length / seconds });
    }
  } catch (err) {
    row.error = (err as Error).message.slice(0, 160);
  }
  const l = row.levels;
  process.stdout.write(
    `${c.name.padEnd(62)} ${l.map((x) => `c${x.concurrency} p50 ${fmtMs(x.p50).padStart(6)} p95 ${fmtMs(x.p95).padStart(6)} ms${x.n < ROUNDS * x.concurrency ? ` (n=${x.n})` : ''}`).join('  ')}${row.note ? `  [${row.note}]` : ''}${row.error ? `  ERROR ${row.error}` : ''}\n`,
  );
}

// CSV export of 180 days: rows per second to the last byte of the stream.
interface ExportRun {
  at: string;
  load: number;
  rows: number;
  bytes: number;
  linkMs: number;
  streamS: number;
}
const exportRuns: ExportRun[] = [];
let exportError: string | null = null;
if (hasAnalytics && (!only || only.test('export'))) {
  for (let i = 0; i < Number(opts['export-rounds']); i++) {
    try {
      const link = await gql(manager, 'query($range: AnalyticsRangeInput!, $timezone: String) { exportThreads(range: $range, timezone: $timezone) { url } }', {
        range: range180,
        timezone: TZ,
      });
      const url = (link.body.data?.exportThreads as { url?: string } | undefined)?.url;
      if (!url) throw new Error(JSON.stringify(link.body.errors ?? link.body));
      const t = performance.now();
      const res = await fetch(new URL(url, base));
      if (!res.ok || !res.body) throw new Error(`GET ${url}: HTTP ${res.status}`);
      let records = 0;
      let bytes = 0;
      let quoted = false;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (let j = 0; j < chunk.length; j++) {
          const b = chunk[j];
          if (b === 0x22) quoted = !quoted;
          else if (b === 0x0a && !quoted) records++;
        }
      }
      exportRuns.push({ at: new Date().toISOString(), load: os.loadavg()[0]!, rows: records - 1, bytes, linkMs: link.ms, streamS: (performance.now() - t) / 1000 });
    } catch (err) {
      exportError = (err as Error).message.slice(0, 200);
      break;
    }
  }
  const best = exportRuns.map((r) => r.rows / r.streamS).sort((x, y) => x - y);
  process.stdout.write(
    exportRuns.length
      ? `CSV export 180 days: ${exportRuns.map((r) => `${fmtInt(r.rows)} rows ${(r.bytes / 1e6).toFixed(1)} MB in ${r.streamS.toFixed(2)} s (link ${fmtMs(r.linkMs)} ms) = ${fmtInt(Math.round(r.rows / r.streamS))} rows/s`).join('; ')}; median ${fmtInt(Math.round(percentile(best, 0.5)))} rows/s\n`
      : `CSV export: ERROR ${exportError}\n`,
  );
}
const loadAfter = os.loadavg();
console.log(`load average before ${loadBefore.map((x) => x.toFixed(1)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(1)).join(' ')} (${os.cpus().length} cores)`);

// ------------------------------------------------------------------ results (merged with earlier runs on --merge) and docs

const statePath = opts.state ?? path.join(os.tmpdir(), 'hub-bench-large.json');
const previous: { rows: Row[]; exportRuns: ExportRun[] } =
  opts.merge && existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as { rows: Row[]; exportRuns: ExportRun[] }) : { rows: [], exportRuns: [] };
const order = new Map(cases.map((c, i) => [c.name, i]));
const merged = [...previous.rows.filter((r) => !rows.some((x) => x.name === r.name)), ...rows].sort((a, b) => (order.get(a.name) ?? 1e9) - (order.get(b.name) ?? 1e9));
const mergedExports = exportRuns.length ? exportRuns : previous.exportRuns;
writeFileSync(statePath, JSON.stringify({ rows: merged, exportRuns: mergedExports }, null, 1));
console.log(`results (${merged.length} cases) kept in ${statePath}`);

if (opts['write-docs']) {
  const file = fileURLToPath(new URL('../../docs/performance.md', import.meta.url));
  const verdict = (r: Row) => {
    if (r.error) return `error: ${r.error}`;
    if (!r.target) return '';
    const worst = Math.max(...r.levels.map((x) => x.p95));
    const c1 = r.levels.find((x) => x.concurrency === 1)?.p95 ?? worst;
    return c1 <= r.target ? (worst <= r.target ? 'met' : `met at c1; c10 p95 ${fmtMs(worst)} ms`) : `**missed** (${fmtMs(c1)} > ${r.target} ms)`;
  };
  const header = `| case | ${LEVELS.map((l) => `c${l} p50 / p95 (ms)`).join(' | ')} | target p95 | verdict | answer | load |\n| --- | ${LEVELS.map(() => '---').join(' | ')} | --- | --- | --- | --- |`;
  const table = merged
    .map(
      (r) =>
        `| ${r.name} | ${LEVELS.map((l) => {
          const x = r.levels.find((y) => y.concurrency === l);
          return x ? `${fmtMs(x.p50)} / ${fmtMs(x.p95)}${x.n < ROUNDS * x.concurrency ? ` (n=${x.n})` : ''}` : '–';
        }).join(' | ')} | ${r.target ? `≤ ${r.target} ms` : ''} | ${verdict(r)} | ${r.note} | ${r.load.toFixed(1)} |`,
    )
    .join('\n');
  const exportLine = mergedExports.length
    ? `CSV export of all threads of 180 days (\`exportThreads\` link, then GET to the last byte; target ≥ 20,000 rows/s): ${mergedExports
        .map(
          (r) =>
            `${fmtInt(r.rows)} rows (${(r.bytes / 1e6).toFixed(1)} MB) in ${r.streamS.toFixed(2)} s = **${fmtInt(Math.round(r.rows / r.streamS))} rows/s** (load ${r.load.toFixed(1)})`,
        )
        .join('; ')}.`
    : hasAnalytics
      ? `CSV export: error ${exportError ?? 'not run'}.`
      : 'Analytics and export: not in schema.graphql yet, not measured.';
  const section = [
    '<!-- bench:large:start (written by bench/large/run.ts --write-docs) -->',
    `Measured ${(merged.map((r) => r.at).sort()[0] ?? new Date().toISOString()).slice(0, 16).replace('T', ' ')} – ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.versions.node}, ${(await sql.query<{ v: string }>(`SELECT 'PostgreSQL ' || current_setting('server_version') AS v`)).rows[0]!.v} local; data: ${fmtInt(Number(counts.threads))} threads, ${fmtInt(Number(counts.messages))} messages. ` +
      `The machine was shared with other test suites: the last column gives the 1-minute load average when each case started (2 cores: above 2 means the bench waited for CPU).`,
    '',
    '```',
    `pnpm --filter @hub/api run bench:large -- --database ${opts.database} --rounds ${ROUNDS} --budget ${opts.budget} --write-docs${opts.merge ? "   # in parts: --only '<regexp>' --merge" : ''}`,
    '```',
    '',
    `${ROUNDS} requests per case at concurrency 1, and ${ROUNDS} per worker with 10 concurrent workers (${ROUNDS * 10} requests), after ${WARMUP} warm-up requests; a case stops early after ${opts.budget} s per level (at least 5 requests per worker; n = requests measured). Real HTTP GraphQL POSTs with the web app's documents, signed in as manager@chargecars.nl; the app in the bench's process (client and server share one Node event loop).`,
    '',
    header,
    table,
    '',
    exportLine,
    '<!-- bench:large:end -->',
  ].join('\n');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  const re = /<!-- bench:large:start[\s\S]*?<!-- bench:large:end -->/;
  writeFileSync(file, re.test(before) ? before.replace(re, section) : `${before.trimEnd()}\n\n${section}\n`);
  console.log(`written to ${file}`);
}

await sql.end();
await server.close();
await app.close();
