import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPartnerSandbox, type PartnerSandbox } from '../../sandbox/partner.js';
import { ChannelSendError, type AdapterChannel, type AdapterIO, type OutboundRequest } from '../types.js';
import { apiAdapter, signPartnerWebhook, verifyPartnerWebhook } from './adapter.js';
import type { ApiChannelConfig } from './config.js';

const SECRET = 'partner-shared-secret-4f9a2c7e';
const NOW = new Date('2026-11-22T10:05:00Z');
const nowSec = NOW.getTime() / 1000;

function io(now = () => new Date()): AdapterIO {
  return {
    urls: { whatsappGraph: '', graph: '', microsoftLogin: '', twilio: '', public: 'http://localhost:4000' },
    fetch: (input, init) => fetch(input, init),
    now,
    logger: pino({ level: 'silent' }),
    cache: new Map(),
  };
}

const channel = (config: ApiChannelConfig): AdapterChannel<ApiChannelConfig> => ({ id: 'ch-api', organizationId: 'org', externalId: null, config });

const reply = (over: Partial<OutboundRequest> = {}): OutboundRequest => ({
  messageId: 'cm4msg0001',
  to: 'ORD-2026-11873',
  conversationKey: 'ORD-2026-11873',
  content: 'Gentile cliente, la sua wallbox verrà installata martedì 1 dicembre.',
  subject: 'Installazione wallbox',
  ...over,
});

async function sendError(promise: Promise<unknown>): Promise<ChannelSendError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelSendError);
  return err as ChannelSendError;
}

describe('partner webhook signature', () => {
  const body = '{"event":"message.created","content":"Buongiorno"}';
  const sig = `sha256=${createHmac('sha256', SECRET).update(`${nowSec}.${body}`).digest('hex')}`;

  it('signs "{timestamp}.{body}" with HMAC-SHA256', () => {
    expect(signPartnerWebhook(body, SECRET, nowSec)).toBe(sig);
  });

  it('verifies fresh bodies and rejects old, future, wrong-secret and tampered ones', () => {
    const h = { signature: sig, timestamp: String(nowSec) };
    expect(verifyPartnerWebhook(body, h, SECRET, { now: NOW })).toEqual({ ok: true });
    const at = (ts: number) => ({ signature: signPartnerWebhook(body, SECRET, ts), timestamp: String(ts) });
    expect(verifyPartnerWebhook(body, at(nowSec - 360), SECRET, { now: NOW })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifyPartnerWebhook(body, at(nowSec + 360), SECRET, { now: NOW })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifyPartnerWebhook(body, h, 'another-secret-000000', { now: NOW })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyPartnerWebhook(body.replace('Buongiorno', 'Buonasera'), h, SECRET, { now: NOW })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyPartnerWebhook(body, { signature: undefined, timestamp: String(nowSec) }, SECRET, { now: NOW })).toEqual({ ok: false, reason: 'missing-header' });
    expect(verifyPartnerWebhook(body, { signature: 'sha1=abc', timestamp: String(nowSec) }, SECRET, { now: NOW })).toEqual({ ok: false, reason: 'malformed-header' });
  });
});

