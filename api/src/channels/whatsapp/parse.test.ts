import { describe, expect, it } from 'vitest';
import { fixtureWithWamid, listWhatsAppFixtures, loadWhatsAppFixture, whatsappDemoChannel } from '../../../test/fakes/fixtures.js';
import { parseWhatsAppWebhook, parseWhatsAppWebhookRaw, whatsappDedupeKey, WhatsAppPayloadError, type ParsedWhatsAppWebhook, type WhatsAppWebhookEvent } from './parse.js';

const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const OUTBOUND = 'wamid.HBgLMzE2MTIzNDU2NzgVAgARGBJPVVRCT1VORFRFU1QA';

function parseFixture(name: string): ParsedWhatsAppWebhook {
  const raw = name.startsWith('status-') ? fixtureWithWamid(name, OUTBOUND) : loadWhatsAppFixture(name);
  return parseWhatsAppWebhookRaw(raw);
}

function onlyMessage(parsed: ParsedWhatsAppWebhook) {
  expect(parsed.events).toHaveLength(1);
  const [ev] = parsed.events;
  expect(ev!.kind).toBe('message');
  expect(ev!.phoneNumberId).toBe(PHONE_NUMBER_ID);
  expect(ev!.businessAccountId).toBe(WABA_ID);
  return (ev as Extract<WhatsAppWebhookEvent, { kind: 'message' }>).inbound;
}

function onlyStatus(parsed: ParsedWhatsAppWebhook) {
  expect(parsed.events).toHaveLength(1);
  const [ev] = parsed.events;
  expect(ev!.kind).toBe('status');
  expect(ev!.phoneNumberId).toBe(PHONE_NUMBER_ID);
  return (ev as Extract<WhatsAppWebhookEvent, { kind: 'status' }>).status;
}

