/**
 * Every job the hub runs, by queue name (names.ts), and the recurring schedules.
 */
import { adapterIO } from '../channels/io.js';
import { adapterFor } from '../channels/registry.js';
import type { ChannelAdapter } from '../channels/types.js';
import { invalidateChannelLookups, toAdapterChannel } from '../modules/channel/channel.directory.js';
import { runRetention } from '../modules/gdpr/gdpr.service.js';
import { runSurveySendJob } from '../modules/analytics/survey.js';
import { assignmentJobHandlers, assignmentSchedules } from '../modules/assignment/assignment.jobs.js';
import { routeThreads } from '../modules/assignment/assignment.service.js';
import { fireSlaStep, recordSlaBreach, type SlaStepPayload } from '../modules/sla/engine.js';
import { fireTaskReminder, type TaskReminderPayload } from '../modules/task/task.reminders.js';
import { applyChannelEvents, processInboundEvent, processInboundEvents } from '../modules/thread/inbound.service.js';
import { endSnooze, type UnsnoozePayload } from '../modules/thread/triage.service.js';
import type { AppDeps } from '../shared/app.js';
import { JOB } from './names.js';
import { runOutboxDelivery, runOutboxSweep } from './outbox.js';
import { PermanentJobError, type BatchQueue, type JobHandler, type Schedule } from './queue.js';

async function loadChannel(deps: AppDeps, channelId: string) {
  const channel = await deps.db.prisma.channel.findUnique({ where: { id: channelId } });
  const adapter = channel ? (adapterFor(channel.type) as ChannelAdapter | undefined) : undefined;
  return channel?.isActive && adapter ? { channel, adapter } : null;
}

/** Stores configuration keys an adapter returned (sealing secrets), keeping the rest. */
async function patchConfig(deps: AppDeps, channelId: string, secretKeys: readonly string[], patch: Record<string, unknown>): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await deps.db.prisma.$transaction(async (tx) => {
    const c = await tx.channel.findUniqueOrThrow({ where: { id: channelId } });
    const merged = deps.secrets.sealKeys({ ...(c.configuration as Record<string, unknown>), ...patch }, secretKeys);
    await tx.channel.update({ where: { id: channelId }, data: { configuration: merged as object } });
  });
  // The edge authenticates with the configuration (e.g. a new subscription's clientState).
  invalidateChannelLookups(deps);
}

/** Runs a provider catch-up (Graph delta query) and applies what it found. */
async function catchUp(deps: AppDeps, channelId: string): Promise<void> {
  const loaded = await loadChannel(deps, channelId);
  if (!loaded?.adapter.subscriptions) return;
  const { events, patch } = await loaded.adapter.subscriptions.catchUp(toAdapterChannel(deps, loaded.channel), adapterIO(deps));
  await applyChannelEvents(deps, loaded.channel, events);
  await patchConfig(deps, channelId, loaded.adapter.secretKeys, patch as Record<string, unknown>);
}

/** Creates or renews the subscription, then schedules the next renewal at the adapter's renewAt. */
const channelSubscription: JobHandler = async (deps, payload) => {
  const channelId = String(payload.channelId);
  const loaded = await loadChannel(deps, channelId);
  if (!loaded?.adapter.subscriptions) return;
  const hooks = loaded.adapter.subscriptions;
  try {
    const { patch, catchUp: needed } = await hooks.ensure(toAdapterChannel(deps, loaded.channel), adapterIO(deps));
    await patchConfig(deps, channelId, loaded.adapter.secretKeys, patch as Record<string, unknown>);
    if (needed) await catchUp(deps, channelId);
  } catch (err) {
    await deps.db.prisma.channel.update({ where: { id: channelId }, data: { lastError: `Subscription: ${(err as Error).message}`.slice(0, 500), lastErrorAt: deps.clock.now() } });
    throw err;
  }
  const fresh = await deps.db.prisma.channel.findUniqueOrThrow({ where: { id: channelId } });
  const next = hooks.renewAt(toAdapterChannel(deps, fresh).config, deps.clock.now());
  // Finishing this job clears its singleton key only afterwards, so the next renewal gets a key of its own.
  await deps.jobs.add(deps.db.prisma, JOB.channelSubscription, { channelId }, { runAt: next, singletonKey: `channel.subscription.next:${channelId}:${next.getTime()}` });
};

