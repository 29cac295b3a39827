import { useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { InboxUnreadCountsQueryVariables } from '../../gql/graphql';
import { useFirstRowsShown } from '../../app/firstScreen';
import { threadFilterFor, type InboxView, type StatusChoice } from './filters';

/**
 * Unread threads per inbox tab in one request: one aliased `threads(first: 0, filter)` per view
 * (no `orderBy`, so the cache keeps these apart from the lists, which always pass one).
 * Refetched by LiveUpdates on every messageAdded / threadUpdated and by the reconnect catch-up.
 */
export const InboxUnreadCountsQuery = graphql(`
  query InboxUnreadCounts(
    $all: ThreadFilter!
    $mine: ThreadFilter!
    $unassigned: ThreadFilter!
    $team: ThreadFilter!
    $email: ThreadFilter!
    $whatsapp: ThreadFilter!
    $tasks: ThreadFilter!
    $overdue: ThreadFilter!
    $snoozed: ThreadFilter!
  ) {
    all: threads(first: 0, filter: $all) {
      unreadCount
    }
    mine: threads(first: 0, filter: $mine) {
      unreadCount
    }
    unassigned: threads(first: 0, filter: $unassigned) {
      unreadCount
    }
    team: threads(first: 0, filter: $team) {
      unreadCount
    }
    email: threads(first: 0, filter: $email) {
      unreadCount
    }
    whatsapp: threads(first: 0, filter: $whatsapp) {
      unreadCount
    }
    tasks: threads(first: 0, filter: $tasks) {
      unreadCount
    }
    overdue: threads(first: 0, filter: $overdue) {
      unreadCount
    }
    snoozed: threads(first: 0, filter: $snoozed) {
      unreadCount
    }
  }
`);

/** The variables of InboxUnreadCountsQuery: each view's filter with the status filter (not the search). */
export function unreadCountsVariables(status: readonly StatusChoice[]): InboxUnreadCountsQueryVariables {
  const f = (v: InboxView) => threadFilterFor(v, '', status);
  return {
    all: f('all'),
    mine: f('mine'),
    unassigned: f('unassigned'),
    team: f('team'),
    email: f('email'),
    whatsapp: f('whatsapp'),
    tasks: f('tasks'),
    overdue: f('overdue'),
    snoozed: f('snoozed'),
  };
}

/** Unread count per view (undefined until loaded, or when the request failed; after a sign-in, asked once the first rows are shown). */
export function useUnreadCounts(status: readonly StatusChoice[]): Partial<Record<InboxView, number>> {
  const firstRowsShown = useFirstRowsShown();
  const { data } = useQuery(InboxUnreadCountsQuery, { variables: unreadCountsVariables(status), fetchPolicy: 'cache-and-network', skip: !firstRowsShown });
  if (!data) return {};
  const out: Partial<Record<InboxView, number>> = {};
  for (const v of Object.keys(data) as (keyof typeof data)[]) {
    const c = data[v];
    if (c && typeof c === 'object' && 'unreadCount' in c) out[v as InboxView] = c.unreadCount;
  }
  return out;
}
