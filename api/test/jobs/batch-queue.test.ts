/**
 * Batch queues (QueueOptions.batchHandlers): a worker that claims a job of a
 * batch queue claims more due jobs of it and runs them together; their leases
 * are renewed while the batch runs; a failing batch runs each job alone with
 * the queue's ordinary handler (retries and dead letters per job); jobs of one
 * batch queue claimed by one poll run as one batch; `maxConcurrent` caps the
 * batches of a queue running at once while other queues keep their workers;
 * `backlogConcurrent` raises that cap while the queue's latest batch was full.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/jobs/queue.js';
import { createTestApp, testDatabaseKind, type TestApp } from '../harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const QUEUE = 'test.batch';
const leases = async () =>
  (await app.deps.db.prisma.$queryRawUnsafe<{ lockedUntil: Date }[]>(`SELECT "lockedUntil" FROM "Job" WHERE queue = $1 AND status = 'ACTIVE'`, QUEUE)).map((r) =>
    new Date(r.lockedUntil).getTime(),
  );
const statuses = async () =>
  (
    await app.deps.db.prisma.$queryRawUnsafe<{ status: string; attempts: number }[]>(
      `SELECT status::text AS status, attempts FROM "Job" WHERE queue = $1 ORDER BY payload->>'i'`,
      QUEUE,
    )
  ).map((r) => [r.status, Number(r.attempts)]);

/** Claim statements (UPDATE "Job" … SET status = 'ACTIVE') the database reported (onQuery) while `fn` runs. */
async function claimsDuring(fn: () => Promise<void>): Promise<number> {
  let claims = 0;
  const listen = (sql: string) => {
    if (/SET status = 'ACTIVE'/.test(sql)) claims++;
  };
  app.deps.db.onQuery.add(listen);
  try {
    await fn();
  } finally {
    app.deps.db.onQuery.delete(listen);
  }
  return claims;
}

/** Claim statements of a kick naming QUEUE (as a webhook's), the poll it starts awaited. */
const claimsOfKick = (queue: JobQueue) =>
  claimsDuring(async () => {
    queue.kick(QUEUE);
    await (queue as unknown as { polling: Promise<void> | null }).polling;
  });

