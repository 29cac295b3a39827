/**
 * The metric definitions of docs/analytics.md on a scenario built by hand:
 * three WhatsApp threads on a business calendar (Mon–Fri 09:00–17:00
 * Europe/Amsterdam), replies the fake WhatsApp Cloud API accepts, a weekend
 * wait, an SLA breach, a reopen within 7 days, a manual escalation, a team
 * change and two tasks. Every number is derived by hand in the comments and
 * asserted through the GraphQL API (summary, series, breakdown, drill-down,
 * CSV export); the backfill must rebuild the same figures from history.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/generated/prisma/client.js';
import { analyticsQuery, drillMatches, type DrillBucket } from '../../src/modules/analytics/analytics.service.js';
import { backfillReporting } from '../../src/modules/analytics/backfill.js';
import { streamThreadsCsv } from '../../src/modules/analytics/export.js';
import type { AnalyticsMetric } from '../../src/modules/analytics/metrics.js';
import { postMessage } from '../../src/modules/message/message.service.js';
import { completeTask, createTask } from '../../src/modules/task/task.service.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { assignThread, updateThread } from '../../src/modules/thread/thread.service.js';
import { viewerContext } from '../../src/shared/context.js';
import { startFakeWhatsAppCloud, type FakeWhatsAppCloud } from '../../src/sandbox/whatsapp.js';
import { createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, orgContext, testDatabaseKind, type TestApp, type TestServer } from '../harness.js';
import { clockToken, gid } from '../graphql/helpers.js';

let fake: FakeWhatsAppCloud;
let app: TestApp;
let server: TestServer;
let orgId: string;
let channel: Channel;
let agent: { id: string; organizationId: string; role: string; name: string; email: string };
let manager: { id: string; organizationId: string };
let teamX: string;
let teamY: string;
let templateId: string;
const threads: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };

/** Amsterdam is UTC+1 in November 2026: local "2026-11-02 10:00" is 09:00Z. */
const local = (s: string) => new Date(`${s.replace(' ', 'T')}:00+01:00`);

async function at(when: string) {
  app.clock.set(local(when));
  await app.deps.jobs.settle();
}
const agentCtx = () => viewerContext(app.deps, { kind: 'USER', id: agent.id, organizationId: orgId, role: 'AGENT', name: agent.name, email: agent.email });

let seq = 0;
async function customerWrites(from: string, when: string) {
  await at(when);
  const r = await ingestInbound(app.deps, channel, {
    externalMessageId: `wamid.analytics-${++seq}`,
    customer: { name: `Klant ${from}`, identities: [{ kind: 'WHATSAPP_ID', value: from }] } as never,
    content: 'Mijn laadpaal doet het niet',
    attachments: [],
    occurredAt: app.clock.now(),
    conversationKey: from,
    metadata: {},
  });
  await app.deps.jobs.settle();
  return r.thread.id;
}
async function agentReplies(threadId: string, when: string, fromTemplate = false) {
  await at(when);
  const r = await postMessage(agentCtx(), { threadId, kind: 'REPLY', content: 'We kijken ernaar.', ...(fromTemplate ? { templateId } : {}) });
  expect(r.message.type).toBe('OUTGOING');
  await app.deps.jobs.settle();
  const m = await app.deps.db.prisma.message.findFirstOrThrow({ where: { threadId, type: 'OUTGOING' }, orderBy: { createdAt: 'desc' } });
  expect(m.deliveryStatus).not.toBe('PENDING');
}
async function setStatus(threadId: string, status: 'RESOLVED' | 'OPEN' | 'ESCALATED', when: string) {
  await at(when);
  await updateThread(agentCtx(), threadId, { status });
  await app.deps.jobs.settle();
}

