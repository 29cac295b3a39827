import { useMutation } from '@apollo/client/react';
import type { Reference } from '@apollo/client';
import { graphql, getFragmentData } from '../../gql';
import type { CreateApiKeyInput } from '../../gql/graphql';
import { ApiKeyRow_apiKey } from './ApiKeyRow';

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      apiKey {
        id
        ...ApiKeyRow_apiKey
      }
      secret
      errors {
        code
        message
        field
      }
    }
  }
`);

/**
 * Creates an API key. The payload (with the one-time `secret`) is not cached (`no-cache`), so the
 * secret lives only in the create dialog's state; the key itself is written to the cache and
 * appended to `Query.apiKeys`.
 */
export function useCreateApiKey() {
  const [mutate, state] = useMutation(CreateApiKeyMutation, { fetchPolicy: 'no-cache' });
  const create = (input: CreateApiKeyInput) =>
    mutate({
      variables: { input },
      update(cache, { data }) {
        const apiKey = data?.createApiKey?.apiKey;
        if (!apiKey) return;
        const ref = cache.writeFragment({
          fragment: ApiKeyRow_apiKey,
          fragmentName: 'ApiKeyRow_apiKey',
          data: getFragmentData(ApiKeyRow_apiKey, apiKey),
        });
        if (!ref) return;
        cache.modify<Record<string, unknown>>({
          id: 'ROOT_QUERY',
          fields: {
            apiKeys(existing, { readField }) {
              const list = existing as unknown as readonly Reference[] | undefined;
              if (!Array.isArray(list)) return existing;
              if (list.some((r) => readField<string>('id', r) === apiKey.id)) return existing;
              return [...list, ref] as never;
            },
          },
        });
      },
    });
  return [create, state] as const;
}
