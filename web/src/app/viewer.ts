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
    }
  }
`);

export function useViewer() {
  const { data, loading, error } = useQuery(AppViewerQuery);
  const viewer = data?.viewer ?? null;
  return { viewer, isAdmin: viewer?.role === 'ADMIN', loading, error };
}
