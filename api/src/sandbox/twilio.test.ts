import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { smsAdapter } from '../channels/sms/adapter.js';
import type { SmsConfig } from '../channels/sms/config.js';
import { demoSmsConfig, directory, startTestEdge, testIO } from '../channels/sms/testing.js';
import type { AdapterChannel, ChannelEvent } from '../channels/types.js';
import { signTwilioRequest, startTwilioSandbox, type TwilioSandbox } from './twilio.js';

const AC = demoSmsConfig.accountSid;
const TOKEN = demoSmsConfig.authToken;
const auth = (user = AC, pass = TOKEN) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('REST API', () => {
  let sandbox: TwilioSandbox;
  beforeAll(async () => {
    sandbox = await startTwilioSandbox({ accountSid: AC, authToken: TOKEN, phoneNumbers: [demoSmsConfig.phoneNumber] });
  });
  afterAll(async () => sandbox?.close());

  const post = (form: Record<string, string>, authorization = auth()) =>
    fetch(`${sandbox.url}/2010-04-01/Accounts/${AC}/Messages.json`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  const valid = { To: '+31655512345', From: demoSmsConfig.phoneNumber, Body: 'Hoi' };

  it('creates a message: 201 with the Message resource', async () => {
    const res = await post({ ...valid, StatusCallback: 'https://hub.example.test/webhooks/sms/status' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ account_sid: AC, to: '+31655512345', from: demoSmsConfig.phoneNumber, body: 'Hoi', status: 'queued', num_segments: '1', error_code: null });
    expect(body.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(body.uri).toBe(`/2010-04-01/Accounts/${AC}/Messages/${String(body.sid)}.json`);
    expect(sandbox.messages.at(-1)).toMatchObject({ sid: body.sid, statusCallback: 'https://hub.example.test/webhooks/sms/status' });
  });

  it.each([
    ['no credentials', 401, 20003, valid, ''],
    ['wrong token', 401, 20003, valid, auth(AC, 'wrong')],
    ['no To', 400, 21604, { From: valid.From, Body: 'x' }, undefined],
    ['no From', 400, 21603, { To: valid.To, Body: 'x' }, undefined],
    ['no Body', 400, 21602, { To: valid.To, From: valid.From }, undefined],
    ['invalid To', 400, 21211, { ...valid, To: '0655512345' }, undefined],
    ['From not on the account', 400, 21606, { ...valid, From: '+31200000000' }, undefined],
    ['Body over 1600', 400, 21617, { ...valid, Body: 'x'.repeat(1601) }, undefined],
    ['bad StatusCallback', 400, 21609, { ...valid, StatusCallback: 'javascript:alert(1)' }, undefined],
  ])('%s → HTTP %i, Twilio error %i', async (_l, status, code, form, authorization) => {
    const res = await post(form, authorization ?? auth());
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code, status, more_info: `https://www.twilio.com/docs/errors/${code}` });
    if (status === 401) expect(res.headers.get('www-authenticate')).toBe('Basic realm="Twilio API"');
  });

  it("another account's path → 404 20404", async () => {
    const res = await fetch(`${sandbox.url}/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json`, {
      method: 'POST',
      headers: { authorization: auth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(valid).toString(),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 20404 });
  });

  it('failNext answers the next call(s) with the error and Retry-After', async () => {
    sandbox.failNext({ status: 429, retryAfter: 3 }, 2);
    for (let i = 0; i < 2; i++) {
      const res = await post(valid);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(await res.json()).toMatchObject({ code: 20429, message: 'Too Many Requests' });
    }
    expect((await post(valid)).status).toBe(201);
  });

  it('serves the Account resource', async () => {
    const res = await fetch(`${sandbox.url}/2010-04-01/Accounts/${AC}.json`, { headers: { authorization: auth() } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sid: AC, status: 'active', friendly_name: 'ChargeCars' });
  });

  it('media need basic auth and redirect to the bytes', async () => {
    const url = sandbox.addMedia('application/pdf', Buffer.from('%PDF-1.4\n'));
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: auth() }, redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toMatch(new RegExp(`^${sandbox.url}/cdn/ME[0-9a-f]{32}$`));
  });
});

