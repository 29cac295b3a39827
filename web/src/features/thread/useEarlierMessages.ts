import { useLazyQuery } from '@apollo/client/react';
import { graphql } from '../../gql';

export const TimelineEarlierMessagesQuery = graphql(`
  query TimelineEarlierMessages($threadId: ID!, $last: Int!, $before: String!) {
    node(id: $threadId) {
      id
      ... on Thread {
        messages(last: $last, before: $before) {
          totalCount
          pageInfo {
            hasPreviousPage
            startCursor
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

/**
 * Fetches the page of messages before `before`. The result is merged into the thread's cached
 * `messages` window (see app/messagesPagination.ts), so the open timeline re-renders by itself.
 */
export function useEarlierMessages() {
  const [run, { loading, error }] = useLazyQuery(TimelineEarlierMessagesQuery, { fetchPolicy: 'network-only' });
  const load = (threadId: string, before: string, last: number) => run({ variables: { threadId, before, last } });
  return [load, { loading, error }] as const;
}
