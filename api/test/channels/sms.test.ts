/**
 * The SMS channel end to end: Twilio webhooks through the real webhook edge
 * (signature over the configured webhook URL, or over the StatusCallback URL
 * the hub gave), processing from the job queue, replies through the Twilio
 * sandbox, MMS media through the signed /media route, and opt-out (STOP/START
 * and Twilio's 21610 refusal).
 *
 * PUBLIC_URL is the test server's own URL (a port reserved before the app is
 * built), so the StatusCallback the hub gives Twilio points back at it and
 * the sandbox's status callbacks, signed over that URL, verify.
 */
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_SECRET_KEYS } from '../../src/channels/sms/config.js';
import { loadTwilioFixture } from '../../src/channels/sms/testing.js';
import { mediaUrl } from '../../src/http/media.js';
import { signTwilioRequest, startTwilioSandbox, type TwilioSandbox } from '../../src/sandbox/twilio.js';
import { startServer } from '../../src/server.js';
import { createChannel, createOrganization, createTestApp, createUser, testDatabaseKind, type TestApp, type TestServer } from '../harness.js';
import { clockToken, gid, rowCounts } from '../graphql/helpers.js';

/** The demo SMS channel of test/fixtures/providers/channels.json (the fixtures are addressed to it). */
const DEMO = {
  accountSid: 'AC4f2b8e1d9c7a6b5e3f1d0c9b8a7e6d5c',
  authToken: 'dev-twilio-auth-token-90ab12cd',
  phoneNumber: '+3197010250466',
};
/** The customer of inbound-sms / inbound-mms / inbound-stop / inbound-start. */
const CUSTOMER = '+31655512345';
/** The customer of inbound-sms-it. */
const CUSTOMER_IT = '+393471234567';
const SMS_SID = 'SM7d2c4a9e1b3f5d7c9e1a3b5d7f9c1e3a';
const MMS_SID = 'MM0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const IT_SID = 'SM5b584c26aa511df46295ccf3c57e9f94';
/** Bytes the sandbox serves as the MMS photo. */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('meterkast-foto'), Buffer.from([0xff, 0xd9])]);

let sandbox: TwilioSandbox;
let app: TestApp;
let server: TestServer;
let agent: { id: string; organizationId: string };
let channel: Awaited<ReturnType<typeof createChannel>>;
/** `${server.url}/webhooks/sms`: the channel's configured webhook URL, which Twilio signs. */
let webhookUrl: string;
const tok = () => clockToken(app.deps, agent);

/** A free loopback port, so PUBLIC_URL can name the server before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  sandbox = await startTwilioSandbox({ accountSid: DEMO.accountSid, authToken: DEMO.authToken, phoneNumbers: [DEMO.phoneNumber] });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  app = await createTestApp({ TWILIO_API_BASE_URL: sandbox.url, PUBLIC_URL: publicUrl });
  const running = await startServer(app.deps, { port, host: '127.0.0.1' });
  server = Object.assign(running, {
    url: publicUrl,
    gql: async (query: string, variables?: Record<string, unknown>, token?: string) => {
      const res = await fetch(`${publicUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return res.json() as never;
    },
  });
  webhookUrl = `${server.url}/webhooks/sms`;
  const org = await createOrganization(app.deps);
  agent = await createUser(app.deps, org.id, { name: 'Sanne Bakker' });
  channel = await createChannel(app.deps, org.id, {
    type: 'SMS',
    externalId: DEMO.phoneNumber,
    configuration: { ...DEMO, webhookUrl },
    secretKeys: [...SMS_SECRET_KEYS],
  });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await sandbox?.close();
});

/**
 * POSTs a form to the hub like Twilio: `X-Twilio-Signature` over `signedUrl`
 * and the params (computed by the sandbox's own signer, not the adapter's).
 * `opts.tamper` changes params after signing; `opts.signature: null` sends none.
 */
