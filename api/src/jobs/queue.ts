/**
 * The durable job queue: rows of the `Job` table, claimed with
 * `FOR UPDATE SKIP LOCKED`, so several instances share the work and a job runs
 * on one worker at a time. Delayed jobs (`runAt`), retries with exponential
 * backoff, singleton keys (at most one QUEUED/ACTIVE job per key), cron-like
 * schedules and dead letters (status FAILED after `maxAttempts`).
 *
 * Why our own runner rather than pg-boss: jobs are enqueued inside the same
 * Prisma transaction as the data they act on (a webhook's raw delivery and its
 * processing job commit together or not at all), on PGlite (one in-process
 * connection) and PostgreSQL alike. pg-boss manages its own schema and
 * connections and cannot join a Prisma interactive transaction on PGlite; this
 * runner is the outbox's SKIP LOCKED loop made general, about 250 lines.
 *
 * A crash (kill -9) mid-job leaves the row ACTIVE with a lease
 * (`lockedUntil`); when the lease runs out any worker takes the job again, so
 * handlers must be idempotent. Times come from the hub clock.
 */
import { CronExpressionParser } from 'cron-parser';
import { recordJob } from '../http/metrics.js';
import type { AppDeps } from '../shared/app.js';
import { requestLogScope } from '../shared/logger.js';

