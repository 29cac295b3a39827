/**
 * The inbox search on the per-thread word index (Thread.searchDocument,
 * migration 20261202090000_thread_search): the document follows every write
 * path through its triggers (ingestion, notes, GDPR erasure, merges, customer
 * renames, subject and order reference changes, message edits and deletes),
 * words match as prefixes, all words must match, accents and case do not
 * matter, tenants stay apart and tsquery syntax in the input is only text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/generated/prisma/client.js';
import { anonymizeCustomer, deleteThread } from '../../src/modules/gdpr/gdpr.service.js';
import { updateCustomer } from '../../src/modules/customer/customer.service.js';
import { postMessage } from '../../src/modules/message/message.service.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { mergeThreads } from '../../src/modules/thread/merge.service.js';
import {
  countSearch,
  countSearchWithRest,
  countThreadFilter,
  createThread,
  resolveThreadFilter,
  searchOnly,
  searchPageIds,
  searchThreads,
  searchWithRestPageIds,
  splitSearch,
} from '../../src/modules/thread/thread.service.js';
import { viewerContext, type HubContext } from '../../src/shared/context.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, orgContext, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { decodeGlobalID } from '@pothos/plugin-relay';

let app: TestApp;
let server: TestServer;
let orgId: string;
let token: string;
let ctx: HubContext;
let agentCtx: HubContext;
let channel: Channel;
let otherOrg: { ctx: HubContext; channel: Channel; token: string };
let serial = 0;

const THREADS = `query($f: ThreadFilter){ threads(first: 100, filter: $f) { totalCount totalCountIsExact edges { node { id } } } }`;

/** The ids (raw uuids) the inbox lists for `search`, in list order, as the agent of the first organization sees them. */
async function found(search: string, as = token): Promise<string[]> {
  const res = await server.gql(THREADS, { f: { search } }, as);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.data.threads.totalCount).toBe(res.data.threads.edges.length);
  return res.data.threads.edges.map((e: { node: { id: string } }) => decodeGlobalID(e.node.id).id);
}

/** A customer message arriving on `ch` (a new thread per conversation key), as a webhook would ingest it. */
async function inbound(ch: Channel, content: string, opts: { key?: string; name?: string; email?: string; subject?: string } = {}) {
  serial++;
  const r = await ingestInbound(app.deps, ch, {
    externalMessageId: `ext-${serial}`,
    customer: {
      name: opts.name ?? `Klant ${serial}`,
      email: opts.email,
      identities: opts.email ? [{ kind: 'EMAIL', value: opts.email }] : [{ kind: 'PARTNER', value: `p-${serial}` }],
    },
    content,
    subject: opts.subject ?? `Onderwerp ${serial}`,
    attachments: [],
    occurredAt: new Date(app.clock.now().getTime() + serial * 1000),
    conversationKey: opts.key ?? `conv-${serial}`,
    metadata: {},
  });
  const thread = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: r.message.threadId } });
  return { threadId: thread.id, customerId: thread.customerId!, messageId: r.message.id };
}

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  const admin = await createUser(app.deps, org.id, { role: 'ADMIN', name: 'Beheerder' });
  token = await tokenFor(app.deps, admin);
  ctx = orgContext(app.deps, org.id);
  agentCtx = viewerContext(app.deps, { kind: 'USER', id: admin.id, organizationId: org.id, role: 'ADMIN', name: 'Beheerder', email: 'admin@example.com' });
  channel = await createChannel(app.deps, org.id, { type: 'API' });
  const org2 = await createOrganization(app.deps);
  const other = await createUser(app.deps, org2.id, { role: 'ADMIN' });
  otherOrg = { ctx: orgContext(app.deps, org2.id), channel: await createChannel(app.deps, org2.id, { type: 'API' }), token: await tokenFor(app.deps, other) };
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('words of inbound messages', () => {
  let it1: string;
  let nl: string;
  beforeAll(async () => {
    it1 = (await inbound(channel, 'Buongiorno, il contatore è guasto. Perché il preventivo della wallbox non è arrivato?')).threadId;
    nl = (await inbound(channel, 'Goedemiddag, de meterkast moet vervangen worden. Één vraag over de coördinatie van de monteur.')).threadId;
  });

  it('a word of the message finds its thread; case does not matter', async () => {
    expect(await found('preventivo')).toEqual([it1]);
    expect(await found('METERKAST')).toEqual([nl]);
  });

  it('words match as prefixes, not as substrings (the change from ILIKE)', async () => {
    expect(await found('meter')).toEqual([nl]);
    expect(await found('prevent')).toEqual([it1]);
    expect(await found('kast')).toEqual([]);
    expect(await found('ventivo')).toEqual([]);
  });

  it('every word must match (AND), in any order', async () => {
    expect(await found('contatore guasto')).toEqual([it1]);
    expect(await found('guasto contatore')).toEqual([it1]);
    expect(await found('contatore meterkast')).toEqual([]);
  });

  it('accents do not matter, in the text or in the search (Italian, Dutch)', async () => {
    expect(await found('perche')).toEqual([it1]);
    expect(await found('PERCHÉ')).toEqual([it1]);
    expect(await found('een vraag')).toEqual([nl]);
    expect(await found('coordinatie')).toEqual([nl]);
    expect(await found('coördinatie')).toEqual([nl]);
  });

  it('a later message of the same conversation adds its words to the thread', async () => {
    const key = `conv-later-${serial}`;
    const first = await inbound(channel, 'Eerste bericht over de laadpaal', { key });
    expect(await found('thuisbatterij')).toEqual([]);
    const second = await inbound(channel, 'En ook een vraag over de thuisbatterij', { key });
    expect(second.threadId).toBe(first.threadId);
    expect(await found('thuisbatterij laadpaal')).toEqual([first.threadId]);
  });
});

