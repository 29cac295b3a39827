import { describe, expect, it } from 'vitest';
import { chatwootAdapter } from './adapter.js';
import { ChatwootPayloadError, parseChatwootWebhook } from './parse.js';
import { channel, chatwootFixture, demoConfig, stored, testIO } from './test-helpers.js';

const ch = channel('ch-demo', demoConfig);
const parse = (name: string, headers: Record<string, string> = {}, outboundId?: number) => parseChatwootWebhook(stored(chatwootFixture(name, outboundId), headers), ch);

describe('message_created', () => {
  it('turns an incoming web widget message into a message event', () => {
    const events = parse('message_created.json');
    expect(events).toEqual([
      {
        kind: 'message',
        dedupeKey: 'chatwoot:ch-demo:msg:48213',
        inbound: {
          externalMessageId: '48213',
          conversationKey: '774',
          content: 'Hallo, ik wil mijn afspraak voor de installatie verzetten naar volgende week.',
          attachments: [],
          occurredAt: new Date('2026-11-22T09:58:03.412Z'),
          customer: {
            name: 'Ruben Mulder',
            email: 'ruben.mulder@kpnmail.nl',
            phone: '+31611122233',
            identities: [
              { kind: 'CHATWOOT_CONTACT', value: '9021' },
              { kind: 'EMAIL', value: 'ruben.mulder@kpnmail.nl' },
              { kind: 'PHONE', value: '+31611122233' },
            ],
          },
          metadata: { chatwootInboxId: '31', chatwootChannel: 'Channel::WebWidget' },
        },
      },
    ]);
  });

  it('reads attachments, unix created_at, in_reply_to and a summary for a message without text', () => {
    const [event] = parse('message_created_attachment_it.json');
    expect(event?.kind).toBe('message');
    if (event?.kind !== 'message') return;
    const { inbound } = event;
    expect(inbound.occurredAt).toEqual(new Date(1795446312 * 1000));
    expect(inbound.conversationKey).toBe('781');
    expect(inbound.inReplyToExternalId).toBe('48290');
    expect(inbound.customer.identities).toEqual([
      { kind: 'CHATWOOT_CONTACT', value: '9044' },
      { kind: 'PHONE', value: '+393471234567' },
    ]);
    expect(inbound.customer.email).toBeUndefined();
    expect(inbound.attachments).toEqual([
      {
        kind: 'image',
        providerMediaId: 'http://localhost:3000/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnsiZGF0YSI6NjEyMCwicHVyIjoiYmxvYl9pZCJ9fQ--3c1f0a2b/quadro_elettrico_garage.jpg',
        fileName: 'quadro_elettrico_garage.jpg',
        mimeType: 'image/jpeg',
        size: 284113,
      },
      { kind: 'location', latitude: 45.4642, longitude: 9.19, name: 'Via Torino 21, Milano', url: 'https://maps.google.com/?q=45.4642,9.19' },
    ]);
    expect(inbound.content).toBe('📷 Image\n📍 Via Torino 21, Milano (45.4642, 9.19)');
    expect(inbound.metadata.chatwootSourceId).toMatch(/^wamid\./);
  });

  it.each(['message_created_outgoing.json', 'message_created_private.json'])('ignores %s', (name) => {
    expect(parse(name)).toEqual([]);
  });

  it('ignores activity messages', () => {
    const raw = chatwootFixture('message_created.json').toString().replace('"message_type":"incoming"', '"message_type":"activity"');
    expect(parseChatwootWebhook(stored(raw), ch)).toEqual([]);
  });

  it('understands message_type as the enum integer', () => {
    const raw = chatwootFixture('message_created.json').toString().replace('"message_type":"incoming"', '"message_type":0');
    expect(parseChatwootWebhook(stored(raw), ch)[0]?.kind).toBe('message');
  });
});

