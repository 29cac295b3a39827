/**
 * `retryOnConflict`: a transaction PostgreSQL aborted for a deadlock or a
 * write conflict (Prisma P2034) runs again, at most 3 times in all; any
 * other error is thrown at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryOnConflict, TRANSACTION_ATTEMPTS } from '../src/db/retry.js';
import { createChannel, createOrganization, createTestApp, orgContext, type TestApp } from './harness.js';

const conflict = () => Object.assign(new Error('Transaction failed due to a write conflict or a deadlock. Please retry your transaction'), { code: 'P2034' });

describe('retryOnConflict', () => {
  it('runs a transaction again after a deadlock and returns its result', async () => {
    let calls = 0;
    const result = await retryOnConflict(async () => {
      calls++;
      if (calls < 3) throw conflict();
      return 'merged';
    });
    expect(result).toBe('merged');
    expect(calls).toBe(3);
  });

  it(`gives up after ${TRANSACTION_ATTEMPTS} attempts with the last error`, async () => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls++;
        throw conflict();
      }),
    ).rejects.toMatchObject({ code: 'P2034' });
    expect(calls).toBe(TRANSACTION_ATTEMPTS);
  });

  it('never retries another error (a typed domain error, a unique violation)', async () => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls++;
        throw Object.assign(new Error('Unique constraint failed'), { code: 'P2002' });
      }),
    ).rejects.toMatchObject({ code: 'P2002' });
    expect(calls).toBe(1);
  });
});

describe('the tenant client: every interactive transaction retries a deadlock', () => {
  let app: TestApp;
  let orgId: string;
  let channelId: string;
  beforeAll(async () => {
    app = await createTestApp();
    orgId = (await createOrganization(app.deps)).id;
    channelId = (await createChannel(app.deps, orgId, { type: 'EMAIL_OUTLOOK' })).id;
  }, 60_000);
  afterAll(async () => app?.close());

  it('an aborted attempt rolls back and the callback runs again; the committed attempt is the only one stored', async () => {
    const ctx = orgContext(app.deps, orgId);
    let calls = 0;
    const subject = await ctx.db.$transaction(async (tx) => {
      calls++;
      const t = await tx.thread.create({ data: { organizationId: orgId, channelId, subject: `attempt ${calls}` } });
      if (calls < 2) throw conflict();
      return t.subject;
    });
    expect(calls).toBe(2);
    expect(subject).toBe('attempt 2');
    const stored = await app.deps.db.prisma.thread.findMany({ where: { organizationId: orgId }, select: { subject: true } });
    expect(stored.map((t) => t.subject)).toEqual(['attempt 2']);
  });

  it('any other error is thrown after one attempt', async () => {
    const ctx = orgContext(app.deps, orgId);
    let calls = 0;
    await expect(
      ctx.db.$transaction(async () => {
        calls++;
        throw new Error('not a conflict');
      }),
    ).rejects.toThrow('not a conflict');
    expect(calls).toBe(1);
  });
});
