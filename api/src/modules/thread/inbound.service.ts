/**
 * Acknowledge first, process from the queue.
 *
 * `storeDelivery` (delivery.store.ts) keeps one InboundEvent per provider
 * delivery and channel (deduplicated by the adapter's key) and its
 * `inbound.process` job, in one statement; the webhook answers right after.
 * `processInboundEvent` (the job) asks the adapter to parse the stored bytes into ChannelEvents and
 * applies each to the domain: messages are ingested, receipts move delivery
 * status forward, conversation states, contact updates and opt-outs are
 * stored, provider lifecycle events schedule subscription work. Every step is
 * idempotent, so a retry or a replay of a processed event adds nothing.
 */
import type { Channel, InboundEvent, Prisma } from '../../generated/prisma/client.js';
import { adapterFor } from '../../channels/registry.js';
import { adapterIO } from '../../channels/io.js';
import type { ChannelEvent, StoredWebhook } from '../../channels/types.js';
import { JOB } from '../../jobs/names.js';
import { recordInboundLag } from '../../http/metrics.js';
import type { AppDeps } from '../../shared/app.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { toAdapterChannel } from '../channel/channel.directory.js';
import { PURGED_RAW_BODY, REDACTED_RAW_BODY } from '../gdpr/gdpr.service.js';
import { setIdentityOptOut, updateCustomerFromProvider } from '../customer/customer.service.js';
import { applyDeliveryStatus } from '../message/message.service.js';
import { ingestInboundBatch } from './ingest.service.js';
import { applyProviderThreadStatus } from './thread.service.js';

/** What processing one stored delivery did. */
export interface ProcessResult {
  events: number;
  messagesCreated: number;
}

/**
 * The `inbound.process` job: parses the stored delivery and applies its events.
 * A processed event is skipped (idempotent); a failure records the error on the
 * event (status FAILED) and rethrows so the queue retries it with backoff.
 */
export async function processInboundEvent(deps: AppDeps, inboundEventId: string, opts: { force?: boolean } = {}): Promise<ProcessResult> {
  const event = await deps.db.prisma.inboundEvent.findUnique({ where: { id: inboundEventId }, include: { channel: true } });
  if (!event) return { events: 0, messagesCreated: 0 };
  if (event.status === 'PROCESSED' && !opts.force) return { events: 0, messagesCreated: 0 };
  const attempts = event.attempts + 1;
  try {
    const result = await processStored(deps, event);
    const processedAt = deps.clock.now();
    await deps.db.prisma.inboundEvent.update({
      where: { id: event.id },
      data: {
        status: result.events === 0 ? 'IGNORED' : 'PROCESSED',
        attempts,
        processedAt,
        error: null,
        result: result as unknown as Prisma.InputJsonValue,
      },
    });
    if (!opts.force) recordInboundLag(event.provider, (processedAt.getTime() - event.receivedAt.getTime()) / 1000);
    return result;
  } catch (err) {
    const message = String((err as Error)?.message ?? err).slice(0, 2000);
    await deps.db.prisma.inboundEvent.update({ where: { id: event.id }, data: { status: 'FAILED', attempts, error: message } });
    if (event.channel) {
      await deps.db.prisma.channel.update({ where: { id: event.channel.id }, data: { lastError: `Webhook processing: ${message}`.slice(0, 500), lastErrorAt: deps.clock.now() } });
    }
    throw err;
  }
}

async function processStored(deps: AppDeps, event: InboundEvent & { channel: Channel | null }): Promise<ProcessResult> {
  const channel = event.channel;
  const adapter = channel ? adapterFor(channel.type) : undefined;
  if (!channel || !adapter?.parse) return { events: 0, messagesCreated: 0 };
  const events = await adapter.parse(storedOf(event), toAdapterChannel(deps, channel), adapterIO(deps));
  return applyChannelEvents(deps, channel, events);
}

