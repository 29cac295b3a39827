/**
 * `GET /metrics`: Prometheus text format (prom-client). Protected by
 * `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set (401
 * otherwise); open when unset (bind the port privately or set the token).
 *
 * | metric | type | labels | fed by |
 * | --- | --- | --- | --- |
 * | hub_http_request_duration_seconds | histogram | method, route, status_code | http/request-log.ts |
 * | hub_graphql_operation_duration_seconds | histogram | operation_name, operation_type | http/observability.ts (Apollo plugin) |
 * | hub_graphql_errors_total | counter | code | http/observability.ts |
 * | hub_webhook_deliveries_total | counter | provider, outcome (stored, duplicate, unrouted, rejected, handshake, invalid, error) | http/webhooks.ts |
 * | hub_inbound_processing_lag_seconds | histogram | provider | receivedAt → processed, modules/thread/inbound.service.ts |
 * | hub_job_runs_total | counter | queue, outcome (completed, retry, dead) | jobs/queue.ts |
 * | hub_job_failures_total | counter | queue | jobs/queue.ts (retry + dead) |
 * | hub_job_duration_seconds | histogram | queue | jobs/queue.ts |
 * | hub_job_queue_depth | gauge | queue, status (QUEUED, ACTIVE, FAILED) | counted at scrape |
 * | hub_job_queue_due | gauge | queue | QUEUED jobs whose runAt has passed, counted at scrape |
 * | hub_websocket_connections | gauge | | open graphql-ws sockets |
 * | hub_graphql_ws_operations | gauge | | running operations (subscriptions) on those sockets |
 * | hub_sla_threads_overdue | gauge | | threads with a breached running SLA clock (filter sla: BREACHED), counted at scrape |
 * | hub_sla_steps_fired_total | counter | action (REMIND, ALERT, ESCALATE, EXECUTIVE_ALERT) | modules/sla/engine.ts |
 * | hub_db_pool_connections | gauge | state (total, idle, waiting, max) | PostgreSQL pool (absent on PGlite) |
 * | process_*, nodejs_* | | | prom-client's default metrics |
 *
 * Label values that come from clients (GraphQL operation names) are bounded:
 * names must look like identifiers and at most MAX_OPERATION_NAMES distinct
 * ones are kept, the rest count as `other`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SLA_RUNNING_STATUSES } from '../modules/sla/engine.js';
import type { ServerOptions } from 'graphql-ws';
import type { WebSocketServer } from 'ws';
import type { AppDeps } from '../shared/app.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export const metrics = {
  httpDuration: new Histogram({
    name: 'hub_http_request_duration_seconds',
    help: 'HTTP request duration (to the last byte) by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  }),
  graphqlDuration: new Histogram({
    name: 'hub_graphql_operation_duration_seconds',
    help: 'GraphQL operation duration over HTTP, by operation name and type.',
    labelNames: ['operation_name', 'operation_type'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  }),
  graphqlErrors: new Counter({
    name: 'hub_graphql_errors_total',
    help: 'GraphQL errors sent to clients, by extensions.code (INTERNAL_SERVER_ERROR: unexpected, logged with their stack).',
    labelNames: ['code'] as const,
    registers: [registry],
  }),
  webhookDeliveries: new Counter({
    name: 'hub_webhook_deliveries_total',
    help: 'Provider webhook requests by provider and outcome (stored, duplicate, unrouted, rejected, handshake, invalid, error).',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  }),
  inboundLag: new Histogram({
    name: 'hub_inbound_processing_lag_seconds',
    help: 'Time from a webhook delivery being stored to its processing finishing, by provider.',
    labelNames: ['provider'] as const,
    buckets: LAG_BUCKETS,
    registers: [registry],
  }),
  jobRuns: new Counter({
    name: 'hub_job_runs_total',
    help: 'Job runs by queue and outcome (completed, retry: failed and rescheduled, dead: failed for good).',
    labelNames: ['queue', 'outcome'] as const,
    registers: [registry],
  }),
  jobFailures: new Counter({
    name: 'hub_job_failures_total',
    help: 'Failed job runs by queue (retried or dead-lettered).',
    labelNames: ['queue'] as const,
    registers: [registry],
  }),
  jobDuration: new Histogram({
    name: 'hub_job_duration_seconds',
    help: 'Job handler duration by queue.',
    labelNames: ['queue'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  }),
  jobDepth: new Gauge({
    name: 'hub_job_queue_depth',
    help: 'Jobs by queue and status (QUEUED includes delayed jobs; FAILED are dead letters kept for replay).',
    labelNames: ['queue', 'status'] as const,
    registers: [registry],
  }),
  jobDue: new Gauge({
    name: 'hub_job_queue_due',
    help: 'QUEUED jobs whose time has come (the backlog), by queue.',
    labelNames: ['queue'] as const,
    registers: [registry],
  }),
  subscriptionExecutions: new Counter({
    name: 'hub_subscription_executions_total',
    help: 'Subscription events executed (graphql-js execute), once per event and audience: subscribers with the same document, variables and role share one (http/shared-subscriptions.ts).',
    registers: [registry],
  }),
  subscriptionDeliveries: new Counter({
    name: 'hub_subscription_deliveries_total',
    help: 'Subscription results handed to subscribers (one per subscriber and event); deliveries / executions is the sharing factor.',
    registers: [registry],
  }),
  websockets: new Gauge({
    name: 'hub_websocket_connections',
    help: 'Open WebSocket connections on /graphql (graphql-ws).',
    registers: [registry],
  }),
  wsOperations: new Gauge({
    name: 'hub_graphql_ws_operations',
    help: 'Operations (subscriptions) running on graphql-ws sockets.',
    registers: [registry],
  }),
  slaOverdue: new Gauge({
    name: 'hub_sla_threads_overdue',
    help: 'Open threads whose response due date (SLA) has passed.',
    registers: [registry],
  }),
  slaStepsFired: new Counter({
    name: 'hub_sla_steps_fired_total',
    help: 'SLA escalation steps fired, by action.',
    labelNames: ['action'] as const,
    registers: [registry],
  }),
  dbPool: new Gauge({
    name: 'hub_db_pool_connections',
    help: 'PostgreSQL connection pool: total, idle, waiting clients and max (not exported on PGlite).',
    labelNames: ['state'] as const,
    registers: [registry],
  }),
};

/** Outcome of one webhook request (hub_webhook_deliveries_total). */
export type WebhookOutcome = 'stored' | 'duplicate' | 'unrouted' | 'rejected' | 'handshake' | 'invalid' | 'error';

