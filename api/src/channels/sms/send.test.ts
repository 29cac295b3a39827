import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTwilioSandbox, type TwilioSandbox } from '../../sandbox/twilio.js';
import { ChannelSendError, type AdapterChannel, type OutboundRequest } from '../types.js';
import { smsAdapter, smsRecipient } from './adapter.js';
import type { SmsConfig } from './config.js';
import { retryAfterSeconds } from '../http.js';
import { demoSmsChannel, demoSmsConfig, testIO } from './testing.js';

let sandbox: TwilioSandbox;
const PUBLIC = 'https://hub.example.test';

beforeAll(async () => {
  sandbox = await startTwilioSandbox({
    accountSid: demoSmsConfig.accountSid,
    authToken: demoSmsConfig.authToken,
    phoneNumbers: [demoSmsConfig.phoneNumber],
  });
});
afterAll(async () => sandbox?.close());
beforeEach(() => {
  sandbox.requests.length = 0;
  sandbox.messages.length = 0;
  sandbox.optedOut.clear();
});

const io = () => testIO({ twilio: sandbox.url, public: PUBLIC });
const request = (over: Partial<OutboundRequest> = {}): OutboundRequest => ({
  messageId: 'msg_1',
  to: '+31655512345',
  conversationKey: '+31655512345',
  content: 'Goedemorgen! De monteur komt morgen tussen 8:00 en 10:00.',
  ...over,
});
const send = (req = request(), channel: AdapterChannel<SmsConfig> = demoSmsChannel) => smsAdapter.send!(channel, req, io());
const sendError = async (p: Promise<unknown>): Promise<ChannelSendError> => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelSendError);
  return err as ChannelSendError;
};

