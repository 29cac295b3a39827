import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { LogCallInput } from '../../gql/graphql';
import { appendMessageToThread, bumpThreadInLists } from '../../app/cacheUpdates';

export const LogCallMutation = graphql(`
  mutation LogCall($input: LogCallInput!) {
    logCall(input: $input) {
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

/** Logs a phone call on a thread (a CALL_LOG message); appended to the timeline like postMessage. */
export function useLogCall() {
  const [mutate, state] = useMutation(LogCallMutation);
  const logCall = (input: LogCallInput) =>
    mutate({
      variables: { input },
      update(cache, { data }) {
        const message = data?.logCall?.message;
        const threadId = data?.logCall?.thread?.id ?? (input.threadId ? String(input.threadId) : null);
        if (!message || !threadId) return;
        const ref = cache.identify(message);
        if (ref) appendMessageToThread(cache, threadId, { __ref: ref });
        bumpThreadInLists(cache, threadId);
      },
    });
  return [logCall, state] as const;
}
