import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outlookAdapter } from '../channels/outlook/adapter.js';
import { GraphApiError } from '../channels/outlook/client.js';
import type { OutlookConfig } from '../channels/outlook/config.js';
import { demoChannel, directory, makeIO } from '../channels/outlook/test-support.js';
import type { AdapterChannel, ChannelEvent, StoredWebhook, WebhookResponse } from '../channels/types.js';
import { buildGraphMessage, startGraphSandbox, type GraphSandbox } from './graph.js';

let sandbox: GraphSandbox;
afterEach(() => sandbox?.close());

async function tokenCall(form: Record<string, string>, tenant = '5a1d7c3e-88b2-4f0e-9c61-2b7e4d90a1f3') {
  const res = await fetch(`${sandbox.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const goodForm = {
  client_id: 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
  client_secret: 'dev-graph-client-secret',
  scope: 'https://graph.microsoft.com/.default',
  grant_type: 'client_credentials',
};

describe('graph sandbox: identity platform and auth', () => {
  beforeEach(async () => {
    sandbox = await startGraphSandbox();
  });

  it('issues client-credentials tokens and refuses bad requests like Entra ID', async () => {
    const ok = await tokenCall(goodForm);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(typeof ok.body.access_token).toBe('string');
    expect(sandbox.tokenRequests).toBe(1);

    const secret = await tokenCall({ ...goodForm, client_secret: 'nope' });
    expect(secret.status).toBe(401);
    expect(secret.body.error).toBe('invalid_client');
    expect(String(secret.body.error_description)).toMatch(/^AADSTS7000215:/);
    expect(secret.body.error_codes).toEqual([7000215]);
    expect((await tokenCall(goodForm, 'other-tenant')).body.error).toBe('invalid_request');
    expect((await tokenCall({ ...goodForm, grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
    expect((await tokenCall({ ...goodForm, scope: 'Mail.Read' })).body.error).toBe('invalid_scope');
    expect(sandbox.tokenRequests).toBe(1);
  });

  it('answers Graph calls without a valid bearer token with 401 InvalidAuthenticationToken', async () => {
    for (const headers of [{}, { authorization: 'Bearer forged' }] as Record<string, string>[]) {
      const res = await fetch(`${sandbox.graphUrl}/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60`, { headers });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
      expect(body.error.code).toBe('InvalidAuthenticationToken');
      expect(body.error.innerError['request-id']).toBeDefined();
    }
    const { body } = await tokenCall(goodForm);
    const res = await fetch(`${sandbox.graphUrl}/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: '8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60', mail: 'klantenservice@chargecars.nl' });
  });

  it('refuses subscription expirations beyond 10 080 minutes', async () => {
    const { body } = await tokenCall(goodForm);
    const res = await fetch(`${sandbox.graphUrl}/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        changeType: 'created',
        notificationUrl: 'https://hub.example.test/webhooks/outlook',
        resource: "/users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60/mailFolders('inbox')/messages",
        expirationDateTime: new Date(Date.now() + 10_100 * 60_000).toISOString(),
        clientState: 'x'.repeat(20),
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('InvalidRequest');
  });
});

/** A stand-in for the hub's webhook edge: the adapter's handshake and authenticate, storing accepted bodies. */
async function startHub(channels: () => AdapterChannel<OutlookConfig>[], opts: { echo?: boolean } = {}) {
  const stored: StoredWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://hub.local');
      const subpath = url.pathname.replace(/^\/webhooks\/outlook/, '');
      const wreq = {
        method: req.method as 'POST',
        subpath,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers as Record<string, string>,
        rawBody: Buffer.concat(chunks),
        publicUrl: `http://hub.local${req.url}`,
      };
      const send = (r: WebhookResponse) => {
        res.writeHead(r.status, { 'content-type': r.contentType ?? 'application/json', ...r.headers });
        res.end(typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body));
      };
      const dir = directory(channels());
      const hs = opts.echo === false ? null : await outlookAdapter.webhook!.handshake!(wreq, dir);
      if (hs) return send(hs);
      if (opts.echo === false && url.searchParams.has('validationToken')) return send({ status: 200, body: 'wrong' });
      const auth = await outlookAdapter.webhook!.authenticate(wreq, dir);
      if ('status' in auth) return send(auth);
      if (auth.channelIds.length > 0) stored.push({ subpath, query: {}, headers: {}, rawBody: wreq.rawBody.toString('utf8'), receivedAt: new Date() });
      send(outlookAdapter.webhook!.acknowledge!);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    publicUrl: `http://127.0.0.1:${port}`,
    stored,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('graph sandbox: notifications to the hub', () => {
  it('validates the notification URLs, then delivers new mail and lifecycle events that the adapter accepts and parses', async () => {
    sandbox = await startGraphSandbox({ validateNotificationUrls: true });
    let channel = demoChannel({ subscriptionId: undefined, subscriptionExpiresAt: undefined });
    const hub = await startHub(() => [channel]);
    try {
      const io = makeIO(sandbox, { publicUrl: hub.publicUrl });
      const ensured = await outlookAdapter.subscriptions!.ensure(channel, io);
      channel = demoChannel(ensured.patch);
      // Graph validated both URLs before creating the subscription.
      expect(sandbox.subscriptions.get(channel.config.subscriptionId!)?.notificationUrl).toBe(`${hub.publicUrl}/webhooks/outlook`);

      const mail = buildGraphMessage({
        from: { address: 'Joost.deVries@gmail.com', name: 'Joost de Vries' },
        subject: 'Laadpaal geeft foutcode E12',
        html: '<p>Hallo,</p><p>mijn laadpaal geeft foutcode E12.</p><div id="appendonsend"></div><p>oud bericht</p>',
      });
      const delivered = await sandbox.deliverNewMail(mail);
      expect(delivered?.status).toBe(202);
      expect(hub.stored).toHaveLength(1);
      const events = await outlookAdapter.parse!(hub.stored[0]!, channel, io);
      expect(events).toHaveLength(1);
      const inbound = (events[0] as Extract<ChannelEvent, { kind: 'message' }>).inbound;
      expect(inbound).toMatchObject({ externalMessageId: mail.id, subject: 'Laadpaal geeft foutcode E12', customer: { email: 'joost.devries@gmail.com' } });

      const lifecycle = await sandbox.sendLifecycle('reauthorizationRequired');
      expect(lifecycle?.url).toBe(`${hub.publicUrl}/webhooks/outlook/lifecycle`);
      expect(lifecycle?.status).toBe(202);
      const lifecycleEvents = await outlookAdapter.parse!(hub.stored[1]!, channel, io);
      expect(lifecycleEvents).toMatchObject([{ kind: 'lifecycle', event: 'reauthorizationRequired' }]);
    } finally {
      await hub.close();
    }
  });

  it('fails the subscription when the hub does not echo the validation token', async () => {
    sandbox = await startGraphSandbox({ validateNotificationUrls: true });
    const channel = demoChannel({ subscriptionId: undefined });
    const hub = await startHub(() => [channel], { echo: false });
    try {
      const err = await outlookAdapter.subscriptions!.ensure(channel, makeIO(sandbox, { publicUrl: hub.publicUrl })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraphApiError);
      expect((err as GraphApiError).status).toBe(400);
      expect(sandbox.subscriptions.size).toBe(0);
    } finally {
      await hub.close();
    }
  });

  it('posts to opts.notify with its clientState and subscription id; a wrong clientState is refused by the hub', async () => {
    const channel = demoChannel();
    const hub = await startHub(() => [channel]);
    try {
      sandbox = await startGraphSandbox({
        notify: { hubWebhookUrl: `${hub.publicUrl}/webhooks/outlook`, clientState: channel.config.clientState, subscriptionId: channel.config.subscriptionId! },
      });
      const mail = buildGraphMessage({ from: { address: 'anna@example.it' }, subject: 'Ciao', text: 'Buongiorno' });
      const ok = await sandbox.deliverNewMail(mail);
      expect(ok?.status).toBe(202);
      const n = (ok!.body as { value: Array<Record<string, unknown>> }).value[0]!;
      expect(n).toMatchObject({
        subscriptionId: channel.config.subscriptionId,
        clientState: channel.config.clientState,
        changeType: 'created',
        resource: `Users/8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60/Messages/${mail.id}`,
      });
      await sandbox.close();

      sandbox = await startGraphSandbox({
        notify: { hubWebhookUrl: `${hub.publicUrl}/webhooks/outlook`, clientState: 'forged-client-state-000000', subscriptionId: channel.config.subscriptionId! },
      });
      const refused = await sandbox.deliverNewMail(buildGraphMessage({ from: { address: 'anna@example.it' }, subject: 'Ciao', text: 'x' }));
      expect(refused?.status).toBe(401);
      expect(hub.stored).toHaveLength(1);
    } finally {
      await hub.close();
    }
  });
});
