import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { PostMessageInput } from '../../gql/graphql';
import { appendMessageToThread, bumpThreadInLists } from '../../app/cacheUpdates';

export const PostMessageMutation = graphql(`
  mutation PostMessage($input: PostMessageInput!) {
    postMessage(input: $input) {
      message {
        id
        createdAt
        ...MessageItem_message
      }
      thread {
        id
        ...ThreadRow_thread
        ...ReplyWindow_thread
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
 * Posts a reply or internal note. Cache update: the message entity is normalised by id; we
 * append it to the thread's cached timeline and move the thread to the top of cached inbox lists.
 * The `messageAdded` subscription echo for the same message is deduplicated by id.
 */
export function usePostMessage() {
  const [mutate, state] = useMutation(PostMessageMutation);
  const post = (input: PostMessageInput) =>
    mutate({
      variables: { input },
      update(cache, { data }) {
        const message = data?.postMessage?.message;
        if (!message) return;
        const ref = cache.identify(message);
        if (ref) appendMessageToThread(cache, String(input.threadId), { __ref: ref });
        bumpThreadInLists(cache, String(input.threadId));
      },
    });
  return [post, state] as const;
}
