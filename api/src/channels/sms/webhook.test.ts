import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AdapterChannel, WebhookAccepted, WebhookResponse } from '../types.js';
import { smsAdapter } from './adapter.js';
import type { SmsConfig } from './config.js';
import { demoSmsChannel, demoSmsConfig, directory, loadTwilioFixture, twilioFixtureWithSid, webhookRequest } from './testing.js';

/** Independent signer: url + sorted name+value, HMAC-SHA1, base64. */
function sign(body: Buffer | string, url: string, token = demoSmsConfig.authToken): string {
  const pairs = [...new URLSearchParams(body.toString())].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHmac('sha1', token)
    .update(url + pairs.map(([k, v]) => k + v).join(''))
    .digest('base64');
}

const other: AdapterChannel<SmsConfig> = {
  id: 'ch_sms_other',
  organizationId: 'org_other',
  externalId: '+390212345678',
  config: {
    accountSid: 'AC00000000000000000000000000000001',
    authToken: 'other-tenant-token',
    phoneNumber: '+390212345678',
    webhookUrl: 'https://hub.example.test/webhooks/sms?tenant=other',
  },
};
const channels = () => directory([demoSmsChannel, other]);
const authenticate = smsAdapter.webhook!.authenticate;
const STATUS_URL = 'https://hub.example.test/webhooks/sms/status';
const isAccepted = (r: WebhookAccepted | WebhookResponse): r is WebhookAccepted => 'channelIds' in r;

