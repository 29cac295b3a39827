/**
 * The process-wide dependencies every service receives. Built once by
 * createApp() (api/src/app.ts) and by the test harness (api/test/harness.ts).
 */
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Clock } from './clock.js';
import type { SecretBox } from './crypto.js';
import type { Logger } from './logger.js';
import type { HubPubSub } from './pubsub.js';
import type { JobQueue } from '../jobs/queue.js';
import type { LoginGuard } from '../modules/auth/login-guard.js';

export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  pubsub: HubPubSub;
  secrets: SecretBox;
  logger: Logger;
  /** The durable job queue (jobs/queue.ts); started by runHub, drained by tests. */
  jobs: JobQueue;
  /** Failed-login counters and lockouts (modules/auth/login-guard.ts). */
  loginGuard: LoginGuard;
}
