/**
 * The one webhook edge: `GET|POST /webhooks/<provider>[/<subpath>]` for every
 * provider in channels/registry.ts. Adding a provider changes nothing here.
 *
 * For each request: the body is read as raw bytes (bounded by the adapter's
 * `maxBodyBytes`, default 1 MiB: 413 above), then
 *   1. `handshake` may answer at once (verification requests; nothing stored);
 *   2. `authenticate` verifies the signature / clientState on the raw bytes and
 *      routes to channel(s); a rejection (401/403/400) stores nothing;
 *   3. the delivery is stored once per channel (InboundEvent, deduplicated by
 *      the adapter's key) together with its processing job, in one statement
 *      shared with the webhooks that arrive meanwhile (group commit,
 *      modules/thread/delivery.store.ts), and once it has committed the
 *      adapter's acknowledgement is sent. Processing runs from the job queue
 *      (modules/thread/inbound.service.ts).
 * A failure to store answers 500 (to every webhook of the failed statement) so
 * the provider redelivers.
 *
 * Served on Node's own request and response, ahead of Express (server.ts): the
 * busiest edge of the hub does not walk Express' router, compression and
 * per-request CSP (in a CPU profile at 300 webhooks/s, Express, its router,
 * compression and helmet were ~0.25 ms of the ~1 ms the main thread spent per
 * webhook: docs/measurements.md "Stop 26"). It keeps what every response of
 * the hub gets: the request log line, request id and metrics
 * (http/request-log.ts) and the security headers of an API answer
 * (http/hygiene.ts `apiSecurityHeaders`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { adaptersByProvider } from '../channels/registry.js';
import type { WebhookRequest, WebhookResponse } from '../channels/types.js';
import { storeDelivery } from '../modules/thread/delivery.store.js';
import { channelDirectory } from '../modules/channel/channel.directory.js';
import type { AppDeps } from '../shared/app.js';
import { apiSecurityHeaders } from './hygiene.js';
import { recordWebhook, type WebhookOutcome } from './metrics.js';
import { createRequestObserver } from './request-log.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** `/webhooks/<provider>[/<subpath>][/][?query]`: what the edge serves; any other path under /webhooks is Express' (404). */
const WEBHOOK_PATH = /^\/webhooks\/([^/?#]+)(?:\/([^/?#]+))?\/?(?:\?(.*))?$/s;

type Req = IncomingMessage & { body?: unknown };

/** A string body with `; charset=utf-8`, as Express' `res.type(t).send(string)` writes it. */
function withCharset(type: string): string {
  return /;\s*charset=/i.test(type) ? type : `${type}; charset=utf-8`;
}

/** Writes an adapter's answer, or the edge's own (a JSON object body, or none), as Express' `res.type(t).send(…)` did. */
function send(res: ServerResponse, r: WebhookResponse): void {
  res.statusCode = r.status;
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  if (r.body === undefined) {
    res.end();
    return;
  }
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  res.setHeader('Content-Type', withCharset(r.contentType ?? (typeof r.body === 'string' ? 'text/plain' : 'application/json')));
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Query parameters as Express' default parser gives them to the adapters: the first value of each name. */
function queryOf(search: string | undefined): Record<string, string> {
  const query: Record<string, string> = {};
  if (!search) return query;
  for (const [k, v] of new URLSearchParams(search)) if (!(k in query)) query[k] = v;
  return query;
}

function toWebhookRequest(deps: AppDeps, req: Req, subpath: string, search: string | undefined): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  const pathAndQuery = req.url!.startsWith('/') ? req.url! : `/${req.url}`;
  return {
    method: req.method === 'GET' ? 'GET' : 'POST',
    subpath,
    query: queryOf(search),
    headers,
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    publicUrl: `${deps.config.publicUrl}${pathAndQuery}`,
  };
}

/** decodeURIComponent, or null for a malformed escape. */
function decoded(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/**
 * The webhook edge for Node's `request` event: returns false, touching nothing, for a request it
 * does not serve (any path but `/webhooks/<provider>[/<subpath>]`: the caller hands it to
 * Express), true when it answers the request itself (also 404 for an unknown provider or
 * subpath, 405, 413, 400 for an unreadable body, 500 when storing failed).
 */
export function createWebhookEdge(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const rawParsers = new Map<string, express.RequestHandler>();
  const observe = createRequestObserver(deps);
  const secure = apiSecurityHeaders();

  const handle = async (req: Req, res: ServerResponse, providerPart: string, subpathPart: string | undefined, search: string | undefined) => {
    const provider = decoded(providerPart) ?? '';
    const adapter = adaptersByProvider.get(provider);
    const sub = subpathPart === undefined ? '' : decoded(subpathPart);
    const subpath = sub ? `/${sub}` : '';
    let outcome: WebhookOutcome = 'invalid';
    res.once('finish', () => recordWebhook(adapter ? provider : 'unknown', res.statusCode >= 500 ? 'error' : outcome));
    if (!adapter?.webhook || sub === null || (subpath && !(adapter.webhook.subpaths ?? []).includes(subpath))) {
      send(res, { status: 404, body: { error: 'unknown webhook' } });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      send(res, { status: 405, headers: { allow: 'GET, POST' } });
      return;
    }
    const hook = adapter.webhook;
    let parse = rawParsers.get(provider);
    if (!parse) {
      parse = express.raw({ type: () => true, limit: hook.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES });
      rawParsers.set(provider, parse);
    }
    try {
      await new Promise<void>((resolve, reject) => parse!(req as never, res as never, (err?: unknown) => (err ? reject(err) : resolve())));
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      send(res, { status, body: { error: status === 413 ? 'body too large' : 'unreadable body' } });
      return;
    }

    const wreq = toWebhookRequest(deps, req, subpath, search);
    const directory = channelDirectory(deps, adapter.channelType);
    const handshake = await hook.handshake?.(wreq, directory);
    if (handshake) {
      outcome = 'handshake';
      send(res, handshake);
      return;
    }
    if (wreq.method !== 'POST') {
      send(res, { status: 405, headers: { allow: 'POST' } });
      return;
    }
    const auth = await hook.authenticate(wreq, directory);
    if ('status' in auth) {
      deps.logger.warn({ provider, subpath, status: auth.status, bytes: wreq.rawBody.length }, 'webhook rejected');
      outcome = 'rejected';
      send(res, auth);
      return;
    }
    if (auth.channelIds.length > 0) {
      outcome = (await storeDelivery(deps, adapter.provider, wreq, auth)).length ? 'stored' : 'duplicate';
    } else {
      outcome = 'unrouted';
      deps.logger.warn({ provider, subpath }, 'webhook for no known channel: acknowledged and dropped');
    }
    send(res, hook.acknowledge ?? { status: 200, body: { ok: true } });
  };

  return (req, res) => {
    const m = req.url?.startsWith('/webhooks/') ? WEBHOOK_PATH.exec(req.url) : null;
    if (!m) return false;
    observe(req as never, res as never, () => {
      secure(req, res);
      handle(req, res, m[1]!, m[2], m[3]).catch((err: unknown) => {
        // As the Express app's JSON error handler (hygiene.ts mountWebApp): logged with its stack, no detail to the client.
        deps.logger.error({ err, path: req.url!.split('?')[0] }, 'unexpected error in an HTTP request');
        if (res.headersSent) res.destroy();
        else send(res, { status: 500, body: { error: 'internal server error' } });
      });
    });
    return true;
  };
}
