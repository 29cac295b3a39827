/**
 * Subscription events executed once per audience, not once per subscriber (issue 8 §2).
 *
 * graphql-js runs a subscription's selection for every subscriber and every event: one message
 * fanned out to 1,000 open inboxes was 1,000 executions of the same document over the same row.
 * This is graphql-ws' `subscribe` (ServerOptions.subscribe) doing what graphql-js' `subscribe`
 * does (`createSourceEventStream`, then `execute` with the event as rootValue, see
 * graphql/execution/subscribe.js) with one difference: subscribers whose results must be equal
 * share one execution per event. They must be equal when the subscribers have
 *
 * - the same organization (topics are per organization anyway),
 * - the same document, operation name and variables,
 * - the same authority: a user's role (every rule of modules/auth/permissions.ts is a function of
 *   the role, `authScopesOf`), an API key's id (its scopes and channel),
 * - and, when the document selects anything that depends on who is asking (a field, object type
 *   or input type marked `extensions: { perViewer: true }`: Thread.unread, Thread.lastReadAt,
 *   ThreadConnection.unreadCount, ThreadFilter's mine/myTeams/unread, Notification), the same user.
 *
 * Each subscriber still has its own source stream (its `threadId` filter, the SLA alert audience
 * of slaAlert), so who receives an event is decided per subscriber, in memory; only what they
 * receive is shared. The shared execution runs with a fresh copy of the first subscriber's
 * context, so per-request caches (DataLoaders keyed by the context: read marks, Pothos loaders)
 * live for one event, not for the socket's lifetime (they used to: a read mark could be served
 * stale from an earlier event).
 *
 * Results live as long as the event object: the pub/sub hands every subscriber of an
 * organization the same object (in process and from Redis alike, shared/pubsub.ts); an event
 * that is not an object is executed per subscriber.
 *
 * Each shared result is also serialized once: a subscription registered with
 * {@link deliverDirectly} (server.ts does so for every graphql-ws subscription) gets its `next`
 * frames written straight to its socket as `{"id":<its id>,"type":"next","payload":<shared JSON>}`,
 * the frame graphql-ws' own `emit.next` would have written (graphql-ws/dist/server: `stringifyMessage`
 * of `{ id, type: 'next', payload: { ...result, errors: errors.map(toJSON) } }`), without its
 * per-subscriber JSON.stringify, `onNext` hook, send promise and write callback (in a profile of
 * 1,000 subscribers, docs/measurements.md stop 19: graphql-ws' own code 119 ms of ~2.1 s busy time
 * for 20 messages, plus the promises and garbage it made). What graphql-ws still does for such a subscription: the
 * protocol (connection_init, subscribe, complete, errors, ping), the end of the stream (`complete`
 * frame) and an error thrown by the source stream (`error` frame). The hub sets neither
 * `jsonMessageReplacer` nor `onNext`; setting one would need this path to honour it.
 *
 * When the source can hand its events over synchronously (every `subscribeWhere` topic,
 * shared/pubsub.ts `AttachableStream`), such a subscription attaches to the pub/sub's fan-out
 * instead of iterating its source ({@link attachedStream}): per subscriber and event no Repeater
 * push, iterator step or promise chain, only the filter, a queue entry and the socket write,
 * called in turn by the audience's execution when it settles (1,000 subscribers: the server's CPU
 * per message 127 → 49–62 ms, docs/measurements.md "Stop 26").
 */