beforeAll(async () => {
  fake = await startFakeWhatsAppCloud();
  app = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: fake.baseUrl });
  server = await createTestServer(app.deps);
  orgId = (await createOrganization(app.deps)).id;
  agent = (await createUser(app.deps, orgId, { name: 'Sanne Bakker' })) as never;
  manager = await createUser(app.deps, orgId, { name: 'Mia Manager', role: 'MANAGER' });
  teamX = (await app.deps.db.prisma.team.create({ data: { organizationId: orgId, name: 'Klantenservice', members: { create: [{ userId: agent.id }] } } })).id;
  teamY = (await app.deps.db.prisma.team.create({ data: { organizationId: orgId, name: 'Installaties' } })).id;
  channel = await createWhatsAppChannel(app.deps, orgId);
  templateId = (await app.deps.db.prisma.template.create({ data: { organizationId: orgId, name: 'Ontvangst', category: 'CUSTOMER_SERVICE', bodyTemplate: 'We kijken ernaar.' } }))
    .id;
  const calendar = await app.deps.db.prisma.businessCalendar.create({
    data: { organizationId: orgId, name: 'NL kantoor', timezone: 'Europe/Amsterdam', hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })) },
  });
  await app.deps.db.prisma.slaPolicy.create({
    data: {
      organizationId: orgId,
      name: 'WhatsApp',
      rank: 1,
      calendarId: calendar.id,
      firstResponseSeconds: 3600,
      nextResponseSeconds: 3600,
      resolutionSeconds: 8 * 3600,
      escalation: [{ atPercent: 75, action: 'REMIND', notify: ['ASSIGNEE'] }],
    } as never,
  });

  // Thread A, Monday 2 November: first response 30 min (template), a next response 2 h late by 1 h, resolved after 4 h.
  threads.A = await customerWrites('31600000001', '2026-11-02 10:00');
  await assignThread(agentCtx(), threads.A, { assigneeId: agent.id, teamId: teamX });
  await agentReplies(threads.A, '2026-11-02 10:30', true);
  await customerWrites('31600000001', '2026-11-02 11:00');
  await at('2026-11-02 12:30'); // the next-response target (due 12:00) is breached
  await agentReplies(threads.A, '2026-11-02 13:00');
  await setStatus(threads.A, 'RESOLVED', '2026-11-02 14:00');

  // Thread B, Thursday 16:30 → Friday 09:30: 17 h wall clock, 1 h business time; resolved, reopened on Tuesday (within 7 days),
  // moved to team Y, answered in 15 min and resolved again.
  threads.B = await customerWrites('31600000002', '2026-11-05 16:30');
  await assignThread(agentCtx(), threads.B, { assigneeId: agent.id, teamId: teamX });
  await agentReplies(threads.B, '2026-11-06 09:30', true);
  await setStatus(threads.B, 'RESOLVED', '2026-11-06 09:40');
  await setStatus(threads.B, 'OPEN', '2026-11-10 10:00');
  await assignThread(agentCtx(), threads.B, { teamId: teamY });
  await customerWrites('31600000002', '2026-11-10 10:05');
  await agentReplies(threads.B, '2026-11-10 10:20');
  await setStatus(threads.B, 'RESOLVED', '2026-11-10 10:30');

  // Thread C, Tuesday: escalated by hand, one reply from a template after 10 min, resolved: a first contact resolution.
  threads.C = await customerWrites('31600000003', '2026-11-10 11:00');
  await assignThread(agentCtx(), threads.C, { assigneeId: agent.id, teamId: teamX });
  await setStatus(threads.C, 'ESCALATED', '2026-11-10 11:05');
  await agentReplies(threads.C, '2026-11-10 11:10', true);
  await setStatus(threads.C, 'RESOLVED', '2026-11-10 11:20');

  // Tasks: one completed before its due date, one after.
  await at('2026-11-10 12:00');
  const t1 = await createTask(agentCtx(), { title: 'Bel terug', dueAt: local('2026-11-10 15:00'), assigneeId: agent.id } as never);
  const t2 = await createTask(agentCtx(), { title: 'Stuur offerte', dueAt: local('2026-11-10 13:00'), assigneeId: agent.id } as never);
  await at('2026-11-10 14:00');
  await completeTask(agentCtx(), t1.task.id);
  await completeTask(agentCtx(), t2.task.id);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await app?.close();
  await fake?.close();
});

const RANGE = { from: '2026-11-02T00:00:00.000Z', to: '2026-11-11T00:00:00.000Z' };