describe('subject, order reference, customer name', () => {
  let threadId: string;
  beforeAll(async () => {
    const customer = await app.deps.db.prisma.customer.create({ data: { organizationId: orgId, name: 'Sanne Verhoeven' } });
    const t = await createThread(agentCtx, { subject: 'Offerte zonnedak', channelId: channel.id, customerId: customer.id, orderReference: 'CC-2024-0113' });
    threadId = t.thread.id;
  });

  it('an order reference is found whole and by its parts; another number is not', async () => {
    expect(await found('CC-2024-0113')).toEqual([threadId]);
    expect(await found('cc-2024')).toEqual([threadId]);
    expect(await found('0113')).toEqual([threadId]);
    expect(await found('CC-2024-0114')).toEqual([]);
  });

  it('subject and customer name are searched with the messages', async () => {
    expect(await found('zonnedak')).toEqual([threadId]);
    expect(await found('verhoeven offerte')).toEqual([threadId]);
  });

  it('changing the subject or the order reference replaces their words', async () => {
    await app.deps.db.prisma.thread.update({ where: { id: threadId }, data: { subject: 'Warmtepomp storing', orderReference: 'CC-2025-0999' } });
    expect(await found('zonnedak')).toEqual([]);
    expect(await found('CC-2024-0113')).toEqual([]);
    expect(await found('warmtepomp CC-2025-0999')).toEqual([threadId]);
    // Other updates of the thread keep the document.
    await app.deps.db.prisma.thread.update({ where: { id: threadId }, data: { status: 'IN_PROGRESS' } });
    expect(await found('warmtepomp')).toEqual([threadId]);
  });

  it('renaming the customer replaces the name in all their threads', async () => {
    const t = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: threadId } });
    await updateCustomer(agentCtx, t.customerId!, { name: 'Sanne de Graaf' });
    expect(await found('verhoeven')).toEqual([]);
    expect(await found('graaf sanne')).toEqual([threadId]);
  });
});

