/**
 * Small helpers shared by the GraphQL tests (not a test file itself).
 */
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { AppDeps } from '../../src/shared/app.js';
import { ATTACH } from '../../src/shared/pubsub.js';

export { encodeGlobalID };

/** Relay global id of a database row. */
export const gid = (type: string, id: string) => encodeGlobalID(type, id);

/** A uuid no row has. */
export const missingUuid = () => randomUUID();

/** Row counts of every tenant table, optionally of one organization. */
export async function rowCounts(deps: AppDeps, organizationId?: string) {
  const p = deps.db.prisma;
  const where = organizationId ? { organizationId } : {};
  const [threads, messages, tasks, templates, customers, auditLogs, users, channels, inboundEvents] = await Promise.all([
    p.thread.count({ where }),
    p.message.count({ where }),
    p.task.count({ where }),
    p.template.count({ where }),
    p.customer.count({ where }),
    p.auditLog.count({ where }),
    p.user.count({ where }),
    p.channel.count({ where }),
    p.inboundEvent.count({ where }),
  ]);
  return { threads, messages, tasks, templates, customers, auditLogs, users, channels, inboundEvents };
}

/** Audit rows of an organization created after `afterIds` (the ids present before). */
export async function newAuditRows(deps: AppDeps, organizationId: string, before: Set<string>) {
  const rows = await deps.db.prisma.auditLog.findMany({ where: { organizationId }, orderBy: { createdAt: 'asc' } });
  return rows.filter((r) => !before.has(r.id));
}

export async function auditIds(deps: AppDeps, organizationId: string) {
  const rows = await deps.db.prisma.auditLog.findMany({ where: { organizationId }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

/**
 * Counts the pub/sub listeners the server has attached (a subscription is
 * live once its listener is attached), so tests wait for "subscribed" instead
 * of sleeping. Listeners attach lazily, on the first `next()` of the pubsub
 * iterator or when a subscribeWhere stream is attached to (`ATTACH`); this wraps
 * `deps.pubsub.subscribe` and `deps.pubsub.subscribeWhere` to notice it.
 */
export function trackPubSubListeners(deps: AppDeps) {
  type Subscribe = (...args: unknown[]) => AsyncIterableIterator<unknown>;
  const pubsub = deps.pubsub as unknown as Record<'subscribe' | 'subscribeWhere', Subscribe>;
  const originals = { subscribe: pubsub.subscribe, subscribeWhere: pubsub.subscribeWhere };
  let attached = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const notify = () => {
    for (const w of [...waiters]) {
      if (attached >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  for (const name of ['subscribe', 'subscribeWhere'] as const) {
    const original = originals[name];
    pubsub[name] = (...args: unknown[]) => {
      const it = original.apply(deps.pubsub, args);
      const next = it.next.bind(it);
      let first = true;
      it.next = (...a: unknown[]) => {
        const p = next(...(a as []));
        if (first) {
          first = false;
          attached++;
          notify();
        }
        return p;
      };
      // subscribeWhere's streams can also be attached to (the graphql-ws path, http/shared-subscriptions.ts): that attaches too.
      const attach = (it as unknown as Record<symbol, ((deliver: unknown) => () => void) | undefined>)[ATTACH];
      if (attach)
        Object.assign(it, {
          [ATTACH]: (deliver: unknown) => {
            const detach = attach.call(it, deliver);
            if (first) {
              first = false;
              attached++;
              notify();
            }
            return detach;
          },
        });
      return it;
    };
  }
  return {
    get attached() {
      return attached;
    },
    /** Resolves once at least `n` listeners were attached since tracking started. */
    waitFor(n: number, timeoutMs = 10_000): Promise<void> {
      if (attached >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const w = { n, resolve: () => (clearTimeout(t), resolve()) };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`timed out waiting for ${n} pubsub listeners (have ${attached})`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    restore() {
      Object.assign(pubsub, originals);
    },
  };
}

export function wsClient(port: number, token?: string, opts: { retryAttempts?: number } = {}): Client {
  return createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    retryAttempts: opts.retryAttempts ?? 0,
    lazy: true,
  });
}

export interface Collected<T = any> {
  events: { data?: T; errors?: readonly { message: string }[] }[];
  /** Resolves with the first event matching `pred`. */
  next(pred?: (e: { data?: T; errors?: readonly unknown[] }) => boolean, timeoutMs?: number): Promise<{ data?: T; errors?: readonly unknown[] }>;
  /** Settles when the subscription ends: resolves on complete, rejects on error. */
  done: Promise<void>;
  unsubscribe(): void;
}

/** Subscribes and collects every result. */
export function collect<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Collected<T> {
  const events: Collected<T>['events'] = [];
  const waiters: { pred: (e: any) => boolean; resolve: (e: any) => void }[] = [];
  let resolveDone!: () => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  done.catch(() => undefined);
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        const e = value as Collected<T>['events'][number];
        events.push(e);
        for (const w of [...waiters]) {
          if (w.pred(e)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      },
      error: (err) => rejectDone(err),
      complete: () => resolveDone(),
    },
  );
  return {
    events,
    done,
    unsubscribe,
    next(pred = () => true, timeoutMs = 10_000) {
      const hit = events.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (e: any) => (clearTimeout(t), resolve(e)) };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no matching subscription event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
  };
}

/** Lets in-flight work (publish → resolve → send) finish; not a timing assertion. */
export const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

/**
 * A session token whose iat AND exp follow the app clock. issueToken() takes
 * iat from the clock but computes exp from the real time (jose relative
 * duration), so after a FakeClock jump past JWT_TTL its tokens are expired.
 */
export async function clockToken(deps: AppDeps, user: { id: string; organizationId: string }, ttlSeconds = 12 * 3600) {
  const { SignJWT } = await import('jose');
  const iat = Math.floor(deps.clock.now().getTime() / 1000);
  return new SignJWT({ org: user.organizationId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer('hub')
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(new TextEncoder().encode(deps.config.jwtSecret));
}