describe('webhook.authenticate: incoming messages', () => {
  it.each([
    ['inbound-sms.form', 'sms:SM7d2c4a9e1b3f5d7c9e1a3b5d7f9c1e3a'],
    ['inbound-mms.form', 'sms:MM0a1b2c3d4e5f60718293a4b5c6d7e8f9'],
  ])('%s signed over the configured webhookUrl is accepted', async (name, dedupeKey) => {
    const raw = loadTwilioFixture(name);
    const dir = channels();
    const sig = sign(raw, demoSmsConfig.webhookUrl);
    const r = await authenticate(webhookRequest(raw, { signature: sig, headers: { 'i-twilio-idempotency-token': 'tok-1' } }), dir);
    expect(r).toEqual({
      channelIds: [demoSmsChannel.id],
      dedupeKey,
      keepHeaders: { 'x-twilio-signature': sig, 'i-twilio-idempotency-token': 'tok-1', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(dir.lookups).toEqual(['+3197010250466']); // routed by To
  });

  it('every inbound fixture verifies', async () => {
    for (const name of ['inbound-mms-two.form', 'inbound-sms-it.form', 'inbound-stop.form', 'inbound-start.form', 'inbound-stop-please.form']) {
      const raw = loadTwilioFixture(name);
      const r = await authenticate(webhookRequest(raw, { signature: sign(raw, demoSmsConfig.webhookUrl) }), channels());
      expect(isAccepted(r), name).toBe(true);
    }
  });

  it('a tampered parameter → 403', async () => {
    const raw = loadTwilioFixture('inbound-sms.form');
    const sig = sign(raw, demoSmsConfig.webhookUrl);
    const tampered = Buffer.from(raw.toString().replace('Wat+nu%3F', 'Graag+terugbellen'));
    expect(await authenticate(webhookRequest(tampered, { signature: sig }), channels())).toMatchObject({ status: 403 });
  });

  it('a wrong token → 403', async () => {
    const raw = loadTwilioFixture('inbound-sms.form');
    const r = await authenticate(webhookRequest(raw, { signature: sign(raw, demoSmsConfig.webhookUrl, 'not-the-token') }), channels());
    expect(r).toMatchObject({ status: 403 });
  });

  it('a missing signature → 403 before any lookup', async () => {
    const dir = channels();
    expect(await authenticate(webhookRequest(loadTwilioFixture('inbound-sms.form')), dir)).toMatchObject({ status: 403 });
    expect(dir.lookups).toEqual([]);
  });

  it('signed over the URL the server sees instead of the configured one → 403', async () => {
    const raw = loadTwilioFixture('inbound-sms.form');
    const req = webhookRequest(raw, { publicUrl: 'https://hub.example.test/webhooks/sms' });
    req.headers['x-twilio-signature'] = sign(raw, req.publicUrl);
    expect(await authenticate(req, channels())).toMatchObject({ status: 403 });
  });

  it('another AccountSid, even correctly signed with our token → 403', async () => {
    const raw = Buffer.from(loadTwilioFixture('inbound-sms.form').toString().replace(demoSmsConfig.accountSid, other.config.accountSid));
    expect(await authenticate(webhookRequest(raw, { signature: sign(raw, demoSmsConfig.webhookUrl) }), channels())).toMatchObject({ status: 403 });
  });

  it("routes by To; one tenant's token cannot post into another tenant's number", async () => {
    const body = new URLSearchParams(loadTwilioFixture('inbound-sms.form').toString());
    body.set('To', other.config.phoneNumber);
    body.set('AccountSid', other.config.accountSid);
    const raw = body.toString();
    const own = await authenticate(webhookRequest(raw, { signature: sign(raw, other.config.webhookUrl, other.config.authToken) }), channels());
    expect(own).toMatchObject({ channelIds: [other.id] });
    const forged = await authenticate(webhookRequest(raw, { signature: sign(raw, other.config.webhookUrl) }), channels());
    expect(forged).toMatchObject({ status: 403 });
  });

  it('an unknown number → 404, nothing accepted', async () => {
    const raw = loadTwilioFixture('inbound-sms.form').toString().replace('To=%2B3197010250466', 'To=%2B3197099999999');
    expect(await authenticate(webhookRequest(raw, { signature: sign(raw, demoSmsConfig.webhookUrl) }), channels())).toMatchObject({ status: 404 });
  });

  it('signed but without MessageSid → 400', async () => {
    const body = new URLSearchParams(loadTwilioFixture('inbound-sms.form').toString());
    body.delete('MessageSid');
    const raw = body.toString();
    expect(await authenticate(webhookRequest(raw, { signature: sign(raw, demoSmsConfig.webhookUrl) }), channels())).toMatchObject({ status: 400 });
  });

  it('GET → 405, unknown subpath → 404, oversized body → 413', async () => {
    const raw = loadTwilioFixture('inbound-sms.form');
    const sig = sign(raw, demoSmsConfig.webhookUrl);
    expect(await authenticate(webhookRequest(raw, { signature: sig, method: 'GET' }), channels())).toMatchObject({ status: 405 });
    expect(await authenticate(webhookRequest(raw, { signature: sig, subpath: '/other' }), channels())).toMatchObject({ status: 404 });
    const big = Buffer.concat([raw, Buffer.from(`&Pad=${'x'.repeat(70_000)}`)]);
    expect(await authenticate(webhookRequest(big, { signature: sign(big, demoSmsConfig.webhookUrl) }), channels())).toMatchObject({ status: 413 });
  });
});

describe('webhook.authenticate: status callbacks', () => {
  const SID = 'SMd41c5e2f3a4b5c6d7e8f90a1b2c3d4e5';
  const statusReq = (raw: Buffer, url: string, token?: string) => webhookRequest(raw, { subpath: '/status', publicUrl: STATUS_URL, signature: sign(raw, url, token) });

  it('routes by From, verifies over the public status URL, dedupes per status', async () => {
    const dir = channels();
    const raw = twilioFixtureWithSid('status-delivered.form', SID);
    const r = await authenticate(statusReq(raw, STATUS_URL), dir);
    expect(r).toMatchObject({ channelIds: [demoSmsChannel.id], dedupeKey: `sms:status:${SID}:delivered` });
    expect(dir.lookups).toEqual(['+3197010250466']);
    const sent = await authenticate(statusReq(twilioFixtureWithSid('status-sent.form', SID), STATUS_URL), dir);
    expect(sent).toMatchObject({ dedupeKey: `sms:status:${SID}:sent` });
  });

  it('signed over the configured webhookUrl (not the status URL) → 403; wrong token → 403', async () => {
    const raw = twilioFixtureWithSid('status-delivered.form', SID);
    expect(await authenticate(statusReq(raw, demoSmsConfig.webhookUrl), channels())).toMatchObject({ status: 403 });
    expect(await authenticate(statusReq(raw, STATUS_URL, 'nope'), channels())).toMatchObject({ status: 403 });
  });
});

it('acknowledges with empty TwiML', () => {
  expect(smsAdapter.webhook!.acknowledge).toEqual({
    status: 200,
    contentType: 'text/xml',
    body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
  });
  expect(smsAdapter.webhook!.subpaths).toEqual(['/status']);
});
