import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { CreateTaskInput } from '../../gql/graphql';
import { prependTaskToThread } from '../../app/cacheUpdates';

export const CreateTaskMutation = graphql(`
  mutation CreateTask($input: CreateTaskInput!) {
    createTask(input: $input) {
      task {
        id
        ...TaskItem_task
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Creates a task and prepends it to the thread's cached `tasks` connection. */
export function useCreateTask() {
  const [mutate, state] = useMutation(CreateTaskMutation);
  const create = (input: CreateTaskInput) =>
    mutate({
      variables: { input },
      update(cache, { data }) {
        const task = data?.createTask?.task;
        if (!task || !input.threadId) return;
        const ref = cache.identify(task);
        if (ref) prependTaskToThread(cache, String(input.threadId), { __ref: ref });
      },
    });
  return [create, state] as const;
}