async function summaryOf(token: string) {
  const res = await server.gql(
    `query($r: AnalyticsRangeInput!) { analytics(range: $r, timezone: "Europe/Amsterdam") { scope summary { metric value businessValue count status target } } }`,
    { r: RANGE },
    token,
  );
  expect(res.errors).toBeUndefined();
  return Object.fromEntries(res.data.analytics.summary.map((v: { metric: string }) => [v.metric, v])) as Record<
    string,
    { value: number | null; businessValue: number | null; count: number; status: string; target: number | null }
  >;
}

/** The figures derived by hand from the scenario. */
const EXPECTED: Record<string, { value: number | null; count: number; businessValue?: number }> = {
  CONVERSATIONS: { value: 3, count: 3 },
  CUSTOMER_MESSAGES: { value: 5, count: 5 }, // A 2, B 2, C 1
  REPLIES: { value: 5, count: 5 }, // A 2, B 2, C 1
  TEMPLATE_USAGE: { value: 60, count: 5 }, // A1, B1, C1 from a template
  // A 30 min; B 17 h wall / 1 h business; B after the reopen 15 min; C 10 min
  FIRST_RESPONSE_TIME: { value: (1800 + 61_200 + 900 + 600) / 4, count: 4, businessValue: (1800 + 3600 + 900 + 600) / 4 },
  REPLY_TIME: { value: 7200, count: 1, businessValue: 7200 }, // A: 11:00 → 13:00
  // A 4 h; B from Thursday 16:30 to Tuesday 10:30 (its first resolution was undone by the reopen); C 20 min
  RESOLUTIONS: { value: 3, count: 3 },
  RESOLUTION_TIME: { value: (14_400 + 410_400 + 1200) / 3, count: 3, businessValue: (14_400 + (1800 + 2 * 8 * 3600 + 5400) + 1200) / 3 },
  FIRST_CONTACT_RESOLUTION: { value: 100 / 3, count: 3 }, // only C: A had 2 replies, B was reopened within 7 days
  MESSAGES_PER_RESOLUTION: { value: (4 + 4 + 2) / 3, count: 3 },
  ASSIGNMENT_ACCURACY: { value: 200 / 3, count: 3 }, // B ended in team Y, first routed to X
  REOPENS: { value: 1, count: 1 },
  ESCALATIONS: { value: 1, count: 1 },
  ESCALATION_RATE: { value: 100 / 3, count: 3 },
  // Targets: A first met, next breached, resolution met; B first met (exactly at due), next met, resolution met; C first, resolution met
  SLA_COMPLIANCE: { value: 700 / 8, count: 8 },
  SLA_FIRST_RESPONSE_COMPLIANCE: { value: 100, count: 3 },
  SLA_NEXT_RESPONSE_COMPLIANCE: { value: 50, count: 2 },
  SLA_RESOLUTION_COMPLIANCE: { value: 100, count: 3 },
  TASK_COMPLETION_ON_TIME: { value: 50, count: 2 },
  BACKLOG: { value: 0, count: 0 },
  CSAT: { value: null, count: 0 },
};

function expectFigures(got: Awaited<ReturnType<typeof summaryOf>>, skip: string[] = []) {
  for (const [metric, want] of Object.entries(EXPECTED)) {
    if (skip.includes(metric)) continue;
    const v = got[metric]!;
    expect({ metric, count: v.count }).toEqual({ metric, count: want.count });
    if (want.value == null) expect({ metric, value: v.value }).toEqual({ metric, value: null });
    else expect({ metric, value: v.value! }).toEqual({ metric, value: expect.closeTo(want.value, 6) });
    if (want.businessValue != null) expect({ metric, business: v.businessValue! }).toEqual({ metric, business: expect.closeTo(want.businessValue, 6) });
  }
}

