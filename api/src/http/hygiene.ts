/**
 * HTTP hygiene of the one port: security headers, compression, the web app's
 * caching, and JSON 404s for every path under the API.
 *
 * Security headers (helmet) on every response:
 * - Content-Security-Policy for the inbox: scripts only from the hub itself
 *   (the built index.html has no inline script), styles from the hub plus
 *   'unsafe-inline' (Mantine injects <style> tags and style attributes),
 *   images from the hub, data:/blob: and https: (sanitised e-mail bodies may
 *   show https images), connections to the hub and its own ws:/wss: origin
 *   (graphql-ws), no plugins, no frames, `frame-ancestors 'none'` (nobody may
 *   frame the inbox; X-Frame-Options DENY for old browsers too).
 *   /graphql gets only `frame-ancestors 'none'; object-src 'none'; base-uri 'none'`:
 *   its answers are JSON, and Apollo's landing page loads its own scripts.
 * - Strict-Transport-Security only when the request came over TLS
 *   (`req.secure`, which trusts X-Forwarded-Proto from a loopback proxy): a
 *   plain-HTTP `pnpm demo` on localhost must not pin the browser to https.
 * - X-Content-Type-Options nosniff, Referrer-Policy no-referrer,
 *   Cross-Origin-Opener-Policy and -Resource-Policy same-origin.
 *
 * Compression (gzip, or brotli when the client prefers it) for the web app,
 * GraphQL and JSON answers above 1 KiB; never for /media (provider files,
 * streamed and mostly compressed already). graphql-ws is a WebSocket upgrade:
 * Express never sees it.
 *
 * The web app (WEB_DIST): `assets/*` are content-hashed by Vite and cached for
 * a year, immutable; everything else (index.html first) is `no-cache`
 * (revalidated with its ETag on every load). Source maps are never served.
 * Unknown paths under /graphql/, /webhooks, /media, /health, /metrics, /api
 * (and the probes' other usual names) answer 404 JSON, never index.html.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';
import proxyaddr from 'proxy-addr';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { AppDeps } from '../shared/app.js';

const HSTS = 'max-age=31536000; includeSubDomains';
/** Paths that belong to the API (or to probes): never answered with the web app. */
export const API_PATH = /^\/(graphql|webhooks|media|health|healthz|livez|readyz|metrics|api)(\/|$)/;

/** ws:/wss: of the host the page was loaded from (CSP 'self' does not cover WebSockets in every browser). */
function socketOrigins(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? `ws://${host} wss://${host}` : '';
}

const inboxCsp = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', 'https:'],
    'font-src': ["'self'", 'data:'],
    'media-src': ["'self'", 'blob:'],
    'connect-src': ["'self'", (req) => socketOrigins(req)],
    'worker-src': ["'self'", 'blob:'],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  },
});
const graphqlCsp = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    // Apollo's landing page (GET /graphql in a browser) loads its own scripts from Apollo's CDN.
    'default-src': helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
  },
});

const otherHeaders = helmet({
  contentSecurityPolicy: false,
  // Set below, only over TLS.
  strictTransportSecurity: false,
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
});

/** The proxies whose X-Forwarded-For/-Proto are believed: Express' `trust proxy` (server.ts) and the webhook edge's HSTS alike. */
export const TRUST_PROXY = 'loopback';
const trustedProxy = proxyaddr.compile(TRUST_PROXY);

/** Whether `req` came over TLS: its own socket, or X-Forwarded-Proto `https` from a trusted (loopback) proxy, as Express' `req.secure`. */
function cameOverTls(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  const proto = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' && trustedProxy(req.socket.remoteAddress ?? '', 0);
}

type HeaderMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * The header changes that helmet middlewares whose headers do not depend on the request make,
 * recorded once on a stand-in response: `[name, value]` to set, or `[name, null]` to remove
 * (helmet's x-powered-by). Replaying them costs one setHeader per header instead of a dozen
 * middleware calls per request (issue 8 §1: helmet's chain was ~10 % of a small GraphQL request).
 * @throws Error when a middleware fails on the stand-in request
 */
function recordedHeaders(...middlewares: HeaderMiddleware[]): [string, string | null][] {
  const changes: [string, string | null][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => void changes.push([name, String(value)]),
    removeHeader: (name: string) => void changes.push([name, null]),
    getHeader: () => undefined,
  };
  const probe = { headers: {}, method: 'GET', url: '/' } as never;
  for (const middleware of middlewares)
    middleware(probe, recorder as never, (err?: unknown) => {
      if (err) throw err;
    });
  return changes;
}

function replay(res: ServerResponse, changes: readonly [string, string | null][]): void {
  for (const [name, value] of changes) {
    if (value === null) res.removeHeader(name);
    else res.setHeader(name, value);
  }
}

/** `otherHeaders`' changes: the same on every response. */
const otherHeaderChanges = recordedHeaders(otherHeaders as HeaderMiddleware);
/** /graphql's CSP and the other headers: nothing in them depends on the request. */
const graphqlHeaderChanges = recordedHeaders(graphqlCsp as HeaderMiddleware, otherHeaders as HeaderMiddleware);

/**
 * The security headers of an API answer (JSON or text for a machine: the webhook edge) for a
 * request Express does not see: those of `otherHeaders`, a CSP that allows nothing
 * (`default-src 'none'; frame-ancestors 'none'`), and HSTS over TLS.
 */
export function apiSecurityHeaders(): (req: IncomingMessage, res: ServerResponse) => void {
  const apiCsp = helmet.contentSecurityPolicy({ useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } });
  const changes = recordedHeaders(apiCsp as HeaderMiddleware, otherHeaders as HeaderMiddleware);
  return (req, res) => {
    replay(res, changes);
    if (cameOverTls(req)) res.setHeader('Strict-Transport-Security', HSTS);
  };
}

/**
 * helmet, the CSP that fits the request, and HSTS over TLS. /graphql's headers and those besides
 * the inbox's CSP are recorded once ({@link recordedHeaders}); the inbox's CSP names the request's
 * own ws:/wss: origin, so it runs per request.
 */
export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
    if (req.path === '/graphql' || req.path.startsWith('/graphql/')) {
      replay(res, graphqlHeaderChanges);
      return next();
    }
    inboxCsp(req, res, (err?: unknown) => {
      if (err) return next(err);
      replay(res, otherHeaderChanges);
      next();
    });
  };
}

/**
 * gzip / brotli, except for /media and clients that ask for none. A request without
 * Accept-Encoding skips the middleware (and its wrapping of every response's writes): its answer
 * is identity-encoded either way, and one stored by a cache without `Vary` serves any client.
 */
export function compressResponses(): RequestHandler {
  const compress = compression({
    threshold: 1024,
    filter: (req, res) => {
      if ((req.originalUrl ?? req.url ?? '').startsWith('/media/')) return false;
      return compression.filter(req, res);
    },
  });
  return (req, res, next) => (req.headers['accept-encoding'] ? compress(req, res, next) : next());
}

export function notFoundJson(_req: Request, res: Response): void {
  res.status(404).json({ error: 'not found' });
}

/** /graphql/<anything>: Apollo would answer any sub-path; only /graphql itself is GraphQL. */
export const graphqlSubpathsNotFound: RequestHandler = (req, res, next) => {
  if (/^\/graphql\/./.test(req.path)) return notFoundJson(req, res);
  next();
};

/**
 * Mount last: the built web app when WEB_DIST holds one, JSON 404 for API
 * paths and anything else unknown, and a JSON error handler (no HTML error
 * pages, no stacks to clients; unexpected errors logged with their stack).
 */
export function mountWebApp(app: express.Express, deps: Pick<AppDeps, 'config' | 'logger'>): void {
  const dist = deps.config.WEB_DIST;
  const hasWebApp = existsSync(path.join(dist, 'index.html'));
  app.use((req, res, next) => (API_PATH.test(req.path) || req.path.endsWith('.map') ? notFoundJson(req, res) : next()));
  if (hasWebApp) {
    // Content-hashed by Vite: a new build has new names.
    app.use('/assets', express.static(path.join(dist, 'assets'), { index: false, immutable: true, maxAge: '1y', fallthrough: true }));
    // A missing chunk must not come back as index.html (the browser would try to run HTML).
    app.use('/assets', notFoundJson);
    app.use(
      express.static(dist, {
        index: false,
        setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
      }),
    );
    app.get(/.*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(dist, 'index.html'));
    });
  }
  app.use(notFoundJson);
  const onError: ErrorRequestHandler = (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const status = Number((err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode ?? 500);
    if (status >= 500) deps.logger.error({ err, path: req.path }, 'unexpected error in an HTTP request');
    const expose = status < 500 && (err as { expose?: boolean }).expose !== false;
    res.status(status).json({ error: expose ? String((err as Error).message ?? 'bad request') : 'internal server error' });
  };
  app.use(onError);
}