/** A transaction or client that can run raw SQL (Prisma client, tenant client or transaction). */
export interface RawSql {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface EnqueueOptions {
  /** Run no earlier than this (default: now on the hub clock). */
  runAt?: Date;
  /** At most one QUEUED/ACTIVE job with this key; a second enqueue is a no-op that returns null. */
  singletonKey?: string;
  /** Attempts before the job becomes a dead letter (default 8). */
  maxAttempts?: number;
}

/** What a handler knows about its job. */
export interface JobInfo {
  id: string;
  queue: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

export type JobHandler = (deps: AppDeps, payload: Record<string, unknown>, job: JobInfo) => Promise<void>;

/**
 * Runs several claimed jobs of one queue together (e.g. many small webhook
 * deliveries in one database transaction). Resolving completes every job;
 * throwing makes the queue run each job alone with the queue's ordinary
 * handler, so retries, backoff and dead letters stay per job.
 */
export type BatchJobHandler = (deps: AppDeps, jobs: readonly { payload: Record<string, unknown>; job: JobInfo }[]) => Promise<void>;

/** Throw from a handler to be retried after `delayMs` (e.g. a provider's Retry-After), counting as an attempt. */
export class RetryLater extends Error {
  constructor(
    public readonly delayMs: number,
    message = `retry in ${delayMs} ms`,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** Throw from a handler to give up at once (the job becomes a dead letter). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** A recurring job: `cron` is a 5- or 6-field cron expression evaluated in UTC. */
export interface Schedule {
  name: string;
  cron: string;
  queue: string;
  payload?: Record<string, unknown>;
}

const iso = (d: Date) => d.toISOString();
/** Timestamps are `timestamp(3)` in UTC (Prisma's convention): store and compare ISO-8601 text `p` (an SQL expression) through this cast. */
export const TS = (p: string) => `(${p}::timestamptz AT TIME ZONE 'UTC')`;

/** The columns every job insert names, in the order of {@link jobRow}. */
const JOB_INSERT = `INSERT INTO "Job" (id, queue, payload, "runAt", "maxAttempts", "singletonKey", "createdAt", "updatedAt")`;

/**
 * The values of one Job row for {@link JOB_INSERT}. Each field is an SQL
 * expression: a placeholder (`$3`) or a column of the rows jobs are selected
 * from; `runAt` and `now` are ISO-8601 text, stored through {@link TS}.
 */
function jobRow(e: { queue: string; payload: string; runAt: string; maxAttempts: string; singletonKey: string; now: string }): string {
  return `gen_random_uuid(), ${e.queue}, ${e.payload}, ${TS(e.runAt)}, ${e.maxAttempts}, ${e.singletonKey}, ${TS(e.now)}, ${TS(e.now)}`;
}

/**
 * Adds a job. Pass the transaction client to commit the job with the data it
 * acts on. Returns the job id, or null when `singletonKey` is already queued or running.
 */
export async function enqueue(db: RawSql, now: Date, queue: string, payload: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<string | null> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `${JOB_INSERT}
     VALUES (${jobRow({ queue: '$1', payload: '$2::jsonb', runAt: '$3', maxAttempts: '$4', singletonKey: '$5', now: '$6' })})
     ON CONFLICT ("singletonKey") DO NOTHING RETURNING id::text`,
    queue,
    JSON.stringify(payload),
    iso(opts.runAt ?? now),
    opts.maxAttempts ?? 8,
    opts.singletonKey ?? null,
    iso(now),
  );
  return rows[0]?.id ?? null;
}

/**
 * Adds several jobs of one queue in one statement (rows in the given order),
 * with the same options as `enqueue` per job; a job whose `singletonKey` is
 * already queued or running (or repeated in `jobs`) is skipped. Returns the
 * number of jobs added.
 */
export function enqueueMany(db: RawSql, now: Date, queue: string, jobs: readonly { payload: Record<string, unknown>; opts?: EnqueueOptions }[]): Promise<number> {
  return enqueueJobs(
    db,
    now,
    jobs.map((j) => ({ queue, ...j })),
  );
}

/** `enqueueMany` for jobs of several queues (each job names its own): one statement for all of them. */
export async function enqueueJobs(db: RawSql, now: Date, jobs: readonly { queue: string; payload: Record<string, unknown>; opts?: EnqueueOptions }[]): Promise<number> {
  if (!jobs.length) return 0;
  const params: unknown[] = [iso(now)];
  const values = jobs.map((j) => {
    const at = params.length;
    params.push(j.queue, JSON.stringify(j.payload), iso(j.opts?.runAt ?? now), j.opts?.maxAttempts ?? 8, j.opts?.singletonKey ?? null);
    const p = (i: number) => `$${at + i}`;
    return `(${jobRow({ queue: p(1), payload: `${p(2)}::jsonb`, runAt: p(3), maxAttempts: `${p(4)}::int`, singletonKey: p(5), now: '$1' })})`;
  });
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `${JOB_INSERT}
     VALUES ${values.join(', ')}
     ON CONFLICT ("singletonKey") DO NOTHING RETURNING id::text`,
    ...params,
  );
  return rows.length;
}

/**
 * The SQL of an `INSERT INTO "Job" … SELECT` that adds one job, due at once
 * and without singleton key, per row of `from`: for a data-modifying CTE that
 * stores rows and their jobs in one statement (e.g. `from: 'stored'` after
 * `WITH stored AS (INSERT … RETURNING id)`). Every field is an SQL
 * expression: `queue` and `now` (ISO-8601 text, the hub clock) are usually
 * placeholders, `payload` a jsonb expression over `from`'s columns.
 * The caller checks the queue has a handler ({@link JobQueue.selectSql}).
 */
export function enqueueSelectSql(e: { queue: string; payload: string; from: string; now: string; maxAttempts?: number }): string {
  const maxAttempts = String(Math.trunc(e.maxAttempts ?? 8));
  return `${JOB_INSERT} SELECT ${jobRow({ queue: e.queue, payload: e.payload, runAt: e.now, maxAttempts, singletonKey: 'NULL', now: e.now })} FROM ${e.from}`;
}

/** Backoff before attempt `attempt + 1`: 2 s, 4 s, 8 s … capped at 1 h, with ±20 % jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export interface QueueOptions {
  handlers: Record<string, JobHandler>;
  schedules?: Schedule[];
  /** Jobs run at once by this instance (default JOB_CONCURRENCY). */
  concurrency?: number;
  /** Idle polling interval in ms (default JOB_POLL_INTERVAL_MS). */
  pollIntervalMs?: number;
  /** How long a claimed job belongs to its worker, in ms (default 120 000). */
  leaseMs?: number;
  /**
   * Queues whose due jobs a worker claims and runs together, at most `max` at
   * once (the queue's handler still runs a job alone when the batch fails).
   * Jobs of one such queue claimed by the same poll run as one batch.
   * `maxConcurrent`: at most this many batches of the queue run at once on
   * this instance (default: the instance's concurrency); while that many run,
   * polls leave the queue's jobs for later, so a backlog is taken in fewer,
   * larger batches. `backlogConcurrent`: while the queue's latest batch was
   * full (`max` jobs: more were likely waiting), up to this many batches run
   * at once instead, so one batch's CPU overlaps another's database round
   * trips. Not for scheduled (cron) queues.
   */
  batchHandlers?: Record<string, BatchQueue>;
}

/** A batch queue's handler and limits (QueueOptions.batchHandlers). */
export interface BatchQueue {
  handler: BatchJobHandler;
  /** Most jobs in one batch. */
  max: number;
  /** Most batches of the queue running at once on one instance (default: its concurrency). */
  maxConcurrent?: number;
  /**
   * Most batches running at once while the queue's latest batch was full (a backlog); default
   * `maxConcurrent`. Batches start as before: a poll claims, and a batch claims more up to `max`.
   */
  backlogConcurrent?: number;
}

interface ClaimedRow {
  id: string;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
  singletonKey: string | null;
}

export class JobQueue {
  private timer: NodeJS.Timeout | null = null;
  private wake: NodeJS.Timeout | null = null;
  private running = 0;
  private inflight = new Set<Promise<void>>();
  private stopped = true;
  private polling: Promise<void> | null = null;
  private again = false;
  readonly handlers: Record<string, JobHandler>;
  private readonly schedules: Schedule[];
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly batchHandlers: Record<string, BatchQueue>;
  /** Batches running per batch queue (for maxConcurrent). */
  private readonly batchesRunning = new Map<string, number>();
  /** Batch queues whose latest batch took `max` jobs (for backlogConcurrent). */
  private readonly backlogged = new Set<string>();

