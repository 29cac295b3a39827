/**
 * Health edges: `GET /health/live` (the process answers) and `GET /health/ready`
 * (ready for traffic): JSON `{ ok, database, checks: { database, migrations,
 * jobs, redis? } }`, 200 when every check passes, 503 otherwise. Checks: the
 * database answers `SELECT 1`; every migration under prisma/migrations is
 * recorded as applied; the job queue runs; Redis answers PING when `REDIS_URL`
 * is set. Each check gives up after READY_CHECK_TIMEOUT_MS (a database that
 * hangs counts as down). `GET /healthz` stays as the readiness check for
 * existing probes.
 */
import express, { type Response } from 'express';
import { migrationNames } from '../db/migrate.js';
import type { AppDeps } from '../shared/app.js';

/** How long one readiness check may take, in ms. */
export const READY_CHECK_TIMEOUT_MS = 2000;

/** `fn` resolved to a boolean, false when it throws or takes longer than the timeout. */
async function check(fn: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([fn().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function ready(deps: AppDeps, expected: string[], res: Response): Promise<void> {
  const checks: Record<string, boolean> = {};
  checks.database = await check(async () => {
    await deps.db.prisma.$queryRawUnsafe('SELECT 1');
    return true;
  });
  checks.migrations =
    checks.database &&
    (await check(async () => {
      const rows = await deps.db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      const applied = new Set(rows.map((r) => r.migration_name));
      return expected.every((m) => applied.has(m));
    }));
  checks.jobs = deps.jobs.isRunning();
  const redis = await check(async () => (await deps.pubsub.ping()) !== false);
  if (deps.config.REDIS_URL) checks.redis = redis;
  const ok = Object.values(checks).every(Boolean);
  res.status(ok ? 200 : 503).json({ ok, database: deps.db.kind, checks });
}

export function createHealthRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  const expected = migrationNames();
  router.get('/health/live', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/health/ready', (_req, res) => ready(deps, expected, res));
  router.get('/healthz', (_req, res) => ready(deps, expected, res));
  return router;
}