import {
  createSourceEventStream,
  execute,
  TypeInfo,
  getNamedType,
  print,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { mapAsyncIterator } from 'graphql/execution/mapAsyncIterator.js';
import type { WebSocket } from 'ws';
import { PER_VIEWER } from '../schema/common.js';
import { metrics } from './metrics.js';
import { ATTACH, SUBSCRIBER_MAX_BEHIND, SubscriberTooSlowError, type AttachableStream } from '../shared/pubsub.js';
import type { HubContext } from '../shared/context.js';

/** An execution result and its `payload` JSON as graphql-ws would write it. */
interface Shared {
  result: ExecutionResult;
  json: string;
}
/**
 * One execution of an event for an audience: its promise, and once it settled its outcome read
 * synchronously, with the callbacks of subscribers waiting for it (called in turn when it settles:
 * no promise reaction per subscriber).
 */
interface Execution {
  promise: Promise<Shared>;
  settled: boolean;
  shared?: Shared;
  error?: unknown;
  waiting: (() => void)[];
}
/** Per event: the execution of each audience (share key), so later subscribers reuse the first one's result. */
const executions = new WeakMap<object, Map<string, Execution>>();
/** Subscriptions whose frames go straight to their socket: the ExecutionArgs graphql-ws passes to `subscribe` → socket and subscription id. */
const directTargets = new WeakMap<ExecutionArgs, { socket: WebSocket; id: string }>();
/** Events of one subscription executed at once by the direct delivery (their frames still go out in order). */
const FRAMES_IN_FLIGHT = 16;
/** Bytes a subscriber's socket may have waiting to be sent before it is closed as too slow (see directStream). */
export const SLOW_SOCKET_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Per parsed document: its printed text (the key part) and whether it selects per-viewer fields. */
const documents = new WeakMap<DocumentNode, { text: string; perViewer: boolean }>();

const marked = (thing: { extensions?: Readonly<Record<string, unknown>> | null } | null | undefined) => !!thing?.extensions?.[PER_VIEWER];

/** Whether `document` selects a field, object type or argument type marked perViewer (see the module comment). */
export function selectsPerViewer(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const def = typeInfo.getFieldDef();
        if (marked(def) || marked(typeInfo.getParentType()) || (def && marked(getNamedType(def.type) as never))) found = true;
      },
      Argument() {
        const arg = typeInfo.getArgument();
        if (arg && marked(getNamedType(arg.type) as never)) found = true;
      },
      InlineFragment() {
        if (marked(typeInfo.getType() as never)) found = true;
      },
    }),
  );
  return found;
}

function describeDocument(schema: GraphQLSchema, document: DocumentNode) {
  let d = documents.get(document);
  if (!d) {
    d = { text: print(document), perViewer: selectsPerViewer(schema, document) };
    documents.set(document, d);
  }
  return d;
}

/**
 * The audience of one subscriber: subscribers with the same key receive the same result for the
 * same event. null: not shared (no viewer). Called after createSourceEventStream accepted the
 * document, so it names exactly one operation.
 */
export function shareKey(args: ExecutionArgs): string | null {
  const ctx = args.contextValue as HubContext | undefined;
  const viewer = ctx?.viewer;
  if (!ctx || !viewer) return null;
  const doc = describeDocument(args.schema, args.document);
  const who = viewer.kind === 'API_KEY' ? `key:${viewer.id}` : doc.perViewer ? `user:${viewer.id}` : `role:${viewer.role}`;
  return JSON.stringify([ctx.organizationId, who, args.operationName ?? null, args.variableValues ?? {}, doc.text]);
}

/** Starts `run` as an {@link Execution}. */
function execution(run: () => Promise<ExecutionResult>): Execution {
  const e: Execution = { promise: run().then(serialized), settled: false, waiting: [] };
  e.promise.then(
    (shared) => settle(e, shared, undefined),
    (err: unknown) => settle(e, undefined, err),
  );
  return e;
}

function settle(e: Execution, shared: Shared | undefined, error: unknown): void {
  e.settled = true;
  e.shared = shared;
  e.error = error;
  const waiting = e.waiting;
  e.waiting = [];
  for (const w of waiting) w();
}

/**
 * The execution of `event` for the audience `key`: started by the first subscriber to ask, the
 * same one for the others. `run` executes for one subscriber.
 */
function sharedExecution(event: unknown, key: string | null, run: () => Promise<ExecutionResult>): Execution {
  if (key === null || typeof event !== 'object' || event === null) return execution(run);
  let byKey = executions.get(event);
  if (!byKey) executions.set(event, (byKey = new Map()));
  let e = byKey.get(key);
  if (!e) {
    e = execution(run);
    byKey.set(key, e);
  }
  return e;
}

