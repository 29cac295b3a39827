/**
 * Large data set for the performance benchmarks (issue 9 §3, issue 8 §4):
 * the demo organization with ~20,000 customers, 100,000 threads and 1,000,000
 * messages over the last 180 days, on PostgreSQL.
 *
 *   pnpm --filter @hub/api run bench:large:generate -- \
 *     --database postgresql://postgres@127.0.0.1:5432/hub_large --threads 100000 --messages 1000000
 *
 * Steps (each timed):
 *   1. DROP DATABASE … WITH (FORCE) and CREATE DATABASE (the database of --database).
 *   2. The migrations, with the hub's own migrator (api/src/db/migrate.ts).
 *   3. The demo organization (api/src/demo/seed.ts `seedDemo`, no threads): users,
 *      teams, routing rules, channels, its 182 customers, templates; then the demo
 *      SLA calendar and policies (api/src/demo/sla.ts `seedDemoSla`).
 *   4. More customers up to --customers (generated like the demo's: Dutch,
 *      Belgian, German, English and Italian, every tier) with their WhatsApp,
 *      e-mail and phone identities.
 *   5. Threads, messages, audit rows and tasks, generated in chunks and written
 *      with one multi-row INSERT … SELECT FROM unnest(…) per table and chunk
 *      (foreign-key triggers off for the loading session, the secondary
 *      indexes of Thread, Message and AuditLog dropped before and rebuilt after).
 *   6. Thread.searchDocument (the inbox search's word index, migration
 *      20261202090000_thread_search) and Thread.openTaskCount / hasOpenTasks (migration
 *      20261204100000_thread_open_task_count) in one set-based UPDATE: their triggers were
 *      off for the load. Then the secondary indexes are rebuilt (the GIN index
 *      of searchDocument among them).
 *   7. ANALYZE, then the reporting tables (api/src/modules/analytics/backfill.ts
 *      `backfillReporting`), then VACUUM ANALYZE.
 *
 * Distributions: threads over the last --days days (more recent ones more
 * often, fewer on weekends, office hours); channels by the demo's shares
 * (35 % WhatsApp, 35 % e-mail, 10 % SMS, 7 % phone, 6 % chat, 4 % partner
 * API, 3 % internal); ~80 % resolved or closed (almost all old threads, fewer
 * of the recent ones); priorities as the demo's; customers chosen with a skew
 * (a few customers have dozens of threads); texts in the customer's language
 * (Dutch, English or Italian) from the demo's scripts (api/src/demo/data/conversations.ts);
 * ~60 % of agent replies carry metadata.templateId; SLA fields computed with
 * the engine's own functions; audit rows `thread.update` (changes.after.status)
 * for every resolution, for reopens (~6 % of resolved threads) and escalations;
 * CSAT ratings on ~30 % of resolved threads; 20 threads with exactly 64 messages
 * (the thread-view benchmark). Deterministic for a --seed and --now.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { createApp } from '../../api/src/app.js';
import { loadConfig } from '../../api/src/config.js';
import { createDatabase } from '../../api/src/db/client.js';
import { migrate } from '../../api/src/db/migrate.js';
import { DEMO_CHANNELS, type TeamName } from '../../api/src/demo/data/channels.js';
import { INTERNAL_SCENARIOS, PHRASES, SCENARIOS, type Lang, type Scenario, type ScriptContext, type Turn } from '../../api/src/demo/data/conversations.js';
import { generateCustomers, type DemoCustomer } from '../../api/src/demo/data/customers.js';
import { DEMO_USERS } from '../../api/src/demo/data/people.js';
import { seedDemo } from '../../api/src/demo/seed.js';
import { seedDemoSla } from '../../api/src/demo/sla.js';
import type { Thread } from '../../api/src/generated/prisma/client.js';
import type { Priority, ThreadStatus } from '../../api/src/generated/prisma/enums.js';
import { calendarOf } from '../../api/src/modules/sla/calendar.service.js';
import { dueDateWithPauses, type SlaPause } from '../../api/src/modules/sla/business-time.js';
import { AT_RISK_PERCENT, runningClocks, stepFireAt, type PolicyWithCalendar } from '../../api/src/modules/sla/engine.js';
import { matchPolicy } from '../../api/src/modules/sla/policy.service.js';
import type { AppDeps } from '../../api/src/shared/app.js';
import { BulkTable, Ids, Rng, arrayLiteral, databaseName, fmtInt, parseOptions, timed, withDatabase } from './lib.js';

const opts = parseOptions(process.argv.slice(2), {
  database: { help: 'PostgreSQL URL of the database to (re)create; it is DROPPED first' },
  threads: { default: '100000', help: 'threads' },
  messages: { default: '1000000', help: 'messages (exact total)' },
  customers: { default: '20000', help: 'customers (the demo has 182)' },
  days: { default: '180', help: 'threads spread over this many days before --now' },
  seed: { default: '20261201', help: 'seed of the generators' },
  now: { help: 'ISO instant the data ends at (default: the current minute)' },
  'skip-backfill': { flag: true, help: 'do not fill ReportingEvent/ReportingRollup' },
  'only-backfill': { flag: true, help: 'only refill ReportingEvent/ReportingRollup of an already generated --database' },
});
if (!opts.database) throw new Error('--database postgresql://… is required (the database is dropped and recreated)');
const URL_ = opts.database;
const DB_NAME = databaseName(URL_);
if (!DB_NAME || ['postgres', 'template0', 'template1'].includes(DB_NAME)) throw new Error(`refusing to drop database "${DB_NAME}"`);
const N_THREADS = Number(opts.threads);
const N_MESSAGES = Number(opts.messages);
const N_CUSTOMERS = Number(opts.customers);
const DAYS = Number(opts.days);
const SEED = Number(opts.seed);
const NOW = opts.now ? new Date(opts.now).getTime() : Math.floor(Date.now() / 60_000) * 60_000;
if (!(N_THREADS > 0) || !(N_MESSAGES >= N_THREADS) || !(N_CUSTOMERS >= 182) || !(DAYS > 0) || !Number.isFinite(NOW))
  throw new Error('bad --threads/--messages/--customers/--days/--now');

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const CHUNK = 2000;
const LONG_THREAD_MESSAGES = 64;
const ORG_NAME = 'ChargeCars';
const started = performance.now();

// ------------------------------------------------------------------ reporting backfill

type Backfill = (deps: AppDeps, organizationId: string, opts?: { log?: (msg: string) => void }) => Promise<{ threads: number; events: number }>;

/** Fills ReportingEvent/ReportingRollup with the lead's api/src/modules/analytics/backfill.ts, when it exists. */
async function runBackfill(deps: AppDeps, organizationId: string): Promise<void> {
  const backfillPath = fileURLToPath(new URL('../../api/src/modules/analytics/backfill.ts', import.meta.url));
  if (!existsSync(backfillPath)) {
    console.log(`reporting backfill skipped: ${backfillPath} does not exist yet`);
    return;
  }
  const mod = (await import(pathToFileURL(backfillPath).href)) as { backfillReporting?: Backfill };
  if (!mod.backfillReporting) throw new Error(`${backfillPath} does not export backfillReporting`);
  await timed(
    'reporting backfill (backfillReporting: ReportingEvent, ReportingRollup)',
    () => mod.backfillReporting!(deps, organizationId, { log: (msg: string) => process.stdout.write(`\n    ${msg}`) }),
    (r) => `${fmtInt(r.threads)} threads, ${fmtInt(r.events)} events`,
  );
}

if (opts['only-backfill']) {
  const deps = await createApp({ config: loadConfig({ LOG_LEVEL: 'warn', DATABASE_URL: URL_ }, { mode: 'development' }), clock: { now: () => new Date(NOW) } });
  try {
    const org = await deps.db.prisma.organization.findUniqueOrThrow({ where: { slug: 'chargecars' }, select: { id: true } });
    await runBackfill(deps, org.id);
    await timed('VACUUM ANALYZE', () => deps.db.sql.exec('VACUUM ANALYZE'));
  } finally {
    await deps.close();
  }
  process.exit(0);
}

// ------------------------------------------------------------------ 1-3. database, migrations, demo organization

