/**
 * The demo's SLA: seed 001's calendar and policies over the seeded demo data;
 * past steps become history without a burst of notifications; four web-chat
 * threads reach their next step within the demo's first minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoSla } from '../../src/demo/sla.js';
import { seedDemo } from '../../src/demo/seed.js';
import { createTestApp, testDatabaseKind, type TestApp } from '../harness.js';

let app: TestApp;
let result: Awaited<ReturnType<typeof seedDemoSla>>;
let organizationId: string;

beforeAll(async () => {
  app = await createTestApp();
  const seeded = await seedDemo(app.deps.db.prisma, { secrets: app.deps.secrets, now: new Date(app.clock.now().getTime() - 2 * 3_600_000) });
  organizationId = seeded.organizationId;
  result = await seedDemoSla(app.deps, app.deps.db.prisma, organizationId);
}, 120_000);
afterAll(async () => {
  await app?.close();
});

describe(`demo SLA (${testDatabaseKind})`, () => {
  it('seeds the NL calendar and seed 001 policies; active threads get clocks; the seeded past is history, not notifications', async () => {
    const p = app.deps.db.prisma;
    const calendar = await p.businessCalendar.findFirstOrThrow({ where: { organizationId } });
    expect(calendar).toMatchObject({ timezone: 'Europe/Amsterdam', holidayCountry: 'NL' });
    expect(await p.slaPolicy.count({ where: { organizationId } })).toBe(result.policies);
    expect(result.threads).toBeGreaterThan(10);
    const withPolicy = await p.thread.count({ where: { organizationId, status: { notIn: ['RESOLVED', 'CLOSED'] }, slaPolicyId: { not: null } } });
    expect(withPolicy).toBeGreaterThan(result.threads / 2);
    expect(result.history).toBeGreaterThan(0);
    expect(await p.slaEvent.count({ where: { organizationId } })).toBe(result.history);
    expect(await p.notification.count({ where: { organizationId } })).toBe(0);
    expect(await p.job.count({ where: { queue: 'sla.step', status: 'QUEUED', runAt: { lt: app.clock.now() } } })).toBe(0);
  });

  it('four web-chat threads reach REMIND, ALERT and ESCALATE within five minutes, each once', async () => {
    expect(result.live).toBe(4);
    const before = await app.deps.db.prisma.slaEvent.count({ where: { organizationId } });
    const start = app.clock.now().getTime();
    for (let m = 1; m <= 5; m++) {
      app.clock.set(new Date(start + m * 60_000));
      await app.deps.jobs.settle();
    }
    const fresh = await app.deps.db.prisma.slaEvent.findMany({ where: { organizationId, firedAt: { gt: new Date(start) } }, orderBy: { firedAt: 'asc' } });
    expect(fresh.length).toBe((await app.deps.db.prisma.slaEvent.count({ where: { organizationId } })) - before);
    expect(new Set(fresh.map((e) => e.action))).toEqual(new Set(['REMIND', 'ALERT', 'ESCALATE']));
    expect(await app.deps.db.prisma.notification.count({ where: { organizationId, kind: 'SLA_ALERT' } })).toBeGreaterThan(0);
  });
});
