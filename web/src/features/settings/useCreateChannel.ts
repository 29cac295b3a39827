import { useMutation } from '@apollo/client/react';
import type { Reference } from '@apollo/client';
import { graphql } from '../../gql';
import type { CreateChannelInput } from '../../gql/graphql';

export const CreateChannelMutation = graphql(`
  mutation CreateChannel($input: CreateChannelInput!) {
    createChannel(input: $input) {
      channel {
        id
        ...ChannelCard_channel
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Creates a channel and appends it to the cached `Query.channels` list (deduplicated). */
export function useCreateChannel() {
  const [mutate, state] = useMutation(CreateChannelMutation);
  const create = (input: CreateChannelInput) =>
    mutate({
      variables: { input },
      update(cache, { data }) {
        const channel = data?.createChannel?.channel;
        if (!channel) return;
        const id = cache.identify(channel);
        if (!id) return;
        cache.modify<Record<string, unknown>>({
          id: 'ROOT_QUERY',
          fields: {
            channels(existing, { readField }) {
              const list = existing as unknown as readonly Reference[] | undefined;
              if (!Array.isArray(list)) return existing;
              if (list.some((r) => readField<string>('id', r) === channel.id)) return existing;
              return [...list, { __ref: id }] as never;
            },
          },
        });
      },
    });
  return [create, state] as const;
}
