/**
 * `threads { totalCount totalCountIsExact }`: exact up to the limit, an
 * estimate from how the matches spread over time beyond it (issue 8 §4).
 * The estimator is exercised with a small limit on 600 threads; the GraphQL
 * fields with the real limit (10,000) on the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countThreads, threadWhere } from '../../src/modules/thread/thread.service.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, orgContext, tokenFor, type TestApp, type TestServer } from '../harness.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let token: string;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  const manager = await createUser(app.deps, org.id, { role: 'MANAGER' });
  token = await tokenFor(app.deps, manager);
  const channel = await createChannel(app.deps, org.id, { type: 'EMAIL_OUTLOOK' });
  const base = Date.parse('2026-11-01T00:00:00Z');
  // 600 threads, one every hour; every third is HIGH (spread evenly over time), the first 40 URGENT.
  await app.deps.db.prisma.thread.createMany({
    data: Array.from({ length: 600 }, (_, i) => ({
      organizationId: org.id,
      channelId: channel.id,
      subject: `Thread ${i}`,
      priority: i < 40 ? ('URGENT' as const) : i % 3 === 0 ? ('HIGH' as const) : ('NORMAL' as const),
      lastMessageAt: new Date(base + i * 3_600_000),
    })),
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await app?.close();
});

/** How many SQL statements `run` sends. */
async function statementsDuring(run: () => Promise<unknown>): Promise<number> {
  let statements = 0;
  const count = () => statements++;
  app.deps.db.onQuery.add(count);
  try {
    await run();
  } finally {
    app.deps.db.onQuery.delete(count);
  }
  return statements;
}

describe('thread counts', () => {
  it('exact up to the limit', async () => {
    const ctx = orgContext(app.deps, orgId);
    expect(await countThreads(ctx, threadWhere(ctx, { priority: ['URGENT'] }), 100)).toEqual({ count: 40, exact: true });
    expect(await countThreads(ctx, threadWhere(ctx, {}), 600)).toEqual({ count: 600, exact: true });
  });

  it('beyond the limit: an estimate, close for matches spread over time, never below what was counted', async () => {
    const ctx = orgContext(app.deps, orgId);
    const all = await countThreads(ctx, threadWhere(ctx, {}), 100);
    expect(all.exact).toBe(false);
    expect(all.count).toBe(600); // unfiltered: the 101st newest thread sits at 101/600 of the threads
    const high = await countThreads(ctx, threadWhere(ctx, { priority: ['HIGH'] }), 100);
    const real = await app.deps.db.prisma.thread.count({ where: { organizationId: orgId, priority: 'HIGH' } });
    expect(real).toBe(186);
    expect(high.exact).toBe(false);
    expect(high.count).toBeGreaterThanOrEqual(101);
    expect(Math.abs(high.count - real) / real).toBeLessThan(0.05);
  });

  it('an estimate of at least twice the limit is reused for the same filter (no SQL); smaller ones and exact counts are not', async () => {
    const ctx = orgContext(app.deps, orgId);
    let statements = 0;
    const count = () => statements++;
    app.deps.db.onQuery.add(count);
    try {
      const where = threadWhere(ctx, { status: ['OPEN'] }); // all 600 threads, a filter of its own (the cache is per where)
      const first = await countThreads(ctx, where, 100);
      expect(first).toEqual({ count: 600, exact: false });
      statements = 0;
      expect(await countThreads(ctx, where, 100)).toEqual(first);
      expect(statements).toBe(0);
      // Another filter, and another limit, are other entries.
      expect(await countThreads(ctx, threadWhere(ctx, { status: ['OPEN'], priority: ['NORMAL', 'HIGH', 'URGENT'] }), 100)).toMatchObject({ exact: false });
      expect(statements).toBeGreaterThan(0);
      // ~186 HIGH threads with a limit of 100: an estimate under 200 is computed each time.
      await countThreads(ctx, threadWhere(ctx, { priority: ['HIGH'] }), 100);
      statements = 0;
      await countThreads(ctx, threadWhere(ctx, { priority: ['HIGH'] }), 100);
      expect(statements).toBeGreaterThan(0);
      // Exact counts are never kept.
      statements = 0;
      expect(await countThreads(ctx, threadWhere(ctx, { priority: ['URGENT'] }), 100)).toEqual({ count: 40, exact: true });
      expect(statements).toBeGreaterThan(0);
    } finally {
      app.deps.db.onQuery.delete(count);
    }
  });

  it('a filter that holds the clock (snoozed: false, as every tab of the web app sends) reuses its estimate as the clock moves', async () => {
    const ctx = orgContext(app.deps, orgId);
    const filter = { snoozed: false, priority: ['NORMAL' as const, 'HIGH' as const, 'URGENT' as const] };
    const first = await countThreads(ctx, threadWhere(ctx, filter), 100);
    expect(first).toEqual({ count: 600, exact: false });
    app.clock.advance(1_000);
    // A new `now` inside the where: the same cache entry, no SQL.
    let again: unknown;
    expect(await statementsDuring(async () => (again = await countThreads(ctx, threadWhere(ctx, filter), 100)))).toBe(0);
    expect(again).toEqual(first);
  });

  it('GraphQL: totalCount with totalCountIsExact, also on a page of a filtered inbox', async () => {
    const res = await server.gql(
      `{ all: threads(first: 5) { totalCount totalCountIsExact edges { node { id } } }
         urgent: threads(first: 5, filter: { priority: [URGENT] }) { totalCount totalCountIsExact } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.all).toMatchObject({ totalCount: 600, totalCountIsExact: true });
    expect(res.data.all.edges).toHaveLength(5);
    expect(res.data.urgent).toEqual({ totalCount: 40, totalCountIsExact: true });
  });
});
