import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot.js';
import { ChannelMediaError, ChannelSendError, type ChannelEvent, type ContactProfile, type OutboundRequest } from '../types.js';
import { chatwootAdapter } from './adapter.js';
import { chatwootContactBody } from './api.js';
import type { ChatwootConfig } from './config.js';
import { channel, demoConfig, directory, testIO } from './test-helpers.js';

let fake: ChatwootSandbox;
let config: ChatwootConfig;
const io = testIO();

beforeAll(async () => {
  fake = await startChatwootSandbox({ accountId: 12, apiAccessToken: demoConfig.apiAccessToken });
  config = { ...demoConfig, baseUrl: fake.url };
});
afterAll(() => fake?.close());

const reply = (over: Partial<OutboundRequest> = {}): OutboundRequest => ({
  messageId: 'msg_01',
  to: '774',
  conversationKey: '774',
  content: 'Goedemorgen Ruben, dinsdag 1 december tussen 08:00 en 12:00 staat genoteerd.',
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

describe('send', () => {
  it('posts an outgoing, public message into the conversation and returns its id', async () => {
    const before = fake.requests.length;
    const result = await chatwootAdapter.send!(channel('ch', config), reply(), io);
    const call = fake.requests[before]!;
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/api/v1/accounts/12/conversations/774/messages');
    expect(call.headers['api_access_token']).toBe(demoConfig.apiAccessToken);
    expect(call.body).toEqual({ content: reply().content, message_type: 'outgoing', private: false });
    expect(result.externalMessageId).toMatch(/^\d+$/);
    expect(fake.messages.get(Number(result.externalMessageId))?.content).toBe(reply().content);
    expect(result.status).toBe('SENT');
  });

  it('recipient is the conversation key', () => {
    expect(chatwootAdapter.recipient({ conversationKey: '774', customer: null })).toBe('774');
    expect(chatwootAdapter.recipient({ conversationKey: null, customer: null })).toBeNull();
  });

  it('429 is retryable with Retry-After', async () => {
    fake.failNext(429, { retryAfter: 30 });
    const err = await sendError(chatwootAdapter.send!(channel('ch', config), reply(), io));
    expect(err.retryable).toBe(true);
    expect(err.retryAfterSeconds).toBe(30);
  });

  it('5xx and network errors are retryable', async () => {
    fake.failNext(502);
    expect((await sendError(chatwootAdapter.send!(channel('ch', config), reply(), io))).retryable).toBe(true);
    const dead = { ...config, baseUrl: 'http://127.0.0.1:9' };
    expect((await sendError(chatwootAdapter.send!(channel('ch', dead), reply(), io))).retryable).toBe(true);
  });

  it('a wrong token is CHATWOOT_AUTH_FAILED, not retryable', async () => {
    const err = await sendError(chatwootAdapter.send!(channel('ch', { ...config, apiAccessToken: 'nope' }), reply(), io));
    expect(err.code).toBe('CHATWOOT_AUTH_FAILED');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('Invalid Access Token');
  });

  it('404 is CHATWOOT_CONVERSATION_NOT_FOUND and 422 CHANNEL_SEND_FAILED, neither retryable', async () => {
    fake.failNext(404, { body: { error: 'Resource could not be found' } });
    const nf = await sendError(chatwootAdapter.send!(channel('ch', config), reply(), io));
    expect([nf.code, nf.retryable]).toEqual(['CHATWOOT_CONVERSATION_NOT_FOUND', false]);
    fake.failNext(422, { body: { error: "Content can't be blank" } });
    const bad = await sendError(chatwootAdapter.send!(channel('ch', config), reply(), io));
    expect([bad.code, bad.retryable]).toEqual(['CHANNEL_SEND_FAILED', false]);
  });

  it('refuses a thread without a numeric conversation before calling Chatwoot', async () => {
    const before = fake.requests.length;
    const err = await sendError(chatwootAdapter.send!(channel('ch', config), reply({ conversationKey: null, to: '' }), io));
    expect(err.code).toBe('CHATWOOT_NO_CONVERSATION');
    expect(fake.requests.length).toBe(before);
  });
});

describe('test', () => {
  it('is ok with the right token and account', async () => {
    const r = await chatwootAdapter.test!(channel('ch', config), io);
    expect(r).toMatchObject({ ok: true, code: null });
    expect(r.message).toContain('Sarah de Boer');
    expect(fake.requests.at(-1)?.path).toBe('/api/v1/profile');
  });

  it('reports a wrong token, another account and an unreachable installation', async () => {
    expect((await chatwootAdapter.test!(channel('ch', { ...config, apiAccessToken: 'nope' }), io)).code).toBe('CHATWOOT_AUTH_FAILED');
    expect((await chatwootAdapter.test!(channel('ch', { ...config, accountId: 13 }), io)).code).toBe('CHATWOOT_ACCOUNT_NOT_FOUND');
    expect((await chatwootAdapter.test!(channel('ch', { ...config, baseUrl: 'http://127.0.0.1:9' }), io)).code).toBe('CHATWOOT_UNREACHABLE');
  });
});

describe('syncContact', () => {
  const profile: ContactProfile = {
    name: 'Giulia Ferraro',
    email: 'giulia.ferraro@ferraro-impianti.it',
    phone: '+393471234567',
    tier: 'BUSINESS',
    companyName: 'Ferraro Impianti S.r.l.',
    codiceFiscale: null,
    partitaIva: '01234567897',
    pec: 'ferraroimpianti@pec.it',
    sdi: 'M5UXCR1',
    customAttributes: { wallbox_model: 'Easee Charge' },
  };

  it('PUTs name, email, phone and custom attributes, nulls omitted', async () => {
    await chatwootAdapter.syncContact!(channel('ch', config), { providerContactId: '9044', customer: profile }, io);
    const call = fake.requests.at(-1)!;
    expect([call.method, call.path]).toEqual(['PUT', '/api/v1/accounts/12/contacts/9044']);
    expect(call.body).toEqual({
      name: 'Giulia Ferraro',
      email: 'giulia.ferraro@ferraro-impianti.it',
      phone_number: '+393471234567',
      custom_attributes: {
        tier: 'BUSINESS',
        company_name: 'Ferraro Impianti S.r.l.',
        partita_iva: '01234567897',
        pec: 'ferraroimpianti@pec.it',
        sdi: 'M5UXCR1',
        wallbox_model: 'Easee Charge',
      },
    });
    expect(fake.contacts.get(9044)?.custom_attributes).toMatchObject({ partita_iva: '01234567897' });
  });

  it('omits a null email and phone', () => {
    const body = chatwootContactBody({ ...profile, email: null, phone: null });
    expect(Object.keys(body).sort()).toEqual(['custom_attributes', 'name']);
  });

  it('throws on a refusal so the queue retries', async () => {
    await expect(chatwootAdapter.syncContact!(channel('ch', config), { providerContactId: '9044', customer: { ...profile, email: 'not-an-email' } }, io)).rejects.toThrow(
      /HTTP 422: Email Invalid email/,
    );
    fake.failNext(503);
    await expect(chatwootAdapter.syncContact!(channel('ch', config), { providerContactId: '9044', customer: profile }, io)).rejects.toThrow(/503/);
  });
});

describe('fetchMedia', () => {
  it('downloads a data_url on the installation', async () => {
    const bytes = Buffer.from('fake jpeg bytes');
    const dataUrl = fake.addMedia('quadro_elettrico_garage.jpg', bytes, 'image/jpeg');
    const media = await chatwootAdapter.fetchMedia!(channel('ch', config), dataUrl, io);
    expect(media.mimeType).toBe('image/jpeg');
    expect(media.contentLength).toBe(bytes.length);
    expect(media.fileName).toBe('quadro_elettrico_garage.jpg');
    const body = Buffer.from(await new Response(media.body as ReadableStream).arrayBuffer());
    expect(body.equals(bytes)).toBe(true);
  });

  it('refuses URLs on another origin without a request (SSRF guard)', async () => {
    const before = fake.requests.length;
    for (const url of ['http://169.254.169.254/latest/meta-data/', `${fake.url.replace('127.0.0.1', 'localhost')}/x.jpg`, 'file:///etc/passwd']) {
      await expect(chatwootAdapter.fetchMedia!(channel('ch', config), url, io)).rejects.toBeInstanceOf(ChannelMediaError);
    }
    expect(fake.requests.length).toBe(before);
  });

  it('an unknown file is ChannelMediaError', async () => {
    await expect(chatwootAdapter.fetchMedia!(channel('ch', config), `${fake.url}/rails/active_storage/blobs/redirect/nope/x.jpg`, io)).rejects.toBeInstanceOf(ChannelMediaError);
  });
});

describe('receipts from the sandbox', () => {
  let hub: Server;
  let hubUrl: string;
  const received: ChannelEvent[] = [];
  const rejected: number[] = [];

  beforeAll(async () => {
    // A stand-in for the hub's webhook edge: authenticate, then parse.
    const demo = channel('ch-demo', { ...demoConfig, baseUrl: 'http://unused' });
    hub = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const rawBody = Buffer.concat(chunks);
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const r = await chatwootAdapter.webhook!.authenticate(
          { method: 'POST', subpath: '', query: {}, headers, rawBody, publicUrl: 'http://localhost/webhooks/chatwoot' },
          directory([demo]),
        );
        if (!('channelIds' in r)) {
          rejected.push(r.status);
          res.writeHead(r.status).end();
          return;
        }
        received.push(...(await chatwootAdapter.parse!({ subpath: '', query: {}, headers: r.keepHeaders ?? {}, rawBody: rawBody.toString(), receivedAt: new Date() }, demo, io)));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    hub.listen(0, '127.0.0.1');
    await new Promise((r) => hub.once('listening', r));
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/webhooks/chatwoot`;
  });
  afterAll(() => new Promise((r) => hub.close(r)));

  it('posts signed delivered and read updates that the adapter authenticates and parses', async () => {
    const withReceipts = await startChatwootSandbox({
      receipts: { hubWebhookUrl: hubUrl, webhookSecret: demoConfig.webhookSecret, accountId: 12, delayMs: 5 },
    });
    try {
      const sent = await chatwootAdapter.send!(channel('ch', { ...demoConfig, baseUrl: withReceipts.url }), reply(), io);
      await withReceipts.receiptsSettled();
      expect(withReceipts.webhooks.map((w) => w.status)).toEqual([200, 200]);
      expect(received.filter((e) => e.kind === 'status').map((e) => e.kind === 'status' && [e.status.externalMessageId, e.status.status])).toEqual([
        [sent.externalMessageId, 'DELIVERED'],
        [sent.externalMessageId, 'READ'],
      ]);
    } finally {
      await withReceipts.close();
    }
  });

  it('postIncomingMessage posts a message_created the adapter turns into a message; a wrong secret is refused', async () => {
    const ok = await fake.postIncomingMessage({ conversationId: 775, content: 'Buongiorno, la wallbox non si accende più.' }, { url: hubUrl, secret: demoConfig.webhookSecret });
    expect(ok.status).toBe(200);
    const last = received.at(-1);
    expect(last?.kind === 'message' && [last.inbound.conversationKey, last.inbound.content]).toEqual(['775', 'Buongiorno, la wallbox non si accende più.']);
    const bad = await fake.postWebhook({ event: 'message_created', account: { id: 12 } }, { url: hubUrl, secret: 'wrong' });
    expect(bad.status).toBe(401);
    expect(rejected).toContain(401);
  });
});
