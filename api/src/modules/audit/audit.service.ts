/**
 * The audit trail: one AuditLog row per change, written in the same
 * transaction as the change itself.
 */
import { insertRows, withIdAndStamps } from '../../db/insert-rows.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { HubContext } from '../../shared/context.js';
import type { TenantDb, Tx } from '../../db/tenant.js';
import type { AuditAction } from './actions.js';

export interface AuditEntry {
  /** `<entity>.<verb>`, one of AUDIT_ACTIONS (audit/actions.ts), e.g. "thread.update". */
  action: AuditAction;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Plain JSON copy of a row (Dates as ISO strings) for AuditLog.changes. */
function snapshot(v: unknown): Prisma.InputJsonValue | null {
  return v === undefined || v === null ? null : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue);
}

/** Audit rows collected per transaction client while writes are deferred (deferAudit … flushAudit). */
const deferred = new WeakMap<object, Prisma.AuditLogCreateManyInput[]>();

/**
 * Until `flushAudit(tx)`, `writeAudit(ctx, tx, …)` with this same `tx` collects
 * its row instead of inserting it, so a batch of changes (inbound ingestion,
 * several messages per transaction) writes its audit trail in one statement.
 * The caller must flush before the transaction commits.
 */
export function deferAudit(tx: Tx | TenantDb): void {
  deferred.set(tx, []);
}

/**
 * Inserts the rows collected since `deferAudit(tx)` with one `createMany` (in
 * the order they were written) and ends the deferral. Returns how many rows
 * were written (0 when nothing was deferred).
 */
export async function flushAudit(tx: Tx | TenantDb): Promise<number> {
  const rows = deferred.get(tx);
  deferred.delete(tx);
  if (!rows?.length) return 0;
  // One raw INSERT: Prisma compiles every createMany anew (db/insert-rows.ts).
  const now = new Date();
  await insertRows(
    tx,
    'AuditLog',
    rows.map((r) => withIdAndStamps(r, now, ['createdAt'])),
  );
  return rows.length;
}

/** Writes one AuditLog row in `tx` (or collects it, between deferAudit(tx) and flushAudit(tx)). */
export async function writeAudit(ctx: HubContext, tx: Tx | TenantDb, entry: AuditEntry): Promise<void> {
  const data: Prisma.AuditLogCreateManyInput = {
    organizationId: ctx.organizationId,
    actorType: ctx.actor.type,
    actorUserId: ctx.actor.userId,
    actorApiKeyId: ctx.actor.apiKeyId ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    changes: { before: snapshot(entry.before), after: snapshot(entry.after) },
    ip: ctx.request.ip ?? null,
    userAgent: ctx.request.userAgent ?? null,
    // The hub's clock (real time in production): audit rows line up with the facts they record (the analytics backfill replays them).
    createdAt: ctx.deps.clock.now(),
  };
  const pending = deferred.get(tx);
  if (pending) pending.push(data);
  else await tx.auditLog.create({ data });
}

/** Only the keys of `after` whose values differ from `before` (for compact audit rows). */
export function diff<T extends Record<string, unknown>>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const k of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: b, after: a };
}
