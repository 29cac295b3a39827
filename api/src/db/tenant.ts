/**
 * Tenant scoping around the Prisma client: every operation on a
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

const clients = new WeakMap<PrismaClient, Map<string, PrismaClient>>();
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
    client = scopedClient(prisma, organizationId);
    byOrg.set(organizationId, client);
  }
  return client;
}

/** Client properties of the tenant models (`prisma.thread` → Thread). */
const DELEGATES = new Map([...TENANT_MODELS].map((m) => [m[0]!.toLowerCase() + m.slice(1), m]));

/** `args` of `operation` on `model` with the tenant filter (and the soft-delete filter of reads) added. */
function scopeArgs(model: string, operation: string, args: unknown, organizationId: string): unknown {
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
  return a;
}

/**
 * `prisma` (or an interactive transaction's client) seen through a Proxy: the delegates of the
 * tenant models add the filter to each operation's arguments; everything else is the client's own.
 * A Proxy rather than `$extends({ query })`: any extension makes Prisma walk every object of every
 * result to apply result extensions (none here), ~8 % of an inbox page's CPU (issue 8 §1 profile).
 *
 * Every interactive transaction (`ctx.db.$transaction(async (tx) => …)`, so every mutation and job
 * that goes through one) gets a scoped `tx` and runs again when PostgreSQL aborted it for a
 * deadlock or a write conflict (P2034; `retryOnConflict`: 3 attempts, 20–100 ms × the attempt apart). The aborted
 * attempt rolled back as a whole; a callback must therefore keep its side effects inside `tx` (publish
 * after the commit, as the services do). Batch transactions (an array) are passed through.
 */
function scopedClient<C extends object>(client: C, organizationId: string): C {
  const delegates = new Map<string, object>();
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof prop !== 'string') return value;
      const model = DELEGATES.get(prop);
      if (model) {
        let delegate = delegates.get(prop);
        if (!delegate) {
          delegate = new Proxy(value as object, {
            get(d, operation) {
              const fn = Reflect.get(d, operation);
              if (typeof fn !== 'function' || typeof operation !== 'string') return fn;
              return (args?: unknown) => fn.call(d, scopeArgs(model, operation, args, organizationId));
            },
          });
          delegates.set(prop, delegate);
        }
        return delegate;
      }
      if (prop === '$transaction' && typeof value === 'function') {
        return (arg: unknown, opts?: unknown) =>
          typeof arg === 'function' ? retryOnConflict(() => value.call(target, (tx: object) => arg(scopedClient(tx, organizationId)), opts)) : value.call(target, arg, opts);
      }
      return value;
    },
  });
}

export type TenantDb = ReturnType<typeof tenantClient>;

/** The client inside `TenantDb.$transaction(async (tx) => …)`: still tenant-scoped. */
export type Tx = Parameters<Parameters<TenantDb['$transaction']>[0]>[0];
