import { useState, type FormEvent } from 'react';
import { Button, Divider, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { Priority } from '../../gql/graphql';
import { PRIORITY_LABEL } from '../../shared/labels';
import { TaskItem } from './TaskItem';
import { useCreateTask } from './useCreateTask';
import { toUserErrors } from '../../shared/userErrors';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n';
import { describeError } from '../../shared/errorMessages';

export const ThreadTasks_thread = graphql(`
  fragment ThreadTasks_thread on Thread {
    id
    tasks(first: 50) {
      totalCount
      edges {
        node {
          id
          status
          ...TaskItem_task
        }
      }
    }
  }
`);

/** Due-date choices, labelled in the UI language. */
const dueOptions = () => [
  { value: '', label: i18n.t('tasks.dueOptions.none') },
  { value: '1', label: i18n.t('tasks.dueOptions.in1h') },
  { value: '4', label: i18n.t('tasks.dueOptions.in4h') },
  { value: '24', label: i18n.t('tasks.dueOptions.tomorrow') },
  { value: '72', label: i18n.t('tasks.dueOptions.in3d') },
];

function CreateTaskForm({ threadId }: { threadId: string }) {
  const [title, setTitle] = useState('');
  const [priority, setPriority] = useState<Priority>('NORMAL');
  const [dueHours, setDueHours] = useState('');
  const [create, { loading }] = useCreateTask();
  const { t } = useTranslation();

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return;
    try {
      const { data } = await create({
        threadId,
        title: title.trim(),
        priority,
        dueAt: dueHours ? new Date(Date.now() + Number(dueHours) * 3600_000).toISOString() : undefined,
      });
      const errors = toUserErrors(data?.createTask?.errors);
      if (errors.length) {
        notifications.show({ color: 'red', title: t('tasks.createFailed'), message: errors[0]!.message });
        return;
      }
      setTitle('');
      setDueHours('');
    } catch (err) {
      notifications.show({ color: 'red', title: t('tasks.createFailed'), message: t(`errors.${describeError(err).code}`) });
    }
  };

  return (
    <form onSubmit={onSubmit} aria-label={t('tasks.create')}>
      <Stack gap={6}>
        <TextInput size="xs" aria-label={t('tasks.titleLabel')} placeholder={t('tasks.titlePlaceholder')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <Group gap={6} wrap="nowrap">
          <Select
            size="xs"
            aria-label={t('tasks.priorityLabel')}
            data={(Object.keys(PRIORITY_LABEL) as Priority[]).map((p) => ({ value: p, label: PRIORITY_LABEL[p] }))}
            value={priority}
            allowDeselect={false}
            onChange={(v) => v && setPriority(v as Priority)}
            style={{ flex: 1 }}
          />
          <Select size="xs" aria-label={t('tasks.dueLabel')} data={dueOptions()} value={dueHours} onChange={(v) => setDueHours(v ?? '')} style={{ flex: 1 }} />
        </Group>
        <Button type="submit" size="xs" variant="light" leftSection={<IconPlus size={14} />} loading={loading} disabled={!title.trim()}>
          {t('tasks.add')}
        </Button>
      </Stack>
    </form>
  );
}

export function ThreadTasks(props: { thread: FragmentType<typeof ThreadTasks_thread> }) {
  const t = getFragmentData(ThreadTasks_thread, props.thread);
  const { t: tr } = useTranslation();
  const edges = t.tasks.edges;
  const open = edges.filter((e) => e.node.status !== 'COMPLETED' && e.node.status !== 'CANCELLED');
  const closed = edges.filter((e) => !open.includes(e));

  return (
    <Stack gap="sm" data-testid="thread-tasks">
      <Group justify="space-between">
        <Title order={6}>{tr('tasks.title')}</Title>
        <Text size="xs" c="dimmed">
          {tr('tasks.open', { count: open.length })}
        </Text>
      </Group>
      {edges.length === 0 && (
        <Text size="xs" c="dimmed">
          {tr('tasks.none')}
        </Text>
      )}
      {[...open, ...closed].map((e) => (
        <TaskItem key={e.node.id} task={e.node} />
      ))}
      <Divider />
      <CreateTaskForm threadId={t.id} />
    </Stack>
  );
}