const channelLifecycle: JobHandler = async (deps, payload) => {
  const channelId = String(payload.channelId);
  const loaded = await loadChannel(deps, channelId);
  if (!loaded?.adapter.subscriptions) return;
  const { patch, catchUp: needed } = await loaded.adapter.subscriptions.onLifecycle(toAdapterChannel(deps, loaded.channel), String(payload.event), adapterIO(deps));
  await patchConfig(deps, channelId, loaded.adapter.secretKeys, patch as Record<string, unknown>);
  if (needed) await catchUp(deps, channelId);
};

/** Every active channel whose adapter has subscriptions gets a renewal job when it has none queued. */
const subscriptionSweep: JobHandler = async (deps) => {
  const channels = await deps.db.prisma.channel.findMany({ where: { isActive: true } });
  for (const c of channels) {
    if (!adapterFor(c.type)?.subscriptions) continue;
    const queued = await deps.db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "Job" WHERE queue = $1 AND status IN ('QUEUED', 'ACTIVE') AND payload->>'channelId' = $2`,
      JOB.channelSubscription,
      c.id,
    );
    if (Number(queued[0]?.n ?? 0) === 0) await deps.jobs.add(deps.db.prisma, JOB.channelSubscription, { channelId: c.id }, { singletonKey: `channel.subscription:${c.id}` });
  }
  deps.jobs.kick();
};

const contactSync: JobHandler = async (deps, payload) => {
  const loaded = await loadChannel(deps, String(payload.channelId));
  if (!loaded?.adapter.syncContact) return;
  const customer = await deps.db.prisma.customer.findUnique({ where: { id: String(payload.customerId) } });
  if (!customer || customer.deletedAt) return;
  await loaded.adapter.syncContact(
    toAdapterChannel(deps, loaded.channel),
    {
      providerContactId: String(payload.providerContactId),
      customer: {
        name: customer.name,
        email: customer.email,
        phone: customer.phone,
        tier: customer.tier,
        companyName: customer.companyName,
        codiceFiscale: customer.codiceFiscale,
        partitaIva: customer.partitaIva,
        pec: customer.pec,
        sdi: customer.sdi,
        customAttributes: (customer.customAttributes ?? {}) as Record<string, unknown>,
      },
    },
    adapterIO(deps),
  );
};

const cleanup: JobHandler = async (deps) => {
  const before = new Date(deps.clock.now().getTime() - 7 * 86_400_000).toISOString();
  await deps.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE status = 'COMPLETED' AND "completedAt" < ($1::timestamptz AT TIME ZONE 'UTC')`, before);
};

export const jobHandlers: Record<string, JobHandler> = {
  [JOB.inboundProcess]: async (deps, payload) => {
    if (typeof payload.inboundEventId !== 'string') throw new PermanentJobError('inbound.process without inboundEventId');
    await processInboundEvent(deps, payload.inboundEventId);
  },
  [JOB.outboxDeliver]: runOutboxDelivery,
  [JOB.outboxSweep]: (deps) => runOutboxSweep(deps),
  [JOB.channelSubscription]: channelSubscription,
  [JOB.channelLifecycle]: channelLifecycle,
  [JOB.subscriptionSweep]: subscriptionSweep,
  [JOB.contactSync]: contactSync,
  [JOB.cleanup]: cleanup,
  [JOB.slaStep]: async (deps, payload) => {
    await fireSlaStep(deps, payload as unknown as SlaStepPayload);
  },
  [JOB.slaBreach]: async (deps, payload) => {
    await recordSlaBreach(deps, payload as unknown as SlaStepPayload);
  },
  [JOB.threadUnsnooze]: async (deps, payload) => {
    await endSnooze(deps, payload as unknown as UnsnoozePayload);
  },
  [JOB.taskReminder]: async (deps, payload) => {
    await fireTaskReminder(deps, payload as unknown as TaskReminderPayload);
  },
  [JOB.gdprRetention]: async (deps) => {
    await runRetention(deps);
  },
  [JOB.surveySend]: async (deps, payload) => {
    await runSurveySendJob(deps, payload);
  },
  ...assignmentJobHandlers,
};

