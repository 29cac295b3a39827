import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB } from '../../src/jobs/names.js';
import { runOutboxSweep } from '../../src/jobs/outbox.js';
import { deliverMessage } from '../../src/modules/message/message.service.js';
import { startFakeWhatsAppCloud } from '../../src/sandbox/whatsapp.js';
import type { AppDeps } from '../../src/shared/app.js';
import { createOrganization, createTestApp, createWhatsAppChannel, testDatabaseKind, type TestApp } from '../harness.js';

let app: TestApp;
let cloud: Awaited<ReturnType<typeof startFakeWhatsAppCloud>>;
beforeAll(async () => {
  cloud = await startFakeWhatsAppCloud({ accessToken: 'outbox-token' });
  app = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: cloud.baseUrl });
});
afterAll(async () => {
  await app?.close();
  await cloud?.close();
});

/** A reply as postMessage leaves it when the process stops between commit and send (and its job was lost); or a bot message (AUTO_RESPONSE). */
async function strandedReply(t: TestApp, channelId: string, organizationId: string, threadId: string, content: string, type: 'OUTGOING' | 'AUTO_RESPONSE' = 'OUTGOING') {
  return t.deps.db.prisma.message.create({
    data: {
      organizationId,
      threadId,
      channelId,
      type,
      content,
      deliveryStatus: 'PENDING',
      recipient: { name: 'Joost', address: '31612345678' },
      createdAt: new Date(t.clock.now().getTime() - 120_000),
    },
  });
}

