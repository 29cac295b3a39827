/**
 * The three sources of an analytics number — day and hour slices, hourly
 * full-dimension rollups, raw events at the edges — must add up to exactly
 * what the events say, for any instant range, with and without filters.
 * Each filter below takes another path (api/src/modules/analytics/analytics.service.ts `sums`).
 * Random events (seeded PRNG, several days, every dimension, nulls included)
 * go through the real `insertEventRows`; every answer of `summary`,
 * `breakdown` and `series` is compared with sums computed here in plain
 * JavaScript from the same events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma, ReportingEventKind } from '../../src/generated/prisma/client.js';
import { analyticsQuery, breakdown, bucketStarts, DIMENSION_COLUMN, series, summary, type AnalyticsFilter } from '../../src/modules/analytics/analytics.service.js';
import { ANALYTICS_DIMENSIONS, METRICS, metricValue, ZERO, type AnalyticsMetric, type Sums, type SumsByKind } from '../../src/modules/analytics/metrics.js';
import { insertEventRows } from '../../src/modules/analytics/report.js';
import { createOrganization, createTestApp, orgContext, testDatabaseKind, type TestApp } from '../harness.js';

type Row = Prisma.ReportingEventCreateManyInput & { occurredAt: Date };

let app: TestApp;
let orgId: string;
const events: Row[] = [];

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(20261201);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

const START = Date.parse('2026-11-01T00:00:00Z');
const SPAN_MS = 9 * 86_400_000;
const TEAMS = ['0199c0de-0000-7000-8000-00000000000a', '0199c0de-0000-7000-8000-00000000000b', null];
const AGENTS = ['0199c0de-0000-7000-8000-0000000000a1', '0199c0de-0000-7000-8000-0000000000a2', '0199c0de-0000-7000-8000-0000000000a3', null];
const KINDS: ReportingEventKind[] = ['FIRST_RESPONSE', 'NEXT_RESPONSE', 'SLA_TARGET', 'REPLY', 'RESOLVED', 'THREAD_OPENED', 'ESCALATED', 'CSAT'];
const METRICS_CHECKED: AnalyticsMetric[] = [
  'FIRST_RESPONSE_TIME',
  'REPLY_TIME',
  'RESOLUTION_TIME',
  'SLA_COMPLIANCE',
  'SLA_FIRST_RESPONSE_COMPLIANCE',
  'FIRST_CONTACT_RESOLUTION',
  'ESCALATION_RATE',
  'MESSAGES_PER_RESOLUTION',
  'TEMPLATE_USAGE',
  'CSAT',
  'REPLIES',
];

beforeAll(async () => {
  app = await createTestApp();
  orgId = (await createOrganization(app.deps)).id;
  for (let i = 0; i < 1500; i++) {
    const kind = pick(KINDS);
    const seconds = rnd() * 20_000;
    events.push({
      organizationId: orgId,
      threadId: null,
      kind,
      // Several events in the very same instant and millisecond edges.
      occurredAt: new Date(START + Math.floor((rnd() * SPAN_MS) / 1000) * 1000 + (i % 7 === 0 ? 0 : Math.floor(rnd() * 1000))),
      dedupeKey: `e${i}`,
      target: kind === 'SLA_TARGET' ? pick(['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION'] as const) : null,
      channelType: pick(['WHATSAPP_BUSINESS', 'EMAIL_OUTLOOK', 'SMS', null] as const),
      teamId: pick(TEAMS),
      agentId: pick(AGENTS),
      priority: pick(['LOW', 'NORMAL', 'HIGH', 'URGENT', null] as const),
      customerTier: pick(['STANDARD', 'PREMIUM', null] as const),
      threadType: pick(['CUSTOMER_SUPPORT', 'COMPLAINT', null] as const),
      seconds: kind === 'FIRST_RESPONSE' || kind === 'NEXT_RESPONSE' || kind === 'RESOLVED' ? seconds : null,
      businessSeconds: kind === 'FIRST_RESPONSE' || kind === 'NEXT_RESPONSE' ? seconds / 3 : null,
      met: kind === 'SLA_TARGET' || kind === 'REPLY' || kind === 'RESOLVED' || kind === 'CSAT' ? rnd() < 0.7 : null,
      value: kind === 'RESOLVED' ? 1 + Math.floor(rnd() * 9) : kind === 'CSAT' ? 1 + Math.floor(rnd() * 5) : null,
    });
  }
  const ctx = orgContext(app.deps, orgId);
  // In several transactions, so rows are upserted onto existing ones.
  for (let i = 0; i < events.length; i += 400) {
    await app.deps.db.prisma.$transaction(async (tx) => {
      await insertEventRows(ctx, tx as never, events.slice(i, i + 400));
    });
  }
}, 120_000);

afterAll(async () => {
  await app?.close();
});

/** Sums per group over [from, to), computed from the events in JavaScript. */
function expected(from: Date, to: Date, filter: AnalyticsFilter, groupOf: (e: Row) => string | null): Map<string, SumsByKind> {
  const out = new Map<string, SumsByKind>();
  const ok = (values: readonly string[] | null | undefined, v: string | null | undefined) => !values?.length || values.includes(v ?? '');
  for (const e of events) {
    if (e.occurredAt < from || e.occurredAt >= to) continue;
    if (
      !ok(filter.channelTypes, e.channelType) ||
      !ok(filter.teamIds, e.teamId) ||
      !ok(filter.assigneeIds, e.agentId) ||
      !ok(filter.priorities, e.priority) ||
      !ok(filter.customerTiers, e.customerTier)
    )
      continue;
    const g = groupOf(e);
    if (g === null) continue;
    const bucket = out.get(g) ?? new Map<string, Sums>();
    for (const k of e.target ? [e.kind, `${e.kind}:${e.target}`] : [e.kind]) {
      const s = { ...(bucket.get(k) ?? ZERO) };
      s.count += 1;
      s.seconds += e.seconds ?? 0;
      s.businessSeconds += e.businessSeconds ?? 0;
      s.met += e.met ? 1 : 0;
      s.value += e.value ?? 0;
      bucket.set(k, s);
    }
    out.set(g, bucket);
  }
  return out;
}

