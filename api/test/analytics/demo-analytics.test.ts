/**
 * The demo's dashboard data: after the seed, its SLA settings, the demo
 * ratings and template use and the backfill, every seed 001 KPI has figures
 * for the last 30 days; breakdowns add up to the summary; a second backfill
 * gives the same figures (it rebuilds, it does not add).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAnalytics } from '../../src/demo/analytics.js';
import { seedDemoSla } from '../../src/demo/sla.js';
import { seedDemo } from '../../src/demo/seed.js';
import { backfillReporting } from '../../src/modules/analytics/backfill.js';
import { createTestApp, createTestServer, testDatabaseKind, type TestApp, type TestServer } from '../harness.js';
import { clockToken } from '../graphql/helpers.js';

let app: TestApp;
let server: TestServer;
let organizationId: string;
let token: string;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const seeded = await seedDemo(app.deps.db.prisma, { secrets: app.deps.secrets, now: new Date(app.clock.now().getTime() - 2 * 3_600_000) });
  organizationId = seeded.organizationId;
  await seedDemoSla(app.deps, app.deps.db.prisma, organizationId);
  await seedDemoAnalytics(app.deps.db.prisma, organizationId, app.clock.now());
  await backfillReporting(app.deps, organizationId);
  const manager = await app.deps.db.prisma.user.findFirstOrThrow({ where: { organizationId, email: 'manager@chargecars.nl' } });
  token = await clockToken(app.deps, manager);
}, 180_000);
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const last30 = () => ({ from: new Date(app.clock.now().getTime() - 30 * 86_400_000).toISOString(), to: app.clock.now().toISOString() });
const QUERY = `query($r: AnalyticsRangeInput!) { analytics(range: $r) {
  summary { metric value count status }
  ch: breakdown(metric: CUSTOMER_MESSAGES, by: CHANNEL) { key count }
  ag: breakdown(metric: REPLIES, by: AGENT) { key label count }
  d: series(metric: CONVERSATIONS, interval: DAY) { count }
} }`;

describe(`demo analytics (${testDatabaseKind})`, () => {
  it('every seed 001 KPI has figures for the last 30 days, and breakdowns and series add up to the summary', async () => {
    const res = await server.gql(QUERY, { r: last30() }, token);
    expect(res.errors).toBeUndefined();
    const a = res.data.analytics;
    const by = Object.fromEntries(a.summary.map((v: { metric: string }) => [v.metric, v]));
    for (const m of [
      'FIRST_RESPONSE_TIME',
      'REPLY_TIME',
      'RESOLUTION_TIME',
      'SLA_COMPLIANCE',
      'FIRST_CONTACT_RESOLUTION',
      'TEMPLATE_USAGE',
      'ASSIGNMENT_ACCURACY',
      'CSAT',
      'CONVERSATIONS',
      'CUSTOMER_MESSAGES',
      'REPLIES',
      'RESOLUTIONS',
      'MESSAGES_PER_RESOLUTION',
    ]) {
      expect({ m, measured: by[m].count > 0 && by[m].value != null }).toEqual({ m, measured: true });
    }
    expect(by.TEMPLATE_USAGE.value).toBeGreaterThan(45);
    expect(by.TEMPLATE_USAGE.value).toBeLessThan(75);
    expect(by.CSAT.value).toBeGreaterThan(3.5);
    expect(by.CSAT.value).toBeLessThanOrEqual(5);
    expect(['GOOD', 'WARNING', 'BAD']).toContain(by.SLA_COMPLIANCE.status);
    const sum = (xs: { count: number }[]) => xs.reduce((n, x) => n + x.count, 0);
    expect(sum(a.ch)).toBe(by.CUSTOMER_MESSAGES.count);
    expect(sum(a.ag)).toBe(by.REPLIES.count);
    expect(sum(a.d)).toBe(by.CONVERSATIONS.count);
    expect(a.ag.every((i: { label: string }) => i.label && i.label !== 'None')).toBe(true);
  });

  it('a second backfill rebuilds the same figures', { timeout: 180_000 }, async () => {
    const before = (await server.gql(QUERY, { r: last30() }, token)).data.analytics.summary;
    const events = await app.deps.db.prisma.reportingEvent.count({ where: { organizationId } });
    await backfillReporting(app.deps, organizationId);
    expect(await app.deps.db.prisma.reportingEvent.count({ where: { organizationId } })).toBe(events);
    // A socket idle through the backfill may have been closed by the server's keep-alive timeout: ask again once.
    const again = await server.gql(QUERY, { r: last30() }, token).catch(() => server.gql(QUERY, { r: last30() }, token));
    // Sums of floats may add in another order: values equal to 9 significant digits, counts and statuses exactly.
    const rounded = (xs: { value: number | null }[]) => xs.map((x) => ({ ...x, value: x.value == null ? null : Number(x.value.toPrecision(9)) }));
    expect(rounded(again.data.analytics.summary)).toEqual(rounded(before));
  });
});
