import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildGraphMessage, startGraphSandbox, type GraphSandbox } from '../../sandbox/graph.js';
import type { AdapterIO, ChannelEvent } from '../types.js';
import { outlookAdapter } from './adapter.js';
import type { OutlookConfig } from './config.js';
import { addFixtureMessages, demoChannel, makeIO } from './test-support.js';

const hooks = outlookAdapter.subscriptions!;
let sandbox: GraphSandbox;
let io: AdapterIO;

beforeEach(async () => {
  sandbox = await startGraphSandbox();
  io = makeIO(sandbox, { publicUrl: 'https://hub.chargecars.test' });
});
afterEach(() => sandbox.close());

const graphCalls = () => sandbox.requests.filter((r) => r.path.startsWith('/v1.0/'));
const MIN = 60_000;

describe('renewAt', () => {
  it('is in the past without a subscription and one day before expiry otherwise', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    expect(hooks.renewAt(demoChannel({ subscriptionId: undefined }).config, now).getTime()).toBeLessThan(now.getTime());
    expect(hooks.renewAt(demoChannel({ subscriptionExpiresAt: undefined }).config, now).getTime()).toBeLessThan(now.getTime());
    expect(hooks.renewAt(demoChannel({ subscriptionExpiresAt: '2026-11-28T09:00:00.000Z' }).config, now).toISOString()).toBe('2026-11-27T09:00:00.000Z');
  });
});

describe('ensure', () => {
  it('creates the subscription when the channel has none', async () => {
    const channel = demoChannel({ subscriptionId: undefined, subscriptionExpiresAt: undefined });
    const before = Date.now();
    const r = await hooks.ensure(channel, io);
    expect(r.catchUp).toBe(true);
    expect(sandbox.subscriptions.size).toBe(1);
    const [sub] = [...sandbox.subscriptions.values()];
    expect(r.patch.subscriptionId).toBe(sub!.id);
    const post = graphCalls().find((q) => q.method === 'POST' && q.path === '/v1.0/subscriptions')!;
    const body = post.body as Record<string, string>;
    expect(body).toMatchObject({
      changeType: 'created',
      notificationUrl: 'https://hub.chargecars.test/webhooks/outlook',
      lifecycleNotificationUrl: 'https://hub.chargecars.test/webhooks/outlook/lifecycle',
      resource: "/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60/mailFolders('inbox')/messages",
      clientState: 'dev-graph-client-state-41b7e2',
    });
    const exp = Date.parse(body.expirationDateTime!);
    expect(exp).toBeGreaterThanOrEqual(before + 10_070 * MIN);
    expect(exp).toBeLessThanOrEqual(Date.now() + 10_070 * MIN);
    expect(Date.parse(r.patch.subscriptionExpiresAt!)).toBe(exp);
    expect(outlookAdapter.configSchema.safeParse({ ...channel.config, ...r.patch }).success).toBe(true);
  });

  it('renews a live subscription with PATCH', async () => {
    const created = await hooks.ensure(demoChannel({ subscriptionId: undefined }), io);
    const channel = demoChannel({ ...created.patch, subscriptionExpiresAt: new Date(Date.now() + 12 * 60 * MIN).toISOString() });
    sandbox.requests.length = 0;
    const r = await hooks.ensure(channel, io);
    expect(r.catchUp).toBe(false);
    expect(r.patch.subscriptionId).toBe(created.patch.subscriptionId);
    expect(Date.parse(r.patch.subscriptionExpiresAt!)).toBeGreaterThan(Date.now() + 10_000 * MIN);
    expect(graphCalls().map((q) => `${q.method} ${q.path}`)).toEqual([`PATCH /v1.0/subscriptions/${created.patch.subscriptionId}`]);
    expect(sandbox.subscriptions.size).toBe(1);
  });

  it('creates a new subscription when Graph no longer has it (PATCH 404) or it expired', async () => {
    const created = await hooks.ensure(demoChannel({ subscriptionId: undefined }), io);
    sandbox.dropSubscription(created.patch.subscriptionId!);
    const gone = await hooks.ensure(demoChannel({ ...created.patch }), io);
    expect(gone.catchUp).toBe(true);
    expect(gone.patch.subscriptionId).not.toBe(created.patch.subscriptionId);
    expect(sandbox.subscriptions.has(gone.patch.subscriptionId!)).toBe(true);

    sandbox.requests.length = 0;
    const expired = await hooks.ensure(demoChannel({ ...gone.patch, subscriptionExpiresAt: new Date(Date.now() - MIN).toISOString() }), io);
    expect(expired.catchUp).toBe(true);
    expect(graphCalls().map((q) => q.method)).toEqual(['POST']);
  });
});