  constructor(
    private readonly deps: AppDeps,
    opts: QueueOptions,
  ) {
    this.handlers = opts.handlers;
    this.schedules = opts.schedules ?? [];
    this.concurrency = opts.concurrency ?? deps.config.JOB_CONCURRENCY;
    this.pollIntervalMs = opts.pollIntervalMs ?? deps.config.JOB_POLL_INTERVAL_MS;
    this.leaseMs = opts.leaseMs ?? 120_000;
    this.batchHandlers = opts.batchHandlers ?? {};
  }

  /** Enqueues with the hub clock; see {@link enqueue}. Call `kick()` after the transaction commits. */
  add(db: RawSql, queue: string, payload: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<string | null> {
    if (!this.handlers[queue]) throw new Error(`no handler for job queue "${queue}"`);
    return enqueue(db, this.deps.clock.now(), queue, payload, opts);
  }

  /** Enqueues several jobs of one queue in one statement with the hub clock; see {@link enqueueMany}. Call `kick()` after the commit. */
  addMany(db: RawSql, queue: string, jobs: readonly { payload: Record<string, unknown>; opts?: EnqueueOptions }[]): Promise<number> {
    if (!this.handlers[queue]) throw new Error(`no handler for job queue "${queue}"`);
    return enqueueMany(db, this.deps.clock.now(), queue, jobs);
  }

  /** Enqueues jobs of several queues (each names its own) in one statement with the hub clock; see {@link enqueueJobs}. Call `kick()` after the commit. */
  addAll(db: RawSql, jobs: readonly { queue: string; payload: Record<string, unknown>; opts?: EnqueueOptions }[]): Promise<number> {
    for (const queue of new Set(jobs.map((j) => j.queue))) if (!this.handlers[queue]) throw new Error(`no handler for job queue "${queue}"`);
    return enqueueJobs(db, this.deps.clock.now(), jobs);
  }

  /**
   * {@link enqueueSelectSql} for a queue of this instance: the job insert of a
   * data-modifying CTE. Call `kick()` after the statement commits.
   * @throws Error when `queue` has no handler
   */
  selectSql(queue: string, e: { queue: string; payload: string; from: string; now: string; maxAttempts?: number }): string {
    if (!this.handlers[queue]) throw new Error(`no handler for job queue "${queue}"`);
    return enqueueSelectSql(e);
  }

  /** Starts polling and plants the first occurrence of every schedule. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    for (const s of this.schedules) await this.plant(s);
    const tick = () => {
      if (this.stopped) return;
      this.kick();
      this.timer = setTimeout(tick, this.pollIntervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** True between start() and stop(). */
  isRunning(): boolean {
    return !this.stopped;
  }

  /**
   * Looks for due jobs now (after an enqueue on this instance), instead of at the next poll.
   * `queue`: the queue of the jobs just enqueued; when it is a batch queue with `maxConcurrent`
   * batches running, nothing happens now (the end of one of them polls): a webhook per request
   * would otherwise cost a claim and a look at the next due job that cannot take its job.
   */
  kick(queue?: string): void {
    if (this.stopped) return;
    if (queue !== undefined && this.atBatchCap(queue)) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    // Jobs are nobody's request: a kick from a webhook must not tag their log lines with its request id.
    this.polling = requestLogScope
      .exit(() => this.poll())
      .catch((err) => this.deps.logger.error({ err }, 'job queue poll failed'))
      .finally(() => {
        this.polling = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stops claiming; waits for running jobs to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.wake) clearTimeout(this.wake);
    await this.polling;
    await Promise.allSettled([...this.inflight]);
  }

  /**
   * Runs due jobs until none is left (tests, the demo, benchmarks), also when
   * the queue is not started. Returns how many ran.
   */
  async drain(opts: { maxJobs?: number } = {}): Promise<number> {
    let ran = 0;
    const max = opts.maxJobs ?? 10_000;
    while (ran < max) {
      const limit = Math.min(this.concurrency, max - ran);
      const claimed = await this.claim(limit);
      if (claimed.length === 0) break;
      const counts = await Promise.all(this.groups(claimed).map((rows) => this.runClaimed(rows, claimed.length >= limit)));
      ran += counts.reduce((a, n) => a + n, 0);
    }
    return ran;
  }

  /**
   * Waits until no job is due: runs due jobs itself and waits for this
   * instance's running ones (tests, the demo's replay, benchmarks).
   * @throws Error when jobs are still due after `timeoutMs` (default 60 000 ms)
   */
  async settle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.drain();
      await this.polling;
      await Promise.allSettled([...this.inflight]);
      const now = iso(this.deps.clock.now());
      const rows = await this.deps.db.raw<{ n: number }>(
        // Due jobs, and jobs whose worker died (lease over): what drain() would still run.
        // Jobs another live worker is running are not waited for.
        `SELECT count(*)::int AS n FROM "Job" WHERE queue = ANY($2::text[]) AND "runAt" <= ${TS('$1')}
            AND (status = 'QUEUED' OR (status = 'ACTIVE' AND "lockedUntil" < ${TS('$1')}))`,
        now,
        Object.keys(this.handlers),
      );
      if (Number(rows[0]?.n ?? 0) === 0) return;
      if (Date.now() > deadline) throw new Error('job queue did not settle');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async poll(): Promise<void> {
    while (!this.stopped && this.running < this.concurrency) {
      const limit = this.concurrency - this.running;
      // Batch queues with maxConcurrent batches running are left for later (the end of one kicks a poll).
      const queues = Object.keys(this.handlers).filter((q) => !this.atBatchCap(q));
      const claimed = queues.length ? await this.claim(limit, queues) : [];
      if (claimed.length === 0) {
        await this.wakeForNext();
        return;
      }
      // Fewer rows than asked for: nothing else was due, so a batch queue's job need not look for more (one statement less per webhook).
      const full = claimed.length >= limit;
      for (const rows of this.groups(claimed)) {
        const queue = rows[0]!.queue;
        const batch = !!this.batchHandlers[queue];
        this.running++;
        if (batch) this.batchesRunning.set(queue, (this.batchesRunning.get(queue) ?? 0) + 1);
        const p = this.runClaimed(rows, full)
          .then(() => undefined)
          .finally(() => {
            this.running--;
            if (batch) this.batchesRunning.set(queue, this.batchesRunning.get(queue)! - 1);
            this.inflight.delete(p);
            this.kick();
          });
        this.inflight.add(p);
      }
      // A short claim: nothing else was due a moment ago. The end of each job just started polls
      // again (and looks for the next due job then), so a webhook's job costs one claim, not a claim
      // that finds nothing and a look at the next due job as well. A job coming due while these run
      // is claimed when one of them ends, or at the next timed poll (JOB_POLL_INTERVAL_MS), as before
      // when every worker was busy.
      if (!full) return;
    }
  }

  /**
   * Nothing is due: when the next queued job comes due before the next poll,
   * look again at that moment (SLA steps fire on time, not up to a poll
   * interval late).
   */
  private async wakeForNext(): Promise<void> {
    // An ISO-8601 instant as text (runAt is UTC wall time): the same on pg and through Prisma.
    const rows = await this.deps.db.raw<{ next: string | null }>(
      `SELECT to_char(min("runAt"), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS next FROM "Job" WHERE status = 'QUEUED' AND queue = ANY($1::text[])`,
      Object.keys(this.handlers),
    );
    const next = rows[0]?.next;
    if (!next || this.stopped) return;
    const at = new Date(next);
    const delay = at.getTime() - this.deps.clock.now().getTime();
    if (delay <= 0 || delay >= this.pollIntervalMs) return;
    if (this.wake) clearTimeout(this.wake);
    this.wake = setTimeout(() => {
      this.wake = null;
      this.kick();
    }, delay + 1);
    this.wake.unref();
  }

  /** True when `queue` is a batch queue with `maxConcurrent` batches running on this instance (`backlogConcurrent` while its latest batch was full). */
  private atBatchCap(queue: string): boolean {
    const b = this.batchHandlers[queue];
    const cap = b && this.backlogged.has(queue) ? (b.backlogConcurrent ?? b.maxConcurrent) : b?.maxConcurrent;
    return cap !== undefined && (this.batchesRunning.get(queue) ?? 0) >= cap;
  }

  /** Claimed rows as they run: the rows of one batch queue together, every other job alone. */
  private groups(claimed: readonly ClaimedRow[]): ClaimedRow[][] {
    const out: ClaimedRow[][] = [];
    const byQueue = new Map<string, ClaimedRow[]>();
    for (const row of claimed) {
      if (!this.batchHandlers[row.queue]) {
        out.push([row]);
        continue;
      }
      let rows = byQueue.get(row.queue);
      if (!rows) {
        byQueue.set(row.queue, (rows = []));
        out.push(rows);
      }
      rows.push(row);
    }
    return out;
  }

  /**
   * Runs claimed jobs: a job of an ordinary queue alone; the jobs of a batch
   * queue (of one queue, from one claim) together, after claiming more due
   * jobs of the queue up to its `max`. `mayHaveMore`: false when the claim that
   * took `row` returned fewer rows than it asked for (no other job was due at
   * that moment), which saves the batch's extra claim statement; jobs enqueued
   * since are claimed by the kick that follows their commit. Returns how many
   * jobs ran.
   */
  private async runClaimed(claimed: readonly ClaimedRow[], mayHaveMore: boolean): Promise<number> {
    const row = claimed[0]!;
    const batch = this.batchHandlers[row.queue];
    const more = batch && batch.max > claimed.length && mayHaveMore ? await this.claim(batch.max - claimed.length, [row.queue]) : [];
    if (!batch || claimed.length + more.length === 1) {
      for (const r of claimed) await this.run(r);
      return claimed.length;
    }
    const rows = [...claimed, ...more];
    if (rows.length < batch.max) this.backlogged.delete(row.queue);
    else if (!this.backlogged.has(row.queue)) {
      // A full batch: the queue may now run backlogConcurrent batches; look for the next one now, not at this one's end.
      this.backlogged.add(row.queue);
      if ((batch.backlogConcurrent ?? 0) > (batch.maxConcurrent ?? Infinity)) this.kick(row.queue);
    }
    const started = performance.now();
    // A batch (and its jobs run one by one after a failure) may take longer than one job: the leases are renewed
    // meanwhile, so no other worker takes its jobs over.
    const renew = setInterval(
      () => {
        const now = this.deps.clock.now();
        this.deps.db
          .raw(
            `UPDATE "Job" SET "lockedUntil" = ${TS('$2')} WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE'`,
            rows.map((r) => r.id),
            iso(new Date(now.getTime() + this.leaseMs)),
          )
          .catch((err: unknown) => this.deps.logger.warn({ err }, 'renewing a job batch lease failed'));
      },
      Math.max(1_000, this.leaseMs / 3),
    );
    renew.unref();
    try {
      await batch.handler(
        this.deps,
        rows.map((r) => ({ payload: r.payload ?? {}, job: { id: r.id, queue: r.queue, attempt: Number(r.attempts), maxAttempts: Number(r.maxAttempts) } })),
      );
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error)?.message, queue: row.queue, jobs: rows.length }, 'job batch failed, running its jobs one by one');
      try {
        for (const r of rows) await this.run(r);
      } finally {
        clearInterval(renew);
      }
      return rows.length;
    }
    clearInterval(renew);
    const now = iso(this.deps.clock.now());
    await this.deps.db.raw(
      `UPDATE "Job" SET status = 'COMPLETED', "singletonKey" = NULL, "lockedUntil" = NULL, "completedAt" = ${TS('$2')}, "updatedAt" = ${TS('$2')} WHERE id = ANY($1::uuid[])`,
      rows.map((r) => r.id),
      now,
    );
    const seconds = (performance.now() - started) / 1000;
    for (const r of rows) recordJob(r.queue, 'completed', seconds);
    return rows.length;
  }

