import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraphSandbox, type GraphSandbox } from '../../sandbox/graph.js';
import { ChannelMediaError, ChannelSendError, type AdapterIO, type FetchedMedia, type OutboundRequest } from '../types.js';
import { outlookAdapter } from './adapter.js';
import { addFixtureMessages, demoChannel, makeIO } from './test-support.js';

let sandbox: GraphSandbox;
let io: AdapterIO;
const channel = demoChannel();

beforeAll(async () => {
  sandbox = await startGraphSandbox();
  addFixtureMessages(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  io = makeIO(sandbox);
  sandbox.requests.length = 0;
  sandbox.sent.length = 0;
});

const reply: OutboundRequest = {
  messageId: 'msg_01JD5Q3Z8K',
  to: 'marieke.visser@ziggo.nl',
  conversationKey: 'AAQkAGI2TG93LWNvbnYtMDAx',
  content: 'Beste Marieke, de offerte komt vandaag nog.',
  contentHtml: '<p>Beste Marieke, de offerte komt <b>vandaag</b> nog.</p>',
  subject: 'RE: Offerte thuislader aangevraagd - nog geen reactie',
  replyToExternalId: 'AAMkAGI2TG93AAA=',
  recipientName: 'Marieke Visser',
};

const tokenCalls = () => sandbox.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));

async function sendError(request: OutboundRequest): Promise<ChannelSendError> {
  const err = await outlookAdapter.send!(channel, request, io).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ChannelSendError);
  return err as ChannelSendError;
}

describe('outlook send', () => {
  it('replies to the customer message with POST …/messages/{id}/reply', async () => {
    const result = await outlookAdapter.send!(channel, reply, io);
    expect(result).toMatchObject({ externalMessageId: 'hub:msg_01JD5Q3Z8K', status: 'SENT' });
    const call = sandbox.requests.find((r) => r.method === 'POST' && r.path.startsWith('/v1.0/'))!;
    expect(call.path).toBe('/v1.0/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60/messages/AAMkAGI2TG93AAA%3D/reply');
    expect(call.body).toEqual({ message: { body: { contentType: 'HTML', content: '<p>Beste Marieke, de offerte komt <b>vandaag</b> nog.</p>' } } });
    expect(sandbox.sent).toEqual([expect.objectContaining({ kind: 'reply', replyTo: 'AAMkAGI2TG93AAA=' })]);
  });

  it('sends text as contentType Text', async () => {
    await outlookAdapter.send!(channel, { ...reply, contentHtml: undefined }, io);
    expect(sandbox.sent[0]!.body).toEqual({ message: { body: { contentType: 'Text', content: 'Beste Marieke, de offerte komt vandaag nog.' } } });
  });

  it('starts a new thread with POST …/sendMail when there is nothing to reply to', async () => {
    const result = await outlookAdapter.send!(channel, { ...reply, replyToExternalId: undefined, subject: 'Uw offerte LT-88213' }, io);
    expect(result.externalMessageId).toBe('hub:msg_01JD5Q3Z8K');
    expect(sandbox.sent).toHaveLength(1);
    expect(sandbox.sent[0]!.kind).toBe('sendMail');
    expect(sandbox.sent[0]!.body).toEqual({
      message: {
        subject: 'Uw offerte LT-88213',
        body: { contentType: 'HTML', content: reply.contentHtml },
        toRecipients: [{ emailAddress: { address: 'marieke.visser@ziggo.nl', name: 'Marieke Visser' } }],
      },
      saveToSentItems: true,
    });
    expect(sandbox.requests.some((r) => r.path === '/v1.0/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60/sendMail')).toBe(true);
  });

  it('takes one client-credentials token for two sends and a new one after it expires', async () => {
    const before = sandbox.tokenRequests;
    let now = Date.now();
    io = { ...io, now: () => new Date(now) };
    await outlookAdapter.send!(channel, reply, io);
    await outlookAdapter.send!(channel, { ...reply, messageId: 'msg_2' }, io);
    expect(sandbox.tokenRequests - before).toBe(1);
    const form = tokenCalls()[0]!;
    expect(form.path).toBe('/5a1d7c3e-88b2-4f0e-9c61-2b7e4d90a1f3/oauth2/v2.0/token');
    expect(form.body).toEqual({
      client_id: 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
      client_secret: 'dev-graph-client-secret',
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
    });
    now += 3599_000 - 299_000; // inside the 5-minute margin before expiry
    await outlookAdapter.send!(channel, { ...reply, messageId: 'msg_3' }, io);
    expect(sandbox.tokenRequests - before).toBe(2);
  });

  it('gets a new token when Graph refuses the cached one (401)', async () => {
    await outlookAdapter.send!(channel, reply, io);
    const before = sandbox.tokenRequests;
    sandbox.revokeTokens();
    await outlookAdapter.send!(channel, { ...reply, messageId: 'msg_after_revoke' }, io);
    expect(sandbox.tokenRequests - before).toBe(1);
    expect(sandbox.sent).toHaveLength(2);
  });

  it('maps 429 to a retryable error with Retry-After seconds', async () => {
    sandbox.failNext(429, { retryAfter: 7 });
    const err = await sendError(reply);
    expect(err.code).toBe('CHANNEL_SEND_FAILED');
    expect(err.retryable).toBe(true);
    expect(err.retryAfterSeconds).toBe(7);
    expect(err.message).toContain('ApplicationThrottled');
    expect(sandbox.sent).toHaveLength(0);
  });

  it('maps 503 to retryable and 404 to a final refusal', async () => {
    sandbox.failNext(503, { retryAfter: 30 });
    const unavailable = await sendError(reply);
    expect([unavailable.retryable, unavailable.retryAfterSeconds]).toEqual([true, 30]);
    const missing = await sendError({ ...reply, replyToExternalId: 'AAMkDOESNOTEXIST=' });
    expect(missing.retryable).toBe(false);
    expect(missing.message).toContain('ErrorItemNotFound');
  });

  it('refuses an invalid recipient, an empty body and a wrong client secret without retrying', async () => {
    const bad = await sendError({ ...reply, replyToExternalId: undefined, to: 'not-an-address' });
    expect([bad.retryable, bad.message.includes('ErrorInvalidRecipients')]).toEqual([false, true]);
    expect((await sendError({ ...reply, content: ' ', contentHtml: undefined })).retryable).toBe(false);
    const wrongSecret = await outlookAdapter.send!(demoChannel({ clientSecret: 'wrong' }), reply, io).catch((e: unknown) => e as ChannelSendError);
    expect(wrongSecret).toBeInstanceOf(ChannelSendError);
    expect((wrongSecret as ChannelSendError).retryable).toBe(false);
    expect((wrongSecret as ChannelSendError).message).toContain('invalid_client');
    expect((wrongSecret as ChannelSendError).message).not.toContain('wrong');
  });

  it('maps a network failure to a retryable error', async () => {
    const down = { ...io, urls: { ...io.urls, microsoftLogin: 'http://127.0.0.1:9' } };
    const err = await outlookAdapter.send!(channel, reply, down).catch((e: unknown) => e as ChannelSendError);
    expect(err).toBeInstanceOf(ChannelSendError);
    expect((err as ChannelSendError).retryable).toBe(true);
  });
});

