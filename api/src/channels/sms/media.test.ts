import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTwilioSandbox, type TwilioSandbox } from '../../sandbox/twilio.js';
import { ChannelMediaError } from '../types.js';
import { smsAdapter } from './adapter.js';
import { isAllowedTwilioMediaUrl } from './media.js';
import { demoSmsChannel, demoSmsConfig, testIO } from './testing.js';

const JPEG = Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////2gAIAQEAAD8AN//Z', 'base64');
const AC = demoSmsConfig.accountSid;
let sandbox: TwilioSandbox;

beforeAll(async () => {
  sandbox = await startTwilioSandbox({ accountSid: AC, authToken: demoSmsConfig.authToken });
});
afterAll(async () => sandbox?.close());
beforeEach(() => {
  sandbox.requests.length = 0;
});

const fetchMedia = (id: string) => smsAdapter.fetchMedia!(demoSmsChannel, id, testIO({ twilio: sandbox.url }));

describe('fetchMedia', () => {
  it('GETs the media URL with basic auth, follows the redirect, returns bytes and type', async () => {
    const url = sandbox.addMedia('image/jpeg', JPEG);
    const media = await fetchMedia(url);
    expect(media.mimeType).toBe('image/jpeg');
    expect(Buffer.isBuffer(media.body) && media.body.equals(JPEG)).toBe(true);
    expect(media.contentLength).toBe(JPEG.length);
    expect(sandbox.requests.map((r) => [r.path.replace(/ME[0-9a-f]{32}/, 'ME…').replace(/MM[0-9a-f]{32}/, 'MM…'), r.status])).toEqual([
      [`/2010-04-01/Accounts/${AC}/Messages/MM…/Media/ME…`, 307],
      ['/cdn/ME…', 200],
    ]);
    expect(sandbox.requests[0]!.basicAuth).toEqual({ username: AC, password: demoSmsConfig.authToken });
  });

  it('an unknown or deleted media → ChannelMediaError', async () => {
    const url = sandbox.addMedia('image/jpeg', JPEG).replace(/ME[0-9a-f]{32}$/, `ME${'0'.repeat(32)}`);
    const err = await fetchMedia(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelMediaError);
    expect((err as Error).message).toContain('404');
  });

  it.each([
    ['another host', 'http://169.254.169.254/2010-04-01/Accounts/AC4f2b8e1d9c7a6b5e3f1d0c9b8a7e6d5c/Messages/MM1/Media/ME1'],
    ['a look-alike host', 'https://api.twilio.com.evil.test/2010-04-01/Accounts/AC4f2b8e1d9c7a6b5e3f1d0c9b8a7e6d5c/Messages/MM1/Media/ME1'],
    ['plain http to api.twilio.com', 'http://api.twilio.com/2010-04-01/Accounts/AC4f2b8e1d9c7a6b5e3f1d0c9b8a7e6d5c/Messages/MM1/Media/ME1'],
    ['credentials in the URL', 'https://user:pw@api.twilio.com/2010-04-01/Accounts/AC4f2b8e1d9c7a6b5e3f1d0c9b8a7e6d5c/Messages/MM1/Media/ME1'],
    ['not a URL', 'ME5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b'],
  ])('SSRF guard: %s is refused without a request', async (_label, url) => {
    await expect(fetchMedia(url)).rejects.toBeInstanceOf(ChannelMediaError);
    expect(sandbox.requests).toHaveLength(0);
  });

  it("SSRF guard: the fake's own origin, but another account or a non-media resource, is refused", async () => {
    const otherAccount = sandbox.addMedia('image/jpeg', JPEG).replace(AC, 'AC00000000000000000000000000000001');
    await expect(fetchMedia(otherAccount)).rejects.toBeInstanceOf(ChannelMediaError);
    await expect(fetchMedia(`${sandbox.url}/2010-04-01/Accounts/${AC}/Messages.json`)).rejects.toBeInstanceOf(ChannelMediaError);
    await expect(fetchMedia(`${sandbox.url}/2010-04-01/Accounts/${AC}/Messages/MM1/Media/ME1/../../../../Messages.json`)).rejects.toBeInstanceOf(ChannelMediaError);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('isAllowedTwilioMediaUrl accepts api.twilio.com and the configured base', () => {
    const path = `/2010-04-01/Accounts/${AC}/Messages/MM0a1b2c3d4e5f60718293a4b5c6d7e8f9/Media/ME5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b`;
    expect(isAllowedTwilioMediaUrl(`https://api.twilio.com${path}`, 'http://127.0.0.1:1234', AC)).toBe(true);
    expect(isAllowedTwilioMediaUrl(`http://127.0.0.1:1234${path}`, 'http://127.0.0.1:1234', AC)).toBe(true);
    expect(isAllowedTwilioMediaUrl(`http://127.0.0.1:1235${path}`, 'http://127.0.0.1:1234', AC)).toBe(false);
  });
});