describe('send', () => {
  it('POSTs Messages.json with basic auth and To, From, Body, StatusCallback; returns the sid as PENDING', async () => {
    const result = await send();
    expect(sandbox.requests).toHaveLength(1);
    const r = sandbox.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe(`/2010-04-01/Accounts/${demoSmsConfig.accountSid}/Messages.json`);
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from(`${demoSmsConfig.accountSid}:${demoSmsConfig.authToken}`).toString('base64')}`);
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(r.form)).toEqual({
      To: '+31655512345',
      From: '+3197010250466',
      Body: 'Goedemorgen! De monteur komt morgen tussen 8:00 en 10:00.',
      StatusCallback: 'https://hub.example.test/webhooks/sms/status',
    });
    expect(r.status).toBe(201);
    expect(result.externalMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.externalMessageId).toBe(sandbox.messages[0]!.sid);
    expect(result.status).toBe('PENDING');
    expect(result.raw).toMatchObject({ sid: result.externalMessageId, status: 'queued', direction: 'outbound-api' });
  });

  it('sends non-ASCII text intact', async () => {
    const content = 'Buongiorno Sig.ra Bianchi, il tecnico arriverà alle 9:00 — grazie! 🙏';
    await send(request({ content, to: '+393471234567' }));
    expect(sandbox.messages[0]!.body).toBe(content);
  });

  it('21610 (recipient replied STOP) → SMS_OPTED_OUT, not retryable', async () => {
    sandbox.optOut('+31655512345');
    const err = await sendError(send());
    expect(err.code).toBe('SMS_OPTED_OUT');
    expect(err.message).toBe(smsAdapter.errors.SMS_OPTED_OUT);
    expect(err.retryable).toBe(false);
    expect(err.providerError).toMatchObject({ code: 21610, status: 400 });
  });

  it('429 → retryable with Retry-After seconds', async () => {
    sandbox.failNext({ status: 429, retryAfter: 7 });
    const err = await sendError(send());
    expect(err).toMatchObject({ code: 'CHANNEL_SEND_FAILED', retryable: true, retryAfterSeconds: 7 });
    expect(err.message).toContain('20429');
    expect(sandbox.messages).toHaveLength(0);
  });

  it('5xx → retryable; a later attempt succeeds', async () => {
    sandbox.failNext({ status: 503, message: 'Service Unavailable' });
    expect(await sendError(send())).toMatchObject({ code: 'CHANNEL_SEND_FAILED', retryable: true });
    expect((await send()).externalMessageId).toMatch(/^SM/);
  });

  it('a network failure → retryable', async () => {
    const dead = await startTwilioSandbox({ accountSid: demoSmsConfig.accountSid, authToken: 'x' });
    const url = dead.url;
    await dead.close();
    const err = await sendError(smsAdapter.send!(demoSmsChannel, request(), testIO({ twilio: url, public: PUBLIC })));
    expect(err).toMatchObject({ code: 'CHANNEL_SEND_FAILED', retryable: true });
  });

  it('a 4xx refusal (invalid To, wrong token) is not retryable and names the Twilio code', async () => {
    const invalid = await sendError(send(request({ to: '0655512345' })));
    expect(invalid).toMatchObject({ code: 'CHANNEL_SEND_FAILED', retryable: false });
    expect(invalid.message).toContain('21211');
    const wrongToken = await sendError(send(request(), { ...demoSmsChannel, config: { ...demoSmsConfig, authToken: 'wrong' } }));
    expect(wrongToken).toMatchObject({ code: 'CHANNEL_SEND_FAILED', retryable: false, providerError: { code: 20003 } });
  });

  it('empty or over-long text fails before any request', async () => {
    expect(await sendError(send(request({ content: '  ' })))).toMatchObject({ code: 'CHANNEL_SEND_FAILED', retryable: false });
    expect(await sendError(send(request({ content: 'x'.repeat(1601) })))).toMatchObject({ code: 'CHANNEL_SEND_FAILED' });
    expect(sandbox.requests).toHaveLength(0);
  });
});

describe('test (credentials check)', () => {
  it('GETs Accounts/{sid}.json with basic auth → ok', async () => {
    const r = await smsAdapter.test!(demoSmsChannel, io());
    expect(r).toEqual({ ok: true, code: null, message: 'Connected to Twilio account "ChargeCars"' });
    expect(sandbox.requests.map((q) => `${q.method} ${q.path}`)).toEqual([`GET /2010-04-01/Accounts/${demoSmsConfig.accountSid}.json`]);
    expect(sandbox.requests[0]!.basicAuth).toEqual({ username: demoSmsConfig.accountSid, password: demoSmsConfig.authToken });
  });

  it('a wrong token → not ok with code 20003', async () => {
    const r = await smsAdapter.test!({ ...demoSmsChannel, config: { ...demoSmsConfig, authToken: 'wrong' } }, io());
    expect(r).toMatchObject({ ok: false, code: '20003' });
    expect(r.message).toContain('Authenticate');
  });

  it('a suspended account → not ok', async () => {
    const s = await startTwilioSandbox({ accountSid: demoSmsConfig.accountSid, authToken: demoSmsConfig.authToken, accountStatus: 'suspended' });
    try {
      expect(await smsAdapter.test!(demoSmsChannel, testIO({ twilio: s.url }))).toMatchObject({ ok: false, code: 'ACCOUNT_SUSPENDED' });
    } finally {
      await s.close();
    }
  });
});

describe('recipient', () => {
  const customer = (identities: { kind: 'PHONE' | 'EMAIL'; value: string }[], phone: string | null = null) => ({
    name: 'Joost',
    email: null,
    phone,
    identities,
  });
  it('the PHONE identity, else the profile phone, else an E.164 conversation key', () => {
    expect(
      smsRecipient({
        conversationKey: null,
        customer: customer(
          [
            { kind: 'EMAIL', value: 'j@x.nl' },
            { kind: 'PHONE', value: '+31655512345' },
          ],
          '+31600000000',
        ),
      }),
    ).toBe('+31655512345');
    expect(smsRecipient({ conversationKey: null, customer: customer([{ kind: 'EMAIL', value: 'j@x.nl' }], '+31600000000') })).toBe('+31600000000');
    expect(smsRecipient({ conversationKey: '+31611111111', customer: null })).toBe('+31611111111');
    expect(smsRecipient({ conversationKey: 'not-a-number', customer: customer([]) })).toBeNull();
    expect(smsAdapter.recipient).toBe(smsRecipient);
  });
});

describe('configuration', () => {
  it('validates the keys; routing key is the number; authToken is secret', () => {
    expect(smsAdapter.configSchema.safeParse(demoSmsConfig).success).toBe(true);
    expect(smsAdapter.routingKey(demoSmsConfig)).toBe('+3197010250466');
    expect(smsAdapter.secretKeys).toEqual(['authToken']);
    expect(smsAdapter).toMatchObject({ channelType: 'SMS', provider: 'sms' });
    const bad = (patch: Partial<SmsConfig>) => smsAdapter.configSchema.safeParse({ ...demoSmsConfig, ...patch });
    expect(bad({ accountSid: 'AC123' }).error?.issues[0]?.path).toEqual(['accountSid']);
    expect(bad({ phoneNumber: '097010250466' }).error?.issues[0]?.path).toEqual(['phoneNumber']);
    expect(bad({ webhookUrl: 'ftp://hub/webhooks/sms' }).error?.issues[0]?.path).toEqual(['webhookUrl']);
    expect(bad({ authToken: '' }).error?.issues[0]?.path).toEqual(['authToken']);
  });
});

it('retryAfterSeconds reads seconds and HTTP dates', () => {
  const now = new Date('2026-11-23T09:30:00Z');
  expect(retryAfterSeconds('12', now)).toBe(12);
  expect(retryAfterSeconds('Mon, 23 Nov 2026 09:31:00 GMT', now)).toBe(60);
  expect(retryAfterSeconds(null, now)).toBeUndefined();
  expect(retryAfterSeconds('soon', now)).toBeUndefined();
});
