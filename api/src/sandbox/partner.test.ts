import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPartnerWebhook } from '../channels/api/signature.js';
import { startPartnerSandbox, type PartnerSandbox } from './partner.js';

const SECRET = 'partner-shared-secret-4f9a2c7e';
let partner: PartnerSandbox;
beforeAll(async () => {
  partner = await startPartnerSandbox({ webhookSecret: SECRET });
});
afterAll(() => partner?.close());

function post(body: string, o: { ts?: number; secret?: string; delivery?: string; signature?: string } = {}) {
  const ts = o.ts ?? Math.floor(Date.now() / 1000);
  return fetch(partner.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-timestamp': String(ts),
      'x-hub-signature-256': o.signature ?? signPartnerWebhook(body, o.secret ?? SECRET, ts),
      'x-hub-delivery': o.delivery ?? 'cm-1',
    },
    body,
  });
}

describe('partner sandbox', () => {
  it('accepts a signed delivery and answers an id', async () => {
    const res = await post('{"event":"message.created","content":"Ciao"}', { delivery: 'cm-a' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: partner.deliveries.at(-1)!.id, received: true });
    expect(partner.deliveries.at(-1)?.body.content).toBe('Ciao');
  });

  it.each([
    ['wrong secret', { secret: 'another-secret-0000' }, 'bad-signature'],
    ['6 minutes old', { ts: Math.floor(Date.now() / 1000) - 360 }, 'stale-timestamp'],
    ['no signature', { signature: '' }, 'missing-header'],
  ])('refuses %s with 401', async (_n, o, reason) => {
    const before = partner.deliveries.length;
    const res = await post('{"event":"message.created"}', o);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: reason });
    expect(partner.deliveries.length).toBe(before);
  });

  it('refuses a tampered body', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const res = await post('{"event":"message.created","content":"Ciao!"}', { ts, signature: signPartnerWebhook('{"event":"message.created","content":"Ciao"}', SECRET, ts) });
    expect(res.status).toBe(401);
  });

  it('failNext fails N valid deliveries, then accepts again', async () => {
    partner.failNext(2, 503, { retryAfter: 5 });
    const a = await post('{"event":"message.created"}', { delivery: 'cm-f' });
    const b = await post('{"event":"message.created"}', { delivery: 'cm-f' });
    const c = await post('{"event":"message.created"}', { delivery: 'cm-f' });
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.headers.get('retry-after')).toBe('5');
  });
});