await timed(`drop and create database ${DB_NAME}`, async () => {
  const admin = new pg.Client({ connectionString: withDatabase(URL_, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${DB_NAME}"`);
  } finally {
    await admin.end();
  }
});

await timed(
  'migrations (api/src/db/migrate.ts)',
  async () => {
    const db = await createDatabase({ databaseUrl: URL_, poolSize: 1 });
    try {
      return await migrate(db.sql);
    } finally {
      await db.close();
    }
  },
  (r) => `${r.applied.length} applied`,
);

const app = await createApp({ config: loadConfig({ LOG_LEVEL: 'warn', DATABASE_URL: URL_ }, { mode: 'development' }), clock: { now: () => new Date(NOW) } });
const prisma = app.db.prisma;
const seeded = await timed(
  'demo organization (seedDemo without threads, seedDemoSla)',
  async () => {
    const s = await seedDemo(prisma, { secrets: app.secrets, now: new Date(NOW), threads: 0 });
    await seedDemoSla(app, prisma, s.organizationId);
    return s;
  },
  (s) => `${s.counts.customers} customers, ${s.counts.templates} templates, ${s.counts.tasks} tasks`,
);
const ORG = seeded.organizationId;

// ------------------------------------------------------------------ reference data

const users = await prisma.user.findMany({ where: { organizationId: ORG } });
const userByEmail = new Map(users.map((u) => [u.email, u]));
const staff = DEMO_USERS.map((spec) => ({ ...spec, id: userByEmail.get(spec.email)!.id, first: spec.name.split(' ')[0]! }));
type Staff = (typeof staff)[number];
const byKey = new Map(staff.map((s) => [s.key, s]));
const teams = await prisma.team.findMany({ where: { organizationId: ORG } });
const teamId = new Map(teams.map((t) => [t.name as TeamName, t.id]));
const channels = await prisma.channel.findMany({ where: { organizationId: ORG } });
const channelOf = new Map(DEMO_CHANNELS.map((spec) => [spec.key, { spec, id: channels.find((c) => c.type === spec.type)!.id }]));
const templates = await prisma.template.findMany({ where: { organizationId: ORG, isActive: true }, select: { id: true, locale: true, channelType: true, category: true } });
const policies = (await prisma.slaPolicy.findMany({
  where: { organizationId: ORG, isActive: true },
  include: { calendar: true },
  orderBy: [{ rank: 'asc' }, { id: 'asc' }],
})) as PolicyWithCalendar[];

const agentPools = new Map<string, Staff[]>();
/** Agents who answer a team's threads in a language (as the demo seed picks them). */
function agentsFor(team: TeamName, lang: Lang): Staff[] {
  const key = `${team}:${lang}`;
  let pool = agentPools.get(key);
  if (!pool) {
    const all = staff.filter((u) => (u.role === 'AGENT' || u.role === 'TEAM_LEAD') && u.teams.includes(team === 'Management' ? 'Customer Service' : team));
    const speaking = all.filter((u) => u.skills.includes(lang));
    pool = speaking.length ? speaking : all;
    agentPools.set(key, pool);
  }
  return pool;
}
const leadFor = (team: TeamName, lang: Lang) => byKey.get(lang === 'it' || team === 'Technical Support' ? 'marco' : 'eva')!;

const templateCache = new Map<string, string[]>();
/** Reply templates usable for a language on a channel type (falls back to Dutch). */
function templatesFor(lang: Lang, type: string): string[] {
  const key = `${lang}:${type}`;
  let ids = templateCache.get(key);
  if (!ids) {
    const fits = (l: string) => templates.filter((t) => t.locale === l && t.category !== 'AUTO_RESPONSE' && (t.channelType === null || t.channelType === type)).map((t) => t.id);
    ids = fits(lang);
    if (!ids.length) ids = fits('nl');
    templateCache.set(key, ids);
  }
  return ids;
}

// ------------------------------------------------------------------ loading connection

const load = new pg.Client({ connectionString: URL_ });
await load.connect();
await load.query(`SET synchronous_commit = off`);
// Foreign keys are not checked for the generated rows (they reference rows generated here or seeded above).
await load.query(`SET session_replication_role = replica`);

// ------------------------------------------------------------------ 4. customers

interface Cust {
  id: string;
  c: DemoCustomer;
  order: string | null;
}
const rng = new Rng(SEED);
const ids = new Ids(new Rng(SEED + 1));

const customers: Cust[] = await timed(
  `customers up to ${fmtInt(N_CUSTOMERS)} with identities`,
  async () => {
    const existing = await prisma.customer.findMany({ where: { organizationId: ORG }, select: { id: true, phone: true } });
    const demoByPhone = new Map(generateCustomers(20261122).map((c) => [c.phone, c]));
    const out: Cust[] = existing.map((e) => ({ id: e.id, c: demoByPhone.get(e.phone!)!, order: null })).filter((x) => x.c);
    const taken = new Set((await prisma.customerIdentity.findMany({ where: { organizationId: ORG }, select: { kind: true, value: true } })).map((i) => `${i.kind}:${i.value}`));
    const emails = new Set(out.map((x) => x.c.email).filter(Boolean));
    const custTable = new BulkTable('Customer', [
      { name: 'id', type: 'uuid' },
      { name: 'organizationId', type: 'uuid' },
      { name: 'name', type: 'text' },
      { name: 'email', type: 'text' },
      { name: 'phone', type: 'text' },
      { name: 'companyName', type: 'text' },
      { name: 'codiceFiscale', type: 'text' },
      { name: 'partitaIva', type: 'text' },
      { name: 'pec', type: 'text' },
      { name: 'sdi', type: 'text' },
      { name: 'tier', type: 'text', cast: '"CustomerTier"' },
      { name: 'customAttributes', type: 'jsonb' },
      { name: 'language', type: 'text' },
      { name: 'createdAt', type: 'timestamp(3)' },
      { name: 'updatedAt', type: 'timestamp(3)' },
    ]);
    const identTable = new BulkTable(
      'CustomerIdentity',
      [
        { name: 'id', type: 'uuid' },
        { name: 'organizationId', type: 'uuid' },
        { name: 'customerId', type: 'uuid' },
        { name: 'kind', type: 'text', cast: '"IdentityKind"' },
        { name: 'value', type: 'text' },
        { name: 'scope', type: 'text' },
        { name: 'createdAt', type: 'timestamp(3)' },
        { name: 'updatedAt', type: 'timestamp(3)' },
      ],
      'ON CONFLICT DO NOTHING',
    );
    for (let batch = 0; out.length < N_CUSTOMERS; batch++) {
      for (const c0 of generateCustomers(SEED * 13 + batch, 182)) {
        if (out.length >= N_CUSTOMERS) break;
        let c = c0;
        if (c.email && emails.has(c.email)) c = { ...c, email: c.email.replace('@', `.${batch}@`) };
        if (c.email) emails.add(c.email);
        const at = NOW - (DAYS + 20) * DAY - rng.int(0, 540) * DAY - rng.int(0, DAY);
        const id = ids.uuidv7(at);
        out.push({ id, c, order: null });
        const when = new Date(at);
        custTable.add([
          id,
          ORG,
          c.name,
          c.email,
          c.phone,
          c.companyName,
          c.codiceFiscale,
          c.partitaIva,
          c.pec,
          c.sdi,
          c.tier,
          JSON.stringify(c.customAttributes),
          c.lang,
          when,
          when,
        ]);
        const ident = (kind: string, value: string) => {
          if (taken.has(`${kind}:${value}`)) return;
          taken.add(`${kind}:${value}`);
          identTable.add([ids.uuidv7(at), ORG, id, kind, value, '', when, when]);
        };
        ident('WHATSAPP_ID', c.waId);
        if (c.email) ident('EMAIL', c.email.toLowerCase());
        ident('PHONE', c.phone);
      }
      if (custTable.rows >= 5000) {
        await custTable.flush(load);
        await identTable.flush(load);
      }
    }
    await custTable.flush(load);
    await identTable.flush(load);
    return out;
  },
  (r) => `${fmtInt(r.length)} customers`,
);
// Busy customers first: business customers, then the rest, each shuffled; thread i picks index ~ C·u^1.7.
const customerOrder = [...rng.shuffle(customers.filter((x) => x.c.business)), ...rng.shuffle(customers.filter((x) => !x.c.business))];
const withEmail = customerOrder.filter((x) => x.c.email);
let orderSerial = 20_000;

// ------------------------------------------------------------------ 5. threads and messages

const SECONDARY_INDEX_TABLES = ['Thread', 'Message', 'AuditLog'];
const droppedIndexes = await timed(
  'drop secondary indexes of Thread, Message, AuditLog for the load',
  async () => {
    const { rows } = await load.query<{ name: string; def: string }>(
      `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`,
      [SECONDARY_INDEX_TABLES],
    );
    for (const r of rows) await load.query(`DROP INDEX "${r.name}"`);
    return rows;
  },
  (r) => `${r.length} indexes`,
);

const threadTable = new BulkTable('Thread', [
  { name: 'id', type: 'uuid' },
  { name: 'organizationId', type: 'uuid' },
  { name: 'subject', type: 'text' },
  { name: 'type', type: 'text', cast: '"ThreadType"' },
  { name: 'priority', type: 'text', cast: '"Priority"' },
  { name: 'status', type: 'text', cast: '"ThreadStatus"' },
  { name: 'channelId', type: 'uuid' },
  { name: 'customerId', type: 'uuid' },
  { name: 'assigneeId', type: 'uuid' },
  { name: 'teamId', type: 'uuid' },
  { name: 'creatorId', type: 'uuid' },
  { name: 'orderReference', type: 'text' },
  { name: 'conversationKey', type: 'text' },
  { name: 'lastMessageId', type: 'uuid' },
  { name: 'lastMessageAt', type: 'timestamp(3)' },
  { name: 'lastInboundAt', type: 'timestamp(3)' },
  { name: 'firstResponseAt', type: 'timestamp(3)' },
  { name: 'responseDueAt', type: 'timestamp(3)' },
  { name: 'resolvedAt', type: 'timestamp(3)' },
  { name: 'tags', type: 'text', cast: 'text[]' },
  { name: 'externalReferences', type: 'jsonb' },
  { name: 'createdAt', type: 'timestamp(3)' },
  { name: 'updatedAt', type: 'timestamp(3)' },
  { name: 'slaPolicyId', type: 'uuid' },
  { name: 'slaStartedAt', type: 'timestamp(3)' },
  { name: 'firstResponseDueAt', type: 'timestamp(3)' },
  { name: 'nextResponseStartedAt', type: 'timestamp(3)' },
  { name: 'nextResponseDueAt', type: 'timestamp(3)' },
  { name: 'resolutionDueAt', type: 'timestamp(3)' },
  { name: 'slaPausedAt', type: 'timestamp(3)' },
  { name: 'slaPauses', type: 'jsonb' },
  { name: 'requiredSkills', type: 'text', cast: 'text[]' },
  { name: 'queuedAt', type: 'timestamp(3)' },
  { name: 'assignedAt', type: 'timestamp(3)' },
  { name: 'slaDueAt', type: 'timestamp(3)' },
  { name: 'slaAtRiskAt', type: 'timestamp(3)' },
  { name: 'csatScore', type: 'int4' },
  { name: 'csatComment', type: 'text' },
  { name: 'csatAt', type: 'timestamp(3)' },
]);
const messageTable = new BulkTable('Message', [
  { name: 'id', type: 'uuid' },
  { name: 'organizationId', type: 'uuid' },
  { name: 'threadId', type: 'uuid' },
  { name: 'channelId', type: 'uuid' },
  { name: 'type', type: 'text', cast: '"MessageType"' },
  { name: 'senderUserId', type: 'uuid' },
  { name: 'senderExternal', type: 'jsonb' },
  { name: 'recipient', type: 'jsonb' },
  { name: 'subject', type: 'text' },
  { name: 'content', type: 'text' },
  { name: 'contentHtml', type: 'text' },
  { name: 'attachments', type: 'jsonb' },
  { name: 'externalMessageId', type: 'text' },
  { name: 'deliveryStatus', type: 'text', cast: '"DeliveryStatus"' },
  { name: 'readAt', type: 'timestamp(3)' },
  { name: 'metadata', type: 'jsonb' },
  { name: 'createdAt', type: 'timestamp(3)' },
  { name: 'updatedAt', type: 'timestamp(3)' },
  { name: 'internetMessageId', type: 'text' },
]);
const auditTable = new BulkTable('AuditLog', [
  { name: 'id', type: 'uuid' },
  { name: 'organizationId', type: 'uuid' },
  { name: 'actorType', type: 'text', cast: '"ActorType"' },
  { name: 'actorUserId', type: 'uuid' },
  { name: 'action', type: 'text' },
  { name: 'entityType', type: 'text' },
  { name: 'entityId', type: 'text' },
  { name: 'changes', type: 'jsonb' },
  { name: 'ip', type: 'text' },
  { name: 'userAgent', type: 'text' },
  { name: 'createdAt', type: 'timestamp(3)' },
]);
const taskTable = new BulkTable('Task', [
  { name: 'id', type: 'uuid' },
  { name: 'organizationId', type: 'uuid' },
  { name: 'title', type: 'text' },
  { name: 'description', type: 'text' },
  { name: 'type', type: 'text', cast: '"TaskType"' },
  { name: 'priority', type: 'text', cast: '"Priority"' },
  { name: 'status', type: 'text', cast: '"TaskStatus"' },
  { name: 'assigneeId', type: 'uuid' },
  { name: 'creatorId', type: 'uuid' },
  { name: 'threadId', type: 'uuid' },
  { name: 'orderReference', type: 'text' },
  { name: 'dueAt', type: 'timestamp(3)' },
  { name: 'completedAt', type: 'timestamp(3)' },
  { name: 'completionNotes', type: 'text' },
  { name: 'reminderSettings', type: 'jsonb' },
  { name: 'createdAt', type: 'timestamp(3)' },
  { name: 'updatedAt', type: 'timestamp(3)' },
]);

// --- office hours in Europe/Amsterdam (DST: last Sunday of March to last Sunday of October, 01:00 UTC)

const dstCache = new Map<number, [number, number]>();
const lastSundayUtc = (year: number, month: number) => {
  const d = new Date(Date.UTC(year, month + 1, 0, 1));
  d.setUTCDate(d.getUTCDate() - d.getUTCDay());
  return d.getTime();
};
function amsterdamOffset(ms: number): number {
  const y = new Date(ms).getUTCFullYear();
  let r = dstCache.get(y);
  if (!r) dstCache.set(y, (r = [lastSundayUtc(y, 2), lastSundayUtc(y, 9)]));
  return ms >= r[0] && ms < r[1] ? 2 * HOUR : HOUR;
}
function local(ms: number): { weekday: number; minutes: number } {
  const l = new Date(ms + amsterdamOffset(ms));
  return { weekday: l.getUTCDay(), minutes: l.getUTCHours() * 60 + l.getUTCMinutes() };
}
const isOfficeTime = (ms: number) => {
  const { weekday, minutes } = local(ms);
  return weekday >= 1 && weekday <= 5 && minutes >= 510 && minutes < 1050;
};
/** The next moment within office hours (Mon–Fri 08:30–17:30), plus a few minutes. */
function toOfficeHours(ms: number): number {
  let t = ms;
  for (let guard = 0; guard < 5 && !isOfficeTime(t); guard++) {
    const { weekday, minutes } = local(t);
    const wait = weekday >= 1 && weekday <= 5 && minutes < 510 ? 510 - minutes : 1440 - minutes + 510;
    t += wait * MIN + rng.int(2, 55) * MIN;
  }
  return t;
}

// --- pass 1: when each thread starts, its channel, status and message count

const dayWeights = Array.from({ length: DAYS }, (_, d) => {
  const at = NOW - (d + 0.5) * DAY;
  const weekday = local(at).weekday;
  return (1 + 0.6 * (1 - d / DAYS)) * (weekday === 0 || weekday === 6 ? 0.45 : 1);
});
const hourWeights: [number, number][] = Array.from({ length: 24 }, (_, h) => [h, h < 7 ? 0.15 : h < 8 ? 0.5 : h < 18 ? (h === 12 ? 1.4 : 2) : h < 22 ? 0.8 : 0.3]);
const dayPairs = dayWeights.map((w, d) => [d, w] as const);
const starts = Array.from({ length: N_THREADS }, () => {
  const d = rng.weighted(dayPairs);
  const dayStartLocal = Math.floor((NOW - d * DAY) / DAY) * DAY; // UTC midnight of that day
  const at = dayStartLocal - HOUR + rng.weighted(hourWeights) * HOUR + rng.int(0, HOUR - 1);
  return at < NOW - 3 * MIN ? at : NOW - rng.int(3, 600) * MIN;
}).sort((a, b) => a - b);

const channelWeights = DEMO_CHANNELS.map((c) => [c.key, c.weight] as const);
const RUNNING: ThreadStatus[] = ['OPEN', 'IN_PROGRESS', 'WAITING_INTERNAL', 'ESCALATED'];
const isClosed = (s: ThreadStatus) => s === 'RESOLVED' || s === 'CLOSED';
function pickStatus(ageDays: number): ThreadStatus {
  const activeShare = ageDays < 1 ? 0.85 : ageDays < 3 ? 0.6 : ageDays < 10 ? 0.35 : 0.17;
  if (!rng.chance(activeShare)) return rng.chance(0.85) ? 'RESOLVED' : 'CLOSED';
  return ageDays < 3
    ? rng.weighted([
        ['OPEN', 30],
        ['IN_PROGRESS', 30],
        ['WAITING_CUSTOMER', 22],
        ['ESCALATED', 8],
        ['WAITING_INTERNAL', 10],
      ] as const)
    : rng.weighted([
        ['OPEN', 5],
        ['IN_PROGRESS', 25],
        ['WAITING_CUSTOMER', 45],
        ['ESCALATED', 10],
        ['WAITING_INTERNAL', 15],
      ] as const);
}
const MIN_MESSAGES: Record<ThreadStatus, number> = { OPEN: 1, IN_PROGRESS: 2, WAITING_CUSTOMER: 2, WAITING_INTERNAL: 3, ESCALATED: 4, RESOLVED: 3, CLOSED: 3 };
const plans = starts.map((createdMs, i) => {
  const channelKey = rng.weighted(channelWeights);
  const status = pickStatus((NOW - createdMs) / DAY);
  const long = i % Math.max(1, Math.floor(N_THREADS / 20)) === Math.floor(N_THREADS / 40) && N_MESSAGES / N_THREADS >= 3;
  let k: number;
  if (long) k = LONG_THREAD_MESSAGES;
  else if (status === 'OPEN') k = rng.int(1, 3);
  else if (isClosed(status)) k = Math.min(60, 3 + Math.floor(-Math.log(1 - rng.float()) * 7));
  else k = Math.min(40, 2 + Math.floor(-Math.log(1 - rng.float()) * 5));
  return { createdMs, channelKey, status, long, k: Math.max(k, MIN_MESSAGES[status]) };
});
{
  // Exact total: spread the difference over the resolved threads, one message at a time, within 3..60.
  let diff = N_MESSAGES - plans.reduce((s, p) => s + p.k, 0);
  const adjustable = plans.filter((p) => isClosed(p.status) && !p.long);
  for (let guard = 0; diff !== 0 && guard < 10_000; guard++) {
    let moved = 0;
    for (const p of adjustable) {
      if (diff === 0) break;
      if (diff > 0 && p.k < 60 && rng.chance(Math.min(1, diff / adjustable.length + 0.01))) {
        p.k++;
        diff--;
        moved++;
      } else if (diff < 0 && p.k > 3 && rng.chance(Math.min(1, -diff / adjustable.length + 0.01))) {
        p.k--;
        diff++;
        moved++;
      }
    }
    if (!moved && guard > 50) throw new Error(`cannot reach ${N_MESSAGES} messages with ${N_THREADS} threads`);
  }
}

// --- pass 2: content

const DATE_FMT = {
  nl: new Intl.DateTimeFormat('nl-NL', { weekday: 'long', day: 'numeric', month: 'long' }),
  en: new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' }),
  it: new Intl.DateTimeFormat('it-IT', { weekday: 'long', day: 'numeric', month: 'long' }),
};
const MONEY_FMT = {
  nl: new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }),
  it: new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }),
};
const INSTALLERS = { nl: ['Kevin', 'Bas', 'Jeroen', 'Mohamed', 'Ruben', 'Stefan'], en: ['Kevin', 'Bas', 'Jeroen', 'Ruben'], it: ['Giorgio', 'Fabio', 'Antonio', 'Massimo'] };
const ERROR_CODES = ['E6 (RCD)', 'ERR-017', 'F31', '0x0C ground fault', 'E-RCD-06'];
const SLOTS = ['08:00–12:00', '12:00–16:00', '09:00–13:00', '13:00–17:00'];
const CSAT_COMMENTS = {
  nl: ['Snel en vriendelijk geholpen!', 'Monteur was op tijd, prima service.', 'Duurde wat lang voordat ik antwoord kreeg.', 'Top, probleem meteen opgelost.'],
  en: ['Quick and friendly help.', 'Took a while to get an answer.', 'Great service, thanks!'],
  it: ['Assistenza rapida e cortese.', "Tempi di risposta un po' lunghi.", 'Ottimo servizio, grazie!'],
};
const weekdayAfter = (ms: number, days: number) => {
  let t = ms + days * DAY;
  while ([0, 6].includes(new Date(t).getUTCDay())) t += DAY;
  return t;
};

