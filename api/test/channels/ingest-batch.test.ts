/**
 * Batched ingestion (issue 8 §3): a delivery's messages are stored several per
 * transaction (INGEST_BATCH_SIZE), with the customers' identities and the
 * conversations' threads read once per batch and the audit rows and reporting
 * events written in one statement per table.
 *
 * - the same messages give the same threads, messages, customers, SLA fields,
 *   planned jobs, audit rows and reporting facts whether ingested one
 *   transaction each (`ingestInbound`) or as one delivery (`applyChannelEvents`),
 *   including repeat customers, a snoozed thread waiting on the customer, an
 *   out-of-order message and a message twice in the delivery;
 * - a 50-message delivery from 50 new customers takes ⌈50 / batch size⌉
 *   transactions of at most 20 statements each, whatever the batch size: the
 *   customers, identities, threads, messages and thread updates of a batch in
 *   one statement each (17 per transaction then; 22.5 per message one by one
 *   before batching, ~5.3 per message with batches of single-row writes);
 * - a redelivery processed at the same time as the original adds nothing;
 * - a new customer's identity created by another transaction after the batch
 *   read the identities (a concurrent delivery) is matched, never duplicated,
 *   and no message is lost;
 * - a failure after the first batch's commit (the process dies before it
 *   publishes) is retried by the queue and stores only the rest, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelEvent, NormalizedInbound } from '../../src/channels/types.js';
import { signWhatsAppBody } from '../../src/channels/whatsapp/signature.js';
import type { Channel } from '../../src/generated/prisma/client.js';
import { JOB } from '../../src/jobs/names.js';
import { applyChannelEvents } from '../../src/modules/thread/inbound.service.js';
import { INGEST_BATCH_SIZE, ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { createNewCustomers, identityScope } from '../../src/modules/customer/customer.service.js';
import { systemContext } from '../../src/shared/context.js';
import { whatsappDemoChannel } from '../fakes/fixtures.js';
import { createOrganization, createTestApp, createTestServer, createWhatsAppChannel, testDatabaseKind, type TestApp, type TestServer } from '../harness.js';

let app: TestApp;
let server: TestServer;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

let phoneNumberIds = 0;
/** An organization with a WhatsApp channel of its own (a phone number id of its own) and, unless `policy: false`, a 1-hour first-response policy. */
async function setup(opts: { demoNumber?: boolean; policy?: boolean } = {}): Promise<{ orgId: string; channel: Channel }> {
  const org = await createOrganization(app.deps);
  const channel = await createWhatsAppChannel(app.deps, org.id, opts.demoNumber ? {} : { externalId: `batch-${++phoneNumberIds}-${Date.now()}` });
  if (opts.policy === false) return { orgId: org.id, channel };
  await app.deps.db.prisma.slaPolicy.create({
    data: {
      organizationId: org.id,
      name: 'First response 1 h',
      rank: 1,
      firstResponseSeconds: 3600,
      escalation: [
        { atPercent: 75, action: 'REMIND', notify: ['ASSIGNEE'] },
        { atPercent: 100, action: 'ESCALATE', notify: ['TEAM_LEAD'] },
      ],
    } as never,
  });
  return { orgId: org.id, channel };
}

