import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($input: RevokeApiKeyInput!) {
    revokeApiKey(input: $input) {
      apiKey {
        id
        revokedAt
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Revokes a key; its row picks up `revokedAt` through normalisation (ApiKey:id). */
export function useRevokeApiKey() {
  const [mutate, state] = useMutation(RevokeApiKeyMutation);
  const revoke = (apiKeyId: string) => mutate({ variables: { input: { apiKeyId } } });
  return [revoke, state] as const;
}
