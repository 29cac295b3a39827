import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../config.js';
import { SecretBox } from '../shared/crypto.js';
import { createDatabase, type Database } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { DEMO_LOGINS, isDatabaseEmpty, seedDemo, type SeedDemoResult } from './seed.js';
import { CHANNEL_SECRET_KEYS, DEMO_PARTNER_API, DEMO_PROVIDERS } from './data/channels.js';
import { generateCustomers } from './data/customers.js';
import { codiceFiscale, isValidPartitaIva, makePartitaIva, partitaIvaCheckDigit } from '../modules/customer/italian-ids.js';
import { DEMO_TEMPLATES } from './data/templates.js';
import { registerDemoMedia, startProviderSandbox } from './sandbox.js';
import { adapterFor } from '../channels/registry.js';
import { demoChannel, makeIO } from '../channels/outlook/test-support.js';
import { AUDIT_ACTIONS } from '../modules/audit/actions.js';

const NOW = new Date('2026-11-20T10:30:00Z');
const DAY = 86_400_000;
const secrets = new SecretBox('seed-test-secret-key-0123456789-abcdef');

/** channels.json of the repository's provider fixtures. */
const repoFixturesFile = path.join(repoRoot, 'api/test/fixtures/providers/channels.json');
/** The shared provider fixtures, when this checkout sits next to them. */
const sharedFixturesFile = path.join(repoRoot, '../shared/fixtures/providers/channels.json');
const readProviders = (file: string): typeof DEMO_PROVIDERS => {
  const { _about, ...values } = JSON.parse(readFileSync(file, 'utf8')) as typeof DEMO_PROVIDERS & { _about?: string };
  return values;
};
const providers = readProviders(repoFixturesFile);

