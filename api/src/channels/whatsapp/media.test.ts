import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { whatsappDemoChannel } from '../../../test/fakes/fixtures.js';
import { startFakeWhatsAppCloud, TINY_PDF, TINY_PNG, type FakeWhatsAppCloud } from '../../sandbox/whatsapp.js';
import { CHANNEL_MEDIA_UNAVAILABLE, ChannelMediaError, type FetchedMedia } from '../types.js';
import type { WhatsAppChannelConfig } from './adapter.js';
import { fetchWhatsAppMedia, isAllowedMediaUrl } from './media.js';

let fake: FakeWhatsAppCloud;
let config: WhatsAppChannelConfig & { graphBaseUrl: string };

beforeAll(async () => {
  fake = await startFakeWhatsAppCloud();
  config = { ...whatsappDemoChannel, graphBaseUrl: fake.baseUrl };
  fake.addMedia('1402765830391278', { mimeType: 'image/png' });
  fake.addMedia('doc-1', { mimeType: 'application/pdf' });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

async function bytesOf(m: FetchedMedia): Promise<Buffer> {
  if (Buffer.isBuffer(m.body)) return m.body;
  return Buffer.from(await new Response(m.body).arrayBuffer());
}

async function mediaError(p: Promise<unknown>): Promise<ChannelMediaError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelMediaError);
    expect((err as ChannelMediaError).code).toBe(CHANNEL_MEDIA_UNAVAILABLE);
    return err as ChannelMediaError;
  }
  throw new Error('expected fetchMedia to fail');
}

describe('whatsappAdapter.fetchMedia', () => {
  it('looks the media id up, then downloads the URL Graph returned, both with the bearer token', async () => {
    const media = await fetchWhatsAppMedia(config, '1402765830391278');
    expect(media.mimeType).toBe('image/png');
    expect(await bytesOf(media)).toEqual(TINY_PNG);
    expect(media.contentLength).toBe(TINY_PNG.length);
    expect(media.sha256).toMatch(/^[0-9a-f]{64}$/);

    expect(fake.requests).toHaveLength(2);
    const [lookup, download] = fake.requests;
    expect(lookup!.method).toBe('GET');
    expect(lookup!.path).toBe(`/v21.0/1402765830391278?phone_number_id=${whatsappDemoChannel.phoneNumberId}`);
    expect(lookup!.headers.authorization).toBe(`Bearer ${whatsappDemoChannel.accessToken}`);
    expect(download!.method).toBe('GET');
    expect(download!.path).toMatch(/^\/media-download\/1402765830391278\?hash=/);
    expect(download!.headers.authorization).toBe(`Bearer ${whatsappDemoChannel.accessToken}`);
  });

  it('serves documents (PDF bytes) and works without phoneNumberId', async () => {
    const media = await fetchWhatsAppMedia({ accessToken: config.accessToken, graphBaseUrl: fake.baseUrl }, 'doc-1');
    expect(media.mimeType).toBe('application/pdf');
    const bytes = await bytesOf(media);
    expect(bytes).toEqual(TINY_PDF);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(fake.requests[0]!.path).toBe('/v21.0/doc-1');
  });

  it('a wrong access token → Graph 190 → CHANNEL_MEDIA_UNAVAILABLE; no download attempted', async () => {
    const err = await mediaError(fetchWhatsAppMedia({ ...config, accessToken: 'wrong-token' }, '1402765830391278'));
    expect(err.message).toContain('190');
    expect(err.message).not.toContain('wrong-token');
    expect(fake.requests).toHaveLength(1);
  });

  it('the fake refuses both steps without a bearer token', async () => {
    const lookup = await fetch(`${fake.baseUrl}/1402765830391278`);
    expect(lookup.status).toBe(400);
    expect(((await lookup.json()) as { error: { code: number } }).error.code).toBe(2500);
    const ok = await fetch(`${fake.baseUrl}/1402765830391278`, { headers: { authorization: `Bearer ${config.accessToken}` } });
    const { url } = (await ok.json()) as { url: string };
    const anon = await fetch(url);
    expect(anon.status).toBe(400);
    const authed = await fetch(url, { headers: { authorization: `Bearer ${config.accessToken}` } });
    expect(authed.status).toBe(200);
    expect(Buffer.from(await authed.arrayBuffer())).toEqual(TINY_PNG);
  });

  it('an unknown media id → Graph code 100 subcode 33 → CHANNEL_MEDIA_UNAVAILABLE with the provider error', async () => {
    const err = await mediaError(fetchWhatsAppMedia(config, '999999'));
    expect(err.message).toMatch(/WhatsApp API error 100: Unsupported get request/);
    expect(err.providerError).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('a removed media (expired download URL) → CHANNEL_MEDIA_UNAVAILABLE from the download step', async () => {
    fake.addMedia('gone-1', { mimeType: 'image/jpeg' });
    let lookups = 0;
    const err = await mediaError(
      fetchWhatsAppMedia(config, 'gone-1', {
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          if (++lookups === 1) fake.removeMedia('gone-1'); // the URL expires between the two calls
          return res;
        },
      }),
    );
    expect(err.message).toMatch(/download error 100: Media not found/);
    expect(fake.requests.map((r) => r.path.split('?')[0])).toEqual(['/v21.0/gone-1', '/media-download/gone-1']);
  });

  it('times out with AbortSignal.timeout', async () => {
    fake.delayNext(500);
    const err = await mediaError(fetchWhatsAppMedia(config, '1402765830391278', { lookupTimeoutMs: 50 }));
    expect(err.message).toMatch(/lookup timed out after 50 ms/);
  });

  it('does not send the token to a non-https URL off the Graph host', async () => {
    const calls: string[] = [];
    const err = await mediaError(
      fetchWhatsAppMedia(config, 'x', {
        fetch: async (input) => {
          calls.push(String(input));
          return Response.json({ messaging_product: 'whatsapp', url: 'http://evil.example/steal', mime_type: 'image/png', id: 'x' });
        },
      }),
    );
    expect(err.message).toMatch(/not followed/);
    expect(calls).toHaveLength(1);
  });

  it('isAllowedMediaUrl: https anywhere, http only on the Graph origin', () => {
    expect(isAllowedMediaUrl('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', 'https://graph.facebook.com/v21.0')).toBe(true);
    expect(isAllowedMediaUrl('http://lookaside.fbsbx.com/x', 'https://graph.facebook.com/v21.0')).toBe(false);
    expect(isAllowedMediaUrl('http://127.0.0.1:5000/media-download/1', 'http://127.0.0.1:5000/v21.0')).toBe(true);
    expect(isAllowedMediaUrl('http://127.0.0.1:5001/media-download/1', 'http://127.0.0.1:5000/v21.0')).toBe(false);
    expect(isAllowedMediaUrl('file:///etc/passwd', 'http://127.0.0.1:5000/v21.0')).toBe(false);
    expect(isAllowedMediaUrl('https://user:pw@example.com/', 'https://graph.facebook.com/v21.0')).toBe(false);
    expect(isAllowedMediaUrl('not a url', 'https://graph.facebook.com/v21.0')).toBe(false);
  });
});
