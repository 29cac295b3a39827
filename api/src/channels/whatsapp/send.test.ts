import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { whatsappDemoChannel } from '../../../test/fakes/fixtures.js';
import { GRAPH_ERROR_RECIPIENT_NOT_ALLOWED, GRAPH_ERROR_REENGAGEMENT, startFakeWhatsAppCloud, type FakeWhatsAppCloud } from '../../sandbox/whatsapp.js';
import { ChannelSendError } from '../types.js';
import { whatsappAdapter, type WhatsAppChannelConfig } from './adapter.js';
import { sendWhatsAppText } from './send.js';

let fake: FakeWhatsAppCloud;
let config: WhatsAppChannelConfig & { graphBaseUrl: string };

beforeAll(async () => {
  fake = await startFakeWhatsAppCloud();
  config = { ...whatsappDemoChannel, graphBaseUrl: fake.baseUrl };
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

async function sendError(p: Promise<unknown>): Promise<ChannelSendError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelSendError);
    return err as ChannelSendError;
  }
  throw new Error('expected the send to fail');
}

describe('whatsappAdapter', () => {
  it('declares its channel type and secret keys', () => {
    expect(whatsappAdapter.channelType).toBe('WHATSAPP_BUSINESS');
    expect([...whatsappAdapter.secretKeys].sort()).toEqual(['accessToken', 'appSecret', 'verifyToken']);
  });

  it('POSTs a text message in the Cloud API format and returns the wamid', async () => {
    const result = await sendWhatsAppText(config, {
      messageId: 'msg-1',
      conversationKey: '31612345678',
      to: '31612345678',
      content: 'Goedemiddag Joost, de monteur komt dinsdag om 09:00.',
      replyToExternalId: 'wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI3RjlDMEU1RDQ4QTExQjJDOAA=',
    });

    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v21.0/106540352242922/messages');
    expect(req.headers.authorization).toBe('Bearer dev-whatsapp-access-token-EAAG5x');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '31612345678',
      type: 'text',
      text: { body: 'Goedemiddag Joost, de monteur komt dinsdag om 09:00.', preview_url: false },
      context: { message_id: 'wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI3RjlDMEU1RDQ4QTExQjJDOAA=' },
    });

    expect(result.externalMessageId).toBe(fake.sentIds.at(-1));
    expect(result.externalMessageId).toMatch(/^wamid\.HBgL[A-Za-z0-9+/=]+$/);
    expect(result.raw).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '31612345678', wa_id: '31612345678' }],
      messages: [{ id: result.externalMessageId }],
    });
  });

  it('omits context when not replying, and every send gets a fresh wamid', async () => {
    const a = await sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'Eén' });
    const b = await sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'Twee' });
    expect(a.externalMessageId).not.toBe(b.externalMessageId);
    expect(fake.requests.map((r) => (r.body as Record<string, unknown>).context)).toEqual([undefined, undefined]);
    expect(Object.keys(fake.requests[0]!.body as object)).not.toContain('context');
  });

  it('accepts a base URL with a trailing slash', async () => {
    await sendWhatsAppText({ ...config, graphBaseUrl: `${fake.baseUrl}/` }, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'x' });
    expect(fake.requests[0]!.path).toBe('/v21.0/106540352242922/messages');
  });

  it('maps Graph error 131047 to WHATSAPP_WINDOW_CLOSED', async () => {
    fake.failNext(GRAPH_ERROR_REENGAGEMENT);
    const err = await sendError(sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'Nog een vraag?' }));
    expect(err.code).toBe('WHATSAPP_WINDOW_CLOSED');
    expect(err.message).toContain('131047');
    expect(err.message).toContain('Re-engagement message');
    expect(err.providerError).toMatchObject({ code: 131047, type: 'OAuthException' });
    expect(fake.requests).toHaveLength(1);
  });

  it('maps any other Graph error to CHANNEL_SEND_FAILED with Meta’s message', async () => {
    fake.failNext(GRAPH_ERROR_RECIPIENT_NOT_ALLOWED);
    const err = await sendError(sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'Hallo' }));
    expect(err.code).toBe('CHANNEL_SEND_FAILED');
    expect(err.message).toContain('Recipient phone number not in allowed list');
    expect(err.providerError).toMatchObject({ code: 131030 });
  });

  it('a 5xx Graph error is CHANNEL_SEND_FAILED too', async () => {
    fake.failNext({ httpStatus: 500, code: 131000, message: 'Something went wrong', type: 'OAuthException' });
    const err = await sendError(sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'Hallo' }));
    expect(err.code).toBe('CHANNEL_SEND_FAILED');
    expect(err.message).toContain('Something went wrong');
  });

  it('a wrong access token is rejected by the fake like Meta does', async () => {
    const err = await sendError(sendWhatsAppText({ ...config, accessToken: 'expired' }, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'x' }));
    expect(err.code).toBe('CHANNEL_SEND_FAILED');
    expect(err.message).toContain('Invalid OAuth access token');
    expect(err.providerError).toMatchObject({ code: 190 });
  });

  it('an unknown phone number id fails', async () => {
    const err = await sendError(sendWhatsAppText({ ...config, phoneNumberId: '999' }, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'x' }));
    expect(err.code).toBe('CHANNEL_SEND_FAILED');
    expect(err.message).toContain("Object with ID '999' does not exist");
  });

  it('times out with CHANNEL_SEND_FAILED', async () => {
    fake.delayNext(1_000);
    const err = await sendError(sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'x' }, { timeoutMs: 50 }));
    expect(err.code).toBe('CHANNEL_SEND_FAILED');
    expect(err.message).toContain('timed out after 50 ms');
  });

  it('an unreachable server fails with CHANNEL_SEND_FAILED', async () => {
    const err = await sendError(
      sendWhatsAppText({ ...config, graphBaseUrl: 'http://127.0.0.1:1/v21.0' }, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'x' }),
    );
    expect(err.code).toBe('CHANNEL_SEND_FAILED');
  });

  it('rejects empty and over-long text without calling Meta', async () => {
    expect((await sendError(sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: '  ' }))).code).toBe('CHANNEL_SEND_FAILED');
    expect((await sendError(sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'a'.repeat(4097) }))).message).toContain('4096');
    expect(fake.requests).toHaveLength(0);
    // 4096 is still fine
    await sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'a'.repeat(4096) });
    expect(fake.requests).toHaveLength(1);
  });

  it('a 200 without messages[0].id is CHANNEL_SEND_FAILED', async () => {
    const fetchStub = (async () => new Response(JSON.stringify({ messaging_product: 'whatsapp', messages: [] }), { status: 200 })) as typeof fetch;
    const err = await sendError(sendWhatsAppText(config, { messageId: 'msg-1', conversationKey: null, to: '31612345678', content: 'x' }, { fetch: fetchStub }));
    expect(err.code).toBe('CHANNEL_SEND_FAILED');
    expect(err.message).toContain('unexpected body');
  });
});