describe('DEMO_PROVIDERS', () => {
  it('equals api/test/fixtures/providers/channels.json', () => {
    expect(DEMO_PROVIDERS).toEqual(providers);
  });

  it.skipIf(!existsSync(sharedFixturesFile))('equals ../shared/fixtures/providers/channels.json', () => {
    expect(DEMO_PROVIDERS).toEqual(readProviders(sharedFixturesFile));
  });
});

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
  }, 120_000);

  afterAll(async () => {
    await db?.close();
  });

  it('creates the demo volume (its time is printed; speed is measured by bench, not asserted)', async () => {
    console.info(`seedDemo on PGlite: ${Math.round(seedMs)} ms`, result.counts);
    expect(await isDatabaseEmpty(db.prisma)).toBe(false);
    const org = await db.prisma.organization.findUniqueOrThrow({ where: { slug: 'chargecars' } });
    expect(org).toMatchObject({ id: result.organizationId, name: providers.organization.name, timezone: providers.organization.timezone, locale: providers.organization.locale });
    expect(await db.prisma.thread.count()).toBeGreaterThanOrEqual(300);
    expect(await db.prisma.message.count()).toBeGreaterThanOrEqual(2_000);
    expect(await db.prisma.customer.count()).toBeGreaterThanOrEqual(170);
    expect(await db.prisma.task.count()).toBeGreaterThanOrEqual(70);
    expect(await db.prisma.template.count()).toBe(DEMO_TEMPLATES.length);
    // The seed's audit rows use the hub's one naming scheme (audit/actions.ts).
    const actions = (await db.prisma.auditLog.groupBy({ by: ['action'] })).map((r) => r.action);
    expect(actions.length).toBeGreaterThan(1);
    expect(actions.filter((a) => !(a in AUDIT_ACTIONS))).toEqual([]);
    expect(result.counts).toEqual({
      threads: await db.prisma.thread.count(),
      messages: await db.prisma.message.count(),
      customers: await db.prisma.customer.count(),
      identities: await db.prisma.customerIdentity.count(),
      tasks: await db.prisma.task.count(),
      templates: await db.prisma.template.count(),
    });
    expect(result.counts).toMatchObject({ threads: 320, customers: 182, tasks: 80, templates: 28 });
    expect(await db.prisma.team.count()).toBe(4);
    expect(await db.prisma.user.count()).toBe(12);
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
        expect(codiceFiscale().check(c.codiceFiscale!), `${c.name} ${c.codiceFiscale}`).toBe(true);
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
    const api = byType.get('API')!;
    expect(SecretBox.isSealed((api.configuration as Record<string, unknown>).webhookSecret)).toBe(true);
    expect(secrets.openAll(api.configuration as Record<string, unknown>)).toEqual(DEMO_PARTNER_API);
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
    expect(wa.senderExternal).toMatchObject({ name: expect.any(String), identities: [{ kind: 'WHATSAPP_ID', value: expect.stringMatching(/^\d+$/) }] });
    const sms = await db.prisma.message.findFirstOrThrow({ where: { channel: { type: 'SMS' }, externalMessageId: { not: null } } });
    expect(sms.externalMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    const mail = await db.prisma.message.findFirstOrThrow({ where: { type: 'INCOMING', channel: { type: 'EMAIL_OUTLOOK' } } });
    expect(mail.externalMessageId).toMatch(/^AAMk/);
    expect(mail.subject).toBeTruthy();
    expect(mail.internetMessageId).toMatch(/^<[0-9A-F]+@[a-z0-9.-]+\.[a-z]+>$/);
    expect(mail.internetMessageId).not.toContain('@chargecars.nl');
    expect(mail.senderExternal).toMatchObject({ email: expect.stringMatching(/@/), identities: [{ kind: 'EMAIL', value: expect.stringMatching(/^[^A-Z]+@/) }] });
    const mailReply = await db.prisma.message.findFirstOrThrow({ where: { type: 'OUTGOING', channel: { type: 'EMAIL_OUTLOOK' } } });
    expect(mailReply.internetMessageId).toBe(`<${mailReply.id}@chargecars.nl>`);
    expect(mailReply.recipient).toEqual({ name: expect.any(String), address: expect.stringMatching(/^[^A-Z]+@/) });
    expect(await db.prisma.message.count({ where: { channel: { type: 'EMAIL_OUTLOOK' }, type: { in: ['INCOMING', 'OUTGOING', 'AUTO_RESPONSE'] }, internetMessageId: null } })).toBe(
      0,
    );
    expect(await db.prisma.message.count({ where: { NOT: { channel: { type: 'EMAIL_OUTLOOK' } }, internetMessageId: { not: null } } })).toBe(0);
    const outgoing = await db.prisma.message.groupBy({ by: ['deliveryStatus'], where: { type: 'OUTGOING' }, _count: true });
    const statuses = new Map(outgoing.map((g) => [g.deliveryStatus, g._count]));
    expect(statuses.get('READ')! + statuses.get('DELIVERED')!).toBeGreaterThan(0.8 * [...statuses.values()].reduce((a, b) => a + b, 0));
    expect(statuses.get('FAILED') ?? 0).toBeGreaterThan(0);
    expect(statuses.has('PENDING')).toBe(false); // nothing for an outbox worker to send
    expect(await db.prisma.message.count({ where: { type: 'OUTGOING', senderUserId: null } })).toBe(0);
    expect(await db.prisma.message.count({ where: { NOT: { attachments: { equals: [] } } } })).toBeGreaterThan(20);
  });

  it('gives every customer identities, unique per (kind, scope, value)', async () => {
    const customers = await db.prisma.customer.findMany({ include: { identities: true } });
    for (const c of customers) {
      const kinds = c.identities.map((i) => `${i.kind}:${i.value}`);
      expect(kinds, c.name).toContain(`PHONE:${c.phone}`);
      // Every demo customer has a mobile number they use on WhatsApp.
      expect(kinds, c.name).toContain(`WHATSAPP_ID:${c.phone!.slice(1)}`);
      if (c.email) expect(kinds, c.name).toContain(`EMAIL:${c.email.toLowerCase()}`);
      for (const i of c.identities) {
        if (i.kind === 'WHATSAPP_ID') expect(i.value).toMatch(/^\d{8,15}$/);
        if (i.kind === 'PHONE') expect(i.value).toMatch(/^\+\d{8,15}$/);
        if (i.kind === 'EMAIL') expect(i.value).toBe(i.value.toLowerCase());
        expect(i.organizationId).toBe(result.organizationId);
        expect(i.optedOutAt).toBeNull();
      }
    }
    // No two customers share an identity, whatever the scope.
    const shared = await db.sql.query(`SELECT kind, value FROM "CustomerIdentity" GROUP BY kind, value HAVING count(DISTINCT "customerId") > 1`);
    expect(shared).toEqual([]);
    const badScope = await db.sql.query(`
      SELECT id FROM "CustomerIdentity"
      WHERE (kind IN ('CHATWOOT_CONTACT', 'PARTNER') AND ("channelId" IS NULL OR scope <> "channelId"::text))
         OR (kind NOT IN ('CHATWOOT_CONTACT', 'PARTNER') AND (scope <> '' OR "channelId" IS NOT NULL))`);
    expect(badScope).toEqual([]);
  });

  it('gives every WhatsApp customer a WHATSAPP_ID identity matching their threads and messages', async () => {
    const threads = await db.prisma.thread.findMany({
      where: { channel: { type: 'WHATSAPP_BUSINESS' } },
      include: { customer: { include: { identities: true } }, messages: { where: { type: 'INCOMING' } } },
    });
    expect(threads.length).toBeGreaterThan(50);
    for (const t of threads) {
      const waIds = t.customer!.identities.filter((i) => i.kind === 'WHATSAPP_ID').map((i) => i.value);
      expect(waIds).toEqual([t.conversationKey]);
      expect(`+${t.conversationKey}`).toBe(t.customer!.phone);
      for (const m of t.messages) {
        const sender = m.senderExternal as { identities?: { kind: string; value: string }[] } | null;
        if (sender) expect(sender.identities).toEqual([{ kind: 'WHATSAPP_ID', value: t.conversationKey }]);
      }
    }
  });

  it("scopes a Chatwoot customer's CHATWOOT_CONTACT to the Chatwoot channel", async () => {
    const chatwoot = await db.prisma.channel.findFirstOrThrow({ where: { type: 'CHATWOOT' } });
    const threads = await db.prisma.thread.findMany({
      where: { channelId: chatwoot.id },
      include: { customer: { include: { identities: true } }, messages: { where: { type: 'INCOMING' } } },
    });
    expect(threads.length).toBeGreaterThan(5);
    for (const t of threads) {
      expect(t.conversationKey).toMatch(/^\d+$/);
      const contacts = t.customer!.identities.filter((i) => i.kind === 'CHATWOOT_CONTACT');
      expect(contacts).toHaveLength(1);
      expect(contacts[0]).toMatchObject({ channelId: chatwoot.id, scope: chatwoot.id, value: expect.stringMatching(/^\d+$/) });
      for (const m of t.messages) expect((m.senderExternal as { identities: unknown[] }).identities).toContainEqual({ kind: 'CHATWOOT_CONTACT', value: contacts[0]!.value });
    }
    const contacts = await db.prisma.customerIdentity.count({ where: { kind: 'CHATWOOT_CONTACT' } });
    expect(contacts).toBe(new Set(threads.map((t) => t.customerId)).size);
  });

  it('keys threads by the provider conversation', async () => {
    const threads = await db.prisma.thread.findMany({ include: { channel: true, customer: true } });
    for (const t of threads) {
      const key = t.conversationKey;
      switch (t.channel.type) {
        case 'EMAIL_OUTLOOK':
          expect(key).toMatch(/^AAQk/);
          break;
        case 'SMS':
        case 'PHONE_CALL':
          expect(key).toBe(t.customer!.phone);
          break;
        case 'API':
          expect(key).toMatch(/^ptn_conv_/);
          break;
        case 'INTERNAL_TASK':
          expect(key).toBeNull();
          break;
        default:
          expect(key).toMatch(/^\d+$/);
      }
    }
  });

  it("serves every seeded WhatsApp and Outlook attachment from the provider sandbox, through the channels' own media adapters", async () => {
    const sb = await startProviderSandbox('http://127.0.0.1:9', {});
    try {
      const served = await registerDemoMedia(db.prisma, sb);
      // Counted independently of registerDemoMedia's SQL: every message of those channels, through Prisma.
      const rows = await db.prisma.message.findMany({
        where: { channel: { type: { in: ['WHATSAPP_BUSINESS', 'EMAIL_OUTLOOK'] } } },
        select: { attachments: true, channel: { select: { type: true } } },
      });
      const of = (type: string) =>
        rows.filter((r) => r.channel.type === type).flatMap((r) => (Array.isArray(r.attachments) ? r.attachments : []) as { providerMediaId?: string; mimeType: string }[]);
      expect(served).toEqual({ whatsapp: of('WHATSAPP_BUSINESS').length, outlook: of('EMAIL_OUTLOOK').length });
      expect(served.whatsapp).toBeGreaterThan(0);
      expect(served.outlook).toBeGreaterThan(0);
      // The hub's own adapters read them back, as the /media route does: the first of each channel, bytes and type.
      const io = { ...makeIO(sb.graph!), urls: { ...makeIO(sb.graph!).urls, whatsappGraph: sb.whatsapp!.baseUrl } };
      const wa = of('WHATSAPP_BUSINESS')[0]!;
      const waChannel = { id: 'wa', organizationId: 'org', externalId: DEMO_PROVIDERS.whatsapp.phoneNumberId, config: DEMO_PROVIDERS.whatsapp };
      const waMedia = await adapterFor('WHATSAPP_BUSINESS')!.fetchMedia!(waChannel as never, wa.providerMediaId!, io);
      expect(waMedia.mimeType).toBe(wa.mimeType);
      expect((await new Response(waMedia.body).arrayBuffer()).byteLength).toBeGreaterThan(0);
      const mail = of('EMAIL_OUTLOOK')[0]!;
      expect(mail.providerMediaId).toMatch(/^[^/]+\/[^/]+$/); // <Graph message id>/<attachment id>, as channels/outlook/media.ts reads it
      const mailMedia = await adapterFor('EMAIL_OUTLOOK')!.fetchMedia!(demoChannel() as never, mail.providerMediaId!, io);
      expect(mailMedia.mimeType).toBe(mail.mimeType);
      expect((await new Response(mailMedia.body).arrayBuffer()).byteLength).toBeGreaterThan(0);
    } finally {
      await sb.close();
    }
  });
});
