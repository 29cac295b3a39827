/**
 * Retrying a transaction PostgreSQL aborted to break a deadlock or a write
 * conflict (Prisma error P2034, SQLSTATE 40P01 / 40001). The transaction
 * rolled back as a whole, so running it again is safe; anything else is
 * thrown at once.
 */

/** Attempts in all (the first and two retries). */
export const TRANSACTION_ATTEMPTS = 3;

/** Whether `err` is a transaction PostgreSQL aborted for a deadlock or a write conflict. */
export function isTransactionConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2034';
}

/**
 * Runs `run` (a whole `$transaction`) and runs it again, up to 3 attempts in
 * all, when PostgreSQL aborted it for a deadlock or write conflict, after a
 * random 20–100 ms wait (so the two transactions do not meet again).
 * Throws the last error.
 */
export async function retryOnConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isTransactionConflict(err) || attempt >= TRANSACTION_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
}
