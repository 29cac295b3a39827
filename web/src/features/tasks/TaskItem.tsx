import { ActionIcon, Badge, Checkbox, Group, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { PRIORITY_COLOR, PRIORITY_LABEL } from '../../shared/labels';
import { formatDueTime, initials } from '../../shared/time';
import { useCompleteTask } from './useCompleteTask';
import { toUserErrors } from '../../shared/userErrors';
import { Avatar } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../shared/errorMessages';

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
  const { t: tr } = useTranslation();
  const done = t.status === 'COMPLETED' || t.status === 'CANCELLED';
  const priority = t.priority ?? 'NORMAL';
  const title = t.title ?? tr('tasks.untitled');

  const onComplete = async () => {
    try {
      const { data } = await complete(t.id);
      const errors = toUserErrors(data?.completeTask?.errors);
      if (errors.length) notifications.show({ color: 'red', title: tr('tasks.completeFailed'), message: errors[0]!.message });
    } catch (e) {
      notifications.show({ color: 'red', title: tr('tasks.completeFailed'), message: tr(`errors.${describeError(e).code}`) });
    }
  };

  return (
    <Group gap="xs" wrap="nowrap" align="flex-start" data-testid="task" data-task-status={t.status}>
      <Tooltip label={done ? tr('tasks.completed') : tr('tasks.markComplete')} withArrow>
        <Checkbox mt={2} size="xs" checked={done} disabled={done || loading} onChange={onComplete} aria-label={tr('tasks.complete', { title })} />
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
              {tr('tasks.due', { due: formatDueTime(t.dueAt) })}
            </Badge>
          )}
        </Group>
      </Stack>
      {t.assignee && (
        <Tooltip label={t.assignee.name} withArrow>
          <ActionIcon component="span" variant="transparent" size="sm" aria-label={tr('tasks.assignee', { name: t.assignee.name })}>
            <Avatar size={20} radius="xl" color="indigo">
              {initials(t.assignee.name ?? '?')}
            </Avatar>
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