/**
 * Applies parsed events in order (also used by a provider catch-up). Runs of
 * consecutive messages are ingested several per transaction
 * (`ingestInboundBatch`); every other event on its own, between them.
 */
export async function applyChannelEvents(deps: AppDeps, channel: Channel, events: ChannelEvent[]): Promise<ProcessResult> {
  const created = await applyEvents(deps, channel, events);
  return { events: events.length, messagesCreated: created.filter(Boolean).length };
}

/** `applyChannelEvents`, telling for each event whether it created a message. */
async function applyEvents(deps: AppDeps, channel: Channel, events: ChannelEvent[]): Promise<boolean[]> {
  const created: boolean[] = events.map(() => false);
  let lastInbound: Date | null = null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind === 'message') {
      let j = i;
      while (j + 1 < events.length && events[j + 1]!.kind === 'message') j++;
      const run = events.slice(i, j + 1).map((m) => (m as Extract<ChannelEvent, { kind: 'message' }>).inbound);
      const results = await ingestInboundBatch(deps, channel, run);
      results.forEach((r, k) => {
        created[i + k] = r.created;
      });
      lastInbound = run[run.length - 1]!.occurredAt;
      i = j;
      continue;
    }
    // Let HTTP and WebSocket work in between: PGlite runs in this process, and
    // its queries resolve as microtasks, so a long delivery would otherwise
    // hold the event loop (webhook acknowledgements waited seconds) until done.
    await new Promise((resolve) => setImmediate(resolve));
    switch (e.kind) {
      case 'status':
        await applyDeliveryStatus(deps, channel, e.status);
        break;
      case 'thread-status':
        await applyProviderThreadStatus(deps, channel, e.conversationKey, e.status);
        break;
      case 'customer-updated':
        await updateCustomerFromProvider(deps, channel, e.customer);
        break;
      case 'opt-out':
        await setIdentityOptOut(deps, channel, e.identity, e.optedOut, e.occurredAt);
        break;
      case 'lifecycle':
        await deps.jobs.add(deps.db.prisma, JOB.channelLifecycle, { channelId: channel.id, event: e.event });
        deps.jobs.kick();
        break;
    }
  }
  if (lastInbound) await touchChannelInbound(deps, channel.id);
  return created;
}

/** Hub-clock time (ms) this process last stored a channel's `lastInboundAt`, by channel id. */
const inboundTouched = new Map<string, number>();
/** `lastInboundAt` is stored at most once per this many ms per channel and process. */
export const CHANNEL_INBOUND_TOUCH_MS = 1_000;

/**
 * Stores that `channelId` processed an inbound message now (`Channel.lastInboundAt`, the
 * channel's health), unless this process stored it less than CHANNEL_INBOUND_TOUCH_MS ago:
 * a busy channel costs one UPDATE a second, not one per delivery.
 */
async function touchChannelInbound(deps: AppDeps, channelId: string): Promise<void> {
  const now = deps.clock.now();
  const last = inboundTouched.get(channelId);
  if (last !== undefined && now.getTime() - last >= 0 && now.getTime() - last < CHANNEL_INBOUND_TOUCH_MS) return;
  if (inboundTouched.size >= 10_000) inboundTouched.clear();
  inboundTouched.set(channelId, now.getTime());
  await deps.db.prisma.channel.update({ where: { id: channelId }, data: { lastInboundAt: now } });
}

/**
 * The `inbound.process` jobs of several stored deliveries at once (the job
 * queue claims up to INBOUND_BATCH_JOBS): each delivery is parsed, and the
 * events of consecutive deliveries to the same channel are applied as one
 * sequence in delivery order, so their messages share transactions
 * (`ingestInboundBatch`). Each event is then marked as `processInboundEvent`
 * marks it (PROCESSED or IGNORED, attempts, its own result), in one statement.
 * Processed and missing events are skipped.
 * @throws the first error (a delivery that does not parse, a failed batch):
 *   the queue then runs each job alone, and `processInboundEvent` records a
 *   failure on its own event
 */