const waId = (n: number) => `3169${String(n).padStart(7, '0')}`;
/** A WhatsApp text message of customer `n` (conversation = wa_id) at `at`. */
function message(id: string, n: number, at: Date, text = `Bericht ${id}`): NormalizedInbound {
  return {
    externalMessageId: `wamid.${id}`,
    customer: { name: `Klant ${n}`, phone: `+${waId(n)}`, identities: [{ kind: 'WHATSAPP_ID', value: waId(n) }] },
    content: text,
    attachments: [],
    occurredAt: at,
    conversationKey: waId(n),
    metadata: {},
  };
}
const asEvents = (messages: NormalizedInbound[]): ChannelEvent[] => messages.map((inbound) => ({ kind: 'message', dedupeKey: inbound.externalMessageId, inbound }));

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** What ingestion produced in an organization, without ids (which differ between two organizations). */
async function snapshot(orgId: string) {
  const db = app.deps.db.prisma;
  const threads = await db.thread.findMany({
    where: { organizationId: orgId },
    include: { customer: true, messages: { orderBy: [{ createdAt: 'asc' }, { externalMessageId: 'asc' }] } },
    orderBy: [{ conversationKey: 'asc' }, { createdAt: 'asc' }],
  });
  const lastOf = (t: (typeof threads)[number]) => t.messages.find((m) => m.id === t.lastMessageId)?.externalMessageId ?? null;
  const audit = await db.auditLog.groupBy({ by: ['action'], where: { organizationId: orgId }, _count: { _all: true }, orderBy: { action: 'asc' } });
  const events = await db.reportingEvent.findMany({ where: { organizationId: orgId }, include: { thread: { select: { conversationKey: true } } } });
  const rollups = await db.reportingRollup.groupBy({
    by: ['kind', 'hour'],
    where: { organizationId: orgId },
    _sum: { count: true, seconds: true, met: true },
    orderBy: [{ kind: 'asc' }, { hour: 'asc' }],
  });
  const slices = await db.reportingSlice.groupBy({
    by: ['kind', 'grain', 'dimension'],
    where: { organizationId: orgId },
    _sum: { count: true },
    orderBy: [{ kind: 'asc' }, { grain: 'asc' }, { dimension: 'asc' }],
  });
  const threadIds = threads.map((t) => t.id);
  // Each queued job of the threads by queue, its thread's conversation, its singleton key (ids left out) and when it runs.
  const keyOf = new Map(threads.map((t) => [t.id, t.conversationKey]));
  const jobs = (
    await app.deps.db.prisma.$queryRawUnsafe<{ queue: string; threadId: string; singletonKey: string | null; runAt: Date }[]>(
      `SELECT queue, payload->>'threadId' AS "threadId", "singletonKey", "runAt" FROM "Job" WHERE status = 'QUEUED' AND payload->>'threadId' = ANY($1::text[])`,
      threadIds,
    )
  )
    .map((j) => [j.queue, keyOf.get(j.threadId), j.singletonKey?.replace(UUID, '<id>') ?? null, j.runAt.toISOString()])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const customers = await db.customer.findMany({ where: { organizationId: orgId }, include: { identities: { select: { kind: true, value: true } } }, orderBy: { name: 'asc' } });
  return {
    threads: threads.map((t) => ({
      conversationKey: t.conversationKey,
      customer: t.customer?.name,
      subject: t.subject,
      status: t.status,
      createdAt: t.createdAt,
      lastMessage: lastOf(t),
      lastMessageAt: t.lastMessageAt,
      lastInboundAt: t.lastInboundAt,
      responseDueAt: t.responseDueAt,
      slaStartedAt: t.slaStartedAt,
      slaDueAt: t.slaDueAt,
      slaAtRiskAt: t.slaAtRiskAt,
      firstResponseDueAt: t.firstResponseDueAt,
      snoozedUntil: t.snoozedUntil,
      reportState: t.reportState,
      messages: t.messages.map((m) => [m.externalMessageId, m.content, m.createdAt.toISOString()]),
    })),
    customers: customers.map((c) => ({ name: c.name, phone: c.phone, identities: c.identities })),
    audit: audit.map((a) => [a.action, a._count._all]),
    events: events
      .map((e) => [e.kind, e.dedupeKey?.replace(UUID, '<id>'), e.thread?.conversationKey, e.occurredAt.toISOString(), e.met])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    rollups: rollups.map((r) => [r.kind, r.hour.toISOString(), r._sum]),
    slices: slices.map((s) => [s.kind, s.grain, s.dimension, s._sum.count]),
    jobs,
  };
}

