import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookAccepted, WebhookRequest, WebhookResponse } from '../types.js';
import { chatwootAdapter } from './adapter.js';
import { chatwootConfigSchema } from './config.js';
import { isFreshChatwootTimestamp, signChatwootWebhook, verifyChatwootSignature } from './signature.js';
import { chatwootFixture, channel, demoConfig, directory } from './test-helpers.js';
import { authenticateChatwootWebhook } from './webhook.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const nowSec = NOW / 1000;
/** Signed with node:crypto directly, independent of signature.ts. */
const sign = (body: Buffer, ts: number, secret = demoConfig.webhookSecret) => `sha256=${createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex')}`;

function request(body: Buffer, headers: Record<string, string | undefined>): WebhookRequest {
  return { method: 'POST', subpath: '', query: {}, headers, rawBody: body, publicUrl: 'http://localhost:4000/webhooks/chatwoot' };
}

function signedRequest(body: Buffer, opts: { ts?: number; secret?: string; delivery?: string | null } = {}): WebhookRequest {
  const ts = opts.ts ?? nowSec;
  return request(body, {
    'x-chatwoot-signature': sign(body, ts, opts.secret),
    'x-chatwoot-timestamp': String(ts),
    ...(opts.delivery === null ? {} : { 'x-chatwoot-delivery': opts.delivery ?? '5b0d1f9e-3c2a-4e7b-9a61-d2c4f8e07a13' }),
  });
}

const isAccepted = (r: WebhookAccepted | WebhookResponse): r is WebhookAccepted => 'channelIds' in r;

const demo = channel('ch-demo', demoConfig);
/** Another tenant, another account with its own secret. */
const other = channel('ch-other', { ...demoConfig, accountId: 99, webhookSecret: 'other-tenant-secret-1a2b' });
const dir = directory([other, demo]);
const body = chatwootFixture('message_created.json');

describe('X-Chatwoot-Signature', () => {
  it('signs "{timestamp}.{body}" with HMAC-SHA256 as sha256=<hex>', () => {
    expect(signChatwootWebhook(body, demoConfig.webhookSecret, nowSec)).toBe(sign(body, nowSec));
  });

  it('verifies the right secret, timestamp and bytes only', () => {
    const sig = sign(body, nowSec);
    expect(verifyChatwootSignature(body, sig, String(nowSec), demoConfig.webhookSecret)).toBe(true);
    expect(verifyChatwootSignature(body, sig.toUpperCase().replace('SHA256=', 'sha256='), String(nowSec), demoConfig.webhookSecret)).toBe(true);
    expect(verifyChatwootSignature(body, sig, String(nowSec), 'wrong-secret')).toBe(false);
    expect(verifyChatwootSignature(body, sig, String(nowSec + 1), demoConfig.webhookSecret)).toBe(false);
    const tampered = Buffer.from(body.toString().replace('volgende week', 'morgen'));
    expect(verifyChatwootSignature(tampered, sig, String(nowSec), demoConfig.webhookSecret)).toBe(false);
    expect(verifyChatwootSignature(body, undefined, String(nowSec), demoConfig.webhookSecret)).toBe(false);
    expect(verifyChatwootSignature(body, 'sha256=abc', String(nowSec), demoConfig.webhookSecret)).toBe(false);
    expect(verifyChatwootSignature(body, sig, String(nowSec), '')).toBe(false);
  });

  it('accepts timestamps within 5 minutes either way', () => {
    expect(isFreshChatwootTimestamp(String(nowSec), NOW)).toBe(true);
    expect(isFreshChatwootTimestamp(String(nowSec - 300), NOW)).toBe(true);
    expect(isFreshChatwootTimestamp(String(nowSec - 360), NOW)).toBe(false);
    expect(isFreshChatwootTimestamp(String(nowSec + 360), NOW)).toBe(false);
    expect(isFreshChatwootTimestamp('2026-11-22T10:00:00Z', NOW)).toBe(false);
    expect(isFreshChatwootTimestamp(undefined, NOW)).toBe(false);
  });
});

