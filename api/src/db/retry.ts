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
 * Whether `err` is a transaction Prisma could not start or had to close
 * (P2028: no connection within `maxWait`, or the transaction ran past its
 * `timeout` and was rolled back), so that running it again is safe.
 */
export function isTransactionTimeout(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2028';
}

/**
 * Runs `run` (a whole `$transaction`) and runs it again when PostgreSQL
 * aborted it for a deadlock or write conflict (or when `opts.retryIf` says
 * so), after a random wait of 20–100 ms times the attempt (so the two
 * transactions do not meet again). Up to `opts.attempts` (default 3) in all.
 * Throws the last error.
 */
export async function retryOnConflict<T>(run: () => Promise<T>, opts: { attempts?: number; retryIf?: (err: unknown) => boolean } = {}): Promise<T> {
  const attempts = opts.attempts ?? TRANSACTION_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!(isTransactionConflict(err) || opts.retryIf?.(err)) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, (20 + Math.random() * 80) * attempt));
    }
  }
}
