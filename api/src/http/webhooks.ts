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
 */
import express, { type Request, type Response } from 'express';
import { adaptersByProvider } from '../channels/registry.js';
import type { WebhookRequest, WebhookResponse } from '../channels/types.js';
import { storeDelivery } from '../modules/thread/delivery.store.js';
import { channelDirectory } from '../modules/channel/channel.directory.js';
import type { AppDeps } from '../shared/app.js';
import { recordWebhook, type WebhookOutcome } from './metrics.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function send(res: Response, r: WebhookResponse): void {
  res.status(r.status);
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  if (r.body === undefined) {
    res.end();
    return;
  }
  if (typeof r.body === 'string') res.type(r.contentType ?? 'text/plain').send(r.body);
  else res.type(r.contentType ?? 'application/json').send(JSON.stringify(r.body));
}

function toWebhookRequest(deps: AppDeps, req: Request, subpath: string): WebhookRequest {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') query[k] = v;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  const pathAndQuery = req.originalUrl.startsWith('/') ? req.originalUrl : `/${req.originalUrl}`;
  return {
    method: req.method === 'GET' ? 'GET' : 'POST',
    subpath,
    query,
    headers,
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    publicUrl: `${deps.config.publicUrl}${pathAndQuery}`,
  };
}

/** Builds the router; mount once at the application root. */
export function createWebhookRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  const rawParsers = new Map<string, express.RequestHandler>();

  const handler = async (req: Request, res: Response) => {
    const provider = String(req.params.provider ?? '');
    const adapter = adaptersByProvider.get(provider);
    const subpath = req.params.subpath ? `/${String(req.params.subpath)}` : '';
    let outcome: WebhookOutcome = 'invalid';
    res.once('finish', () => recordWebhook(adapter ? provider : 'unknown', res.statusCode >= 500 ? 'error' : outcome));
    if (!adapter?.webhook || (subpath && !(adapter.webhook.subpaths ?? []).includes(subpath))) {
      res.status(404).json({ error: 'unknown webhook' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.status(405).setHeader('allow', 'GET, POST').end();
      return;
    }
    const hook = adapter.webhook;
    let parse = rawParsers.get(provider);
    if (!parse) {
      parse = express.raw({ type: () => true, limit: hook.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES });
      rawParsers.set(provider, parse);
    }
    try {
      await new Promise<void>((resolve, reject) => parse!(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      res.status(status).json({ error: status === 413 ? 'body too large' : 'unreadable body' });
      return;
    }

    const wreq = toWebhookRequest(deps, req, subpath);
    const directory = channelDirectory(deps, adapter.channelType);
    const handshake = await hook.handshake?.(wreq, directory);
    if (handshake) {
      outcome = 'handshake';
      send(res, handshake);
      return;
    }
    if (wreq.method !== 'POST') {
      res.status(405).setHeader('allow', 'POST').end();
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

  router.all('/webhooks/:provider', handler);
  router.all('/webhooks/:provider/:subpath', handler);
  return router;
}
