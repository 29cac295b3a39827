import type { FieldPolicy, Reference } from '@apollo/client';

type Edge = { __typename?: string; cursor?: string; node: Reference };
type PageInfo = { hasPreviousPage?: boolean; startCursor?: string | null; [k: string]: unknown };
type Connection = { __typename?: string; edges: Edge[]; pageInfo?: PageInfo; totalCount?: number; [k: string]: unknown };

/**
 * `Thread.messages` is a backwards-paginated window: the timeline loads `last: 50` and
 * "Load earlier messages" fetches `last: 50, before: startCursor`. All pages share one cache
 * entry per thread (keyArgs: false) and are merged relay style, deduplicated by message id:
 *
 * - `before` page: its edges are put in front of the cached ones.
 * - `after` page (catch-up after a reconnect, see catchUp.ts): its edges go after the cached
 *   ones, those already cached are replaced in place (no duplicates); the window's start stays.
 * - newest page (first load, refetch, live echo): replaces the cached window, but earlier pages
 *   already loaded are kept when they connect to it (its oldest message is cached), so a
 *   `cache-and-network` refetch does not throw away what the agent scrolled back to.
 *
 * Live appends go through `cache.modify` (see cacheUpdates.ts), which bypasses this merge.
 */
export function messageWindowPagination(): FieldPolicy<Connection | null, Connection | null> {
  return {
    keyArgs: false,
    merge(existing, incoming, { args, readField }) {
      if (!incoming || !existing || !Array.isArray(existing.edges) || !Array.isArray(incoming.edges)) return incoming ?? existing ?? null;
      const idOf = (e: Edge) => readField<string>('id', e.node);

      if (args?.after) {
        // Catch-up after a reconnect (catchUp.ts): the messages after the newest cursor go after
        // the cached ones; those already cached (live appends) take the server's edge (real cursor).
        const fresh = new Map(incoming.edges.map((e) => [idOf(e), e] as const));
        const cached = new Set(existing.edges.map(idOf));
        const newer = incoming.edges.filter((e) => !cached.has(idOf(e)));
        return {
          ...existing,
          edges: [...existing.edges.map((e) => fresh.get(idOf(e)) ?? e), ...newer],
          ...(typeof incoming.totalCount === 'number' ? { totalCount: incoming.totalCount } : {}),
          // The window still starts where it did; it now ends where the catch-up stopped.
          pageInfo: { ...existing.pageInfo, hasNextPage: incoming.pageInfo?.hasNextPage ?? false, endCursor: incoming.pageInfo?.endCursor ?? null },
        };
      }

      if (args?.before) {
        const cached = new Set(existing.edges.map(idOf));
        const older = incoming.edges.filter((e) => !cached.has(idOf(e)));
        return {
          ...existing,
          ...incoming,
          edges: [...older, ...existing.edges],
          pageInfo: {
            ...existing.pageInfo,
            hasPreviousPage: incoming.pageInfo?.hasPreviousPage ?? false,
            startCursor: incoming.pageInfo?.startCursor ?? existing.pageInfo?.startCursor ?? null,
          },
        };
      }

      const first = incoming.edges[0];
      const at = first ? existing.edges.findIndex((e) => idOf(e) === idOf(first)) : -1;
      if (at <= 0) return incoming;
      const fresh = new Set(incoming.edges.map(idOf));
      const earlier = existing.edges.slice(0, at).filter((e) => !fresh.has(idOf(e)));
      return {
        ...incoming,
        edges: [...earlier, ...incoming.edges],
        pageInfo: {
          ...incoming.pageInfo,
          hasPreviousPage: existing.pageInfo?.hasPreviousPage ?? incoming.pageInfo?.hasPreviousPage ?? false,
          startCursor: existing.pageInfo?.startCursor ?? incoming.pageInfo?.startCursor ?? null,
        },
      };
    },
  };
}
