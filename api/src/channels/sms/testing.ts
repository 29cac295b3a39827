/**
 * Test helpers of the SMS adapter's tests (not used by production code):
 * fixtures from `api/test/fixtures/providers/twilio/`, the demo channel of
 * channels.json, an {@link AdapterIO} pointing at a sandbox and an in-memory
 * {@link ChannelDirectory}.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { AdapterChannel, AdapterIO, ChannelAdapter, ChannelDirectory, StoredWebhook, WebhookAccepted, WebhookRequest, WebhookResponse } from '../types.js';
import type { SmsConfig } from './config.js';

/** `api/test/fixtures/providers`. */
export const providersDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/providers');

/** Placeholder of status fixtures for the sid the hub got when it sent the reply. */
export const OUTBOUND_SID_PLACEHOLDER = '{{OUTBOUND_SID}}';

/** The raw bytes of `twilio/<name>` exactly as on disk. */
export function loadTwilioFixture(name: string): Buffer {
  if (name.includes('/') || name.includes('\\')) throw new Error(`fixture name must be a bare file name: ${name}`);
  return readFileSync(path.join(providersDir, 'twilio', name));
}

/** A status fixture with `{{OUTBOUND_SID}}` replaced. */
export function twilioFixtureWithSid(name: string, sid: string): Buffer {
  const text = loadTwilioFixture(name).toString('utf8');
  if (!text.includes(OUTBOUND_SID_PLACEHOLDER)) throw new Error(`fixture ${name} has no ${OUTBOUND_SID_PLACEHOLDER}`);
  return Buffer.from(text.split(OUTBOUND_SID_PLACEHOLDER).join(encodeURIComponent(sid)), 'utf8');
}

/** The demo SMS channel of channels.json. */
export const demoSmsConfig: SmsConfig = (JSON.parse(readFileSync(path.join(providersDir, 'channels.json'), 'utf8')) as { sms: SmsConfig }).sms;

export const demoSmsChannel: AdapterChannel<SmsConfig> = {
  id: 'ch_sms_demo',
  organizationId: 'org_demo',
  externalId: demoSmsConfig.phoneNumber,
  config: demoSmsConfig,
};

/** An AdapterIO for tests. */
export function testIO(urls: Partial<AdapterIO['urls']> = {}): AdapterIO {
  return {
    urls: {
      whatsappGraph: 'http://127.0.0.1:9/v21.0',
      graph: 'http://127.0.0.1:9/v1.0',
      microsoftLogin: 'http://127.0.0.1:9',
      twilio: 'https://api.twilio.com',
      public: 'https://hub.example.test',
      ...urls,
    },
    fetch,
    now: () => new Date('2026-11-23T09:30:00Z'),
    logger: pino({ level: 'silent' }),
    cache: new Map(),
  };
}

/** A directory over a fixed list of channels, routing by externalId. */
export function directory(channels: AdapterChannel<SmsConfig>[]): ChannelDirectory<SmsConfig> & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    byRoutingKey: async (key) => {
      lookups.push(key);
      return channels.find((c) => c.externalId === key) ?? null;
    },
    all: async () => channels,
  };
}

/** A webhook request as the edge would hand it to authenticate. */
export function webhookRequest(rawBody: Buffer | string, opts: Partial<WebhookRequest> & { signature?: string } = {}): WebhookRequest {
  const { signature, headers, ...rest } = opts;
  return {
    method: 'POST',
    subpath: '',
    query: {},
    rawBody: Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8'),
    publicUrl: 'https://hub.example.test/webhooks/sms',
    ...rest,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
      ...(signature !== undefined ? { 'x-twilio-signature': signature } : {}),
    },
  };
}

/** One delivery the test edge accepted. */
export interface EdgeDelivery {
  accepted: WebhookAccepted;
  stored: StoredWebhook;
}

/**
 * A minimal stand-in for the hub's webhook edge (api/src/http): serves
 * `POST /webhooks/<provider><subpath>` on 127.0.0.1, runs the adapter's
 * `webhook.authenticate` on the raw bytes with `publicUrl` = `publicBase` + path
 * + query, and answers the rejection or `webhook.acknowledge`. Accepted
 * deliveries are kept for `adapter.parse`.
 */
export async function startTestEdge(
  adapter: ChannelAdapter<SmsConfig>,
  channels: ChannelDirectory<SmsConfig>,
  opts: { publicBase?: string } = {},
): Promise<{ url: string; deliveries: EdgeDelivery[]; rejected: number[]; close(): Promise<void> }> {
  const deliveries: EdgeDelivery[] = [];
  const rejected: number[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const u = new URL(req.url ?? '/', 'http://edge');
        const prefix = `/webhooks/${adapter.provider}`;
        const rawBody = Buffer.concat(chunks);
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        const request: WebhookRequest = {
          method: req.method === 'GET' ? 'GET' : 'POST',
          subpath: u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) : u.pathname,
          query: Object.fromEntries(u.searchParams),
          headers,
          rawBody,
          publicUrl: `${opts.publicBase ?? base}${u.pathname}${u.search}`,
        };
        const result = await adapter.webhook!.authenticate(request, channels);
        const answer: WebhookResponse = 'channelIds' in result ? (adapter.webhook!.acknowledge ?? { status: 200, body: { ok: true } }) : result;
        if ('channelIds' in result) {
          deliveries.push({
            accepted: result,
            stored: { subpath: request.subpath, query: request.query, headers: result.keepHeaders ?? {}, rawBody: rawBody.toString('utf8'), receivedAt: new Date() },
          });
        } else {
          rejected.push(result.status);
        }
        const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? '');
        res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' });
        res.end(body);
      })().catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    deliveries,
    rejected,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
