import type { ApolloClient } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';

/** The per-viewer triage fields every triage mutation returns (normalised by Thread:id). */
export const ThreadTriage_thread = graphql(`
  fragment ThreadTriage_thread on Thread {
    id
    unread
    lastReadAt
    snoozedUntil
    lastInboundAt
  }
`);

export const MarkThreadReadMutation = graphql(`
  mutation MarkThreadRead($threadId: ID!) {
    markThreadRead(threadId: $threadId) {
      thread {
        id
        ...ThreadTriage_thread
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const MarkThreadUnreadMutation = graphql(`
  mutation MarkThreadUnread($threadId: ID!) {
    markThreadUnread(threadId: $threadId) {
      thread {
        id
        ...ThreadTriage_thread
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const SnoozeThreadMutation = graphql(`
  mutation SnoozeThread($input: SnoozeThreadInput!) {
    snoozeThread(input: $input) {
      thread {
        id
        ...ThreadTriage_thread
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const UnsnoozeThreadMutation = graphql(`
  mutation UnsnoozeThread($threadId: ID!) {
    unsnoozeThread(threadId: $threadId) {
      thread {
        id
        ...ThreadTriage_thread
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Queries of the open thread itself: not refetched after a triage change (the mutation result updates them). */
const THREAD_QUERIES = new Set(['ThreadView', 'CustomerSidebar', 'ThreadHeaderAgents']);

/**
 * Refetches the visible lists and tab counts (whatever inbox queries are on screen) after a
 * read-state or snooze change, so rows leave or join views and unread badges are right.
 */
export function refetchVisibleLists(client: ApolloClient): void {
  void client
    .refetchQueries({
      include: 'active',
      onQueryUpdated: (oq) => !THREAD_QUERIES.has(oq.queryName ?? ''),
    })
    .catch(() => undefined);
}

/**
 * The thread triage mutations: mark read / unread, snooze until an instant, unsnooze. Each
 * returns the mutation result (payload errors included) and refetches the visible lists.
 */
export function useThreadTriage() {
  const client = useApolloClient();
  const [markRead] = useMutation(MarkThreadReadMutation);
  const [markUnread] = useMutation(MarkThreadUnreadMutation);
  const [snooze, snoozeState] = useMutation(SnoozeThreadMutation);
  const [unsnooze, unsnoozeState] = useMutation(UnsnoozeThreadMutation);
  const after = <T>(p: Promise<T>) =>
    p.then((r) => {
      refetchVisibleLists(client);
      return r;
    });
  return {
    markRead: (threadId: string) => after(markRead({ variables: { threadId } })),
    markUnread: (threadId: string) => after(markUnread({ variables: { threadId } })),
    snooze: (threadId: string, until: Date) => after(snooze({ variables: { input: { threadId, until: until.toISOString() } } })),
    unsnooze: (threadId: string) => after(unsnooze({ variables: { threadId } })),
    busy: snoozeState.loading || unsnoozeState.loading,
  };
}