/**
 * Stored webhook deliveries one worker processes together (their messages share transactions,
 * INGEST_BATCH_SIZE at a time): as many as one transaction takes of one-message webhooks.
 */
export const INBOUND_BATCH_JOBS = 100;

/**
 * `assignment.route` jobs one worker runs together (routeThreads: one read of the threads and one of
 * the rules for all): as many as one inbound batch makes new threads (INBOUND_BATCH_JOBS).
 */
export const ROUTE_BATCH_JOBS = INBOUND_BATCH_JOBS;

/**
 * Inbound batches one instance runs at once. Ingestion is CPU-bound in Node (one thread): more
 * batches at once split a backlog into more, smaller batches, each with the same ~20 statements
 * and their CPU. One at a time (stop 24; two since stop 20): at 300 one-message webhooks/s the
 * lag p99 went 2.0 / 1.9 s → 1.09 / 1.15 s and the CPU per webhook 3.87 / 3.84 → 3.51 / 3.49 ms
 * (`BENCH_LAG_ONLY=1 bench/webhooks.ts`, alternated; docs/measurements.md "Stop 24").
 */
export const INBOUND_BATCHES_AT_ONCE = 1;

/**
 * Inbound batches one instance runs at once while its latest batch was full (INBOUND_BATCH_JOBS
 * claimed: a backlog). Two then overlap one batch's CPU with the other's statements: one-message
 * webhooks offered at 750/s were processed at 631/s with one batch at a time and 729/s with two
 * (`BENCH_LAG_ONLY=1 BENCH_LAG_RATE=750 bench/webhooks.ts`, docs/measurements.md "Stop 29"). Below
 * a backlog the batches stay single (see INBOUND_BATCHES_AT_ONCE).
 */
export const INBOUND_BATCHES_IN_BACKLOG = 2;

/** Queues whose due jobs a worker claims and runs together (QueueOptions.batchHandlers). */
export const jobBatchHandlers: Record<string, BatchQueue> = {
  [JOB.inboundProcess]: {
    max: INBOUND_BATCH_JOBS,
    maxConcurrent: INBOUND_BATCHES_AT_ONCE,
    backlogConcurrent: INBOUND_BATCHES_IN_BACKLOG,
    handler: async (deps, jobs) => {
      const ids = jobs.map((j) => j.payload.inboundEventId);
      if (!ids.every((id): id is string => typeof id === 'string')) throw new Error('inbound.process without inboundEventId: run one by one');
      await processInboundEvents(deps, ids);
    },
  },
  [JOB.assignmentRoute]: {
    max: ROUTE_BATCH_JOBS,
    handler: async (deps, jobs) => {
      const ids = jobs.map((j) => j.payload.threadId);
      if (!ids.every((id): id is string => typeof id === 'string' && id !== '')) throw new Error('assignment.route without threadId: run one by one');
      await routeThreads(deps, ids);
    },
  },
};

export const jobSchedules: Schedule[] = [
  { name: 'outbox-sweep', cron: '* * * * *', queue: JOB.outboxSweep },
  { name: 'subscription-sweep', cron: '7 * * * *', queue: JOB.subscriptionSweep },
  { name: 'jobs-cleanup', cron: '17 3 * * *', queue: JOB.cleanup },
  { name: 'gdpr-retention', cron: '37 2 * * *', queue: JOB.gdprRetention },
  ...assignmentSchedules,
];
