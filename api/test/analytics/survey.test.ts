/**
 * The satisfaction survey end to end (issue 9 §4): resolving a WhatsApp
 * thread sends one AUTO_RESPONSE through the (fake) Cloud API with a signed
 * /survey/ link; the hub's own page asks the question in the customer's
 * language and stores the rating on the thread, as a CSAT reporting event and
 * as a CSAT_RECEIVED notification for the assignee. Bad or expired links
 * (404) and bad input (400) store nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { applyDeliveryStatus } from '../../src/modules/message/message.service.js';
import { applyProviderThreadStatus } from '../../src/modules/thread/thread.service.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { issueSurveyToken, scoreMet, surveyLanguage, surveySettingsOf, verifySurveyToken } from '../../src/modules/analytics/survey.js';
import { GRAPH_ERROR_REENGAGEMENT, startFakeWhatsAppCloud, type FakeWhatsAppCloud } from '../../src/sandbox/whatsapp.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, type TestApp, type TestServer } from '../harness.js';
import { clockToken, gid } from '../graphql/helpers.js';

let fake: FakeWhatsAppCloud;
let app: TestApp;
let server: TestServer;
let orgId: string;
let agent: { id: string; organizationId: string };
let admin: { id: string; organizationId: string };
let channel: Awaited<ReturnType<typeof createChannel>>;

const DAY = 86_400_000;
const PUBLIC_URL = 'https://hub.example.test';

beforeAll(async () => {
  fake = await startFakeWhatsAppCloud();
  app = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: fake.baseUrl, PUBLIC_URL });
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  agent = await createUser(app.deps, orgId, { name: 'Sanne Bakker' });
  admin = await createUser(app.deps, orgId, { role: 'ADMIN', name: 'Beheerder' });
  channel = await createWhatsAppChannel(app.deps, orgId, { responseSlaHours: null });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await fake?.close();
});

const SETTINGS = `mutation($i: UpdateSurveySettingsInput!){ updateSurveySettings(input: $i){
  surveySettings { enabled scale delayMinutes linkTtlDays question { nl en it } }
  errors { code field message }
} }`;
async function setSettings(input: Record<string, unknown>) {
  const r = await server.gql(SETTINGS, { i: input }, await clockToken(app.deps, admin));
  expect(r.errors).toBeUndefined();
  return r.data.updateSurveySettings;
}

const UPDATE = `mutation($i: UpdateThreadInput!){ updateThread(input: $i){ thread { id status } errors { code message } } }`;
async function setStatus(threadId: string, status: string) {
  const r = await server.gql(UPDATE, { i: { threadId: gid('Thread', threadId), status } }, await clockToken(app.deps, agent));
  expect(r.errors).toBeUndefined();
  expect(r.data.updateThread.errors).toEqual([]);
  await app.deps.jobs.settle();
}

let n = 0;
/** A fresh WhatsApp customer writing now (own wa_id), assigned to the agent unless `assigned: false`. */
async function customerThread(opts: { language?: string | null; assigned?: boolean; channel?: typeof channel } = {}) {
  const waId = `3162000${String(++n).padStart(4, '0')}`;
  const { thread } = await ingestInbound(app.deps, opts.channel ?? channel, {
    externalMessageId: `wamid.survey-in-${n}-${Date.now()}`,
    customer: { name: `Klant ${n}`, identities: [{ kind: 'WHATSAPP_ID', value: waId }] },
    conversationKey: waId,
    content: 'Mijn meter doet het niet',
    occurredAt: app.clock.now(),
    attachments: [],
    metadata: {},
  });
  await app.deps.jobs.settle();
  if (opts.language !== undefined) await app.deps.db.prisma.customer.update({ where: { id: thread.customerId! }, data: { language: opts.language } });
  if (opts.assigned !== false) await app.deps.db.prisma.thread.update({ where: { id: thread.id }, data: { assigneeId: agent.id } });
  return { thread, waId };
}