/** One assertion block per fixture file; the first test checks that none is missing. */
const fixtureExpectations: Record<string, (parsed: ParsedWhatsAppWebhook) => void> = {
  'text-nl.json': (p) => {
    const m = onlyMessage(p);
    expect(m).toEqual({
      externalMessageId: 'wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI3RjlDMEU1RDQ4QTExQjJDOAA=',
      customer: { name: 'Joost de Vries', identities: [{ kind: 'WHATSAPP_ID', value: '31612345678' }], phone: '+31612345678' },
      content: 'Goedemiddag, mijn laadpaal werkt niet sinds de installatie van gisteren. Het lampje knippert rood. Ordernummer CC-2026-10482.',
      attachments: [],
      occurredAt: new Date('2026-11-22T09:20:00.000Z'),
      conversationKey: '31612345678',
      metadata: { whatsappType: 'text' },
    });
    expect(m.inReplyToExternalId).toBeUndefined();
  },

  'batched-two-contacts.json': (p) => {
    expect(p.events).toHaveLength(2);
    const [a, b] = p.events.map((e) => (e as Extract<WhatsAppWebhookEvent, { kind: 'message' }>).inbound);
    expect(p.events.every((e) => e.kind === 'message' && e.phoneNumberId === PHONE_NUMBER_ID)).toBe(true);
    expect(a!.customer).toEqual({ name: 'Pieter Jansen', identities: [{ kind: 'WHATSAPP_ID', value: '31622223333' }], phone: '+31622223333' });
    expect(a!.conversationKey).toBe('31622223333');
    expect(a!.content).toBe('Kan de monteur donderdag ook na 16:00 komen?');
    expect(a!.externalMessageId).toBe('wamid.HBgLMzE2MjIyMjMzMzMVAgASGBQ1RjhBMTBCMkMzRDRFNUY2MDcwOAA=');
    expect(a!.occurredAt.toISOString()).toBe('2026-11-22T10:23:20.000Z');
    expect(b!.customer).toEqual({ name: 'Fatima El Amrani', identities: [{ kind: 'WHATSAPP_ID', value: '31644445555' }], phone: '+31644445555' });
    expect(b!.conversationKey).toBe('31644445555');
    expect(b!.content).toBe('Ik heb twee keer betaald voor dezelfde bestelling, graag terugbetaling.');
    expect(b!.externalMessageId).toBe('wamid.HBgLMzE2NDQ0NDU1NTUVAgASGBQ2QTdCOEM5RDBFMUYyMzQ1NjcwOQA=');
    expect(b!.occurredAt.toISOString()).toBe('2026-11-22T10:23:24.000Z');
  },

  'document-reply-context.json': (p) => {
    const m = onlyMessage(p);
    expect(m.customer.name).toBe('Joost de Vries');
    expect(m.content).toBe('Factuur van de installateur');
    expect(m.inReplyToExternalId).toBe('wamid.HBgLMzE2MTIzNDU2NzgVAgARGBI5QkU0QzFGMDNBNzI2RDg1RTcA');
    expect(m.attachments).toEqual([
      {
        kind: 'document',
        providerMediaId: '884712093385511',
        mimeType: 'application/pdf',
        sha256: 'mQ2a4Xc9sP0e1Lk7tYh3bN6vR8uW5zJ2gF4dS1aQ0o8=',
        fileName: 'factuur-CC-2026-10482.pdf',
        caption: 'Factuur van de installateur',
      },
    ]);
    expect(m.metadata.whatsappType).toBe('document');
    expect(m.occurredAt.toISOString()).toBe('2026-11-22T09:35:01.000Z');
  },

  'image-caption.json': (p) => {
    const m = onlyMessage(p);
    expect(m.externalMessageId).toBe('wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI3RjlDMEU1RDQ4QTExQjJEMQA=');
    expect(m.content).toBe('Zo ziet het display eruit');
    expect(m.attachments).toEqual([
      {
        kind: 'image',
        providerMediaId: '1402765830391278',
        mimeType: 'image/jpeg',
        sha256: 'x3Yc0vQ1m7m0h5l2yG8mQe6Zq4hC2a1bVnT0k9s8r7E=',
        caption: 'Zo ziet het display eruit',
      },
    ]);
    expect(m.inReplyToExternalId).toBeUndefined();
  },

  'interactive-button-reply.json': (p) => {
    const m = onlyMessage(p);
    expect(m.customer).toEqual({ name: 'Sanne Bakker', identities: [{ kind: 'WHATSAPP_ID', value: '31687654321' }], phone: '+31687654321' });
    expect(m.content).toBe('Dinsdag 09:00');
    expect(m.inReplyToExternalId).toBe('wamid.HBgLMzE2ODc2NTQzMjEVAgARGBIwMUE4QkM3RDZFNUY0MzIxMEQA');
    expect(m.metadata).toMatchObject({
      whatsappType: 'interactive',
      buttonId: 'slot_tue_0900',
      interactive: { type: 'button_reply', id: 'slot_tue_0900', title: 'Dinsdag 09:00' },
    });
    expect(m.attachments).toEqual([]);
  },

  'location.json': (p) => {
    const m = onlyMessage(p);
    expect(m.content).toBe('📍 Thuisadres, Oudegracht 231, 3511 NK Utrecht (52.0907374, 5.1214201)');
    expect(m.attachments).toEqual([
      {
        kind: 'location',
        latitude: 52.0907374,
        longitude: 5.1214201,
        name: 'Thuisadres',
        address: 'Oudegracht 231, 3511 NK Utrecht',
      },
    ]);
    expect(m.metadata.whatsappType).toBe('location');
    expect(m.occurredAt.toISOString()).toBe('2026-11-22T09:58:20.000Z');
  },

  'reaction.json': (p) => {
    const m = onlyMessage(p);
    expect(m.externalMessageId).toBe('wamid.HBgLMzE2ODc2NTQzMjEVAgASGBQ0NEQ5RTJBMTdDMzVCMDg4RjFDAA==');
    expect(m.content).toBe('\u{1F44D}');
    expect(m.inReplyToExternalId).toBe('wamid.HBgLMzE2ODc2NTQzMjEVAgARGBIwMUE4QkM3RDZFNUY0MzIxMEQA');
    expect(m.metadata).toEqual({
      whatsappType: 'reaction',
      reaction: { messageId: 'wamid.HBgLMzE2ODc2NTQzMjEVAgARGBIwMUE4QkM3RDZFNUY0MzIxMEQA', emoji: '👍' },
    });
  },

  'status-failed-131047.json': (p) => {
    const s = onlyStatus(p);
    expect(s).toEqual({
      externalMessageId: OUTBOUND,
      status: 'FAILED',
      occurredAt: new Date('2026-11-22T09:25:20.000Z'),
      recipientId: '31612345678',
      error: {
        code: 131047,
        title: 'Re-engagement message',
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    });
  },

  'status-read.json': (p) => {
    const s = onlyStatus(p);
    expect(s).toEqual({
      externalMessageId: OUTBOUND,
      status: 'READ',
      occurredAt: new Date('2026-11-22T09:26:20.000Z'),
      recipientId: '31612345678',
    });
  },

  'status-sent.json': (p) => {
    const s = onlyStatus(p);
    expect(s).toEqual({
      externalMessageId: OUTBOUND,
      status: 'SENT',
      occurredAt: new Date('2026-11-22T09:25:00.000Z'),
      recipientId: '31612345678',
      conversationExpiresAt: new Date('2026-11-23T09:25:00.000Z'),
    });
  },

  'unicode-escaped-it.json': (p) => {
    const m = onlyMessage(p);
    expect(m.customer).toEqual({ name: 'Niccolò Ferrari', identities: [{ kind: 'WHATSAPP_ID', value: '393471234567' }], phone: '+393471234567' });
    expect(m.conversationKey).toBe('393471234567');
    expect(m.content).toBe('Buongiorno, vorrei la fattura con partita IVA 01114601006 e PEC ferrari.srl@pec.it — è possibile? Sito: https://www.ferrari-impianti.it @ 100%');
  },
};

describe('parseWhatsAppWebhook on the shared fixtures', () => {
  it('has an expectation for every fixture file', () => {
    expect(Object.keys(fixtureExpectations).sort()).toEqual(listWhatsAppFixtures());
  });

  for (const [name, check] of Object.entries(fixtureExpectations)) {
    it(name, () => {
      const parsed = parseFixture(name);
      expect(parsed.skipped).toEqual([]);
      check(parsed);
    });
  }

  it('the demo channel identity matches the fixtures routing', () => {
    expect(whatsappDemoChannel.phoneNumberId).toBe(PHONE_NUMBER_ID);
    expect(whatsappDemoChannel.businessAccountId).toBe(WABA_ID);
  });

  it('keeps the placeholder as the id when a status fixture is parsed unsubstituted', () => {
    const s = onlyStatus(parseWhatsAppWebhookRaw(loadWhatsAppFixture('status-read.json')));
    expect(s.externalMessageId).toBe('{{OUTBOUND_WAMID}}');
  });

  it('builds dedupe keys per message and per status value', () => {
    const [msg] = parseFixture('text-nl.json').events;
    const [st] = parseFixture('status-read.json').events;
    expect(whatsappDedupeKey(msg!)).toBe('whatsapp:msg:wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI3RjlDMEU1RDQ4QTExQjJDOAA=');
    expect(whatsappDedupeKey(st!)).toBe(`whatsapp:status:${OUTBOUND}:read`);
  });
});

// ------------------------------------------------------------------ synthetic payloads (Meta reference shapes)

function webhook(value: Record<string, unknown>, field = 'messages') {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            field,
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '31202152900', phone_number_id: PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

const contact = { profile: { name: 'Sanne Bakker' }, wa_id: '31687654321' };
const base = { from: '31687654321', id: 'wamid.SYNTH1', timestamp: '1795341800' };
const one = (msg: Record<string, unknown>) => onlyMessage(parseWhatsAppWebhook(webhook({ contacts: [contact], messages: [{ ...base, ...msg }] })));

describe('parseWhatsAppWebhook message types', () => {
  it('list_reply: title as content, row id in metadata', () => {
    const m = one({
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: { id: 'wallbox_11kw', title: 'Wallbox 11 kW', description: 'Driefasig' } },
    });
    expect(m.content).toBe('Wallbox 11 kW');
    expect(m.metadata).toMatchObject({
      listReplyId: 'wallbox_11kw',
      interactive: { type: 'list_reply', id: 'wallbox_11kw', title: 'Wallbox 11 kW', description: 'Driefasig' },
    });
  });

  it('button (template quick reply): text as content, payload in metadata', () => {
    const m = one({ type: 'button', context: { from: '31202152900', id: 'wamid.TEMPLATE' }, button: { payload: 'CONFIRM_APPT', text: 'Bevestigen' } });
    expect(m.content).toBe('Bevestigen');
    expect(m.inReplyToExternalId).toBe('wamid.TEMPLATE');
    expect(m.metadata).toMatchObject({ whatsappType: 'button', buttonPayload: 'CONFIRM_APPT', buttonText: 'Bevestigen' });
  });

  it('voice note without caption: placeholder and an audio attachment', () => {
    const m = one({ type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'abc=', id: '9001', voice: true } });
    expect(m.content).toBe('🎤 Voice message');
    expect(m.attachments).toEqual([{ kind: 'audio', providerMediaId: '9001', mimeType: 'audio/ogg; codecs=opus', sha256: 'abc=' }]);
    expect(m.metadata.voice).toBe(true);
  });

  it('video with caption, sticker without', () => {
    expect(one({ type: 'video', video: { id: '77', mime_type: 'video/mp4', caption: 'Filmpje van de lader' } }).content).toBe('Filmpje van de lader');
    const s = one({ type: 'sticker', sticker: { id: '78', mime_type: 'image/webp', animated: false } });
    expect(s.content).toBe('🏷️ Sticker');
    expect(s.attachments[0]).toEqual({ kind: 'sticker', providerMediaId: '78', mimeType: 'image/webp' });
  });

  it('document without caption uses the file name', () => {
    expect(one({ type: 'document', document: { id: '79', filename: 'offerte.pdf', mime_type: 'application/pdf' } }).content).toBe('📄 offerte.pdf');
  });

  it('location without name/address', () => {
    expect(one({ type: 'location', location: { latitude: 45.4642, longitude: 9.19 } }).content).toBe('📍 (45.4642, 9.19)');
  });

  it('shared contacts', () => {
    const m = one({
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Installateur Jan', first_name: 'Jan' }, phones: [{ phone: '+31 6 1111 2222', wa_id: '31611112222', type: 'CELL' }] }],
    });
    expect(m.content).toBe('👤 Installateur Jan (+31 6 1111 2222)');
    expect(m.attachments).toEqual([{ kind: 'contacts', name: 'Installateur Jan' }]);
  });

  it('removed reaction (empty emoji)', () => {
    const m = one({ type: 'reaction', reaction: { message_id: 'wamid.OUT', emoji: '' } });
    expect(m.content).toBe('(reaction removed)');
    expect(m.inReplyToExternalId).toBe('wamid.OUT');
  });

  it('unsupported: readable placeholder and the errors in metadata', () => {
    const errors = [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }];
    const m = one({ type: 'unsupported', errors, unsupported: { type: 'poll_creation' } });
    expect(m.content).toBe('⚠️ Unsupported WhatsApp message (poll_creation): Message type unknown');
    expect(m.metadata).toMatchObject({ whatsappType: 'unsupported', unsupportedType: 'poll_creation', errors });
  });

  it('legacy "unknown" type without unsupported object', () => {
    const m = one({ type: 'unknown', errors: [{ code: 131051, title: 'Unsupported message type' }] });
    expect(m.content).toBe('⚠️ Unsupported WhatsApp message: Unsupported message type');
    expect(m.metadata.errors).toEqual([{ code: 131051, title: 'Unsupported message type' }]);
  });

  it('an unknown future type does not throw', () => {
    const m = one({ type: 'poll_vote', poll_vote: { option: 2 } });
    expect(m.content).toBe('⚠️ Unsupported WhatsApp message (poll_vote)');
  });

  it('business-scoped user id: matched by user_id, kept as waBsuid; username-only user has no wa_id', () => {
    const m = onlyMessage(
      parseWhatsAppWebhook(
        webhook({
          contacts: [{ profile: { name: 'Giulia', username: '@giulia' }, user_id: 'IT.1502576394655843' }],
          messages: [{ from_user_id: 'IT.1502576394655843', id: 'wamid.BSUID', timestamp: '1795341800', type: 'text', text: { body: 'Ciao' } }],
        }),
      ),
    );
    expect(m.customer).toEqual({ name: 'Giulia', identities: [{ kind: 'WHATSAPP_BSUID', value: 'IT.1502576394655843' }] });
    expect(m.conversationKey).toBe('IT.1502576394655843');
    expect(m.metadata.username).toBe('@giulia');
  });

  it('contact with both wa_id and user_id', () => {
    const m = onlyMessage(
      parseWhatsAppWebhook(
        webhook({
          contacts: [{ profile: { name: 'Joost' }, wa_id: '31612345678', user_id: 'NL.123' }],
          messages: [{ from: '31612345678', id: 'wamid.X', timestamp: '1795341800', type: 'text', text: { body: 'hoi' } }],
        }),
      ),
    );
    expect(m.customer).toEqual({
      name: 'Joost',
      identities: [
        { kind: 'WHATSAPP_ID', value: '31612345678' },
        { kind: 'WHATSAPP_BSUID', value: 'NL.123' },
      ],
      phone: '+31612345678',
    });
  });

  it('a message whose sender has no contacts[] entry has no name', () => {
    const m = onlyMessage(
      parseWhatsAppWebhook(webhook({ contacts: [contact], messages: [{ from: '31600000000', id: 'wamid.Y', timestamp: '1795341800', type: 'text', text: { body: 'x' } }] })),
    );
    expect(m.customer).toEqual({ identities: [{ kind: 'WHATSAPP_ID', value: '31600000000' }], phone: '+31600000000' });
  });

  it('flattens several entries and changes in order, messages and statuses', () => {
    const body = webhook({ contacts: [contact], messages: [{ ...base, type: 'text', text: { body: 'eerste' } }] });
    const second = webhook({
      statuses: [
        { id: 'wamid.OUT1', status: 'delivered', timestamp: '1795341900', recipient_id: '31687654321' },
        { id: 'wamid.OUT2', status: 'deleted', timestamp: '1795341901', recipient_id: '31687654321' },
      ],
    }).entry[0]!;
    const third = webhook({}, 'message_template_status_update').entry[0]!.changes[0]!;
    third.value = { event: 'APPROVED', message_template_id: 1 } as never;
    body.entry.push(second);
    body.entry[0]!.changes.push(third);

    const parsed = parseWhatsAppWebhook(body);
    expect(parsed.events.map((e) => e.kind)).toEqual(['message', 'status']);
    const st = parsed.events[1] as Extract<WhatsAppWebhookEvent, { kind: 'status' }>;
    expect(st.status).toMatchObject({ externalMessageId: 'wamid.OUT1', status: 'DELIVERED', recipientId: '31687654321' });
    expect(parsed.skipped).toEqual([
      { path: 'entry[0].changes[1]', reason: 'change field "message_template_status_update" is not handled' },
      { path: 'entry[1].changes[0].value.statuses[1]', reason: 'status "deleted" is not tracked' },
    ]);
  });

  it('a failed status without error details has no error', () => {
    const s = onlyStatus(parseWhatsAppWebhook(webhook({ statuses: [{ id: 'wamid.F', status: 'failed', timestamp: '1795341900', recipient_id: '316' }] })));
    expect(s.status).toBe('FAILED');
    expect(s.error).toBeUndefined();
  });
});

