/**
 * Login protection (rate-limiter-flexible; Redis when REDIS_URL is set, so
 * every instance counts together, memory otherwise).
 *
 * Two counters of failed logins, one per e-mail address (whether or not it
 * exists) and one per client IP. A counter that reaches its limit within its
 * window locks the key: while locked, login() still runs argon2 (against the
 * user's hash or a dummy one) but refuses even the right password, with the
 * same INVALID_CREDENTIALS answer as a wrong password. Each further lockout
 * of the same key within LOCKOUT_MEMORY_SECONDS doubles the lock (capped).
 *
 * - e-mail: 10 failures within 15 minutes → locked 15 min, then 30, 60, … ≤ 24 h.
 *   A successful login clears the e-mail's failures (not its lockout history).
 * - IP: 20 failures within 15 minutes → locked 15 min, then 30, 60, … ≤ 24 h;
 *   never cleared by a success (an attacker could log into their own account
 *   to reset it). 1,000 guesses from one address get at most 20 evaluated per
 *   lock cycle.
 *
 * Redis keys are namespaced by database (two hubs sharing one Redis count apart).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../shared/redis.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../../config.js';

export interface LockPolicy {
  /** Failures that lock the key… */
  maxFailures: number;
  /** …when they happen within this window (seconds). */
  windowSeconds: number;
  /** First lock (seconds); doubled at every further lockout. */
  lockSeconds: number;
  maxLockSeconds: number;
}

export const LOGIN_LIMITS = {
  email: { maxFailures: 10, windowSeconds: 15 * 60, lockSeconds: 15 * 60, maxLockSeconds: 24 * 3600 },
  ip: { maxFailures: 20, windowSeconds: 15 * 60, lockSeconds: 15 * 60, maxLockSeconds: 24 * 3600 },
  /** How long a key's lockouts are remembered for the doubling. */
  lockoutMemorySeconds: 24 * 3600,
} as const satisfies { email: LockPolicy; ip: LockPolicy; lockoutMemorySeconds: number };

export interface LoginCheck {
  emailLocked: boolean;
  ipLocked: boolean;
}

export interface LoginFailure {
  /** This failure started a lockout of the e-mail (its lock length in seconds), else null. */
  emailLockedForSeconds: number | null;
  ipLockedForSeconds: number | null;
}

class KeyGuard {
  private readonly failures: RateLimiterAbstract;
  private readonly lockouts: RateLimiterAbstract;

  constructor(
    private readonly policy: LockPolicy,
    make: (opts: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract,
    prefix: string,
    memorySeconds: number,
  ) {
    this.failures = make({ keyPrefix: `${prefix}:failures`, points: policy.maxFailures, duration: policy.windowSeconds });
    this.lockouts = make({ keyPrefix: `${prefix}:lockouts`, points: 1_000_000, duration: memorySeconds });
  }

  /** Milliseconds the key stays locked (0: not locked). */
  async lockedForMs(key: string): Promise<number> {
    const res = await this.failures.get(key);
    return res && res.consumedPoints > this.policy.maxFailures ? Math.max(1, res.msBeforeNext) : 0;
  }

  /** Counts one failure; returns the lock length when this failure started a lockout. */
  async fail(key: string): Promise<number | null> {
    let res: RateLimiterRes;
    try {
      res = await this.failures.consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) return null; // already past the limit: locked
      throw e;
    }
    // Counts are atomic: exactly one failure sees the limit reached.
    if (res.consumedPoints !== this.policy.maxFailures) return null;
    const lockouts = (await this.lockouts.consume(key)).consumedPoints;
    const seconds = Math.min(this.policy.maxLockSeconds, this.policy.lockSeconds * 2 ** Math.min(20, lockouts - 1));
    await this.failures.block(key, seconds);
    return seconds;
  }

  /** Forgets the key's failures and any current lock (its lockout history stays, so the next lock is longer). */
  async clear(key: string): Promise<void> {
    await this.failures.delete(key);
  }
}

export class LoginGuard {
  private readonly email: KeyGuard;
  private readonly ip: KeyGuard;
  private readonly redis: Redis | null;

  constructor(config: Pick<Config, 'REDIS_URL' | 'DATABASE_URL' | 'DATA_DIR'>, limits: { email: LockPolicy; ip: LockPolicy; lockoutMemorySeconds: number } = LOGIN_LIMITS) {
    this.redis = config.REDIS_URL ? createRedisClient(config.REDIS_URL, { maxRetriesPerRequest: 2 }) : null;
    const namespace = createHash('sha256')
      .update(config.DATABASE_URL ?? config.DATA_DIR)
      .digest('hex')
      .slice(0, 12);
    const redis = this.redis;
    const make = (opts: { keyPrefix: string; points: number; duration: number }): RateLimiterAbstract =>
      redis ? new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter: new RateLimiterMemory(opts) }) : new RateLimiterMemory(opts);
    this.email = new KeyGuard(limits.email, make, `hub:login:${namespace}:email`, limits.lockoutMemorySeconds);
    this.ip = new KeyGuard(limits.ip, make, `hub:login:${namespace}:ip`, limits.lockoutMemorySeconds);
  }

  async check(email: string, ip: string | undefined): Promise<LoginCheck> {
    const [e, i] = await Promise.all([this.email.lockedForMs(emailKey(email)), ip ? this.ip.lockedForMs(ip) : 0]);
    return { emailLocked: e > 0, ipLocked: i > 0 };
  }

  /** Milliseconds the e-mail stays locked (0: not locked). */
  emailLockedForMs(email: string): Promise<number> {
    return this.email.lockedForMs(emailKey(email));
  }

  /** A refused login: counts against the e-mail (unless already locked) and the IP (unless already locked). */
  async failure(email: string, ip: string | undefined, check: LoginCheck): Promise<LoginFailure> {
    const [emailLockedForSeconds, ipLockedForSeconds] = await Promise.all([
      check.emailLocked ? null : this.email.fail(emailKey(email)),
      ip && !check.ipLocked ? this.ip.fail(ip) : null,
    ]);
    return { emailLockedForSeconds, ipLockedForSeconds };
  }

  /** A successful login clears the e-mail's failures. */
  async success(email: string): Promise<void> {
    await this.email.clear(emailKey(email));
  }

  /** Lifts the lock of an e-mail (its history stays: the next lockout is longer). */
  async unlockEmail(email: string): Promise<void> {
    await this.email.clear(emailKey(email));
  }

  private readonly pending = new Set<Promise<unknown>>();

  /** Keeps work started after a login answer (its audit rows); close() and settled() wait for it. */
  track(p: Promise<unknown>): void {
    const done = p.catch(() => undefined).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Resolves when the work tracked so far is done. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.settled();
    await this.redis?.quit().catch(() => undefined);
  }
}

const emailKey = (email: string) => email.trim().toLowerCase();
