import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import { appendMessageToThread, bumpThreadInLists } from '../../app/cacheUpdates';

export const RetryMessageMutation = graphql(`
  mutation RetryMessage($messageId: ID!) {
    retryMessage(messageId: $messageId) {
      message {
        id
        createdAt
        ...MessageItem_message
      }
      thread {
        id
        ...ThreadRow_thread
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/**
 * Sends a FAILED reply again. Cache update: the message is normalised by id (its
 * deliveryStatus/canRetry/deliveries refresh the bubble in place); should the API answer with a
 * new message, it is appended to the thread's timeline. The thread moves to the top of the inbox.
 */
export function useRetryMessage() {
  const [mutate, state] = useMutation(RetryMessageMutation);
  const retry = (messageId: string) =>
    mutate({
      variables: { messageId },
      update(cache, { data }) {
        const payload = data?.retryMessage;
        const threadId = payload?.thread?.id;
        if (!payload?.message || !threadId) return;
        if (payload.message.id !== messageId) {
          const ref = cache.identify(payload.message);
          if (ref) appendMessageToThread(cache, threadId, { __ref: ref });
        }
        bumpThreadInLists(cache, threadId);
      },
    });
  return [retry, state] as const;
}
