import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';

export const AssignThreadMutation = graphql(`
  mutation AssignThread($input: AssignThreadInput!) {
    assignThread(input: $input) {
      thread {
        id
        assignee {
          id
          name
        }
        team {
          id
          name
        }
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

/** Assignment changes are picked up by normalisation (Thread:id.assignee). */
export function useAssignThread() {
  const [mutate, state] = useMutation(AssignThreadMutation);
  const assign = (threadId: string, assigneeId: string | null) => mutate({ variables: { input: { threadId, assigneeId } } });
  return [assign, state] as const;
}