function scriptContext(scn: Scenario, cust: Cust | null, agent: Staff, lead: Staff, order: string | null, createdMs: number): ScriptContext {
  const lang = scn.lang;
  const c = cust?.c ?? null;
  const last = c?.name.split(' ').slice(1).join(' ') || 'Jansen';
  const day = weekdayAfter(createdMs, rng.int(3, 14));
  const chargers = rng.int(4, 12);
  const [lo, hi] = scn.amount ?? [899, 1899];
  return {
    first: c?.firstName ?? '',
    name: c?.name ?? '',
    company: c?.companyName ?? (lang === 'it' ? `${last} S.r.l.` : `${last} B.V.`),
    agent: agent.first,
    lead: lead.first,
    order: order ?? (lang === 'it' ? 'il suo ordine' : lang === 'en' ? 'your order' : 'je bestelling'),
    charger: c?.chargerModel ?? 'Zaptec Go',
    car: c?.carModel ?? 'Volkswagen ID.4',
    city: c ? c.city.replace(/ \([A-Z]{2}\)$/, '') : 'Utrecht',
    street: c?.street ?? 'Stationsweg 12',
    date: DATE_FMT[lang].format(day),
    date2: DATE_FMT[lang].format(weekdayAfter(day, rng.int(2, 6))),
    slot: rng.pick(SLOTS),
    amount: MONEY_FMT[lang].format(rng.int(lo, hi) * (scn.perChargePoint ? chargers : 1)),
    installer: rng.pick(INSTALLERS[lang]),
    errorCode: rng.pick(ERROR_CODES),
    chargers,
  };
}