const surveyMessages = (threadId: string) => app.deps.db.prisma.message.findMany({ where: { threadId, type: 'AUTO_RESPONSE' }, orderBy: { createdAt: 'asc' } });
/** Survey texts the fake Cloud API received for a wa_id. */
const sentTo = (waId: string) => fake.requests.filter((r) => (r.body as { to?: string } | null)?.to === waId).map((r) => (r.body as { text: { body: string } }).text.body);
const tokenIn = (text: string) => {
  const m = text.match(/https:\/\/hub\.example\.test\/survey\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/);
  expect(m, `a survey link in: ${text}`).toBeTruthy();
  return m![1]!;
};

/** Resolves a thread, lets the survey go out and returns its token. */
async function surveyed(opts: Parameters<typeof customerThread>[0] = {}) {
  const c = await customerThread(opts);
  await setStatus(c.thread.id, 'RESOLVED');
  const texts = sentTo(c.waId);
  expect(texts).toHaveLength(1);
  return { ...c, token: tokenIn(texts[0]!), text: texts[0]! };
}

const page = (token: string) => fetch(`${server.url}/survey/${token}`);
const post = (token: string, form: Record<string, string>) =>
  fetch(`${server.url}/survey/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

/** Everything a rating writes, for "nothing stored". */
async function ratingState(threadId: string) {
  const p = app.deps.db.prisma;
  const thread = await p.thread.findUniqueOrThrow({ where: { id: threadId }, select: { csatScore: true, csatComment: true, csatAt: true } });
  return {
    thread,
    events: await p.reportingEvent.count({ where: { threadId, kind: 'CSAT' } }),
    notifications: await p.notification.count({ where: { threadId, kind: 'CSAT_RECEIVED' } }),
    audits: await p.auditLog.count({ where: { entityId: threadId, action: 'thread.rate' } }),
  };
}
const NOTHING = { thread: { csatScore: null, csatComment: null, csatAt: null }, events: 0, notifications: 0, audits: 0 };

describe('settings', () => {
  it('are off by default; an admin changes them (audited); an agent may not; bad values are VALIDATION_FAILED', async () => {
    expect(surveySettingsOf({})).toEqual({ enabled: false, scale: 'CSAT', question: {}, delayMinutes: 0, linkTtlDays: 14 });
    const read = await server.gql(`{ organizationSurveySettings { enabled scale delayMinutes linkTtlDays } }`, {}, await clockToken(app.deps, admin));
    expect(read.data.organizationSurveySettings).toEqual({ enabled: false, scale: 'CSAT', delayMinutes: 0, linkTtlDays: 14 });
    const asAgent = await server.gql(`{ organizationSurveySettings { enabled } }`, {}, await clockToken(app.deps, agent));
    expect(asAgent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const bad = await setSettings({ delayMinutes: 1441, linkTtlDays: 0 });
    expect(bad.surveySettings).toBeNull();
    expect(bad.errors.map((e: { code: string; field: string }) => [e.code, e.field]).sort()).toEqual([
      ['VALIDATION_FAILED', 'input.delayMinutes'],
      ['VALIDATION_FAILED', 'input.linkTtlDays'],
    ]);
    const ok = await setSettings({ question: { en: 'How did Sanne do?' } });
    expect(ok).toMatchObject({ errors: [], surveySettings: { enabled: false, question: { en: 'How did Sanne do?', nl: null, it: null } } });
    const cleared = await setSettings({ question: { en: null } });
    expect(cleared.surveySettings.question).toEqual({ nl: null, en: null, it: null });
    const audits = await app.deps.db.prisma.auditLog.findMany({ where: { organizationId: orgId, action: 'organization.update' } });
    expect(audits).toHaveLength(2);
  });

  it("the language: the customer's when the hub has texts for it, else the organization locale, else English", () => {
    expect(surveyLanguage('it-IT', 'nl')).toBe('it');
    expect(surveyLanguage('de', 'nl')).toBe('nl');
    expect(surveyLanguage(null, 'fr')).toBe('en');
    expect(scoreMet('CSAT', 4)).toBe(true);
    expect(scoreMet('CSAT', 3)).toBe(false);
    expect(scoreMet('NPS', 8)).toBe(false);
    expect(scoreMet('NPS', 9)).toBe(true);
  });
});

describe('sending the survey', () => {
  it('surveys off: resolving sends nothing and plans no job', async () => {
    const { thread, waId } = await customerThread();
    await setStatus(thread.id, 'RESOLVED');
    expect(await surveyMessages(thread.id)).toEqual([]);
    expect(sentTo(waId)).toEqual([]);
    expect(await app.deps.db.prisma.job.count({ where: { queue: 'survey.send' } })).toBe(0);
  });

  it('surveys on: one AUTO_RESPONSE through the Cloud API with a /survey/ link, once even when resolved twice', async () => {
    await setSettings({ enabled: true });
    const { thread, waId } = await customerThread({ language: 'it' });
    await setStatus(thread.id, 'RESOLVED');
    const [survey, ...more] = await surveyMessages(thread.id);
    expect(more).toEqual([]);
    expect(survey).toMatchObject({ type: 'AUTO_RESPONSE', deliveryStatus: 'SENT', senderUserId: null, recipient: { address: waId } });
    expect(survey!.externalMessageId).toBe(fake.sentIds.at(-1));
    const texts = sentTo(waId);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toBe(survey!.content);
    expect(texts[0]).toContain("Quanto è soddisfatto dell'assistenza ricevuta?");
    const token = tokenIn(texts[0]!);
    expect(await verifySurveyToken(app.deps, token)).toEqual({ organizationId: orgId, threadId: thread.id, scale: 'CSAT' });
    expect(await app.deps.db.prisma.auditLog.count({ where: { entityId: thread.id, action: 'thread.sendSurvey' } })).toBe(1);
    expect(await app.deps.db.prisma.messageDelivery.findMany({ where: { messageId: survey!.id }, select: { status: true } })).toEqual([{ status: 'SUCCEEDED' }]);

    // A bot message: no agent reply in reporting, no first response on the thread.
    expect(await app.deps.db.prisma.reportingEvent.count({ where: { threadId: thread.id, kind: { in: ['REPLY', 'FIRST_RESPONSE', 'NEXT_RESPONSE'] } } })).toBe(0);
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id } })).firstResponseAt).toBeNull();

    // Reopened and resolved again: still one survey.
    await setStatus(thread.id, 'OPEN');
    await setStatus(thread.id, 'RESOLVED');
    expect(await surveyMessages(thread.id)).toHaveLength(1);
    expect(sentTo(waId)).toHaveLength(1);
  });

  it("a bot message: the thread's first response, SLA and status stay as they were, after the send and after receipts", async () => {
    const slaChannel = await createWhatsAppChannel(app.deps, orgId, { externalId: `survey-sla-${orgId}`, responseSlaHours: 2 });
    const p = app.deps.db.prisma;
    const responseState = (id: string) =>
      p.thread.findUniqueOrThrow({
        where: { id },
        select: {
          status: true,
          firstResponseAt: true,
          responseDueAt: true,
          firstResponseDueAt: true,
          nextResponseStartedAt: true,
          nextResponseDueAt: true,
          resolutionDueAt: true,
          slaDueAt: true,
          slaAtRiskAt: true,
          slaPausedAt: true,
          reportState: true,
        },
      });
    await setSettings({ delayMinutes: 5 });
    try {
      const { thread, waId } = await customerThread({ channel: slaChannel });
      expect((await responseState(thread.id)).responseDueAt).not.toBeNull(); // the channel's response target runs
      await setStatus(thread.id, 'RESOLVED');
      const before = await responseState(thread.id);
      expect(before).toMatchObject({ status: 'RESOLVED', firstResponseAt: null });
      const events = await p.reportingEvent.count({ where: { threadId: thread.id } });

      app.clock.advance(5 * 60_000);
      await app.deps.jobs.settle();
      const [survey] = await surveyMessages(thread.id);
      expect(survey).toMatchObject({ deliveryStatus: 'SENT' });
      expect(sentTo(waId)).toHaveLength(1);
      expect(await responseState(thread.id)).toEqual(before);

      // A receipt moving the bot message past PENDING (as when it races ahead of the send response), then DELIVERED.
      await p.message.update({ where: { id: survey!.id }, data: { deliveryStatus: 'PENDING' } });
      expect(await applyDeliveryStatus(app.deps, slaChannel, { externalMessageId: survey!.externalMessageId!, status: 'SENT', occurredAt: app.clock.now() })).toEqual({
        updated: true,
        messageId: survey!.id,
      });
      expect(await applyDeliveryStatus(app.deps, slaChannel, { externalMessageId: survey!.externalMessageId!, status: 'DELIVERED', occurredAt: app.clock.now() })).toEqual({
        updated: true,
        messageId: survey!.id,
      });
      expect((await p.message.findUniqueOrThrow({ where: { id: survey!.id } })).deliveryStatus).toBe('DELIVERED');
      expect(await responseState(thread.id)).toEqual(before);
      expect(await p.reportingEvent.count({ where: { threadId: thread.id } })).toBe(events);
      expect(await p.auditLog.count({ where: { entityId: thread.id, action: 'thread.update', changes: { path: ['after', 'messageId'], equals: survey!.id } } })).toBe(0);
    } finally {
      await setSettings({ delayMinutes: 0 });
    }
  });

  it('through the outbox: a provider outage is retried with backoff; a refusal leaves the survey FAILED (message.fail), never sent again', async () => {
    const outage = await customerThread();
    fake.failNext({ httpStatus: 503, code: 2, message: 'Service temporarily unavailable' });
    await setStatus(outage.thread.id, 'RESOLVED');
    const [pending] = await surveyMessages(outage.thread.id);
    expect(pending).toMatchObject({ deliveryStatus: 'PENDING', externalMessageId: null });
    const job = await app.deps.db.prisma.job.findFirstOrThrow({ where: { queue: 'outbox.deliver', singletonKey: `outbox:${pending!.id}` } });
    expect(job.status).toBe('QUEUED');
    app.clock.advance(60_000);
    await app.deps.jobs.settle();
    const sent = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: pending!.id }, include: { deliveries: { orderBy: { attempt: 'asc' } } } });
    expect(sent.deliveryStatus).toBe('SENT');
    expect(sent.deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 'FAILED'],
      [2, 'SUCCEEDED'],
    ]);
    expect(sentTo(outage.waId)).toEqual([sent.content, sent.content]); // the refused request and the accepted one

    const refused = await customerThread();
    fake.failNext(GRAPH_ERROR_REENGAGEMENT);
    await setStatus(refused.thread.id, 'RESOLVED');
    const [failed] = await surveyMessages(refused.thread.id);
    expect(failed).toMatchObject({ deliveryStatus: 'FAILED', metadata: { kind: 'survey', error: { code: 'WHATSAPP_WINDOW_CLOSED' } } });
    expect(await app.deps.db.prisma.auditLog.count({ where: { entityId: failed!.id, action: 'message.fail' } })).toBe(1);
    expect(await app.deps.db.prisma.job.count({ where: { queue: 'outbox.deliver', status: 'QUEUED', payload: { path: ['messageId'], equals: failed!.id } } })).toBe(0);
    await setStatus(refused.thread.id, 'OPEN');
    await setStatus(refused.thread.id, 'RESOLVED');
    expect(await surveyMessages(refused.thread.id)).toHaveLength(1);
  });

  it('a provider resolving the conversation (applyProviderThreadStatus) sends the survey too', async () => {
    const { thread, waId } = await customerThread();
    expect(await applyProviderThreadStatus(app.deps, channel, waId, 'RESOLVED')).toEqual({ updated: true });
    await app.deps.jobs.settle();
    expect(await surveyMessages(thread.id)).toHaveLength(1);
    expect(sentTo(waId)).toHaveLength(1);
  });

  it('delayMinutes: the survey waits; a thread reopened meanwhile gets none', async () => {
    await setSettings({ delayMinutes: 30 });
    try {
      const a = await customerThread();
      const b = await customerThread();
      await setStatus(a.thread.id, 'RESOLVED');
      await setStatus(b.thread.id, 'RESOLVED');
      expect(sentTo(a.waId)).toEqual([]);
      await setStatus(b.thread.id, 'IN_PROGRESS');
      app.clock.advance(30 * 60_000);
      await app.deps.jobs.settle();
      expect(sentTo(a.waId)).toHaveLength(1);
      expect(sentTo(b.waId)).toEqual([]);
      expect(await surveyMessages(b.thread.id)).toEqual([]);
    } finally {
      await setSettings({ delayMinutes: 0 });
    }
  });

  it('CLOSED without being resolved and channels that cannot send plan nothing', async () => {
    const closed = await customerThread();
    await setStatus(closed.thread.id, 'CLOSED');
    expect(sentTo(closed.waId)).toEqual([]);

    const phone = await createChannel(app.deps, orgId, { type: 'PHONE_CALL' });
    const customer = await app.deps.db.prisma.customer.create({ data: { organizationId: orgId, name: 'Beller', phone: '+31612340000' } });
    const call = await app.deps.db.prisma.thread.create({
      data: { organizationId: orgId, channelId: phone.id, customerId: customer.id, subject: 'Telefoon', conversationKey: '+31612340000', lastMessageAt: app.clock.now() },
    });
    const jobs = await app.deps.db.prisma.job.count({ where: { queue: 'survey.send' } });
    await setStatus(call.id, 'RESOLVED');
    expect(await app.deps.db.prisma.job.count({ where: { queue: 'survey.send' } })).toBe(jobs);
    expect(await surveyMessages(call.id)).toEqual([]);
  });
});

describe('the survey page', () => {
  it("GET: 200 HTML with the question in the customer's language, the scale 1–5 and no script", async () => {
    const { token } = await surveyed({ language: 'it' });
    const res = await page(token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<html lang="it">');
    expect(html).toContain('Quanto è soddisfatto dell&#39;assistenza ricevuta?');
    expect(html).toContain('<form method="post">');
    for (let s = 1; s <= 5; s++) expect(html).toContain(`name="score" value="${s}"`);
    expect(html).not.toContain('value="0"');
    expect(html).not.toContain('value="6"');
    expect(html).not.toMatch(/<script/i);
  });

  it('Dutch customer, and an admin override of the question is used', async () => {
    await setSettings({ question: { nl: 'Was <Sanne> vriendelijk?' } });
    try {
      const { token, text } = await surveyed({ language: 'nl' });
      expect(text).toContain('Was <Sanne> vriendelijk?');
      const html = await (await page(token)).text();
      expect(html).toContain('<html lang="nl">');
      expect(html).toContain('Was &lt;Sanne&gt; vriendelijk?');
    } finally {
      await setSettings({ question: { nl: null } });
    }
  });

  it('POST score 5 with a comment: stored on the thread, a CSAT event, a notification for the assignee, an audit row', async () => {
    const { thread, token } = await surveyed({ language: 'en' });
    expect(await ratingState(thread.id)).toEqual(NOTHING);
    const res = await post(token, { score: '5', comment: '  Sanne was great, thanks!  ' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Thank you for your rating!');

    const p = app.deps.db.prisma;
    const row = await p.thread.findUniqueOrThrow({ where: { id: thread.id } });
    expect(row).toMatchObject({ csatScore: 5, csatComment: 'Sanne was great, thanks!' });
    expect(row.csatAt?.toISOString()).toBe(app.clock.now().toISOString());
    const events = await p.reportingEvent.findMany({ where: { threadId: thread.id, kind: 'CSAT' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ dedupeKey: 'csat', value: 5, met: true, agentId: agent.id, channelType: 'WHATSAPP_BUSINESS' });
    const notes = await p.notification.findMany({ where: { threadId: thread.id, kind: 'CSAT_RECEIVED' } });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ userId: agent.id, body: 'Sanne was great, thanks!', data: { score: 5, scale: 'CSAT', max: 5, previousScore: null } });
    expect(notes[0]!.title).toContain('5/5');
    const audit = await p.auditLog.findFirstOrThrow({ where: { entityId: thread.id, action: 'thread.rate' } });
    expect(audit).toMatchObject({ actorType: 'WEBHOOK', changes: { before: { csatScore: null, hasComment: false }, after: { csatScore: 5, hasComment: true, scale: 'CSAT' } } });
    expect(JSON.stringify(audit.changes)).not.toContain('Sanne was great');

    const q = await server.gql(
      `query($id: ID!){ node(id: $id) { ... on Thread { csat { score comment ratedAt } } } }`,
      { id: gid('Thread', thread.id) },
      await clockToken(app.deps, agent),
    );
    expect(q.data.node.csat).toEqual({ score: 5, comment: 'Sanne was great, thanks!', ratedAt: app.clock.now().toISOString() });

    // The page shows the answer given.
    const again = await (await page(token)).text();
    expect(again).toContain('name="score" value="5" required checked');
    expect(again).toContain('You have rated us already.');
  });

  it('a second answer replaces the first; reporting counts one rating (event and rollup); the same answer again changes nothing', async () => {
    const { thread, token } = await surveyed();
    expect((await post(token, { score: '5' })).status).toBe(200);
    app.clock.advance(60_000);
    expect((await post(token, { score: '2', comment: 'Toch niet opgelost' })).status).toBe(200);
    const p = app.deps.db.prisma;
    expect(await p.thread.findUniqueOrThrow({ where: { id: thread.id }, select: { csatScore: true, csatComment: true } })).toEqual({
      csatScore: 2,
      csatComment: 'Toch niet opgelost',
    });
    const events = await p.reportingEvent.findMany({ where: { threadId: thread.id, kind: 'CSAT' } });
    expect(events.map((e) => [e.value, e.met])).toEqual([[2, false]]);
    const rollup = await p.reportingRollup.aggregate({ where: { organizationId: orgId, kind: 'CSAT', agentId: agent.id }, _sum: { count: true, value: true, met: true } });
    const all = await p.reportingEvent.aggregate({ where: { organizationId: orgId, kind: 'CSAT', agentId: agent.id }, _count: true, _sum: { value: true } });
    expect(rollup._sum.count).toBe(all._count);
    expect(rollup._sum.value).toBe(all._sum.value);
    expect(await p.notification.count({ where: { threadId: thread.id, kind: 'CSAT_RECEIVED' } })).toBe(2);

    const before = await ratingState(thread.id);
    expect((await post(token, { score: '2', comment: 'Toch niet opgelost' })).status).toBe(200);
    expect(await ratingState(thread.id)).toEqual(before);
  });

  it('an unassigned thread: the rating is stored, nobody is notified', async () => {
    const { thread, token } = await surveyed({ assigned: false });
    expect((await post(token, { score: '4' })).status).toBe(200);
    expect(await ratingState(thread.id)).toMatchObject({ thread: { csatScore: 4 }, events: 1, notifications: 0, audits: 1 });
  });

  it('bad input: 400 with the form again, nothing stored', async () => {
    const { thread, token } = await surveyed({ language: 'en' });
    for (const form of [{ score: '6' }, { score: '0' }, { score: 'abc' }, { score: '-1' }, { score: '4.5' }, {}, { score: '3', comment: 'x'.repeat(2001) }]) {
      const res = await post(token, form as Record<string, string>);
      expect(res.status, JSON.stringify(form).slice(0, 40)).toBe(400);
      const html = await res.text();
      expect(html).toContain('<form method="post">');
      expect(html).toContain('role="alert"');
    }
    const tooLong = await post(token, { score: '3', comment: 'x'.repeat(9000) });
    expect(tooLong.status).toBe(413);
    expect(await ratingState(thread.id)).toEqual(NOTHING);
    // 2000 characters is fine.
    expect((await post(token, { score: '3', comment: 'x'.repeat(2000) })).status).toBe(200);
  });

  it('a bad signature, a token for another audience or another organization: 404, nothing stored', async () => {
    const { thread, token } = await surveyed();
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
    const iat = Math.floor(app.clock.now().getTime() / 1000);
    const foreignKey = await new SignJWT({ org: orgId, thread: thread.id, scale: 'CSAT' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('survey')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(new TextEncoder().encode(app.deps.config.appSecretKey));
    const session = await clockToken(app.deps, agent);
    const otherOrg = await createOrganization(app.deps);
    const wrongOrg = await issueSurveyToken(app.deps, { organizationId: otherOrg.id, threadId: thread.id, scale: 'CSAT' }, app.clock.now(), 14);
    for (const bad of [flipped, foreignKey, session, wrongOrg, 'not-a-token']) {
      const g = await page(bad);
      expect(g.status).toBe(404);
      expect(await g.text()).toContain('This link is invalid or has expired.');
      expect((await post(bad, { score: '5' })).status).toBe(404);
    }
    expect(await ratingState(thread.id)).toEqual(NOTHING);
    expect((await fetch(`${server.url}/survey/`)).status).toBe(404);
  });

  it('an expired link (linkTtlDays on the hub clock): 404, nothing stored', async () => {
    await setSettings({ linkTtlDays: 2 });
    try {
      const { thread, token } = await surveyed();
      app.clock.advance(2 * DAY - 60_000);
      expect((await page(token)).status).toBe(200);
      app.clock.advance(2 * 60_000);
      expect((await page(token)).status).toBe(404);
      expect((await post(token, { score: '5' })).status).toBe(404);
      expect(await ratingState(thread.id)).toEqual(NOTHING);
    } finally {
      await setSettings({ linkTtlDays: 14 });
    }
  });

  it('a deleted thread: 404', async () => {
    const { thread, token } = await surveyed();
    await app.deps.db.prisma.thread.update({ where: { id: thread.id }, data: { deletedAt: app.clock.now() } });
    expect((await page(token)).status).toBe(404);
    expect((await post(token, { score: '5' })).status).toBe(404);
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id } })).csatScore).toBeNull();
  });
});

describe('NPS', () => {
  beforeEach(async () => {
    await setSettings({ scale: 'NPS' });
  });
  afterAll(async () => {
    await setSettings({ scale: 'CSAT' });
  });

  it('asks 0–10 "how likely to recommend"; 9 is a promoter (met), 10 valid, 11 refused', async () => {
    const { thread, token, text } = await surveyed({ language: 'en' });
    expect(text).toContain('How likely are you to recommend us to a friend or colleague?');
    const html = await (await page(token)).text();
    for (let s = 0; s <= 10; s++) expect(html).toContain(`name="score" value="${s}"`);
    expect((await post(token, { score: '11' })).status).toBe(400);
    expect(await ratingState(thread.id)).toEqual(NOTHING);
    expect((await post(token, { score: '0' })).status).toBe(200);
    expect((await post(token, { score: '9' })).status).toBe(200);
    const events = await app.deps.db.prisma.reportingEvent.findMany({ where: { threadId: thread.id, kind: 'CSAT' } });
    expect(events.map((e) => [e.value, e.met])).toEqual([[9, true]]);
    // A link sent under NPS keeps its scale after the organization goes back to CSAT.
    await setSettings({ scale: 'CSAT' });
    expect((await post(token, { score: '10' })).status).toBe(200);
  });
});