/** The result with the `payload` JSON graphql-ws 6 writes for it (errors after the rest, each GraphQLError#toJSON). */
function serialized(result: ExecutionResult): Shared {
  const { errors, ...rest } = result;
  return { result, json: JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest) };
}

/**
 * Marks the subscription `id` of `socket`, whose graphql-ws ExecutionArgs are `args` (the object
 * onSubscribe returns, which graphql-ws hands to `subscribe`), for direct delivery: its `next`
 * frames are written to the socket by {@link subscribeShared} (see the module comment). `args`
 * must be this subscription's own object, not one shared with another subscription.
 * @throws Error when `id` is empty (graphql-ws refuses such a subscribe message before this).
 */
export function deliverDirectly(args: ExecutionArgs, socket: WebSocket, id: string): void {
  if (!id) throw new Error('deliverDirectly: a subscription id is required');
  directTargets.set(args, { socket, id });
}

/**
 * Writes a `next` frame to a subscriber's socket. As graphql-ws' own ws glue (graphql-ws/use/ws):
 * nothing is written to a socket that is not open. Frames are not awaited (one write per
 * subscriber, no callback): a client that stops reading would make its socket's buffer grow with
 * every event. Past SLOW_SOCKET_MAX_BUFFERED_BYTES it is closed with 1013 (try again later); the
 * web app reconnects and catches up what it missed (web/src/app/catchUp.ts).
 */
function writeFrame(socket: WebSocket, data: string): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > SLOW_SOCKET_MAX_BUFFERED_BYTES) {
    socket.close(1013, 'Too far behind: reconnect');
    return;
  }
  socket.send(data);
}

/**
 * The subscription's stream for graphql-ws when its frames are written directly: an async
 * iterator that never yields. Its first `next()` starts consuming `events` (lazily, as graphql-js'
 * streams start), each event's shared result is written to the socket in order, and the promise
 * settles when the source ends (graphql-ws then sends `complete`) or throws (graphql-ws sends
 * `error`). `return()` (the client's `complete`, the socket's close) ends the source at once, even
 * while it waits for an event — an async generator could not (its return waits for the next yield).
 */
function directStream(events: AsyncIterator<unknown>, frame: (event: unknown) => Promise<string>, socket: WebSocket): AsyncGenerator<never> {
  let loop: Promise<IteratorResult<never>> | null = null;
  let ended = false;
  const end = async (): Promise<IteratorResult<never>> => {
    if (!ended) {
      ended = true;
      await events.return?.();
    }
    return { done: true, value: undefined };
  };
  const send = (data: string) => {
    if (!ended) writeFrame(socket, data);
  };
  const run = async (): Promise<IteratorResult<never>> => {
    // Up to FRAMES_IN_FLIGHT events are executed at once (each event's result may need a query), their frames
    // written in the events' order: one execution at a time kept a busy organization's subscriber behind its events.
    let previous: Promise<void> = Promise.resolve();
    const inFlight = new Set<Promise<void>>();
    try {
      while (!ended) {
        let step: IteratorResult<unknown>;
        try {
          step = await events.next();
        } catch (err) {
          if (!(err instanceof SubscriberTooSlowError)) throw err;
          await previous;
          if (socket.readyState === socket.OPEN) socket.close(1013, 'Too far behind: reconnect');
          break;
        }
        if (step.done) break;
        const data = frame(step.value);
        const after = previous;
        const written = (async () => {
          const text = await data;
          await after;
          send(text);
        })();
        previous = written;
        inFlight.add(written);
        written.then(
          () => inFlight.delete(written),
          () => inFlight.delete(written),
        );
        if (inFlight.size >= FRAMES_IN_FLIGHT) await Promise.race(inFlight);
      }
      await previous;
    } finally {
      await end();
    }
    return { done: true, value: undefined };
  };
  return neverYielding(() => (loop ??= run()), end);
}

