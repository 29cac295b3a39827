/**
 * Tenant scoping as a Prisma client extension: every operation on a
 * tenant-owned model gets `organizationId` added to its `where` (reads, updates,
 * deletes, counts) or its `data` (creates), so a caller cannot forget it.
 * Soft-deleted threads and customers are hidden from reads the same way.
 * Relations loaded through `include`/`select` start from rows that already
 * passed this filter, so they stay inside the tenant.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { retryOnConflict } from './retry.js';

const TENANT_MODELS = new Set([
  'User',
  'Team',
  'Customer',
  'CustomerIdentity',
  'Channel',
  'Thread',
  'Message',
  'MessageDelivery',
  'Task',
  'Template',
  'AuditLog',
  'InboundEvent',
  'ApiKey',
  'BusinessCalendar',
  'SlaPolicy',
  'SlaEvent',
  'Notification',
  'RoutingRule',
  'ReportingEvent',
  'ReportingRollup',
  'ReportingSlice',
  'ThreadRead',
]);
const SOFT_DELETE_MODELS = new Set(['Thread', 'Customer']);
const READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy']);

type Args = { where?: Record<string, unknown>; data?: unknown; create?: Record<string, unknown> };

const clients = new WeakMap<PrismaClient, Map<string, ReturnType<typeof scopedClient>>>();
/** At most this many organizations' clients are kept per PrismaClient (then the cache starts over). */
const CLIENTS_PER_PRISMA = 1000;

/**
 * The Prisma client of one organization (see the module comment). One per organization and
 * PrismaClient, built once: a `$extends` client builds its model proxies on first use, work
 * every request repeated when each context extended the client anew (issue 8 §1).
 */
export function tenantClient(prisma: PrismaClient, organizationId: string) {
  let byOrg = clients.get(prisma);
  if (!byOrg) clients.set(prisma, (byOrg = new Map()));
  let client = byOrg.get(organizationId);
  if (!client) {
    if (byOrg.size >= CLIENTS_PER_PRISMA) byOrg.clear();
    client = withTransactionRetry(scopedClient(prisma, organizationId));
    byOrg.set(organizationId, client);
  }
  return client;
}

/**
 * Every interactive transaction of a tenant client (`ctx.db.$transaction(async (tx) => …)`,
 * so every mutation and job that goes through one) runs again when PostgreSQL
 * aborted it for a deadlock or a write conflict (P2034; `retryOnConflict`: 3
 * attempts, 20–100 ms apart). The aborted attempt rolled back as a whole; a
 * callback must therefore keep its side effects inside `tx` (publish after the
 * commit, as the services do). Batch transactions (an array) are passed through.
 */
function withTransactionRetry<C extends object>(client: C): C {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (prop !== '$transaction' || typeof value !== 'function') return value;
      return (arg: unknown, opts?: unknown) => (typeof arg === 'function' ? retryOnConflict(() => value.call(target, arg, opts)) : value.call(target, arg, opts));
    },
  });
}

function scopedClient(prisma: PrismaClient, organizationId: string) {
  return prisma.$extends({
    name: 'tenant',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (!TENANT_MODELS.has(model)) return query(args);
          const a = { ...(args as Args) };
          switch (operation) {
            case 'create':
              a.data = { ...(a.data as object), organizationId };
              break;
            case 'createMany':
            case 'createManyAndReturn':
              a.data = (Array.isArray(a.data) ? a.data : [a.data]).map((d) => ({ ...(d as object), organizationId }));
              break;
            case 'upsert':
              a.where = { ...a.where, organizationId };
              a.create = { ...a.create, organizationId };
              break;
            default:
              a.where = { ...a.where, organizationId };
              if (SOFT_DELETE_MODELS.has(model) && READS.has(operation) && !('deletedAt' in (a.where ?? {}))) {
                a.where.deletedAt = null;
              }
          }
          return query(a as typeof args);
        },
      },
    },
  });
}

export type TenantDb = ReturnType<typeof tenantClient>;

/** The client inside `TenantDb.$transaction(async (tx) => …)`: still tenant-scoped. */
export type Tx = Parameters<Parameters<TenantDb['$transaction']>[0]>[0];