/** A metric value with floats rounded (sums of doubles in another order differ in the last bits). */
const round = (v: { value: number | null; businessValue: number | null; count: number }) => ({
  value: v.value == null ? null : Number(v.value.toPrecision(10)),
  businessValue: v.businessValue == null ? null : Number(v.businessValue.toPrecision(10)),
  count: v.count,
});

/** Random ranges: sub-hour, inside one day, across days, whole UTC days, minute and millisecond edges. */
function ranges(): { from: Date; to: Date; label: string }[] {
  const out = [
    { from: new Date(START), to: new Date(START + SPAN_MS), label: 'all, whole UTC days' },
    { from: new Date('2026-11-01T23:00:00Z'), to: new Date('2026-11-06T23:00:00Z'), label: 'Amsterdam days' },
    { from: new Date('2026-11-03T10:15:00Z'), to: new Date('2026-11-03T10:45:00Z'), label: 'inside one hour' },
    { from: new Date('2026-11-03T10:15:00Z'), to: new Date('2026-11-03T17:40:00Z'), label: 'inside one day' },
  ];
  for (let i = 0; i < 6; i++) {
    const a = START + Math.floor(rnd() * SPAN_MS);
    const b = a + 1 + Math.floor(rnd() * (START + SPAN_MS - a));
    out.push({ from: new Date(a), to: new Date(b), label: `random ${i}` });
  }
  return out;
}

const FILTERS: { label: string; filter: AnalyticsFilter }[] = [
  { label: 'no filter (slices)', filter: {} },
  { label: 'channel filter (channel day slices; rollups for a series or another breakdown)', filter: { channelTypes: ['WHATSAPP_BUSINESS', 'SMS'] } },
  { label: 'one agent (agent day slices: "my performance")', filter: { assigneeIds: [AGENTS[1]!] } },
  { label: 'team + priority filter (rollups)', filter: { teamIds: [TEAMS[0]!], priorities: ['HIGH', 'URGENT'] } },
];

