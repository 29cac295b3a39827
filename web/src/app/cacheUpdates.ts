import type { ApolloCache, Reference } from '@apollo/client';
import type { ThreadTasks_ThreadFragment, Timeline_ThreadFragment } from '../gql/graphql';

/**
 * Cache surgery shared by mutations (postMessage, createTask) and live subscriptions.
 * The server payload itself is normalised automatically (every type has a global `id`);
 * these helpers only fix up *lists*, which Apollo cannot know how to change.
 */

type StoredEdge = { __typename?: string; cursor?: string; node: Reference };
type StoredConnection = { __typename?: string; edges: StoredEdge[]; totalCount?: number; [k: string]: unknown };

// Edge type names come from the schema (Pothos names some edges `<Parent><Field>ConnectionEdge`);
// typing them from the generated fragments makes tsc fail if the schema renames them.
const MESSAGE_EDGE: Timeline_ThreadFragment['messages']['edges'][number]['__typename'] = 'MessageEdge';
const TASK_EDGE: ThreadTasks_ThreadFragment['tasks']['edges'][number]['__typename'] = 'ThreadTasksConnectionEdge';

function edgeTypename(conn: StoredConnection, fallback: string): string {
  return conn.edges.find((e) => e.__typename)?.__typename ?? fallback;
}

/** Append a message to every cached `Thread.messages(...)` window of that thread (deduplicated). */
export function appendMessageToThread(cache: ApolloCache, threadId: string, message: Reference): void {
  const id = cache.identify({ __typename: 'Thread', id: threadId });
  if (!id) return;
  cache.modify<Record<string, unknown>>({
    id,
    fields: {
      messages(existing, { readField }) {
        const conn = existing as unknown as StoredConnection | undefined;
        if (!conn || !Array.isArray(conn.edges)) return existing;
        const msgId = readField<string>('id', message);
        if (conn.edges.some((e) => readField<string>('id', e.node) === msgId)) return existing;
        const edge: StoredEdge = {
          __typename: edgeTypename(conn, MESSAGE_EDGE),
          cursor: msgId ?? '',
          node: message,
        };
        return {
          ...conn,
          edges: [...conn.edges, edge],
          ...(typeof conn.totalCount === 'number' ? { totalCount: conn.totalCount + 1 } : {}),
        } as never;
      },
    },
  });
}

/** Prepend a task to the cached `Thread.tasks(...)` of that thread (deduplicated). */
export function prependTaskToThread(cache: ApolloCache, threadId: string, task: Reference): void {
  const id = cache.identify({ __typename: 'Thread', id: threadId });
  if (!id) return;
  cache.modify<Record<string, unknown>>({
    id,
    fields: {
      tasks(existing, { readField }) {
        const conn = existing as unknown as StoredConnection | undefined;
        if (!conn || !Array.isArray(conn.edges)) return existing;
        const taskId = readField<string>('id', task);
        if (conn.edges.some((e) => readField<string>('id', e.node) === taskId)) return existing;
        const edge: StoredEdge = { __typename: edgeTypename(conn, TASK_EDGE), cursor: taskId ?? '', node: task };
        return {
          ...conn,
          edges: [edge, ...conn.edges],
          ...(typeof conn.totalCount === 'number' ? { totalCount: conn.totalCount + 1 } : {}),
        } as never;
      },
    },
  });
}

function parseStoreArgs(storeFieldName: string): Record<string, unknown> {
  const i = storeFieldName.indexOf(':');
  if (i < 0) return {};
  try {
    return JSON.parse(storeFieldName.slice(i + 1)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * Move a thread to the top of every cached inbox list ordered by last activity.
 * Returns true when the thread was present in at least one cached list; when false the
 * caller should refetch the visible list (we cannot know whether it matches each filter).
 */
export function bumpThreadInLists(cache: ApolloCache, threadId: string): boolean {
  let found = false;
  cache.modify<Record<string, unknown>>({
    id: 'ROOT_QUERY',
    fields: {
      threads(existing, { readField, storeFieldName }) {
        const conn = existing as unknown as StoredConnection | undefined;
        if (!conn || !Array.isArray(conn.edges)) return existing;
        const index = conn.edges.findIndex((e) => readField<string>('id', e.node) === threadId);
        if (index < 0) return existing;
        found = true;
        const orderBy = parseStoreArgs(storeFieldName).orderBy ?? 'LAST_MESSAGE_AT_DESC';
        if (index === 0 || orderBy !== 'LAST_MESSAGE_AT_DESC') return existing;
        const edges = [...conn.edges];
        const [edge] = edges.splice(index, 1);
        edges.unshift(edge!);
        return { ...conn, edges } as never;
      },
    },
  });
  return found;
}
