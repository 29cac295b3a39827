import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookAccepted, WebhookResponse } from '../types.js';
import { outlookAdapter } from './adapter.js';
import { demoChannel, directory, graphFixture, webhookRequest } from './test-support.js';
import { OUTLOOK_MAX_BODY_BYTES, notificationMessageId, parseGraphNotifications, resourceUserId } from './webhook.js';

const webhook = outlookAdapter.webhook!;
const channel = demoChannel();
const dir = directory([channel]);

function isResponse(r: WebhookAccepted | WebhookResponse): r is WebhookResponse {
  return 'status' in r;
}

describe('outlook webhook: handshake', () => {
  it('echoes the validationToken as text/plain on "" and "/lifecycle"', async () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 0a4b1a1e-3b6c-4b1e-9b1a-1c2d3e4f5a6b';
    for (const subpath of ['', '/lifecycle']) {
      const r = await webhook.handshake!(webhookRequest('', { subpath, query: { validationToken: token }, headers: { 'content-type': 'text/plain; charset=utf-8' } }), dir);
      expect(r).toMatchObject({ status: 200, body: token });
      expect(r!.contentType).toMatch(/^text\/plain/);
    }
  });

  it('refuses an empty or over-long token and ignores other requests', async () => {
    expect((await webhook.handshake!(webhookRequest('', { query: { validationToken: 'x'.repeat(1025) } }), dir))!.status).toBe(400);
    expect((await webhook.handshake!(webhookRequest('', { query: { validationToken: '' } }), dir))!.status).toBe(400);
    expect(await webhook.handshake!(webhookRequest(graphFixture('notification-created.json')), dir)).toBeNull();
    expect(await webhook.handshake!(webhookRequest('', { subpath: '/other', query: { validationToken: 'abc' } }), dir)).toBeNull();
  });
});

