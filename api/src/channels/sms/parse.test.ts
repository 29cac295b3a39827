import { describe, expect, it } from 'vitest';
import type { ChannelEvent, StoredWebhook } from '../types.js';
import { smsAdapter } from './adapter.js';
import { mapTwilioStatus, optOutKeyword, TwilioPayloadError } from './parse.js';
import { demoSmsChannel, loadTwilioFixture, testIO, twilioFixtureWithSid } from './testing.js';

const receivedAt = new Date('2026-11-23T09:15:00.000Z');
const stored = (rawBody: Buffer | string, subpath = ''): StoredWebhook => ({
  subpath,
  query: {},
  headers: {},
  rawBody: rawBody.toString(),
  receivedAt,
});
const parse = (d: StoredWebhook) => smsAdapter.parse!(d, demoSmsChannel, testIO());
const withBody = (body: string) => {
  const f = new URLSearchParams(loadTwilioFixture('inbound-sms.form').toString());
  f.set('Body', body);
  return stored(f.toString());
};
const optOuts = (events: ChannelEvent[]) => events.filter((e) => e.kind === 'opt-out');

describe('incoming messages', () => {
  it('an SMS becomes a message event keyed by MessageSid and the sender', async () => {
    const events = await parse(stored(loadTwilioFixture('inbound-sms.form')));
    expect(events).toEqual([
      {
        kind: 'message',
        dedupeKey: 'sms:SM7d2c4a9e1b3f5d7c9e1a3b5d7f9c1e3a',
        inbound: {
          externalMessageId: 'SM7d2c4a9e1b3f5d7c9e1a3b5d7f9c1e3a',
          customer: { phone: '+31655512345', identities: [{ kind: 'PHONE', value: '+31655512345' }] },
          content: 'Hoi, de monteur staat voor de deur maar niemand neemt op bij jullie. Wat nu?',
          attachments: [],
          occurredAt: receivedAt,
          conversationKey: '+31655512345',
          metadata: { numSegments: 1, to: '+3197010250466', fromCountry: 'NL' },
        },
      },
    ]);
  });

  it('Italian text with accents and an emoji is decoded', async () => {
    const [e] = await parse(stored(loadTwilioFixture('inbound-sms-it.form')));
    expect(e!.kind === 'message' && e.inbound.content).toBe("Buongiorno, la wallbox è ancora spenta dopo l'intervento di ieri. Potete richiamarmi? Grazie 🙏");
  });

  it('an MMS carries its media URL as providerMediaId', async () => {
    const [e] = await parse(stored(loadTwilioFixture('inbound-mms.form')));
    if (e?.kind !== 'message') throw new Error('expected a message');
    expect(e.inbound.content).toBe('Foto van de meterkast');
    expect(e.inbound.attachments).toEqual([
      {
        kind: 'image',
        mimeType: 'image/jpeg',
        providerMediaId:
          'https://api.twilio.com/2010-04-01/Accounts/AC4f2b8e1d9c7a6b5e3f1d0c9b8a7e6d5c/Messages/MM0a1b2c3d4e5f60718293a4b5c6d7e8f9/Media/ME5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b',
      },
    ]);
    expect(e.inbound.metadata.numMedia).toBe(1);
  });

  it('an MMS without text gets a summary; each media keeps its order and type', async () => {
    const [e] = await parse(stored(loadTwilioFixture('inbound-mms-two.form')));
    if (e?.kind !== 'message') throw new Error('expected a message');
    expect(e.inbound.attachments.map((a) => [a.kind, a.mimeType])).toEqual([
      ['document', 'application/pdf'],
      ['image', 'image/jpeg'],
    ]);
    expect(e.inbound.attachments[1]!.providerMediaId).toMatch(/\/Messages\/MM78999c0d1b4da9cbe3d767d30b3cccf5\/Media\/ME67449fba41bd3446539bfd358133ce51$/);
    expect(e.inbound.content).toBe('📄 Document 📷 Image');
    expect(e.inbound.customer.phone).toBe('+393471234567');
  });

  it('NumMedia beyond the URLs present or above 10 is bounded', async () => {
    const f = new URLSearchParams(loadTwilioFixture('inbound-mms.form').toString());
    f.set('NumMedia', '5000');
    const [e] = await parse(stored(f.toString()));
    expect(e!.kind === 'message' && e.inbound.attachments.length).toBe(1);
  });
});