export function recordWebhook(provider: string, outcome: WebhookOutcome): void {
  metrics.webhookDeliveries.inc({ provider, outcome });
}

/** A job run ended (jobs/queue.ts). */
export function recordJob(queue: string, outcome: 'completed' | 'retry' | 'dead', seconds: number): void {
  metrics.jobRuns.inc({ queue, outcome });
  if (outcome !== 'completed') metrics.jobFailures.inc({ queue });
  metrics.jobDuration.observe({ queue }, seconds);
}

/** An SLA escalation step fired (modules/sla/engine.ts). */
export function recordSlaStep(action: string): void {
  metrics.slaStepsFired.inc({ action });
}

/** A stored webhook delivery finished processing, `seconds` after it was received. */
export function recordInboundLag(provider: string, seconds: number): void {
  metrics.inboundLag.observe({ provider }, Math.max(0, seconds));
}

const MAX_OPERATION_NAMES = 200;
const seenOperationNames = new Set<string>();
/** A bounded label value for a client-chosen operation name. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
  if (seenOperationNames.has(name)) return name;
  if (seenOperationNames.size >= MAX_OPERATION_NAMES) return 'other';
  seenOperationNames.add(name);
  return name;
}

/**
 * Counts open sockets and running operations of a graphql-ws server: wraps
 * `options`' hooks (the originals still run, first) and watches `wss`.
 */
