import type { ApolloClient } from '@apollo/client';
import { graphql } from '../gql';

/**
 * Catch-up after the live connection comes back (the one place that knows what a reconnect must
 * refresh). While the socket was down, `messageAdded` / `threadUpdated` / `notificationAdded`
 * events were lost; on reconnect the client asks for exactly what it missed:
 *
 * 1. every open thread (an active `ThreadView` query): the messages after the newest cursor
 *    the server gave us, `messages(first: 50, after: cursor)`, page by page; the cache policy
 *    (messagesPagination.ts, `after` branch) appends them without duplicates;
 * 2. every active query is refetched: the visible thread list(s) (latest previews, order), the
 *    bell's unread count and notifications, the open thread's header, whatever is on screen
 *    (the thread view merged, so the earlier pages the agent loaded stay).
 *
 * Subscriptions are re-subscribed by graphql-ws itself before this runs, so nothing that
 * happens after the reconnect is missed either.
 */

export const CatchUpMessagesQuery = graphql(`
  query CatchUpMessages($threadId: ID!, $first: Int!, $after: String!) {
    node(id: $threadId) {
      id
      ... on Thread {
        messages(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            cursor
            node {
              id
              createdAt
              ...MessageItem_message
            }
          }
        }
      }
    }
  }
`);

/** The cached window of a thread's messages (one per thread: `keyArgs: false`), cursors and times only. */
export const CatchUpWindow_thread = graphql(`
  fragment CatchUpWindow_thread on Thread {
    id
    messages {
      edges {
        cursor
        node {
          id
          createdAt
        }
      }
    }
  }
`);

/** Page size of a catch-up request (the API's page limit is higher). */
export const CATCH_UP_PAGE_SIZE = 50;
/** At most this many pages per thread; beyond that the refetch of the open thread replaces its window. */
export const CATCH_UP_MAX_PAGES = 10;

/** Name of the open thread's query (features/thread/ThreadView.tsx). */
const THREAD_VIEW_QUERY = 'ThreadView';
/**
 * Active queries a catch-up leaves alone: pages of older history ("Load earlier messages",
 * features/thread/useEarlierMessages.ts) do not change while offline, and refetching one would
 * overwrite the thread's whole window with that old page.
 */
const NOT_REFETCHED = new Set(['TimelineEarlierMessages']);

export interface CatchUpReport {
  /** Per open thread: how many messages the catch-up added to its window (null: no cursor, left to the refetch). */
  threads: { threadId: string; added: number | null }[];
  /** How many active queries were refetched. */
  refetched: number;
}

/** Ids of the threads open on screen (variables of the active ThreadView queries). */
export function openThreadIds(client: ApolloClient): string[] {
  const ids = new Set<string>();
  for (const q of client.getObservableQueries('active')) {
    const id = (q.variables as { id?: unknown } | undefined)?.id;
    if (q.queryName === THREAD_VIEW_QUERY && typeof id === 'string') ids.add(id);
  }
  return [...ids];
}

/** The cached (non-optimistic) edges of a thread's messages window; [] when none. */
function cachedWindow(client: ApolloClient, threadId: string) {
  const id = client.cache.identify({ __typename: 'Thread', id: threadId });
  if (!id) return [];
  const data = client.cache.readFragment({ id, fragment: CatchUpWindow_thread, fragmentName: 'CatchUpWindow_thread' });
  return data?.messages.edges ?? [];
}

/**
 * The cursor of the newest cached message of `threadId` that came from the server, or null.
 * Messages appended live or by a mutation (cacheUpdates.ts) carry their id as a placeholder
 * cursor; those are skipped, so the catch-up starts at the newest real cursor and the messages
 * after it that are already cached come back once more and are deduplicated by the merge.
 * Optimistic (pending) messages are not read at all.
 */
export function newestServerCursor(client: ApolloClient, threadId: string): string | null {
  const edges = [...cachedWindow(client, threadId)];
  edges.sort((a, b) => (b.node.createdAt ?? '').localeCompare(a.node.createdAt ?? ''));
  return edges.find((e) => e.cursor && e.cursor !== e.node.id)?.cursor ?? null;
}

/**
 * Fetches the messages of `threadId` after its newest server cursor, following `hasNextPage`
 * up to `CATCH_UP_MAX_PAGES` pages (each merged into the cached window by the messages policy).
 * Returns how many messages that added to the window, or null when the thread has no server
 * cursor cached. Throws what Apollo throws (network, GraphQL errors).
 */
export async function catchUpThread(client: ApolloClient, threadId: string): Promise<number | null> {
  const start = newestServerCursor(client, threadId);
  if (!start) return null;
  let after: string = start;
  const before = new Set(cachedWindow(client, threadId).map((e) => e.node.id));
  for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
    const { data } = await client.query({
      query: CatchUpMessagesQuery,
      variables: { threadId, first: CATCH_UP_PAGE_SIZE, after },
      fetchPolicy: 'network-only',
    });
    const node = data?.node;
    if (node?.__typename !== 'Thread') break;
    // `data` is read back from the cache: the merged window, whose pageInfo ends at this page.
    const next: string | null | undefined = node.messages.pageInfo.endCursor;
    if (!node.messages.pageInfo.hasNextPage || !next) break;
    after = next;
  }
  return cachedWindow(client, threadId).filter((e) => !before.has(e.node.id)).length;
}

/**
 * The whole catch-up (see the module comment): open threads first, then every active query.
 * A thread that fails to catch up does not stop the others nor the refetch; the first error
 * is rethrown at the end.
 */
export async function catchUp(client: ApolloClient): Promise<CatchUpReport> {
  const report: CatchUpReport = { threads: [], refetched: 0 };
  let firstError: unknown = null;
  for (const threadId of openThreadIds(client)) {
    try {
      report.threads.push({ threadId, added: await catchUpThread(client, threadId) });
    } catch (e) {
      firstError ??= e;
    }
  }
  try {
    const results = client.refetchQueries({
      include: 'active',
      // A watched query's refetch overwrites its cache fields (no merge function runs), which
      // would cut the open thread's window down to its newest page: the thread view is read again
      // as a plain network-only query instead, merged by the messages policy. Older pages: skipped.
      onQueryUpdated: (oq) => {
        if (oq.queryName && NOT_REFETCHED.has(oq.queryName)) return false;
        if (oq.queryName === THREAD_VIEW_QUERY) return client.query({ query: oq.query, variables: oq.variables, fetchPolicy: 'network-only' });
        return true;
      },
    });
    report.refetched = results.queries.length;
    await results;
  } catch (e) {
    firstError ??= e;
  }
  if (firstError) throw firstError;
  return report;
}

/**
 * Coalesces reconnects: one catch-up at a time; a reconnect during a run schedules exactly one
 * more run after it (so a second drop while catching up is caught up too). Errors are reported
 * to `onError` (default: console.warn) and never thrown; the next reconnect tries again.
 */
export function createCatchUpRunner(
  client: ApolloClient,
  run: (client: ApolloClient) => Promise<unknown> = catchUp,
  onError: (e: unknown) => void = (e) => console.warn('catch-up after reconnect failed', e),
): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      try {
        await run(client);
      } catch (e) {
        onError(e);
      }
    } while (again);
    running = null;
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = loop();
    return running;
  };
}