// ------------------------------------------------------------------ malformed bodies

describe('parseWhatsAppWebhook rejects malformed bodies', () => {
  const valid = () => JSON.parse(loadWhatsAppFixture('text-nl.json').toString('utf8'));

  const cases: Array<[string, () => unknown, RegExp]> = [
    ['null', () => null, /object/],
    ['a string', () => 'hello', /object/],
    ['an array', () => [valid()], /object/],
    ['another object type', () => ({ ...valid(), object: 'page' }), /object: expected "whatsapp_business_account", got "page"/],
    ['no entry', () => ({ object: 'whatsapp_business_account' }), /entry/],
    ['empty entry', () => ({ object: 'whatsapp_business_account', entry: [] }), /entry/],
    ['entry without changes', () => ({ object: 'whatsapp_business_account', entry: [{ id: WABA_ID }] }), /entry\[0\]\.changes/],
    [
      'change without value',
      () => {
        const b = valid();
        delete b.entry[0].changes[0].value;
        return b;
      },
      /entry\[0\]\.changes\[0\]\.value/,
    ],
    [
      'value without metadata',
      () => {
        const b = valid();
        delete b.entry[0].changes[0].value.metadata;
        return b;
      },
      /value\.metadata/,
    ],
    [
      'metadata without phone_number_id',
      () => {
        const b = valid();
        delete b.entry[0].changes[0].value.metadata.phone_number_id;
        return b;
      },
      /metadata\.phone_number_id/,
    ],
    [
      'wrong messaging_product',
      () => {
        const b = valid();
        b.entry[0].changes[0].value.messaging_product = 'instagram';
        return b;
      },
      /messaging_product/,
    ],
    [
      'message without id',
      () => {
        const b = valid();
        delete b.entry[0].changes[0].value.messages[0].id;
        return b;
      },
      /messages\[0\]\.id/,
    ],
    [
      'non-numeric timestamp',
      () => {
        const b = valid();
        b.entry[0].changes[0].value.messages[0].timestamp = 'yesterday';
        return b;
      },
      /messages\[0\]\.timestamp: expected unix seconds/,
    ],
    [
      'text message without text',
      () => {
        const b = valid();
        delete b.entry[0].changes[0].value.messages[0].text;
        return b;
      },
      /messages\[0\]\.text: message of type "text" has no "text" object/,
    ],
    [
      'message without sender',
      () => {
        const b = valid();
        delete b.entry[0].changes[0].value.messages[0].from;
        return b;
      },
      /messages\[0\]\.from: message has neither from nor from_user_id/,
    ],
    [
      'messages not an array',
      () => {
        const b = valid();
        b.entry[0].changes[0].value.messages = {};
        return b;
      },
      /value\.messages/,
    ],
    ['status without id', () => webhook({ statuses: [{ status: 'read', timestamp: '1', recipient_id: '3' }] }), /statuses\[0\]\.id/],
    ['location without latitude', () => webhook({ messages: [{ ...base, type: 'location', location: { longitude: 5 } }] }), /location\.latitude/],
  ];

  it.each(cases)('%s', (_label, make, pattern) => {
    let caught: unknown;
    try {
      parseWhatsAppWebhook(make());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WhatsAppPayloadError);
    const e = caught as WhatsAppPayloadError;
    expect(e.message).toMatch(/^Malformed WhatsApp webhook payload/);
    expect(e.message).toMatch(pattern);
    expect(e.issues.length).toBeGreaterThan(0);
  });

  it('one bad change in a batch rejects the whole body', () => {
    const b = valid();
    const bad = structuredClone(b.entry[0]);
    delete bad.changes[0].value.messages[0].id;
    b.entry.push(bad);
    expect(() => parseWhatsAppWebhook(b)).toThrow(/entry\[1\]\.changes\[0\]\.value\.messages\[0\]\.id/);
  });

  it('invalid JSON bytes', () => {
    expect(() => parseWhatsAppWebhookRaw(Buffer.from('{"object":'))).toThrow(WhatsAppPayloadError);
    expect(() => parseWhatsAppWebhookRaw(Buffer.from('{"object":'))).toThrow(/not valid JSON/);
  });
});
