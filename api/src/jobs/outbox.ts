/**
 * The outbox on the job queue. Every reply is committed with an
 * `outbox.deliver` job (a safety net 30 s after the inline attempt), so a
 * crash between commit and send, a provider outage or a 429 never loses a
 * reply: the job retries with backoff (or after the provider's Retry-After)
 * and, after its last attempt, marks the message FAILED with OUTBOX_GAVE_UP.
 * `outbox.sweep` (every minute) re-queues replies left PENDING without a job
 * (e.g. written before this queue existed).
 */
import { deliverMessage } from '../modules/message/message.service.js';
import type { AppDeps } from '../shared/app.js';
import { JOB } from './names.js';
import { backoffMs, RetryLater, type JobInfo } from './queue.js';

/** `outbox.deliver { messageId }`. */
export async function runOutboxDelivery(deps: AppDeps, payload: Record<string, unknown>, job: JobInfo): Promise<void> {
  const messageId = String(payload.messageId);
  const outcome = await deliverMessage(deps, messageId, { finalAttempt: job.attempt >= job.maxAttempts });
  if (outcome.pending) {
    throw new RetryLater(outcome.retryAfterSeconds ? outcome.retryAfterSeconds * 1000 : backoffMs(job.attempt), outcome.error?.message ?? 'attempt in flight elsewhere');
  }
}

/** `outbox.sweep`: replies PENDING for over a minute without a provider id and without a queued job. */
export async function runOutboxSweep(deps: AppDeps): Promise<void> {
  const cutoff = new Date(deps.clock.now().getTime() - 60_000).toISOString();
  const stranded = await deps.db.prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT m.id::text FROM "Message" m
      WHERE m.type = 'OUTGOING' AND m."deliveryStatus" = 'PENDING' AND m."externalMessageId" IS NULL
        AND m."createdAt" < ($1::timestamptz AT TIME ZONE 'UTC')
        AND NOT EXISTS (SELECT 1 FROM "Job" j WHERE j."singletonKey" = 'outbox:' || m.id::text)
      LIMIT 500`,
    cutoff,
  );
  for (const { id } of stranded) await deps.jobs.add(deps.db.prisma, JOB.outboxDeliver, { messageId: id }, { singletonKey: `outbox:${id}` });
  if (stranded.length) deps.jobs.kick();
}