// biome-ignore lint/suspicious/noExplicitAny: any graphql-ws server options (their context and extra types do not matter here)
export function instrumentSockets<O extends ServerOptions<any, any>>(wss: WebSocketServer, options: O): O {
  wss.on('connection', (socket) => {
    metrics.websockets.inc();
    socket.once('close', () => metrics.websockets.dec());
  });
  const running = new WeakMap<object, Set<string>>();
  const done = (ctx: object, id: string) => {
    if (running.get(ctx)?.delete(id)) metrics.wsOperations.dec();
  };
  return {
    ...options,
    onOperation: async (ctx, id, ...rest) => {
      const out = await options.onOperation?.(ctx, id, ...rest);
      let ids = running.get(ctx);
      if (!ids) running.set(ctx, (ids = new Set()));
      if (!ids.has(id)) {
        ids.add(id);
        metrics.wsOperations.inc();
      }
      return out;
    },
    onComplete: async (ctx, id, ...rest) => {
      done(ctx, id);
      return options.onComplete?.(ctx, id, ...rest);
    },
    onClose: async (ctx, ...rest) => {
      for (const id of [...(running.get(ctx) ?? [])]) done(ctx, id);
      return options.onClose?.(ctx, ...rest);
    },
  } as O;
}

/** Figures read at scrape time: job queue depth, overdue threads, pool usage. */
async function refreshGauges(deps: AppDeps): Promise<void> {
  const now = deps.clock.now().toISOString();
  const queues = Object.keys(deps.jobs.handlers);
  const rows = await deps.db.prisma.$queryRawUnsafe<{ queue: string; status: string; n: number; due: number }[]>(
    `SELECT queue, status::text AS status, count(*)::int AS n,
            count(*) FILTER (WHERE status = 'QUEUED' AND "runAt" <= ($1::timestamptz AT TIME ZONE 'UTC'))::int AS due
       FROM "Job" WHERE status <> 'COMPLETED' GROUP BY queue, status`,
    now,
  );
  metrics.jobDepth.reset();
  metrics.jobDue.reset();
  for (const queue of queues) {
    for (const status of ['QUEUED', 'ACTIVE', 'FAILED']) metrics.jobDepth.set({ queue, status }, 0);
    metrics.jobDue.set({ queue }, 0);
  }
  for (const r of rows) {
    metrics.jobDepth.set({ queue: r.queue, status: r.status }, Number(r.n));
    if (r.status === 'QUEUED') metrics.jobDue.set({ queue: r.queue }, Number(r.due));
  }
  const overdue = await deps.db.prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "Thread"
      WHERE status::text = ANY($2::text[]) AND "deletedAt" IS NULL
        AND ("slaDueAt" <= ($1::timestamptz AT TIME ZONE 'UTC') OR ("slaPolicyId" IS NULL AND "responseDueAt" < ($1::timestamptz AT TIME ZONE 'UTC')))`,
    now,
    SLA_RUNNING_STATUSES,
  );
  metrics.slaOverdue.set(Number(overdue[0]?.n ?? 0));
  const pool = deps.db.poolStats?.();
  if (pool) for (const [state, n] of Object.entries(pool)) metrics.dbPool.set({ state }, n);
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `GET /metrics`; mount once at the application root. */
export function createMetricsRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  const token = deps.config.METRICS_TOKEN;
  router.get('/metrics', async (req, res) => {
    if (token) {
      const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '';
      if (!timingSafeEqual(digest(given), digest(token))) {
        res.status(401).setHeader('www-authenticate', 'Bearer realm="metrics"').json({ error: 'unauthorized' });
        return;
      }
    }
    try {
      await refreshGauges(deps);
    } catch (err) {
      // The database being down must not hide the process figures.
      deps.logger.warn({ err }, 'metrics: database figures unavailable');
    }
    res.setHeader('content-type', registry.contentType);
    res.setHeader('cache-control', 'no-store');
    res.send(await registry.metrics());
  });
  return router;
}
