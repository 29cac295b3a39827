/**
 * Request logging and HTTP metrics, mounted first.
 *
 * - Every request gets an id: the client's `X-Request-Id` when it is a sane
 *   token (1–128 of `A-Z a-z 0-9 . _ : @ / + = -`), a UUID otherwise; it is
 *   echoed in the response's `X-Request-Id`.
 * - The request runs inside a log scope (shared/logger.ts): every line logged
 *   while it is handled, by any service, carries `reqId`, and once GraphQL
 *   knows them `operationName` and `viewer` (http/observability.ts).
 * - One line per request when it ends (pino-http): method, path (never the
 *   query string: signed media links and handshake tokens stay out of logs),
 *   status, `durationMs`; probes, /metrics and static assets at debug level,
 *   4xx at warn, 5xx at error (502 and 504, a provider's failure the handler
 *   logged, at warn). Headers are not logged (Authorization).
 * - hub_http_request_duration_seconds by method, route (a fixed set) and status.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { AppDeps } from '../shared/app.js';
import { requestLogScope, type RequestLogScope } from '../shared/logger.js';
import { metrics } from './metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
/**
 * Statuses the hub answers when a provider failed (the media proxy: 502), whose handler logs the
 * provider's error as a warning: their access line is a warning too, without pino-http's made-up error.
 */
const UPSTREAM_FAILURE = new Set([502, 504]);
const SCOPE = Symbol('hub.logScope');
type Scoped = IncomingMessage & { [SCOPE]?: RequestLogScope; originalUrl?: string };

const pathOf = (req: Scoped) => (req.originalUrl ?? req.url ?? '/').split('?')[0]!;

/** A bounded route label: the set of edges the hub serves. */
export function routeLabel(path: string, status: number): string {
  if (path === '/graphql' || path === '/graphql/') return '/graphql';
  if (/^\/webhooks\/[^/]+(\/[^/]+)?\/?$/.test(path) && status !== 404) return '/webhooks/:provider';
  if (path.startsWith('/media/') && status !== 404) return '/media/:messageId/:index';
  if (['/health/live', '/health/ready', '/healthz', '/metrics'].includes(path)) return path;
  if (status === 404) return 'not_found';
  if (path.startsWith('/assets/')) return '/assets/*';
  return 'web';
}

const QUIET = /^\/(health\/|healthz$|metrics$|assets\/|favicon)/;

/** The request's id: a well-formed X-Request-Id it came with, else a new UUID; answered as X-Request-Id. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export function createRequestObserver(deps: Pick<AppDeps, 'logger'>): RequestHandler {
  const httpLog = pinoHttp<Scoped, ServerResponse>({
    logger: deps.logger,
    genReqId: requestId,
    // The request's own line carries reqId / operationName / viewer at top level (below); `req` stays small.
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, path: (req.url ?? '').split('?')[0] }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customAttributeKeys: { responseTime: 'durationMs' },
    customLogLevel: (req, res, err) => {
      if (err) return 'error';
      if (UPSTREAM_FAILURE.has(res.statusCode)) return 'warn';
      if (res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return QUIET.test(pathOf(req)) ? 'debug' : 'info';
    },
    customSuccessObject: (req, _res, val) => ({ ...val, ...scopeFields(req) }),
    // pino-http makes up an Error ("failed with status code 502") for any 5xx: a provider's failure is not the hub's, no stack.
    customErrorObject: (req, res, _err, val) => {
      const { err: _made, ...rest } = val as Record<string, unknown>;
      return { ...(UPSTREAM_FAILURE.has(res.statusCode) && !res.err ? rest : val), ...scopeFields(req) };
    },
    customSuccessMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
  });

  return (req, res, next) => {
    const started = performance.now();
    // LOG_LEVEL=silent: no access line can be written, so pino-http's per-request child loggers and
    // log objects are not built (issue 8 §1: ~0.15 ms of CPU per request); the id is still given.
    if (deps.logger.isLevelEnabled('fatal')) httpLog(req as unknown as Scoped, res);
    else (req as Request & { id: unknown }).id = requestId(req, res);
    const scope: RequestLogScope = { reqId: String((req as Request & { id: unknown }).id) };
    (req as unknown as Scoped)[SCOPE] = scope;
    res.once('finish', () => {
      metrics.httpDuration.observe(
        { method: req.method, route: routeLabel(pathOf(req as unknown as Scoped), res.statusCode), status_code: String(res.statusCode) },
        (performance.now() - started) / 1000,
      );
    });
    requestLogScope.run(scope, next);
  };
}

function scopeFields(req: Scoped): Record<string, string> {
  const s = req[SCOPE];
  if (!s) return {};
  return { reqId: s.reqId, ...(s.operationName ? { operationName: s.operationName } : {}), ...(s.viewer ? { viewer: s.viewer } : {}) };
}