describe('opt-out keywords', () => {
  it('STOP yields the message and an opt-out of the sender', async () => {
    const events = await parse(stored(loadTwilioFixture('inbound-stop.form')));
    expect(events.map((e) => e.kind)).toEqual(['message', 'opt-out']);
    expect(events[1]).toEqual({
      kind: 'opt-out',
      dedupeKey: 'sms:opt-out:SM87d9ce20d7349fb9fc989db25c8e9762',
      identity: { kind: 'PHONE', value: '+31655512345' },
      optedOut: true,
      occurredAt: receivedAt,
    });
  });

  it('"Start " opts back in', async () => {
    const events = await parse(stored(loadTwilioFixture('inbound-start.form')));
    expect(optOuts(events)).toMatchObject([{ optedOut: false, identity: { kind: 'PHONE', value: '+31655512345' } }]);
  });

  it.each([
    ['stop', true],
    ['  Quit\n', true],
    ['unsubscribe', true],
    ['StopAll', true],
    ['cancel', true],
    ['END', true],
    ['yes', false],
    ['UNSTOP', false],
  ])('%j → optedOut %s', async (body, optedOut) => {
    expect(optOuts(await parse(withBody(body)))).toMatchObject([{ optedOut }]);
  });

  it.each(['stop please', 'STOP!', 'Stop alsjeblieft met die herinneringen, de laadpaal werkt weer', 'S T O P', 'stopp', 'help'])('%j is not an opt-out', async (body) => {
    const events = await parse(withBody(body));
    expect(events.map((e) => e.kind)).toEqual(['message']);
  });

  it('the stop-please fixture is only a message', async () => {
    expect((await parse(stored(loadTwilioFixture('inbound-stop-please.form')))).map((e) => e.kind)).toEqual(['message']);
  });

  it("Twilio's Advanced Opt-Out OptOutType is honoured", async () => {
    const f = new URLSearchParams(loadTwilioFixture('inbound-sms.form').toString());
    f.set('Body', 'Basta messaggi');
    f.set('OptOutType', 'STOP');
    expect(optOuts(await parse(stored(f.toString())))).toMatchObject([{ optedOut: true }]);
  });

  it('optOutKeyword', () => {
    expect(optOutKeyword(' stop ')).toBe(true);
    expect(optOutKeyword('start')).toBe(false);
    expect(optOutKeyword('stop now')).toBeNull();
  });
});

describe('status callbacks', () => {
  const SID = 'SMd41c5e2f3a4b5c6d7e8f90a1b2c3d4e5';
  const statusForm = (status: string, extra: Record<string, string> = {}) =>
    stored(new URLSearchParams({ MessageSid: SID, MessageStatus: status, To: '+31655512345', From: '+3197010250466', ...extra }).toString(), '/status');

  it.each([
    ['queued', 'PENDING'],
    ['accepted', 'PENDING'],
    ['sending', 'PENDING'],
    ['sent', 'SENT'],
    ['delivered', 'DELIVERED'],
    ['read', 'READ'],
    ['undelivered', 'FAILED'],
    ['failed', 'FAILED'],
  ])('%s → %s', async (twilio, hub) => {
    const [e] = await parse(statusForm(twilio));
    expect(e).toMatchObject({ kind: 'status', dedupeKey: `sms:status:${SID}:${twilio}`, status: { externalMessageId: SID, status: hub, occurredAt: receivedAt } });
    expect(mapTwilioStatus(twilio)).toBe(hub);
  });

  it('the delivered fixture', async () => {
    const events = await parse(stored(twilioFixtureWithSid('status-delivered.form', SID), '/status'));
    expect(events).toEqual([{ kind: 'status', dedupeKey: `sms:status:${SID}:delivered`, status: { externalMessageId: SID, status: 'DELIVERED', occurredAt: receivedAt } }]);
  });

  it('undelivered 30003 carries the error code and title', async () => {
    const events = await parse(stored(twilioFixtureWithSid('status-undelivered-30003.form', SID), '/status'));
    expect(events).toEqual([
      {
        kind: 'status',
        dedupeKey: `sms:status:${SID}:undelivered`,
        status: { externalMessageId: SID, status: 'FAILED', occurredAt: receivedAt, error: { code: 30003, title: 'Unreachable destination handset' } },
      },
    ]);
  });

  it('failed 21610 also opts the recipient (To) out', async () => {
    const events = await parse(stored(twilioFixtureWithSid('status-failed-21610.form', SID), '/status'));
    expect(events).toEqual([
      {
        kind: 'status',
        dedupeKey: `sms:status:${SID}:failed`,
        status: { externalMessageId: SID, status: 'FAILED', occurredAt: receivedAt, error: { code: 21610, title: 'Attempt to send to unsubscribed recipient' } },
      },
      { kind: 'opt-out', dedupeKey: `sms:opt-out:${SID}:21610`, identity: { kind: 'PHONE', value: '+31655512345' }, optedOut: true, occurredAt: receivedAt },
    ]);
  });

  it('an ErrorMessage from Twilio wins over the built-in title; an unknown code gets a generic one', async () => {
    const [a] = await parse(statusForm('failed', { ErrorCode: '30007', ErrorMessage: 'Carrier violation' }));
    expect(a).toMatchObject({ status: { error: { code: 30007, title: 'Carrier violation' } } });
    const [b] = await parse(statusForm('undelivered', { ErrorCode: '39999' }));
    expect(b).toMatchObject({ status: { error: { code: 39999, title: 'Twilio error 39999' } } });
  });

  it('statuses of inbound messages are ignored', async () => {
    expect(await parse(statusForm('received'))).toEqual([]);
    expect(await parse(statusForm('receiving'))).toEqual([]);
  });

  it('an unknown subpath or a form without MessageSid throws', async () => {
    await expect(parse(stored('MessageSid=SM1', '/nope'))).rejects.toBeInstanceOf(TwilioPayloadError);
    await expect(parse(stored('MessageStatus=sent', '/status'))).rejects.toBeInstanceOf(TwilioPayloadError);
    await expect(parse(stored('Body=hoi'))).rejects.toBeInstanceOf(TwilioPayloadError);
  });
});