/** Counts the statements Prisma sends (and the COMMITs among them) while `run` runs. */
async function counting<T>(run: () => Promise<T>): Promise<{ result: T; statements: number; commits: number }> {
  let statements = 0;
  let commits = 0;
  const listener = (sql: string) => {
    statements++;
    if (/COMMIT/i.test(sql)) commits++;
  };
  app.deps.db.onQuery.add(listener);
  try {
    const result = await run();
    return { result, statements, commits };
  } finally {
    app.deps.db.onQuery.delete(listener);
  }
}

/** A signed Cloud API webhook body with one text message per `ids` entry ([wamid suffix, customer number]), to the demo number. */
function webhookBody(messages: [string, number][], ts = Math.floor(app.clock.now().getTime() / 1000) - 60): Buffer {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: whatsappDemoChannel.displayPhoneNumber, phone_number_id: whatsappDemoChannel.phoneNumberId },
    contacts: messages.map(([, n]) => ({ profile: { name: `Klant ${n}` }, wa_id: waId(n) })),
    messages: messages.map(([id, n], i) => ({ from: waId(n), id: `wamid.${id}`, timestamp: String(ts + i), text: { body: `Bericht ${id}` }, type: 'text' })),
  };
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: whatsappDemoChannel.businessAccountId, changes: [{ value, field: 'messages' }] }] }));
}

