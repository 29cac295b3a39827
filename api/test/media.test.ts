/**
 * Viewing WhatsApp media: an image arrives through the signed webhook,
 * GraphQL hands out a signed /media link, and the hub streams the bytes from
 * the (fake) Cloud API. Bad, expired, out-of-range and provider-failed links.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/shared/logger.js';
import { signWhatsAppBody } from '../src/channels/whatsapp/signature.js';
import { MEDIA_URL_TTL_SECONDS, mediaUrl, verifyMediaSignature } from '../src/http/media.js';
import { loadWhatsAppFixture, whatsappDemoChannel } from './fakes/fixtures.js';
import { startFakeWhatsAppCloud, TINY_PDF, TINY_PNG, type FakeWhatsAppCloud } from '../src/sandbox/whatsapp.js';
import { createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, testDatabaseKind, type TestApp, type TestServer } from './harness.js';
import { clockToken, gid } from './graphql/helpers.js';

const FIXTURE = JSON.parse(loadWhatsAppFixture('image-caption.json').toString('utf8'));
const FIXTURE_MSG = FIXTURE.entry[0].changes[0].value.messages[0];
const MEDIA_ID: string = FIXTURE_MSG.image.id;
const MIN = 60_000;

let fake: FakeWhatsAppCloud;
let app: TestApp;
let server: TestServer;
let agent: { id: string; organizationId: string };
let messageId: string;
let threadGid: string;
const tok = () => clockToken(app.deps, agent);

const THREAD_MEDIA = `query($id: ID!){ node(id: $id) { ... on Thread { messages { edges { node { id attachments { kind url mimeType providerMediaId caption } } } } } } }`;

async function attachmentUrl(): Promise<string> {
  const r = await server.gql(THREAD_MEDIA, { id: threadGid }, await tok());
  expect(r.errors).toBeUndefined();
  const edges = r.data.node.messages.edges as { node: { attachments: { url: string | null; kind: string; mimeType: string }[] } }[];
  const withMedia = edges.find((e) => e.node.attachments.length > 0)!;
  return withMedia.node.attachments[0]!.url!;
}

const get = (path: string) => fetch(`${server.url}${path}`);
const logLines: Record<string, any>[] = [];

beforeAll(async () => {
  fake = await startFakeWhatsAppCloud();
  app = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: fake.baseUrl });
  app.deps.logger = createLogger(
    'debug',
    'json',
    new Writable({
      write: (chunk, _enc, cb) => (
        logLines.push(
          ...String(chunk)
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l)),
        ),
        cb()
      ),
    }),
  );
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  agent = await createUser(app.deps, org.id);
  await createWhatsAppChannel(app.deps, org.id);
  fake.addMedia(MEDIA_ID, { mimeType: 'image/png' });

  const body = loadWhatsAppFixture('image-caption.json');
  const res = await fetch(`${server.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(body, whatsappDemoChannel.appSecret) },
    body,
  });
  expect(res.status).toBe(200);
  await app.deps.jobs.settle(); // processed from the queue after the acknowledgement
  const row = await app.deps.db.prisma.message.findFirstOrThrow({ where: { externalMessageId: FIXTURE_MSG.id } });
  messageId = row.id;
  threadGid = gid('Thread', row.threadId);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await fake?.close();
});

describe(`WhatsApp media links (${testDatabaseKind})`, () => {
  it('GraphQL gives a signed /media url; GET streams the PNG the Cloud API served', async () => {
    const r = await server.gql(THREAD_MEDIA, { id: threadGid }, await tok());
    expect(r.errors).toBeUndefined();
    const att = r.data.node.messages.edges[0].node.attachments;
    expect(att).toEqual([{ kind: 'image', url: expect.stringMatching(/^\/media\//), mimeType: 'image/jpeg', providerMediaId: MEDIA_ID, caption: 'Zo ziet het display eruit' }]);
    const url: string = att[0].url;
    const exp = Math.floor(app.clock.now().getTime() / 1000) + MEDIA_URL_TTL_SECONDS;
    expect(url).toMatch(new RegExp(`^/media/${messageId}/0\\?exp=${exp}&sig=[A-Za-z0-9_-]{43}$`));

    fake.requests.length = 0;
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('private, max-age=300');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(Buffer.from(await res.arrayBuffer())).toEqual(TINY_PNG);
    // Two calls to the Cloud API, both with the channel's token.
    expect(fake.requests.map((q) => q.path.split('?')[0])).toEqual([`/v21.0/${MEDIA_ID}`, `/media-download/${MEDIA_ID}`]);
    for (const q of fake.requests) expect(q.headers.authorization).toBe(`Bearer ${whatsappDemoChannel.accessToken}`);
  });

  it('a tampered signature, a different index or message under the same signature, or no signature → 403', async () => {
    const url = await attachmentUrl();
    const u = new URL(url, server.url);
    const sig = u.searchParams.get('sig')!;
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    const requests = fake.requests.length;

    expect((await get(url.replace(sig, flipped))).status).toBe(403);
    expect((await get(url.replace(`/${messageId}/0?`, `/${messageId}/1?`))).status).toBe(403);
    expect((await get(url.replace(`exp=${u.searchParams.get('exp')}`, `exp=${Number(u.searchParams.get('exp')) + 3600}`))).status).toBe(403);
    expect((await get(`/media/${messageId}/0`)).status).toBe(403);
    expect((await get(`/media/${messageId}/0?exp=abc&sig=${sig}`)).status).toBe(403);
    const other = mediaUrl(app.deps, '00000000-0000-7000-8000-000000000000', 0, app.clock.now());
    expect((await get(other.replace(/sig=.*/, `sig=${sig}`))).status).toBe(403);
    // A key derived from another APP_SECRET_KEY does not verify.
    const foreign = mediaUrl({ config: { ...app.deps.config, appSecretKey: 'another-secret-key-of-at-least-32-chars!!' } }, messageId, 0, app.clock.now());
    expect((await get(foreign)).status).toBe(403);
    expect(fake.requests.length).toBe(requests); // nothing reached the provider
  });

  it('expires after 15 minutes of the app clock → 403', async () => {
    const url = await attachmentUrl();
    const start = app.clock.now();
    try {
      app.clock.advance(14 * MIN);
      expect((await get(url)).status).toBe(200);
      app.clock.advance(2 * MIN);
      const res = await get(url);
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/expired/);
      // A fresh query issues a fresh link.
      expect((await get(await attachmentUrl())).status).toBe(200);
    } finally {
      app.clock.set(start);
    }
  });

  it('signature helpers: valid until exp, constant-time check rejects malformed signatures', () => {
    const now = app.clock.now();
    const u = new URL(mediaUrl(app.deps, messageId, 0, now), 'http://x');
    const exp = Number(u.searchParams.get('exp'));
    const sig = u.searchParams.get('sig')!;
    expect(verifyMediaSignature(app.deps, messageId, 0, exp, sig, now)).toBe(true);
    expect(verifyMediaSignature(app.deps, messageId, 0, exp, sig, new Date(exp * 1000))).toBe(false);
    expect(verifyMediaSignature(app.deps, messageId, 0, exp, sig.slice(1), now)).toBe(false);
    expect(verifyMediaSignature(app.deps, messageId, 0, exp, '', now)).toBe(false);
  });

  it('a signed link to an index out of range or an unknown message → 404', async () => {
    const now = app.clock.now();
    expect((await get(mediaUrl(app.deps, messageId, 1, now))).status).toBe(404);
    expect((await get(mediaUrl(app.deps, messageId, 99, now))).status).toBe(404);
    expect((await get(mediaUrl(app.deps, '00000000-0000-7000-8000-000000000000', 0, now))).status).toBe(404);
  });

  it('an attachment without providerMediaId → url null (or its stored url) and the route answers 404', async () => {
    const row = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: messageId } });
    const original = row.attachments;
    try {
      await app.deps.db.prisma.message.update({
        where: { id: messageId },
        data: {
          attachments: [...(original as object[]), { kind: 'location', latitude: 52.37, longitude: 4.89 }, { kind: 'file', url: 'https://files.example/a.txt', fileName: 'a.txt' }],
        },
      });
      const r = await server.gql(THREAD_MEDIA, { id: threadGid }, await tok());
      const urls = r.data.node.messages.edges[0].node.attachments.map((a: { url: string | null }) => a.url);
      expect(urls).toEqual([expect.stringMatching(/^\/media\/.*\/0\?/), null, 'https://files.example/a.txt']);
      expect((await get(mediaUrl(app.deps, messageId, 1, app.clock.now()))).status).toBe(404);
      expect((await get(mediaUrl(app.deps, messageId, 2, app.clock.now()))).status).toBe(404);
    } finally {
      await app.deps.db.prisma.message.update({ where: { id: messageId }, data: { attachments: original as object } });
    }
  });

  it('the Cloud API no longer has the media → 502 with a short text', async () => {
    const url = await attachmentUrl();
    fake.removeMedia(MEDIA_ID);
    try {
      const res = await get(url);
      expect(res.status).toBe(502);
      expect(await res.text()).toMatch(/not available from the provider/);
      // The provider's failure is a warning with its cause, the access line too (no made-up error, no stack).
      const mine = logLines.filter((l) => l.reqId === res.headers.get('x-request-id'));
      expect(mine.find((l) => l.msg === 'media: provider could not deliver the file')).toMatchObject({ level: 40 });
      const access = mine.find((l) => /^GET \/media\/.* 502$/.test(l.msg));
      expect(access).toMatchObject({ level: 40, res: { statusCode: 502 } });
      expect(access!.err).toBeUndefined();
    } finally {
      fake.addMedia(MEDIA_ID, { mimeType: 'image/png' });
    }
    // The provider answering 404 on the download step is also a 502.
    fake.failNext({ httpStatus: 404, code: 100, message: 'Media not found' });
    expect((await get(url)).status).toBe(502);
  });

  it('documents are served inline with their file name; script-capable types as attachment', async () => {
    const row = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: messageId } });
    const original = row.attachments;
    fake.addMedia('doc-media-1', { mimeType: 'application/pdf' });
    fake.addMedia('html-media-1', { mimeType: 'text/html', bytes: Buffer.from('<script>alert(1)</script>') });
    try {
      await app.deps.db.prisma.message.update({
        where: { id: messageId },
        data: {
          attachments: [
            { kind: 'document', mimeType: 'application/pdf', providerMediaId: 'doc-media-1', fileName: 'Factuur "2026" €.pdf' },
            { kind: 'document', mimeType: 'text/html', providerMediaId: 'html-media-1', fileName: 'page.html' },
          ],
        },
      });
      const pdf = await get(mediaUrl(app.deps, messageId, 0, app.clock.now()));
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toBe(`inline; filename="Factuur _2026_ _.pdf"; filename*=UTF-8''Factuur%20%222026%22%20%E2%82%AC.pdf`);
      expect(Buffer.from(await pdf.arrayBuffer())).toEqual(TINY_PDF);

      const html = await get(mediaUrl(app.deps, messageId, 1, app.clock.now()));
      expect(html.status).toBe(200);
      expect(html.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html"/);
      expect(html.headers.get('x-content-type-options')).toBe('nosniff');
      await html.arrayBuffer();
    } finally {
      await app.deps.db.prisma.message.update({ where: { id: messageId }, data: { attachments: original as object } });
    }
  });

  it("an e-mail body's inline image (cid:) is served through the same signed link as its part", async () => {
    const before = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: messageId }, select: { attachments: true, contentHtml: true } });
    try {
      fake.addMedia('inline-media-1', { mimeType: 'image/png' });
      await app.deps.db.prisma.message.update({
        where: { id: messageId },
        data: {
          attachments: [{ kind: 'image', mimeType: 'image/png', providerMediaId: 'inline-media-1', fileName: 'image001.png', contentId: 'image001.png@01DB' }],
          contentHtml: '<p>Zie foto</p><img src="cid:image001.png@01DB" alt="foto" /><img src="cid:missing@01DB" alt="weg" />',
        },
      });
      const r = await server.gql('query($id: ID!){ node(id: $id) { ... on Message { contentHtml } } }', { id: gid('Message', messageId) }, await tok());
      expect(r.errors).toBeUndefined();
      const html: string = r.data.node.contentHtml;
      expect(html).not.toMatch(/cid:/);
      expect(html).toContain('<img alt="weg" />');
      const src = /<img alt="foto" src="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
      expect(src).toMatch(new RegExp(`^/media/${messageId}/0\\?exp=\\d+&sig=`));
      const image = await get(src);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await image.arrayBuffer())).toEqual(TINY_PNG);
    } finally {
      await app.deps.db.prisma.message.update({ where: { id: messageId }, data: { attachments: before.attachments as object, contentHtml: before.contentHtml } });
    }
  });
});
