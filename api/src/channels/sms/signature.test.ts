import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeTwilioSignature, formToParams, verifyTwilioSignature } from './signature.js';
import { demoSmsConfig, loadTwilioFixture } from './testing.js';

/** Twilio's algorithm written out independently: url + sorted name+value, HMAC-SHA1, base64. */
function reference(token: string, url: string, body: string): string {
  const pairs = [...new URLSearchParams(body)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHmac('sha1', token)
    .update(url + pairs.map(([k, v]) => k + v).join(''), 'utf8')
    .digest('base64');
}

const { authToken, webhookUrl } = demoSmsConfig;

describe("Twilio's documented example (twilio-node validateRequest docs)", () => {
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };

  it('computes the published signature', () => {
    expect(computeTwilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(computeTwilioSignature('12345', url, { ...params, Caller: '+14158675310', From: '+14158675310' })).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });

  it('verifies it, and refuses a changed value, URL or token', () => {
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(true);
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, { ...params, Digits: '1235' })).toBe(false);
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url.replace('foo=1', 'foo=2'), params)).toBe(false);
    expect(verifyTwilioSignature('12346', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(false);
  });

  it('accepts the URL signed with or without its port, like twilio-node', () => {
    const withPort = computeTwilioSignature('12345', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params);
    expect(verifyTwilioSignature('12345', withPort, url, params)).toBe(true);
    const sig = computeTwilioSignature('12345', 'http://localhost/webhooks/sms', params);
    expect(verifyTwilioSignature('12345', sig, 'http://localhost:4000/webhooks/sms', params)).toBe(true);
    // …but not another port or another path.
    const other = computeTwilioSignature('12345', 'http://localhost:4001/webhooks/sms', params);
    expect(verifyTwilioSignature('12345', other, 'http://localhost:4000/webhooks/sms', params)).toBe(false);
  });
});

describe('fixtures', () => {
  it.each(['inbound-sms.form', 'inbound-mms.form', 'inbound-mms-two.form', 'inbound-sms-it.form', 'inbound-stop.form'])(
    '%s: the signature over the configured webhook URL verifies',
    (name) => {
      const body = loadTwilioFixture(name).toString('utf8');
      const expected = reference(authToken, webhookUrl, body);
      const form = new URLSearchParams(body);
      expect(computeTwilioSignature(authToken, webhookUrl, form)).toBe(expected);
      expect(verifyTwilioSignature(authToken, expected, webhookUrl, form)).toBe(true);
    },
  );

  it('a tampered parameter, a wrong token, a missing or empty header, or an empty token fail', () => {
    const body = loadTwilioFixture('inbound-sms.form').toString('utf8');
    const sig = reference(authToken, webhookUrl, body);
    const tampered = new URLSearchParams(body);
    tampered.set('Body', 'Hoi, alles is opgelost.');
    expect(verifyTwilioSignature(authToken, sig, webhookUrl, tampered)).toBe(false);
    const added = new URLSearchParams(body);
    added.append('Extra', '');
    expect(verifyTwilioSignature(authToken, sig, webhookUrl, added)).toBe(false);
    expect(verifyTwilioSignature('not-the-token', sig, webhookUrl, new URLSearchParams(body))).toBe(false);
    expect(verifyTwilioSignature(authToken, undefined, webhookUrl, new URLSearchParams(body))).toBe(false);
    expect(verifyTwilioSignature(authToken, '', webhookUrl, new URLSearchParams(body))).toBe(false);
    expect(verifyTwilioSignature('', sig, webhookUrl, new URLSearchParams(body))).toBe(false);
    expect(verifyTwilioSignature(authToken, sig, 'not a url', new URLSearchParams(body))).toBe(false);
  });

  it('the UTF-8 of decoded values is signed (Italian text with an emoji)', () => {
    const body = loadTwilioFixture('inbound-sms-it.form').toString('utf8');
    expect(new URLSearchParams(body).get('Body')).toContain('è ancora spenta');
    // Signing the percent-encoded text instead would not verify.
    const wrong = createHmac('sha1', authToken)
      .update(webhookUrl + body.split('&').sort().join('').replaceAll('=', ''))
      .digest('base64');
    expect(verifyTwilioSignature(authToken, wrong, webhookUrl, new URLSearchParams(body))).toBe(false);
    expect(verifyTwilioSignature(authToken, reference(authToken, webhookUrl, body), webhookUrl, new URLSearchParams(body))).toBe(true);
  });
});

describe('formToParams', () => {
  it('groups repeated names; their distinct values are signed sorted', () => {
    const form = new URLSearchParams('b=2&a=z&a=y&a=z');
    expect(formToParams(form)).toEqual({ b: '2', a: ['z', 'y', 'z'] });
    const expected = createHmac('sha1', 't')
      .update('https://x.test/hayaz' + 'b2')
      .digest('base64');
    expect(computeTwilioSignature('t', 'https://x.test/h', form)).toBe(expected);
  });
});
