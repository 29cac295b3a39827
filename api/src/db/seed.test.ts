import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../config.js';
import { SecretBox } from '../shared/crypto.js';
import { createDatabase, type Database } from './client.js';
import { migrate } from './migrate.js';
import { DEMO_LOGINS, isDatabaseEmpty, seedDemo, type SeedDemoResult } from './seed.js';
import { CHANNEL_SECRET_KEYS, DEMO_PROVIDERS } from './seed-data/channels.js';
import { generateCustomers } from './seed-data/customers.js';
import { CodiceFiscale, isValidPartitaIva, makePartitaIva, partitaIvaCheckDigit } from '../modules/customer/italian-ids.js';
import { DEMO_TEMPLATES } from './seed-data/templates.js';

const NOW = new Date('2026-11-20T10:30:00Z');
const DAY = 86_400_000;
const secrets = new SecretBox('seed-test-secret-key-0123456789-abcdef');

/** The shared provider fixtures, when this checkout sits next to them. */
const fixturesFile = path.join(repoRoot, '../shared/fixtures/providers/channels.json');
const providers: typeof DEMO_PROVIDERS = existsSync(fixturesFile) ? JSON.parse(readFileSync(fixturesFile, 'utf8')) : DEMO_PROVIDERS;

describe('partita IVA check digit', () => {
  it('accepts published valid numbers and rejects a wrong check digit', () => {
    for (const valid of ['00743110157', '07973780013', '12345670017']) expect(isValidPartitaIva(valid)).toBe(true);
    expect(partitaIvaCheckDigit('0074311015')).toBe(7);
    expect(isValidPartitaIva('00743110158')).toBe(false);
    expect(isValidPartitaIva('0074311015')).toBe(false);
    expect(isValidPartitaIva('00743119997')).toBe(false); // office code 999 is allowed, but the check digit is then 6
    expect(isValidPartitaIva(makePartitaIva(1234567, 58))).toBe(true);
  });
});

describe('demo customers', () => {
  it('are deterministic for a seed', () => {
    expect(generateCustomers(7)).toEqual(generateCustomers(7));
    expect(generateCustomers(7)[0]).not.toEqual(generateCustomers(8)[0]);
  });
});

