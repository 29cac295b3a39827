/**
 * Health edges: `GET /health/live` (the process answers) and `GET /health/ready`
 * (the database answers a query and the job queue runs): JSON, 503 when not
 * ready. `GET /healthz` stays as the readiness check for existing probes.
 */
import express, { type Response } from 'express';
import type { AppDeps } from '../shared/app.js';

async function ready(deps: AppDeps, res: Response): Promise<void> {
  const checks: Record<string, boolean> = {};
  try {
    await deps.db.prisma.$queryRawUnsafe('SELECT 1');
    checks.database = true;
  } catch {
    checks.database = false;
  }
  checks.jobs = deps.jobs.isRunning();
  const ok = Object.values(checks).every(Boolean);
  res.status(ok ? 200 : 503).json({ ok, database: deps.db.kind, checks });
}

export function createHealthRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  router.get('/health/live', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/health/ready', (_req, res) => ready(deps, res));
  router.get('/healthz', (_req, res) => ready(deps, res));
  return router;
}