describe('config and recipient', () => {
  it.each([
    ['https://api.partner.example.it/hub', true],
    ['http://localhost:8080/hub', true],
    ['http://127.0.0.1:8080/hub', true],
    ['http://api.partner.example.it/hub', false],
    ['ftp://api.partner.example.it/hub', false],
  ])('webhookUrl %s valid: %s', (webhookUrl, ok) => {
    expect(apiAdapter.configSchema.safeParse({ webhookUrl, webhookSecret: SECRET }).success).toBe(ok);
  });

  it('requires a secret of at least 16 characters and declares it', () => {
    const r = apiAdapter.configSchema.safeParse({ webhookUrl: 'https://x.example/h', webhookSecret: 'short' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['webhookSecret']);
    expect(apiAdapter.secretKeys).toEqual(['webhookSecret']);
    expect(apiAdapter.routingKey({ webhookUrl: 'https://x.example/h', webhookSecret: SECRET })).toBeNull();
    expect(apiAdapter.webhook).toBeUndefined();
  });

  it('recipient: conversation key, else the PARTNER identity', () => {
    const customer = {
      name: 'Ferraro Impianti',
      email: null,
      phone: null,
      identities: [
        { kind: 'EMAIL' as const, value: 'a@b.it' },
        { kind: 'PARTNER' as const, value: 'CUST-778' },
      ],
    };
    expect(apiAdapter.recipient({ conversationKey: 'ORD-1', customer })).toBe('ORD-1');
    expect(apiAdapter.recipient({ conversationKey: null, customer })).toBe('CUST-778');
    expect(apiAdapter.recipient({ conversationKey: null, customer: { ...customer, identities: [] } })).toBeNull();
  });
});

describe('send against the partner sandbox', () => {
  let partner: PartnerSandbox;
  let config: ApiChannelConfig;
  beforeAll(async () => {
    partner = await startPartnerSandbox({ webhookSecret: SECRET });
    config = { webhookUrl: partner.url, webhookSecret: SECRET };
  });
  afterAll(() => partner?.close());

  it('POSTs the documented body, signed; the partner verifies it and its id is kept', async () => {
    const result = await apiAdapter.send!(channel(config), reply(), io());
    expect(partner.rejected).toEqual([]);
    const d = partner.deliveries.at(-1)!;
    expect(result.externalMessageId).toBe(d.id);
    expect(d.id).toMatch(/^partner-msg-\d+$/);
    expect(d.deliveryId).toBe('cm4msg0001');
    expect(d.headers['content-type']).toBe('application/json');
    expect(d.body).toEqual({
      event: 'message.created',
      messageId: 'cm4msg0001',
      conversationKey: 'ORD-2026-11873',
      to: 'ORD-2026-11873',
      content: reply().content,
      contentHtml: null,
      subject: 'Installazione wallbox',
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('a retry with the same messageId is answered with the same id (the partner deduplicates)', async () => {
    const first = await apiAdapter.send!(channel(config), reply({ messageId: 'cm4msg0002' }), io());
    const again = await apiAdapter.send!(channel(config), reply({ messageId: 'cm4msg0002' }), io());
    expect(again.externalMessageId).toBe(first.externalMessageId);
    expect(partner.deliveries.at(-1)?.duplicate).toBe(true);
  });

  it('a wrong secret is refused by the partner: PARTNER_WEBHOOK_UNAUTHORIZED, not retryable', async () => {
    const err = await sendError(apiAdapter.send!(channel({ ...config, webhookSecret: 'not-the-shared-secret' }), reply(), io()));
    expect([err.code, err.retryable]).toEqual(['PARTNER_WEBHOOK_UNAUTHORIZED', false]);
    expect(partner.rejected.at(-1)).toMatchObject({ status: 401, reason: 'bad-signature' });
  });

  it('a clock 6 minutes behind is refused by the partner as stale', async () => {
    const err = await sendError(
      apiAdapter.send!(
        channel(config),
        reply(),
        io(() => new Date(Date.now() - 6 * 60_000)),
      ),
    );
    expect(err.code).toBe('PARTNER_WEBHOOK_UNAUTHORIZED');
    expect(partner.rejected.at(-1)?.reason).toBe('stale-timestamp');
  });

  it.each([
    [503, true],
    [500, true],
    [408, true],
    [429, true],
    [400, false],
    [404, false],
    [422, false],
  ])('HTTP %s retryable: %s', async (status, retryable) => {
    partner.failNext(1, status, status === 429 ? { retryAfter: 12 } : {});
    const err = await sendError(apiAdapter.send!(channel(config), reply(), io()));
    expect(err.retryable).toBe(retryable);
    expect(err.code).toBe(retryable ? 'CHANNEL_SEND_FAILED' : 'PARTNER_WEBHOOK_REJECTED');
    if (status === 429) expect(err.retryAfterSeconds).toBe(12);
  });

  it('a network error is retryable', async () => {
    const err = await sendError(apiAdapter.send!(channel({ ...config, webhookUrl: 'http://127.0.0.1:9/hub' }), reply(), io()));
    expect(err.retryable).toBe(true);
  });

  it('without an id in the answer the externalMessageId is api:<messageId>', async () => {
    const silent = await startPartnerSandbox({ webhookSecret: SECRET, respondWithId: false });
    try {
      const r = await apiAdapter.send!(channel({ ...config, webhookUrl: silent.url }), reply({ messageId: 'cm4msg0003' }), io());
      expect(r.externalMessageId).toBe('api:cm4msg0003');
      expect(silent.deliveries).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  it('test pings the partner', async () => {
    const before = partner.deliveries.length;
    expect(await apiAdapter.test!(channel(config), io())).toMatchObject({ ok: true, code: null });
    expect(partner.deliveries[before]?.body.event).toBe('ping');
    expect((await apiAdapter.test!(channel({ ...config, webhookSecret: 'not-the-shared-secret' }), io())).code).toBe('PARTNER_WEBHOOK_UNAUTHORIZED');
  });
});

describe('redirects', () => {
  it('a 3xx is a refusal, never followed', async () => {
    let hits = 0;
    const target = createServer((_req, res) => {
      hits++;
      res.writeHead(200).end('{}');
    });
    const redirector = createServer((_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/` }).end();
    });
    target.listen(0, '127.0.0.1');
    redirector.listen(0, '127.0.0.1');
    await Promise.all([new Promise((r) => target.once('listening', r)), new Promise((r) => redirector.once('listening', r))]);
    try {
      const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hub`;
      const err = await sendError(apiAdapter.send!(channel({ webhookUrl: url, webhookSecret: SECRET }), reply(), io()));
      expect([err.code, err.retryable]).toEqual(['PARTNER_WEBHOOK_REJECTED', false]);
      expect(hits).toBe(0);
    } finally {
      await Promise.all([new Promise((r) => target.close(r)), new Promise((r) => redirector.close(r))]);
    }
  });
});