describe(`batch queues (${testDatabaseKind})`, () => {
  it('claims due jobs together, renews their leases while the batch runs, completes them all', { timeout: 60_000 }, async () => {
    const batches: number[] = [];
    const alone: unknown[] = [];
    let renewed = false;
    const queue = new JobQueue(app.deps, {
      handlers: { [QUEUE]: async (_deps, payload) => void alone.push(payload) },
      batchHandlers: {
        [QUEUE]: {
          max: 10,
          handler: async (_deps, jobs) => {
            batches.push(jobs.length);
            const before = await leases();
            app.clock.advance(500);
            // The renewal runs every max(1 s, lease / 3) of real time.
            const until = Date.now() + 10_000;
            while (!renewed && Date.now() < until) {
              await new Promise((r) => setTimeout(r, 100));
              const now = await leases();
              renewed = now.length === before.length && now.every((t, i) => t > before[i]!);
            }
          },
        },
      },
      leaseMs: 1_000,
      concurrency: 1,
    });
    for (let i = 0; i < 3; i++) await queue.add(app.deps.db.prisma, QUEUE, { i });
    expect(await queue.drain()).toBe(3);
    expect(batches).toEqual([3]);
    expect(alone).toEqual([]);
    expect(renewed).toBe(true);
    expect(await statuses()).toEqual([
      ['COMPLETED', 1],
      ['COMPLETED', 1],
      ['COMPLETED', 1],
    ]);
    await app.deps.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE queue = $1`, QUEUE);
  });

  it('a failing batch runs each job alone: one retried, the others completed', { timeout: 60_000 }, async () => {
    const alone: number[] = [];
    const queue = new JobQueue(app.deps, {
      handlers: {
        [QUEUE]: async (_deps, payload) => {
          alone.push(Number(payload.i));
          if (payload.i === 1) throw new Error('this one fails');
        },
      },
      batchHandlers: {
        [QUEUE]: {
          max: 10,
          handler: async () => {
            throw new Error('the batch fails');
          },
        },
      },
      concurrency: 1,
    });
    for (let i = 0; i < 3; i++) await queue.add(app.deps.db.prisma, QUEUE, { i }, { maxAttempts: 3 });
    expect(await queue.drain()).toBe(3);
    expect(alone.sort()).toEqual([0, 1, 2]);
    expect(await statuses()).toEqual([
      ['COMPLETED', 1],
      ['QUEUED', 1],
      ['COMPLETED', 1],
    ]);
    await app.deps.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE queue = $1`, QUEUE);
  });

  it('a claim that took every due job: its batch-queue jobs run as one batch and claim no more (one claim statement per webhook, not two)', async () => {
    const alone: number[] = [];
    const batches: number[][] = [];
    const queue = new JobQueue(app.deps, {
      handlers: { [QUEUE]: async (_deps, payload) => void alone.push(Number(payload.i)) },
      batchHandlers: { [QUEUE]: { max: 10, handler: async (_deps, jobs) => void batches.push(jobs.map((j) => Number(j.payload.i)).sort()) } },
      concurrency: 4,
    });
    for (let i = 0; i < 2; i++) await queue.add(app.deps.db.prisma, QUEUE, { i });
    const claims = await claimsDuring(async () => {
      expect(await queue.drain()).toBe(2);
    });
    // The first claim asked for 4 and got both jobs (one batch); the second found none and ended the drain.
    expect(claims).toBe(2);
    expect(batches).toEqual([[0, 1]]);
    expect(alone).toEqual([]);
    expect(await statuses()).toEqual([
      ['COMPLETED', 1],
      ['COMPLETED', 1],
    ]);
    await app.deps.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE queue = $1`, QUEUE);
  });

  it('a started queue that took fewer jobs than it asked for polls no further: one job costs one claim before it runs and one after, one next-due look-up', async () => {
    const batches: number[] = [];
    const queue = new JobQueue(app.deps, {
      // Another queue beside the batch queue, as the hub has: a poll while the batch runs would claim for it.
      handlers: { [QUEUE]: async () => void batches.push(1), 'test.other': async () => {} },
      batchHandlers: { [QUEUE]: { max: 10, maxConcurrent: 1, handler: async (_deps, jobs) => void batches.push(jobs.length) } },
      concurrency: 4,
      pollIntervalMs: 60_000,
    });
    const internals = queue as unknown as { polling: Promise<void> | null; inflight: Set<Promise<void>> };
    const idle = async () => {
      const until = Date.now() + 10_000;
      while ((internals.polling || internals.inflight.size) && Date.now() < until) await (internals.polling ?? Promise.allSettled([...internals.inflight]));
    };
    await queue.start();
    await idle();
    let claims = 0;
    let nextDue = 0;
    const listen = (sql: string) => {
      if (/SET status = 'ACTIVE'/.test(sql)) claims++;
      if (/min\("runAt"\)/.test(sql)) nextDue++;
    };
    app.deps.db.onQuery.add(listen);
    try {
      // As a webhook's delivery: one job enqueued, then a kick naming its queue.
      await queue.add(app.deps.db.prisma, QUEUE, { i: 0 });
      queue.kick(QUEUE);
      const until = Date.now() + 10_000;
      while (!batches.length && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      await idle();
    } finally {
      app.deps.db.onQuery.delete(listen);
      await queue.stop();
    }
    expect(batches).toEqual([1]);
    // Before stop 27: 3 claims (the second found nothing while the job ran) and 2 look-ups.
    expect(claims).toBe(2);
    expect(nextDue).toBe(1);
    expect(await statuses()).toEqual([['COMPLETED', 1]]);
    await app.deps.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE queue = $1`, QUEUE);
  });

  it('maxConcurrent: at most that many batches of the queue at once, the other workers take other queues meanwhile', { timeout: 60_000 }, async () => {
    const OTHER = 'test.other';
    let open = 0;
    let most = 0;
    const sizes: number[] = [];
    const others: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    let started!: () => void;
    const firstStarted = new Promise<void>((r) => (started = r));
    const queue = new JobQueue(app.deps, {
      handlers: { [QUEUE]: async () => {}, [OTHER]: async (_deps, payload) => void others.push(Number(payload.i)) },
      batchHandlers: {
        [QUEUE]: {
          max: 50,
          maxConcurrent: 1,
          handler: async (_deps, jobs) => {
            open++;
            most = Math.max(most, open);
            sizes.push(jobs.length);
            if (first) {
              first = false;
              started();
              await held; // the first batch runs until the other queue's jobs are done
            }
            open--;
          },
        },
      },
      concurrency: 4,
      pollIntervalMs: 60_000,
    });
    await queue.add(app.deps.db.prisma, QUEUE, { i: 0 });
    await queue.add(app.deps.db.prisma, QUEUE, { i: 1 });
    await queue.start();
    await firstStarted;
    // While the first batch runs: more jobs of the capped queue wait; the other queue's run.
    for (let i = 2; i < 12; i++) await queue.add(app.deps.db.prisma, QUEUE, { i });
    // A kick naming the capped queue (a webhook's) does not even poll: no claim statement.
    const claims = await claimsOfKick(queue);
    expect(claims).toBe(0);
    for (let i = 0; i < 3; i++) await queue.add(app.deps.db.prisma, OTHER, { i });
    queue.kick();
    const until = Date.now() + 30_000;
    while (others.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(others.sort()).toEqual([0, 1, 2]);
    expect(sizes).toEqual([2]);
    release();
    while (sizes.reduce((a, n) => a + n, 0) < 12 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await queue.stop();
    expect(most).toBe(1);
    // The ten that waited: taken together once the first batch ended.
    expect(sizes).toEqual([2, 10]);
    await app.deps.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE queue = ANY($1::text[])`, [QUEUE, OTHER]);
  });
  it('backlogConcurrent: after a full batch a second one runs beside it; after a short one, one at a time again', { timeout: 60_000 }, async () => {
    let open = 0;
    let most = 0;
    const sizes: number[] = [];
    let release!: () => void;
    let held = new Promise<void>((r) => (release = r));
    const queue = new JobQueue(app.deps, {
      handlers: { [QUEUE]: async () => {} },
      batchHandlers: {
        [QUEUE]: {
          max: 5,
          maxConcurrent: 1,
          backlogConcurrent: 2,
          handler: async (_deps, jobs) => {
            open++;
            most = Math.max(most, open);
            sizes.push(jobs.length);
            await held;
            open--;
          },
        },
      },
      concurrency: 4,
      pollIntervalMs: 60_000,
    });
    // A backlog of 12: the first batch takes 5 (full), so a second one starts beside it.
    for (let i = 0; i < 12; i++) await queue.add(app.deps.db.prisma, QUEUE, { i });
    await queue.start();
    const until = Date.now() + 30_000;
    while (open < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(open).toBe(2);
    // At the raised cap, a kick naming the queue claims nothing.
    const claims = await claimsOfKick(queue);
    expect(claims).toBe(0);
    release();
    while (sizes.reduce((a, n) => a + n, 0) < 12 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(most).toBe(2);
    while (open > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(sizes).toEqual([5, 5, 2]);
    // The last batch (2 jobs) was short: the cap is 1 again. One batch held, a kick starts no second one.
    held = new Promise<void>((r) => (release = r));
    sizes.length = 0;
    for (let i = 12; i < 14; i++) await queue.add(app.deps.db.prisma, QUEUE, { i });
    queue.kick();
    while (open < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    for (let i = 14; i < 16; i++) await queue.add(app.deps.db.prisma, QUEUE, { i });
    const claimsAfter = await claimsOfKick(queue);
    expect(claimsAfter).toBe(0);
    expect(open).toBe(1);
    release();
    while (sizes.reduce((a, n) => a + n, 0) < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await queue.stop();
    expect(sizes).toEqual([2, 2]);
    await app.deps.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE queue = $1`, QUEUE);
  });
});