async function postWebhook(body: Buffer): Promise<void> {
  const res = await fetch(`${server.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(body, whatsappDemoChannel.appSecret) },
    body,
  });
  expect(res.status).toBe(200);
}

describe(`batched ingestion (${testDatabaseKind})`, () => {
  it('gives exactly what one transaction per message gives: threads, customers, SLA, jobs, audit, reporting', { timeout: 120_000 }, async () => {
    const one = await setup();
    const many = await setup();
    const t0 = app.clock.now().getTime();
    const at = (s: number) => new Date(t0 - 600_000 + s * 1000);
    // Before the delivery: customer 0 has a thread, waiting on the customer and snoozed.
    const before = [message('P0', 0, at(0), 'Eerste vraag')];
    for (const org of [one, many]) {
      await ingestInbound(app.deps, org.channel, before[0]!);
      await app.deps.db.prisma.thread.updateMany({ where: { organizationId: org.orgId }, data: { status: 'WAITING_CUSTOMER', snoozedUntil: new Date(t0 + 86_400_000) } });
    }
    // The delivery: customers 0–11, three messages each, interleaved; one out of order; one twice.
    const delivery: NormalizedInbound[] = [];
    for (let round = 0; round < 3; round++) for (let n = 0; n < 12; n++) delivery.push(message(`R${round}C${n}`, n, at(10 + round * 60 + n)));
    delivery.push(message('LATE', 5, at(5), 'Een oud bericht'));
    delivery.push(message('R1C3', 3, at(70)));

    for (const m of delivery) await ingestInbound(app.deps, one.channel, m);
    const result = await applyChannelEvents(app.deps, many.channel, asEvents(delivery));
    expect(result).toEqual({ events: delivery.length, messagesCreated: delivery.length - 1 });

    const a = await snapshot(one.orgId);
    const b = await snapshot(many.orgId);
    expect(a.threads).toHaveLength(12);
    expect(a.threads.find((t) => t.conversationKey === waId(0))).toMatchObject({ status: 'OPEN', snoozedUntil: null });
    expect(a.jobs.map(([q]) => q)).toEqual(expect.arrayContaining([JOB.slaStep, JOB.assignmentRoute]));
    expect(b).toEqual(a);
  });

  it(`stores a 50-message delivery from 50 new customers in ⌈50 / batch⌉ transactions, at most 20 statements each`, { timeout: 120_000 }, async () => {
    const { orgId, channel } = await setup({ policy: false });
    const t0 = app.clock.now().getTime();
    const delivery = Array.from({ length: 50 }, (_, i) => message(`S${i}`, 1000 + i, new Date(t0 - 60_000 + i * 100)));
    const { result, statements, commits } = await counting(() => applyChannelEvents(app.deps, channel, asEvents(delivery)));
    expect(result.messagesCreated).toBe(50);
    expect(await app.deps.db.prisma.message.count({ where: { organizationId: orgId } })).toBe(50);
    expect(await app.deps.db.prisma.thread.count({ where: { organizationId: orgId } })).toBe(50);
    expect(await app.deps.db.prisma.auditLog.count({ where: { organizationId: orgId, action: 'message.ingest' } })).toBe(50);
    // The batches, plus the channel's lastInboundAt (its own statement, no transaction).
    expect(commits).toBe(Math.ceil(50 / INGEST_BATCH_SIZE[app.deps.db.kind]));
    // Bulk writes: a batch's statements do not grow with its messages (one row per statement was ~5.3 per message).
    expect(statements).toBeLessThanOrEqual(20 * commits + 1);

    // The same delivery again: one read per batch, nothing written.
    const again = await counting(() => applyChannelEvents(app.deps, channel, asEvents(delivery)));
    expect(again.result.messagesCreated).toBe(0);
    expect(await app.deps.db.prisma.message.count({ where: { organizationId: orgId } })).toBe(50);
    expect(again.statements).toBeLessThanOrEqual(3 * Math.ceil(50 / INGEST_BATCH_SIZE[app.deps.db.kind]) + 1);
  });

  it('a message to an open thread: the thread is read and locked in one statement, its SLA jobs are enqueued in one, the channel touched once a second', async () => {
    const { orgId, channel } = await setup();
    const t0 = app.clock.now().getTime();
    await applyChannelEvents(app.deps, channel, asEvents([message('L0', 5000, new Date(t0 - 60_000))]));
    const run = async (id: string, at: number) => {
      const sql: string[] = [];
      const listener = (q: string) => sql.push(q);
      app.deps.db.onQuery.add(listener);
      try {
        await applyChannelEvents(app.deps, channel, asEvents([message(id, 5000, new Date(at))]));
      } finally {
        app.deps.db.onQuery.delete(listener);
      }
      return sql;
    };
    const second = await run('L1', t0 - 30_000);
    // Before: a read of the open thread, a lock, a second read, and one job insert per queue (20 statements).
    expect(second.filter((q) => /FROM "Thread"/.test(q) && /FOR UPDATE/.test(q))).toHaveLength(1);
    expect(second.filter((q) => /INSERT INTO "Job"/.test(q))).toHaveLength(1);
    expect(second.filter((q) => /UPDATE "public"."Channel"/.test(q))).toHaveLength(0); // the first message's touch was at this clock time
    expect(second.length).toBeLessThanOrEqual(16);
    const thread = await app.deps.db.prisma.thread.findFirstOrThrow({ where: { organizationId: orgId }, include: { lastMessage: true } });
    expect(thread.lastMessage?.externalMessageId).toBe('wamid.L1');
    const jobs = await app.deps.db.prisma.$queryRawUnsafe<{ queue: string }[]>(`SELECT queue FROM "Job" WHERE status = 'QUEUED' AND payload->>'threadId' = $1`, thread.id);
    expect(new Set(jobs.map((j) => j.queue))).toEqual(new Set([JOB.slaStep, JOB.slaBreach, JOB.assignmentRoute]));

    app.clock.advance(1_000);
    const third = await run('L2', t0 - 20_000);
    expect(third.filter((q) => /UPDATE "public"."Channel"/.test(q))).toHaveLength(1);
    const stored = await app.deps.db.prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(stored.lastInboundAt).toEqual(app.clock.now());
  });

  it('a redelivery processed while the original is processed adds nothing: one thread per conversation, one message per id', { timeout: 120_000 }, async () => {
    const { orgId, channel } = await setup();
    const t0 = app.clock.now().getTime();
    // 10 customers, 4 messages each: conversations span batches.
    const delivery = Array.from({ length: 40 }, (_, i) => message(`D${i}`, 2000 + (i % 10), new Date(t0 - 60_000 + i * 100)));
    const [first, second] = await Promise.all([applyChannelEvents(app.deps, channel, asEvents(delivery)), applyChannelEvents(app.deps, channel, asEvents(delivery))]);
    expect(first.messagesCreated + second.messagesCreated).toBe(40);
    const messages = await app.deps.db.prisma.message.findMany({ where: { organizationId: orgId }, select: { externalMessageId: true, threadId: true } });
    expect(messages).toHaveLength(40);
    expect(new Set(messages.map((m) => m.externalMessageId)).size).toBe(40);
    const threads = await app.deps.db.prisma.thread.findMany({ where: { organizationId: orgId }, select: { id: true, conversationKey: true, lastMessageId: true } });
    expect(threads).toHaveLength(10);
    expect(await app.deps.db.prisma.customer.count({ where: { organizationId: orgId } })).toBe(10);
    expect(await app.deps.db.prisma.auditLog.count({ where: { organizationId: orgId, action: 'message.ingest' } })).toBe(40);
    // Each thread's preview is its newest message.
    const byId = new Map((await app.deps.db.prisma.message.findMany({ where: { organizationId: orgId } })).map((m) => [m.id, m]));
    for (const t of threads) expect(byId.get(t.lastMessageId!)?.externalMessageId).toBe(`wamid.D${30 + (Number(t.conversationKey!.slice(-4)) - 2000)}`);
  });

  it('createNewCustomers: an identity another transaction stored since the batch read them gives null, and no customer is left behind', { timeout: 120_000 }, async () => {
    const { orgId, channel } = await setup({ policy: false });
    const t0 = app.clock.now().getTime();
    const taken = message('TAKEN', 5100, new Date(t0 - 60_000));
    await ingestInbound(app.deps, channel, taken);
    const ctx = systemContext(app.deps, orgId, 'WEBHOOK');
    const other = message('NEW', 5101, new Date(t0 - 50_000)).customer;
    const made = await ctx.db.$transaction((tx) => createNewCustomers(ctx, tx, [taken.customer, other], channel.id));
    expect(made[0]).toBeNull();
    expect(made[1]?.customer).toMatchObject({ name: 'Klant 5101', phone: `+${waId(5101)}` });
    expect(made[1]?.identities.map((i) => [i.kind, i.value, i.customer.id])).toEqual([['WHATSAPP_ID', waId(5101), made[1]!.customer.id]]);
    const customers = await app.deps.db.prisma.customer.findMany({ where: { organizationId: orgId }, include: { identities: true }, orderBy: { name: 'asc' } });
    expect(customers.map((c) => [c.name, c.identities.map((i) => i.value)])).toEqual([
      ['Klant 5100', [waId(5100)]],
      ['Klant 5101', [waId(5101)]],
    ]);
    expect(await app.deps.db.prisma.auditLog.count({ where: { organizationId: orgId, action: 'customer.create' } })).toBe(2);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'a new customer created by another transaction while a batch creates it: matched once that one commits, no second customer, no message lost',
    { timeout: 120_000 },
    async () => {
      const { orgId, channel } = await setup({ policy: false });
      const db = app.deps.db.prisma;
      const t0 = app.clock.now().getTime();
      const delivery = [message('RACE0', 5200, new Date(t0 - 60_000)), message('RACE1', 5201, new Date(t0 - 59_000)), message('RACE2', 5200, new Date(t0 - 58_000))];
      let batch: ReturnType<typeof applyChannelEvents> | undefined;
      // Another delivery's transaction holds the new identity of customer 5200, uncommitted, while the batch inserts its customers.
      const { result: rival, commits } = await counting(() =>
        db
          .$transaction(
            async (t) => {
              const customer = await t.customer.create({ data: { organizationId: orgId, name: 'Klant 5200 (elders)' } });
              await t.customerIdentity.create({
                data: {
                  organizationId: orgId,
                  customerId: customer.id,
                  kind: 'WHATSAPP_ID',
                  value: waId(5200),
                  scope: identityScope('WHATSAPP_ID', channel.id),
                  channelId: channel.id,
                },
              });
              batch = applyChannelEvents(app.deps, channel, asEvents(delivery));
              batch.catch(() => undefined);
              // The batch's identity INSERT waits for this transaction (ON CONFLICT waits for the other row's outcome).
              for (let i = 0; ; i++) {
                const [row] = await app.deps.db.sql.query<{ n: number }>(
                  `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%CustomerIdentity%'`,
                );
                if (Number(row?.n) > 0) break;
                if (i > 200) throw new Error('the batch never waited for the identity');
                await new Promise((r) => setTimeout(r, 25));
              }
              return customer;
            },
            { timeout: 30_000 },
          )
          .then(async (customer) => {
            await batch;
            return customer;
          }),
      );
      expect(await batch).toEqual({ events: 3, messagesCreated: 3 });
      // The rival's transaction and the batch's: the batch did not roll back to one transaction per message.
      expect(commits).toBe(2);
      const customers = await db.customer.findMany({ where: { organizationId: orgId }, include: { identities: { select: { value: true } } }, orderBy: { name: 'asc' } });
      expect(customers.map((c) => [c.name, c.phone, c.identities.map((i) => i.value)])).toEqual([
        ['Klant 5200 (elders)', `+${waId(5200)}`, [waId(5200)]],
        ['Klant 5201', `+${waId(5201)}`, [waId(5201)]],
      ]);
      const threads = await db.thread.findMany({
        where: { organizationId: orgId },
        include: { messages: { select: { externalMessageId: true } } },
        orderBy: { conversationKey: 'asc' },
      });
      expect(threads.map((t) => [t.conversationKey, t.customerId === rival.id, t.messages.map((m) => m.externalMessageId).sort()])).toEqual([
        [waId(5200), true, ['wamid.RACE0', 'wamid.RACE2']],
        [waId(5201), false, ['wamid.RACE1']],
      ]);
    },
  );

  it('a failure after the first batch committed is retried by the queue: the rest is stored once, nothing twice', { timeout: 120_000 }, async () => {
    const { orgId } = await setup({ demoNumber: true });
    const size = INGEST_BATCH_SIZE[app.deps.db.kind];
    const total = 2 * size + 5;
    const body = webhookBody(Array.from({ length: total }, (_, i) => [`CRASH${i}`, 3000 + i]));

    // The first publish after a commit throws, as if the process died right after the first batch's commit.
    const pubsub = app.deps.pubsub as unknown as { publish: (...args: unknown[]) => void };
    const publish = pubsub.publish;
    let failed = false;
    pubsub.publish = function (this: unknown, ...args: unknown[]) {
      if (!failed && args[0] === 'messageAdded') {
        failed = true;
        throw new Error('process died after the commit');
      }
      return publish.apply(this, args);
    };
    try {
      await postWebhook(body);
      await app.deps.jobs.drain();
    } finally {
      pubsub.publish = publish;
    }
    expect(failed).toBe(true);
    const event = await app.deps.db.prisma.inboundEvent.findFirstOrThrow({ where: { organizationId: orgId } });
    expect(event.status).toBe('FAILED');
    expect(await app.deps.db.prisma.message.count({ where: { organizationId: orgId } })).toBe(size);

    // The queue retries after its backoff.
    app.clock.advance(60_000);
    await app.deps.jobs.settle();
    const done = await app.deps.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(done.status).toBe('PROCESSED');
    expect(done.result).toEqual({ events: total, messagesCreated: total - size });
    const stored = await app.deps.db.prisma.message.findMany({ where: { organizationId: orgId }, select: { externalMessageId: true } });
    expect(stored).toHaveLength(total);
    expect(new Set(stored.map((m) => m.externalMessageId)).size).toBe(total);
    expect(await app.deps.db.prisma.thread.count({ where: { organizationId: orgId } })).toBe(total);
    expect(await app.deps.db.prisma.auditLog.count({ where: { organizationId: orgId, action: 'message.ingest' } })).toBe(total);
    expect(await app.deps.db.prisma.auditLog.count({ where: { organizationId: orgId, action: 'customer.create' } })).toBe(total);
  });

  it('a worker takes queued deliveries together: 20 one-message webhooks in shared transactions, each event with its own result', { timeout: 120_000 }, async () => {
    const org = await createOrganization(app.deps);
    const db = app.deps.db.prisma;
    // The demo number belongs to the organization of the previous test: route this test's webhooks to a number of its own.
    const phone = `${whatsappDemoChannel.phoneNumberId}9`;
    await createWhatsAppChannel(app.deps, org.id, { externalId: phone, configuration: { phoneNumberId: phone } });
    const ours = (body: Buffer) => Buffer.from(body.toString('utf8').replace(`"phone_number_id":"${whatsappDemoChannel.phoneNumberId}"`, `"phone_number_id":"${phone}"`));
    // 20 deliveries, one message each (customers 0–9, two messages each), then a redelivery of the first message in a new body.
    for (let i = 0; i < 20; i++) await postWebhook(ours(webhookBody([[`Q${i}`, 4000 + (i % 10)]])));
    await postWebhook(ours(webhookBody([['Q0', 4000]], Math.floor(app.clock.now().getTime() / 1000) - 30)));
    const events = await db.inboundEvent.findMany({ where: { organizationId: org.id }, orderBy: { receivedAt: 'asc' } });
    expect(events).toHaveLength(21);

    // Only the inbound jobs' work is counted: the new threads' routing jobs do nothing here (their claim and completion still count).
    const handlers = app.deps.jobs.handlers;
    const route = handlers[JOB.assignmentRoute]!;
    handlers[JOB.assignmentRoute] = async () => undefined;
    const {
      result: ran,
      statements,
      commits,
    } = await counting(() => app.deps.jobs.drain()).finally(() => {
      handlers[JOB.assignmentRoute] = route;
    });
    expect(ran).toBeGreaterThanOrEqual(21);
    const after = await db.inboundEvent.findMany({ where: { organizationId: org.id } });
    expect(after.every((e) => e.status === 'PROCESSED' && e.attempts === 1 && e.error === null)).toBe(true);
    const results = after.map((e) => e.result as { events: number; messagesCreated: number });
    expect(results.filter((r) => r.events === 1 && r.messagesCreated === 1)).toHaveLength(20);
    expect(results.filter((r) => r.events === 1 && r.messagesCreated === 0)).toHaveLength(1);
    const messages = await db.message.findMany({ where: { organizationId: org.id }, select: { externalMessageId: true } });
    expect(messages).toHaveLength(20);
    expect(await db.thread.count({ where: { organizationId: org.id } })).toBe(10);
    const jobStatus = async () =>
      (
        await db.$queryRawUnsafe<{ status: string; n: number }[]>(
          `SELECT status::text AS status, count(*)::int AS n FROM "Job" WHERE queue = $1 AND status <> 'COMPLETED' GROUP BY status ORDER BY status`,
          JOB.inboundProcess,
        )
      ).map((j) => [j.status, Number(j.n)]);
    expect(await jobStatus()).toEqual([]);
    // One by one: 21 jobs, 21 transactions of ~20 statements, ~24 statements per job with the claim, the event read and
    // update, the channel's lastInboundAt and the job's completion.
    const batches = Math.ceil(20 / INGEST_BATCH_SIZE[app.deps.db.kind]);
    expect(commits).toBeLessThanOrEqual(2 * batches + 2);
    expect(statements).toBeLessThanOrEqual(21 * 10 + 10 * 2);

    // A job the batch handler cannot take: the batch fails and each of its jobs runs alone.
    await app.deps.jobs.add(db, JOB.inboundProcess, {}, { maxAttempts: 1 });
    await postWebhook(ours(webhookBody([['Q20', 4020]])));
    await app.deps.jobs.drain();
    expect(await jobStatus()).toEqual([['FAILED', 1]]);
    expect(await db.message.count({ where: { organizationId: org.id } })).toBe(21);
    expect((await db.inboundEvent.findMany({ where: { organizationId: org.id } })).every((e) => e.status === 'PROCESSED')).toBe(true);
  });
});