async function postForm(raw: Buffer | string, opts: { path?: string; signedUrl?: string; authToken?: string; signature?: string | null; tamper?: Record<string, string> } = {}) {
  const text = raw.toString();
  const params = new URLSearchParams(text);
  const signature = opts.signature === null ? null : (opts.signature ?? signTwilioRequest(opts.authToken ?? DEMO.authToken, opts.signedUrl ?? webhookUrl, params));
  let body = text;
  if (opts.tamper) {
    for (const [k, v] of Object.entries(opts.tamper)) params.set(k, v);
    body = params.toString();
  }
  const res = await fetch(`${server.url}${opts.path ?? '/webhooks/sms'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1', ...(signature !== null ? { 'x-twilio-signature': signature } : {}) },
    body,
  });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/** Posts a signed fixture and runs the processing it queued. */
async function postFixture(name: string) {
  const res = await postForm(loadTwilioFixture(name));
  await app.deps.jobs.settle();
  return res;
}

const REPLY = `mutation($i: PostMessageInput!){ postMessage(input:$i){
  message { id type content deliveryStatus externalMessageId metadata }
  errors { code field message }
} }`;
const reply = async (threadId: string, content: string) => server.gql(REPLY, { i: { threadId: gid('Thread', threadId), kind: 'REPLY', content } }, await tok());

const phoneIdentity = (value: string) => app.deps.db.prisma.customerIdentity.findFirstOrThrow({ where: { organizationId: channel.organizationId, kind: 'PHONE', value } });
const threadOf = (conversationKey: string) => app.deps.db.prisma.thread.findFirstOrThrow({ where: { channelId: channel.id, conversationKey } });
const messageRow = (id: string) => app.deps.db.prisma.message.findUniqueOrThrow({ where: { id } });
const auditRows = (action: string, entityId: string) =>
  app.deps.db.prisma.auditLog.findMany({ where: { organizationId: channel.organizationId, action, entityId }, orderBy: { createdAt: 'asc' } });

describe(`SMS through the Twilio sandbox (${testDatabaseKind})`, () => {
  it('(a) a signed incoming SMS → 200 empty TwiML; one INCOMING message of a customer with a PHONE identity; a redelivery adds nothing', async () => {
    const res = await postForm(loadTwilioFixture('inbound-sms.form'));
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/xml/);
    expect(res.text).toMatch(/<Response\/>$/);
    // Acknowledged before processing: stored, not yet a message.
    expect(await app.deps.db.prisma.inboundEvent.count({ where: { dedupeKey: `sms:${SMS_SID}` } })).toBe(1);
    await app.deps.jobs.settle();

    const messages = await app.deps.db.prisma.message.findMany({ where: { channelId: channel.id, externalMessageId: SMS_SID } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ type: 'INCOMING', content: 'Hoi, de monteur staat voor de deur maar niemand neemt op bij jullie. Wat nu?' });
    const thread = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: messages[0]!.threadId } });
    expect(thread.conversationKey).toBe(CUSTOMER);
    const customer = await app.deps.db.prisma.customer.findUniqueOrThrow({ where: { id: thread.customerId! }, include: { identities: true } });
    expect(customer.phone).toBe(CUSTOMER);
    expect(customer.identities.map((i) => ({ kind: i.kind, value: i.value, optedOutAt: i.optedOutAt }))).toEqual([{ kind: 'PHONE', value: CUSTOMER, optedOutAt: null }]);

    const before = await rowCounts(app.deps);
    const again = await postFixture('inbound-sms.form');
    expect(again.status).toBe(200);
    expect(again.text).toMatch(/<Response\/>$/);
    expect(await rowCounts(app.deps)).toEqual(before);
    expect(await app.deps.db.prisma.message.count({ where: { externalMessageId: SMS_SID } })).toBe(1);
  });

  it('(b) a wrong signature, no signature, or a param changed after signing → 403 and nothing stored', async () => {
    const raw = loadTwilioFixture('inbound-sms-it.form');
    await app.deps.jobs.settle();
    const before = await rowCounts(app.deps);
    const attempts = [
      await postForm(raw, { authToken: 'not-the-auth-token-000000' }),
      await postForm(raw, { signature: null }),
      await postForm(raw, { tamper: { Body: 'Chiamatemi subito al 800 123 456' } }),
      // Signed with the right token over another URL than the configured webhook URL.
      await postForm(raw, { signedUrl: `${webhookUrl}?x=1` }),
    ];
    expect(attempts.map((a) => a.status)).toEqual([403, 403, 403, 403]);
    expect(attempts.every((a) => !a.text.includes('<Response'))).toBe(true);
    await app.deps.jobs.settle();
    expect(await rowCounts(app.deps)).toEqual(before);
    expect(await app.deps.db.prisma.inboundEvent.count({ where: { dedupeKey: `sms:${IT_SID}` } })).toBe(0);
    expect(await app.deps.db.prisma.message.count({ where: { externalMessageId: IT_SID } })).toBe(0);
  });

  it('(c) an MMS lists its attachment; the signed /media link streams the bytes from the sandbox', async () => {
    // The fixture names api.twilio.com: point MediaUrl0 at the sandbox's copy of the file, then sign.
    const form = new URLSearchParams(loadTwilioFixture('inbound-mms.form').toString());
    const sandboxMediaUrl = sandbox.addMedia('image/jpeg', JPEG, MMS_SID);
    form.set('MediaUrl0', sandboxMediaUrl);
    const res = await postForm(form.toString());
    expect(res.status).toBe(200);
    await app.deps.jobs.settle();

    const message = await app.deps.db.prisma.message.findFirstOrThrow({ where: { channelId: channel.id, externalMessageId: MMS_SID } });
    expect(message).toMatchObject({ type: 'INCOMING', content: 'Foto van de meterkast' });
    expect((await threadOf(CUSTOMER)).id).toBe(message.threadId);
    const listed = await server.gql(
      `query($id: ID!){ node(id: $id) { ... on Message { attachments { kind mimeType providerMediaId url } } } }`,
      { id: gid('Message', message.id) },
      await tok(),
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data.node.attachments).toEqual([
      { kind: 'image', mimeType: 'image/jpeg', providerMediaId: sandboxMediaUrl, url: expect.stringMatching(new RegExp(`^/media/${message.id}/0\\?`)) },
    ]);

    const requests = sandbox.requests.length;
    const media = await fetch(`${server.url}${mediaUrl(app.deps, message.id, 0, app.clock.now())}`);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await media.arrayBuffer())).toEqual(JPEG);
    // The hub asked Twilio's media resource with the account's basic auth, then followed the redirect to the CDN.
    const calls = sandbox.requests.slice(requests);
    expect(calls.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', new URL(sandboxMediaUrl).pathname, 307],
      ['GET', expect.stringMatching(/^\/cdn\/ME[0-9a-f]{32}$/), 200],
    ]);
    expect(calls[0]!.basicAuth).toEqual({ username: DEMO.accountSid, password: DEMO.authToken });
    // A link for an index without attachment is not served.
    expect((await fetch(`${server.url}${mediaUrl(app.deps, message.id, 1, app.clock.now())}`)).status).toBe(404);
  });

  it('(d) a reply goes to Messages.json with the StatusCallback; signed status callbacks move it forward only', async () => {
    const thread = await threadOf(CUSTOMER);
    const requests = sandbox.requests.length;
    const r = await reply(thread.id, 'Sorry! De monteur belt u binnen 5 minuten terug.');
    expect(r.errors).toBeUndefined();
    expect(r.data.postMessage.errors).toEqual([]);

    expect(sandbox.requests).toHaveLength(requests + 1);
    const sent = sandbox.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe(`/2010-04-01/Accounts/${DEMO.accountSid}/Messages.json`);
    expect(sent.basicAuth).toEqual({ username: DEMO.accountSid, password: DEMO.authToken });
    expect(Object.fromEntries(sent.form)).toEqual({
      To: CUSTOMER,
      From: DEMO.phoneNumber,
      Body: 'Sorry! De monteur belt u binnen 5 minuten terug.',
      StatusCallback: `${server.url}/webhooks/sms/status`,
    });
    expect(sent.status).toBe(201);

    // Twilio answered "queued": accepted with its sid, still PENDING until a receipt says sent.
    const accepted = sandbox.messages.at(-1)!;
    expect(accepted.resource.status).toBe('queued');
    const msg = r.data.postMessage.message;
    expect(msg).toMatchObject({ type: 'OUTGOING', deliveryStatus: 'PENDING', externalMessageId: accepted.sid });
    const id = Buffer.from(msg.id, 'base64').toString().split(':')[1]!;
    expect(await messageRow(id)).toMatchObject({ externalMessageId: accepted.sid, deliveryStatus: 'PENDING' });

    const status = async (s: string, errorCode?: number) => {
      const posted = await sandbox.postStatus(accepted.sid, s, errorCode !== undefined ? { errorCode } : {});
      expect(posted.signedUrl).toBe(`${server.url}/webhooks/sms/status`);
      expect(posted.status).toBe(200);
      await app.deps.jobs.settle();
      return messageRow(id);
    };
    expect((await status('sent')).deliveryStatus).toBe('SENT');
    // Accepted by the provider: now it counts as the response.
    expect((await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id } })).status).toBe('WAITING_CUSTOMER');
    expect((await status('delivered')).deliveryStatus).toBe('DELIVERED');
    expect((await status('sent')).deliveryStatus).toBe('DELIVERED');
    const late = await status('undelivered', 30003);
    expect(late.deliveryStatus).toBe('DELIVERED');
    expect((late.metadata as Record<string, unknown>).error).toBeUndefined();

    // A status callback signed over another URL than the StatusCallback is refused.
    const forged = await postForm(
      `MessageSid=${accepted.sid}&MessageStatus=failed&ErrorCode=30003&From=${encodeURIComponent(DEMO.phoneNumber)}&To=${encodeURIComponent(CUSTOMER)}&AccountSid=${DEMO.accountSid}`,
      {
        path: '/webhooks/sms/status',
        signedUrl: webhookUrl,
      },
    );
    expect(forged.status).toBe(403);
  });

  it('(e) STOP opts the PHONE identity out: replies are refused before sending; START lets them through again', async () => {
    const thread = await threadOf(CUSTOMER);
    expect((await postFixture('inbound-stop.form')).status).toBe(200);
    const identity = await phoneIdentity(CUSTOMER);
    expect(identity.optedOutAt).not.toBeNull();
    const optOuts = await auditRows('customer.optOut', identity.customerId);
    expect(optOuts).toHaveLength(1);
    expect(optOuts[0]!.changes).toMatchObject({ after: { kind: 'PHONE', value: CUSTOMER, channelId: channel.id } });
    const shown = await server.gql(
      `query($id: ID!){ node(id: $id) { ... on Customer { identities { kind value optedOut } } } }`,
      { id: gid('Customer', identity.customerId) },
      await tok(),
    );
    expect(shown.data.node.identities).toEqual([{ kind: 'PHONE', value: CUSTOMER, optedOut: true }]);

    const before = await rowCounts(app.deps);
    const requests = sandbox.requests.length;
    const refused = await reply(thread.id, 'Nog één vraag over uw afspraak');
    expect(refused.errors).toBeUndefined();
    expect(refused.data.postMessage.message).toBeNull();
    expect(refused.data.postMessage.errors).toEqual([expect.objectContaining({ code: 'SMS_OPTED_OUT' })]);
    expect(await rowCounts(app.deps)).toEqual(before);
    expect(sandbox.requests).toHaveLength(requests);

    expect((await postFixture('inbound-start.form')).status).toBe(200);
    expect((await phoneIdentity(CUSTOMER)).optedOutAt).toBeNull();
    expect(await auditRows('customer.optIn', identity.customerId)).toHaveLength(1);
    const ok = await reply(thread.id, 'Welkom terug! Wanneer kunnen we langskomen?');
    expect(ok.data.postMessage.errors).toEqual([]);
    expect(ok.data.postMessage.message).toMatchObject({ type: 'OUTGOING', externalMessageId: sandbox.messages.at(-1)!.sid });
    expect(sandbox.requests).toHaveLength(requests + 1);
    expect(sandbox.requests.at(-1)!.form.get('To')).toBe(CUSTOMER);
  });

  it('(f) Twilio refusing a send with 21610 → the message is FAILED with SMS_OPTED_OUT and the identity is opted out', async () => {
    expect((await postFixture('inbound-sms-it.form')).status).toBe(200);
    const thread = await threadOf(CUSTOMER_IT);
    const identity = await phoneIdentity(CUSTOMER_IT);
    expect(identity.optedOutAt).toBeNull();

    sandbox.optOut(CUSTOMER_IT);
    const requests = sandbox.requests.length;
    const r = await reply(thread.id, 'Buongiorno, un tecnico la richiamerà oggi.');
    expect(r.errors).toBeUndefined();
    expect(sandbox.requests).toHaveLength(requests + 1);
    expect(sandbox.requests.at(-1)!.status).toBe(400);
    expect(sandbox.requests.at(-1)!.form.get('To')).toBe(CUSTOMER_IT);

    const p = r.data.postMessage;
    expect(p.errors[0].code).toBe('SMS_OPTED_OUT');
    expect(p.message).toMatchObject({ type: 'OUTGOING', deliveryStatus: 'FAILED', externalMessageId: null });
    expect(p.message.metadata.error.code).toBe('SMS_OPTED_OUT');
    const row = await app.deps.db.prisma.message.findFirstOrThrow({ where: { threadId: thread.id, type: 'OUTGOING' } });
    expect(row.deliveryStatus).toBe('FAILED');

    expect((await phoneIdentity(CUSTOMER_IT)).optedOutAt).not.toBeNull();
    expect(await auditRows('customer.optOut', identity.customerId)).toHaveLength(1);
    // The next reply is refused by the hub itself, without a request.
    const again = await reply(thread.id, 'Ci scusi ancora.');
    expect(again.data.postMessage.errors[0].code).toBe('SMS_OPTED_OUT');
    expect(again.data.postMessage.message).toBeNull();
    expect(sandbox.requests).toHaveLength(requests + 1);
  });
  it('(g) the audit trail names what ingestion and delivery did: customer and thread created, message stored, template used, reply delivered, thread answered', async () => {
    const from = '+31655599901';
    const before = new Set((await app.deps.db.prisma.auditLog.findMany({ where: { organizationId: channel.organizationId }, select: { id: true } })).map((r) => r.id));
    const sid = 'SM' + 'a1'.repeat(16);
    const form = new URLSearchParams({
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: DEMO.accountSid,
      From: from,
      To: DEMO.phoneNumber,
      Body: 'Mijn laadpaal knippert rood',
      NumMedia: '0',
    });
    expect((await postForm(form.toString())).status).toBe(200);
    await app.deps.jobs.settle();
    const thread = await threadOf(from);
    const template = await app.deps.db.prisma.template.create({
      data: { organizationId: channel.organizationId, name: `Storing ${sid}`, category: 'TECHNICAL_SUPPORT', bodyTemplate: 'We kijken ernaar.' },
    });
    const r = await server.gql(
      REPLY,
      { i: { threadId: gid('Thread', thread.id), kind: 'REPLY', content: 'We kijken ernaar.', templateId: gid('Template', template.id) } },
      await tok(),
    );
    expect(r.data.postMessage.errors).toEqual([]);
    const rows = (await app.deps.db.prisma.auditLog.findMany({ where: { organizationId: channel.organizationId }, orderBy: { id: 'asc' } })).filter((a) => !before.has(a.id));
    const actions = rows.map((a) => `${a.actorType}:${a.action}`);
    expect(actions).toEqual(
      expect.arrayContaining(['WEBHOOK:customer.create', 'WEBHOOK:thread.create', 'WEBHOOK:message.ingest', 'USER:message.reply', 'USER:template.use', 'SYSTEM:message.deliver']),
    );
    expect(rows.find((a) => a.action === 'customer.create')!.entityId).toBe(thread.customerId);
    expect(rows.find((a) => a.action === 'template.use')).toMatchObject({ entityType: 'Template', entityId: template.id });
    // Twilio answered "queued": the reply counts as the response once a receipt says sent.
    const msgId = Buffer.from(r.data.postMessage.message.id, 'base64').toString().split(':')[1]!;
    const sent = await messageRow(msgId);
    expect((await sandbox.postStatus(sent.externalMessageId!, 'sent')).status).toBe(200);
    await app.deps.jobs.settle();
    const answered = await auditRows('thread.update', thread.id);
    expect(answered.at(-1)!.changes).toMatchObject({ after: { status: 'WAITING_CUSTOMER', reason: 'reply accepted by the provider', messageId: msgId } });
  });
});
