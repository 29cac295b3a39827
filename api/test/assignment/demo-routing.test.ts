/**
 * The demo seed's routing (seed 001): general inquiries to Customer Service,
 * installation and technical issues to Technical Support, new inquiries to
 * Sales, escalations (complaints) to Management; teams round robin (Management
 * least loaded).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { createThread } from '../../src/modules/thread/thread.service.js';
import { systemContext } from '../../src/shared/context.js';
import { createTestApp, type TestApp } from '../harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
}, 120_000);
afterAll(async () => {
  await app?.close();
});

it('routes new threads of each type to the team seed 001 names', async () => {
  const { organizationId } = await seedDemo(app.deps.db.prisma, { secrets: app.deps.secrets, now: app.clock.now(), threads: 12 });
  const p = app.deps.db.prisma;
  const teams = await p.team.findMany({ where: { organizationId } });
  expect(Object.fromEntries(teams.map((t) => [t.name, t.assignmentStrategy]))).toEqual({
    'Customer Service': 'ROUND_ROBIN',
    'Technical Support': 'ROUND_ROBIN',
    Sales: 'ROUND_ROBIN',
    Management: 'LEAST_LOADED',
  });
  const channel = await p.channel.findFirstOrThrow({ where: { organizationId, type: 'EMAIL_OUTLOOK' } });
  const ctx = systemContext(app.deps, organizationId);
  const cases = [
    ['CUSTOMER_SUPPORT', 'Customer Service'],
    ['INSTALLATION_COORDINATION', 'Technical Support'],
    ['TECHNICAL_ISSUE', 'Technical Support'],
    ['SALES_INQUIRY', 'Sales'],
    ['COMPLAINT', 'Management'],
  ] as const;
  const ids: string[] = [];
  for (const [type] of cases) ids.push((await createThread(ctx, { subject: `Demo ${type}`, channelId: channel.id, type })).thread.id);
  await app.deps.jobs.settle();
  const threads = await p.thread.findMany({ where: { id: { in: ids } }, include: { team: true } });
  expect(ids.map((id) => threads.find((t) => t.id === id)!.team?.name)).toEqual(cases.map(([, team]) => team));
  // Nobody is ONLINE in a fresh demo: the threads wait in their queues.
  expect(threads.every((t) => t.assigneeId === null && t.queuedAt !== null)).toBe(true);
});