describe('seedDemo', () => {
  let db: Database;
  let result: SeedDemoResult;
  let seedMs = 0;

  beforeAll(async () => {
    db = await createDatabase({});
    await migrate(db.sql);
    expect(await isDatabaseEmpty(db.prisma)).toBe(true);
    const started = performance.now();
    result = await seedDemo(db.prisma, { secrets, now: NOW });
    seedMs = performance.now() - started;
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it('creates the demo volume quickly', async () => {
    console.info(`seedDemo on PGlite: ${Math.round(seedMs)} ms`, result.counts);
    expect(seedMs).toBeLessThan(20_000);
    expect(await isDatabaseEmpty(db.prisma)).toBe(false);
    const org = await db.prisma.organization.findUniqueOrThrow({ where: { slug: 'chargecars' } });
    expect(org).toMatchObject({ id: result.organizationId, name: providers.organization.name, timezone: providers.organization.timezone, locale: providers.organization.locale });
    expect(await db.prisma.thread.count()).toBeGreaterThanOrEqual(300);
    expect(await db.prisma.message.count()).toBeGreaterThanOrEqual(2_000);
    expect(await db.prisma.customer.count()).toBeGreaterThanOrEqual(170);
    expect(await db.prisma.task.count()).toBeGreaterThanOrEqual(70);
    expect(await db.prisma.template.count()).toBe(DEMO_TEMPLATES.length);
    expect(result.counts).toEqual({
      threads: await db.prisma.thread.count(),
      messages: await db.prisma.message.count(),
      customers: await db.prisma.customer.count(),
      tasks: await db.prisma.task.count(),
      templates: await db.prisma.template.count(),
    });
  });

  it('refuses to seed twice', async () => {
    await expect(seedDemo(db.prisma, { secrets, now: NOW, threads: 5 })).rejects.toThrow(/already exists/);
  });

  it('spreads threads over at least 55 days before now, with messages in the past', async () => {
    const span = await db.prisma.thread.aggregate({ _min: { createdAt: true }, _max: { createdAt: true } });
    expect(span._max.createdAt!.getTime() - span._min.createdAt!.getTime()).toBeGreaterThanOrEqual(55 * DAY);
    expect(NOW.getTime() - span._min.createdAt!.getTime()).toBeLessThanOrEqual(60 * DAY);
    const newest = await db.prisma.message.aggregate({ _max: { createdAt: true } });
    expect(newest._max.createdAt!.getTime()).toBeLessThanOrEqual(NOW.getTime());
    const perThread = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM "Message" GROUP BY "threadId"');
    expect(Math.min(...perThread.map((r) => r.n))).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perThread.map((r) => r.n))).toBeLessThanOrEqual(12);
  });

  it('lets the demo users log in with the shared password', async () => {
    expect(DEMO_LOGINS.map((l) => l.email)).toEqual(['admin@chargecars.nl', 'manager@chargecars.nl', 'sarah@chargecars.nl', 'alex@chargecars.nl']);
    for (const login of DEMO_LOGINS) {
      const user = await db.prisma.user.findFirstOrThrow({ where: { email: login.email } });
      expect(user.role).toBe(login.role);
      expect(user.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await verify(user.passwordHash, 'chargecars-demo')).toBe(true);
      expect(await verify(user.passwordHash, 'wrong-password')).toBe(false);
    }
    expect(await db.prisma.user.findFirstOrThrow({ where: { email: 'sarah@chargecars.nl' } })).toMatchObject({ name: 'Sarah de Jong', skills: ['nl', 'en', 'whatsapp'] });
    expect(await db.prisma.user.count({ where: { role: 'TEAM_LEAD' } })).toBe(2);
  });

  it('gives Italian customers valid fiscal data', async () => {
    const italians = await db.prisma.customer.findMany({ where: { OR: [{ codiceFiscale: { not: null } }, { partitaIva: { not: null } }] } });
    expect(italians.length).toBeGreaterThanOrEqual(25);
    expect(italians.filter((c) => c.companyName && c.partitaIva).length).toBeGreaterThanOrEqual(10);
    for (const c of italians) {
      expect(c.phone).toMatch(/^\+39\d{9,10}$/);
      expect(c.sdi).toMatch(/^[A-Z0-9]{7}$/);
      if (c.partitaIva) {
        expect(isValidPartitaIva(c.partitaIva), `${c.name} ${c.partitaIva}`).toBe(true);
        expect(c.pec).toMatch(/@(pec|legalmail)\.it$/);
      }
      if (c.codiceFiscale!.length === 11) {
        // a company: its codice fiscale is the partita IVA
        expect(c.codiceFiscale).toBe(c.partitaIva);
      } else {
        expect(CodiceFiscale.check(c.codiceFiscale!), `${c.name} ${c.codiceFiscale}`).toBe(true);
        expect(c.codiceFiscale).toMatch(/^[A-Z]{6}\d{2}[A-EHLMPRST]\d{2}[A-Z]\d{3}[A-Z]$/);
      }
    }
  });

  it('stores channel secrets sealed, opening to the provider fixture values', async () => {
    const channels = await db.prisma.channel.findMany();
    const byType = new Map(channels.map((c) => [c.type, c]));
    const expected = {
      WHATSAPP_BUSINESS: { externalId: providers.whatsapp.phoneNumberId, config: providers.whatsapp },
      EMAIL_OUTLOOK: { externalId: providers.outlook.mailboxUserId, config: providers.outlook },
      SMS: { externalId: providers.sms.phoneNumber, config: providers.sms },
      CHATWOOT: { externalId: String(providers.chatwoot.accountId), config: providers.chatwoot },
    } as const;
    for (const [type, want] of Object.entries(expected) as [keyof typeof expected, (typeof expected)[keyof typeof expected]][]) {
      const channel = byType.get(type)!;
      expect(channel.externalId).toBe(want.externalId);
      const config = channel.configuration as Record<string, unknown>;
      for (const key of CHANNEL_SECRET_KEYS[type]!) {
        expect(SecretBox.isSealed(config[key]), `${type}.${key} sealed`).toBe(true);
        expect(secrets.open(config[key] as string)).toBe((want.config as Record<string, unknown>)[key]);
      }
      expect(secrets.openAll(config)).toMatchObject(want.config);
    }
    expect(byType.get('WHATSAPP_BUSINESS')).toMatchObject({ name: 'WhatsApp ChargeCars', responseSlaHours: 2 });
    expect(byType.get('EMAIL_OUTLOOK')!.responseSlaHours).toBe(8);
    expect(byType.get('SMS')!.responseSlaHours).toBe(4);
    for (const type of ['PHONE_CALL', 'API', 'INTERNAL_TASK'] as const) expect(byType.has(type)).toBe(true);
  });

  it('keeps thread bookkeeping consistent with the messages', async () => {
    const mismatched = await db.sql.query(`
      SELECT t.id FROM "Thread" t
      WHERE t."lastMessageId" IS DISTINCT FROM (
              SELECT m.id FROM "Message" m WHERE m."threadId" = t.id ORDER BY m."createdAt" DESC, m.id DESC LIMIT 1)
         OR t."lastMessageAt" <> (SELECT max(m."createdAt") FROM "Message" m WHERE m."threadId" = t.id)
         OR t."lastInboundAt" IS DISTINCT FROM (SELECT max(m."createdAt") FROM "Message" m WHERE m."threadId" = t.id AND m.type = 'INCOMING')
         OR t."firstResponseAt" IS DISTINCT FROM (SELECT min(m."createdAt") FROM "Message" m WHERE m."threadId" = t.id AND m.type = 'OUTGOING')`);
    expect(mismatched).toEqual([]);
    const badDue = await db.sql.query(`
      SELECT t.id FROM "Thread" t JOIN "Channel" c ON c.id = t."channelId"
      WHERE t."responseDueAt" IS DISTINCT FROM t."createdAt" + make_interval(hours => c."responseSlaHours")`);
    expect(badDue).toEqual([]);
    const closedWithoutResolution = await db.prisma.thread.count({ where: { status: { in: ['RESOLVED', 'CLOSED'] }, resolvedAt: null } });
    expect(closedWithoutResolution).toBe(0);
    // Open work includes threads past their response deadline and threads still within it.
    const open = { status: { in: ['OPEN', 'IN_PROGRESS', 'ESCALATED'] as ('OPEN' | 'IN_PROGRESS' | 'ESCALATED')[] }, firstResponseAt: null };
    expect(await db.prisma.thread.count({ where: { ...open, responseDueAt: { lt: NOW } } })).toBeGreaterThan(0);
    expect(await db.prisma.thread.count({ where: { ...open, responseDueAt: { gte: NOW } } })).toBeGreaterThan(0);
  });

  it('uses provider-shaped message ids and sender identities', async () => {
    const wa = await db.prisma.message.findFirstOrThrow({ where: { type: 'INCOMING', channel: { type: 'WHATSAPP_BUSINESS' } } });
    expect(wa.externalMessageId).toMatch(/^wamid\./);
    expect(wa.senderExternal).toMatchObject({ waId: expect.stringMatching(/^\d+$/) });
    const sms = await db.prisma.message.findFirstOrThrow({ where: { channel: { type: 'SMS' }, externalMessageId: { not: null } } });
    expect(sms.externalMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    const mail = await db.prisma.message.findFirstOrThrow({ where: { type: 'INCOMING', channel: { type: 'EMAIL_OUTLOOK' } } });
    expect(mail.externalMessageId).toMatch(/^AAMk/);
    expect(mail.subject).toBeTruthy();
    const outgoing = await db.prisma.message.groupBy({ by: ['deliveryStatus'], where: { type: 'OUTGOING' }, _count: true });
    const statuses = new Map(outgoing.map((g) => [g.deliveryStatus, g._count]));
    expect(statuses.get('READ')! + statuses.get('DELIVERED')!).toBeGreaterThan(0.8 * [...statuses.values()].reduce((a, b) => a + b, 0));
    expect(statuses.get('FAILED') ?? 0).toBeGreaterThan(0);
    expect(statuses.has('PENDING')).toBe(false); // nothing for an outbox worker to send
    expect(await db.prisma.message.count({ where: { type: 'OUTGOING', senderUserId: null } })).toBe(0);
    expect(await db.prisma.message.count({ where: { NOT: { attachments: { equals: [] } } } })).toBeGreaterThan(20);
  });
});
