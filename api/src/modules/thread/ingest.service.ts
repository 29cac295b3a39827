/**
 * Ingestion: the one path by which customer messages enter the hub, used by
 * the inbound queue (inbound.service.ts, for every provider webhook) and the
 * `ingestMessage` mutation for partner systems.
 *
 * In one transaction: match or create the customer by their identities, find
 * the thread (the open thread of the conversation key on the channel, else the
 * open thread a merged conversation now lives in (mergeThreads), else for
 * e-mail the thread of a referenced Message-ID, reopened if resolved; else a
 * new one), insert the message (idempotent on
 * channel + externalMessageId), move the thread's lastMessage, reopen it when
 * it was waiting on the customer, set the response due date from the channel's
 * SLA, and write the audit row. Events are published after commit.
 */
import { insertRows, withIdAndStamps } from '../../db/insert-rows.js';
import { createHash } from 'node:crypto';
import { type Channel, type Customer, type Message, Prisma, type Thread } from '../../generated/prisma/client.js';
import { z } from 'zod';
import type { IdentityRef, NormalizedAttachment, NormalizedInbound } from '../../channels/types.js';
import { sanitizeHtml } from '../../shared/html.js';
import { withoutUndefined } from '../../shared/objects.js';
import type { AppDeps } from '../../shared/app.js';
import { hasScope, systemContext, type HubContext } from '../../shared/context.js';
import { DomainError, isUniqueViolation, notFound } from '../../shared/errors.js';
import { deferAudit, flushAudit, writeAudit } from '../audit/audit.service.js';
import { deferReporting, flushReporting } from '../analytics/report.js';
import type { Tx } from '../../db/tenant.js';
import { routingJobs } from '../assignment/enqueue.js';
import { loadActivePolicies, syncThreadSla, type PlannedJob, type PolicyWithCalendar } from '../sla/engine.js';
import { createNewCustomers, findIdentities, inboundIdentityKeys, matchOrCreateCustomer, type IdentityKey, type IdentityWithCustomer } from '../customer/customer.service.js';
import { customerFields } from '../customer/customer.validation.js';
import { MESSAGE_ERRORS } from '../message/message.errors.js';
import { ACTIVE_STATUSES, publishThreadUpdated, responseDueFrom } from './thread.service.js';
import { mergedTargetOf } from './merge.service.js';
import { clearReadMarks, endSnoozeOnInbound } from './triage.service.js';

export interface IngestResult {
  message: Message;
  thread: Thread;
  /** false when a message with this externalMessageId was already stored (a redelivery): nothing changed. */
  created: boolean;
}

/**
 * Messages written per transaction by `ingestInboundBatch`: a 500-message
 * delivery is 5 transactions on PostgreSQL. PGlite is one in-process
 * connection that a transaction holds, so its batches are smaller and a
 * webhook's acknowledgement waits less for one.
 *
 * PostgreSQL: 100 since stop 25 (50 before). A batch's ~20 statements cost
 * about the same for 50 or 100 messages: a backlog of 5,000 one-message
 * webhooks was processed at 368–398 messages/s with 50 (1.58–1.74 ms of CPU
 * and 0.72 statements per message), 511 with 100 (1.40 ms, 0.43), 486–556
 * with 200 (1.40–1.48 ms, 0.26), `BENCH_DRAIN=5000 bench/webhooks.ts`,
 * alternated. 100 keeps most of the gain at half of 200's transaction time,
 * which every message of the batch waits for before it is published.
 */
export const INGEST_BATCH_SIZE = { postgres: 100, pglite: 10 } as const;

/** Interactive-transaction limits of a batch (Prisma's default timeout, 5 s, is short for 50 messages on a busy machine). */
const BATCH_TX_OPTIONS = { maxWait: 10_000, timeout: 120_000 };

/**
 * What the messages of one transaction share. `policies` is read on first use;
 * the rest is read by `prefetchBatch` for all messages at once, and the
 * `touched*` sets name what the batch wrote since, which is read again.
 */
interface BatchState {
  policies?: PolicyWithCalendar[];
  /** Identities (with customers) of every customer of the batch (findIdentities). */
  identities?: IdentityWithCustomer[];
  /** The newest open thread per conversation key on the channel (absent: none). */
  openThreads?: Map<string, Thread>;
  /** Conversation keys that have a merged thread on the channel (mergedTargetOf may find a target). */
  mergedKeys?: Set<string>;
  touchedIdentities: Set<string>;
  touchedCustomers: Set<string>;
  touchedConversations: Set<string>;
  /** Threads created by the batch: their routing jobs are enqueued together before the commit (flushBatch). */
  routing: string[];
  /**
   * Per thread, the SLA step jobs its latest sync in the batch planned (syncThreadSla's
   * plannedJobs), enqueued with the routing jobs before the commit (flushBatch). A later sync of
   * the same thread replaces its plan, as its own enqueue would have made the queued jobs exactly
   * its plan (planSteps deletes the others).
   */
  slaJobs: Map<string, PlannedJob[]>;
}

