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

const DUE_OPTIONS = [
  { value: '', label: 'No due date' },
  { value: '1', label: 'In 1 hour' },
  { value: '4', label: 'In 4 hours' },
  { value: '24', label: 'Tomorrow' },
  { value: '72', label: 'In 3 days' },
];

function CreateTaskForm({ threadId }: { threadId: string }) {
  const [title, setTitle] = useState('');
  const [priority, setPriority] = useState<Priority>('NORMAL');
  const [dueHours, setDueHours] = useState('');
  const [create, { loading }] = useCreateTask();

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
        notifications.show({ color: 'red', title: 'Could not create task', message: errors[0]!.message });
        return;
      }
      setTitle('');
      setDueHours('');
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not create task', message: (err as Error).message });
    }
  };

  return (
    <form onSubmit={onSubmit} aria-label="Create task">
      <Stack gap={6}>
        <TextInput size="xs" aria-label="Task title" placeholder="New task…" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <Group gap={6} wrap="nowrap">
          <Select
            size="xs"
            aria-label="Task priority"
            data={(Object.keys(PRIORITY_LABEL) as Priority[]).map((p) => ({ value: p, label: PRIORITY_LABEL[p] }))}
            value={priority}
            allowDeselect={false}
            onChange={(v) => v && setPriority(v as Priority)}
            style={{ flex: 1 }}
          />
          <Select
            size="xs"
            aria-label="Task due"
            data={DUE_OPTIONS}
            value={dueHours}
            onChange={(v) => setDueHours(v ?? '')}
            style={{ flex: 1 }}
          />
        </Group>
        <Button type="submit" size="xs" variant="light" leftSection={<IconPlus size={14} />} loading={loading} disabled={!title.trim()}>
          Add task
        </Button>
      </Stack>
    </form>
  );
}

export function ThreadTasks(props: { thread: FragmentType<typeof ThreadTasks_thread> }) {
  const t = getFragmentData(ThreadTasks_thread, props.thread);
  const edges = t.tasks.edges;
  const open = edges.filter((e) => e.node.status !== 'COMPLETED' && e.node.status !== 'CANCELLED');
  const closed = edges.filter((e) => !open.includes(e));

  return (
    <Stack gap="sm" data-testid="thread-tasks">
      <Group justify="space-between">
        <Title order={6}>Tasks</Title>
        <Text size="xs" c="dimmed">
          {open.length} open
        </Text>
      </Group>
      {edges.length === 0 && (
        <Text size="xs" c="dimmed">
          No tasks for this conversation.
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
