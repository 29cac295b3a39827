/**
 * The outbox on the job queue. Every reply is committed with an
 * `outbox.deliver` job (a safety net 30 s after the inline attempt), and every
 * bot message of the hub (AUTO_RESPONSE, e.g. the satisfaction survey) with
 * one due at once, so a crash between commit and send, a provider outage or
 * a 429 never loses a message: the job retries with backoff (or after the
 * provider's Retry-After) and, after its last attempt, marks the message
 * FAILED with OUTBOX_GAVE_UP. `outbox.sweep` (every minute) re-queues such
 * messages left PENDING without a job (e.g. written before this queue existed).
 */
import { deliverMessage, enqueueDelivery, OUTBOX_TYPES } from '../modules/message/message.service.js';
import type { AppDeps } from '../shared/app.js';
import { backoffMs, RetryLater, type JobInfo } from './queue.js';

/** `outbox.deliver { messageId }`. */
export async function runOutboxDelivery(deps: AppDeps, payload: Record<string, unknown>, job: JobInfo): Promise<void> {
  const messageId = String(payload.messageId);
  const outcome = await deliverMessage(deps, messageId, { finalAttempt: job.attempt >= job.maxAttempts });
  if (outcome.pending) {
    throw new RetryLater(outcome.retryAfterSeconds ? outcome.retryAfterSeconds * 1000 : backoffMs(job.attempt), outcome.error?.message ?? 'attempt in flight elsewhere');
  }
}

/** `outbox.sweep`: replies and bot messages PENDING for over a minute without a provider id and without a queued job. */
export async function runOutboxSweep(deps: AppDeps): Promise<void> {
  const cutoff = new Date(deps.clock.now().getTime() - 60_000).toISOString();
  const stranded = await deps.db.prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT m.id::text FROM "Message" m
      WHERE m.type::text = ANY($2::text[]) AND m."deliveryStatus" = 'PENDING' AND m."externalMessageId" IS NULL
        AND m."createdAt" < ($1::timestamptz AT TIME ZONE 'UTC')
        AND NOT EXISTS (SELECT 1 FROM "Job" j WHERE j."singletonKey" = 'outbox:' || m.id::text) -- outboxJobKey
      LIMIT 500`,
    cutoff,
    [...OUTBOX_TYPES],
  );
  for (const { id } of stranded) await enqueueDelivery(deps, deps.db.prisma, id);
  if (stranded.length) deps.jobs.kick();
}
