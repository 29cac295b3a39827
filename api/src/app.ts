/**
 * Builds the process-wide dependencies: configuration, database (migrated),
 * pub/sub, secrets, clock and logger.
 */
import path from 'node:path';
import { loadConfig, type Config } from './config.js';
import { createDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import type { AppDeps } from './shared/app.js';
import { systemClock, type Clock } from './shared/clock.js';
import { SecretBox } from './shared/crypto.js';
import { createLogger } from './shared/logger.js';
import { createHubPubSub } from './shared/pubsub.js';
import { jobBatchHandlers, jobHandlers, jobSchedules } from './jobs/handlers.js';
import { JobQueue } from './jobs/queue.js';
import { LoginGuard } from './modules/auth/login-guard.js';
import { stopAnalyticsPulses } from './modules/analytics/pulse.js';

export interface CreateAppOptions {
  config?: Config;
  clock?: Clock;
  /** PGlite in memory instead of DATA_DIR (tests). */
  inMemory?: boolean;
}

export async function createApp(opts: CreateAppOptions = {}): Promise<AppDeps & { close(): Promise<void> }> {
  const config = opts.config ?? loadConfig();
  const logger = createLogger(config.LOG_LEVEL, config.LOG_FORMAT ?? (config.mode === 'production' ? 'json' : 'pretty'));
  // Only reachable in development mode: loadConfig refuses missing secrets in production.
  if (!config.APP_SECRET_KEY)
    logger.warn('development mode: APP_SECRET_KEY is not set, channel secrets are encrypted with the DEVELOPMENT key (`pnpm start` refuses to run like this).');
  if (!config.JWT_SECRET) logger.warn('development mode: JWT_SECRET is not set, session tokens are signed with the DEVELOPMENT secret (`pnpm start` refuses to run like this).');
  const db = await createDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: opts.inMemory || config.DATABASE_URL ? undefined : path.resolve(config.DATA_DIR, 'pglite'),
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  const result = await migrate(db.sql);
  if (result.applied.length) logger.info({ applied: result.applied, database: db.kind }, 'migrations applied');
  const pubsub = createHubPubSub(
    config.REDIS_URL,
    (err) => logger.warn({ err }, 'pub/sub event not published'),
    (err, missed) => logger.warn({ err, missed }, 'a subscription fell more than 1,024 events behind: it missed events'),
    (err, count) => logger.warn({ err, count }, 'Redis pub/sub connection error (ioredis reconnects)'),
  );
  const loginGuard = new LoginGuard(config);
  const deps = { config, db, clock: opts.clock ?? systemClock, pubsub, secrets: new SecretBox(config.appSecretKey), logger, loginGuard } as AppDeps;
  // PGlite is one in-process connection: jobs in parallel would only queue behind each other (and webhook acknowledgements behind them).
  deps.jobs = new JobQueue(deps, {
    handlers: jobHandlers,
    batchHandlers: jobBatchHandlers,
    schedules: jobSchedules,
    leaseMs: config.JOB_LEASE_MS,
    concurrency: db.kind === 'pglite' ? 1 : config.JOB_CONCURRENCY,
  });
  return Object.assign(deps, {
    close: async () => {
      await deps.jobs.stop();
      stopAnalyticsPulses(deps);
      await pubsub.close();
      await loginGuard.close();
      await db.close();
    },
  });
}
