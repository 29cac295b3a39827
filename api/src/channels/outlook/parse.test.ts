import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraphSandbox, type GraphMessageJson, type GraphSandbox } from '../../sandbox/graph.js';
import type { AdapterIO, ChannelEvent, NormalizedInbound } from '../types.js';
import { outlookAdapter } from './adapter.js';
import { GraphApiError } from './client.js';
import { addFixtureMessages, demoChannel, graphFixture, graphFixtureJson, makeIO, storedWebhook } from './test-support.js';

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
  addFixtureMessages(sandbox);
});

async function parse(name: string, subpath = ''): Promise<ChannelEvent[]> {
  return outlookAdapter.parse!(storedWebhook(graphFixture(name), subpath), channel, io);
}

function onlyMessage(events: ChannelEvent[]): NormalizedInbound {
  expect(events).toHaveLength(1);
  expect(events[0]!.kind).toBe('message');
  return (events[0] as Extract<ChannelEvent, { kind: 'message' }>).inbound;
}

describe('outlook parse', () => {
  it('fetches the notified message and maps the first Dutch mail', async () => {
    const events = await parse('notification-created.json');
    const m = onlyMessage(events);
    expect(events[0]!.dedupeKey).toBe('outlook:msg:AAMkAGI2TG93AAA=');
    expect(m).toMatchObject({
      externalMessageId: 'AAMkAGI2TG93AAA=',
      conversationKey: 'AAQkAGI2TG93LWNvbnYtMDAx',
      internetMessageId: '<AM9PR04MB8201E3F1A2B4C5D6@AM9PR04MB8201.eurprd04.prod.outlook.com>',
      subject: 'Offerte thuislader aangevraagd - nog geen reactie',
      customer: { name: 'Marieke Visser', email: 'marieke.visser@ziggo.nl', identities: [{ kind: 'EMAIL', value: 'marieke.visser@ziggo.nl' }] },
      attachments: [],
    });
    expect(m.occurredAt.toISOString()).toBe('2026-11-22T08:47:12.000Z');
    expect(m.references).toBeUndefined();
    expect(m.content).toBe(
      'Beste ChargeCars,\n\nTwee weken geleden heb ik via de website een offerte aangevraagd voor een Zaptec Go thuislader (aanvraag LT-88213). ' +
        'Ik heb nog niets gehoord. Kunnen jullie laten weten wanneer ik de offerte kan verwachten?\n\nMet vriendelijke groet,\nMarieke Visser\n06-41234567',
    );
    expect(m.contentHtml).toMatch(/^<p>Beste ChargeCars,<\/p>/);
    expect(m.contentHtml).not.toMatch(/<html|<head|<meta/);

    // One GET of the message with the documented $select; no attachment call (hasAttachments false).
    const graphCalls = sandbox.requests.filter((r) => r.path.startsWith('/v1.0/'));
    expect(graphCalls).toHaveLength(1);
    const url = new URL(graphCalls[0]!.path, sandbox.url);
    expect(url.pathname).toBe('/v1.0/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60/messages/AAMkAGI2TG93AAA%3D');
    expect(url.searchParams.get('$select')!.split(',')).toEqual(
      expect.arrayContaining(['uniqueBody', 'internetMessageHeaders', 'conversationId', 'internetMessageId', 'hasAttachments', 'from', 'sender']),
    );
    expect(graphCalls[0]!.headers.authorization).toMatch(/^Bearer /);
  });

  it('threads the reply and drops the quoted history', async () => {
    const m = onlyMessage(await parse('notification-reply-created.json'));
    expect(m.externalMessageId).toBe('AAMkAGI2TG94BBB=');
    expect(m.conversationKey).toBe('AAQkAGI2TG93LWNvbnYtMDAx');
    expect(m.internetMessageId).toBe('<AM9PR04MB8201F9E8D7C6B5A4@AM9PR04MB8201.eurprd04.prod.outlook.com>');
    expect(m.references).toEqual(['<AM9PR04MB8201E3F1A2B4C5D6@AM9PR04MB8201.eurprd04.prod.outlook.com>', '<DB8PR10MB3561AA11BB22CC33@DB8PR10MB3561.eurprd10.prod.outlook.com>']);
    expect(m.subject).toBe('RE: Offerte thuislader aangevraagd - nog geen reactie');
    expect(m.content).toBe('Dank voor de snelle reactie. Dinsdagochtend schikt mij goed.\n\nGroet, Marieke');
    expect(m.contentHtml).not.toContain('excuses voor het wachten');
  });

  it('strips the Outlook history from the body when Graph gives no uniqueBody', async () => {
    const msg = graphFixtureJson<GraphMessageJson>('message-AAMkAGI2TG94BBB.json');
    delete msg.uniqueBody;
    sandbox.addMessage(msg);
    const m = onlyMessage(await parse('notification-reply-created.json'));
    expect(m.content).toBe('Dank voor de snelle reactie. Dinsdagochtend schikt mij goed.\n\nGroet, Marieke');
    expect(m.content).not.toMatch(/Van:|Verzonden|excuses/);
    expect(m.contentHtml).not.toContain('excuses voor het wachten');
  });

  it('maps the Italian mail: sanitised HTML, signature and Gmail quote stripped, attachments listed', async () => {
    const m = onlyMessage(await parse('notification-created-it-attachments.json'));
    expect(m.customer).toEqual({ name: 'Giulia Romano', email: 'giulia.romano@libero.it', identities: [{ kind: 'EMAIL', value: 'giulia.romano@libero.it' }] });
    expect(m.conversationKey).toBe('AAQkAGI2TG96LWNvbnYtMDAy');
    expect(m.references).toEqual(['<DB8PR10MB3561C0FFEE42@DB8PR10MB3561.eurprd10.prod.outlook.com>']);
    expect(m.occurredAt.toISOString()).toBe('2026-11-23T07:58:31.000Z');

    const html = m.contentHtml!;
    expect(html).not.toMatch(/<script|document\.cookie|onerror|onclick|javascript:|<style|<head/i);
    expect(html).toContain('src="cid:image001.jpg@01DB3C2A.5F1E2D30"');
    expect(html).toContain('href="https://www.chargecars.nl/account/ordini/CC-2026-11873"');
    expect(html).not.toContain('Gentile signora Romano');

    expect(m.content.startsWith('Buongiorno,\n\nla wallbox Easee Charge installata venerdì non avvia la ricarica')).toBe(true);
    expect(m.content).toContain('"In attesa"');
    expect(m.content.endsWith('Grazie,')).toBe(true);
    expect(m.content).not.toMatch(/ha scritto|Gentile signora|Via Garibaldi|window\.location/);

    expect(m.attachments).toEqual([
      {
        kind: 'image',
        mimeType: 'image/jpeg',
        providerMediaId: 'AAMkAGI2TG96DDD=/AAMkAGI2TG96DDDBEgAQAKx1',
        fileName: 'image001.jpg',
        size: 6144,
        contentId: 'image001.jpg@01DB3C2A.5F1E2D30',
      },
      { kind: 'document', mimeType: 'application/pdf', providerMediaId: 'AAMkAGI2TG96DDD=/AAMkAGI2TG96DDDBEgAQAKx2', fileName: 'fattura-installatore-2026-0412.pdf', size: 48213 },
    ]);
    const attCall = sandbox.requests.find((r) => r.path.includes('/attachments'));
    expect(new URL(attCall!.path, sandbox.url).searchParams.get('$select')).toBe('id,name,contentType,size,isInline,contentId');
  });

  it('ignores mail sent from the mailbox itself', async () => {
    const msg = graphFixtureJson<GraphMessageJson>('message-AAMkAGI2TG93AAA.json');
    const self = { emailAddress: { name: 'ChargeCars Klantenservice', address: 'KlantenService@ChargeCars.nl' } };
    sandbox.addMessage({ ...msg, from: self, sender: self });
    expect(await parse('notification-created.json')).toEqual([]);
  });

  it('skips a message that is gone (404) and stores nothing for a wrong clientState', async () => {
    sandbox.removeMessage('AAMkAGI2TG93AAA=');
    expect(await parse('notification-created.json')).toEqual([]);
    sandbox.requests.length = 0;
    expect(await parse('notification-wrong-client-state.json')).toEqual([]);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('throws on a transient Graph failure so the job retries', async () => {
    sandbox.failNext(503, { retryAfter: 5 });
    const err = await parse('notification-created.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect((err as GraphApiError).status).toBe(503);
    expect((err as GraphApiError).retryable).toBe(true);
  });

  it('turns lifecycle notifications into lifecycle events without calling Graph', async () => {
    for (const [file, event] of [
      ['lifecycle-reauthorization-required.json', 'reauthorizationRequired'],
      ['lifecycle-subscription-removed.json', 'subscriptionRemoved'],
      ['lifecycle-missed.json', 'missed'],
    ] as const) {
      const events = await parse(file, '/lifecycle');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ kind: 'lifecycle', event, data: { subscriptionId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' } });
      expect(events[0]!.dedupeKey).toMatch(new RegExp(`^outlook:lifecycle:7c9e6679-7425-40de-944b-e07fc1f90ae7:${event}:`));
    }
    expect(sandbox.requests).toHaveLength(0);
  });

  it('reads each message once when a batch repeats it', async () => {
    const n = JSON.parse(graphFixture('notification-created.json'));
    const body = JSON.stringify({ value: [n.value[0], { ...n.value[0], id: 'other' }] });
    const events = await outlookAdapter.parse!(storedWebhook(body), channel, io);
    expect(events).toHaveLength(1);
    expect(sandbox.requests.filter((r) => r.path.includes('/messages/'))).toHaveLength(1);
  });
});
