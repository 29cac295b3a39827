/**
 * Typed event topics, published after commit and consumed by GraphQL
 * subscriptions. In-process by default; Redis (REDIS_URL) when several api
 * instances must all see every event. Topics are keyed by organization id, so a
 * subscriber can only ever be handed its own organization's events.
 */
import { setMaxListeners } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, Repeater, type PubSub } from '@graphql-yoga/subscription';
import type { Redis } from 'ioredis';
import { createRedisClient } from './redis.js';

export interface MessageAddedEvent {
  messageId: string;
  threadId: string;
}
export interface ThreadUpdatedEvent {
  threadId: string;
  /** Fields that changed, e.g. ['status', 'assigneeId']; informational. */
  changed: string[];
}
export interface MessageUpdatedEvent {
  messageId: string;
  threadId: string;
}

/** A user's sessions ended (logout, revokeSessions, deactivateUser): every instance closes the user's sockets. */
export interface SessionsRevokedEvent {
  organizationId: string;
  userId: string;
  /** Sessions older than this version are void (User.tokenVersion after the change). */
  tokenVersion: number;
}

/** Notifications were created for users (notification.service.ts); each viewer's subscription keeps its own. */
export interface NotificationAddedEvent {
  notificationId: string;
  userId: string;
}

/** An SLA escalation step fired (sla engine): SlaEvent id and the users it notified. */
export interface SlaAlertEvent {
  slaEventId: string;
  threadId: string;
  recipientIds: string[];
}

/** Reporting facts were recorded (analytics/pulse.ts, throttled per organization). */
export interface AnalyticsUpdatedEvent {
  organizationId: string;
  kinds: string[];
  /** ISO instant of the announcement. */
  at: string;
}

export type HubTopics = {
  messageAdded: [organizationId: string, event: MessageAddedEvent];
  messageUpdated: [organizationId: string, event: MessageUpdatedEvent];
  threadUpdated: [organizationId: string, event: ThreadUpdatedEvent];
  notificationAdded: [organizationId: string, event: NotificationAddedEvent];
  slaAlert: [organizationId: string, event: SlaAlertEvent];
  analyticsUpdated: [organizationId: string, event: AnalyticsUpdatedEvent];
  /** Not keyed: each server listens to all of it (server.ts), never a GraphQL subscription. */
  sessionsRevoked: [event: SessionsRevokedEvent];
};

/** Topics keyed by organization id (every GraphQL subscription's). */
export type OrganizationTopic = { [K in keyof HubTopics]: HubTopics[K] extends [organizationId: string, event: unknown] ? K : never }[keyof HubTopics];

/** The key of {@link AttachableStream}'s synchronous delivery. */
export const ATTACH = Symbol('hub.pubsub.attach');

/**
 * A `subscribeWhere` stream: an async iterator of the kept events, or, through `[ATTACH]`, the
 * same events handed to a callback synchronously in the event's dispatch (http/shared-subscriptions.ts
 * writes each subscriber's frames that way: no Repeater, promise or listener of its own per
 * subscriber and event, issue 8 §2). Use one or the other, not both.
 */
export interface AttachableStream<T> extends AsyncIterableIterator<T> {
  /** Calls `deliver` with each event `keep` accepts, from now on, until the returned function is called. */
  [ATTACH](deliver: (event: T) => void): () => void;
}

export type HubPubSub = PubSub<HubTopics> & {
  /**
   * The events of `topic` for organization `organizationId` that `keep` accepts, as one async
   * iterator: `pubsub.subscribe` and `filter` in one Repeater, the predicate run synchronously in
   * the event's dispatch (issue 8 §2: with 1,000 open subscriptions, `pipe(subscribe, filter)` was
   * two Repeaters and their promises per subscriber and event). Same topic names and event objects
   * as `subscribe` (in process and from Redis alike); `return()` removes the listener.
   */
  subscribeWhere<K extends OrganizationTopic>(topic: K, organizationId: string, keep: (event: HubTopics[K][1]) => boolean): AttachableStream<HubTopics[K][1]>;
  close(): Promise<void>;
  /** Whether the transport answers: Redis PING (null when in-process: nothing to reach). */
  ping(): Promise<boolean | null>;
};

