/**
 * Demo seed: the ChargeCars organization with its teams and users, its channels
 * (identities and development secrets from api/test/fixtures/providers/channels.json,
 * secrets sealed with SecretBox), ~180 customers with their identities, templates,
 * a few hundred threads with realistic Dutch/English/Italian EV-charger support
 * conversations over the last 60 days, and tasks.
 *
 * `seedDemo` runs the steps in order, each a function below that builds its rows
 * and inserts them with batched createMany:
 *
 *   1. seedOrganizationAndPeople   organization, 12 users, 4 teams (assignment settings, routing rules), memberships
 *   2. seedChannels                WhatsApp, Outlook, SMS, phone, Chatwoot, partner API, internal
 *   3. seedCustomersAndIdentities  182 customers; WHATSAPP_ID, EMAIL and PHONE identities
 *   4. seedTemplates               28 templates
 *   5. seedThreadsAndMessages      320 threads, ~2,500 messages; CHATWOOT_CONTACT identities
 *   6. seedTasks                   80 tasks
 *
 * Deterministic for a given `random` seed and `now` (ids are UUIDv7 built from a
 * seeded generator; only the AES-GCM IVs of sealed secrets and the argon2 salt are
 * random). Everything runs in one transaction, so a failed seed leaves the
 * database empty, and a full seed takes a few seconds on PGlite.
 *
 * Usage: `if (await isDatabaseEmpty(prisma)) await seedDemo(prisma, { secrets })`.
 */
import { hash } from '@node-rs/argon2';
import { Faker, base, en, nl } from '@faker-js/faker';
import { addDays, format, isWeekend } from 'date-fns';
import { enGB, it as itLocale, nl as nlLocale } from 'date-fns/locale';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { DeliveryStatus, IdentityKind, MessageType, Priority, TaskStatus, ThreadStatus, ThreadType } from '../generated/prisma/enums.js';
import type { SecretBox } from '../shared/crypto.js';
import { CHANNEL_SECRET_KEYS, DEMO_CHANNELS, DEMO_PROVIDERS, type DemoChannelSpec, type TeamName } from './data/channels.js';
import { INTERNAL_SCENARIOS, PHRASES, SCENARIOS, STANDALONE_TASKS, type Lang, type Scenario, type ScriptContext, type Turn } from './data/conversations.js';
import { generateCustomers, type DemoCustomer } from './data/customers.js';
import { SeededIds } from './data/ids.js';
import { DEMO_LOGINS, DEMO_PASSWORD, DEMO_TEAMS, DEMO_USERS } from './data/people.js';
import { DEMO_TEMPLATES, templateVariables } from './data/templates.js';

export { DEMO_LOGINS, DEMO_PASSWORD };

export interface SeedDemoOptions {
  /** Encrypts channel secrets (use the app's SecretBox so the api can open them). */
  secrets: SecretBox;
  /** "Now" of the demo: threads spread over the 60 days before it. Default: the current time. */
  now?: Date;
  /** Number of threads (default 320). */
  threads?: number;
  /** Seed of the generators (default 20261122). */
  random?: number;
}

export interface SeedDemoResult {
  organizationId: string;
  counts: { threads: number; messages: number; customers: number; identities: number; tasks: number; templates: number };
}

type Db = PrismaClient | Prisma.TransactionClient;