/** Lines of one speaker: the scenario's own first, then lines of other scenarios of the language (longer conversations). */
class Lines {
  private i = 0;
  private pool: Turn[];
  constructor(
    private readonly who: Turn['who'],
    scn: Scenario,
    private readonly others: Scenario[],
  ) {
    this.pool = scn.turns.filter((t) => t.who === who);
  }
  next(): Turn | null {
    for (let guard = 0; this.i >= this.pool.length && guard < 4; guard++) {
      this.pool = this.pool.concat(rng.pick(this.others).turns.filter((t) => t.who === this.who && t !== this.pool[0]));
    }
    return this.pool[this.i++] ?? null;
  }
}

type Kind = 'IN' | 'AUTO' | 'ASSIGNED' | 'A' | 'C' | 'N' | 'ESC_NOTE' | 'ESC_SYS' | 'REOPEN_SYS' | 'END_SYS';
const supportsAuto = new Set(['whatsapp', 'email', 'sms', 'chatwoot']);
let extSerial = 0;
const ext = (prefix: string) => `${prefix}${SEED.toString(36)}${(extSerial++).toString(36).padStart(7, '0')}`;
const counts = { threads: 0, messages: 0, audit: 0, tasks: 0, templated: 0, agentReplies: 0, reopened: 0, escalated: 0, csat: 0, long: 0 };
const statusCounts: Record<string, number> = {};

