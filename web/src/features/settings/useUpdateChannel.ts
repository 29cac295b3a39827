import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { UpdateChannelInput } from '../../gql/graphql';

export const UpdateChannelMutation = graphql(`
  mutation UpdateChannel($input: UpdateChannelInput!) {
    updateChannel(input: $input) {
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

/** Name, active switch, SLA and configuration (merged key by key); the card updates through normalisation (Channel:id). */
export function useUpdateChannel() {
  const [mutate, state] = useMutation(UpdateChannelMutation);
  const update = (input: UpdateChannelInput) => mutate({ variables: { input } });
  return [update, state] as const;
}
