import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { Priority, ThreadStatus, UpdateThreadInput } from '../../gql/graphql';

export const UpdateThreadMutation = graphql(`
  mutation UpdateThread($input: UpdateThreadInput!) {
    updateThread(input: $input) {
      thread {
        id
        status
        priority
        subject
        updatedAt
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
 * The returned Thread is normalised by id, so header and inbox row update by themselves.
 * Optimistic so the Select reacts instantly.
 */
export function useUpdateThread() {
  const [mutate, state] = useMutation(UpdateThreadMutation);
  const update = (current: { id: string; status: ThreadStatus; priority: Priority; subject: string }, input: Omit<UpdateThreadInput, 'threadId'>) =>
    mutate({
      variables: { input: { threadId: current.id, ...input } },
      optimisticResponse: {
        updateThread: {
          __typename: 'ThreadPayload',
          thread: {
            __typename: 'Thread',
            id: current.id,
            status: input.status ?? current.status,
            priority: input.priority ?? current.priority,
            subject: input.subject ?? current.subject,
            updatedAt: new Date().toISOString(),
          },
          errors: [],
        },
      },
    });
  return [update, state] as const;
}
