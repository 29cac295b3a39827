import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { listWhatsAppFixtures, loadWhatsAppFixture, whatsappDemoChannel } from '../../../test/fakes/fixtures.js';
import { signWhatsAppBody, verifyWhatsAppSignature } from './signature.js';

const secret = whatsappDemoChannel.appSecret;

/** Reference HMAC computed directly with node:crypto, independent of the code under test. */
const reference = (body: Buffer | string, key: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

describe('signWhatsAppBody', () => {
  it('matches the RFC 4231 HMAC-SHA256 test case 2 vector', () => {
    expect(signWhatsAppBody(Buffer.from('what do ya want for nothing?'), 'Jefe')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('signs the raw bytes of a fixture like node:crypto does', () => {
    const raw = loadWhatsAppFixture('text-nl.json');
    expect(signWhatsAppBody(raw, secret)).toBe(reference(raw, secret));
  });
});

describe('verifyWhatsAppSignature', () => {
  const raw = loadWhatsAppFixture('text-nl.json');
  const good = reference(raw, secret);

  it('accepts a correct signature for every fixture', () => {
    for (const name of listWhatsAppFixtures()) {
      const body = loadWhatsAppFixture(name);
      expect(verifyWhatsAppSignature(body, reference(body, secret), secret), name).toBe(true);
    }
  });

  it('accepts upper-case hex digits', () => {
    expect(verifyWhatsAppSignature(raw, `sha256=${good.slice(7).toUpperCase()}`, secret)).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    expect(verifyWhatsAppSignature(raw, reference(raw, 'another-secret'), secret)).toBe(false);
  });

  it('rejects a body that differs by one byte', () => {
    const tampered = Buffer.from(raw);
    tampered[tampered.length - 3] ^= 0x01;
    expect(verifyWhatsAppSignature(tampered, good, secret)).toBe(false);
  });

  it('rejects a missing header', () => {
    expect(verifyWhatsAppSignature(raw, undefined, secret)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['prefix only', 'sha256='],
    ['no prefix', good.slice(7)],
    ['sha1 scheme', `sha1=${good.slice(7, 47)}`],
    ['one hex digit short', good.slice(0, -1)],
    ['one hex digit too many', `${good}0`],
    ['non-hex characters', `sha256=${'z'.repeat(64)}`],
    ['two signatures', `${good},${good}`],
    ['base64 digest', `sha256=${createHmac('sha256', secret).update(raw).digest('base64')}`],
  ])('rejects a malformed header (%s) without throwing', (_label, header) => {
    expect(() => verifyWhatsAppSignature(raw, header, secret)).not.toThrow();
    expect(verifyWhatsAppSignature(raw, header, secret)).toBe(false);
  });

  it('rejects everything when the app secret is empty', () => {
    expect(verifyWhatsAppSignature(raw, reference(raw, ''), '')).toBe(false);
  });

  it('verifies the unicode-escaped fixture only over its raw bytes', () => {
    const rawIt = loadWhatsAppFixture('unicode-escaped-it.json');
    const text = rawIt.toString('utf8');
    // The fixture really contains Meta's escapes.
    expect(text).toContain('Niccol\\u00f2');
    expect(text).toContain('https:\\/\\/');
    expect(text).toContain('\\u0040');

    const header = reference(rawIt, secret);
    expect(verifyWhatsAppSignature(rawIt, header, secret)).toBe(true);

    const reserialised = Buffer.from(JSON.stringify(JSON.parse(text)), 'utf8');
    expect(reserialised.equals(rawIt)).toBe(false);
    expect(verifyWhatsAppSignature(reserialised, header, secret)).toBe(false);
  });
});