/**
 * `target` with each listener's exception caught and reported to `onListenerError`
 * instead of thrown. A subscription's listener throws when its subscriber is
 * more than 1,024 events behind (Repeater's RepeaterOverflowError: the
 * subscription resolves each event with a query, and a burst of ingestion
 * outpaces it); thrown from an EventTarget listener that ended the process
 * (Node rethrows it on the next tick; the Redis target throws from the client's
 * 'message' handler). Now that subscriber misses the event, every other
 * listener still gets it, and the process lives.
 */
export function guardListeners(target: EventTarget, onListenerError: (err: unknown) => void): EventTarget {
  const guarded = new WeakMap<object, (event: Event) => void>();
  const wrap = (listener: Parameters<EventTarget['addEventListener']>[1] & object) => {
    let w = guarded.get(listener);
    if (!w) {
      const call = typeof listener === 'function' ? listener : (event: Event) => listener.handleEvent(event);
      w = (event: Event) => {
        try {
          call(event);
        } catch (err) {
          onListenerError(err);
        }
      };
      guarded.set(listener, w);
    }
    return w;
  };
  return {
    addEventListener: (type, listener, options) => (listener ? target.addEventListener(type, wrap(listener), options) : undefined),
    removeEventListener: (type, listener, options) => {
      const w = listener ? guarded.get(listener) : undefined;
      if (w) target.removeEventListener(type, w, options);
    },
    dispatchEvent: (event) => target.dispatchEvent(event),
  };
}

/** At most one report per 10 s of a subscriber's dropped events (`count` since the last report). */
function throttled(report: (err: unknown, count: number) => void): (err: unknown) => void {
  let last = 0;
  let count = 0;
  return (err) => {
    count++;
    const now = Date.now();
    if (now - last < 10_000) return;
    last = now;
    report(err, count);
    count = 0;
  };
}

/**
 * In-process pub/sub, or Redis when `redisUrl` is given. `onPublishError` hears
 * a publish Redis refused (connection closed, retries exhausted during an
 * outage); the event is lost for other instances, never the request's work.
 * `onSubscriberError` hears (at most every 10 s, with the number of events
 * since) that a subscriber missed events: it was more than 1,024 behind
 * (guardListeners). `onConnectionError` hears (at most every 10 s, with the
 * number since) a Redis connection's errors (refused, reset); ioredis
 * reconnects by itself and re-subscribes.
 */
