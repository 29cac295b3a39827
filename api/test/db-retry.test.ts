/**
 * `retryOnConflict`: a transaction PostgreSQL aborted for a deadlock or a
 * write conflict (Prisma P2034) runs again, at most 3 times in all; any
 * other error is thrown at once.
 */
import { describe, expect, it } from 'vitest';
import { retryOnConflict, TRANSACTION_ATTEMPTS } from '../src/db/retry.js';

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
