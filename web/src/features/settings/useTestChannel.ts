import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';

export const TestChannelMutation = graphql(`
  mutation TestChannel($channelId: ID!) {
    testChannel(channelId: $channelId) {
      ok
      code
      message
    }
  }
`);

/** Calls the provider once with the channel's configuration. Nothing to update in the cache. */
export function useTestChannel() {
  const [mutate, state] = useMutation(TestChannelMutation, { fetchPolicy: 'no-cache' });
  const test = (channelId: string) => mutate({ variables: { channelId } });
  return [test, state] as const;
}
