import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';

/**
 * The signed-in agent. The session token (auth.ts) carries no role: the role comes from
 * `viewer`, fetched once by the app layout and read from the cache elsewhere.
 */
export const AppViewerQuery = graphql(`
  query AppViewer {
    viewer {
      id
      name
      email
      role
      availability
      teams {
        id
        name
      }
    }
  }
`);

/** AGENT < TEAM_LEAD < MANAGER < ADMIN (docs/permissions.md). */
const ROLE_RANK: Record<string, number> = { AGENT: 0, TEAM_LEAD: 1, MANAGER: 2, ADMIN: 3 };

/** Whether `role` is `min` or above. */
export function roleAtLeast(role: string | null | undefined, min: 'AGENT' | 'TEAM_LEAD' | 'MANAGER' | 'ADMIN'): boolean {
  return role != null && (ROLE_RANK[role] ?? -1) >= ROLE_RANK[min]!;
}

/**
 * The viewer and role helpers. `cacheOnly`: read what the app layout fetched, without a request
 * of its own (pages under the layout; null until the layout's query answered).
 */
export function useViewer(opts: { cacheOnly?: boolean } = {}) {
  const { data, loading, error } = useQuery(AppViewerQuery, opts.cacheOnly ? { fetchPolicy: 'cache-only' } : {});
  const viewer = data?.viewer ?? null;
  return {
    viewer,
    isAdmin: viewer?.role === 'ADMIN',
    /** MANAGER and ADMIN: SLA policies, business calendars, routing rules, team assignment. */
    isManager: roleAtLeast(viewer?.role, 'MANAGER'),
    /** TEAM_LEAD and up: the team queue tab. */
    isTeamLead: roleAtLeast(viewer?.role, 'TEAM_LEAD'),
    loading,
    error,
  };
}