function generateThread(plan: (typeof plans)[number]): void {
  const { channelKey, status, k } = plan;
  let createdMs = plan.createdMs;
  const ch = channelOf.get(channelKey)!;
  const internal = ch.spec.type === 'INTERNAL_TASK';
  const closed = isClosed(status);

  // who and what
  let cust: Cust | null = null;
  let scn: Scenario;
  if (internal) {
    scn = rng.weighted(INTERNAL_SCENARIOS.map((s) => [s, s.weight] as const));
  } else {
    const pool = channelKey === 'email' || channelKey === 'api' ? withEmail : customerOrder;
    cust = pool[Math.floor(pool.length * rng.float() ** 1.7)]!;
    const options = SCENARIOS[cust.c.lang].filter((s) => !s.channels || s.channels.includes(channelKey));
    scn = rng.weighted(options.map((s) => [s, s.weight * (s.business && cust!.c.business ? 3 : s.business ? 0.4 : 1)] as const));
  }
  const lang = scn.lang;
  const team = scn.team;
  const pool = agentsFor(team, lang);
  let assignee: Staff | null = rng.pick(pool);
  if (status === 'OPEN' ? rng.chance(0.6) : !closed && rng.chance(0.1)) assignee = null;
  if (internal) assignee = rng.pick(staff.filter((u) => u.teams.includes(team) && u.role !== 'ADMIN'));
  const responder = assignee ?? rng.pick(pool);
  const firstLine = rng.chance(0.2) ? rng.pick(agentsFor('Customer Service', lang)) : responder;
  const lead = leadFor(team, lang);
  let order: string | null = null;
  if (cust && scn.type !== 'SALES_INQUIRY' && scn.type !== 'PARTNER_INQUIRY' && rng.chance(0.65)) {
    cust.order ??= `CC-${new Date(createdMs).getUTCFullYear()}-${orderSerial++}`;
    order = cust.order;
  }
  const ctx = scriptContext(scn, cust, responder, lead, order, createdMs);
  const subject = scn.subject(ctx);
  let priority: Priority = rng.weighted(
    scn.urgency === 'high'
      ? ([
          ['LOW', 2],
          ['NORMAL', 35],
          ['HIGH', 40],
          ['URGENT', 18],
          ['CRITICAL', 5],
        ] as const)
      : ([
          ['LOW', 12],
          ['NORMAL', 68],
          ['HIGH', 14],
          ['URGENT', 5],
          ['CRITICAL', 1],
        ] as const),
  );
  const escalate = status === 'ESCALATED' || (closed && k >= 7 && rng.chance(0.05));
  if (escalate && (priority === 'LOW' || priority === 'NORMAL')) priority = 'HIGH';
  const reopen = closed && k >= 8 && rng.chance(0.06);

  // the sequence of messages
  const seq: Kind[] = [internal ? 'N' : 'IN'];
  let budget = k - 1 - (closed ? 1 : 0);
  const useEsc = escalate && !internal && budget >= 4;
  if (useEsc) budget -= 2;
  const useReopen = reopen && !internal && budget >= 5;
  if (useReopen) budget -= 1;
  if (!internal && supportsAuto.has(channelKey) && !isOfficeTime(createdMs) && budget >= 2) {
    seq.push('AUTO');
    budget--;
  }
  if (!internal && assignee && budget >= 3 && rng.chance(0.4)) {
    seq.push('ASSIGNED');
    budget--;
  }
  const body: Kind[] = [];
  for (let j = 0; j < budget; j++) {
    if (internal) body.push('N');
    else if (status === 'OPEN') body.push('C');
    else body.push(j > 0 && rng.chance(0.08) ? 'N' : j % 2 === 0 ? 'A' : 'C');
  }
  if (body.length && !internal) {
    if (status === 'WAITING_CUSTOMER') body[body.length - 1] = 'A';
    if ((status === 'IN_PROGRESS' || status === 'ESCALATED') && body.length > 1) body[body.length - 1] = rng.chance(0.75) ? 'C' : 'A';
    if (status === 'WAITING_INTERNAL') body[body.length - 1] = 'N';
    if (status !== 'OPEN' && !body.includes('A')) body[0] = 'A';
  }
  if (useReopen && body.length >= 2) {
    const at = Math.min(body.length - 1, Math.max(1, Math.floor(body.length / 2)));
    body.splice(at, 0, 'REOPEN_SYS');
    body[at + 1] = 'C';
  }
  if (useEsc) {
    const firstA = body.indexOf('A');
    const at = status === 'ESCALATED' ? body.length : Math.min(body.length, firstA + 1 + rng.int(0, 2));
    body.splice(at, 0, 'ESC_NOTE', 'ESC_SYS');
  }
  seq.push(...body);
  if (closed) seq.push('END_SYS');

  // times
  const slaMs = ch.spec.responseSlaHours == null ? null : ch.spec.responseSlaHours * HOUR;
  const breachFirst = rng.chance(0.22);
  const times: number[] = [];
  let t = createdMs;
  let agentReplied = false;
  for (let j = 0; j < seq.length; j++) {
    const kind = seq[j]!;
    if (j > 0) {
      if (kind === 'C' || kind === 'IN')
        t += rng.weighted([
          [() => rng.int(3, 30) * MIN, 50],
          [() => rng.int(30, 240) * MIN, 35],
          [() => rng.int(4, 22) * HOUR, 15],
        ] as const)();
      else if (kind === 'A') {
        const delay = !agentReplied && slaMs ? slaMs * (breachFirst ? rng.between(1.05, 2.4) : rng.between(0.08, 0.75)) : rng.int(6, 240) * MIN;
        t = breachFirst || channelKey === 'chatwoot' ? t + delay : toOfficeHours(t + delay);
        agentReplied = true;
      } else if (kind === 'N' || kind === 'ESC_NOTE') t = internal ? toOfficeHours(t + rng.int(20, 600) * MIN) : toOfficeHours(t + rng.int(2, 50) * MIN);
      else if (kind === 'AUTO') t += rng.int(3, 20) * SEC;
      else if (kind === 'ASSIGNED') t += rng.int(1, 3) * SEC;
      else if (kind === 'ESC_SYS') t += rng.int(31, 45) * MIN;
      else t += rng.int(10, 26 * 60) * MIN; // REOPEN_SYS, END_SYS: a resolution
    }
    times.push(t);
  }
  // Everything in the past: compress the timeline when it runs past now.
  const limit = NOW - rng.int(2, 25) * MIN;
  if (times[times.length - 1]! > limit) {
    if (limit - createdMs < seq.length * SEC) createdMs = limit - seq.length * SEC;
    const span = Math.max(1, times[times.length - 1]! - times[0]!);
    const room = limit - createdMs;
    const t0 = times[0]!;
    for (let j = 0; j < times.length; j++) times[j] = createdMs + ((times[j]! - t0) * room) / span;
  }
  let prevAt = 0;
  for (let j = 0; j < times.length; j++) {
    times[j] = Math.max(Math.round(times[j]!), prevAt + 1);
    prevAt = times[j]!;
  }
  createdMs = times[0]!;

  // rows
  const threadId = ids.uuidv7(createdMs);
  const P = PHRASES[lang];
  const c = cust?.c ?? null;
  const email = c?.email?.toLowerCase() ?? null;
  const conversationKey = !c
    ? null
    : channelKey === 'whatsapp'
      ? c.waId
      : channelKey === 'sms' || channelKey === 'phone'
        ? c.phone
        : channelKey === 'email'
          ? `AAQkAGI2${ext('')}=`
          : channelKey === 'chatwoot'
            ? String(1000 + (extSerial % 90000))
            : ext('ptn_conv_');
  const senderExternal = !c
    ? null
    : JSON.stringify(
        channelKey === 'whatsapp'
          ? { name: c.name, phone: `+${c.waId}`, identities: [{ kind: 'WHATSAPP_ID', value: c.waId }] }
          : channelKey === 'email' || channelKey === 'api'
            ? { name: c.name, email, identities: [{ kind: 'EMAIL', value: email }] }
            : { name: c.name, phone: c.phone, identities: [{ kind: 'PHONE', value: c.phone }] },
      );
  const recipient = !c
    ? null
    : JSON.stringify({
        name: c.name,
        address: channelKey === 'whatsapp' ? c.waId : channelKey === 'email' ? email : channelKey === 'sms' || channelKey === 'phone' ? c.phone : conversationKey,
      });
  const others = internal ? INTERNAL_SCENARIOS : SCENARIOS[lang];
  const cLines = new Lines('c', scn, others);
  const aLines = new Lines('a', scn, others);
  const nLines = new Lines('n', scn, others);
  const tpl = templatesFor(lang, ch.spec.type);
  const closer = assignee ?? responder;

  let firstResponseMs: number | null = null;
  let lastInboundMs: number | null = null;
  let lastAgentMs: number | null = null;
  let nextResponseStartMs: number | null = null;
  let firstResolveMs: number | null = null;
  let reopenMs: number | null = null;
  let escalatedMs: number | null = null;
  let lastMessageId = '';
  let agentMsgs = 0;
  for (let j = 0; j < seq.length; j++) {
    const kind = seq[j]!;
    const at = times[j]!;
    const id = ids.uuidv7(at);
    lastMessageId = id;
    let type: string;
    let sender: string | null = null;
    let text: string;
    let html: string | null = null;
    let msgSubject: string | null = null;
    let extId: string | null = null;
    let inetId: string | null = null;
    let delivery = 'DELIVERED';
    let readAt: number | null = null;
    let meta: Record<string, unknown> = {};
    let attachments = '[]';
    let turn: Turn | null = null;
    if (kind === 'IN' || kind === 'C') {
      type = 'INCOMING';
      turn = kind === 'IN' ? (scn.turns.find((x) => x.who === 'c') ?? null) : cLines.next();
      if (kind === 'IN' && turn) cLines.next(); // the first customer line is used
      text = turn ? turn.text(ctx) : P.nudge;
      lastInboundMs = at;
      if (lastAgentMs !== null && nextResponseStartMs === null) nextResponseStartMs = at;
      if (firstResolveMs !== null && reopenMs === null) reopenMs = at;
      extId =
        channelKey === 'phone'
          ? null
          : ext(channelKey === 'whatsapp' ? 'wamid.HBgL' : channelKey === 'sms' ? 'SM' : channelKey === 'email' ? 'AAMkAGI2' : channelKey === 'chatwoot' ? 'cw' : 'ptn_msg_');
      if (channelKey === 'email') inetId = `<${id.replace(/-/g, '').slice(0, 24).toUpperCase()}@${email!.split('@')[1]}>`;
      const nextAgent = seq.slice(j + 1).findIndex((x) => x === 'A' || x === 'N');
      readAt = nextAgent >= 0 ? times[j + 1 + nextAgent]! : closed ? times[times.length - 1]! : null;
      meta =
        channelKey === 'whatsapp'
          ? { whatsappType: 'text' }
          : channelKey === 'sms'
            ? { numSegments: rng.int(1, 3), fromCountry: 'NL' }
            : channelKey === 'phone'
              ? { callDirection: 'inbound', callDurationSeconds: rng.int(45, 900) }
              : channelKey === 'chatwoot'
                ? { source: 'website_widget' }
                : channelKey === 'api'
                  ? { partnerOrderReference: order }
                  : { importance: 'normal' };
    } else if (kind === 'A') {
      type = 'OUTGOING';
      const agent = agentMsgs === 0 ? firstLine : responder;
      agentMsgs++;
      sender = agent.id;
      turn = aLines.next();
      text = turn
        ? turn.text(ctx)
        : lang === 'it'
          ? 'Grazie, ci aggiorniamo a breve.'
          : lang === 'en'
            ? 'Thanks, we will get back to you shortly.'
            : 'Dank je, we komen er zo snel mogelijk op terug.';
      firstResponseMs ??= at;
      lastAgentMs = at;
      nextResponseStartMs = null;
      extId =
        channelKey === 'phone'
          ? null
          : ext(channelKey === 'whatsapp' ? 'wamid.HBgM' : channelKey === 'sms' ? 'SM' : channelKey === 'email' ? 'AAMkAGI3' : channelKey === 'chatwoot' ? 'cw' : 'ptn_msg_');
      if (channelKey === 'email') inetId = `<${id}@chargecars.nl>`;
      delivery =
        channelKey === 'whatsapp' || channelKey === 'chatwoot'
          ? rng.weighted([
              ['READ', 72],
              ['DELIVERED', 22],
              ['SENT', 3],
              ['FAILED', 3],
            ] as const)
          : channelKey === 'sms'
            ? rng.weighted([
                ['DELIVERED', 90],
                ['SENT', 6],
                ['FAILED', 4],
              ] as const)
            : channelKey === 'email'
              ? rng.weighted([
                  ['DELIVERED', 55],
                  ['READ', 40],
                  ['SENT', 3],
                  ['BOUNCED', 2],
                ] as const)
              : 'DELIVERED';
      if (delivery === 'READ') readAt = Math.min(NOW, at + rng.int(1, 90) * MIN);
      counts.agentReplies++;
      if (tpl.length && rng.chance(0.6)) {
        meta.templateId = rng.pick(tpl);
        counts.templated++;
      }
      if (channelKey === 'whatsapp') meta.whatsappType = 'text';
      if (channelKey === 'phone') Object.assign(meta, { callDirection: 'outbound', callDurationSeconds: rng.int(40, 600) });
      if (delivery === 'FAILED') meta.error = { code: 'delivery_failed', title: 'Delivery failed' };
      if (delivery === 'BOUNCED') meta.error = { code: '5.1.1', title: 'Recipient address rejected: mailbox unavailable' };
    } else if (kind === 'N' || kind === 'ESC_NOTE') {
      type = 'INTERNAL_NOTE';
      sender = (internal && j % 2 === 1 ? lead : responder).id;
      if (kind === 'ESC_NOTE')
        text = `@${lead.first} ${lang === 'it' ? "puoi dare un'occhiata? Il cliente attende da troppo." : lang === 'en' ? 'can you take a look? Customer has been waiting too long.' : 'kun je meekijken? Klant wacht al te lang.'}`;
      else {
        turn = nLines.next();
        text = turn
          ? turn.text(ctx)
          : lang === 'it'
            ? 'In attesa di conferma dal reparto pianificazione.'
            : lang === 'en'
              ? 'Waiting for confirmation from planning.'
              : 'Wacht op bevestiging van planning/techniek.';
      }
      if (text.includes(`@${lead.first}`)) meta = { mentions: [lead.id] };
    } else if (kind === 'AUTO') {
      type = 'AUTO_RESPONSE';
      text = P.autoResponse(ORG_NAME);
      delivery = 'DELIVERED';
      meta = { templateName: 'First response (out of hours)' };
    } else {
      type = 'SYSTEM_NOTIFICATION';
      if (kind === 'ASSIGNED') text = P.assigned(assignee!.name);
      else if (kind === 'ESC_SYS') {
        text =
          lang === 'it'
            ? 'Conversazione inoltrata al responsabile (SLA superato).'
            : lang === 'en'
              ? 'Conversation escalated to team lead (SLA breached).'
              : 'Gesprek geëscaleerd naar teamleider (SLA overschreden).';
        escalatedMs = at;
      } else if (kind === 'REOPEN_SYS') {
        text = P.resolved(closer.name);
        firstResolveMs = at;
      } else text = status === 'CLOSED' ? P.closed(closer.name) : P.resolved(closer.name);
      meta = {
        event: kind === 'ASSIGNED' ? 'thread.assigned' : kind === 'ESC_SYS' ? 'thread.escalated' : status === 'CLOSED' && kind === 'END_SYS' ? 'thread.closed' : 'thread.resolved',
      };
    }
    text = text.replace(/\.\.(?=\s|$)/g, '.');
    if (channelKey === 'email' && (type === 'INCOMING' || type === 'OUTGOING')) {
      const agentName = type === 'OUTGOING' ? staff.find((s) => s.id === sender)!.name : '';
      text =
        type === 'INCOMING'
          ? `${P.greetAgent()}\n\n${text}\n\n${P.closingCustomer}\n${c!.name}${c!.companyName ? `\n${c!.companyName}` : ''}`
          : `${P.greetCustomer(ctx.first)}\n\n${text}\n\n${P.closingAgent}\n${agentName}\n${P.signatureTeam}`;
      html = `<html><body>${text
        .split(/\n{2,}/)
        .map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>')}</p>`)
        .join('')}</body></html>`;
      msgSubject = j === 0 ? subject : `${P.reply}${subject}`;
    } else if (channelKey === 'phone' && (type === 'INCOMING' || type === 'OUTGOING')) {
      const secs = rng.int(45, 720);
      text = (type === 'INCOMING' ? P.callIn : P.callOut)(Math.floor(secs / 60), secs % 60) + text;
    }
    if (turn?.attach) {
      const kindOf = turn.attach === 'photo' ? 'image' : turn.attach === 'video' ? 'video' : 'document';
      const mime = kindOf === 'image' ? 'image/jpeg' : kindOf === 'video' ? 'video/mp4' : 'application/pdf';
      attachments = JSON.stringify([
        {
          kind: kindOf,
          mimeType: mime,
          url: `https://media.chargecars.nl/large/${id}`,
          fileName: kindOf === 'document' ? `${turn.attach}-${ctx.order.replace(/\s+/g, '-')}.pdf` : undefined,
        },
      ]);
    }
    messageTable.add([
      id,
      ORG,
      threadId,
      ch.id,
      type,
      sender,
      type === 'INCOMING' ? senderExternal : null,
      type === 'OUTGOING' || type === 'AUTO_RESPONSE' ? recipient : null,
      msgSubject,
      text,
      html,
      attachments,
      extId,
      delivery,
      readAt === null ? null : new Date(Math.max(readAt, at + SEC)),
      JSON.stringify(meta),
      new Date(at),
      new Date(at),
      inetId,
    ]);
  }
  counts.messages += seq.length;
  const lastMs = times[times.length - 1]!;
  const resolvedMs = closed ? lastMs : null;

  // SLA fields, with the engine's own functions (policy match, business-time due dates, at-risk moment).
  const policy = matchPolicy(policies, {
    channelType: ch.spec.type,
    priority,
    customerTier: c?.tier ?? null,
    threadType: scn.type,
    teamId: teamId.get(team) ?? null,
  }) as PolicyWithCalendar | null;
  const slaStartMs = lastInboundMs !== null || !internal ? createdMs : scn.type === 'INTERNAL_TASK' ? createdMs : null;
  const pauses: SlaPause[] = firstResolveMs !== null && reopenMs !== null ? [{ from: new Date(firstResolveMs), to: new Date(reopenMs) }] : [];
  const pausedMs = closed ? resolvedMs : status === 'WAITING_CUSTOMER' ? (lastAgentMs ?? lastMs) : null;
  const running = RUNNING.includes(status);
  const fields = {
    slaPolicyId: policy?.id ?? null,
    slaStartedAt: slaStartMs === null ? null : new Date(slaStartMs),
    firstResponseDueAt: null as Date | null,
    nextResponseDueAt: null as Date | null,
    resolutionDueAt: null as Date | null,
    responseDueAt: null as Date | null,
    slaDueAt: null as Date | null,
    slaAtRiskAt: null as Date | null,
  };
  if (policy && slaStartMs !== null) {
    const cal = calendarOf(policy.calendar);
    const due = (seconds: number | null, from: number) => (seconds ? dueDateWithPauses(cal, new Date(from), seconds, pauses) : null);
    fields.firstResponseDueAt = lastInboundMs !== null ? due(policy.firstResponseSeconds, slaStartMs) : null;
    fields.resolutionDueAt = due(policy.resolutionSeconds, slaStartMs);
    if (running) {
      const view = {
        status,
        deletedAt: null,
        slaStartedAt: new Date(slaStartMs),
        slaPausedAt: null,
        slaPauses: pauses.map((p) => ({ from: p.from.toISOString(), to: p.to!.toISOString() })),
        firstResponseAt: firstResponseMs === null ? null : new Date(firstResponseMs),
        lastInboundAt: lastInboundMs === null ? null : new Date(lastInboundMs),
        nextResponseStartedAt: nextResponseStartMs === null || firstResponseMs === null ? null : new Date(nextResponseStartMs),
      } as unknown as Thread;
      const clocks = runningClocks(view, policy);
      const dueOf = (target: string) => clocks.find((x) => x.target === target)?.dueAt ?? null;
      fields.nextResponseDueAt = dueOf('NEXT_RESPONSE');
      fields.responseDueAt = dueOf('FIRST_RESPONSE') ?? dueOf('NEXT_RESPONSE');
      const earliest = clocks.reduce<(typeof clocks)[number] | null>((a, x) => (!a || x.dueAt < a.dueAt ? x : a), null);
      fields.slaDueAt = earliest?.dueAt ?? null;
      const risk = clocks.map((x) => stepFireAt(view, policy, x, { atPercent: AT_RISK_PERCENT }).getTime());
      fields.slaAtRiskAt = risk.length ? new Date(Math.min(...risk)) : null;
    }
  } else if (!policy && slaMs !== null) {
    fields.responseDueAt = new Date(createdMs + slaMs);
  }

  const csat =
    closed && c && rng.chance(0.3)
      ? rng.weighted([
          [5, 45],
          [4, 30],
          [3, 12],
          [2, 6],
          [1, 7],
        ] as const)
      : null;
  const csatAt = csat !== null ? Math.min(NOW - MIN, resolvedMs! + rng.int(1, 48) * HOUR) : null;
  const tags = new Set(scn.tags);
  if (c?.tier === 'PREMIUM') tags.add('vip');
  if (c?.business) tags.add(lang === 'it' ? 'business' : 'zakelijk');
  if (slaMs && firstResponseMs && firstResponseMs - createdMs > slaMs) tags.add('sla-breach');
  if (escalate) tags.add('escalated');
  const queued = !assignee && !closed;
  threadTable.add([
    threadId,
    ORG,
    subject,
    scn.type,
    priority,
    status,
    ch.id,
    cust?.id ?? null,
    assignee?.id ?? null,
    teamId.get(team) ?? null,
    internal || channelKey === 'phone' ? (assignee ?? responder).id : null,
    order,
    conversationKey,
    lastMessageId,
    new Date(lastMs),
    lastInboundMs === null ? null : new Date(lastInboundMs),
    firstResponseMs === null ? null : new Date(firstResponseMs),
    fields.responseDueAt,
    resolvedMs === null ? null : new Date(resolvedMs),
    arrayLiteral([...tags]),
    JSON.stringify(order ? { order: { system: 'exact-online', reference: order } } : {}),
    new Date(createdMs),
    new Date(lastMs),
    fields.slaPolicyId,
    fields.slaStartedAt,
    fields.firstResponseDueAt,
    running && nextResponseStartMs !== null && firstResponseMs !== null ? new Date(nextResponseStartMs) : null,
    fields.nextResponseDueAt,
    fields.resolutionDueAt,
    pausedMs === null ? null : new Date(pausedMs),
    JSON.stringify(pauses.map((p) => ({ from: p.from.toISOString(), to: p.to!.toISOString() }))),
    arrayLiteral(lang === 'it' ? ['it'] : []),
    queued ? new Date(createdMs) : null,
    assignee ? new Date(createdMs + 2 * SEC) : null,
    fields.slaDueAt,
    fields.slaAtRiskAt,
    csat,
    csat !== null && rng.chance(0.3) ? rng.pick(CSAT_COMMENTS[lang]) : null,
    csatAt === null ? null : new Date(csatAt),
  ]);

  // audit: status changes as the hub writes them (thread.update, changes.after.status)
  const audit = (at: number, before: Record<string, unknown>, after: Record<string, unknown>, actor: Staff | null) => {
    auditTable.add([
      ids.uuidv7(at),
      ORG,
      actor ? 'USER' : 'SYSTEM',
      actor?.id ?? null,
      'thread.update',
      'Thread',
      threadId,
      JSON.stringify({ before, after }),
      actor ? `10.20.0.${rng.int(10, 80)}` : null,
      actor ? 'Mozilla/5.0 (hub large data set)' : null,
      new Date(at),
    ]);
    counts.audit++;
  };
  if (escalatedMs !== null) {
    audit(escalatedMs, { status: 'IN_PROGRESS', priority: 'NORMAL' }, { status: 'ESCALATED', priority }, null);
    counts.escalated++;
  }
  if (firstResolveMs !== null && reopenMs !== null) {
    audit(firstResolveMs, { status: escalatedMs !== null && escalatedMs < firstResolveMs ? 'ESCALATED' : 'IN_PROGRESS' }, { status: 'RESOLVED' }, closer);
    audit(reopenMs, { status: 'RESOLVED' }, { status: 'IN_PROGRESS', reason: 'customer message' }, null);
    counts.reopened++;
  }
  if (resolvedMs !== null) audit(resolvedMs, { status: escalatedMs !== null && (reopenMs === null || escalatedMs > reopenMs) ? 'ESCALATED' : 'IN_PROGRESS' }, { status }, closer);

  // a follow-up task on some threads
  if (scn.task && rng.chance(0.04)) {
    const tAt = Math.min(NOW - MIN, createdMs + rng.int(10, 180) * MIN);
    const done = closed;
    const tStatus = done
      ? rng.weighted([
          ['COMPLETED', 86],
          ['CANCELLED', 14],
        ] as const)
      : rng.weighted([
          ['OPEN', 45],
          ['IN_PROGRESS', 35],
          ['WAITING', 20],
        ] as const);
    const dueAt = done ? tAt + rng.int(1, 5) * DAY : Math.max(tAt + 2 * HOUR, NOW + (rng.chance(0.33) ? -1 : 1) * rng.int(2, 96) * HOUR);
    const completedAt = tStatus === 'COMPLETED' ? Math.max(tAt + MIN, Math.min(resolvedMs!, dueAt + rng.int(-12, 12) * HOUR)) : null;
    taskTable.add([
      ids.uuidv7(tAt),
      ORG,
      scn.task.title(ctx),
      scn.task.description?.(ctx) ?? `"${subject}"${order ? ` (${order})` : ''}`,
      scn.task.type,
      priority,
      tStatus,
      responder.id,
      responder.id,
      threadId,
      order,
      new Date(dueAt),
      completedAt === null ? null : new Date(completedAt),
      tStatus === 'COMPLETED' ? 'Afgerond.' : null,
      JSON.stringify({ remindBeforeMinutes: [60], channels: ['in_app'] }),
      new Date(tAt),
      new Date(completedAt ?? tAt),
    ]);
    counts.tasks++;
  }
  counts.threads++;
  if (plan.long) counts.long++;
  if (csat !== null) counts.csat++;
  statusCounts[status] = (statusCounts[status] ?? 0) + 1;
}