describe('the fake validates bodies like the Cloud API', () => {
  const post = (body: unknown, token = whatsappDemoChannel.accessToken) =>
    fetch(`${fake.baseUrl}/${whatsappDemoChannel.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it.each([
    ['missing messaging_product', { to: '316', type: 'text', text: { body: 'x' } }, 'messaging_product is required'],
    ['missing to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 'parameter to is required'],
    ['missing text.body', { messaging_product: 'whatsapp', to: '316', type: 'text', text: {} }, "text['body'] is required"],
    ['bad context', { messaging_product: 'whatsapp', to: '316', type: 'text', text: { body: 'x' }, context: {} }, "context['message_id']"],
    ['not JSON', '{"messaging_product":', 'messaging_product is required'],
  ])('%s → 400 with a Graph error envelope', async (_label, body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(String(json.error.message)).toContain(message);
    expect(typeof json.error.fbtrace_id).toBe('string');
  });

  it('a 12-digit recipient gets a wamid.HBgM… id (length-prefixed like Meta’s)', async () => {
    const res = await post({ messaging_product: 'whatsapp', to: '393471234567', type: 'text', text: { body: 'Buongiorno' } });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { messages: Array<{ id: string }> };
    expect(json.messages[0]!.id.startsWith('wamid.HBgM')).toBe(true);
    const decoded = Buffer.from(json.messages[0]!.id.slice('wamid.'.length), 'base64').toString('latin1');
    expect(decoded).toContain('393471234567');
  });
});