/** True when the database holds no organization yet (the demo seed may run). */
export async function isDatabaseEmpty(prisma: Db): Promise<boolean> {
  return (await prisma.organization.count()) === 0;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;
const BATCH = 500;

const DATE_LOCALES = { nl: nlLocale, en: enGB, it: itLocale } as const;
const NUMBER_LOCALES = { nl: 'nl-NL', en: 'en-GB', it: 'it-IT' } as const;
const INSTALLERS = { nl: ['Kevin', 'Bas', 'Jeroen', 'Mohamed', 'Ruben', 'Stefan'], en: ['Kevin', 'Bas', 'Jeroen', 'Ruben'], it: ['Giorgio', 'Fabio', 'Antonio', 'Massimo'] };
const ERROR_CODES = ['E6 (RCD)', 'ERR-017', 'F31', '0x0C ground fault', 'E-RCD-06'];
const SLOTS = ['08:00–12:00', '12:00–16:00', '09:00–13:00', '13:00–17:00'];
/** Domain of the Message-IDs of the e-mails ChargeCars sends. */
const OUR_MAIL_DOMAIN = 'chargecars.nl';

/** Seeds the demo organization. Throws when the `chargecars` organization already exists. */
export async function seedDemo(prisma: PrismaClient, opts: SeedDemoOptions): Promise<SeedDemoResult> {
  const now = opts.now ?? new Date();
  const seed = opts.random ?? 20261122;
  const threadCount = opts.threads ?? 320;
  const org = DEMO_PROVIDERS.organization;

  if (await prisma.organization.findUnique({ where: { slug: org.slug }, select: { id: true } })) {
    throw new Error(`demo seed: organization "${org.slug}" already exists; seed only an empty database (see isDatabaseEmpty)`);
  }

  // One argon2id hash (the library's default algorithm) shared by every demo user.
  const passwordHash = await hash(DEMO_PASSWORD);

  const result = await prisma.$transaction(
    async (tx) => {
      const run = createSeedRun(tx, { now, seed, secrets: opts.secrets });
      const people = await seedOrganizationAndPeople(run, passwordHash);
      const channels = await seedChannels(run, people);
      const customers = await seedCustomersAndIdentities(run);
      const templates = await seedTemplates(run);
      const conversations = await seedThreadsAndMessages(run, { people, channels, customers, threadCount });
      const tasks = await seedTasks(run, people, conversations.taskSources);
      return {
        organizationId: run.organizationId,
        counts: {
          threads: conversations.threads,
          messages: conversations.messages,
          customers: customers.list.length,
          identities: customers.identities.size,
          tasks,
          templates,
        },
      };
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
  // Planner statistics for the rows just written, as after any bulk load (autovacuum would gather them
  // a minute or so later). Without them PostgreSQL estimates one thread per organization and builds the
  // inbox page's relation JSON for every thread before sorting (3.6 ms instead of 0.9 ms on the demo data).
  await prisma.$executeRawUnsafe('ANALYZE');
  return result;
}

// ------------------------------------------------------------------ run state

/** What every step shares: the transaction, the clock and the seeded generators. */
interface SeedRun {
  tx: Prisma.TransactionClient;
  secrets: SecretBox;
  seed: number;
  /** "Now" of the demo, in ms. */
  nowMs: number;
  /** When the organization was set up (400 days before now). */
  setupAt: Date;
  organizationId: string;
  /** Ids and provider ids (its own PRNG, so ids do not disturb the content streams). */
  ids: SeededIds;
  /** Content generator. */
  f: Faker;
}

/** The shared state of one seed run: organization id, clock and generators seeded from `seed`. */
function createSeedRun(tx: Prisma.TransactionClient, input: { now: Date; seed: number; secrets: SecretBox }): SeedRun {
  const ids = new SeededIds(input.seed);
  const nowMs = input.now.getTime();
  const setupAt = new Date(nowMs - 400 * DAY);
  return {
    tx,
    secrets: input.secrets,
    seed: input.seed,
    nowMs,
    setupAt,
    organizationId: ids.uuidv7(setupAt),
    ids,
    f: new Faker({ locale: [nl, en, base], seed: input.seed }),
  };
}

/** Inserts rows in createMany batches of BATCH. */
async function insertInBatches<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

// ------------------------------------------------------------------ 1. organization and people

interface UserRow {
  id: string;
  key: string;
  name: string;
  first: string;
  role: string;
  skills: string[];
  teams: TeamName[];
}

/** The seeded staff, and who answers what. */
interface SeededPeople {
  users: UserRow[];
  userByKey: Map<string, UserRow>;
  teamIds: Map<TeamName, string>;
  /** Team lead of a team (Marco for Technical Support, Eva otherwise). */
  leadFor(team: TeamName): UserRow;
  /** Agents who answer a team's threads in a language (all of the team's agents when none speaks it). */
  agentsFor(team: TeamName, lang: Lang): UserRow[];
}

/** Automatic assignment settings of the demo teams (seed 001: round robin, at most 25 open threads per agent). */
const DEMO_TEAM_ASSIGNMENT: Record<TeamName, Pick<Prisma.TeamCreateManyInput, 'assignmentStrategy' | 'maxOpenPerAgent' | 'reassignAfterSeconds'>> = {
  'Customer Service': { assignmentStrategy: 'ROUND_ROBIN', maxOpenPerAgent: 25, reassignAfterSeconds: 900 },
  'Technical Support': { assignmentStrategy: 'ROUND_ROBIN', maxOpenPerAgent: 25, reassignAfterSeconds: 1800 },
  Sales: { assignmentStrategy: 'ROUND_ROBIN', maxOpenPerAgent: 25, reassignAfterSeconds: null },
  Management: { assignmentStrategy: 'LEAST_LOADED', maxOpenPerAgent: 10, reassignAfterSeconds: null },
};

/**
 * Routing of seed 001: installation and technical issues to Technical Support,
 * new (sales, partner) inquiries to Sales, escalations (complaints) to
 * Management, everything else (general inquiries) to Customer Service.
 */
const DEMO_ROUTING_RULES: { name: string; team: TeamName; rank: number; threadTypes: ThreadType[]; requiredSkills: string[] }[] = [
  { name: 'Escalaties en klachten', team: 'Management', rank: 10, threadTypes: ['COMPLAINT'], requiredSkills: [] },
  { name: 'Installatie en storingen', team: 'Technical Support', rank: 20, threadTypes: ['INSTALLATION_COORDINATION', 'TECHNICAL_ISSUE'], requiredSkills: ['technical'] },
  { name: 'Nieuwe aanvragen', team: 'Sales', rank: 30, threadTypes: ['SALES_INQUIRY', 'PARTNER_INQUIRY'], requiredSkills: [] },
  { name: 'Algemene vragen (vangnet)', team: 'Customer Service', rank: 1000, threadTypes: [], requiredSkills: [] },
];

/**
 * Step 1: the ChargeCars organization, its 12 users (all with the demo password),
 * its 4 teams with their assignment settings and routing rules, and the team memberships.
 */
async function seedOrganizationAndPeople(run: SeedRun, passwordHash: string): Promise<SeededPeople> {
  const { tx, ids, setupAt, organizationId } = run;
  const org = DEMO_PROVIDERS.organization;
  const users: UserRow[] = DEMO_USERS.map((u, i) => ({
    id: ids.uuidv7(setupAt.getTime() + i * MINUTE),
    key: u.key,
    name: u.name,
    first: u.name.split(' ')[0]!,
    role: u.role,
    skills: u.skills,
    teams: u.teams,
  }));
  const userByKey = new Map(users.map((u) => [u.key, u]));
  const teamIds = new Map<TeamName, string>(DEMO_TEAMS.map((t, i) => [t.name, ids.uuidv7(setupAt.getTime() + (20 + i) * MINUTE)]));

  await tx.organization.create({
    data: { id: organizationId, slug: org.slug, name: org.name, timezone: org.timezone, locale: org.locale, createdAt: setupAt, updatedAt: setupAt },
  });
  await tx.user.createMany({
    data: users.map((u, i) => ({
      id: u.id,
      organizationId,
      email: DEMO_USERS[i]!.email,
      name: u.name,
      role: DEMO_USERS[i]!.role,
      passwordHash,
      skills: u.skills,
      createdAt: new Date(setupAt.getTime() + i * MINUTE),
      updatedAt: new Date(setupAt.getTime() + i * MINUTE),
    })),
  });
  await tx.team.createMany({
    data: DEMO_TEAMS.map((t) => ({
      id: teamIds.get(t.name)!,
      organizationId,
      name: t.name,
      description: t.description,
      ...DEMO_TEAM_ASSIGNMENT[t.name],
      createdAt: setupAt,
      updatedAt: setupAt,
    })),
  });
  // Ids from a generator of their own, so the ids of everything seeded after stay as they were.
  const ruleIds = new SeededIds(1);
  await tx.routingRule.createMany({
    data: DEMO_ROUTING_RULES.map((r, i) => ({
      id: ruleIds.uuidv7(setupAt.getTime() + (25 + i) * MINUTE),
      organizationId,
      name: r.name,
      conditions: { channelTypes: [], threadTypes: r.threadTypes, customerTiers: [], languages: [] },
      teamId: teamIds.get(r.team)!,
      requiredSkills: r.requiredSkills,
      rank: r.rank,
      createdAt: setupAt,
      updatedAt: setupAt,
    })),
  });
  await tx.teamMembership.createMany({
    data: users.flatMap((u) => u.teams.map((team) => ({ teamId: teamIds.get(team)!, userId: u.id, createdAt: setupAt }))),
  });

  return {
    users,
    userByKey,
    teamIds,
    leadFor: (team) => userByKey.get(team === 'Technical Support' ? 'marco' : 'eva')!,
    agentsFor: (team, lang) => {
      const pool = users.filter((u) => (u.role === 'AGENT' || u.role === 'TEAM_LEAD') && u.teams.includes(team === 'Management' ? 'Customer Service' : team));
      const speaking = pool.filter((u) => u.skills.includes(lang));
      return speaking.length ? speaking : pool;
    },
  };
}

// ------------------------------------------------------------------ 2. channels

interface SeededChannel {
  spec: DemoChannelSpec;
  id: string;
}

interface SeededChannels {
  list: SeededChannel[];
  byKey: Map<DemoChannelSpec['key'], SeededChannel>;
}

/**
 * Step 2: the channels of DEMO_CHANNELS. The four provider channels (WhatsApp,
 * Outlook, SMS, Chatwoot) carry the channels.json identities as externalId and
 * configuration, their secrets sealed with `secrets.sealKeys`
 * (CHANNEL_SECRET_KEYS); the phone, partner API and internal channels are the
 * hub's own. Each channel routes to a team with round-robin auto-assignment and
 * SLA escalation rules; an audit entry records its creation by the admin.
 */
async function seedChannels(run: SeedRun, people: SeededPeople): Promise<SeededChannels> {
  const { tx, ids, setupAt, organizationId, secrets } = run;
  const { teamIds, userByKey, leadFor } = people;
  const list = DEMO_CHANNELS.map((spec, i) => ({ spec, id: ids.uuidv7(setupAt.getTime() + (30 + i) * MINUTE) }));
  const rows: Prisma.ChannelCreateManyInput[] = list.map(({ spec, id }, i) => {
    const teamId = teamIds.get(spec.team)!;
    const lead = leadFor(spec.team);
    const at = new Date(setupAt.getTime() + (30 + i) * MINUTE);
    return {
      id,
      organizationId,
      type: spec.type,
      name: spec.name,
      externalId: spec.externalId,
      configuration: secrets.sealKeys(spec.configuration, CHANNEL_SECRET_KEYS[spec.type] ?? []) as Prisma.InputJsonValue,
      responseSlaHours: spec.responseSlaHours,
      autoAssignmentRules: {
        enabled: spec.type !== 'INTERNAL_TASK',
        strategy: 'round_robin',
        teamId,
        requiredSkills: spec.requiredSkills,
        matchCustomerLanguage: true,
        maxOpenThreadsPerAgent: 25,
        onlyDuringBusinessHours: spec.type === 'PHONE_CALL',
        fallback: { teamId: teamIds.get('Customer Service') },
      },
      escalationRules:
        spec.responseSlaHours == null
          ? []
          : [
              { atPercentOfSla: 80, action: 'notify', target: { role: 'TEAM_LEAD', userId: lead.id, teamId }, channels: ['in_app'] },
              {
                atPercentOfSla: 100,
                action: 'escalate',
                target: { role: 'MANAGER', userId: userByKey.get('manager')!.id },
                setStatus: 'ESCALATED',
                raisePriorityTo: 'HIGH',
                channels: ['in_app', 'email'],
              },
              ...(spec.type === 'WHATSAPP_BUSINESS' ? [{ beforeWindowCloseMinutes: 60, action: 'notify', target: { role: 'ASSIGNEE' }, reason: 'whatsapp_24h_window' }] : []),
            ],
      createdAt: at,
      updatedAt: at,
    };
  });
  await tx.channel.createMany({ data: rows });

  const admin = userByKey.get('admin')!;
  await tx.auditLog.createMany({
    data: rows.map((ch, i) => {
      const at = (ch.createdAt as Date).getTime() + 1;
      return {
        id: ids.uuidv7(at),
        organizationId,
        actorType: 'USER' as const,
        actorUserId: admin.id,
        action: 'channel.create',
        entityType: 'Channel',
        entityId: ch.id!,
        changes: { before: null, after: { type: ch.type, name: ch.name, externalId: ch.externalId } },
        ip: '10.20.0.2',
        userAgent: 'hub-demo-seed',
        createdAt: new Date(at + i),
      };
    }),
  });
  return { list, byKey: new Map(list.map((c) => [c.spec.key, c])) };
}

// ------------------------------------------------------------------ 3. customers and identities

interface SeededCustomer {
  c: DemoCustomer;
  id: string;
  at: Date;
}

/**
 * The customers' identities (CustomerIdentity rows), unique on (kind, scope, value)
 * like the database: an identity another customer already holds is skipped.
 */
class DemoIdentities {
  readonly rows: Prisma.CustomerIdentityCreateManyInput[] = [];
  private readonly taken = new Set<string>();
  private readonly chatwootContacts = new Map<string, string>();
  private inserted = 0;

  constructor(private readonly run: SeedRun) {}

  get size(): number {
    return this.rows.length;
  }

  /** Adds an identity; false (and nothing added) when another row holds (kind, scope, value). */
  add(customerId: string, kind: IdentityKind, value: string, at: Date, channelId: string | null = null): boolean {
    const scope = channelId ?? '';
    const key = `${kind}\u0000${scope}\u0000${value}`;
    if (this.taken.has(key)) return false;
    this.taken.add(key);
    this.rows.push({ id: this.run.ids.uuidv7(at), organizationId: this.run.organizationId, customerId, kind, value, channelId, scope, createdAt: at, updatedAt: at });
    return true;
  }

  /** The customer's Chatwoot contact id on the channel, created (with its identity) on first use. */
  chatwootContact(customerId: string, channelId: string, at: Date): string {
    const known = this.chatwootContacts.get(`${channelId}:${customerId}`);
    if (known) return known;
    let contactId: string;
    do contactId = this.run.ids.numeric(10_000, 80_000);
    while (!this.add(customerId, 'CHATWOOT_CONTACT', contactId, at, channelId));
    this.chatwootContacts.set(`${channelId}:${customerId}`, contactId);
    return contactId;
  }

  /** Inserts the rows added since the last call. */
  async insertNew(): Promise<void> {
    const fresh = this.rows.slice(this.inserted);
    this.inserted = this.rows.length;
    await insertInBatches(fresh, (data) => this.run.tx.customerIdentity.createMany({ data }));
  }
}

interface SeededCustomers {
  list: SeededCustomer[];
  identities: DemoIdentities;
}

/**
 * Step 3: the 182 demo customers (generateCustomers) and their global
 * identities: WHATSAPP_ID (wa_id, digits without '+'), EMAIL (lower case) when
 * they have an address, PHONE (E.164). Channel-scoped identities (Chatwoot
 * contacts) come with the conversations in step 5.
 */
async function seedCustomersAndIdentities(run: SeedRun): Promise<SeededCustomers> {
  const { tx, ids, f, nowMs, organizationId } = run;
  const list = generateCustomers(run.seed).map((c) => {
    const at = new Date(nowMs - f.number.int({ min: 61, max: 720 }) * DAY - f.number.int({ min: 0, max: DAY }));
    return { c, id: ids.uuidv7(at), at };
  });
  const rows: Prisma.CustomerCreateManyInput[] = list.map(({ c, id, at }) => ({
    id,
    organizationId,
    name: c.name,
    email: c.email,
    phone: c.phone,
    companyName: c.companyName,
    codiceFiscale: c.codiceFiscale,
    partitaIva: c.partitaIva,
    pec: c.pec,
    sdi: c.sdi,
    tier: c.tier,
    customAttributes: c.customAttributes as Prisma.InputJsonValue,
    createdAt: at,
    updatedAt: at,
  }));
  await insertInBatches(rows, (data) => tx.customer.createMany({ data }));

  const identities = new DemoIdentities(run);
  for (const { c, id, at } of list) {
    identities.add(id, 'WHATSAPP_ID', c.waId, at);
    if (c.email) identities.add(id, 'EMAIL', c.email.toLowerCase(), at);
    identities.add(id, 'PHONE', c.phone, at);
  }
  await identities.insertNew();
  return { list, identities };
}

// ------------------------------------------------------------------ 4. templates

/** Step 4: the 28 message templates of DEMO_TEMPLATES (per channel type and locale). Returns how many. */
async function seedTemplates(run: SeedRun): Promise<number> {
  const { tx, ids, setupAt, organizationId } = run;
  const rows: Prisma.TemplateCreateManyInput[] = DEMO_TEMPLATES.map((t, i) => {
    const at = new Date(setupAt.getTime() + DAY + i * HOUR);
    return {
      id: ids.uuidv7(at),
      organizationId,
      name: t.name,
      category: t.category,
      channelType: t.channelType,
      subjectTemplate: t.subjectTemplate ?? null,
      bodyTemplate: t.bodyTemplate,
      htmlTemplate: t.htmlTemplate ?? null,
      variables: templateVariables(t.subjectTemplate, t.bodyTemplate, t.htmlTemplate),
      businessEntity: t.businessEntity,
      usageCount: t.usageCount,
      locale: t.locale,
      shortcut: t.shortcut,
      createdAt: at,
      updatedAt: at,
    };
  });
  await tx.template.createMany({ data: rows });
  return rows.length;
}

// ------------------------------------------------------------------ 5. threads and messages

/** A thread that may get a follow-up task (step 6). */
interface TaskSource {
  threadId: string;
  scenario: Scenario;
  ctx: ScriptContext;
  status: ThreadStatus;
  assigneeId: string | null;
  createdAt: number;
  resolvedAt: number | null;
  priority: Priority;
  order: string | null;
  subject: string;
  lang: Lang;
}

/** Who and what a thread is about, before its timeline is laid out. */
interface ThreadCast {
  channel: SeededChannel;
  internal: boolean;
  customer: SeededCustomer | null;
  scenario: Scenario;
  lang: Lang;
  status: ThreadStatus;
  closed: boolean;
  team: TeamName;
  assignee: UserRow | null;
  /** Who answers (the assignee, or a team agent when unassigned). */
  responder: UserRow;
  /** Who sends the first reply (sometimes a first-line agent). */
  firstLine: UserRow;
  lead: UserRow;
  order: string | null;
  ctx: ScriptContext;
  subject: string;
  priority: Priority;
}

/** A message on a thread's timeline: a script turn or a generated system/auto message. */
interface Planned {
  turn: Turn | null;
  kind: MessageType;
  at: number;
  system?: string;
  sender?: UserRow | null;
}

/** Wall-clock helpers in the organization's time zone (business hours Mon-Fri 08:30-17:30). */
interface BusinessClock {
  isBusinessTime(ms: number): boolean;
  /** Moves `ms` forward to the next moment within business hours (plus a few random minutes). */
  toBusinessHours(ms: number): number;
}

/** Business hours (Mon-Fri 08:30-17:30) in time zone `tz`; random minutes come from `f`. */
function businessClock(tz: string, f: Faker): BusinessClock {
  const wall = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const localParts = (ms: number) => {
    const parts = wall.formatToParts(new Date(ms));
    const get = (type: string) => parts.find((p) => p.type === type)!.value;
    return { weekend: ['Sat', 'Sun'].includes(get('weekday')), minutes: Number(get('hour')) * 60 + Number(get('minute')) };
  };
  const isBusinessTime = (ms: number) => {
    const { weekend, minutes } = localParts(ms);
    return !weekend && minutes >= 510 && minutes < 1050;
  };
  return {
    isBusinessTime,
    toBusinessHours(ms) {
      let t = ms;
      for (let guard = 0; guard < 5 && !isBusinessTime(t); guard++) {
        const { weekend, minutes } = localParts(t);
        const wait = !weekend && minutes < 510 ? 510 - minutes : 1440 - minutes + 510;
        t += wait * MINUTE + f.number.int({ min: 2, max: 55 }) * MINUTE;
      }
      return t;
    },
  };
}

/**
 * Step 5: the conversations. Threads spread over the 60 days before now (more
 * recent ones more often), over the channels in fixed shares (35% WhatsApp, 35%
 * e-mail, ...); each follows a scripted scenario in the customer's language, cut
 * short by the thread's status, with auto-responses, assignment and SLA
 * notifications, escalation notes and delivery statuses around it. Messages carry
 * provider-shaped ids, `senderExternal` `{ name, email?, phone?, identities }`,
 * `recipient` `{ name, address }` and, for e-mail, an RFC 5322 `internetMessageId`;
 * threads carry the channel's `conversationKey`. Customers of Chatwoot threads get
 * a CHATWOOT_CONTACT identity scoped to the Chatwoot channel.
 * Returns the counts and the threads a task may follow up on.
 */
async function seedThreadsAndMessages(
  run: SeedRun,
  deps: { people: SeededPeople; channels: SeededChannels; customers: SeededCustomers; threadCount: number },
): Promise<{ threads: number; messages: number; taskSources: TaskSource[] }> {
  const { tx, f } = run;
  const clock = businessClock(DEMO_PROVIDERS.organization.timezone, f);
  const threads: Prisma.ThreadCreateManyInput[] = [];
  const messages: Prisma.MessageCreateManyInput[] = [];
  const lastMessages: { threadId: string; messageId: string }[] = [];
  const taskSources: TaskSource[] = [];
  const auditLogs: Prisma.AuditLogCreateManyInput[] = [];
  const orderByCustomer = new Map<string, string>();
  let orderSerial = 10_000 + (run.seed % 400);

  const n = deps.threadCount;
  // Exact channel shares (35% WhatsApp, 35% e-mail, ...), in random order.
  const totalWeight = DEMO_CHANNELS.reduce((sum, spec) => sum + spec.weight, 0);
  const channelPlan = f.helpers.shuffle(
    DEMO_CHANNELS.flatMap((spec, k) => {
      const before = DEMO_CHANNELS.slice(0, k).reduce((sum, x) => sum + x.weight, 0);
      const count = Math.round(((before + spec.weight) * n) / totalWeight) - Math.round((before * n) / totalWeight);
      return Array.from({ length: count }, () => spec.key);
    }),
  );

  for (let i = 0; i < n; i++) {
    // Older threads are rarer than recent ones; i = n-1 lands just under 60 days ago.
    const ageMs = Math.max(8 * MINUTE, ((i + f.number.float({ min: 0.05, max: 0.95 })) / n) ** 1.9 * 59.7 * DAY);
    const createdMs = run.nowMs - ageMs;
    const cast = castThread(run, deps, deps.channels.byKey.get(channelPlan[i]!)!, ageMs, createdMs, (customerId, year) => {
      let order = orderByCustomer.get(customerId);
      if (!order) {
        order = `CC-${year}-${orderSerial++}`;
        orderByCustomer.set(customerId, order);
      }
      return order;
    });
    const timeline = planTimeline(run, cast, clock, createdMs, ageMs);
    const built = buildThreadRows(run, cast, timeline, deps.customers.identities, deps.people.users, deps.people.teamIds);
    threads.push(built.thread);
    messages.push(...built.messages);
    lastMessages.push({ threadId: built.thread.id!, messageId: built.messages[built.messages.length - 1]!.id! });
    auditLogs.push(...built.auditLogs);
    taskSources.push({
      threadId: built.thread.id!,
      scenario: cast.scenario,
      ctx: cast.ctx,
      status: cast.status,
      assigneeId: cast.assignee?.id ?? null,
      createdAt: timeline.createdMs,
      resolvedAt: timeline.resolvedMs,
      priority: cast.priority,
      order: cast.order,
      subject: cast.subject,
      lang: cast.lang,
    });
  }

  await deps.customers.identities.insertNew();
  await insertInBatches(threads, (data) => tx.thread.createMany({ data }));
  await insertInBatches(messages, (data) => tx.message.createMany({ data }));
  // Thread.lastMessageId references Message, so it is set once the messages exist.
  await insertInBatches(lastMessages, (chunk) => {
    const values = chunk.map((_, j) => `($${j * 2 + 1}::uuid, $${j * 2 + 2}::uuid)`).join(', ');
    return tx.$executeRawUnsafe(
      `UPDATE "Thread" AS t SET "lastMessageId" = v.message_id FROM (VALUES ${values}) AS v(thread_id, message_id) WHERE t."id" = v.thread_id`,
      ...chunk.flatMap((p) => [p.threadId, p.messageId]),
    );
  });
  auditLogs.sort((x, y) => (x.createdAt as Date).getTime() - (y.createdAt as Date).getTime());
  await insertInBatches(auditLogs, (data) => tx.auditLog.createMany({ data }));
  return { threads: threads.length, messages: messages.length, taskSources };
}

/** Picks a thread's customer, scenario, status, people, order reference and priority. */
function castThread(
  run: SeedRun,
  deps: { people: SeededPeople; customers: SeededCustomers },
  channel: SeededChannel,
  ageMs: number,
  createdMs: number,
  orderFor: (customerId: string, year: number) => string,
): ThreadCast {
  const { f } = run;
  const { users, userByKey, leadFor, agentsFor } = deps.people;
  const channelKey = channel.spec.key;
  const internal = channel.spec.type === 'INTERNAL_TASK';

  let customer: SeededCustomer | null = null;
  let scenario: Scenario;
  if (internal) {
    scenario = f.helpers.weightedArrayElement(INTERNAL_SCENARIOS.map((s) => ({ weight: s.weight, value: s })));
  } else {
    const eligible = deps.customers.list.filter(({ c }) => (channelKey === 'email' || channelKey === 'api' ? c.email != null : true));
    const picked = f.helpers.arrayElement(eligible);
    customer = picked;
    const options = SCENARIOS[picked.c.lang].filter((s) => !s.channels || s.channels.includes(channelKey));
    scenario = f.helpers.weightedArrayElement(options.map((s) => ({ weight: s.weight * (s.business && picked.c.business ? 3 : s.business ? 0.4 : 1), value: s })));
  }
  const lang = scenario.lang;

  // status by age
  const status = pickStatus(f, ageMs / DAY);
  const closed = status === 'RESOLVED' || status === 'CLOSED';

  // team and people
  const team: TeamName = scenario.team;
  const pool = agentsFor(team, lang);
  let assignee: UserRow | null = f.helpers.arrayElement(pool);
  if (status === 'OPEN' ? f.datatype.boolean({ probability: 0.6 }) : !closed && f.datatype.boolean({ probability: 0.1 })) assignee = null;
  if (internal) assignee = f.helpers.arrayElement(users.filter((u) => u.teams.includes(team) && u.role !== 'ADMIN'));
  const responder = assignee ?? f.helpers.arrayElement(pool);
  const firstLine = f.datatype.boolean({ probability: 0.2 }) ? f.helpers.arrayElement(agentsFor('Customer Service', lang)) : responder;
  const lead = lang === 'it' ? userByKey.get('marco')! : leadFor(team);

  // Order reference, kept per customer; always set when the script mentions it.
  let order: string | null = null;
  const orderChance = mentionsOrder(scenario) ? 1 : scenario.type === 'SALES_INQUIRY' || scenario.type === 'PARTNER_INQUIRY' ? 0 : 0.6;
  if (customer && f.datatype.boolean({ probability: orderChance })) order = orderFor(customer.id, new Date(createdMs).getUTCFullYear());

  const ctx = makeContext(f, scenario, customer?.c ?? null, responder, lead, order, createdMs);
  const subject = scenario.subject(ctx);

  let priority: Priority = f.helpers.weightedArrayElement(
    scenario.urgency === 'high'
      ? [
          { weight: 2, value: 'LOW' as const },
          { weight: 35, value: 'NORMAL' as const },
          { weight: 40, value: 'HIGH' as const },
          { weight: 18, value: 'URGENT' as const },
          { weight: 5, value: 'CRITICAL' as const },
        ]
      : [
          { weight: 12, value: 'LOW' as const },
          { weight: 68, value: 'NORMAL' as const },
          { weight: 14, value: 'HIGH' as const },
          { weight: 5, value: 'URGENT' as const },
          { weight: 1, value: 'CRITICAL' as const },
        ],
  );
  if (status === 'ESCALATED' && (priority === 'LOW' || priority === 'NORMAL')) priority = 'HIGH';

  return { channel, internal, customer, scenario, lang, status, closed, team, assignee, responder, firstLine, lead, order, ctx, subject, priority };
}

/**
 * Lays out a thread's messages in time: the script turns that happened so far
 * (agents answer within or past the SLA, in business hours), plus auto-responses,
 * assignment, queue, SLA, escalation and resolution notifications. Everything
 * stays before now, at most 12 messages, with strictly increasing timestamps.
 */
function planTimeline(run: SeedRun, cast: ThreadCast, clock: BusinessClock, startMs: number, ageMs: number): { planned: Planned[]; createdMs: number; resolvedMs: number | null } {
  const { f, nowMs } = run;
  const { channel, internal, status, closed, scenario, assignee, responder, firstLine, lead, lang, team } = cast;
  const channelKey = channel.spec.key;
  const P = PHRASES[lang];
  let createdMs = startMs;

  const turns = cutTurns(f, scenario.turns, status, internal);
  const slaMs = channel.spec.responseSlaHours == null ? null : channel.spec.responseSlaHours * HOUR;
  const breachFirst = f.datatype.boolean({ probability: 0.22 });
  const planned: Planned[] = [];
  let t = createdMs;
  let agentReplied = false;
  let prev: Turn['who'] | null = null;
  let noteAuthorToggle = false;
  for (const turn of turns) {
    if (prev !== null) {
      if (turn.who === 'c') {
        t += f.helpers.weightedArrayElement([
          { weight: 50, value: () => f.number.int({ min: 3, max: 30 }) * MINUTE },
          { weight: 35, value: () => f.number.int({ min: 30, max: 240 }) * MINUTE },
          { weight: 15, value: () => f.number.int({ min: 4, max: 22 }) * HOUR },
        ])();
      } else if (turn.who === 'a') {
        const delay =
          !agentReplied && slaMs
            ? slaMs * (breachFirst ? f.number.float({ min: 1.05, max: 2.4 }) : f.number.float({ min: 0.08, max: 0.75 }))
            : f.number.int({ min: 6, max: 240 }) * MINUTE;
        t = breachFirst || channelKey === 'chatwoot' ? t + delay : clock.toBusinessHours(t + delay);
      } else if (turn.who === 'n') {
        t = clock.toBusinessHours(t + f.number.int({ min: 2, max: 50 }) * MINUTE);
      } else {
        t += f.number.int({ min: 1, max: 40 }) * 1000;
      }
    }
    let sender: UserRow | null = null;
    if (turn.who === 'a') sender = agentReplied ? responder : firstLine;
    if (turn.who === 'n') {
      sender = internal ? (noteAuthorToggle ? lead : responder) : responder;
      noteAuthorToggle = !noteAuthorToggle;
    }
    planned.push({
      turn,
      kind: turn.who === 'c' ? 'INCOMING' : turn.who === 'a' ? 'OUTGOING' : turn.who === 'n' ? 'INTERNAL_NOTE' : 'SYSTEM_NOTIFICATION',
      at: t,
      sender,
    });
    if (turn.who === 'a') agentReplied = true;
    prev = turn.who;
  }
  const supportsAuto = ['whatsapp', 'email', 'sms', 'chatwoot'].includes(channelKey);
  // System and automatic messages around the script.
  if (!internal) {
    if (supportsAuto && (status === 'OPEN' || !clock.isBusinessTime(createdMs))) {
      planned.push({ turn: null, kind: 'AUTO_RESPONSE', at: createdMs + f.number.int({ min: 3, max: 20 }) * 1000, system: 'auto' });
    }
    if (assignee && (f.datatype.boolean({ probability: 0.5 }) || planned.length < 3)) {
      planned.push({ turn: null, kind: 'SYSTEM_NOTIFICATION', at: createdMs + f.number.int({ min: 1, max: 3 }) * 1000, system: P.assigned(assignee.name) });
    }
    if (status === 'OPEN' && planned.length < 3) {
      const warnAt = slaMs ? createdMs + 0.8 * slaMs : null;
      if (warnAt && warnAt < nowMs - MINUTE) planned.push({ turn: null, kind: 'SYSTEM_NOTIFICATION', at: warnAt, system: P.slaWarning });
      else planned.push({ turn: null, kind: 'INCOMING', at: createdMs + Math.min(ageMs * 0.6, f.number.int({ min: 4, max: 40 }) * MINUTE), system: P.nudge });
    }
    if (planned.length < 3) {
      planned.push({ turn: null, kind: 'SYSTEM_NOTIFICATION', at: createdMs + 500, system: P.queued(team) });
    }
    if (status === 'ESCALATED') {
      const last = planned.reduce((m, p) => Math.max(m, p.at), createdMs);
      planned.push({
        turn: null,
        kind: 'INTERNAL_NOTE',
        at: last + f.number.int({ min: 3, max: 30 }) * MINUTE,
        system: `@${lead.first} ${lang === 'it' ? "puoi dare un'occhiata? Il cliente attende da troppo." : lang === 'en' ? 'can you take a look? Customer has been waiting too long.' : 'kun je meekijken? Klant wacht al te lang.'}`,
        sender: responder,
      });
      planned.push({
        turn: null,
        kind: 'SYSTEM_NOTIFICATION',
        at: last + f.number.int({ min: 31, max: 45 }) * MINUTE,
        system:
          lang === 'it'
            ? 'Conversazione inoltrata al responsabile (SLA superato).'
            : lang === 'en'
              ? 'Conversation escalated to team lead (SLA breached).'
              : 'Gesprek geëscaleerd naar teamleider (SLA overschreden).',
      });
    }
  }
  if (status === 'WAITING_INTERNAL' && planned[planned.length - 1]?.kind !== 'INTERNAL_NOTE') {
    const last = planned.reduce((m, p) => Math.max(m, p.at), createdMs);
    planned.push({
      turn: null,
      kind: 'INTERNAL_NOTE',
      at: clock.toBusinessHours(last + f.number.int({ min: 5, max: 60 }) * MINUTE),
      system:
        lang === 'it'
          ? 'In attesa di conferma dal reparto pianificazione.'
          : lang === 'en'
            ? 'Waiting for confirmation from planning.'
            : 'Wacht op bevestiging van planning/techniek.',
      sender: responder,
    });
  }
  let resolvedMs: number | null = null;
  if (closed) {
    const last = planned.reduce((m, p) => Math.max(m, p.at), createdMs);
    resolvedMs = last + f.number.int({ min: 10, max: 26 * 60 }) * MINUTE;
    const closer = assignee ?? responder;
    planned.push({ turn: null, kind: 'SYSTEM_NOTIFICATION', at: resolvedMs, system: status === 'CLOSED' ? P.closed(closer.name) : P.resolved(closer.name) });
  }
  planned.sort((x, y) => x.at - y.at);
  while (planned.length > 12) {
    const drop = planned.findIndex((p) => p.kind === 'SYSTEM_NOTIFICATION' && p.system && p.at < (resolvedMs ?? Infinity));
    planned.splice(drop >= 0 ? drop : planned.length - 2, 1);
  }

  // Keep everything in the past: compress the timeline when it runs past "now".
  const lastAt = planned[planned.length - 1]!.at;
  const limit = nowMs - f.number.int({ min: 2, max: 25 }) * MINUTE;
  if (lastAt > limit) {
    const span = Math.max(1, lastAt - createdMs);
    const room = Math.max(planned.length * 1000, limit - createdMs);
    if (limit - createdMs < planned.length * 1000) createdMs = limit - planned.length * 1000;
    for (const p of planned) p.at = createdMs + ((p.at - createdMs) * room) / span;
    if (resolvedMs !== null) resolvedMs = planned[planned.length - 1]!.at;
  }
  // Strictly increasing timestamps (whole milliseconds) so "newest message" is unambiguous.
  let prevAt = 0;
  for (const p of planned) {
    p.at = Math.max(Math.round(p.at), prevAt + 1);
    prevAt = p.at;
  }
  createdMs = Math.min(createdMs, planned[0]!.at);
  return { planned, createdMs, resolvedMs };
}

/**
 * The rows of one thread: the Thread, its Messages and audit entries. Registers
 * the customer's Chatwoot contact (a CHATWOOT_CONTACT identity) for Chatwoot threads.
 */
function buildThreadRows(
  run: SeedRun,
  cast: ThreadCast,
  timeline: { planned: Planned[]; createdMs: number; resolvedMs: number | null },
  identities: DemoIdentities,
  users: UserRow[],
  teamIds: Map<TeamName, string>,
): { thread: Prisma.ThreadCreateManyInput; messages: Prisma.MessageCreateManyInput[]; auditLogs: Prisma.AuditLogCreateManyInput[] } {
  const { f, ids, nowMs, organizationId } = run;
  const { channel, internal, customer, scenario, lang, status, closed, assignee, responder, order, ctx, subject, priority } = cast;
  const { planned, createdMs, resolvedMs } = timeline;
  const channelKey = channel.spec.key;
  const P = PHRASES[lang];
  const slaMs = channel.spec.responseSlaHours == null ? null : channel.spec.responseSlaHours * HOUR;

  const threadId = ids.uuidv7(createdMs);
  const chatwootContactId = customer && channelKey === 'chatwoot' ? identities.chatwootContact(customer.id, channel.id, new Date(createdMs)) : null;
  const conversationKey = customer ? conversationKeyFor(channelKey, customer.c, ids) : null;
  const sender = customer ? senderFor(channelKey, customer.c, chatwootContactId) : null;
  const recipient = customer ? { name: customer.c.name, address: recipientAddress(channelKey, customer.c, conversationKey!) } : null;
  const messages: Prisma.MessageCreateManyInput[] = [];
  let firstResponseMs: number | null = null;
  let lastInboundMs: number | null = null;
  let lastInboundWindowOpen = 0;
  for (let k = 0; k < planned.length; k++) {
    const p = planned[k]!;
    const at = new Date(p.at);
    const nextAction = planned.slice(k + 1).find((q) => q.kind === 'OUTGOING' || q.kind === 'INTERNAL_NOTE');
    const rawText = (p.turn ? p.turn.text(ctx) : p.system === 'auto' ? P.autoResponse(DEMO_PROVIDERS.organization.name) : p.system!).replace(/\.\.(?=\s|$)/g, '.');
    const row: Prisma.MessageCreateManyInput = {
      id: ids.uuidv7(p.at),
      organizationId,
      threadId,
      channelId: channel.id,
      type: p.kind,
      content: rawText,
      createdAt: at,
      updatedAt: at,
    };
    if (p.kind === 'INCOMING') {
      lastInboundMs = p.at;
      lastInboundWindowOpen = p.at;
      Object.assign(row, renderForChannel(channelKey, 'in', rawText, lang, ctx, customer!.c, null, subject, k === 0, f));
      row.senderExternal = sender!;
      row.externalMessageId = providerMessageId(ids, channelKey, customer!.c);
      if (channelKey === 'email') row.internetMessageId = ids.internetMessageId(customer!.c.email!.split('@')[1]!);
      row.deliveryStatus = 'DELIVERED';
      row.readAt = nextAction ? new Date(nextAction.at) : closed ? new Date(resolvedMs!) : null;
      row.metadata = inboundMetadata(channelKey, ctx, f);
    } else if (p.kind === 'OUTGOING' || p.kind === 'AUTO_RESPONSE') {
      if (p.kind === 'OUTGOING' && firstResponseMs === null) firstResponseMs = p.at;
      const agent = p.kind === 'OUTGOING' ? (p.sender ?? responder) : null;
      Object.assign(row, renderForChannel(channelKey, 'out', rawText, lang, ctx, customer!.c, agent, subject, false, f));
      row.senderUserId = agent?.id ?? null;
      row.recipient = recipient!;
      const nextInbound = planned.slice(k + 1).find((q) => q.kind === 'INCOMING');
      const outsideWindow = channelKey === 'whatsapp' && p.at - lastInboundWindowOpen > DAY;
      const delivery = deliveryFor(f, channelKey, p.kind, outsideWindow, nowMs - p.at);
      row.deliveryStatus = delivery;
      if (channelKey !== 'phone') row.externalMessageId = providerMessageId(ids, channelKey, customer!.c);
      if (channelKey === 'email') row.internetMessageId = `<${row.id}@${OUR_MAIL_DOMAIN}>`;
      if (delivery === 'READ') {
        const readAt = nextInbound ? Math.min(nextInbound.at - 1000, p.at + f.number.int({ min: 1, max: 90 }) * MINUTE) : p.at + f.number.int({ min: 1, max: 240 }) * MINUTE;
        row.readAt = new Date(Math.max(p.at + 1000, Math.min(readAt, nowMs)));
      }
      row.metadata = outboundMetadata(channelKey, delivery, outsideWindow, p.kind, ctx, f);
      if (p.kind === 'AUTO_RESPONSE') row.metadata = { ...(row.metadata as object), templateName: 'First response (out of hours)' };
    } else if (p.kind === 'INTERNAL_NOTE') {
      row.senderUserId = (p.sender ?? responder).id;
      row.deliveryStatus = 'DELIVERED';
      row.metadata = mentionsOf(rawText, users);
    } else {
      row.deliveryStatus = 'DELIVERED';
      row.metadata = { event: systemEvent(rawText) };
    }
    if (p.turn?.attach) row.attachments = [attachmentFor(p.turn.attach, channelKey, ctx, ids, lang, (row.externalMessageId as string | null | undefined) ?? null)];
    messages.push(row);
  }

  const lastMs = (messages[messages.length - 1]!.createdAt as Date).getTime();
  const thread: Prisma.ThreadCreateManyInput = {
    id: threadId,
    organizationId,
    subject,
    type: scenario.type,
    priority,
    status,
    channelId: channel.id,
    customerId: customer?.id ?? null,
    assigneeId: assignee?.id ?? null,
    teamId: teamIds.get(cast.team)!,
    creatorId: internal || channelKey === 'phone' ? (assignee ?? responder).id : null,
    orderReference: order,
    conversationKey,
    lastMessageAt: new Date(lastMs),
    lastInboundAt: lastInboundMs === null ? null : new Date(lastInboundMs),
    firstResponseAt: firstResponseMs === null ? null : new Date(firstResponseMs),
    responseDueAt: slaMs === null ? null : new Date(createdMs + slaMs),
    resolvedAt: resolvedMs === null ? null : new Date(resolvedMs),
    tags: threadTags(scenario, customer?.c ?? null, status, firstResponseMs, slaMs, createdMs),
    externalReferences: externalRefs(channelKey, conversationKey, chatwootContactId, order, scenario),
    createdAt: new Date(createdMs),
    updatedAt: new Date(lastMs),
  };

  const auditLogs: Prisma.AuditLogCreateManyInput[] = [];
  if (status === 'ESCALATED') {
    const esc = messages.find((m) => m.type === 'SYSTEM_NOTIFICATION' && /escal|inoltrata/i.test(m.content));
    const at = (esc?.createdAt as Date | undefined) ?? new Date(lastMs);
    auditLogs.push({
      id: ids.uuidv7(at),
      organizationId,
      actorType: 'SYSTEM',
      action: 'thread.escalate',
      entityType: 'Thread',
      entityId: threadId,
      changes: { before: { status: 'IN_PROGRESS', priority: 'NORMAL' }, after: { status: 'ESCALATED', priority } },
      createdAt: at,
    });
  }
  if (closed && f.datatype.boolean({ probability: 0.25 })) {
    const at = new Date(resolvedMs!);
    auditLogs.push({
      id: ids.uuidv7(at),
      organizationId,
      actorType: 'USER',
      actorUserId: (assignee ?? responder).id,
      action: 'thread.update',
      entityType: 'Thread',
      entityId: threadId,
      changes: { before: { status: 'IN_PROGRESS' }, after: { status } },
      ip: '10.20.0.' + f.number.int({ min: 10, max: 80 }),
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
      createdAt: at,
    });
  }
  return { thread, messages, auditLogs };
}

// ------------------------------------------------------------------ 6. tasks

/**
 * Step 6: 80 tasks: follow-ups of 65 threads whose scenario has a task (open
 * threads first, so the demo has open and overdue tasks) and the standalone
 * team tasks of STANDALONE_TASKS. Returns how many.
 */
async function seedTasks(run: SeedRun, people: SeededPeople, taskSources: TaskSource[]): Promise<number> {
  const { tx, f, ids, nowMs, organizationId } = run;
  const { users, userByKey } = people;
  const tasks: Prisma.TaskCreateManyInput[] = [];
  const candidates = f.helpers.shuffle(taskSources.filter((s) => s.scenario.task));
  const openFirst = [...candidates.filter((s) => s.resolvedAt === null).slice(0, 38), ...candidates.filter((s) => s.resolvedAt !== null)];
  for (const s of openFirst.slice(0, 65)) tasks.push(taskFromThread(f, ids, s, nowMs, users, organizationId));
  const agents = users.filter((u) => u.role !== 'ADMIN');
  for (const st of STANDALONE_TASKS) {
    const createdAt = nowMs - f.number.int({ min: 1, max: 40 }) * DAY - f.number.int({ min: 0, max: 8 }) * HOUR;
    const status: TaskStatus = f.helpers.weightedArrayElement([
      { weight: 4, value: 'OPEN' as const },
      { weight: 3, value: 'IN_PROGRESS' as const },
      { weight: 1, value: 'WAITING' as const },
      { weight: 4, value: 'COMPLETED' as const },
    ]);
    const dueAt =
      status === 'COMPLETED' ? createdAt + f.number.int({ min: 2, max: 10 }) * DAY : nowMs + f.number.int({ min: -4, max: 14 }) * DAY + f.number.int({ min: 0, max: 8 }) * HOUR;
    const completedAt = status === 'COMPLETED' ? Math.min(nowMs - HOUR, dueAt - f.number.int({ min: -1, max: 2 }) * DAY) : null;
    const assignee = f.helpers.arrayElement(agents);
    tasks.push({
      id: ids.uuidv7(createdAt),
      organizationId,
      title: st.title,
      description: st.description,
      type: st.type,
      priority: f.helpers.weightedArrayElement([
        { weight: 2, value: 'LOW' as const },
        { weight: 6, value: 'NORMAL' as const },
        { weight: 2, value: 'HIGH' as const },
      ]),
      status,
      assigneeId: assignee.id,
      creatorId: f.helpers.arrayElement([userByKey.get('manager')!, userByKey.get('eva')!, userByKey.get('marco')!]).id,
      dueAt: new Date(dueAt),
      completedAt: completedAt === null ? null : new Date(Math.max(createdAt + HOUR, completedAt)),
      completionNotes: status === 'COMPLETED' ? 'Afgerond en gedeeld in het teamoverleg.' : null,
      reminderSettings: { remindBeforeMinutes: [24 * 60, 60], channels: ['in_app', 'email'] },
      createdAt: new Date(createdAt),
      updatedAt: new Date(completedAt ?? createdAt),
    });
  }
  await tx.task.createMany({ data: tasks });
  return tasks.length;
}

// ------------------------------------------------------------------ helpers

function pickStatus(f: Faker, ageDays: number): ThreadStatus {
  const w = (OPEN: number, IN_PROGRESS: number, WAITING_CUSTOMER: number, ESCALATED: number, WAITING_INTERNAL: number, RESOLVED: number, CLOSED: number) =>
    f.helpers.weightedArrayElement(
      (Object.entries({ OPEN, IN_PROGRESS, WAITING_CUSTOMER, ESCALATED, WAITING_INTERNAL, RESOLVED, CLOSED }) as [ThreadStatus, number][])
        .filter(([, weight]) => weight > 0)
        .map(([value, weight]) => ({ value, weight })),
    );
  if (ageDays < 1) return w(38, 24, 14, 7, 5, 12, 0);
  if (ageDays < 3) return w(12, 26, 24, 8, 8, 22, 0);
  if (ageDays < 10) return w(2, 10, 14, 4, 6, 50, 14);
  return w(0, 2, 4, 0, 2, 30, 62);
}

/** The part of a script that has happened, given the thread's status. */
function cutTurns(f: Faker, turns: Turn[], status: ThreadStatus, internal: boolean): Turn[] {
  if (internal) {
    if (status === 'RESOLVED' || status === 'CLOSED') return turns;
    return turns.slice(0, f.number.int({ min: Math.min(3, turns.length), max: Math.max(3, turns.length - 1) }));
  }
  const idx = (who: Turn['who'], from = 1) => turns.map((t, i) => (t.who === who && i >= from ? i : -1)).filter((i) => i >= 0);
  const firstAgent = turns.findIndex((t) => t.who === 'a');
  switch (status) {
    case 'RESOLVED':
    case 'CLOSED':
      return turns;
    case 'OPEN':
      return turns.slice(0, 1);
    case 'WAITING_CUSTOMER': {
      const options = idx('a');
      return turns.slice(0, f.helpers.arrayElement(options.length > 1 ? options.slice(0, -1) : options) + 1);
    }
    case 'WAITING_INTERNAL': {
      const notes = idx('n', firstAgent + 1);
      if (notes.length) return turns.slice(0, f.helpers.arrayElement(notes) + 1);
      return turns.slice(0, Math.max(firstAgent + 2, 2));
    }
    default: {
      // The script's last customer line is usually a thank-you; an open thread stops before it.
      const customerAfterAgent = idx('c', firstAgent + 1).filter((i, _, all) => all.length === 1 || i < turns.length - 1);
      if (!customerAfterAgent.length) return turns.slice(0, firstAgent + 1);
      return turns.slice(0, f.helpers.arrayElement(customerAfterAgent) + 1);
    }
  }
}

const ORDER_PROBE = '\u0000order\u0000';
const mentionsOrderCache = new Map<string, boolean>();

/** Whether a script's subject, lines or task title use the order reference. */
function mentionsOrder(s: Scenario): boolean {
  let v = mentionsOrderCache.get(s.id);
  if (v === undefined) {
    const probe = { order: ORDER_PROBE } as ScriptContext;
    const texts = [s.subject, ...s.turns.map((t) => t.text), ...(s.task ? [s.task.title] : [])];
    v = texts.some((text) => {
      try {
        return text(probe).includes(ORDER_PROBE);
      } catch {
        return false;
      }
    });
    mentionsOrderCache.set(s.id, v);
  }
  return v;
}

function makeContext(f: Faker, s: Scenario, c: DemoCustomer | null, agent: { first: string }, lead: { first: string }, order: string | null, createdMs: number): ScriptContext {
  const lang = s.lang;
  let day = addDays(new Date(createdMs), f.number.int({ min: 3, max: 14 }));
  while (isWeekend(day)) day = addDays(day, 1);
  let day2 = addDays(day, f.number.int({ min: 2, max: 6 }));
  while (isWeekend(day2)) day2 = addDays(day2, 1);
  const dateFmt = lang === 'en' ? 'EEEE d MMMM' : lang === 'it' ? 'EEEE d MMMM' : 'EEEE d MMMM';
  const chargers = f.number.int({ min: 4, max: 12 });
  const [lo, hi] = s.amount ?? [899, 1899];
  const euros = f.number.int({ min: lo, max: hi }) * (s.perChargePoint ? chargers : 1);
  const amount = new Intl.NumberFormat(NUMBER_LOCALES[lang], { style: 'currency', currency: 'EUR', maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(euros);
  const last = c?.name.split(' ').slice(1).join(' ') || 'Jansen';
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
    date: format(day, dateFmt, { locale: DATE_LOCALES[lang] }),
    date2: format(day2, dateFmt, { locale: DATE_LOCALES[lang] }),
    slot: f.helpers.arrayElement(SLOTS),
    amount,
    installer: f.helpers.arrayElement(INSTALLERS[lang]),
    errorCode: f.helpers.arrayElement(ERROR_CODES),
    chargers,
  };
}

/**
 * The customer as the channel's provider identifies them (Message.senderExternal):
 * `{ name, email?, phone?, identities: [{ kind, value }] }`, as the adapters'
 * InboundCustomer (channels/types.ts) has it.
 */
function senderFor(channel: DemoChannelSpec['key'], c: DemoCustomer, chatwootContactId: string | null): Prisma.InputJsonValue {
  const email = c.email?.toLowerCase() ?? null;
  switch (channel) {
    case 'whatsapp':
      return { name: c.name, phone: `+${c.waId}`, identities: [{ kind: 'WHATSAPP_ID', value: c.waId }] };
    case 'email':
    case 'api':
      return { name: c.name, email: email!, identities: [{ kind: 'EMAIL', value: email! }] };
    case 'chatwoot':
      return {
        name: c.name,
        ...(email ? { email } : {}),
        phone: c.phone,
        identities: [{ kind: 'CHATWOOT_CONTACT', value: chatwootContactId! }, ...(email ? [{ kind: 'EMAIL', value: email }] : []), { kind: 'PHONE', value: c.phone }],
      };
    default:
      return { name: c.name, phone: c.phone, identities: [{ kind: 'PHONE', value: c.phone }] };
  }
}

/**
 * Thread.conversationKey, the provider key that threads inbound messages: e-mail
 * a Graph conversationId, SMS and calls the customer's E.164 number, WhatsApp the
 * wa_id, Chatwoot the conversation id (digits), the partner API a partner
 * conversation id.
 */
function conversationKeyFor(channel: DemoChannelSpec['key'], c: DemoCustomer, ids: SeededIds): string {
  switch (channel) {
    case 'whatsapp':
      return c.waId;
    case 'sms':
    case 'phone':
      return c.phone;
    case 'email':
      return ids.graphConversationId();
    case 'chatwoot':
      return ids.numeric(1000, 9000);
    default:
      return ids.token('ptn_conv_');
  }
}

/** The address a reply goes to (Message.recipient.address), as the adapters' `recipient` gives it. */
function recipientAddress(channel: DemoChannelSpec['key'], c: DemoCustomer, conversationKey: string): string {
  switch (channel) {
    case 'whatsapp':
      return c.waId;
    case 'email':
      return c.email!.toLowerCase();
    case 'sms':
    case 'phone':
      return c.phone;
    default:
      // Chatwoot replies go to the conversation; partner replies to the partner's conversation.
      return conversationKey;
  }
}

function providerMessageId(ids: SeededIds, channel: DemoChannelSpec['key'], c: DemoCustomer): string | null {
  switch (channel) {
    case 'whatsapp':
      return ids.wamid(c.waId);
    case 'email':
      return ids.graphMessageId();
    case 'sms':
      return ids.twilioSid();
    case 'chatwoot':
      return ids.numeric(100_000, 900_000);
    case 'api':
      return ids.token('ptn_msg_');
    default:
      return null;
  }
}

const GREETING = /^(?:Hoi|Hallo|Hi|Hello|Beste|Dear|Goedemorgen|Goedemiddag|Goedendag|Buongiorno|Buonasera|Salve|Gentile|Ciao)(?: [^,!?.]{1,40})?[,!]\s+/u;

/** Drops a chat-style salutation ("Hoi Sanne, ...") when the e-mail wrapper adds its own. */
function stripGreeting(text: string): string {
  const m = GREETING.exec(text);
  const rest = m ? text.slice(m[0].length) : '';
  return rest ? rest[0]!.toUpperCase() + rest.slice(1) : text;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Wraps a script line the way it looks on the channel (e-mail salutation and signature, call notes). */
function renderForChannel(
  channel: DemoChannelSpec['key'],
  dir: 'in' | 'out',
  text: string,
  lang: Lang,
  ctx: ScriptContext,
  c: DemoCustomer,
  sender: { name: string } | null,
  subject: string,
  first: boolean,
  f: Faker,
): Partial<Prisma.MessageCreateManyInput> {
  const P = PHRASES[lang];
  if (channel === 'email') {
    const body =
      dir === 'in'
        ? `${P.greetAgent()}\n\n${stripGreeting(text)}\n\n${P.closingCustomer}\n${c.name}${c.companyName ? `\n${c.companyName}` : ''}`
        : sender
          ? `${P.greetCustomer(ctx.first)}\n\n${stripGreeting(text)}\n\n${P.closingAgent}\n${sender.name}\n${P.signatureTeam}`
          : text;
    const html = body
      .split(/\n{2,}/)
      .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>')}</p>`)
      .join('');
    return { content: body, contentHtml: `<html><body>${html}</body></html>`, subject: first ? subject : `${P.reply}${subject}` };
  }
  if (channel === 'phone') {
    const secs = f.number.int({ min: 45, max: 720 });
    return { content: (dir === 'in' ? P.callIn : P.callOut)(Math.floor(secs / 60), secs % 60) + text };
  }
  return {};
}

function inboundMetadata(channel: DemoChannelSpec['key'], ctx: ScriptContext, f: Faker): Prisma.InputJsonValue {
  switch (channel) {
    case 'whatsapp':
      return { whatsappType: 'text' };
    case 'email':
      return { importance: 'normal' };
    case 'sms':
      return { numSegments: f.number.int({ min: 1, max: 3 }), fromCountry: 'NL' };
    case 'phone':
      return { callDirection: 'inbound', callDurationSeconds: f.number.int({ min: 45, max: 900 }) };
    case 'chatwoot':
      return { chatwootInboxId: DEMO_PROVIDERS.chatwoot.inboxId, source: 'website_widget' };
    case 'api':
      return { partner: f.helpers.arrayElement(['laderthuis', 'meterkastthuis', 'zaptecshop', 'ratioshop']), partnerOrderReference: ctx.order };
    default:
      return {};
  }
}

function deliveryFor(f: Faker, channel: DemoChannelSpec['key'], kind: MessageType, outsideWindow: boolean, ageMs: number): DeliveryStatus {
  if (channel === 'whatsapp' && outsideWindow && kind === 'OUTGOING' && f.datatype.boolean({ probability: 0.5 })) return 'FAILED';
  if (ageMs < 15 * MINUTE) return f.helpers.arrayElement(['SENT', 'DELIVERED'] as const);
  switch (channel) {
    case 'whatsapp':
    case 'chatwoot':
      return f.helpers.weightedArrayElement([
        { weight: 72, value: 'READ' as const },
        { weight: 22, value: 'DELIVERED' as const },
        { weight: 3, value: 'SENT' as const },
        { weight: 3, value: 'FAILED' as const },
      ]);
    case 'sms':
      return f.helpers.weightedArrayElement([
        { weight: 90, value: 'DELIVERED' as const },
        { weight: 6, value: 'SENT' as const },
        { weight: 4, value: 'FAILED' as const },
      ]);
    case 'email':
      return f.helpers.weightedArrayElement([
        { weight: 55, value: 'DELIVERED' as const },
        { weight: 40, value: 'READ' as const },
        { weight: 3, value: 'SENT' as const },
        { weight: 2, value: 'BOUNCED' as const },
      ]);
    default:
      return 'DELIVERED';
  }
}

function outboundMetadata(channel: DemoChannelSpec['key'], status: DeliveryStatus, outsideWindow: boolean, kind: MessageType, ctx: ScriptContext, f: Faker): Prisma.InputJsonValue {
  const meta: Record<string, unknown> = {};
  if (status === 'FAILED') {
    if (channel === 'whatsapp')
      meta.error = outsideWindow
        ? { code: 131047, title: 'Re-engagement message', details: 'More than 24 hours have passed since the customer last replied to this number.' }
        : { code: 131026, title: 'Message undeliverable' };
    else if (channel === 'sms') meta.error = { code: 30003, title: 'Unreachable destination handset' };
    else meta.error = { code: 'delivery_failed', title: 'Delivery failed' };
  }
  if (status === 'BOUNCED') meta.error = { code: '5.1.1', title: 'Recipient address rejected: mailbox unavailable' };
  if (channel === 'phone') {
    meta.callDirection = 'outbound';
    meta.callDurationSeconds = f.number.int({ min: 40, max: 600 });
  }
  if (channel === 'whatsapp' && kind === 'OUTGOING') meta.whatsappType = 'text';
  if (channel === 'api') meta.partnerOrderReference = ctx.order;
  return meta as Prisma.InputJsonValue;
}

function mentionsOf(text: string, users: { id: string; first: string }[]): Prisma.InputJsonValue {
  const mentioned = users.filter((u) => text.includes(`@${u.first}`)).map((u) => u.id);
  return mentioned.length ? { mentions: mentioned } : {};
}

function systemEvent(text: string): string {
  if (/toegewezen|assigned|assegnata/i.test(text)) return 'thread.assigned';
  if (/wachtrij|queued|in coda/i.test(text)) return 'thread.queued';
  if (/escal|inoltrata/i.test(text)) return 'thread.escalated';
  if (/SLA/i.test(text)) return 'sla.warning';
  if (/gesloten|closed|chiusa/i.test(text)) return 'thread.closed';
  if (/opgelost|resolved|risolta/i.test(text)) return 'thread.resolved';
  return 'thread.updated';
}

/**
 * A seeded message's attachment as ingestion stores it: on WhatsApp a Cloud API media id, on
 * e-mail the Outlook adapter's `<Graph message id>/<attachment id>` (channels/outlook/media.ts),
 * elsewhere a URL. The demo's provider sandbox serves the first two (sandbox.ts `registerDemoMedia`).
 */
function attachmentFor(
  kind: NonNullable<Turn['attach']>,
  channel: DemoChannelSpec['key'],
  ctx: ScriptContext,
  ids: SeededIds,
  lang: Lang,
  externalMessageId: string | null,
): Prisma.InputJsonValue {
  const viaWhatsApp = channel === 'whatsapp';
  const attachmentId = channel === 'email' ? `AAMkAGI2${ids.bytes(24).toString('base64url')}=` : null;
  const media = viaWhatsApp
    ? { providerMediaId: ids.mediaId() }
    : attachmentId
      ? { providerMediaId: externalMessageId ? `${externalMessageId}/${attachmentId}` : attachmentId }
      : { url: `https://media.chargecars.nl/demo/${ids.bytes(8).toString('hex')}` };
  const ref = ctx.order.replace(/\s+/g, '-');
  switch (kind) {
    case 'photo':
      return {
        kind: 'image',
        mimeType: 'image/jpeg',
        ...media,
        fileName: viaWhatsApp ? undefined : `IMG_${4000 + (ids.next32() % 5000)}.jpg`,
        caption: lang === 'it' ? 'Foto' : 'Foto',
        sha256: ids.sha256(),
      };
    case 'video':
      return { kind: 'video', mimeType: 'video/mp4', ...media, sha256: ids.sha256() };
    case 'invoice':
      return {
        kind: 'document',
        mimeType: 'application/pdf',
        ...media,
        fileName: lang === 'it' ? `Fattura-${ref}.pdf` : lang === 'en' ? `Invoice-${ref}.pdf` : `Factuur-${ref}.pdf`,
        sha256: ids.sha256(),
      };
    case 'quote':
      return {
        kind: 'document',
        mimeType: 'application/pdf',
        ...media,
        fileName: lang === 'it' ? `Preventivo-${ref}.pdf` : lang === 'en' ? `Quote-${ref}.pdf` : `Offerte-${ref}.pdf`,
        sha256: ids.sha256(),
      };
    default:
      return {
        kind: 'document',
        mimeType: 'application/pdf',
        ...media,
        fileName: lang === 'it' ? 'Documentazione.pdf' : lang === 'en' ? 'Documents.pdf' : 'Documenten.pdf',
        sha256: ids.sha256(),
      };
  }
}

function threadTags(s: Scenario, c: DemoCustomer | null, status: ThreadStatus, firstResponseMs: number | null, slaMs: number | null, createdMs: number): string[] {
  const tags = new Set(s.tags);
  if (c?.tier === 'PREMIUM') tags.add('vip');
  if (c?.business) tags.add(c.lang === 'it' ? 'business' : 'zakelijk');
  if (c?.country === 'BE') tags.add('belgie');
  if (c?.country === 'DE') tags.add('deutschland');
  if (slaMs && firstResponseMs && firstResponseMs - createdMs > slaMs) tags.add('sla-breach');
  if (status === 'ESCALATED') tags.add('escalated');
  return [...tags];
}

function externalRefs(channel: DemoChannelSpec['key'], conversationKey: string | null, chatwootContactId: string | null, order: string | null, s: Scenario): Prisma.InputJsonValue {
  const refs: Record<string, unknown> = {};
  if (order) refs.order = { system: 'exact-online', reference: order };
  if (channel === 'chatwoot' && conversationKey)
    refs.chatwoot = { accountId: DEMO_PROVIDERS.chatwoot.accountId, conversationId: Number(conversationKey), contactId: Number(chatwootContactId) };
  if (channel === 'email' && conversationKey) refs.graph = { conversationId: conversationKey, mailbox: DEMO_PROVIDERS.outlook.mailboxAddress };
  if (s.type === 'PARTNER_INQUIRY') refs.partner = s.lang === 'it' ? 'installer-network-it' : 'laderthuis';
  return refs as Prisma.InputJsonValue;
}

const COMPLETION_NOTES: Record<Lang, string[]> = {
  nl: [
    'Klant gebeld en afspraak bevestigd.',
    'Afgehandeld, klant is tevreden.',
    'Monteur is langs geweest, storing verholpen.',
    'Offerte verstuurd en akkoord ontvangen.',
    'Creditnota verwerkt door finance.',
    'Documentatie bijgewerkt en gedeeld.',
  ],
  en: ['Called the customer, appointment confirmed.', 'Done, customer is happy.', 'Installer visited, issue fixed.', 'Quote sent and accepted.'],
  it: ['Cliente contattato, appuntamento confermato.', 'Completato, cliente soddisfatto.', 'Intervento eseguito, guasto risolto.', 'Fattura ritrasmessa e consegnata.'],
};

function taskFromThread(f: Faker, ids: SeededIds, s: TaskSource, nowMs: number, users: { id: string; role: string }[], organizationId: string): Prisma.TaskCreateManyInput {
  const done = s.resolvedAt !== null;
  const createdAt = Math.min(nowMs - MINUTE, s.createdAt + f.number.int({ min: 10, max: 180 }) * MINUTE);
  const status: TaskStatus = done
    ? f.helpers.weightedArrayElement([
        { weight: 86, value: 'COMPLETED' as const },
        { weight: 14, value: 'CANCELLED' as const },
      ])
    : f.helpers.weightedArrayElement([
        { weight: 45, value: 'OPEN' as const },
        { weight: 35, value: 'IN_PROGRESS' as const },
        { weight: 20, value: 'WAITING' as const },
      ]);
  const dueAt = done
    ? createdAt + f.number.int({ min: 1, max: 5 }) * DAY
    : // about a third of the open tasks are overdue
      Math.max(
        createdAt + 2 * HOUR,
        nowMs +
          f.helpers.weightedArrayElement([
            { weight: 33, value: -1 },
            { weight: 67, value: 1 },
          ]) *
            f.number.int({ min: 2, max: 96 }) *
            HOUR,
      );
  const completedAt = status === 'COMPLETED' ? Math.min(s.resolvedAt!, dueAt + f.number.int({ min: -12, max: 12 }) * HOUR) : null;
  const assigneeId = s.assigneeId ?? f.helpers.arrayElement(users.filter((u) => u.role !== 'ADMIN')).id;
  const see = s.lang === 'it' ? 'Vedi conversazione' : s.lang === 'en' ? 'See conversation' : 'Zie gesprek';
  return {
    id: ids.uuidv7(createdAt),
    organizationId,
    title: s.scenario.task!.title(s.ctx),
    description: s.scenario.task!.description?.(s.ctx) ?? `${see} "${s.subject}"${s.order ? ` (${s.order})` : ''}.`,
    type: s.scenario.task!.type,
    priority: s.priority,
    status,
    assigneeId,
    creatorId: assigneeId,
    threadId: s.threadId,
    orderReference: s.order,
    dueAt: new Date(dueAt),
    completedAt: completedAt === null ? null : new Date(Math.max(createdAt + MINUTE, completedAt)),
    completionNotes:
      status === 'COMPLETED'
        ? f.helpers.arrayElement(COMPLETION_NOTES[s.lang])
        : status === 'CANCELLED'
          ? s.lang === 'it'
            ? 'Non più necessario.'
            : s.lang === 'en'
              ? 'No longer needed.'
              : 'Niet meer nodig, klant heeft het zelf opgelost.'
          : null,
    reminderSettings: { remindBeforeMinutes: f.helpers.arrayElement([[60], [60, 15], [24 * 60, 60]]), channels: f.helpers.arrayElement([['in_app'], ['in_app', 'email']]) },
    createdAt: new Date(createdAt),
    updatedAt: new Date(completedAt ?? createdAt),
  };
}