describe('notes, edits, deletes, merges and erasure keep the document true', () => {
  it('an internal note adds its words', async () => {
    const { threadId } = await inbound(channel, 'Vraag over de factuur');
    expect(await found('omvormerfout')).toEqual([]);
    await postMessage(agentCtx, { threadId, kind: 'NOTE', content: 'Intern: omvormerfout E-204 gemeld bij leverancier' });
    expect(await found('omvormerfout')).toEqual([threadId]);
    expect(await found('e-204')).toEqual([threadId]);
  });

  it('editing a message removes its old words; deleting a message removes its words', async () => {
    const { threadId, messageId } = await inbound(channel, 'Het zekeringkastje maakt lawaai');
    const p = app.deps.db.prisma;
    await p.message.update({ where: { id: messageId }, data: { content: 'Het verdeelkastje maakt lawaai' } });
    expect(await found('zekeringkastje')).toEqual([]);
    expect(await found('verdeelkastje')).toEqual([threadId]);
    // A status update (no text change) keeps the words.
    await p.message.update({ where: { id: messageId }, data: { deliveryStatus: 'DELIVERED' } });
    expect(await found('verdeelkastje')).toEqual([threadId]);
    const extra = await p.message.create({
      data: { organizationId: orgId, threadId, channelId: channel.id, type: 'INCOMING', content: 'Nog een bericht: schemerschakelaar', senderExternal: { name: 'Klant' } },
    });
    expect(await found('schemerschakelaar')).toEqual([threadId]);
    await p.message.delete({ where: { id: extra.id } });
    expect(await found('schemerschakelaar')).toEqual([]);
    expect(await found('verdeelkastje')).toEqual([threadId]);
  });

  it('merging moves the words of the source into the target', async () => {
    const email = `merge-${serial}@example.com`;
    const target = await inbound(channel, 'Eerste gesprek over de aansluiting', { email, key: 'merge-a' });
    const source = await inbound(channel, 'Tweede gesprek: kabelgoot beschadigd', { email, key: 'merge-b' });
    expect(source.customerId).toBe(target.customerId);
    expect(await found('kabelgoot')).toEqual([source.threadId]);
    await mergeThreads(agentCtx, target.threadId, [source.threadId]);
    expect(await found('kabelgoot')).toEqual([target.threadId]);
    expect(await found('kabelgoot aansluiting')).toEqual([target.threadId]);
  });

  it('GDPR erasure: the erased words are no longer found, in their own threads and where others quoted them', async () => {
    const email = 'marco.ferraresi@example.com';
    const own = await inbound(channel, `Salve, sono Marco Ferraresi, scrivetemi a ${email} per il sopralluogo`, { name: 'Marco Ferraresi', email, key: 'gdpr' });
    const quoted = await inbound(channel, `Doorgestuurd van Marco Ferraresi (${email}) over de zonneboiler`, { name: 'Collega', key: 'gdpr-quoted' });
    expect(await found('ferraresi')).toEqual([quoted.threadId, own.threadId]);
    expect(await found('marco.ferraresi@example.com')).toEqual([quoted.threadId, own.threadId]);
    expect(await found('sopralluogo')).toEqual([own.threadId]);
    await anonymizeCustomer(ctx, own.customerId);
    expect(await found('ferraresi')).toEqual([]);
    expect(await found('marco.ferraresi@example.com')).toEqual([]);
    // Their own threads' texts are redacted whole; the other thread keeps its other words.
    expect(await found('sopralluogo')).toEqual([]);
    expect(await found('zonneboiler doorgestuurd')).toEqual([quoted.threadId]);
  });

  it('a soft-deleted thread is not found', async () => {
    const t = await inbound(channel, 'Graag een afspraak voor de energielabelkeuring');
    expect(await found('energielabelkeuring')).toEqual([t.threadId]);
    await deleteThread(ctx, t.threadId);
    expect(await found('energielabelkeuring')).toEqual([]);
  });
});

