/**
 * `GET /analytics/export.csv?token=<signed link from exportThreads>`: streams
 * the threads CSV (modules/analytics/export.ts). A bad, foreign or expired
 * token → 403 JSON; no session is needed (the signed link is the
 * authorization, issued only to viewers allowed to run `exportThreads`).
 * Response: `text/csv; charset=utf-8`, `Content-Disposition: attachment`,
 * `Cache-Control: no-store`.
 */
import express, { type Request, type Response } from 'express';
import type { AppDeps } from '../shared/app.js';
import { exportFileName, streamThreadsCsv, verifyExportToken } from '../modules/analytics/export.js';

export function createAnalyticsExportRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  router.get('/analytics/export.csv', async (req: Request, res: Response) => {
    const token = typeof req.query.token === 'string' && req.query.token.length <= 4096 ? req.query.token : '';
    const claims = token ? await verifyExportToken(deps, token) : null;
    if (!claims) {
      res.status(403).json({ error: 'FORBIDDEN', message: 'The export link is invalid or expired: export again.' });
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(claims)}"`);
    try {
      const rows = await streamThreadsCsv(deps, claims, res);
      deps.logger.info({ rows, organizationId: claims.org }, 'analytics export streamed');
    } catch (err) {
      deps.logger.warn({ err }, 'analytics export aborted');
      if (!res.headersSent) res.status(500).end();
      else res.destroy();
    }
  });
  return router;
}
