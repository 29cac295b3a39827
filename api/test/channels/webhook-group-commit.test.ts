/**
 * The acknowledgement side (modules/thread/delivery.store.ts): concurrent
 * webhooks share one statement that stores their deliveries and jobs (group
 * commit). Each delivery is stored once with one `inbound.process` job, also
 * under a redelivery storm; when a group's statement fails, its deliveries are
 * written again one by one and only the one that fails alone is answered 500
 * (nothing of it stored); a delivery for a channel deleted
 * since authentication gets no row. Concurrent channel lookups of webhooks
 * share a query; later lookups reuse its rows (CHANNEL_LOOKUP_TTL_MS) until a
 * change through this instance, and a channel another instance disabled gets
 * no delivery stored meanwhile.
 *
 * Statements are counted with the database's query listener (`onQuery`).
 * Calls made in one tick form one group (a group starts on the next turn of
 * the event loop); over HTTP the grouping depends on timing, so those tests
 * check what is stored per answer, not how many statements ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookAccepted, WebhookRequest } from '../../src/channels/types.js';
import { signWhatsAppBody } from '../../src/channels/whatsapp/signature.js';
import { JOB } from '../../src/jobs/names.js';
import { channelDirectory, invalidateChannelLookups } from '../../src/modules/channel/channel.directory.js';
import { updateChannel } from '../../src/modules/channel/channel.service.js';
import { storeDelivery } from '../../src/modules/thread/delivery.store.js';
import { whatsappDemoChannel as wa } from '../fakes/fixtures.js';
import {
  createChannel,
  createOrganization,
  createTestApp,
  createTestServer,
  createWhatsAppChannel,
  orgContext,
  testDatabaseKind,
  type TestApp,
  type TestServer,
} from '../harness.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let channelId: string;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  orgId = (await createOrganization(app.deps)).id;
  channelId = (await createWhatsAppChannel(app.deps, orgId)).id;
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

let seq = 0;
/** A signed-able Cloud API body with one text message (unique per call unless `text` repeats it). */
function body(text = `Bericht ${seq++} ${Date.now()}`): Buffer {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: wa.displayPhoneNumber, phone_number_id: wa.phoneNumberId },
    contacts: [{ profile: { name: 'Klant' }, wa_id: '31612345678' }],
    messages: [{ from: '31612345678', id: `wamid.GROUP${Buffer.from(text).toString('hex')}`, timestamp: '1790000000', text: { body: text }, type: 'text' }],
  };
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: wa.businessAccountId, changes: [{ value, field: 'messages' }] }] }), 'utf8');
}

