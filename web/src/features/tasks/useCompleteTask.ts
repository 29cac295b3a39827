import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';

export const CompleteTaskMutation = graphql(`
  mutation CompleteTask($input: CompleteTaskInput!) {
    completeTask(input: $input) {
      task {
        id
        status
        completedAt
        completionNotes
        overdue
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Task:id is normalised, so the list item flips to completed without any list surgery. */
export function useCompleteTask() {
  const [mutate, state] = useMutation(CompleteTaskMutation);
  const complete = (taskId: string, completionNotes?: string) =>
    mutate({
      variables: { input: { taskId, completionNotes } },
      optimisticResponse: {
        completeTask: {
          __typename: 'TaskPayload',
          task: {
            __typename: 'Task',
            id: taskId,
            status: 'COMPLETED',
            completedAt: new Date().toISOString(),
            completionNotes: completionNotes ?? null,
            overdue: false,
          },
          errors: [],
        },
      },
    });
  return [complete, state] as const;
}
