/**
 * The SLA engine end to end on the fake clock: a WhatsApp message starts the
 * clocks of the policy that matches, the ladder's durable jobs fire each step
 * once at its moment (slaAlert over graphql-ws, notifications, audit rows, the
 * ESCALATE action), a reply the provider accepted stops the first-response
 * clock and cancels what was planned, WAITING_CUSTOMER pauses, the inbox's SLA
 * filters see only running clocks, and business calendars decide due dates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/generated/prisma/client.js';
import { fireSlaStep } from '../../src/modules/sla/engine.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { startFakeWhatsAppCloud, type FakeWhatsAppCloud } from '../../src/sandbox/whatsapp.js';
import { createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, testDatabaseKind, type TestApp, type TestServer } from '../harness.js';
import { clockToken, collect, gid, trackPubSubListeners, wsClient } from '../graphql/helpers.js';

let fake: FakeWhatsAppCloud;
let app: TestApp;
let server: TestServer;
let orgId: string;
let channel: Channel;
let agent: { id: string; organizationId: string };
let lead: { id: string; organizationId: string };
let manager: { id: string; organizationId: string };
let admin: { id: string; organizationId: string };
let teamId: string;
const S = 1000;

beforeAll(async () => {
  fake = await startFakeWhatsAppCloud();
  app = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: fake.baseUrl });
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  agent = await createUser(app.deps, orgId, { name: 'Sanne Bakker' });
  lead = await createUser(app.deps, orgId, { name: 'Marco Lead', role: 'TEAM_LEAD' });
  manager = await createUser(app.deps, orgId, { name: 'Mia Manager', role: 'MANAGER' });
  admin = await createUser(app.deps, orgId, { name: 'Ada Admin', role: 'ADMIN' });
  teamId = (await app.deps.db.prisma.team.create({ data: { organizationId: orgId, name: 'Klantenservice', members: { create: [{ userId: agent.id }, { userId: lead.id }] } } })).id;
  channel = await createWhatsAppChannel(app.deps, orgId, { responseSlaHours: 2 });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await fake?.close();
});

const LADDER = [
  { atPercent: 75, action: 'REMIND', notify: ['ASSIGNEE'] },
  { atPercent: 90, action: 'ALERT', notify: ['TEAM_LEAD'] },
  { atPercent: 100, action: 'ESCALATE', notify: ['TEAM_LEAD', 'MANAGERS'] },
  { afterBreachSeconds: 5, action: 'EXECUTIVE_ALERT', notify: ['ADMINS'] },
];

/** One active policy at a time: the one a test needs. */
async function onlyPolicy(data: {
  name: string;
  firstResponseSeconds?: number;
  nextResponseSeconds?: number;
  resolutionSeconds?: number;
  calendarId?: string;
  escalation?: unknown[];
}) {
  await app.deps.db.prisma.slaPolicy.updateMany({ where: { organizationId: orgId }, data: { isActive: false } });
  return app.deps.db.prisma.slaPolicy.create({ data: { organizationId: orgId, rank: 1, escalation: LADDER, ...data } as never });
}

let seq = 0;
/** A WhatsApp message from a new customer (new thread) at the clock's now. */
async function customerWrites(from = `3161234${String(++seq).padStart(4, '0')}`, text = 'Mijn laadpaal doet het niet') {
  const r = await ingestInbound(app.deps, channel, {
    externalMessageId: `wamid.sla-${seq}-${Date.now()}-${Math.random()}`,
    customer: { name: `Klant ${seq}`, identities: [{ kind: 'WHATSAPP_ID', value: from }] } as never,
    content: text,
    attachments: [],
    occurredAt: app.clock.now(),
    conversationKey: from,
    metadata: {},
  });
  await app.deps.db.prisma.thread.update({ where: { id: r.thread.id }, data: { assigneeId: agent.id, teamId } });
  return { threadId: r.thread.id, from };
}

const events = (threadId: string) => app.deps.db.prisma.slaEvent.findMany({ where: { threadId }, orderBy: { scheduledAt: 'asc' } });
const at = async (ms: number, start: number) => {
  app.clock.set(new Date(start + ms));
  await app.deps.jobs.settle();
};