await timed(
  `threads and messages (${fmtInt(N_THREADS)} / ${fmtInt(N_MESSAGES)}, chunks of ${CHUNK} threads)`,
  async () => {
    // Pipelined: chunk i is inserted while chunk i+1 is generated (yielding to the event loop
    // every 100 threads so the pending INSERT keeps streaming to the server).
    let genMs = 0;
    let waitMs = 0;
    let lastReport = performance.now();
    let inflight: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < plans.length; i += CHUNK) {
      for (let j = i; j < Math.min(plans.length, i + CHUNK); j += 100) {
        const g = performance.now();
        for (const plan of plans.slice(j, Math.min(j + 100, i + CHUNK))) generateThread(plan);
        genMs += performance.now() - g;
        await new Promise((r) => setImmediate(r));
      }
      const w = performance.now();
      await inflight;
      waitMs += performance.now() - w;
      const batches = [messageTable, threadTable, auditTable, taskTable].map((t) => [t, t.take()] as const);
      inflight = (async () => {
        for (const [t, b] of batches) await t.send(load, b);
      })();
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        process.stdout.write(` ${fmtInt(counts.threads)}/${fmtInt(counts.messages)}`);
      }
    }
    const w = performance.now();
    await inflight;
    waitMs += performance.now() - w;
    return { genMs, waitMs };
  },
  (r) => `generating ${(r.genMs / 1000).toFixed(1)} s, waiting for inserts ${(r.waitMs / 1000).toFixed(1)} s`,
);
if (counts.messages !== N_MESSAGES || counts.threads !== N_THREADS)
  throw new Error(`generated ${counts.threads} threads / ${counts.messages} messages, expected ${N_THREADS} / ${N_MESSAGES}`);
