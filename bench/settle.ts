/**
 * Waiting for a quiet machine between benchmark steps: up to `maxMs` (default 120 s) for the
 * 1-minute load average to fall below 1, polled every 5 s. A step right after a heavy one (§3's
 * 60 s of webhooks, the deletion of their backlog) otherwise measures the checkpoint, autovacuum
 * and the load generator's tail of the step before (docs/measurements.md, stops 23 and 24).
 * Returns the load average when it stopped waiting.
 */
import os from 'node:os';

export async function waitForQuietMachine(maxMs = 120_000): Promise<number> {
  const until = Date.now() + maxMs;
  while (os.loadavg()[0]! > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 5_000));
  return os.loadavg()[0]!;
}