describe(`SLA engine (${testDatabaseKind})`, () => {
  it('a 20-second first-response target on a 24/7 calendar fires 75 %, 90 %, 100 % and +5 s at 15, 18, 20 and 25 s, each once, live over graphql-ws', async () => {
    await onlyPolicy({ name: 'WhatsApp 20 s', firstResponseSeconds: 20 });
    const tracker = trackPubSubListeners(app.deps);
    const client = wsClient(server.port, await clockToken(app.deps, manager));
    const live = collect(client, `subscription { slaAlert { action target percentUsed dueAt firedAt thread { id } recipients { id } } }`);
    const agentClient = wsClient(server.port, await clockToken(app.deps, agent));
    const mine = collect(agentClient, `subscription { notificationAdded { kind title thread { id } } }`);
    try {
      await tracker.waitFor(2); // both subscriptions listen before the clock moves (a fixed sleep lost events under load)
      tracker.restore();
      const start = app.clock.now().getTime();
      const { threadId } = await customerWrites();
      const thread = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } });
      expect(thread.firstResponseDueAt!.getTime()).toBe(start + 20 * S);
      expect(thread.responseDueAt!.getTime()).toBe(start + 20 * S);

      await at(14.9 * S, start);
      expect(await events(threadId)).toEqual([]);
      await at(15 * S, start);
      expect((await events(threadId)).map((e) => e.action)).toEqual(['REMIND']);
      await at(18 * S, start);
      await at(20 * S, start);
      await at(24.9 * S, start);
      expect((await events(threadId)).map((e) => e.action)).toEqual(['REMIND', 'ALERT', 'ESCALATE']);
      await at(25 * S, start);
      await at(60 * S, start);
      const fired = await events(threadId);
      expect(fired.map((e) => [e.action, e.target, e.scheduledAt.getTime() - start, e.firedAt.getTime() - start])).toEqual([
        ['REMIND', 'FIRST_RESPONSE', 15 * S, 15 * S],
        ['ALERT', 'FIRST_RESPONSE', 18 * S, 18 * S],
        ['ESCALATE', 'FIRST_RESPONSE', 20 * S, 20 * S],
        ['EXECUTIVE_ALERT', 'FIRST_RESPONSE', 25 * S, 25 * S],
      ]);
      expect(fired.map((e) => e.percentUsed)).toEqual([75, 90, 100, 125]);
      expect(fired.map((e) => e.recipientIds.sort())).toEqual([[agent.id], [lead.id], [lead.id, manager.id].sort(), [admin.id]]);

      // ESCALATE: status, priority one step up, a task for the team lead.
      const escalated = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } });
      expect(escalated).toMatchObject({ status: 'ESCALATED', priority: 'HIGH' });
      const task = await app.deps.db.prisma.task.findFirstOrThrow({ where: { threadId, type: 'ESCALATE' } });
      expect(task.assigneeId).toBe(lead.id);
      // Audit rows and notifications.
      const audit = await app.deps.db.prisma.auditLog.findMany({ where: { entityId: threadId, action: { in: ['thread.fireSlaStep', 'thread.escalate'] } } });
      expect(audit.filter((a) => a.action === 'thread.fireSlaStep')).toHaveLength(4);
      expect(audit.filter((a) => a.action === 'thread.escalate')).toHaveLength(1);
      const notes = await app.deps.db.prisma.notification.findMany({ where: { threadId, kind: 'SLA_ALERT' } });
      expect(notes.map((n) => n.userId).sort()).toEqual([agent.id, lead.id, lead.id, manager.id, admin.id].sort());

      // Live: the manager sees all four alerts; the agent gets a notification of the REMIND.
      await live.next((e) => e.data?.slaAlert?.action === 'EXECUTIVE_ALERT', 5000);
      const alerts = live.events.filter((e) => e.data?.slaAlert?.thread.id === gid('Thread', threadId)).map((e) => e.data.slaAlert);
      expect(alerts.map((a) => a.action)).toEqual(['REMIND', 'ALERT', 'ESCALATE', 'EXECUTIVE_ALERT']);
      expect(alerts[0]).toMatchObject({ target: 'FIRST_RESPONSE', percentUsed: 75, dueAt: new Date(start + 20 * S).toISOString(), recipients: [{ id: gid('User', agent.id) }] });
      const note = await mine.next((e) => e.data?.notificationAdded?.thread?.id === gid('Thread', threadId), 5000);
      expect(note.data!.notificationAdded.kind).toBe('SLA_ALERT');
      expect(mine.events.filter((e) => e.data?.notificationAdded?.thread?.id === gid('Thread', threadId))).toHaveLength(1);

      // Replaying every step (a worker that crashed after firing, or a second worker) adds nothing.
      for (const e of fired) {
        expect(await fireSlaStep(app.deps, { organizationId: orgId, threadId, target: e.target, step: e.step, dueAt: e.dueAt.toISOString() })).toBeNull();
      }
      expect(await events(threadId)).toHaveLength(4);
    } finally {
      live.unsubscribe();
      mine.unsubscribe();
      await client.dispose();
      await agentClient.dispose();
    }
  });

  it('a clock planned late (an old message) catches up with its most advanced due step and any due ESCALATE, not every reminder', async () => {
    await onlyPolicy({ name: 'Late', firstResponseSeconds: 20 });
    const now = app.clock.now().getTime();
    app.clock.set(new Date(now - 22 * S)); // the message was sent 22 s ago: REMIND (15), ALERT (18), ESCALATE (20) are due, +5 s is not
    const { threadId } = await customerWrites();
    app.clock.set(new Date(now));
    await app.deps.db.prisma.$transaction(async (tx) =>
      (await import('../../src/modules/sla/engine.js')).syncThreadSla((await import('../harness.js')).orgContext(app.deps, orgId), tx as never, threadId),
    );
    const planned = await app.deps.db.prisma.job.findMany({
      where: { queue: 'sla.step', status: 'QUEUED', payload: { path: ['threadId'], equals: threadId } },
      orderBy: { runAt: 'asc' },
    });
    expect(planned.map((j) => (j.payload as { step: number }).step)).toEqual([2, 3]);
    await app.deps.jobs.settle();
    expect((await events(threadId)).map((e) => e.action)).toEqual(['ESCALATE']);
  });

  it('two messages processed out of order: the earlier one opens the thread (subject, start of the clocks)', async () => {
    await onlyPolicy({ name: 'Order', firstResponseSeconds: 600 });
    const t = app.clock.now().getTime();
    const from = '31699990001';
    const base = { customer: { name: 'Volgorde', identities: [{ kind: 'WHATSAPP_ID', value: from }] } as never, attachments: [], conversationKey: from, metadata: {} };
    const later = await ingestInbound(app.deps, channel, { ...base, externalMessageId: `wamid.order-2-${t}`, content: 'Foto van de meterkast', occurredAt: new Date(t) });
    await ingestInbound(app.deps, channel, { ...base, externalMessageId: `wamid.order-1-${t}`, content: 'Hoi, de monteur staat voor de deur', occurredAt: new Date(t - 10 * S) });
    const thread = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: later.thread.id } });
    expect(thread.subject).toBe('Hoi, de monteur staat voor de deur');
    expect(thread.createdAt.getTime()).toBe(t - 10 * S);
    expect(thread.slaStartedAt!.getTime()).toBe(t - 10 * S);
    expect(thread.firstResponseDueAt!.getTime()).toBe(t + 590 * S);
    expect((await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: thread.lastMessageId! } })).content).toBe('Foto van de meterkast');
  });

  it('two workers firing the same step at once record it once', async () => {
    await onlyPolicy({ name: 'Race', firstResponseSeconds: 20 });
    const start = app.clock.now().getTime();
    const { threadId } = await customerWrites();
    app.clock.set(new Date(start + 16 * S));
    const payload = { organizationId: orgId, threadId, target: 'FIRST_RESPONSE' as const, step: 0, dueAt: new Date(start + 20 * S).toISOString() };
    const results = await Promise.all([fireSlaStep(app.deps, payload), fireSlaStep(app.deps, payload), fireSlaStep(app.deps, payload)]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    await app.deps.jobs.settle();
    expect((await events(threadId)).map((e) => e.action)).toEqual(['REMIND']);
  });

  it('a reply the provider accepts before 15 s stops the clock: no step fires; a later customer message starts the next-response clock', async () => {
    await onlyPolicy({ name: 'Reply in time', firstResponseSeconds: 20, nextResponseSeconds: 40 });
    const start = app.clock.now().getTime();
    const { threadId, from } = await customerWrites();
    await at(10 * S, start);
    const res = await server.gql(
      `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { deliveryStatus } errors { code } } }`,
      { i: { threadId: gid('Thread', threadId), kind: 'REPLY', content: 'We kijken ernaar!' } },
      await clockToken(app.deps, agent),
    );
    expect(res.data.postMessage.errors).toEqual([]);
    const queued = await app.deps.db.prisma.job.count({ where: { queue: 'sla.step', status: 'QUEUED', payload: { path: ['threadId'], equals: threadId } } });
    expect(queued).toBe(0);
    await at(120 * S, start);
    expect(await events(threadId)).toEqual([]);
    const answered = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } });
    expect(answered).toMatchObject({ status: 'WAITING_CUSTOMER', responseDueAt: null, slaDueAt: null });
    expect(answered.slaPausedAt).not.toBeNull();

    // The customer answers at 120 s: the next-response clock runs 40 s from there.
    await customerWrites(from, 'Het lampje knippert nog steeds');
    const again = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } });
    expect(again.status).toBe('OPEN');
    expect(again.nextResponseStartedAt!.getTime()).toBe(start + 120 * S);
    expect(again.nextResponseDueAt!.getTime()).toBe(start + 160 * S);
    expect(again.responseDueAt!.getTime()).toBe(start + 160 * S);
    await at(150 * S, start);
    expect((await events(threadId)).map((e) => [e.action, e.target])).toEqual([['REMIND', 'NEXT_RESPONSE']]);
  });

  it('WAITING_CUSTOMER pauses the resolution clock (its due date moves by the pause); the SLA filters see running clocks only', async () => {
    await onlyPolicy({ name: 'Resolution 100 s', resolutionSeconds: 100 });
    const start = app.clock.now().getTime();
    const { threadId } = await customerWrites();
    const token = await clockToken(app.deps, manager);
    const setStatus = (status: string) =>
      server.gql(`mutation($i: UpdateThreadInput!){ updateThread(input:$i){ errors { code } } }`, { i: { threadId: gid('Thread', threadId), status } }, token);
    const inFilter = async (sla: string) => {
      const r = await server.gql(
        `query($f: ThreadFilter){ threads(first: 100, filter: $f){ edges { node { id overdue sla { paused breached percentUsed resolutionDueAt } } } } }`,
        { f: { sla } },
        token,
      );
      expect(r.errors).toBeUndefined();
      return r.data.threads.edges.map((e: any) => e.node).find((n: any) => n.id === gid('Thread', threadId)) ?? null;
    };
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } })).resolutionDueAt!.getTime()).toBe(start + 100 * S);

    await at(30 * S, start);
    expect((await setStatus('WAITING_CUSTOMER')).data.updateThread.errors).toEqual([]);
    expect(await inFilter('PAUSED')).toMatchObject({ overdue: false, sla: { paused: true, percentUsed: null } });
    await at(90 * S, start); // 60 s paused
    expect(await inFilter('AT_RISK')).toBeNull();
    expect(await inFilter('BREACHED')).toBeNull();
    expect((await setStatus('IN_PROGRESS')).data.updateThread.errors).toEqual([]);
    const resumed = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } });
    expect(resumed.resolutionDueAt!.getTime()).toBe(start + 160 * S);

    await at(150 * S, start); // 90 of 100 s used
    expect(await inFilter('AT_RISK')).toMatchObject({ overdue: false, sla: { paused: false, breached: false, percentUsed: 90 } });
    expect(await inFilter('BREACHED')).toBeNull();
    await at(170 * S, start);
    expect(await inFilter('BREACHED')).toMatchObject({ overdue: true, sla: { breached: true } });
    expect(await inFilter('AT_RISK')).toBeNull();
    // Resolved: never overdue again, the ladder stops.
    expect((await setStatus('RESOLVED')).data.updateThread.errors).toEqual([]);
    expect(await inFilter('BREACHED')).toBeNull();
    const resolvedQueued = await app.deps.db.prisma.job.count({ where: { queue: 'sla.step', status: 'QUEUED', payload: { path: ['threadId'], equals: threadId } } });
    expect(resolvedQueued).toBe(0);
  });

  it('business hours 08:30–12:30 and 13:30–17:30 Mon–Fri in Amsterdam: Friday 16:30 + 4 h is Monday 11:30; on Easter Monday (NL) Tuesday 11:30', async () => {
    const calendar = await app.deps.db.prisma.businessCalendar.create({
      data: {
        organizationId: orgId,
        name: 'NL kantoor',
        timezone: 'Europe/Amsterdam',
        holidayCountry: 'NL',
        hours: [1, 2, 3, 4, 5].flatMap((weekday) => [
          { weekday, opens: '08:30', closes: '12:30' },
          { weekday, opens: '13:30', closes: '17:30' },
        ]),
      },
    });
    await onlyPolicy({ name: 'E-mail 4 h', firstResponseSeconds: 4 * 3600, resolutionSeconds: 6 * 3600, calendarId: calendar.id });
    app.clock.set(new Date('2026-03-27T16:30:00+01:00'));
    const a = await customerWrites();
    const ta = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: a.threadId } });
    expect(ta.firstResponseDueAt!.toISOString()).toBe(new Date('2026-03-30T11:30:00+02:00').toISOString());
    expect(ta.resolutionDueAt!.toISOString()).toBe(new Date('2026-03-30T14:30:00+02:00').toISOString());
    app.clock.set(new Date('2026-04-03T16:30:00+02:00'));
    const b = await customerWrites();
    const tb = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: b.threadId } });
    expect(tb.firstResponseDueAt!.toISOString()).toBe(new Date('2026-04-07T11:30:00+02:00').toISOString());
    expect(tb.resolutionDueAt!.toISOString()).toBe(new Date('2026-04-07T14:30:00+02:00').toISOString());
    // The REMIND (75 % of 4 h = 3 h of business time) is planned for Tuesday 10:30.
    const remind = await app.deps.db.prisma.job.findFirstOrThrow({
      where: { queue: 'sla.step', status: 'QUEUED', payload: { path: ['threadId'], equals: b.threadId }, singletonKey: { contains: 'FIRST_RESPONSE:0:' } },
    });
    expect(remind.runAt.toISOString()).toBe(new Date('2026-04-07T10:30:00+02:00').toISOString());
  });

  it('a priority change that matches another policy recomputes the due dates from the original start', async () => {
    await app.deps.db.prisma.slaPolicy.updateMany({ where: { organizationId: orgId }, data: { isActive: false } });
    await app.deps.db.prisma.slaPolicy.create({ data: { organizationId: orgId, name: 'Normal 1 h', rank: 10, firstResponseSeconds: 3600, escalation: LADDER } as never });
    await app.deps.db.prisma.slaPolicy.create({
      data: { organizationId: orgId, name: 'Urgent 10 min', rank: 1, firstResponseSeconds: 600, conditions: { priorities: ['URGENT', 'CRITICAL'] }, escalation: LADDER } as never,
    });
    const start = app.clock.now().getTime();
    const { threadId } = await customerWrites();
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } })).firstResponseDueAt!.getTime()).toBe(start + 3600 * S);
    await at(120 * S, start);
    const r = await server.gql(
      `mutation($i: UpdateThreadInput!){ updateThread(input:$i){ thread { sla { policy { name } firstResponseDueAt } } errors { code } } }`,
      { i: { threadId: gid('Thread', threadId), priority: 'URGENT' } },
      await clockToken(app.deps, manager),
    );
    expect(r.data.updateThread.errors).toEqual([]);
    expect(r.data.updateThread.thread.sla).toEqual({ policy: { name: 'Urgent 10 min' }, firstResponseDueAt: new Date(start + 600 * S).toISOString() });
    const planned = await app.deps.db.prisma.job.findMany({
      where: { queue: 'sla.step', status: 'QUEUED', payload: { path: ['threadId'], equals: threadId } },
      orderBy: { runAt: 'asc' },
    });
    expect(planned.map((j) => j.runAt.getTime() - start)).toEqual([450 * S, 540 * S, 600 * S, 605 * S]);
  });
});