async function post(b: Buffer): Promise<number> {
  const res = await fetch(`${server.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(b, wa.appSecret) },
    body: b,
  });
  await res.arrayBuffer();
  return res.status;
}

const request = (b: Buffer): WebhookRequest => ({ method: 'POST', subpath: '', query: {}, headers: {}, rawBody: b, publicUrl: 'http://hub.test/webhooks/test' });
const accepted = (key: string, channelIds = [channelId]): WebhookAccepted => ({ channelIds, dedupeKey: key });

/** Stored events with these dedupe keys, each with the ids of the jobs that process it. */
async function storedWithJobs(keys: string[]): Promise<Map<string, string[]>> {
  const events = await app.deps.db.prisma.inboundEvent.findMany({ where: { dedupeKey: { in: keys } }, select: { id: true, dedupeKey: true, organizationId: true } });
  const jobs = await app.deps.db.prisma.$queryRawUnsafe<{ id: string; event: string }[]>(
    `SELECT id::text, payload->>'inboundEventId' AS event FROM "Job" WHERE queue = $1 AND payload->>'inboundEventId' = ANY($2::text[])`,
    JOB.inboundProcess,
    events.map((e) => e.id),
  );
  for (const e of events) expect(e.organizationId).toBe(orgId);
  return new Map(events.map((e) => [e.dedupeKey, jobs.filter((j) => j.event === e.id).map((j) => j.id)]));
}

/** Counts the statements that insert deliveries while `fn` runs. */
async function countingStores<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const listen = (sql: string) => {
    if (sql.includes('INSERT INTO "InboundEvent"')) statements++;
  };
  app.deps.db.onQuery.add(listen);
  try {
    return { result: await fn(), statements };
  } finally {
    app.deps.db.onQuery.delete(listen);
  }
}

const sha = async (b: Buffer) => `whatsapp:${(await import('node:crypto')).createHash('sha256').update(b).digest('hex')}`;

describe(`webhook group commit (${testDatabaseKind})`, () => {
  it('stores concurrent deliveries once each with one job each, in one statement', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `group-test:concurrent:${i}`);
    const { result, statements } = await countingStores(() => Promise.all(keys.map((k) => storeDelivery(app.deps, 'whatsapp', request(body()), accepted(k)))));
    expect(statements).toBe(1);
    expect(result.every((ids) => ids.length === 1)).toBe(true);
    const stored = await storedWithJobs(keys);
    expect(stored.size).toBe(20);
    for (const jobs of stored.values()) expect(jobs).toHaveLength(1);
  });

  it('over HTTP: concurrent webhooks are each acknowledged after being stored once with one job', async () => {
    const bodies = Array.from({ length: 30 }, () => body());
    const { result, statements } = await countingStores(() => Promise.all(bodies.map(post)));
    expect(result).toEqual(bodies.map(() => 200));
    const stored = await storedWithJobs(await Promise.all(bodies.map(sha)));
    expect(stored.size).toBe(30);
    for (const jobs of stored.values()) expect(jobs).toHaveLength(1);
    expect(statements).toBeLessThanOrEqual(30);
    console.log(`[group-commit] 30 concurrent webhooks (${testDatabaseKind}): ${statements} storing statements`);
  });

  it('a redelivery storm stores one event and one job: within a group and across groups', async () => {
    // Within one group: the same delivery ten times in one tick.
    const b = body();
    const { result, statements } = await countingStores(() =>
      Promise.all(Array.from({ length: 10 }, () => storeDelivery(app.deps, 'whatsapp', request(b), accepted('group-test:storm')))),
    );
    expect(statements).toBe(1);
    expect(result.filter((ids) => ids.length === 1)).toHaveLength(1);
    expect(result.filter((ids) => ids.length === 0)).toHaveLength(9);
    // Over HTTP, 25 times at once (any grouping), then once more.
    const redelivered = body();
    expect(await Promise.all(Array.from({ length: 25 }, () => post(redelivered)))).toEqual(Array.from({ length: 25 }, () => 200));
    expect(await post(redelivered)).toBe(200);
    const stored = await storedWithJobs(['group-test:storm', await sha(redelivered)]);
    expect(stored.get('group-test:storm')).toHaveLength(1);
    expect(stored.get(await sha(redelivered))).toHaveLength(1);
  });

  it('a delivery for a channel deleted since authentication gets no row; the rest of its group is stored', async () => {
    const gone = await createChannel(app.deps, orgId, { type: 'SMS', externalId: '+31200000001' });
    await app.deps.db.prisma.channel.delete({ where: { id: gone.id } });
    const [lost, kept] = await Promise.all([
      storeDelivery(app.deps, 'sms', request(body()), accepted('group-test:deleted', [gone.id])),
      storeDelivery(app.deps, 'whatsapp', request(body()), accepted('group-test:kept')),
    ]);
    expect(lost).toEqual([]);
    expect(kept).toHaveLength(1);
    const stored = await storedWithJobs(['group-test:deleted', 'group-test:kept']);
    expect([...stored.keys()]).toEqual(['group-test:kept']);
  });

  describe('a failing statement', () => {
    beforeAll(async () => {
      // A database error in the middle of a group's statement: any delivery whose body holds POISON.
      await app.deps.db.sql.exec(`
        CREATE FUNCTION group_test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW."rawBody" LIKE '%POISON%' THEN RAISE EXCEPTION 'poisoned delivery'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER group_test_poison BEFORE INSERT ON "InboundEvent" FOR EACH ROW EXECUTE FUNCTION group_test_poison();`);
    });
    afterAll(async () => {
      await app.deps.db.sql.exec(`DROP TRIGGER IF EXISTS group_test_poison ON "InboundEvent"; DROP FUNCTION IF EXISTS group_test_poison();`);
    });

    it('writes the deliveries of a failed group again one by one: only the poisoned one is refused, nothing of it stored', async () => {
      const keys = Array.from({ length: 10 }, (_, i) => `group-test:failing:${i}`);
      const { result, statements } = await countingStores(() =>
        Promise.allSettled(keys.map((k, i) => storeDelivery(app.deps, 'whatsapp', request(body(i === 5 ? `POISON ${seq++}` : undefined)), accepted(k)))),
      );
      // The group's statement failed and so did the poisoned delivery's own (Prisma logs only statements that succeed):
      // the nine others were written alone, one statement each.
      expect(statements).toBe(9);
      expect(result.map((r) => r.status)).toEqual(keys.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
      expect(String((result[5] as PromiseRejectedResult).reason)).toContain('poisoned delivery');
      const stored = await storedWithJobs(keys);
      expect([...stored.keys()].sort()).toEqual(keys.filter((_, i) => i !== 5).sort());
      for (const jobs of stored.values()) expect(jobs).toHaveLength(1);
      // The next group is not affected.
      expect(await storeDelivery(app.deps, 'whatsapp', request(body()), accepted('group-test:after-failure'))).toHaveLength(1);
    });

    it('over HTTP: only the poisoned webhook is answered 500 (nothing of it stored); its neighbours 200, each stored once with one job', async () => {
      const poison = body(`POISON ${seq++}`);
      const bodies = [...Array.from({ length: 10 }, () => body()), poison, ...Array.from({ length: 10 }, () => body())];
      const statuses = await Promise.all(bodies.map(post));
      const keys = await Promise.all(bodies.map(sha));
      const stored = await storedWithJobs(keys);
      expect(statuses).toEqual(bodies.map((_, i) => (i === 10 ? 500 : 200)));
      expect(stored.has(keys[10]!)).toBe(false);
      expect(stored.size).toBe(20);
      for (const jobs of stored.values()) expect(jobs).toHaveLength(1);
    });
  });

  it('concurrent channel lookups share one query; later lookups reuse its rows until a change through this instance', async () => {
    let channelQueries = 0;
    const listen = (sql: string) => {
      if (/FROM "public"\."Channel"|FROM "Channel"/.test(sql)) channelQueries++;
    };
    invalidateChannelLookups(app.deps);
    const directory = channelDirectory(app.deps, 'WHATSAPP_BUSINESS');
    app.deps.db.onQuery.add(listen);
    try {
      const all = await Promise.all(Array.from({ length: 10 }, () => directory.all()));
      const byKey = await Promise.all([directory.byRoutingKey(wa.phoneNumberId), directory.byRoutingKey('no-such-number')]);
      expect(channelQueries).toBe(2);
      for (const list of all) expect(list.map((c) => c.id)).toContain(channelId);
      expect(byKey[0]?.id).toBe(channelId);
      expect(byKey[1]).toBeNull();
      // Within CHANNEL_LOOKUP_TTL_MS the rows read answer again, the unknown routing key too.
      expect((await directory.all()).map((c) => c.id)).toContain(channelId);
      expect((await directory.byRoutingKey(wa.phoneNumberId))?.id).toBe(channelId);
      expect(await directory.byRoutingKey('no-such-number')).toBeNull();
      expect(channelQueries).toBe(2);
    } finally {
      app.deps.db.onQuery.delete(listen);
    }
    // Disabled through the service: the next lookup reads again and sees it.
    await updateChannel(orgContext(app.deps, orgId), channelId, { isActive: false });
    try {
      expect((await directory.all()).map((c) => c.id)).not.toContain(channelId);
      expect(await directory.byRoutingKey(wa.phoneNumberId)).toBeNull();
      // No active channel signs it any more: refused, nothing stored.
      const b = body();
      expect(await post(b)).toBe(401);
      expect((await storedWithJobs([await sha(b)])).size).toBe(0);
    } finally {
      await updateChannel(orgContext(app.deps, orgId), channelId, { isActive: true });
    }
    expect((await directory.byRoutingKey(wa.phoneNumberId))?.id).toBe(channelId);
  });

  it('a channel disabled by another instance: its webhooks store nothing at once and are refused after CHANNEL_LOOKUP_TTL_MS', async () => {
    const directory = channelDirectory(app.deps, 'WHATSAPP_BUSINESS');
    // Remembered by this instance (the WhatsApp adapter verifies against every channel, then routes by key).
    expect((await directory.all()).map((c) => c.id)).toContain(channelId);
    expect((await directory.byRoutingKey(wa.phoneNumberId))?.id).toBe(channelId);
    // Written as another instance would: this instance's lookups are not told.
    await app.deps.db.prisma.channel.update({ where: { id: channelId }, data: { isActive: false } });
    try {
      // Authenticated with the remembered row; the store's insert takes active channels only.
      const b = body();
      expect(await post(b)).toBe(200);
      expect((await storedWithJobs([await sha(b)])).size).toBe(0);
      await new Promise((r) => setTimeout(r, app.deps.config.CHANNEL_LOOKUP_TTL_MS + 50));
      const c = body();
      expect(await post(c)).toBe(401);
      expect((await storedWithJobs([await sha(c)])).size).toBe(0);
    } finally {
      await app.deps.db.prisma.channel.update({ where: { id: channelId }, data: { isActive: true } });
      invalidateChannelLookups(app.deps);
    }
    const d = body();
    expect(await post(d)).toBe(200);
    expect((await storedWithJobs([await sha(d)])).size).toBe(1);
  });
});