await load.query(`SET session_replication_role = DEFAULT`);

await timed('template usage counts', () =>
  load.query(
    `UPDATE "Template" t SET "usageCount" = t."usageCount" + u.n FROM (SELECT (metadata->>'templateId')::uuid AS id, count(*)::int AS n FROM "Message" WHERE metadata ? 'templateId' GROUP BY 1) u WHERE t.id = u.id`,
  ),
);

// What the triggers would have kept (they were off), in one pass over the threads: the search document (one pass
// over the messages, grouped by thread, while the Message indexes are dropped: a per-thread lookup would have none to
// use), openTaskCount and hasOpenTasks (migration 20261204100000_thread_open_task_count).
await timed('Thread.searchDocument (words of subject, order reference, customer name, messages) and openTaskCount, hasOpenTasks', () =>
  load.query(
    `UPDATE "Thread" t
        SET "searchDocument" = hub_search_concat(hub_search_words(concat_ws(' ', x.subject, x."orderReference", c.name)), coalesce(m.words, ''::tsvector)),
            "openTaskCount" = coalesce(k.n, 0),
            "hasOpenTasks" = k.n IS NOT NULL
       FROM "Thread" x
       LEFT JOIN "Customer" c ON c.id = x."customerId"
       LEFT JOIN (SELECT "threadId", hub_search_words(string_agg(left(content, 100000), ' ')) AS words FROM "Message" GROUP BY "threadId") m ON m."threadId" = x.id
       LEFT JOIN (SELECT "threadId", count(*)::int AS n FROM "Task" WHERE hub_task_is_open(status) GROUP BY "threadId") k ON k."threadId" = x.id
      WHERE x.id = t.id`,
  ),
);

