import { ActionIcon, Badge, Checkbox, Group, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { format } from 'date-fns';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { PRIORITY_COLOR, PRIORITY_LABEL } from '../../shared/labels';
import { initials } from '../../shared/time';
import { useCompleteTask } from './useCompleteTask';
import { toUserErrors } from '../../shared/userErrors';
import { Avatar } from '@mantine/core';

export const TaskItem_task = graphql(`
  fragment TaskItem_task on Task {
    id
    title
    type
    status
    priority
    dueAt
    overdue
    completedAt
    assignee {
      id
      name
    }
  }
`);

export function TaskItem(props: { task: FragmentType<typeof TaskItem_task> }) {
  const t = getFragmentData(TaskItem_task, props.task);
  const [complete, { loading }] = useCompleteTask();
  const done = t.status === 'COMPLETED' || t.status === 'CANCELLED';
  const priority = t.priority ?? 'NORMAL';
  const title = t.title ?? 'Untitled task';

  const onComplete = async () => {
    try {
      const { data } = await complete(t.id);
      const errors = toUserErrors(data?.completeTask?.errors);
      if (errors.length) notifications.show({ color: 'red', title: 'Could not complete task', message: errors[0]!.message });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not complete task', message: (e as Error).message });
    }
  };

  return (
    <Group gap="xs" wrap="nowrap" align="flex-start" data-testid="task" data-task-status={t.status}>
      <Tooltip label={done ? 'Completed' : 'Mark as complete'} withArrow>
        <Checkbox
          mt={2}
          size="xs"
          checked={done}
          disabled={done || loading}
          onChange={onComplete}
          aria-label={`Complete task ${title}`}
        />
      </Tooltip>
      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
        <Text size="sm" td={done ? 'line-through' : undefined} c={done ? 'dimmed' : undefined} lineClamp={2}>
          {title}
        </Text>
        <Group gap={4}>
          <Badge size="xs" variant="light" color={PRIORITY_COLOR[priority]}>
            {PRIORITY_LABEL[priority]}
          </Badge>
          {t.dueAt && (
            <Badge size="xs" variant={t.overdue && !done ? 'filled' : 'outline'} color={t.overdue && !done ? 'red' : 'gray'}>
              due {format(new Date(t.dueAt), 'd MMM HH:mm')}
            </Badge>
          )}
        </Group>
      </Stack>
      {t.assignee && (
        <Tooltip label={t.assignee.name} withArrow>
          <ActionIcon component="span" variant="transparent" size="sm" aria-label={`Assignee ${t.assignee.name}`}>
            <Avatar size={20} radius="xl" color="indigo">
              {initials(t.assignee.name ?? '?')}
            </Avatar>
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