describe('input', () => {
  it("another organization's thread with the same word is not returned (raw SQL is scoped explicitly)", async () => {
    const mine = await inbound(channel, 'De slimme meter knippert: dakgootverwarming');
    serial++;
    const r = await ingestInbound(app.deps, otherOrg.channel, {
      externalMessageId: `other-${serial}`,
      customer: { name: 'Ander', identities: [{ kind: 'PARTNER', value: 'x' }] },
      content: 'Ook hier: dakgootverwarming',
      attachments: [],
      occurredAt: app.clock.now(),
      conversationKey: 'other',
      metadata: {},
    });
    expect(await found('dakgootverwarming')).toEqual([mine.threadId]);
    expect(await found('dakgootverwarming', otherOrg.token)).toEqual([r.message.threadId]);
    expect((await searchThreads(ctx, 'dakgootverwarming')).ids).toEqual([mine.threadId]);
  });

  it('tsquery syntax in the search is only text: no error, matched as words', async () => {
    const t = await inbound(channel, "Storing aan de laadpaal (code 17) — l'installatore");
    for (const s of ["'&|!():*", "laadpaal' | 'x", 'laadpaal:* | !storing', "l'installatore", '\\', "'", '<->', 'a & (b']) {
      const res = await server.gql(THREADS, { f: { search: s } }, token);
      expect(res.errors, s).toBeUndefined();
    }
    expect(await found("'&|!():*")).toEqual([]);
    expect(await found('(laadpaal) & !storing')).toEqual([t.threadId]);
    expect(await found("l'installatore")).toEqual([t.threadId]);
    const tsquery = async (s: string) => (await app.deps.db.prisma.$queryRaw<{ q: string | null }[]>`SELECT hub_search_query(${s})::text AS q`)[0]!.q;
    expect(await tsquery("'&|!():*")).toBeNull();
    expect(await tsquery("Laadpaal:* | l'x \\ CC-2024")).toBe("'2024':* & 'cc':* & 'l':* & 'laadpaal':* & 'x':*");
  });

  it('a blank search filters nothing, as before', async () => {
    const all = await server.gql(THREADS, { f: {} }, token);
    const blank = await server.gql(THREADS, { f: { search: '   ' } }, token);
    expect(blank.data.threads.totalCount).toBe(all.data.threads.totalCount);
    expect(blank.data.threads.totalCount).toBeGreaterThan(0);
  });

  it('too long or too many words: VALIDATION_FAILED, nothing listed', async () => {
    const long = await server.gql(THREADS, { f: { search: 'x'.repeat(201) } }, token);
    expect(long.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(long.errors?.[0]?.message).toMatch(/200 characters/);
    // A pasted sentence is fine (32 different words); 33 are refused.
    const sentence = await server.gql(THREADS, { f: { search: 'Hoi, ik stuur het ook even via WhatsApp: is de offerte er al? (e2e 123)' } }, token);
    expect(sentence.errors).toBeUndefined();
    const words = Array.from({ length: 33 }, (_, i) => `w${i}`).join(' ');
    const many = await server.gql(THREADS, { f: { search: words } }, token);
    expect(many.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(many.errors?.[0]?.message).toMatch(/32 different words/);
  });
});

describe('the cap: only the newest matches are listed, the count is scaled', () => {
  it('searchThreads returns the newest `limit` matches by lastMessageAt and counts all', async () => {
    const a = await inbound(channel, 'capwoord een');
    const b = await inbound(channel, 'capwoord twee');
    const c = await inbound(channel, 'capwoord drie');
    const r = await searchThreads(ctx, 'capwoord', 2);
    expect(r).toEqual({ ids: [c.threadId, b.threadId], total: 3, capped: true });
    expect((await searchThreads(ctx, 'capwoord')).ids).toEqual([c.threadId, b.threadId, a.threadId]);
    expect(await found('capwoord')).toEqual([c.threadId, b.threadId, a.threadId]);
  });

  it('pages through the matches with cursors (the page sends only its slice of the ids), alone and with another condition', async () => {
    const all = await found('capwoord');
    for (const f of [{ search: 'capwoord' }, { search: 'capwoord', status: ['OPEN'] }]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 4; i++) {
        const res: any = await server.gql(
          `query($f: ThreadFilter, $after: String){ threads(first: 1, after: $after, filter: $f) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
          { f, after },
          token,
        );
        expect(res.errors).toBeUndefined();
        expect(res.data.threads.totalCount).toBe(3);
        seen.push(...res.data.threads.edges.map((e: { node: { id: string } }) => decodeGlobalID(e.node.id).id));
        if (!res.data.threads.pageInfo.hasNextPage) break;
        after = res.data.threads.pageInfo.endCursor;
      }
      expect(seen, JSON.stringify(f)).toEqual(all);
    }
  });

  it('a search alone: pages of ids after a cursor, and its own count (exact to the limit, estimated beyond)', async () => {
    const all = (await searchThreads(ctx, 'capwoord')).ids;
    expect(await searchPageIds(ctx, 'capwoord', null, 2)).toEqual(all.slice(0, 2));
    expect(await searchPageIds(ctx, 'capwoord', all[0]!, 5)).toEqual(all.slice(1));
    expect(await searchPageIds(ctx, 'capwoord', all[2]!, 5)).toEqual([]);
    expect(await searchPageIds(ctx, "'&|!():*", null, 5)).toEqual([]);
    // Every plan of hub_search_thread_page gives the same pages: the bitmap (walk 0), the walk along lastMessageAt
    // (walk 1,000,000: any estimate > 0 walks), and a walk too short to fill the page, which falls back to the bitmap (walk 1).
    for (const walk of [0, 1_000_000, 1, 20]) {
      const page = async (after: string | null, take: number) =>
        (
          await app.deps.db.prisma.$queryRaw<
            { id: string }[]
          >`SELECT id FROM hub_search_thread_page(${orgId}::uuid, 'capwoord', ${after}::uuid, ${take}::int, NULL, ${walk}::int) AS id`
        ).map((r) => r.id);
      expect(await page(null, 10), `walk ${walk}`).toEqual(all);
      expect(await page(null, 2), `walk ${walk}`).toEqual(all.slice(0, 2));
      expect(await page(all[0]!, 1), `walk ${walk}`).toEqual([all[1]]);
    }
    expect(await countSearch(ctx, 'capwoord')).toEqual({ count: 3, exact: true });
    const estimated = await countSearch(ctx, 'capwoord', 2);
    expect(estimated.exact).toBe(false);
    expect(estimated.count).toBeGreaterThanOrEqual(3);
    expect(await countSearch(ctx, "'&|!():*")).toEqual({ count: 0, exact: true });
    expect(searchOnly(ctx, { search: ' capwoord ', status: [] })).toEqual({ search: 'capwoord', notSnoozedAt: null });
    // snoozed: false (every tab of the web app sends it) stays on the fast path; snoozed: true does not.
    expect(searchOnly(ctx, { search: 'capwoord', snoozed: false })).toEqual({ search: 'capwoord', notSnoozedAt: expect.any(Date) });
    expect(searchOnly(ctx, { search: 'capwoord', snoozed: true })).toBeNull();
    expect(searchOnly(ctx, { search: 'capwoord', status: ['OPEN'] })).toBeNull();
    expect(searchOnly(ctx, { search: 'capwoord', status: ['OPEN'], snoozed: false })).toBeNull();
    expect(searchOnly(ctx, { search: '  ' })).toBeNull();
  });

  it('a search with snoozed: false leaves out the threads snoozed now, in its pages and its count, as the general path does', async () => {
    const all = (await searchThreads(ctx, 'capwoord')).ids;
    const now = app.clock.now();
    await app.deps.db.prisma.thread.update({ where: { id: all[1]! }, data: { snoozedUntil: new Date(now.getTime() + 3_600_000) } });
    // A snooze that has run out does not hide the thread.
    await app.deps.db.prisma.thread.update({ where: { id: all[2]! }, data: { snoozedUntil: new Date(now.getTime() - 60_000) } });
    try {
      const awake = [all[0]!, all[2]!];
      expect(await searchPageIds(ctx, 'capwoord', null, 10, now)).toEqual(awake);
      expect(await searchPageIds(ctx, 'capwoord', all[0]!, 10, now)).toEqual([all[2]]);
      expect(await searchPageIds(ctx, 'capwoord', null, 10)).toEqual(all);
      expect(await countSearch(ctx, 'capwoord', undefined, now)).toEqual({ count: 2, exact: true });
      // Through GraphQL, the web app's All tab with a search: the same threads and count as the general path (with another condition).
      for (const f of [
        { search: 'capwoord', snoozed: false },
        { search: 'capwoord', snoozed: false, status: [] as string[] },
      ]) {
        const res: any = await server.gql('query($f: ThreadFilter){ threads(first: 10, filter: $f) { totalCount edges { node { id } } } }', { f }, token);
        expect(res.errors).toBeUndefined();
        expect(res.data.threads.edges.map((e: { node: { id: string } }) => decodeGlobalID(e.node.id).id)).toEqual(awake);
        expect(res.data.threads.totalCount).toBe(2);
      }
      const general = await resolveThreadFilter(ctx, { search: 'capwoord', snoozed: false });
      expect(await countThreadFilter(ctx, general)).toEqual({ count: 2, exact: true });
    } finally {
      await app.deps.db.prisma.thread.updateMany({ where: { id: { in: all } }, data: { snoozedUntil: null } });
    }
  });

  it('a search with other conditions: pages narrowed chunk by chunk, the general path when the chunks run out, a sampled count beyond the limit', async () => {
    const all = (await searchThreads(ctx, 'capwoord')).ids;
    const [c, b, a] = all as [string, string, string];
    const before = await app.deps.db.prisma.thread.findMany({ where: { id: { in: all } }, select: { id: true, priority: true } });
    await app.deps.db.prisma.thread.updateMany({ where: { id: { in: all } }, data: { priority: 'HIGH' } });
    await app.deps.db.prisma.thread.update({ where: { id: b }, data: { priority: 'LOW' } });
    try {
      const split = splitSearch(ctx, { search: 'capwoord', priority: ['HIGH'], snoozed: false })!;
      expect(split.search.search).toBe('capwoord');
      expect(Object.keys(split.rest)).not.toHaveLength(0);
      // One match per chunk: b is left out; the matches end within the chunks (the third chunk is empty).
      expect(await searchWithRestPageIds(ctx, split, null, 10, 1, 10)).toEqual([c, a]);
      expect(await searchWithRestPageIds(ctx, split, c, 10, 1, 10)).toEqual([a]);
      expect(await searchWithRestPageIds(ctx, split, null, 1, 1, 10)).toEqual([c]);
      // Two chunks of one do not fill a page of two (b is left out): the caller's general path lists it.
      expect(await searchWithRestPageIds(ctx, split, null, 2, 1, 2)).toBeNull();
      // The search alone counts exactly: the caller counts exactly too (null).
      expect(await countSearchWithRest(ctx, split)).toBeNull();
      // Beyond a limit of 2: the search's count × the share kept of the sample (2 of 3).
      const estimated = await countSearch(ctx, 'capwoord', 2, split.search.notSnoozedAt);
      expect(estimated.exact).toBe(false);
      expect(await countSearchWithRest(ctx, split, 2)).toEqual({ count: Math.round((estimated.count * 2) / 3), exact: false });
      // Through GraphQL (a tab with a search): the same threads as the general path, exact count.
      const res: any = await server.gql(
        'query($f: ThreadFilter){ threads(first: 10, filter: $f) { totalCount edges { node { id } } } }',
        { f: { search: 'capwoord', priority: ['HIGH'], snoozed: false } },
        token,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.threads.edges.map((e: { node: { id: string } }) => decodeGlobalID(e.node.id).id)).toEqual([c, a]);
      expect(res.data.threads.totalCount).toBe(2);
    } finally {
      for (const t of before) await app.deps.db.prisma.thread.update({ where: { id: t.id }, data: { priority: t.priority } });
    }
  });

  it("a search in one agent's threads (the Mine tab): the agent's matches in order, by either plan, snoozed ones left out", async () => {
    const all = (await searchThreads(ctx, 'capwoord')).ids;
    const [c, b, a] = all as [string, string, string];
    const me = agentCtx.actor.userId!;
    const p = app.deps.db.prisma;
    const other = await createUser(app.deps, orgId, { name: 'Collega' });
    await p.thread.updateMany({ where: { id: { in: [c, a] } }, data: { assigneeId: me } });
    await p.thread.update({ where: { id: b }, data: { assigneeId: other.id } });
    const mineSoon = await inbound(channel, 'capwoord vier'); // the newest match, assigned to me but snoozed
    await p.thread.update({ where: { id: mineSoon.threadId }, data: { assigneeId: me, snoozedUntil: new Date(app.clock.now().getTime() + 3_600_000) } });
    try {
      const split = splitSearch(agentCtx, { search: 'capwoord', mine: true, snoozed: false })!;
      expect(split.assigneeId).toBe(me);
      expect(splitSearch(agentCtx, { search: 'capwoord', mine: true, priority: ['HIGH'] })!.assigneeId).toBeNull();
      // Both plans of hub_search_thread_page with an assignee: the walk of the agent's threads (walk 1000) and the GIN index (walk 1).
      for (const walk of [1000, 1]) {
        const page = (after: string | null, take: number, notSnoozedAt: Date | null) =>
          p.$queryRaw<{ id: string }[]>`SELECT id FROM hub_search_thread_page(${orgId}::uuid, 'capwoord', ${after}::uuid, ${take}::int,
            ${notSnoozedAt?.toISOString().replace('T', ' ').replace('Z', '') ?? null}::timestamp, ${walk}::int, ${me}::uuid) AS id`.then((r) => r.map((x) => x.id));
        expect(await page(null, 10, app.clock.now()), `walk ${walk}`).toEqual([c, a]);
        expect(await page(c, 10, app.clock.now()), `walk ${walk}`).toEqual([a]);
        expect(await page(null, 1, app.clock.now()), `walk ${walk}`).toEqual([c]);
        expect(await page(null, 10, null), `walk ${walk}`).toEqual([mineSoon.threadId, c, a]);
      }
      // Through GraphQL, as the web app's Mine tab asks, page by page: the same threads as the general path would list.
      const listed: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res: any = await server.gql(
          'query($f: ThreadFilter, $after: String){ threads(first: 1, after: $after, filter: $f) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }',
          { f: { search: 'capwoord', mine: true, snoozed: false }, after },
          token,
        );
        expect(res.errors).toBeUndefined();
        expect(res.data.threads.totalCount).toBe(2);
        listed.push(...res.data.threads.edges.map((e: { node: { id: string } }) => decodeGlobalID(e.node.id).id));
        if (!res.data.threads.pageInfo.hasNextPage) break;
        after = res.data.threads.pageInfo.endCursor;
      }
      expect(listed).toEqual([c, a]);
    } finally {
      await p.thread.updateMany({ where: { id: { in: all } }, data: { assigneeId: null } });
      await deleteThread(ctx, mineSoon.threadId);
    }
  });

  it('countThreadFilter: exact without a cap; scaled and inexact with one', async () => {
    const resolved = await resolveThreadFilter(ctx, { search: 'capwoord' });
    expect(await countThreadFilter(ctx, resolved)).toEqual({ count: 3, exact: true });
    // Capped to 2 of 3: the search alone counts all matches, inexact; with another condition the count within the 2 is scaled by 3/2.
    const ids = resolved.search!.ids.slice(0, 2);
    const capped = { where: { AND: [resolved.rest, { id: { in: ids } }] }, rest: resolved.rest, search: { ids, total: 3, capped: true } };
    expect(await countThreadFilter(ctx, capped)).toEqual({ count: 3, exact: false });
    expect(await countThreadFilter(ctx, capped, { status: 'OPEN' })).toEqual({ count: 3, exact: false });
    expect(await countThreadFilter(ctx, capped, { status: 'CLOSED' })).toEqual({ count: 0, exact: false });
    const open = { ...capped, rest: { status: 'OPEN' as const }, where: { AND: [{ status: 'OPEN' as const }, { id: { in: ids } }] } };
    expect(await countThreadFilter(ctx, open)).toEqual({ count: 3, exact: false });
  });
});