describe('webhooks to the hub, through the real adapter', () => {
  let sandbox: TwilioSandbox | undefined;
  let edge: Awaited<ReturnType<typeof startTestEdge>> | undefined;
  afterEach(async () => {
    await sandbox?.close();
    await edge?.close();
    sandbox = edge = undefined;
  });

  /** An edge at a loopback port whose channel's webhookUrl is the edge itself (or `webhookUrl`). */
  async function setup(opts: { receipts?: { delayMs: number; statuses?: string[] }; webhookUrl?: string } = {}) {
    const holder: { channel?: AdapterChannel<SmsConfig> } = {};
    edge = await startTestEdge(smsAdapter, {
      byRoutingKey: async (key) => (holder.channel && key === holder.channel.externalId ? holder.channel : null),
      all: async () => (holder.channel ? [holder.channel] : []),
    });
    const config: SmsConfig = { ...demoSmsConfig, webhookUrl: opts.webhookUrl ?? `${edge.url}/webhooks/sms` };
    holder.channel = { id: 'ch_sms', organizationId: 'org', externalId: config.phoneNumber, config };
    sandbox = await startTwilioSandbox({ accountSid: AC, authToken: TOKEN, phoneNumbers: [config.phoneNumber], ...(opts.receipts ? { receipts: opts.receipts } : {}) });
    const io = testIO({ twilio: sandbox.url, public: edge.url });
    return { channel: holder.channel, io, sandbox, edge };
  }

  it('postInbound: an SMS signed over the configured URL is accepted and acknowledged with TwiML', async () => {
    const { sandbox, edge, channel, io } = await setup();
    const posted = await sandbox.postInbound({ webhookUrl: channel.config.webhookUrl, from: '+31655512345', to: channel.config.phoneNumber, body: 'Wanneer komt de monteur?' });
    expect(posted.status).toBe(200);
    expect(posted.contentType).toMatch(/^text\/xml/);
    expect(posted.responseBody).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(edge.deliveries).toHaveLength(1);
    expect(edge.deliveries[0]!.accepted).toMatchObject({ channelIds: ['ch_sms'], dedupeKey: `sms:${posted.messageSid}` });
    const [event] = await smsAdapter.parse!(edge.deliveries[0]!.stored, channel, io);
    expect(event).toMatchObject({ kind: 'message', inbound: { externalMessageId: posted.messageSid, content: 'Wanneer komt de monteur?', conversationKey: '+31655512345' } });
  });

  it('postInbound behind a proxy: signed over the public webhookUrl, posted to the loopback edge', async () => {
    const { sandbox, edge, channel } = await setup({ webhookUrl: 'https://support.chargecars.nl/webhooks/sms' });
    const ok = await sandbox.postInbound({
      webhookUrl: channel.config.webhookUrl,
      postTo: `${edge.url}/webhooks/sms`,
      from: '+31655512345',
      to: channel.config.phoneNumber,
      body: 'Hoi',
    });
    expect(ok.status).toBe(200);
    const bad = await sandbox.postInbound({ webhookUrl: `${edge.url}/webhooks/sms`, from: '+31655512345', to: channel.config.phoneNumber, body: 'Hoi' });
    expect(bad.status).toBe(403);
    const wrongToken = await sandbox.postInbound({
      webhookUrl: channel.config.webhookUrl,
      postTo: `${edge.url}/webhooks/sms`,
      from: '+31655512345',
      to: channel.config.phoneNumber,
      body: 'Hoi',
      authToken: 'nope',
    });
    expect(wrongToken.status).toBe(403);
    expect(edge.deliveries).toHaveLength(1);
    expect(edge.rejected).toEqual([403, 403]);
  });

  it('an MMS posted by the sandbox can be fetched back through fetchMedia', async () => {
    const { sandbox, edge, channel, io } = await setup();
    const bytes = Buffer.from('fake-jpeg-bytes');
    const posted = await sandbox.postInbound({
      webhookUrl: channel.config.webhookUrl,
      from: '+393471234567',
      to: channel.config.phoneNumber,
      body: '',
      media: [{ contentType: 'image/jpeg', bytes }],
    });
    expect(posted.messageSid).toMatch(/^MM[0-9a-f]{32}$/);
    const [event] = await smsAdapter.parse!(edge.deliveries[0]!.stored, channel, io);
    if (event?.kind !== 'message') throw new Error('expected a message');
    expect(event.inbound.content).toBe('📷 Image');
    const media = await smsAdapter.fetchMedia!(channel, event.inbound.attachments[0]!.providerMediaId!, io);
    expect(media.mimeType).toBe('image/jpeg');
    expect(Buffer.from(media.body as Buffer).equals(bytes)).toBe(true);
  });

  it('STOP through the sandbox blocks later sends with SMS_OPTED_OUT; START lifts it', async () => {
    const { sandbox, edge, channel, io } = await setup();
    const inbound = (body: string) => sandbox.postInbound({ webhookUrl: channel.config.webhookUrl, from: '+31655512345', to: channel.config.phoneNumber, body });
    await inbound('Stop');
    const events = await smsAdapter.parse!(edge.deliveries[0]!.stored, channel, io);
    expect(events.find((e) => e.kind === 'opt-out')).toMatchObject({ optedOut: true });
    const req = { messageId: 'm1', to: '+31655512345', conversationKey: '+31655512345', content: 'Hoi' };
    await expect(smsAdapter.send!(channel, req, io)).rejects.toMatchObject({ code: 'SMS_OPTED_OUT' });
    await inbound('START');
    await expect(smsAdapter.send!(channel, req, io)).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('receipts: sent then delivered reach the status webhook, signed over the StatusCallback URL', async () => {
    const { sandbox, edge, channel, io } = await setup({ receipts: { delayMs: 1 } });
    const { externalMessageId } = await smsAdapter.send!(channel, { messageId: 'm1', to: '+31655512345', conversationKey: null, content: 'Uw afspraak staat.' }, io);
    await sandbox.receiptsSettled();
    expect(sandbox.webhooks.map((w) => [w.signedUrl, w.status])).toEqual([
      [`${edge.url}/webhooks/sms/status`, 200],
      [`${edge.url}/webhooks/sms/status`, 200],
    ]);
    expect(edge.deliveries.map((d) => d.accepted.dedupeKey)).toEqual([`sms:status:${externalMessageId}:sent`, `sms:status:${externalMessageId}:delivered`]);
    const statuses: ChannelEvent[] = [];
    for (const d of edge.deliveries) statuses.push(...(await smsAdapter.parse!(d.stored, channel, io)));
    expect(statuses.map((e) => e.kind === 'status' && [e.status.externalMessageId, e.status.status])).toEqual([
      [externalMessageId, 'SENT'],
      [externalMessageId, 'DELIVERED'],
    ]);
    expect(sandbox.messages[0]!.status).toBe('delivered');
  });

  it('postStatus: a failed 21610 callback yields FAILED and an opt-out', async () => {
    const { sandbox, edge, channel, io } = await setup();
    const { externalMessageId } = await smsAdapter.send!(channel, { messageId: 'm1', to: '+31655512345', conversationKey: null, content: 'Hoi' }, io);
    const posted = await sandbox.postStatus(externalMessageId, 'failed', { errorCode: 21610 });
    expect(posted.status).toBe(200);
    const events = await smsAdapter.parse!(edge.deliveries[0]!.stored, channel, io);
    expect(events).toMatchObject([
      { kind: 'status', status: { status: 'FAILED', error: { code: 21610 } } },
      { kind: 'opt-out', identity: { kind: 'PHONE', value: '+31655512345' }, optedOut: true },
    ]);
  });

  it('close() cancels pending receipts', async () => {
    const { sandbox, channel, io } = await setup({ receipts: { delayMs: 60_000 } });
    await smsAdapter.send!(channel, { messageId: 'm1', to: '+31655512345', conversationKey: null, content: 'Hoi' }, io);
    await sandbox.close();
    await sandbox.receiptsSettled();
    expect(sandbox.webhooks).toHaveLength(0);
  });
});

it("signTwilioRequest matches Twilio's documented example", () => {
  const params = new URLSearchParams({ CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' });
  expect(signTwilioRequest('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
});

it('directory helper routes by externalId', async () => {
  const dir = directory([]);
  expect(await dir.byRoutingKey('+31')).toBeNull();
});