// ------------------------------------------------------------------ indexes, statistics, reporting

await timed(`rebuild ${droppedIndexes.length} secondary indexes (2 connections)`, async () => {
  // The trigram index of Message.content is the longest build: one connection takes it, the other the rest.
  const heavy = droppedIndexes.filter((x) => /gin_trgm_ops/.test(x.def) && /"Message"/.test(x.def));
  const rest = droppedIndexes.filter((x) => !heavy.includes(x));
  const run = async (defs: typeof droppedIndexes) => {
    const c = new pg.Client({ connectionString: URL_ });
    await c.connect();
    try {
      await c.query(`SET maintenance_work_mem = '1GB'`);
      for (const d of defs) await c.query(d.def);
    } finally {
      await c.end();
    }
  };
  await Promise.all([run(heavy), run(rest)]);
});
await timed('ANALYZE', () => load.query('ANALYZE'));

if (opts['skip-backfill']) console.log('reporting backfill skipped (--skip-backfill)');
else await runBackfill(app, ORG);
await timed('VACUUM ANALYZE', () => load.query('VACUUM ANALYZE'));

// ------------------------------------------------------------------ summary

const { rows: sizes } = await load.query<{ table: string; rows: string; size: string }>(
  `SELECT c.relname AS table, c.reltuples::bigint::text AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
     FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.reltuples > 100 ORDER BY pg_total_relation_size(c.oid) DESC`,
);
await load.end();
await app.close();
const resolved = (statusCounts.RESOLVED ?? 0) + (statusCounts.CLOSED ?? 0);
console.log(
  `\ngenerated ${fmtInt(counts.threads)} threads (${((resolved / counts.threads) * 100).toFixed(1)} % resolved/closed; ${Object.entries(statusCounts)
    .map(([k, v]) => `${k} ${fmtInt(v)}`)
    .join(', ')}), ${fmtInt(counts.messages)} messages (${counts.long} threads of ${LONG_THREAD_MESSAGES}), ` +
    `${fmtInt(customers.length)} customers, ${fmtInt(counts.audit)} audit rows (${fmtInt(counts.reopened)} reopens, ${fmtInt(counts.escalated)} escalations), ` +
    `${fmtInt(counts.tasks)} tasks, ${fmtInt(counts.csat)} CSAT ratings; ${((counts.templated / Math.max(1, counts.agentReplies)) * 100).toFixed(1)} % of ${fmtInt(counts.agentReplies)} agent replies from a template`,
);
console.log(sizes.map((s) => `  ${s.table.padEnd(18)} ${fmtInt(Number(s.rows)).padStart(10)} rows  ${s.size}`).join('\n'));
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${URL_}`);