  /** Claims up to `limit` due jobs (QUEUED and due, or ACTIVE with an expired lease) of `queues` (default: every queue with a handler). */
  private async claim(limit: number, queues: string[] = Object.keys(this.handlers)): Promise<ClaimedRow[]> {
    if (limit <= 0) return [];
    const now = this.deps.clock.now();
    return this.deps.db.raw<ClaimedRow>(
      `UPDATE "Job" j SET status = 'ACTIVE', attempts = j.attempts + 1, "lockedUntil" = ${TS('$2')}, "updatedAt" = ${TS('$1')}
        WHERE j.id IN (
          SELECT id FROM "Job"
           WHERE queue = ANY($3::text[])
             AND ((status = 'QUEUED' AND "runAt" <= ${TS('$1')}) OR (status = 'ACTIVE' AND "lockedUntil" < ${TS('$1')}))
           ORDER BY "runAt", id
           LIMIT $4
           FOR UPDATE SKIP LOCKED)
        RETURNING j.id::text, j.queue, j.payload, j.attempts, j."maxAttempts", j."singletonKey"`,
      iso(now),
      iso(new Date(now.getTime() + this.leaseMs)),
      queues,
      limit,
    );
  }

  private async run(row: ClaimedRow): Promise<void> {
    const handler = this.handlers[row.queue]!;
    const job: JobInfo = { id: row.id, queue: row.queue, attempt: Number(row.attempts), maxAttempts: Number(row.maxAttempts) };
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      await handler(this.deps, row.payload ?? {}, job);
      await this.finish(row.id, 'COMPLETED', null);
      recordJob(row.queue, 'completed', seconds());
      const schedule = row.singletonKey?.startsWith('cron:') ? this.schedules.find((s) => `cron:${s.name}` === row.singletonKey) : undefined;
      if (schedule) await this.plant(schedule);
    } catch (err) {
      const message = String((err as Error)?.stack ?? err).slice(0, 4000);
      const dead = err instanceof PermanentJobError || job.attempt >= job.maxAttempts;
      recordJob(row.queue, dead ? 'dead' : 'retry', seconds());
      if (dead) {
        this.deps.logger.error({ err, jobId: row.id, queue: row.queue, attempt: job.attempt }, 'job failed for good (dead letter)');
        await this.finish(row.id, 'FAILED', message);
        const schedule = row.singletonKey?.startsWith('cron:') ? this.schedules.find((s) => `cron:${s.name}` === row.singletonKey) : undefined;
        if (schedule) await this.plant(schedule);
        return;
      }
      const delay = err instanceof RetryLater ? err.delayMs : backoffMs(job.attempt);
      this.deps.logger.warn({ err: (err as Error)?.message, jobId: row.id, queue: row.queue, attempt: job.attempt, retryInMs: delay }, 'job failed, will retry');
      const now = this.deps.clock.now();
      await this.deps.db.raw(
        `UPDATE "Job" SET status = 'QUEUED', "runAt" = ${TS('$2')}, "lockedUntil" = NULL, "lastError" = $3, "updatedAt" = ${TS('$4')} WHERE id = $1::uuid`,
        row.id,
        iso(new Date(now.getTime() + delay)),
        message,
        iso(now),
      );
    }
  }

  private async finish(id: string, status: 'COMPLETED' | 'FAILED', error: string | null): Promise<void> {
    const now = iso(this.deps.clock.now());
    await this.deps.db.raw(
      `UPDATE "Job" SET status = $2::"JobStatus", "singletonKey" = NULL, "lockedUntil" = NULL, "lastError" = COALESCE($3, "lastError"),
              "completedAt" = ${TS('$4')}, "updatedAt" = ${TS('$4')} WHERE id = $1::uuid`,
      id,
      status,
      error,
      now,
    );
  }

  /** Enqueues the next occurrence of a schedule (a singleton, so every instance may plant it). */
  private async plant(s: Schedule): Promise<void> {
    const now = this.deps.clock.now();
    const next = CronExpressionParser.parse(s.cron, { currentDate: now, tz: 'UTC' }).next().toDate();
    await enqueue(this.deps.db.prisma, now, s.queue, s.payload ?? {}, { runAt: next, singletonKey: `cron:${s.name}`, maxAttempts: 1 });
  }
}