describe('outlook webhook: authenticate', () => {
  it('declares the lifecycle sub-path, 1 MiB limit and 202 acknowledgement', () => {
    expect(outlookAdapter.provider).toBe('outlook');
    expect(outlookAdapter.channelType).toBe('EMAIL_OUTLOOK');
    expect(webhook.subpaths).toEqual(['/lifecycle']);
    expect(webhook.maxBodyBytes).toBe(1024 * 1024);
    expect(webhook.acknowledge?.status).toBe(202);
  });

  it('accepts a created notification with the right clientState and routes it by subscriptionId', async () => {
    const raw = graphFixture('notification-created.json');
    const r = await webhook.authenticate(webhookRequest(raw), dir);
    expect(isResponse(r)).toBe(false);
    const accepted = r as WebhookAccepted;
    expect(accepted.channelIds).toEqual([channel.id]);
    const sha = createHash('sha256').update(raw).digest('hex');
    expect(accepted.dedupeKey).toBe(`outlook:${sha}:${channel.id}`);
    // A redelivery of the same body yields the same key; another body another key.
    expect(((await webhook.authenticate(webhookRequest(raw), dir)) as WebhookAccepted).dedupeKey).toBe(accepted.dedupeKey);
    const other = (await webhook.authenticate(webhookRequest(graphFixture('notification-reply-created.json')), dir)) as WebhookAccepted;
    expect(other.dedupeKey).not.toBe(accepted.dedupeKey);
  });

  it('rejects a notification whose clientState does not match (401)', async () => {
    const r = await webhook.authenticate(webhookRequest(graphFixture('notification-wrong-client-state.json')), dir);
    expect(isResponse(r) && r.status).toBe(401);
  });

  it('rejects the whole batch when one notification has a wrong clientState', async () => {
    const good = JSON.parse(graphFixture('notification-created.json')).value[0];
    const bad = JSON.parse(graphFixture('notification-wrong-client-state.json')).value[0];
    const r = await webhook.authenticate(webhookRequest(JSON.stringify({ value: [good, bad] })), dir);
    expect(isResponse(r) && r.status).toBe(401);
  });

  it('rejects a notification without clientState', async () => {
    const n = JSON.parse(graphFixture('notification-created.json'));
    delete n.value[0].clientState;
    const r = await webhook.authenticate(webhookRequest(JSON.stringify(n)), dir);
    expect(isResponse(r) && r.status).toBe(401);
  });

  it('routes by the mailbox user in resource when the subscription id is not stored yet', async () => {
    const fresh = demoChannel({ subscriptionId: undefined });
    const raw = graphFixture('notification-created.json');
    const r = await webhook.authenticate(webhookRequest(raw), directory([fresh]));
    expect((r as WebhookAccepted).channelIds).toEqual([fresh.id]);
    const wrong = await webhook.authenticate(webhookRequest(graphFixture('notification-wrong-client-state.json')), directory([fresh]));
    expect(isResponse(wrong) && wrong.status).toBe(401);
  });

  it('accepts lifecycle notifications (by subscription, else by tenant + clientState)', async () => {
    const raw = graphFixture('lifecycle-reauthorization-required.json');
    const r = await webhook.authenticate(webhookRequest(raw, { subpath: '/lifecycle' }), dir);
    expect((r as WebhookAccepted).channelIds).toEqual([channel.id]);
    const renewed = demoChannel({ subscriptionId: '11111111-2222-3333-4444-555555555555' });
    const byTenant = await webhook.authenticate(webhookRequest(raw, { subpath: '/lifecycle' }), directory([renewed]));
    expect((byTenant as WebhookAccepted).channelIds).toEqual([renewed.id]);
    const otherSecret = demoChannel({ subscriptionId: '11111111-2222-3333-4444-555555555555', clientState: 'another-client-state-0123456789' });
    const refused = await webhook.authenticate(webhookRequest(raw, { subpath: '/lifecycle' }), directory([otherSecret]));
    expect((refused as WebhookAccepted).channelIds).toEqual([]);
  });

  it('routes a batch for two mailboxes to both channels', async () => {
    const second = demoChannel(
      { mailboxUserId: '0b7c1e2d-0000-4000-8000-00000000abcd', subscriptionId: 'aaaaaaaa-0000-4000-8000-000000000001', clientState: 'second-mailbox-client-state-99' },
      'chan_outlook_second',
    );
    const a = JSON.parse(graphFixture('notification-created.json')).value[0];
    const b = { ...a, subscriptionId: second.config.subscriptionId, clientState: second.config.clientState, resource: `Users/${second.config.mailboxUserId}/Messages/AAMkZZZ=` };
    const r = (await webhook.authenticate(webhookRequest(JSON.stringify({ value: [a, b] })), directory([channel, second]))) as WebhookAccepted;
    expect([...r.channelIds].sort()).toEqual([channel.id, second.id].sort());
    // Several channels: the edge appends each channel id to this key.
    expect(r.dedupeKey).toBe(
      `outlook:${createHash('sha256')
        .update(JSON.stringify({ value: [a, b] }))
        .digest('hex')}`,
    );
  });

  it('routes unknown subscriptions nowhere (acknowledged, nothing stored), refuses malformed (400) and oversized (413) bodies', async () => {
    const n = JSON.parse(graphFixture('notification-created.json'));
    n.value[0].subscriptionId = 'ffffffff-ffff-4fff-8fff-ffffffffffff';
    n.value[0].resource = 'Users/00000000-0000-4000-8000-000000000000/Messages/AAMk=';
    expect(await webhook.authenticate(webhookRequest(JSON.stringify(n)), dir)).toMatchObject({ channelIds: [] });
    expect(((await webhook.authenticate(webhookRequest('{"value": ['), dir)) as WebhookResponse).status).toBe(400);
    expect(((await webhook.authenticate(webhookRequest('{"value": []}'), dir)) as WebhookResponse).status).toBe(400);
    expect(((await webhook.authenticate(webhookRequest('{"value": [{"clientState": "x"}]}'), dir)) as WebhookResponse).status).toBe(400);
    const big = Buffer.alloc(OUTLOOK_MAX_BODY_BYTES + 1, 0x20);
    expect(((await webhook.authenticate(webhookRequest(big), dir)) as WebhookResponse).status).toBe(413);
  });
});

describe('notification helpers', () => {
  it('reads the user and message ids of a resource', () => {
    const [n] = parseGraphNotifications(graphFixture('notification-created.json'));
    expect(resourceUserId(n!.resource)).toBe('8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60');
    expect(notificationMessageId(n!)).toBe('AAMkAGI2TG93AAA=');
    expect(notificationMessageId({ ...n!, resourceData: undefined })).toBe('AAMkAGI2TG93AAA=');
  });
});