export async function processInboundEvents(deps: AppDeps, inboundEventIds: readonly string[]): Promise<void> {
  const rows = await deps.db.prisma.inboundEvent.findMany({ where: { id: { in: [...inboundEventIds] } }, include: { channel: true } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const todo = inboundEventIds.map((id) => byId.get(id)).filter((e): e is NonNullable<typeof e> => !!e && e.status !== 'PROCESSED');
  const parsed: { event: (typeof todo)[number]; events: ChannelEvent[] }[] = [];
  for (const event of todo) {
    const channel = event.channel;
    const adapter = channel ? adapterFor(channel.type) : undefined;
    const events = channel && adapter?.parse ? await adapter.parse(storedOf(event), toAdapterChannel(deps, channel), adapterIO(deps)) : [];
    parsed.push({ event, events });
  }
  const results = new Map<string, ProcessResult>();
  for (let i = 0; i < parsed.length; ) {
    const channel = parsed[i]!.event.channel;
    let j = i;
    while (j + 1 < parsed.length && channel && parsed[j + 1]!.event.channelId === channel.id) j++;
    const group = parsed.slice(i, j + 1);
    const all = group.flatMap((g) => g.events);
    const created = channel && all.length ? await applyEvents(deps, channel, all) : [];
    let at = 0;
    for (const g of group) {
      results.set(g.event.id, { events: g.events.length, messagesCreated: created.slice(at, at + g.events.length).filter(Boolean).length });
      at += g.events.length;
    }
    i = j + 1;
  }
  if (!parsed.length) return;
  const processedAt = deps.clock.now();
  await deps.db.raw(
    `UPDATE "InboundEvent" e SET status = v.status::"InboundEventStatus", attempts = e.attempts + 1, "processedAt" = ($4::timestamptz AT TIME ZONE 'UTC'),
            error = NULL, result = v.result::jsonb
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, status, result)
      WHERE e.id = v.id`,
    parsed.map((p) => p.event.id),
    parsed.map((p) => (results.get(p.event.id)!.events === 0 ? 'IGNORED' : 'PROCESSED')),
    parsed.map((p) => JSON.stringify(results.get(p.event.id))),
    processedAt.toISOString(),
  );
  for (const p of parsed) recordInboundLag(p.event.provider, (processedAt.getTime() - p.event.receivedAt.getTime()) / 1000);
}

/** A stored delivery as the adapter parses it. */
function storedOf(event: InboundEvent): StoredWebhook {
  return {
    subpath: event.subpath,
    query: event.query as Record<string, string>,
    headers: event.headers as Record<string, string>,
    rawBody: event.rawBody,
    receivedAt: event.receivedAt,
  };
}

/**
 * `replayInboundEvent`: processes a stored delivery again now (ADMIN). A replay
 * of a processed event adds nothing, since every step is idempotent.
 * @throws DomainError NOT_FOUND; CONFLICT when its body was erased (GDPR, retention)
 */
export async function replayInboundEvent(ctx: HubContext, id: string): Promise<{ inboundEvent: InboundEvent }> {
  const deps = ctx.deps;
  const event = await ctx.db.inboundEvent.findUnique({ where: { id } });
  if (!event) throw notFound('InboundEvent', 'id');
  if (event.rawBody === REDACTED_RAW_BODY || event.rawBody === PURGED_RAW_BODY) {
    throw new DomainError('CONFLICT', 'The body of this delivery was erased (GDPR or retention): it cannot be processed again.', 'id');
  }
  try {
    await processInboundEvent(deps, id, { force: true });
  } catch (err) {
    if (err instanceof DomainError) throw err;
    // recorded on the event (status FAILED, error): the payload shows it
  }
  const after = await ctx.db.inboundEvent.findUniqueOrThrow({ where: { id } });
  await writeAudit(ctx, ctx.db, { action: 'inboundEvent.replay', entityType: 'InboundEvent', entityId: id, after: { status: after.status, error: after.error } });
  return { inboundEvent: after };
}