describe('onLifecycle', () => {
  async function subscribed(): Promise<ReturnType<typeof demoChannel>> {
    const created = await hooks.ensure(demoChannel({ subscriptionId: undefined }), io);
    sandbox.requests.length = 0;
    return demoChannel(created.patch as Partial<OutlookConfig>);
  }

  it('reauthorizationRequired renews', async () => {
    const channel = await subscribed();
    const r = await hooks.onLifecycle(channel, 'reauthorizationRequired', io);
    expect(r.catchUp).toBe(false);
    expect(r.patch.subscriptionId).toBe(channel.config.subscriptionId);
    expect(graphCalls().map((q) => q.method)).toEqual(['PATCH']);
  });

  it('subscriptionRemoved creates a new one and asks for a catch-up', async () => {
    const channel = await subscribed();
    const r = await hooks.onLifecycle(channel, 'subscriptionRemoved', io);
    expect(r.catchUp).toBe(true);
    expect(r.patch.subscriptionId).toBeDefined();
    expect(r.patch.subscriptionId).not.toBe(channel.config.subscriptionId);
    expect(graphCalls().map((q) => q.method)).toEqual(['DELETE', 'POST']);
    expect([...sandbox.subscriptions.keys()]).toEqual([r.patch.subscriptionId]);
  });

  it('missed asks for a catch-up without calling Graph; unknown events do nothing', async () => {
    const channel = await subscribed();
    expect(await hooks.onLifecycle(channel, 'missed', io)).toEqual({ patch: {}, catchUp: true });
    expect(await hooks.onLifecycle(channel, 'somethingNew', io)).toEqual({ patch: {}, catchUp: false });
    expect(graphCalls()).toHaveLength(0);
  });
});

