import type { ApolloCache, Reference } from '@apollo/client';

/**
 * Cache surgery for the bell: `notifications(...)` lists are relay-style connections with an
 * `unreadCount`; a live notification is prepended and counted, marking read sets `readAt` on the
 * Notification entities and lowers `unreadCount`.
 */

type StoredEdge = { __typename?: string; cursor?: string; node: Reference };
type StoredConnection = { edges?: StoredEdge[]; unreadCount?: number; totalCount?: number; [k: string]: unknown };

/** Prepend a notification (already normalised, e.g. by the subscription) to every cached list; counts it when unread. */
export function prependNotification(cache: ApolloCache, notification: Reference, unread: boolean): void {
  cache.modify<Record<string, unknown>>({
    id: 'ROOT_QUERY',
    fields: {
      notifications(existing, { readField }) {
        const conn = existing as unknown as StoredConnection | undefined;
        if (!conn || !Array.isArray(conn.edges)) return existing;
        const id = readField<string>('id', notification);
        if (conn.edges.some((e) => readField<string>('id', e.node) === id)) return existing;
        const edge: StoredEdge = { __typename: 'NotificationEdge', cursor: id ?? '', node: notification };
        return {
          ...conn,
          edges: [edge, ...conn.edges],
          ...(typeof conn.totalCount === 'number' ? { totalCount: conn.totalCount + 1 } : {}),
          ...(unread && typeof conn.unreadCount === 'number' ? { unreadCount: conn.unreadCount + 1 } : {}),
        } as never;
      },
    },
  });
}

/**
 * After markNotificationsRead: `ids` empty = all. Sets readAt on the cached notifications and
 * lowers unreadCount by `count` (the server's answer), or to 0 for "all".
 */
export function markNotificationsReadInCache(cache: ApolloCache, ids: readonly string[], count: number, readAt: string): void {
  const all = ids.length === 0;
  const targets = new Set<string>();
  cache.modify<Record<string, unknown>>({
    id: 'ROOT_QUERY',
    fields: {
      notifications(existing, { readField }) {
        const conn = existing as unknown as StoredConnection | undefined;
        if (!conn || !Array.isArray(conn.edges)) return existing;
        for (const e of conn.edges) {
          const id = readField<string>('id', e.node);
          if (id && (all || ids.includes(id))) targets.add(id);
        }
        if (typeof conn.unreadCount !== 'number') return existing;
        return { ...conn, unreadCount: all ? 0 : Math.max(0, conn.unreadCount - count) } as never;
      },
    },
  });
  for (const id of all ? targets : new Set([...targets, ...ids])) {
    const ref = cache.identify({ __typename: 'Notification', id });
    if (!ref) continue;
    cache.modify<Record<string, unknown>>({
      id: ref,
      fields: { readAt: (value) => (value ? value : (readAt as never)) },
    });
  }
}