describe('outlook recipient', () => {
  it('prefers the EMAIL identity, then the profile e-mail', () => {
    const customer = {
      name: 'Marieke',
      email: 'm@x.nl',
      phone: null,
      identities: [
        { kind: 'PHONE' as const, value: '+31612345678' },
        { kind: 'EMAIL' as const, value: 'marieke.visser@ziggo.nl' },
      ],
    };
    expect(outlookAdapter.recipient({ conversationKey: 'c', customer })).toBe('marieke.visser@ziggo.nl');
    expect(outlookAdapter.recipient({ conversationKey: 'c', customer: { ...customer, identities: [] } })).toBe('m@x.nl');
    expect(outlookAdapter.recipient({ conversationKey: 'c', customer: { ...customer, identities: [], email: null } })).toBeNull();
    expect(outlookAdapter.recipient({ conversationKey: 'c', customer: null })).toBeNull();
  });
});

async function bytesOf(media: FetchedMedia): Promise<Buffer> {
  if (Buffer.isBuffer(media.body)) return media.body;
  return Buffer.from(await new Response(media.body).arrayBuffer());
}

describe('outlook fetchMedia', () => {
  it('downloads an attachment by <messageId>/<attachmentId>', async () => {
    const media = await outlookAdapter.fetchMedia!(channel, 'AAMkAGI2TG96DDD=/AAMkAGI2TG96DDDBEgAQAKx2', io);
    expect(media.mimeType).toBe('application/pdf');
    expect(media.contentLength).toBe(48213);
    expect(media.fileName).toBe('fattura-installatore-2026-0412.pdf');
    const bytes = await bytesOf(media);
    expect(bytes.length).toBe(48213);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const call = sandbox.requests.find((r) => r.path.includes('/$value'))!;
    expect(call.path).toBe('/v1.0/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60/messages/AAMkAGI2TG96DDD%3D/attachments/AAMkAGI2TG96DDDBEgAQAKx2/$value');
  });

  it('throws ChannelMediaError for unknown or malformed ids', async () => {
    await expect(outlookAdapter.fetchMedia!(channel, 'AAMkAGI2TG96DDD=/nope', io)).rejects.toBeInstanceOf(ChannelMediaError);
    await expect(outlookAdapter.fetchMedia!(channel, 'no-slash', io)).rejects.toBeInstanceOf(ChannelMediaError);
    sandbox.failNext(503);
    await expect(outlookAdapter.fetchMedia!(channel, 'AAMkAGI2TG96DDD=/AAMkAGI2TG96DDDBEgAQAKx2', io)).rejects.toThrow(/ServiceUnavailable/);
  });
});

describe('outlook test', () => {
  it('reports the mailbox when the credentials work', async () => {
    const r = await outlookAdapter.test!(channel, io);
    expect(r).toEqual({ ok: true, code: null, message: 'Connected to ChargeCars Klantenservice <klantenservice@chargecars.nl>' });
    expect(sandbox.requests.some((q) => q.path.startsWith('/v1.0/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60?'))).toBe(true);
  });

  it('reports refused credentials and an unknown mailbox', async () => {
    const secret = await outlookAdapter.test!(demoChannel({ clientSecret: 'wrong' }), io);
    expect(secret).toMatchObject({ ok: false, code: 'invalid_client' });
    expect(secret.message).toContain('AADSTS7000215');
    const user = await outlookAdapter.test!(demoChannel({ mailboxUserId: '00000000-0000-4000-8000-000000000000' }), io);
    expect(user).toMatchObject({ ok: false, code: 'Request_ResourceNotFound' });
  });
});

describe('outlook config', () => {
  it('validates the configuration and names the routing key and secrets', () => {
    const ok = outlookAdapter.configSchema.safeParse(channel.config);
    expect(ok.success).toBe(true);
    expect(outlookAdapter.routingKey(channel.config)).toBe('8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60');
    expect(outlookAdapter.secretKeys).toEqual(['clientSecret', 'clientState']);
    const bad = outlookAdapter.configSchema.safeParse({ ...channel.config, mailboxAddress: 'nope' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['mailboxAddress']);
    expect(outlookAdapter.configSchema.safeParse({ ...channel.config, clientState: 'x'.repeat(129) }).success).toBe(false);
  });
});
