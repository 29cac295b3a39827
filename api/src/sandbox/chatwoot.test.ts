import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChatwootSignature } from '../channels/chatwoot/signature.js';
import { startChatwootSandbox, type ChatwootSandbox } from './chatwoot.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const TOKEN = 'dev-chatwoot-api-token-8c1d3f';
let fake: ChatwootSandbox;
beforeAll(async () => {
  fake = await startChatwootSandbox();
});
afterAll(() => fake?.close());

const call = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token !== null) headers.api_access_token = init.token ?? TOKEN;
  return fetch(`${fake.url}${path}`, { ...init, headers });
};

describe('Chatwoot sandbox', () => {
  it('creates messages with Chatwoot-like JSON', async () => {
    const res = await call('/api/v1/accounts/12/conversations/774/messages', {
      method: 'POST',
      body: JSON.stringify({ content: 'Tot dinsdag!', message_type: 'outgoing', private: false }),
    });
    expect(res.status).toBe(200);
    const m = (await res.json()) as Record<string, unknown>;
    expect(m).toMatchObject({ content: 'Tot dinsdag!', conversation_id: 774, message_type: 1, status: 'sent', private: false, inbox_id: 31 });
    expect(typeof m.id).toBe('number');
  });

  it('answers Chatwoot errors: 401 token, 401 other account, 404 unknown, 422 blank, 400 bad JSON', async () => {
    const noToken = await call('/api/v1/profile', { token: null });
    expect([noToken.status, await noToken.json()]).toEqual([401, { error: 'Invalid Access Token' }]);
    expect((await call('/api/v1/accounts/13/conversations/1/messages', { method: 'POST', body: '{"content":"x"}' })).status).toBe(401);
    expect((await call('/api/v1/accounts/12/conversations/abc/messages', { method: 'POST', body: '{"content":"x"}' })).status).toBe(404);
    expect((await call('/api/v1/accounts/12/nothing')).status).toBe(404);
    const blank = await call('/api/v1/accounts/12/conversations/1/messages', { method: 'POST', body: '{"content":" "}' });
    expect([blank.status, await blank.json()]).toEqual([422, { error: "Content can't be blank" }]);
    expect((await call('/api/v1/accounts/12/conversations/1/messages', { method: 'POST', body: '{' })).status).toBe(400);
  });

  it('failNext answers the given status count times, with Retry-After', async () => {
    fake.failNext(429, { count: 2, retryAfter: 7 });
    const a = await call('/api/v1/profile');
    const b = await call('/api/v1/profile');
    const c = await call('/api/v1/profile');
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
    expect(a.headers.get('retry-after')).toBe('7');
  });

  it('records every call', async () => {
    const before = fake.requests.length;
    await call('/api/v1/accounts/12/contacts/9021', { method: 'PUT', body: JSON.stringify({ custom_attributes: { tier: 'PREMIUM' } }) });
    expect(fake.requests.slice(before).map((r) => [r.method, r.path, r.status])).toEqual([['PUT', '/api/v1/accounts/12/contacts/9021', 200]]);
    expect(fake.contacts.get(9021)?.custom_attributes).toEqual({ tier: 'PREMIUM' });
  });
});

describe('postWebhook', () => {
  let hub: Server;
  let hubUrl: string;
  const got: Array<{ headers: Record<string, unknown>; body: Buffer }> = [];
  beforeAll(async () => {
    hub = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200).end('{"ok":true}');
      });
    });
    hub.listen(0, '127.0.0.1');
    await new Promise((r) => hub.once('listening', r));
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/webhooks/chatwoot`;
  });
  afterAll(() => new Promise((r) => hub.close(r)));

  it('signs the exact bytes it posts, with timestamp and delivery id', async () => {
    const raw = '{"event":"contact_updated","id":9021,"name":"Ruben Mulder","account":{"id":12}}';
    const posted = await fake.postWebhook(raw, { url: hubUrl, secret: 's3cret-webhook', deliveryId: 'd-1' });
    expect(posted.status).toBe(200);
    const g = got.at(-1)!;
    expect(g.body.toString()).toBe(raw);
    expect(g.headers['x-chatwoot-delivery']).toBe('d-1');
    expect(verifyChatwootSignature(g.body, String(g.headers['x-chatwoot-signature']), String(g.headers['x-chatwoot-timestamp']), 's3cret-webhook')).toBe(true);
  });

  it('close() cancels scheduled receipts', async () => {
    const f = await startChatwootSandbox({ receipts: { hubWebhookUrl: hubUrl, webhookSecret: 'x', accountId: 12, delayMs: 60_000 } });
    const res = await fetch(`${f.url}/api/v1/accounts/12/conversations/1/messages`, {
      method: 'POST',
      headers: { api_access_token: TOKEN, 'content-type': 'application/json' },
      body: '{"content":"hoi"}',
    });
    expect(res.status).toBe(200);
    const before = got.length;
    await f.close();
    await f.receiptsSettled();
    expect(got.length).toBe(before);
    expect(f.webhooks).toEqual([]);
  });
});