/** An async generator that yields nothing: `next` settles when the stream ends, `return` ends it. */
function neverYielding(next: () => Promise<IteratorResult<never>>, end: () => Promise<IteratorResult<never>>): AsyncGenerator<never> {
  const stream: AsyncGenerator<never> = {
    next,
    return: end,
    throw: async (err: unknown) => {
      await end();
      throw err;
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}

/**
 * The subscription's stream for graphql-ws when its source can hand events over synchronously
 * ({@link AttachableStream}, every `subscribeWhere` topic): as {@link directStream}, without
 * iterating the source. Each kept event is handed over in its dispatch; this subscriber's frames
 * wait in a queue for their audience's execution and are written in the events' order as soon as
 * the head's has settled (usually at once, in the loop that settles the execution for the whole
 * audience). More than SUBSCRIBER_MAX_BEHIND frames waiting closes the socket with 1013, as a
 * source stream that fell behind does. An execution that failed ends the stream with its error
 * (graphql-ws sends `error`).
 */
function attachedStream(source: AttachableStream<unknown>, execute: (event: unknown) => Execution, prefix: string, socket: WebSocket): AsyncGenerator<never> {
  let loop: Promise<IteratorResult<never>> | null = null;
  let ended = false;
  let detach = () => {};
  let finish: (r: IteratorResult<never>) => void = () => {};
  let fail: (err: unknown) => void = () => {};
  const queue: Execution[] = [];
  // Stops the deliveries and ends the source (never iterated: its return() only closes it).
  const release = () => {
    ended = true;
    queue.length = 0;
    detach();
    void source.return?.();
  };
  const end = async (): Promise<IteratorResult<never>> => {
    if (!ended) {
      release();
      finish({ done: true, value: undefined });
    }
    return { done: true, value: undefined };
  };
  const flush = () => {
    while (!ended && queue.length > 0 && queue[0]!.settled) {
      const e = queue.shift()!;
      if (e.error !== undefined || !e.shared) {
        release();
        fail(e.error);
        return;
      }
      writeFrame(socket, `${prefix}${e.shared.json}}`);
    }
  };
  const deliver = (event: unknown) => {
    if (ended) return;
    if (queue.length >= SUBSCRIBER_MAX_BEHIND) {
      void end();
      if (socket.readyState === socket.OPEN) socket.close(1013, 'Too far behind: reconnect');
      return;
    }
    const e = execute(event);
    queue.push(e);
    if (e.settled) flush();
    else e.waiting.push(flush);
  };
  return neverYielding(
    () =>
      (loop ??= new Promise<IteratorResult<never>>((resolve, reject) => {
        finish = resolve;
        fail = reject;
        if (ended) resolve({ done: true, value: undefined });
        else detach = source[ATTACH](deliver);
      })),
    end,
  );
}

/**
 * graphql-ws `subscribe`: the source event stream of one subscriber, each event mapped to the
 * result shared by its audience (see the module comment). Returns an ExecutionResult with errors
 * when the subscription cannot start (as graphql-js' subscribe does). For a subscription marked
 * with {@link deliverDirectly}, the results are written to its socket as graphql-ws `next` frames
 * and the returned stream yields nothing (it ends when the source ends).
 */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in (stream as object))) return stream as ExecutionResult;
  const key = shareKey(args);
  const executionOf = (event: unknown) => {
    metrics.subscriptionDeliveries.inc();
    return sharedExecution(event, key, async () => {
      metrics.subscriptionExecutions.inc();
      return execute({ ...args, rootValue: event, contextValue: { ...(args.contextValue as object) } });
    });
  };
  const target = directTargets.get(args);
  if (!target) return mapAsyncIterator(stream as AsyncIterable<unknown>, async (event) => (await executionOf(event).promise).result);
  // The frame graphql-ws' emit.next writes (graphql-ws/dist/server, MessageType.Next), its id JSON-encoded once.
  const prefix = `{"id":${JSON.stringify(target.id)},"type":"next","payload":`;
  if (ATTACH in (stream as object)) return attachedStream(stream as AttachableStream<unknown>, executionOf, prefix, target.socket);
  const events = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  return directStream(events, async (event) => `${prefix}${(await executionOf(event).promise).json}}`, target.socket);
}