describe(`analytics metric definitions (${testDatabaseKind})`, () => {
  it('every metric of the scenario has the value derived by hand, with seed 001 targets and statuses', async () => {
    const got = await summaryOf(await clockToken(app.deps, manager));
    expectFigures(got);
    expect(got.SLA_COMPLIANCE).toMatchObject({ target: 95, status: 'BAD' });
    expect(got.TEMPLATE_USAGE).toMatchObject({ target: 60, status: 'GOOD' });
    expect(got.TASK_COMPLETION_ON_TIME).toMatchObject({ target: 95, status: 'BAD' });
  });

  it('series per day in Amsterdam time and breakdowns add up to the summary', async () => {
    const token = await clockToken(app.deps, manager);
    const res = await server.gql(
      `query($r: AnalyticsRangeInput!) { analytics(range: $r, timezone: "Europe/Amsterdam") {
        s: series(metric: CUSTOMER_MESSAGES, interval: DAY) { start end value count }
        b: series(metric: BACKLOG, interval: DAY) { start value }
        ch: breakdown(metric: FIRST_RESPONSE_TIME, by: CHANNEL) { key value businessValue count target status }
        tm: breakdown(metric: RESOLUTIONS, by: TEAM) { key label count team { name } }
      } }`,
      { r: RANGE },
      token,
    );
    expect(res.errors).toBeUndefined();
    const a = res.data.analytics;
    // Local days 2–10 November plus the first hour of the 11th (the range ends at 00:00Z = 01:00 local).
    expect(a.s).toHaveLength(10);
    expect(a.s[0].start).toBe('2026-11-01T23:00:00.000Z');
    const perDay = Object.fromEntries(a.s.filter((p: { count: number }) => p.count).map((p: { start: string; count: number }) => [p.start.slice(0, 10), p.count]));
    expect(perDay).toEqual({ '2026-11-01': 2, '2026-11-04': 1, '2026-11-09': 2 }); // Mon 2 (A ×2), Thu 5 (B), Tue 10 (B, C)
    // Backlog at the end of each local day: A resolved on Monday; B open from Thursday to Tuesday (its Friday resolution was undone).
    expect(a.b.map((p: { value: number }) => p.value)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 0, 0]);
    expect(a.ch).toEqual([{ key: 'WHATSAPP_BUSINESS', value: expect.any(Number), businessValue: 1725, count: 4, target: 3600, status: 'GOOD' }]);
    expect(a.tm.map((i: { label: string; count: number }) => [i.label, i.count]).sort()).toEqual([
      ['Installaties', 1],
      ['Klantenservice', 2],
    ]);
  });

  it('drill-down lists exactly the threads behind a number', async () => {
    const token = await clockToken(app.deps, manager);
    const q = `query($r: AnalyticsRangeInput!, $m: AnalyticsMetric!, $b: AnalyticsBucketInput) { analytics(range: $r) { threads(metric: $m, bucket: $b, first: 10) { totalCount edges { node { id } } } } }`;
    const ids = async (m: string, b?: unknown) => {
      const res = await server.gql(q, { r: RANGE, m, b }, token);
      expect(res.errors).toBeUndefined();
      const c = res.data.analytics.threads;
      expect(c.totalCount).toBe(c.edges.length);
      return c.edges.map((e: { node: { id: string } }) => e.node.id).sort();
    };
    const g = (k: 'A' | 'B' | 'C') => gid('Thread', threads[k]);
    expect(await ids('CONVERSATIONS')).toEqual([g('A'), g('B'), g('C')].sort());
    expect(await ids('SLA_NEXT_RESPONSE_COMPLIANCE', { met: false })).toEqual([g('A')]);
    expect(await ids('FIRST_CONTACT_RESOLUTION', { met: true })).toEqual([g('C')]);
    expect(await ids('ASSIGNMENT_ACCURACY', { met: false })).toEqual([g('B')]);
    expect(await ids('RESOLUTIONS', { dimension: 'TEAM', key: gid('Team', teamY) })).toEqual([g('B')]);
    expect(await ids('CUSTOMER_MESSAGES', { from: '2026-11-05T00:00:00.000Z', to: '2026-11-06T00:00:00.000Z' })).toEqual([g('B')]);
    // Both ways of finding the threads (their ids from the events, or EXISTS over the events when there are many) agree.
    const ctx = orgContext(app.deps, orgId);
    const aq = await analyticsQuery(ctx, { from: new Date(RANGE.from), to: new Date(RANGE.to) }, {}, null);
    const cases: [AnalyticsMetric, DrillBucket | null][] = [
      ['CONVERSATIONS', null],
      ['SLA_NEXT_RESPONSE_COMPLIANCE', { met: false }],
      ['ASSIGNMENT_ACCURACY', { met: false }],
      ['RESOLUTIONS', { dimension: 'TEAM', key: teamY }],
      ['CUSTOMER_MESSAGES', { from: new Date('2026-11-05T00:00:00Z'), to: new Date('2026-11-06T00:00:00Z') }],
    ];
    for (const [metric, bucket] of cases) {
      const byIds = await drillMatches(ctx, aq, metric, bucket);
      const byEvents = await drillMatches(ctx, aq, metric, bucket, 0);
      expect(byIds.where).toHaveProperty('id');
      expect(byEvents.where).toHaveProperty('reportingEvents');
      expect(byEvents.count).toBe(byIds.count);
      const list = async (where: object) => (await ctx.db.thread.findMany({ where, select: { id: true }, orderBy: { id: 'asc' } })).map((t) => t.id);
      expect({ metric, ids: await list(byEvents.where) }).toEqual({ metric, ids: await list(byIds.where) });
      expect((await list(byIds.where)).length).toBe(byIds.count);
    }
  });

  it('an agent sees their own numbers only (scope SELF); bad input is a typed error', async () => {
    const other = await createUser(app.deps, orgId, { name: 'Luca Rossi' });
    const mine = await server.gql(
      `query($r: AnalyticsRangeInput!) { analytics(range: $r) { scope metric(metric: REPLIES) { value } } }`,
      { r: RANGE },
      await clockToken(app.deps, agent),
    );
    expect(mine.data.analytics).toEqual({ scope: 'SELF', metric: { value: 5 } });
    const theirs = await server.gql(
      `query($r: AnalyticsRangeInput!) { analytics(range: $r) { scope metric(metric: REPLIES) { value } } }`,
      { r: RANGE },
      await clockToken(app.deps, other),
    );
    expect(theirs.data.analytics).toEqual({ scope: 'SELF', metric: { value: 0 } });
    const reversed = await server.gql(`{ analytics(range: { from: "2026-11-10T00:00:00Z", to: "2026-11-01T00:00:00Z" }) { scope } }`, {}, await clockToken(app.deps, manager));
    expect(reversed.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const zone = await server.gql(
      `{ analytics(range: { from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z" }, timezone: "Mars/Olympus") { scope } }`,
      {},
      await clockToken(app.deps, manager),
    );
    expect(zone.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });

  it('the CSV export streams one row per thread with first response, resolution and SLA outcomes; a tampered link is refused', async () => {
    const token = await clockToken(app.deps, manager);
    const res = await server.gql(`query($r: AnalyticsRangeInput!) { exportThreads(range: $r, timezone: "Europe/Amsterdam") { url fileName } }`, { r: RANGE }, token);
    expect(res.errors).toBeUndefined();
    const csv = await fetch(`${server.url}${res.data.exportThreads.url}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${res.data.exportThreads.fileName}"`);
    expect(res.data.exportThreads.fileName).toBe('threads-2026-11-02-2026-11-11.csv');
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(4);
    const header = lines[0]!.split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    const a = rows.find((r) => r.thread_id === gid('Thread', threads.A))!;
    expect(a).toMatchObject({
      first_response_seconds: '1800',
      resolution_seconds: '14400',
      agent_replies: '2',
      sla_first_response: 'MET',
      sla_next_response_met: '0',
      sla_next_response_breached: '1',
      sla_resolution: 'MET',
      created_at: '2026-11-02 10:00:00',
    });
    const bad = await fetch(`${server.url}${res.data.exportThreads.url.slice(0, -3)}xyz`);
    expect(bad.status).toBe(403);
    // Pages of one and of two threads (the next page fetched while one is written) give the same file.
    const claims = { org: orgId, from: RANGE.from, to: RANGE.to, tz: 'Europe/Amsterdam', filter: {} };
    for (const pageSize of [1, 2]) {
      const chunks: Buffer[] = [];
      const sink = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) });
      expect(await streamThreadsCsv(app.deps, claims, sink, pageSize)).toBe(3);
      expect({
        pageSize,
        lines: Buffer.concat(chunks)
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\n'),
      }).toEqual({ pageSize, lines });
    }
  });

  it('the backfill rebuilds the same figures from history', async () => {
    const r = await backfillReporting(app.deps, orgId);
    expect(r.threads).toBe(3);
    const got = await summaryOf(await clockToken(app.deps, manager));

    expectFigures(got);
  });
});
