/**
 * Durable delivery of replies (the outbox). postMessage commits an OUTGOING
 * message as PENDING and sends it right after commit; if the process stops in
 * between, or the send could not be recorded, the message stays PENDING with no
 * provider id. This worker finds such messages once they are older than
 * `staleAfterMs`, claims them (FOR UPDATE SKIP LOCKED, so concurrent instances
 * never take the same row) by pushing `metadata.outbox.nextAttemptAt` forward,
 * and delivers them through the channel adapter. Each attempt backs off
 * exponentially (30 s, 60 s, 120 s, ...); after `maxAttempts` the message is
 * marked FAILED with metadata.error.code "OUTBOX_GAVE_UP".
 */
import type { Prisma } from '../generated/prisma/client.js';
import { adapters } from '../channels/registry.js';
import { deliverMessage } from '../modules/message/message.service.js';
import type { AppDeps } from '../shared/app.js';

export interface OutboxOptions {
  /** How old (ms) a PENDING reply must be before the worker takes it over. Default 30 000. */
  staleAfterMs?: number;
  /** Attempts before giving up. Default 5. */
  maxAttempts?: number;
  /** Rows claimed per tick. Default 20. */
  batchSize?: number;
}

interface Claimed {
  id: string;
  attempts: number;
}

/** One pass: claims and delivers due messages. Returns how many were attempted. */
export async function runOutboxOnce(deps: AppDeps, opts: OutboxOptions = {}): Promise<number> {
  const staleAfterMs = opts.staleAfterMs ?? 30_000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const now = deps.clock.now();
  const types = Object.keys(adapters);
  if (types.length === 0) return 0;
  const claimed = await deps.db.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<Claimed[]>(
      `SELECT m.id, COALESCE((m.metadata->'outbox'->>'attempts')::int, 0) AS attempts
         FROM "Message" m JOIN "Channel" c ON c.id = m."channelId"
        WHERE m.type = 'OUTGOING' AND m."deliveryStatus" = 'PENDING' AND m."externalMessageId" IS NULL
          AND m."createdAt" < $1 AND c.type::text = ANY($2::text[]) AND c."isActive"
          AND COALESCE((m.metadata->'outbox'->>'nextAttemptAt')::timestamptz, '-infinity') <= $3
        ORDER BY m."createdAt"
        LIMIT $4
        FOR UPDATE OF m SKIP LOCKED`,
      new Date(now.getTime() - staleAfterMs),
      types,
      now,
      opts.batchSize ?? 20,
    );
    for (const r of rows) {
      const attempts = Number(r.attempts) + 1;
      const nextAttemptAt = new Date(now.getTime() + 30_000 * 2 ** (attempts - 1)).toISOString();
      const outbox = { attempts, nextAttemptAt, lastAttemptAt: now.toISOString() };
      if (attempts > maxAttempts) {
        await tx.$executeRawUnsafe(
          `UPDATE "Message" SET "deliveryStatus" = 'FAILED',
             metadata = metadata || jsonb_build_object('error', jsonb_build_object('code', 'OUTBOX_GAVE_UP', 'message', $2::text)),
             "updatedAt" = $3 WHERE id = $1::uuid`,
          r.id,
          `Not delivered after ${maxAttempts} attempts.`,
          now,
        );
      } else {
        await tx.$executeRawUnsafe(
          `UPDATE "Message" SET metadata = metadata || jsonb_build_object('outbox', $2::jsonb), "updatedAt" = $3 WHERE id = $1::uuid`,
          r.id,
          JSON.stringify(outbox),
          now,
        );
      }
    }
    return rows.filter((r) => Number(r.attempts) + 1 <= maxAttempts).map((r) => r.id);
  });
  if (claimed.length === 0) return 0;
  const messages = await deps.db.prisma.message.findMany({ where: { id: { in: claimed } }, include: { channel: true } });
  for (const message of messages) {
    const id = message.id;
    const to = (message.recipient as Prisma.JsonObject | null)?.address;
    if (typeof to !== 'string' || !to) continue;
    const { channel, ...row } = message;
    const { error } = await deliverMessage(deps, channel, row, to);
    deps.logger.info({ messageId: id, ok: !error, error: error?.code }, 'outbox delivery attempt');
  }
  return claimed.length;
}

/** Runs runOutboxOnce every `intervalMs` (default 10 s) until stopped. */
export function startOutboxWorker(deps: AppDeps, opts: OutboxOptions & { intervalMs?: number } = {}): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => runOutboxOnce(deps, opts)).catch((err) => deps.logger.error({ err }, 'outbox pass failed'));
  }, opts.intervalMs ?? 10_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