describe(`analytics sources add up exactly (${testDatabaseKind})`, () => {
  it('summary: every metric equals the sum over the events, for each range and filter', async () => {
    const ctx = orgContext(app.deps, orgId);
    let compared = 0;
    for (const r of ranges()) {
      for (const f of FILTERS) {
        const q = await analyticsQuery(ctx, r, f.filter, 'UTC');
        const got = await summary(ctx, q, METRICS_CHECKED);
        const want = expected(r.from, r.to, f.filter, () => '').get('') ?? new Map();
        for (const m of got) {
          expect({ range: r.label, filter: f.label, metric: m.metric, ...round(m.current) }).toEqual({
            range: r.label,
            filter: f.label,
            metric: m.metric,
            ...round(metricValue(m.metric, want)),
          });
          compared++;
        }
      }
    }
    expect(compared).toBe(10 * FILTERS.length * METRICS_CHECKED.length);
  });

  it('breakdown: every dimension value equals the sum over its events', async () => {
    const ctx = orgContext(app.deps, orgId);
    for (const r of ranges()) {
      for (const f of FILTERS) {
        const q = await analyticsQuery(ctx, r, f.filter, 'UTC');
        for (const by of ANALYTICS_DIMENSIONS) {
          const metric: AnalyticsMetric = by === 'AGENT' ? 'SLA_COMPLIANCE' : 'FIRST_RESPONSE_TIME';
          const column = DIMENSION_COLUMN[by];
          const got = await breakdown(ctx, q, metric, by);
          const want = expected(r.from, r.to, f.filter, (e) => (METRICS[metric].kinds.includes(e.kind) ? String(e[column] ?? '') : null));
          const wantRows = [...want.entries()].map(([key, s]) => ({ key, ...round(metricValue(metric, s)) })).sort((a, b) => a.key.localeCompare(b.key));
          const gotRows = got.map((g) => ({ key: g.key, ...round(g) })).sort((a, b) => a.key.localeCompare(b.key));
          expect({ range: r.label, filter: f.label, by, rows: gotRows }).toEqual({ range: r.label, filter: f.label, by, rows: wantRows });
        }
      }
    }
  });

  it('series per hour and per Amsterdam day: every bucket equals the sum over its events', async () => {
    const ctx = orgContext(app.deps, orgId);
    for (const r of ranges().slice(0, 6)) {
      for (const f of FILTERS) {
        for (const interval of ['HOUR', 'DAY'] as const) {
          const q = await analyticsQuery(ctx, r, f.filter, 'Europe/Amsterdam');
          const got = await series(ctx, q, 'FIRST_RESPONSE_TIME', interval);
          const starts = bucketStarts(r.from, r.to, interval, 'Europe/Amsterdam');
          const bucketOf = (e: Row) => {
            if (e.kind !== 'FIRST_RESPONSE') return null;
            let i = starts.length - 1;
            while (i > 0 && starts[i]! > e.occurredAt) i--;
            return starts[i]!.toISOString();
          };
          const want = expected(r.from, r.to, f.filter, bucketOf);
          expect(got).toHaveLength(starts.length);
          expect({ range: r.label, filter: f.label, interval, points: got.map((p) => ({ start: p.start.toISOString(), ...round(p) })) }).toEqual({
            range: r.label,
            filter: f.label,
            interval,
            points: starts.map((s) => ({ start: s.toISOString(), ...round(metricValue('FIRST_RESPONSE_TIME', want.get(s.toISOString()) ?? new Map())) })),
          });
        }
      }
    }
  });

  it('a slice row exists per kind and UTC day in total and per dimension; the day totals equal the hour totals', async () => {
    const db = app.deps.db.prisma;
    const days = await db.reportingSlice.groupBy({ by: ['dimension'], where: { organizationId: orgId, grain: 'DAY' }, _sum: { count: true } });
    const hours = await db.reportingSlice.aggregate({ where: { organizationId: orgId, grain: 'HOUR' }, _sum: { count: true } });
    // Every event once in the hour totals, once in the day totals, once per dimension.
    expect(Object.fromEntries(days.map((d) => [d.dimension, d._sum.count]))).toEqual({
      '': 1500,
      channelType: 1500,
      teamId: 1500,
      agentId: 1500,
      priority: 1500,
      customerTier: 1500,
      threadType: 1500,
    });
    expect(hours._sum.count).toBe(1500);
  });
});