describe('catchUp (delta query)', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const ids = (events: ChannelEvent[]) => events.map((e) => (e.kind === 'message' ? e.inbound.externalMessageId : e.kind));

  it('reads the inbox delta, fetches each new message and stores the deltaLink', async () => {
    io = makeIO(sandbox, { now: () => now });
    addFixtureMessages(sandbox);
    const self = { emailAddress: { name: 'ChargeCars', address: 'klantenservice@chargecars.nl' } };
    sandbox.addMessage({ ...buildGraphMessage({ from: self.emailAddress, subject: 'Onze reactie', text: 'x', receivedDateTime: '2026-11-22T11:00:00Z' }), id: 'AAMkSELF=' });
    sandbox.addMessage(buildGraphMessage({ id: 'AAMkOLD=', from: { address: 'oud@example.nl' }, subject: 'Oud', text: 'oud', receivedDateTime: '2026-10-01T08:00:00Z' }));

    const first = await hooks.catchUp(demoChannel(), io);
    expect(ids(first.events)).toEqual(['AAMkAGI2TG93AAA=', 'AAMkAGI2TG94BBB=', 'AAMkAGI2TG96DDD=']);
    expect(first.events.every((e) => e.dedupeKey === `outlook:msg:${(e as Extract<ChannelEvent, { kind: 'message' }>).inbound.externalMessageId}`)).toBe(true);
    const reply = first.events[1] as Extract<ChannelEvent, { kind: 'message' }>;
    expect(reply.inbound.content).toBe('Dank voor de snelle reactie. Dinsdagochtend schikt mij goed.\n\nGroet, Marieke');
    expect(first.patch.deltaLink).toMatch(new RegExp(`^${sandbox.graphUrl.replace(/\./g, '\\.')}/users/.+/delta\\?\\$deltatoken=`));

    const delta = new URL(graphCalls().find((q) => q.path.includes('/delta'))!.path, sandbox.url);
    expect(delta.pathname).toBe('/v1.0/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60/mailFolders/inbox/messages/delta');
    expect(delta.searchParams.get('changeType')).toBe('created');
    expect(delta.searchParams.get('$filter')).toBe('receivedDateTime ge 2026-11-20T10:00:00Z');
    expect(delta.searchParams.get('$select')).toBe('id,from,receivedDateTime');
    // The mailbox's own message was not even fetched.
    expect(graphCalls().some((q) => q.path.includes('AAMkSELF'))).toBe(false);

    // Nothing new: no events, a new deltaLink.
    sandbox.requests.length = 0;
    const second = await hooks.catchUp(demoChannel({ deltaLink: first.patch.deltaLink }), io);
    expect(second.events).toEqual([]);
    expect(second.patch.deltaLink).toBeDefined();
    expect(graphCalls()[0]!.path).toContain('$deltatoken=');

    // One new mail: only that one.
    sandbox.addMessage(
      buildGraphMessage({ id: 'AAMkNEW=', from: { address: 'Pieter.Jansen@KPN.nl', name: 'Pieter Jansen' }, subject: 'Laadpas kwijt', html: '<p>Mijn laadpas is kwijt.</p>' }),
    );
    const third = await hooks.catchUp(demoChannel({ deltaLink: second.patch.deltaLink }), io);
    expect(ids(third.events)).toEqual(['AAMkNEW=']);
    expect((third.events[0] as Extract<ChannelEvent, { kind: 'message' }>).inbound.customer.email).toBe('pieter.jansen@kpn.nl');
  });

  it('follows @odata.nextLink pages', async () => {
    io = makeIO(sandbox, { now: () => now });
    for (let i = 0; i < 55; i++) {
      sandbox.addMessage(
        buildGraphMessage({
          id: `AAMkP${String(i).padStart(2, '0')}=`,
          from: { address: `klant${i}@example.nl` },
          subject: `Vraag ${i}`,
          text: `Vraag nummer ${i}`,
          receivedDateTime: '2026-11-22T12:00:00Z',
        }),
      );
    }
    const r = await hooks.catchUp(demoChannel(), io);
    expect(r.events).toHaveLength(55);
    const deltaCalls = graphCalls().filter((q) => q.path.includes('/delta'));
    expect(deltaCalls).toHaveLength(2);
    expect(deltaCalls[0]!.headers.prefer).toBe('odata.maxpagesize=50');
    expect(deltaCalls[1]!.path).toContain('$skiptoken=');
    expect(r.patch.deltaLink).toContain('$deltatoken=');
  });

  it('starts over when the delta link expired (410) or points elsewhere', async () => {
    io = makeIO(sandbox, { now: () => now });
    addFixtureMessages(sandbox);
    const expired = `${sandbox.graphUrl}/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60/mailFolders('inbox')/messages/delta?$deltatoken=not-a-token`;
    const r = await hooks.catchUp(demoChannel({ deltaLink: expired }), io);
    expect(r.events).toHaveLength(3);
    const deltaCalls = graphCalls().filter((q) => q.path.includes('/delta'));
    expect(deltaCalls).toHaveLength(2);
    expect(deltaCalls[1]!.path).toContain('changeType=created');

    sandbox.requests.length = 0;
    const foreign = await hooks.catchUp(demoChannel({ deltaLink: 'https://attacker.example/v1.0/users/x/delta?$deltatoken=1' }), io);
    expect(foreign.events).toHaveLength(3);
    expect(graphCalls().filter((q) => q.path.includes('/delta'))[0]!.path).toContain('changeType=created');
  });
});