describe(`outbox on the job queue (${testDatabaseKind})`, () => {
  it('a stranded reply is found by the sweep and delivered exactly once, even with two workers racing', async () => {
    const org = await createOrganization(app.deps);
    const channel = await createWhatsAppChannel(app.deps, org.id, { externalId: `106540352242922-${org.id}`, configuration: { accessToken: 'outbox-token' } });
    const thread = await app.deps.db.prisma.thread.create({ data: { organizationId: org.id, channelId: channel.id, subject: 'Laadpaal' } });
    const stranded = await strandedReply(app, channel.id, org.id, thread.id, 'Stranded reply');
    const before = cloud.requests.length;

    await runOutboxSweep(app.deps);
    expect(await app.deps.db.prisma.job.count({ where: { queue: JOB.outboxDeliver, singletonKey: `outbox:${stranded.id}` } })).toBe(1);
    // Two workers (the job and an inline attempt) race for the same message.
    const [a, b] = await Promise.all([deliverMessage(app.deps, stranded.id), deliverMessage(app.deps, stranded.id)]);
    await app.deps.jobs.settle();

    expect([a.pending, b.pending].filter(Boolean).length).toBeLessThanOrEqual(1);
    const sent = cloud.requests.slice(before).filter((r) => r.method === 'POST');
    expect(sent).toHaveLength(1);
    expect((sent[0]!.body as { text: { body: string }; to: string }).text.body).toBe('Stranded reply');
    const after = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: stranded.id }, include: { deliveries: true } });
    expect(after.deliveryStatus).toBe('SENT');
    expect(after.externalMessageId).toMatch(/^wamid\./);
    expect(after.deliveries.map((d) => d.status)).toEqual(['SUCCEEDED']);
    // Nothing left: another sweep queues nothing and sends nothing.
    await runOutboxSweep(app.deps);
    await app.deps.jobs.settle();
    expect(cloud.requests.slice(before).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it("a stranded bot message (AUTO_RESPONSE) is swept and delivered too, without a reply's effects on the thread", async () => {
    const org = await createOrganization(app.deps);
    const channel = await createWhatsAppChannel(app.deps, org.id, { externalId: `bot-${org.id}`, configuration: { accessToken: 'outbox-token' } });
    const thread = await app.deps.db.prisma.thread.create({
      data: { organizationId: org.id, channelId: channel.id, subject: 'Bot', status: 'OPEN', lastInboundAt: app.clock.now() },
    });
    const bot = await strandedReply(app, channel.id, org.id, thread.id, 'Stranded bot message', 'AUTO_RESPONSE');

    await runOutboxSweep(app.deps);
    expect(await app.deps.db.prisma.job.count({ where: { queue: JOB.outboxDeliver, singletonKey: `outbox:${bot.id}` } })).toBe(1);
    await app.deps.jobs.settle();
    const after = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: bot.id } });
    expect(after.deliveryStatus).toBe('SENT');
    expect(after.externalMessageId).toMatch(/^wamid\./);
    expect(await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id }, select: { status: true, firstResponseAt: true } })).toEqual({
      status: 'OPEN',
      firstResponseAt: null,
    });
    expect(await app.deps.db.prisma.reportingEvent.count({ where: { threadId: thread.id } })).toBe(0);
  });

  it('an unreachable provider: retried with backoff, then FAILED with OUTBOX_GAVE_UP, every attempt logged', async () => {
    const down = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: 'http://127.0.0.1:1/v21.0' });
    try {
      const org = await createOrganization(down.deps);
      const channel = await createWhatsAppChannel(down.deps, org.id, { externalId: `down-${org.id}` });
      const thread = await down.deps.db.prisma.thread.create({ data: { organizationId: org.id, channelId: channel.id, subject: 'Retry' } });
      const msg = await strandedReply(down, channel.id, org.id, thread.id, 'Never delivered');
      await down.deps.jobs.add(down.deps.db.prisma, JOB.outboxDeliver, { messageId: msg.id }, { maxAttempts: 3 });

      await down.deps.jobs.settle();
      expect((await down.deps.db.prisma.message.findUniqueOrThrow({ where: { id: msg.id } })).deliveryStatus).toBe('PENDING');
      const job = await down.deps.db.prisma.job.findFirstOrThrow({ where: { payload: { path: ['messageId'], equals: msg.id } } });
      expect(job.status).toBe('QUEUED');
      expect(job.runAt.getTime()).toBeGreaterThan(down.clock.now().getTime()); // backing off, not hammering

      for (let i = 0; i < 2; i++) {
        down.clock.advance(3_600_000);
        await down.deps.jobs.settle();
      }
      const row = await down.deps.db.prisma.message.findUniqueOrThrow({ where: { id: msg.id }, include: { deliveries: { orderBy: { attempt: 'asc' } } } });
      expect(row.deliveryStatus).toBe('FAILED');
      expect((row.metadata as { error: { code: string } }).error.code).toBe('OUTBOX_GAVE_UP');
      expect(row.deliveries.map((d) => [d.attempt, d.status])).toEqual([
        [1, 'FAILED'],
        [2, 'FAILED'],
        [3, 'FAILED'],
      ]);
    } finally {
      await down.close();
    }
  });

  it('a job claimed by a worker that died (kill -9) is taken over once its lease ran out', async () => {
    const org = await createOrganization(app.deps);
    const channel = await createWhatsAppChannel(app.deps, org.id, { externalId: `lease-${org.id}`, configuration: { accessToken: 'outbox-token' } });
    const thread = await app.deps.db.prisma.thread.create({ data: { organizationId: org.id, channelId: channel.id, subject: 'Lease' } });
    const msg = await strandedReply(app, channel.id, org.id, thread.id, 'After the crash');
    const jobId = (await app.deps.jobs.add(app.deps.db.prisma, JOB.outboxDeliver, { messageId: msg.id }))!;
    // The dead worker had claimed it: ACTIVE with a lease 2 minutes ahead.
    await app.deps.db.prisma.job.update({ where: { id: jobId }, data: { status: 'ACTIVE', attempts: 1, lockedUntil: new Date(app.clock.now().getTime() + 120_000) } });
    await app.deps.jobs.drain();
    expect((await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: msg.id } })).deliveryStatus).toBe('PENDING');
    app.clock.advance(121_000);
    await app.deps.jobs.drain();
    expect((await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: msg.id } })).deliveryStatus).toBe('SENT');
    expect((await app.deps.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe('COMPLETED');
  });

  /**
   * The deps of `app` whose raw client fails its next `n` interactive transactions as Prisma does when
   * the pool gives no connection within maxWait (P2028), or all of them when `n` is Infinity.
   */
  function busyPool(n: number): AppDeps {
    let left = n;
    const prisma = new Proxy(app.deps.db.prisma, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop !== '$transaction') return value;
        return (arg: unknown, opts?: unknown) => {
          if (typeof arg === 'function' && left-- > 0) {
            return Promise.reject(Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), { code: 'P2028' }));
          }
          return (value as (a: unknown, o?: unknown) => Promise<unknown>).call(target, arg, opts);
        };
      },
    });
    return { ...app.deps, db: { ...app.deps.db, prisma } };
  }

  it('the provider accepted but the pool was busy: the record is retried, the message SENT once, never a FAILED attempt', async () => {
    const org = await createOrganization(app.deps);
    const channel = await createWhatsAppChannel(app.deps, org.id, { externalId: `busy-${org.id}`, configuration: { accessToken: 'outbox-token' } });
    const thread = await app.deps.db.prisma.thread.create({ data: { organizationId: org.id, channelId: channel.id, subject: 'Busy pool' } });
    const msg = await strandedReply(app, channel.id, org.id, thread.id, 'Recorded on the third try');
    const before = cloud.requests.length;

    const outcome = await deliverMessage(busyPool(2), msg.id);
    expect(outcome.pending).toBe(false);
    expect(outcome.error).toBeUndefined();
    const row = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: msg.id }, include: { deliveries: true } });
    expect(row.deliveryStatus).toBe('SENT');
    expect(row.externalMessageId).toMatch(/^wamid\./);
    expect(row.deliveries.map((d) => [d.attempt, d.status])).toEqual([[1, 'SUCCEEDED']]);
    expect(cloud.requests.slice(before).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('the provider accepted and the record failed for good: the attempt stays STARTED (in flight), nothing is sent again at once', async () => {
    const org = await createOrganization(app.deps);
    const channel = await createWhatsAppChannel(app.deps, org.id, { externalId: `down-db-${org.id}`, configuration: { accessToken: 'outbox-token' } });
    const thread = await app.deps.db.prisma.thread.create({ data: { organizationId: org.id, channelId: channel.id, subject: 'Pool gone' } });
    const msg = await strandedReply(app, channel.id, org.id, thread.id, 'Accepted, not recorded');
    const before = cloud.requests.length;

    const outcome = await deliverMessage(busyPool(Number.POSITIVE_INFINITY), msg.id);
    expect(outcome.pending).toBe(true);
    expect(outcome.error).toBeUndefined();
    // The outbox's next attempt (its job, the safety net) within IN_FLIGHT_MS: in flight, not sent again.
    expect((await deliverMessage(app.deps, msg.id)).pending).toBe(true);
    const row = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: msg.id }, include: { deliveries: true } });
    expect(row.deliveryStatus).toBe('PENDING');
    expect(row.deliveries.map((d) => [d.attempt, d.status])).toEqual([[1, 'STARTED']]);
    expect(cloud.requests.slice(before).filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