export function createHubPubSub(
  redisUrl?: string,
  onPublishError: (err: unknown) => void = () => {},
  onSubscriberError: (err: unknown, missed: number) => void = () => {},
  onConnectionError: (err: unknown, count: number) => void = () => {},
): HubPubSub {
  const onListenerError = throttled(onSubscriberError);
  if (!redisUrl) {
    // One listener per open subscription of an organization's topic: Node's EventTarget would warn
    // (MaxListenersExceededWarning) from the 11th open inbox on; 0 lifts that warning's limit.
    const target = new EventTarget();
    setMaxListeners(0, target);
    const eventTarget = guardListeners(target, onListenerError);
    return Object.assign(createPubSub<HubTopics>({ eventTarget }), {
      subscribeWhere: subscribeWhere(createFanout(eventTarget, onListenerError)),
      close: async () => {},
      ping: async () => null,
    });
  }
  const onClientError = throttled(onConnectionError);
  const publishClient = createRedisClient(redisUrl, {}, onClientError);
  const subscribeClient = createSubscribeClient(redisUrl, onClientError);
  // redis-event-target drops the promise of `publish`: a rejection would be unhandled (and end the process).
  const publisher = {
    publish: (channel: string, message: string) => publishClient.publish(channel, message).catch((err: unknown) => (onPublishError(err), 0)),
  } as unknown as Redis;
  const eventTarget = guardListeners(createRedisEventTarget({ publishClient: publisher, subscribeClient }), onListenerError);
  const pubsub = createPubSub<HubTopics>({ eventTarget });
  return Object.assign(pubsub, {
    subscribeWhere: subscribeWhere(createFanout(eventTarget, onListenerError)),
    ping: async () => (await publishClient.ping().catch(() => null)) === 'PONG',
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}

/**
 * The ioredis client of the subscribe side (SUBSCRIBE/UNSUBSCRIBE and `message` events only),
 * without ioredis' ready check.
 *
 * Why: ioredis 5.8.2–5.11 sends CLIENT SETINFO after connecting and its ready check (INFO) only
 * when those answers are in. A SUBSCRIBE issued in that window is written at once (Redis allows it
 * while loading), its answer switches the connection to subscriber mode, and the INFO that follows
 * is refused ("Connection in subscriber mode, only subscriber commands may be used"): the client
 * drops the connection and reconnects, and events published meanwhile are lost
 * (redis/ioredis#2037; it made a restarted hub miss its SLA alerts in CI). A subscriber connection
 * needs no ready check: Redis accepts SUBSCRIBE while it loads its data set.
 * @param redisUrl redis:// or rediss:// URL (REDIS_URL)
 * @param onError hears its connection errors (shared/redis.ts)
 */
export function createSubscribeClient(redisUrl: string, onError?: (err: Error) => void): Redis {
  return createRedisClient(redisUrl, { enableReadyCheck: false }, onError);
}

/** Events a `subscribeWhere` subscriber may have waiting before its stream ends with {@link SubscriberTooSlowError}. */
export const SUBSCRIBER_MAX_BEHIND = 512;

/**
 * Ends a `subscribeWhere` stream whose subscriber fell more than SUBSCRIBER_MAX_BEHIND events
 * behind (after the events already waiting): it would otherwise miss events without knowing. The
 * graphql-ws edge closes such a subscriber's socket (1013), so the client reconnects and catches up.
 */
export class SubscriberTooSlowError extends Error {
  constructor(topic: string, max: number) {
    super(`subscriber more than ${max} ${topic} events behind`);
    this.name = 'SubscriberTooSlowError';
  }
}

/** Callbacks per event name behind one listener of the target each (see {@link createFanout}). */
interface Fanout {
  /** Calls `fn` with the `detail` of each event `name` from now on; returns the function that stops it. */
  add(name: string, fn: (detail: unknown) => void): () => void;
}

/**
 * One listener of `target` per event name, calling every callback added for that name in turn:
 * with 1,000 open inboxes of an organization an event was 1,000 EventTarget listeners (Node's
 * dispatch ~9 % of the fan-out's main thread, docs/measurements.md "Stop 26"). A callback's exception is
 * reported to `onError` and the others still run (as guardListeners does per listener). The
 * listener is added with the first callback of a name and removed with its last (a Redis target
 * subscribes and unsubscribes the channel then).
 */
export function createFanout(target: EventTarget, onError: (err: unknown) => void): Fanout {
  const byName = new Map<string, { fns: Set<(detail: unknown) => void>; listener: (event: Event) => void }>();
  return {
    add(name, fn) {
      let entry = byName.get(name);
      if (!entry) {
        const fns = new Set<(detail: unknown) => void>();
        const listener = (event: Event) => {
          const detail = (event as CustomEvent).detail;
          for (const f of fns) {
            try {
              f(detail);
            } catch (err) {
              onError(err);
            }
          }
        };
        entry = { fns, listener };
        byName.set(name, entry);
        target.addEventListener(name, listener);
      }
      const mine = entry;
      mine.fns.add(fn);
      return () => {
        if (!mine.fns.delete(fn) || mine.fns.size > 0 || byName.get(name) !== mine) return;
        byName.delete(name);
        target.removeEventListener(name, mine.listener);
      };
    },
  };
}

/**
 * HubPubSub#subscribeWhere over a fan-out of the target: what @graphql-yoga/subscription's
 * createPubSub#subscribe does (a Repeater of the event `<topic>:<organizationId>`'s `detail`s),
 * with the filter applied before the push, or (`[ATTACH]`) the kept events handed to a callback.
 */
function subscribeWhere(fanout: Fanout): HubPubSub['subscribeWhere'] {
  return (topic, organizationId, keep) => {
    const name = `${topic}:${organizationId}`;
    const stream = new Repeater<never>((push, stop) => {
      // Events pushed and not yet taken by the subscriber.
      let behind = 0;
      const taken = () => {
        behind--;
      };
      const remove = fanout.add(name, (detail) => {
        if (!keep(detail as never)) return;
        if (behind >= SUBSCRIBER_MAX_BEHIND) {
          remove();
          stop(new SubscriberTooSlowError(topic, SUBSCRIBER_MAX_BEHIND));
          return;
        }
        behind++;
        push(detail as never).then(taken, taken);
      });
      void stop.then(remove);
    });
    const attach = (deliver: (event: never) => void) =>
      fanout.add(name, (detail) => {
        if (keep(detail as never)) deliver(detail as never);
      });
    return Object.assign(stream, { [ATTACH]: attach });
  };
}
