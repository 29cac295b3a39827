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
import { PER_VIEWER } from '../schema/common.js';
import { metrics } from './metrics.js';
import type { HubContext } from '../shared/context.js';

/** Per event: the execution of each audience (share key), so later subscribers reuse the first one's result. */
const executions = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
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

/**
 * The result of `event` for the audience `key`: executed by the first subscriber to ask, the same
 * promise for the others. `run` executes for one subscriber.
 */
function sharedResult(event: unknown, key: string | null, run: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
  if (key === null || typeof event !== 'object' || event === null) return run();
  let byKey = executions.get(event);
  if (!byKey) executions.set(event, (byKey = new Map()));
  let result = byKey.get(key);
  if (!result) {
    result = run();
    byKey.set(key, result);
  }
  return result;
}

/**
 * graphql-ws `subscribe`: the source event stream of one subscriber, each event mapped to the
 * result shared by its audience (see the module comment). Returns an ExecutionResult with errors
 * when the subscription cannot start (as graphql-js' subscribe does).
 */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in (stream as object))) return stream as ExecutionResult;
  const key = shareKey(args);
  return mapAsyncIterator(stream as AsyncIterable<unknown>, (event) => {
    metrics.subscriptionDeliveries.inc();
    return sharedResult(event, key, async () => {
      metrics.subscriptionExecutions.inc();
      return execute({ ...args, rootValue: event, contextValue: { ...(args.contextValue as object) } });
    });
  });
}
