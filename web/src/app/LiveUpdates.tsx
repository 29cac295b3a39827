import { useEffect, useMemo } from 'react';
import { useApolloClient, useSubscription } from '@apollo/client/react';
import type { ApolloClient } from '@apollo/client';
import { graphql } from '../gql';
import { appendMessageToThread, bumpThreadInLists } from './cacheUpdates';
import { InboxThreadsQuery } from '../features/inbox/ThreadList';
import { TeamQueueThreadsQuery } from '../features/inbox/QueueList';
import { InboxUnreadCountsQuery } from '../features/inbox/unreadCounts';

export const LiveMessageAddedSubscription = graphql(`
  subscription LiveMessageAdded {
    messageAdded {
      id
      createdAt
      ...MessageItem_message
      thread {
        id
        ...ThreadRow_thread
        ...ReplyWindow_thread
      }
    }
  }
`);

export const LiveMessageUpdatedSubscription = graphql(`
  subscription LiveMessageUpdated {
    messageUpdated {
      id
      deliveryStatus
      readAt
      canRetry
      deliveries {
        attempt
        status
        httpStatus
        errorCode
        error
        finishedAt
      }
    }
  }
`);

export const LiveThreadUpdatedSubscription = graphql(`
  subscription LiveThreadUpdated {
    threadUpdated {
      id
      ...ThreadRow_thread
      ...ThreadHeader_thread
      ...ReplyWindow_thread
    }
  }
`);

const LIST_QUERIES = [InboxThreadsQuery, TeamQueueThreadsQuery];
/** The inbox tabs' unread counts: any message or thread change may change them. */
const COUNT_QUERIES = [InboxUnreadCountsQuery];
/** Unread tab counts refresh at most this often on live events (ms). */
export const COUNTS_REFRESH_MS = 2_000;

function operationName(doc: (typeof LIST_QUERIES)[number] | (typeof COUNT_QUERIES)[number]): string | undefined {
  const def = doc.definitions.find((d) => d.kind === 'OperationDefinition');
  return def && 'name' in def ? def.name?.value : undefined;
}

/**
 * SLA ladder steps as they fire (for the viewer's own alerts; managers get all): the thread's
 * clocks and fired steps are normalised into the cache, so rows recolour and an open timeline
 * shows the new step at once.
 */
export const LiveSlaAlertSubscription = graphql(`
  subscription LiveSlaAlert {
    slaAlert {
      action
      thread {
        id
        ...ThreadRow_thread
        ...ThreadHeader_thread
        ...TimelineSlaEvents_thread
      }
    }
  }
`);

/** Refetch the active inbox list(s) at most once per `ms` (coalesces bursts of events). */
function makeListRefetcher(client: ApolloClient, ms = 300, queries: ReadonlyArray<(typeof LIST_QUERIES)[number] | (typeof COUNT_QUERIES)[number]> = LIST_QUERIES) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    // Only lists that are on screen (naming an inactive query in `include` warns).
    const active = [...client.getObservableQueries('active')].map((q) => q.queryName);
    const include = queries.filter((q) => active.includes(operationName(q)));
    if (include.length > 0) void client.refetchQueries({ include });
  };
  return {
    schedule() {
      if (!timer) timer = setTimeout(run, ms);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/**
 * Organisation-wide live updates, mounted once for the signed-in app.
 *
 * Every payload is normalised into the cache by Apollo (Message:id, Thread:id), which already
 * refreshes open timelines' message ticks and inbox row fields. Lists need explicit help:
 * - messageAdded: append to Thread.messages windows, move the thread to the top of cached
 *   inbox lists; if the thread is in no cached list, refetch the visible list.
 * - threadUpdated: a thread we have never listed (e.g. just created) triggers a list refetch.
 * - both: the inbox tabs' unread counts (InboxUnreadCounts) are refetched when on screen.
 * - slaAlert: only normalised (fresh SLA clocks and fired steps of the thread).
 */
export function LiveUpdates() {
  const client = useApolloClient();
  const refetcher = useMemo(() => makeListRefetcher(client), [client]);
  useEffect(() => () => refetcher.cancel(), [refetcher]);
  // Counts are nine COUNTs on the server: at most one refresh per 2 s per open inbox (a busy
  // organization's every event would otherwise cost each open inbox nine counts).
  const countsRefetcher = useMemo(() => makeListRefetcher(client, COUNTS_REFRESH_MS, COUNT_QUERIES), [client]);
  useEffect(() => () => countsRefetcher.cancel(), [countsRefetcher]);

  useSubscription(LiveMessageAddedSubscription, {
    onData: ({ client: c, data }) => {
      const message = data.data?.messageAdded;
      if (!message?.thread) return;
      const ref = c.cache.identify(message);
      if (ref) appendMessageToThread(c.cache, message.thread.id, { __ref: ref });
      if (!bumpThreadInLists(c.cache, message.thread.id)) refetcher.schedule();
      countsRefetcher.schedule();
    },
  });

  useSubscription(LiveMessageUpdatedSubscription);

  useSubscription(LiveSlaAlertSubscription);

  useSubscription(LiveThreadUpdatedSubscription, {
    onData: ({ client: c, data }) => {
      const thread = data.data?.threadUpdated;
      if (!thread) return;
      if (!isThreadListed(c, thread.id)) refetcher.schedule();
      countsRefetcher.schedule();
    },
  });

  return null;
}

function isThreadListed(client: ApolloClient, threadId: string): boolean {
  let listed = false;
  client.cache.modify<Record<string, unknown>>({
    id: 'ROOT_QUERY',
    fields: {
      threads(existing, { readField }) {
        const edges = (existing as unknown as { edges?: { node: never }[] } | undefined)?.edges;
        if (edges?.some((e) => readField<string>('id', e.node) === threadId)) listed = true;
        return existing;
      },
    },
  });
  return listed;
}