const emptyBatch = (): BatchState => ({ touchedIdentities: new Set(), touchedCustomers: new Set(), touchedConversations: new Set(), routing: [], slaJobs: new Map() });

/** Before the commit: what the batch's messages deferred (routing and SLA jobs, reporting events, audit rows), one statement each. */
async function flushBatch(deps: AppDeps, c: HubContext, tx: Tx, batch: BatchState): Promise<void> {
  await deps.jobs.addAll(tx, [...routingJobs(batch.routing), ...[...batch.slaJobs.values()].flat()]);
  await flushReporting(c, tx, { end: true });
  await flushAudit(tx);
}
const identityId = (k: { kind: string; value: string; scope: string }) => `${k.kind}\u0000${k.value}\u0000${k.scope}`;

/**
 * Serializes ingestion per conversation: a transaction-level advisory lock per
 * (channel, conversation key), taken in one statement in a fixed order (no
 * deadlock between two batches). A second delivery for the same conversation
 * waits for the first's commit and then finds the thread it created, instead
 * of creating a second one (a batch's transaction is long enough for that race).
 */
async function lockConversations(tx: Tx, channelId: string, keys: readonly string[]): Promise<void> {
  const ids = [...new Set(keys.map((k) => createHash('sha1').update(`${channelId}\u0000${k}`).digest().readBigInt64BE(0)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (!ids.length) return;
  // unnest yields the array in order; the locks are taken row by row in that order (a volatile output is always evaluated).
  await tx.$queryRawUnsafe(`SELECT count(*)::int AS n FROM (SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k) l`, ids.map(String));
}

/** Every scalar column of Thread (not the tsvector `searchDocument`), quoted, as Prisma reads a row. */
const THREAD_COLUMNS = Object.values(Prisma.ThreadScalarFieldEnum)
  .map((c) => `"${c}"`)
  .join(', ');

/**
 * The open threads (ACTIVE_STATUSES, not deleted) of `conversationKeys` on `channel`, newest
 * `lastMessageAt` first, as `tx.thread.findMany` gives them, and locked `FOR UPDATE` until the
 * transaction ends (one statement). Another transaction's change of such a thread (an agent's
 * reply, a status change, a merge) commits before this read or waits for this commit, so what
 * ingestion writes to the thread is computed from its latest state. The conversations'
 * advisory locks (lockConversations) are held first: two batches never lock the same threads.
 */
async function lockOpenThreads(tx: Tx, channel: Pick<Channel, 'id' | 'organizationId'>, conversationKeys: readonly string[]): Promise<Thread[]> {
  if (!conversationKeys.length) return [];
  return tx.$queryRawUnsafe<Thread[]>(
    `SELECT ${THREAD_COLUMNS} FROM "Thread"
     WHERE "organizationId" = $1::uuid AND "channelId" = $2::uuid AND "conversationKey" = ANY($3::text[])
       AND status::text = ANY($4::text[]) AND "deletedAt" IS NULL
     ORDER BY "lastMessageAt" DESC FOR UPDATE`,
    channel.organizationId,
    channel.id,
    conversationKeys,
    ACTIVE_STATUSES,
  );
}

/** Reads, for a batch of new messages, their customers' identities and their conversations' open threads (locked: lockOpenThreads) and merged threads (3 statements). */
async function prefetchBatch(tx: Tx, channel: Channel, inbounds: readonly NormalizedInbound[]): Promise<BatchState> {
  const batch = emptyBatch();
  const keys = new Map<string, IdentityKey>();
  for (const m of inbounds) for (const k of inboundIdentityKeys(m.customer, channel.id)) keys.set(identityId(k), k);
  batch.identities = await findIdentities(tx, channel.organizationId, [...keys.values()]);
  const conversations = [...new Set(inbounds.map((m) => m.conversationKey))];
  const open = await lockOpenThreads(tx, channel, conversations);
  batch.openThreads = new Map();
  for (const t of open) if (t.conversationKey && !batch.openThreads.has(t.conversationKey)) batch.openThreads.set(t.conversationKey, t);
  const rest = conversations.filter((k) => !batch.openThreads!.has(k));
  const merged = rest.length
    ? await tx.thread.findMany({ where: { channelId: channel.id, conversationKey: { in: rest }, mergedIntoId: { not: null } }, select: { conversationKey: true } })
    : [];
  batch.mergedKeys = new Set(merged.map((t) => t.conversationKey!));
  return batch;
}

/**
 * Stores one inbound message. `ctx` defaults to a WEBHOOK system context of the
 * channel's organization; pass the viewer's context when a user (partner API)
 * calls ingestMessage. Idempotent on channel + externalMessageId (a stored
 * message is returned with `created: false`).
 * @throws DomainError VALIDATION_FAILED when the customer has no identity; database errors as they come
 */
export async function ingestInbound(deps: AppDeps, channel: Channel, inbound: NormalizedInbound, ctx?: HubContext, retried = false): Promise<IngestResult> {
  const c = ctx ?? systemContext(deps, channel.organizationId, 'WEBHOOK');
  const already = await findExisting(c, channel, inbound.externalMessageId);
  if (already) return already;
  try {
    const result = await c.db.$transaction(async (tx) => {
      await lockConversations(tx, channel.id, [inbound.conversationKey]);
      deferAudit(tx);
      deferReporting(tx);
      const batch = emptyBatch();
      const customer = await resolveCustomer(c, tx, channel, inbound, batch);
      const r = await ingestInTx(c, tx, channel, inbound, customer, batch);
      await flushBatch(deps, c, tx, batch);
      return r;
    });
    publishIngested(c, result);
    return result;
  } catch (err) {
    // Two deliveries raced: the same message (the other one won: a redelivery), or the
    // same new customer (the identity now exists: match it on a second try).
    if (isUniqueViolation(err)) {
      const again = await findExisting(c, channel, inbound.externalMessageId);
      if (again) return again;
      if (!retried) return ingestInbound(deps, channel, inbound, ctx, true);
    }
    throw err;
  }
}

/**
 * Stores the inbound messages of one delivery (or catch-up) in order, several
 * per transaction (INGEST_BATCH_SIZE). Per batch, in one transaction: the
 * conversations' advisory locks, one read of the messages already stored (by
 * externalMessageId), one read each of the customers' identities and of the
 * conversations' threads, the new customers with their identities, the new
 * conversations' threads, messages and thread updates in one statement each
 * (ingestMany: 17 statements for 50 new customers' messages on PostgreSQL, as for 100),
 * the other messages one by one, and the audit rows and reporting events in
 * one statement per table; `messageAdded` / `threadUpdated` are published
 * after its commit. The result is
 * what `ingestInbound` gives for each message, in the same order; a message
 * stored before (a redelivery, a retried job after a crash) or twice in the
 * batch is `created: false`. When a batch's transaction fails (a race with
 * another delivery on a unique key, a deadlock past the retries, an invalid
 * message), its messages are ingested again one transaction each, exactly as
 * `ingestInbound` does, so the outcome and the error are those of the
 * one-by-one path.
 * @throws what `ingestInbound` throws for the first message that fails
 */
export async function ingestInboundBatch(deps: AppDeps, channel: Channel, inbounds: readonly NormalizedInbound[]): Promise<IngestResult[]> {
  const c = systemContext(deps, channel.organizationId, 'WEBHOOK');
  const size = INGEST_BATCH_SIZE[deps.db.kind];
  const results: IngestResult[] = [];
  for (let i = 0; i < inbounds.length; i += size) {
    // Let HTTP and WebSocket work in between batches (PGlite's queries resolve as microtasks).
    await new Promise((resolve) => setImmediate(resolve));
    results.push(...(await ingestChunk(deps, c, channel, inbounds.slice(i, i + size))));
  }
  return results;
}

async function ingestChunk(deps: AppDeps, c: HubContext, channel: Channel, chunk: readonly NormalizedInbound[]): Promise<IngestResult[]> {
  let done: Map<string, IngestResult>;
  let created: IngestResult[];
  try {
    ({ done, created } = await c.db.$transaction(async (tx) => {
      // After the locks, so a redelivery processed at the same time sees what the other one committed.
      await lockConversations(
        tx,
        channel.id,
        chunk.map((m) => m.conversationKey),
      );
      const found = await storedMessages(tx, channel.id, chunk);
      const todo: NormalizedInbound[] = [];
      const queued = new Set<string>();
      for (const m of chunk) {
        if (found.has(m.externalMessageId) || queued.has(m.externalMessageId)) continue;
        queued.add(m.externalMessageId);
        todo.push(m);
      }
      if (!todo.length) return { done: found, created: [] };
      deferAudit(tx);
      deferReporting(tx);
      const batch = await prefetchBatch(tx, channel, todo);
      const out = await ingestMany(c, tx, channel, todo, batch);
      await flushBatch(deps, c, tx, batch);
      return { done: found, created: out };
    }, BATCH_TX_OPTIONS));
  } catch (err) {
    deps.logger.debug({ err, messages: chunk.length }, 'inbound batch rolled back: one transaction per message');
    const out: IngestResult[] = [];
    for (const m of chunk) out.push(await ingestInbound(deps, channel, m, c));
    return out;
  }
  for (const r of created) publishIngested(c, r);
  const byId = new Map(created.map((r) => [r.message.externalMessageId!, r]));
  return chunk.map((m) => {
    const r = byId.get(m.externalMessageId);
    if (r) return firstOf(chunk, m) ? r : { ...r, created: false };
    return done.get(m.externalMessageId)!;
  });
}

/** The messages of `chunk` already stored on the channel (one statement), by externalMessageId, as `created: false` results. */
async function storedMessages(tx: Tx, channelId: string, chunk: readonly NormalizedInbound[]): Promise<Map<string, IngestResult>> {
  const ids = [...new Set(chunk.map((m) => m.externalMessageId))];
  const stored = await tx.message.findMany({ where: { channelId, externalMessageId: { in: ids } }, include: { thread: true } });
  const found = new Map<string, IngestResult>();
  for (const { thread, ...message } of stored) found.set(message.externalMessageId!, { message: message as Message, thread, created: false });
  return found;
}

/** Whether `m` is the first message of `chunk` with its externalMessageId (a later one is a duplicate in the same delivery). */
const firstOf = (chunk: readonly NormalizedInbound[], m: NormalizedInbound) => chunk.find((x) => x.externalMessageId === m.externalMessageId) === m;

/** After the commit: subscribers see the message and the thread's new preview. */
function publishIngested(c: HubContext, result: IngestResult): void {
  c.deps.pubsub.publish('messageAdded', c.organizationId, { messageId: result.message.id, threadId: result.thread.id });
  void publishThreadUpdated(c, result.thread.id, ['lastMessage']);
}

/**
 * The customer of one message inside the caller's transaction (matchOrCreateCustomer), from the batch's
 * prefetched identities unless this batch wrote one of them (or their customer) since.
 */
async function resolveCustomer(c: HubContext, tx: Tx, channel: Channel, inbound: NormalizedInbound, batch: BatchState): Promise<Customer> {
  const identityKeys = inboundIdentityKeys(inbound.customer, channel.id);
  let known = batch.identities && !identityKeys.some((k) => batch.touchedIdentities.has(identityId(k))) ? batch.identities : undefined;
  if (known?.some((i) => batch.touchedCustomers.has(i.customerId) && identityKeys.some((k) => k.kind === i.kind && k.value === i.value && k.scope === i.scope))) known = undefined;
  const customer = await matchOrCreateCustomer(c, tx, inbound.customer, channel.id, known ? { known } : {});
  for (const k of identityKeys) batch.touchedIdentities.add(identityId(k));
  batch.touchedCustomers.add(customer.id);
  return customer;
}

/**
 * The messages of a batch (not stored yet, each externalMessageId once, in
 * delivery order) inside its transaction, with what one transaction per
 * message would give:
 * 1. the customers, in order: those none of whose identities is stored or
 *    named by an earlier message of the batch are created together
 *    (createNewCustomers: 2 statements), the others matched one by one
 *    (matchOrCreateCustomer, no statement when nothing changes);
 * 2. the first message of each conversation that has no open thread, no
 *    merged thread and no e-mail references, before the batch's first message
 *    with references: their threads, messages and thread updates in one
 *    statement each (ingestNewThreads);
 * 3. the other messages one by one (ingestInTx), in order.
 * Step 2 may go before earlier messages of step 3: they are of other
 * conversations, and what step 3 reads of other conversations (a merge
 * target, a referenced message) cannot be a thread or message step 2 creates.
 * @returns the results in the order of `todo`
 */
async function ingestMany(c: HubContext, tx: Tx, channel: Channel, todo: readonly NormalizedInbound[], batch: BatchState): Promise<IngestResult[]> {
  const seen = new Set((batch.identities ?? []).map(identityId));
  const fresh: NormalizedInbound[] = [];
  for (const m of todo) {
    const ids = inboundIdentityKeys(m.customer, channel.id).map(identityId);
    if (ids.length && new Set(ids).size === ids.length && !ids.some((k) => seen.has(k))) fresh.push(m);
    for (const k of ids) seen.add(k);
  }
  const made = await createNewCustomers(
    c,
    tx,
    fresh.map((m) => m.customer),
    channel.id,
  );
  const customers = new Map<NormalizedInbound, Customer>();
  fresh.forEach((m, i) => {
    const r = made[i];
    if (r) {
      customers.set(m, r.customer);
      batch.identities?.push(...r.identities);
    } else {
      // Another transaction created one of its identities meanwhile: matched below from a fresh read.
      for (const k of inboundIdentityKeys(m.customer, channel.id)) batch.touchedIdentities.add(identityId(k));
    }
  });
  for (const m of todo) if (!customers.has(m)) customers.set(m, await resolveCustomer(c, tx, channel, m, batch));

  const firstWithReferences = todo.findIndex((m) => m.references?.length);
  const conversations = new Set<string>();
  const together = new Set<NormalizedInbound>();
  todo.forEach((m, i) => {
    const key = m.conversationKey;
    const alone = (firstWithReferences < 0 || i < firstWithReferences) && !conversations.has(key);
    if (alone && !batch.openThreads?.has(key) && batch.openThreads && !batch.mergedKeys?.has(key) && !batch.touchedConversations.has(key)) together.add(m);
    conversations.add(key);
  });
  const results = new Map<NormalizedInbound, IngestResult>();
  const bulk = await ingestNewThreads(
    c,
    tx,
    channel,
    [...together].map((inbound) => ({ inbound, customer: customers.get(inbound)! })),
    batch,
  );
  for (const r of bulk) results.set(r.inbound, r.result);
  const out: IngestResult[] = [];
  for (const m of todo) out.push(results.get(m) ?? (await ingestInTx(c, tx, channel, m, customers.get(m)!, batch)));
  return out;
}

/** The Message row of an inbound message in `threadId` (the create data, shared by ingestInTx and ingestNewThreads). */
function messageData(c: HubContext, channel: Channel, inbound: NormalizedInbound, customer: Customer, threadId: string): Prisma.MessageUncheckedCreateInput {
  return {
    organizationId: c.organizationId,
    threadId,
    channelId: channel.id,
    type: 'INCOMING',
    senderExternal: {
      name: inbound.customer.name ?? customer.name,
      ...(inbound.customer.email ? { email: inbound.customer.email } : {}),
      ...(inbound.customer.phone ? { phone: inbound.customer.phone } : {}),
      identities: inbound.customer.identities,
    } as unknown as Prisma.InputJsonValue,
    subject: inbound.subject ?? null,
    content: inbound.content,
    contentHtml: inbound.contentHtml ?? null,
    attachments: inbound.attachments as unknown as Prisma.InputJsonValue,
    externalMessageId: inbound.externalMessageId,
    internetMessageId: inbound.internetMessageId ?? null,
    deliveryStatus: 'DELIVERED',
    metadata: { ...inbound.metadata, ...(inbound.inReplyToExternalId ? { inReplyToExternalId: inbound.inReplyToExternalId } : {}) } as Prisma.InputJsonValue,
    createdAt: inbound.occurredAt,
  };
}

/**
 * New conversations of a batch (each item the first message of a conversation
 * that has no thread to join on the channel, with its customer resolved):
 * their threads in one INSERT, their messages in one INSERT, the clocks
 * (syncThreadSla, its UPDATE collected) and the threads' new preview, inbound
 * time, due dates and reporting state in one UPDATE per set of changed columns
 * (one for all of them in practice: updateThreads); the SLA jobs planned, the
 * audit rows and routing jobs go to the batch's deferred writes, as in
 * ingestInTx for a new thread.
 * @returns per item, in order, what ingestInTx returns
 */
async function ingestNewThreads(
  c: HubContext,
  tx: Tx,
  channel: Channel,
  items: readonly { inbound: NormalizedInbound; customer: Customer }[],
  batch: BatchState,
): Promise<{ inbound: NormalizedInbound; result: IngestResult }[]> {
  if (!items.length) return [];
  // Raw INSERTs read back through Prisma: it compiles every createManyAndReturn anew (db/insert-rows.ts).
  const now = new Date();
  const threadIds = await insertRows(
    tx,
    'Thread',
    items.map(({ inbound, customer }) =>
      withIdAndStamps(
        {
          organizationId: c.organizationId,
          channelId: channel.id,
          customerId: customer.id,
          subject: inbound.subject?.trim() || summarize(inbound.content),
          conversationKey: inbound.conversationKey,
          lastMessageAt: inbound.occurredAt,
          createdAt: inbound.occurredAt,
        },
        now,
        ['createdAt', 'updatedAt'],
      ),
    ),
  );
  const threads = await tx.thread.findMany({ where: { id: { in: threadIds } } });
  const threadOf = new Map(threads.map((t) => [t.conversationKey!, t]));
  const messageIds = await insertRows(
    tx,
    'Message',
    items.map(({ inbound, customer }) => withIdAndStamps(messageData(c, channel, inbound, customer, threadOf.get(inbound.conversationKey)!.id), now, ['createdAt', 'updatedAt'])),
  );
  const messages = await tx.message.findMany({ where: { id: { in: messageIds } } });
  const messageOf = new Map(messages.map((m) => [m.externalMessageId!, m]));
  batch.policies ??= await loadActivePolicies(tx);
  const writes: { id: string; write: Record<string, unknown> }[] = [];
  const out: { inbound: NormalizedInbound; result: IngestResult }[] = [];
  for (const { inbound, customer } of items) {
    const created = threadOf.get(inbound.conversationKey)!;
    const message = messageOf.get(inbound.externalMessageId)!;
    const data = {
      lastMessageId: message.id,
      lastMessageAt: inbound.occurredAt,
      lastInboundAt: inbound.occurredAt,
      ...(created.responseDueAt ? {} : { responseDueAt: responseDueFrom(inbound.occurredAt, channel.responseSlaHours) }),
    };
    batch.touchedConversations.add(inbound.conversationKey);
    const hint = { customerMessageAt: inbound.occurredAt, report: { customerMessage: { id: message.id, at: inbound.occurredAt } } };
    const loaded = { ...created, ...data, channel: { type: channel.type }, customer: { tier: customer.tier } };
    let write: Record<string, unknown> = data;
    const jobs: PlannedJob[] = [];
    const thread = await syncThreadSla(c, tx, created.id, hint, {
      policies: batch.policies,
      createdInTx: true,
      loaded,
      pending: data,
      collect: (w) => {
        write = w;
      },
      plannedJobs: jobs,
    });
    batch.slaJobs.set(thread.id, jobs);
    writes.push({ id: thread.id, write });
    await threadCreated(c, tx, batch, thread, channel.id, customer.id);
    await writeAudit(c, tx, {
      action: 'message.ingest',
      entityType: 'Message',
      entityId: message.id,
      after: { threadId: thread.id, externalMessageId: message.externalMessageId, threadCreated: true },
    });
    out.push({ inbound, result: { message, thread, created: true } });
  }
  await updateThreads(tx, writes);
  return out;
}

/**
 * Stores changes of several threads (plain column values: Date, string,
 * number, null, JSON for Json columns, as Prisma's update data) in one
 * `UPDATE … FROM jsonb_populate_recordset` per set of changed columns.
 * Dates travel as ISO strings (UTC, the timestamp(3) columns' convention).
 * @throws Error for a key that is not a plain column name
 */
async function updateThreads(tx: Tx, rows: readonly { id: string; write: Record<string, unknown> }[]): Promise<void> {
  const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
  for (const { id, write } of rows) {
    const columns = Object.keys(write).sort();
    const bad = columns.find((k) => !/^[A-Za-z][A-Za-z0-9]*$/.test(k) || k === 'id');
    if (bad) throw new Error(`updateThreads: not a column: ${bad}`);
    if (!columns.length) continue;
    const sig = columns.join(',');
    const g = groups.get(sig) ?? { columns, rows: [] };
    g.rows.push({ ...write, id });
    groups.set(sig, g);
  }
  for (const g of groups.values()) {
    await tx.$executeRawUnsafe(
      `UPDATE "Thread" t SET ${g.columns.map((k) => `"${k}" = r."${k}"`).join(', ')} FROM jsonb_populate_recordset(NULL::"Thread", $1::jsonb) r WHERE t.id = r.id`,
      JSON.stringify(g.rows),
    );
  }
}

/** One message inside the caller's transaction, its customer resolved: thread, message, clocks, audit (see the file's comment). */
async function ingestInTx(c: HubContext, tx: Tx, channel: Channel, inbound: NormalizedInbound, customer: Customer, batch: BatchState): Promise<IngestResult> {
  const key = inbound.conversationKey;
  // Likewise the prefetched threads, unless this batch already wrote to a thread of this conversation.
  const prefetched = batch.openThreads && !batch.touchedConversations.has(key);
  // 1. the open thread of this conversation on this channel, locked (lockOpenThreads: by the batch's prefetch or here)
  let thread = prefetched ? (batch.openThreads!.get(key) ?? null) : ((await lockOpenThreads(tx, channel, [key]))[0] ?? null);
  const locked = !!thread;
  // 1b. a conversation merged into another thread (mergeThreads): the merge target while it is open (a resolved one is left, as in 1)
  if (!thread && (!prefetched || batch.mergedKeys!.has(key))) {
    const target = await mergedTargetOf(tx, channel.id, key);
    if (target && ACTIVE_STATUSES.includes(target.status)) thread = target;
  }
  let reopened = false;
  // 2. e-mail: the thread of a message this one answers (In-Reply-To / References), reopened if it was resolved
  if (!thread && inbound.references?.length) {
    const referenced = await tx.message.findFirst({
      where: { channelId: channel.id, internetMessageId: { in: inbound.references } },
      orderBy: { createdAt: 'desc' },
      include: { thread: true },
    });
    if (referenced && !referenced.thread.deletedAt) {
      thread = referenced.thread;
      reopened = !ACTIVE_STATUSES.includes(thread.status);
    }
  }
  const created = !thread;
  if (thread && !locked) {
    // A merge target or a referenced message's thread (another conversation's, not under this
    // transaction's advisory locks): wait for another transaction's change of it to commit, then
    // read its preview, clocks and status, so the newest message is the preview whatever order
    // the transactions commit in.
    await tx.$queryRawUnsafe(`SELECT id FROM "Thread" WHERE id = $1::uuid FOR UPDATE`, thread.id);
    thread = await tx.thread.findUniqueOrThrow({ where: { id: thread.id } });
  }
  if (!thread) {
    thread = await tx.thread.create({
      data: {
        organizationId: c.organizationId,
        channelId: channel.id,
        customerId: customer.id,
        subject: inbound.subject?.trim() || summarize(inbound.content),
        conversationKey: key,
        lastMessageAt: inbound.occurredAt,
        createdAt: inbound.occurredAt,
      },
    });
  }
  const message = await tx.message.create({ data: messageData(c, channel, inbound, customer, thread.id) });
  // Out-of-order delivery: an older message must not replace a newer preview.
  const newest = inbound.occurredAt >= thread.lastMessageAt || created;
  const data: Prisma.ThreadUncheckedUpdateInput = {};
  if (newest) Object.assign(data, { lastMessageId: message.id, lastMessageAt: inbound.occurredAt });
  // Out of order the other way (two deliveries processed at once): the earlier message opens the thread.
  if (!created && inbound.occurredAt < thread.createdAt) Object.assign(data, { createdAt: inbound.occurredAt, subject: inbound.subject?.trim() || summarize(inbound.content) });
  if (!thread.lastInboundAt || inbound.occurredAt > thread.lastInboundAt) data.lastInboundAt = inbound.occurredAt;
  if (thread.status === 'WAITING_CUSTOMER' || reopened) data.status = 'OPEN';
  if (reopened) data.resolvedAt = null;
  if (!thread.responseDueAt) data.responseDueAt = responseDueFrom(inbound.occurredAt, channel.responseSlaHours);
  const before = thread;
  batch.touchedConversations.add(key);
  if (thread.channelId === channel.id && thread.conversationKey) batch.touchedConversations.add(thread.conversationKey);
  batch.policies ??= await loadActivePolicies(tx);
  const hint = { customerMessageAt: inbound.occurredAt, report: { customerMessage: { id: message.id, at: inbound.occurredAt } } };
  const jobs: PlannedJob[] = [];
  // The thread with these changes is known here unless a snooze ends (another update) or it is another channel's or
  // customer's thread (a merge target): then the SLA sync need not read it, and stores them with its own in one UPDATE.
  if (thread.channelId === channel.id && thread.customerId === customer.id && !thread.snoozedUntil) {
    if (!created) await clearReadMarks(tx, thread.id); // the customer wrote: unread again for every agent
    const loaded = { ...thread, ...(data as Partial<Thread>), channel: { type: channel.type }, customer: { tier: customer.tier } };
    // Its UPDATE as a raw statement (updateThreads): Prisma's update would read the whole row back, which is known here.
    let write: Record<string, unknown> | null = null;
    thread = await syncThreadSla(c, tx, thread.id, hint, {
      policies: batch.policies,
      createdInTx: created,
      loaded,
      pending: data,
      plannedJobs: jobs,
      collect: (w) => {
        write = w;
      },
    });
    if (write) await updateThreads(tx, [{ id: thread.id, write }]);
  } else {
    await tx.thread.update({ where: { id: thread.id }, data });
    if (!created) {
      // The customer wrote: unread again for every agent, and a snooze ends.
      await clearReadMarks(tx, thread.id);
      await endSnoozeOnInbound(c, tx, thread);
    }
    thread = await syncThreadSla(c, tx, thread.id, hint, { policies: batch.policies, createdInTx: created, plannedJobs: jobs });
  }
  batch.slaJobs.set(thread.id, jobs);
  if (created) {
    await threadCreated(c, tx, batch, thread, channel.id, customer.id);
  } else if (before.status !== thread.status || before.responseDueAt?.getTime() !== thread.responseDueAt?.getTime()) {
    await writeAudit(c, tx, {
      action: 'thread.update',
      entityType: 'Thread',
      entityId: thread.id,
      before: { status: before.status, responseDueAt: before.responseDueAt },
      after: { status: thread.status, responseDueAt: thread.responseDueAt, reason: 'inbound message' },
    });
  }
  await writeAudit(c, tx, {
    action: 'message.ingest',
    entityType: 'Message',
    entityId: message.id,
    after: { threadId: thread.id, externalMessageId: message.externalMessageId, threadCreated: created },
  });
  return { message, thread, created: true };
}

/** A thread the batch created: its `thread.create` audit row and its routing job (enqueued with the batch's). */
async function threadCreated(c: HubContext, tx: Tx, batch: BatchState, thread: { id: string; subject: string | null }, channelId: string, customerId: string): Promise<void> {
  await writeAudit(c, tx, { action: 'thread.create', entityType: 'Thread', entityId: thread.id, after: { channelId, customerId, subject: thread.subject } });
  batch.routing.push(thread.id);
}

async function findExisting(c: HubContext, channel: Channel, externalMessageId: string): Promise<IngestResult | null> {
  const message = await c.db.message.findFirst({ where: { channelId: channel.id, externalMessageId }, include: { thread: true } });
  if (!message) return null;
  const { thread, ...rest } = message;
  return { message: rest as Message, thread, created: false };
}

/** First line of the content, at most 80 characters, as a thread subject. */
function summarize(content: string): string {
  const line = content.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line || '(no text)';
}

const FIVE_MINUTES_MS = 5 * 60_000;

export const PartnerIngestInput = z.object({
  channelId: z.string(),
  externalMessageId: z.string().trim().min(1).max(200),
  customer: z
    .object({
      name: z.string().trim().max(200).nullish(),
      email: customerFields.email,
      phone: customerFields.phone,
      partnerId: z.string().trim().min(1).max(200).nullish(),
    })
    .refine((c) => c.email || c.phone || c.partnerId, { message: 'Give at least an e-mail, a phone or a partnerId.', path: ['email'] }),
  content: z.string().max(10_000, 'At most 10,000 characters.'),
  contentHtml: z.string().max(200_000).nullish(),
  subject: z.string().trim().max(300).nullish(),
  attachments: z
    .array(
      z.object({
        kind: z.string().trim().min(1).max(30),
        mimeType: z.string().max(200).nullish(),
        url: z
          .string()
          .max(2000)
          .regex(/^https?:\/\//i, 'Attachment urls must be http(s).')
          .nullish(),
        fileName: z.string().max(300).nullish(),
        caption: z.string().max(2000).nullish(),
      }),
    )
    .max(20)
    .nullish(),
  occurredAt: z.date(),
  conversationKey: z.string().trim().min(1).max(300).nullish(),
});

/**
 * `ingestMessage`: a partner system (API key with INGEST) feeds a customer
 * message into an API channel, the key's own one when it is bound to a channel.
 * Errors (DomainError): FORBIDDEN (a user session, a key without INGEST, a
 * provider channel or another channel than the key's), NOT_FOUND,
 * CHANNEL_INACTIVE, VALIDATION_FAILED (occurredAt more than 5 minutes ahead,
 * empty message, invalid e-mail/phone).
 */
export async function ingestFromPartner(ctx: HubContext, raw: z.input<typeof PartnerIngestInput>): Promise<IngestResult> {
  const v = ctx.viewer;
  if (!v || !hasScope(v, 'INGEST')) throw new DomainError('FORBIDDEN', 'ingestMessage needs an API key with the INGEST scope.', 'input.channelId');
  const input = PartnerIngestInput.parse(raw);
  const channel = await ctx.db.channel.findUnique({ where: { id: input.channelId } });
  if (!channel) throw notFound('Channel', 'input.channelId');
  if (v.channelId ? v.channelId !== channel.id : channel.type !== 'API') {
    throw new DomainError('FORBIDDEN', "Messages can only be ingested into an API channel (the key's own channel when it has one).", 'input.channelId');
  }
  if (!channel.isActive) throw new DomainError('CHANNEL_INACTIVE', MESSAGE_ERRORS.CHANNEL_INACTIVE, 'input.channelId');
  if (input.occurredAt.getTime() > ctx.deps.clock.now().getTime() + FIVE_MINUTES_MS) {
    throw new DomainError('VALIDATION_FAILED', 'occurredAt lies more than 5 minutes in the future.', 'input.occurredAt');
  }
  const content = input.content.trim();
  if (!content && !input.attachments?.length) throw new DomainError('VALIDATION_FAILED', 'The message is empty.', 'input.content');
  const c = input.customer;
  const identities: IdentityRef[] = [];
  if (c.partnerId) identities.push({ kind: 'PARTNER', value: c.partnerId });
  if (c.email) identities.push({ kind: 'EMAIL', value: c.email });
  if (c.phone) identities.push({ kind: 'PHONE', value: c.phone });
  return ingestInbound(
    ctx.deps,
    channel,
    {
      externalMessageId: input.externalMessageId,
      customer: { name: c.name ?? undefined, email: c.email ?? undefined, phone: c.phone ?? undefined, identities },
      content,
      contentHtml: input.contentHtml ? sanitizeHtml(input.contentHtml) : undefined,
      subject: input.subject ?? undefined,
      attachments: (input.attachments ?? []).map((a) => withoutUndefined(Object.fromEntries(Object.entries(a).filter(([, x]) => x != null))) as unknown as NormalizedAttachment),
      occurredAt: input.occurredAt,
      conversationKey: input.conversationKey ?? c.partnerId ?? c.email ?? c.phone ?? input.externalMessageId,
      metadata: { source: 'ingestMessage' },
    },
    ctx,
  );
}