describe('conversation status', () => {
  it('conversation_status_changed resolved → RESOLVED', () => {
    expect(parse('conversation_status_changed.json')).toEqual([
      {
        kind: 'thread-status',
        dedupeKey: 'chatwoot:ch-demo:conversation:774:resolved:1795345080',
        conversationKey: '774',
        status: 'RESOLVED',
        occurredAt: new Date(1795345080 * 1000),
      },
    ]);
  });

  it('pending → WAITING_INTERNAL, dated by updated_at', () => {
    const [e] = parse('conversation_status_changed_pending.json');
    expect(e).toMatchObject({ kind: 'thread-status', conversationKey: '781', status: 'WAITING_INTERNAL' });
    expect(e?.kind === 'thread-status' && e.occurredAt).toEqual(new Date(1795446401500));
  });

  it.each([
    ['open', 'OPEN'],
    ['snoozed', 'WAITING_INTERNAL'],
  ])('%s → %s', (from, to) => {
    const raw = chatwootFixture('conversation_status_changed.json').toString().replace('"status":"resolved"', `"status":"${from}"`);
    expect(parseChatwootWebhook(stored(raw), ch)[0]).toMatchObject({ kind: 'thread-status', status: to });
  });

  it('conversation_resolved → RESOLVED', () => {
    const raw = chatwootFixture('conversation_status_changed.json').toString().replace('conversation_status_changed', 'conversation_resolved');
    expect(parseChatwootWebhook(stored(raw), ch)[0]).toMatchObject({ kind: 'thread-status', status: 'RESOLVED', conversationKey: '774' });
  });
});

describe('contact_updated', () => {
  it('becomes customer-updated with normalised identities', () => {
    const [e] = parse('contact_updated.json');
    expect(e?.kind).toBe('customer-updated');
    if (e?.kind !== 'customer-updated') return;
    expect(e.dedupeKey).toMatch(/^chatwoot:ch-demo:contact:9021:[0-9a-f]{16}$/);
    expect(e.customer).toEqual({
      name: 'Ruben Mulder',
      email: 'ruben.mulder@kpnmail.nl',
      phone: '+31611122299',
      identities: [
        { kind: 'CHATWOOT_CONTACT', value: '9021' },
        { kind: 'EMAIL', value: 'ruben.mulder@kpnmail.nl' },
        { kind: 'PHONE', value: '+31611122299' },
      ],
    });
  });
});

describe('message_updated', () => {
  it('an outgoing message delivered → status DELIVERED, dated by X-Chatwoot-Timestamp', () => {
    const events = parse('message_updated_delivered.json', { 'x-chatwoot-timestamp': '1795341900' }, 90001);
    expect(events).toEqual([
      {
        kind: 'status',
        dedupeKey: 'chatwoot:ch-demo:status:90001:delivered',
        status: { externalMessageId: '90001', status: 'DELIVERED', occurredAt: new Date(1795341900 * 1000) },
      },
    ]);
  });

  it('failed carries the external error', () => {
    const [e] = parse('message_updated_failed.json', {}, 90002);
    expect(e).toMatchObject({
      kind: 'status',
      status: { externalMessageId: '90002', status: 'FAILED', error: { code: 'CHATWOOT_EXTERNAL_ERROR', title: '131047: Re-engagement message' } },
    });
    // no timestamp header: the time the hub received it
    expect(e?.kind === 'status' && e.status.occurredAt).toEqual(new Date('2026-11-22T10:00:00Z'));
  });

  it('ignores updates of incoming messages and edits without status', () => {
    const incoming = chatwootFixture('message_updated_delivered.json', 1).toString().replace('"message_type":"outgoing"', '"message_type":"incoming"');
    const noStatus = chatwootFixture('message_updated_delivered.json', 1).toString().replace('"status":"delivered",', '');
    expect(parseChatwootWebhook(stored(incoming), ch)).toEqual([]);
    expect(parseChatwootWebhook(stored(noStatus), ch)).toEqual([]);
  });
});

describe('other deliveries', () => {
  it('ignores events it does not handle', () => {
    expect(parseChatwootWebhook(stored('{"event":"webwidget_triggered","account":{"id":12}}'), ch)).toEqual([]);
  });

  it('throws ChatwootPayloadError for a body that is not JSON or a message without ids', () => {
    expect(() => parseChatwootWebhook(stored('not json'), ch)).toThrow(ChatwootPayloadError);
    expect(() => parseChatwootWebhook(stored('{"event":"message_created","message_type":"incoming"}'), ch)).toThrow(/id/);
  });

  it('is what the adapter exposes', async () => {
    const events = await chatwootAdapter.parse!(stored(chatwootFixture('message_created.json')), ch, testIO());
    expect(events.map((e) => e.dedupeKey)).toEqual(['chatwoot:ch-demo:msg:48213']);
  });
});