describe('authenticate', () => {
  it('accepts a fresh, correctly signed delivery and routes it by account.id', async () => {
    const r = await authenticateChatwootWebhook(signedRequest(body), dir, NOW);
    expect(isAccepted(r)).toBe(true);
    if (!isAccepted(r)) return;
    expect(r.channelIds).toEqual(['ch-demo']);
    expect(r.dedupeKey).toBe('chatwoot:5b0d1f9e-3c2a-4e7b-9a61-d2c4f8e07a13');
    expect(r.keepHeaders).toEqual({
      'x-chatwoot-signature': sign(body, nowSec),
      'x-chatwoot-timestamp': String(nowSec),
      'x-chatwoot-delivery': '5b0d1f9e-3c2a-4e7b-9a61-d2c4f8e07a13',
    });
  });

  it('falls back to the body hash as dedupe key without X-Chatwoot-Delivery', async () => {
    const r = await authenticateChatwootWebhook(signedRequest(body, { delivery: null }), dir, NOW);
    expect(isAccepted(r) && r.dedupeKey).toBe(`chatwoot:sha256:${createHash('sha256').update(body).digest('hex')}`);
  });

  it.each([
    ['6 minutes old', { ts: nowSec - 360 }],
    ['6 minutes in the future', { ts: nowSec + 360 }],
    ['signed with a wrong secret', { secret: 'not-the-secret' }],
  ])('rejects a delivery %s with 401', async (_name, opts) => {
    const r = await authenticateChatwootWebhook(signedRequest(body, opts), dir, NOW);
    expect(isAccepted(r)).toBe(false);
    expect((r as WebhookResponse).status).toBe(401);
  });

  it('rejects a tampered body with 401', async () => {
    const req = signedRequest(body);
    req.rawBody = Buffer.from(body.toString().replace('"id":774', '"id":775'));
    const r = await authenticateChatwootWebhook(req, dir, NOW);
    expect((r as WebhookResponse).status).toBe(401);
  });

  it('rejects missing signature or timestamp headers with 401', async () => {
    const noSig = request(body, { 'x-chatwoot-timestamp': String(nowSec) });
    const noTs = request(body, { 'x-chatwoot-signature': sign(body, nowSec) });
    expect(((await authenticateChatwootWebhook(noSig, dir, NOW)) as WebhookResponse).status).toBe(401);
    expect(((await authenticateChatwootWebhook(noTs, dir, NOW)) as WebhookResponse).status).toBe(401);
  });

  it("rejects a body for account 12 signed with account 99's secret", async () => {
    const r = await authenticateChatwootWebhook(signedRequest(body, { secret: other.config.webhookSecret }), dir, NOW);
    expect(isAccepted(r)).toBe(false);
    expect((r as WebhookResponse).status).toBe(401);
    expect(JSON.stringify((r as WebhookResponse).body)).toContain('account 12');
  });

  it('tells two installations that both have an account 12 apart by their secrets', async () => {
    const selfHosted = channel('ch-selfhosted', { ...demoConfig, baseUrl: 'https://chat.example.it', webhookSecret: 'self-hosted-secret-77' });
    const both = directory([demo, selfHosted]);
    const a = await authenticateChatwootWebhook(signedRequest(body), both, NOW);
    const b = await authenticateChatwootWebhook(signedRequest(body, { secret: 'self-hosted-secret-77' }), both, NOW);
    expect(isAccepted(a) && a.channelIds).toEqual(['ch-demo']);
    expect(isAccepted(b) && b.channelIds).toEqual(['ch-selfhosted']);
  });

  it('answers 400 for a signed body that is not JSON or names no account', async () => {
    const notJson = Buffer.from('event=message_created');
    const noAccount = Buffer.from('{"event":"message_created","id":1}');
    expect(((await authenticateChatwootWebhook(signedRequest(notJson), dir, NOW)) as WebhookResponse).status).toBe(400);
    expect(((await authenticateChatwootWebhook(signedRequest(noAccount), dir, NOW)) as WebhookResponse).status).toBe(400);
  });

  it('the adapter checks the window against the real clock', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const fresh = await chatwootAdapter.webhook!.authenticate(signedRequest(body, { ts }), dir);
    const old = await chatwootAdapter.webhook!.authenticate(signedRequest(body, { ts: ts - 360 }), dir);
    expect(isAccepted(fresh) && fresh.channelIds).toEqual(['ch-demo']);
    expect((old as WebhookResponse).status).toBe(401);
  });
});

describe('configSchema', () => {
  it('accepts the demo channel, a numeric-string account id, and trims the base URL', () => {
    const c = chatwootConfigSchema.parse({ ...demoConfig, accountId: '12', baseUrl: 'http://localhost:3000/' });
    expect(c.accountId).toBe(12);
    expect(c.baseUrl).toBe('http://localhost:3000');
    expect(chatwootAdapter.routingKey(c)).toBe('12');
  });

  it.each([
    ['accountId', { accountId: 0 }],
    ['accountId', { accountId: 'twelve' }],
    ['baseUrl', { baseUrl: 'ftp://chat.example.com' }],
    ['webhookSecret', { webhookSecret: '' }],
    ['apiAccessToken', { apiAccessToken: undefined }],
  ])('rejects a bad %s', (key, patch) => {
    const r = chatwootConfigSchema.safeParse({ ...demoConfig, ...patch });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path[0]).toBe(key);
  });

  it('declares the secrets', () => {
    expect([...chatwootAdapter.secretKeys].sort()).toEqual(['apiAccessToken', 'webhookSecret']);
  });
});
