import { ActionIcon, Anchor, Avatar, Badge, Button, Group, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconBuilding, IconGitMerge, IconMail, IconPencil, IconPhone } from '@tabler/icons-react';
import { useQuery } from '@apollo/client/react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { Priority, ThreadStatus } from '../../gql/graphql';
import { ChannelIcon, CHANNEL_LABEL, PRIORITY_LABEL, STATUS_LABEL } from '../../shared/labels';
import { initials, useNow } from '../../shared/time';
import { SlaBadge } from '../sla/SlaBadge';
import { useUpdateThread } from './useUpdateThread';
import { useAssignThread } from './useAssignThread';
import { toUserErrors } from '../../shared/userErrors';
import { EditCustomerModal } from '../customer/EditCustomerModal';
import { MergeThreadModal } from '../customer/MergeThreadModal';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../shared/errorMessages';

export const ThreadHeader_thread = graphql(`
  fragment ThreadHeader_thread on Thread {
    id
    subject
    status
    priority
    orderReference
    responseDueAt
    overdue
    firstResponseAt
    resolvedAt
    sla {
      paused
      breached
      percentUsed
      firstResponseDueAt
      nextResponseDueAt
      resolutionDueAt
      policy {
        id
        name
      }
    }
    channel {
      id
      type
      name
    }
    customer {
      id
      name
      email
      phone
      companyName
      tier
      ...EditCustomerModal_customer
    }
    assignee {
      id
      name
    }
  }
`);

export const ThreadHeaderAgentsQuery = graphql(`
  query ThreadHeaderAgents {
    agents(first: 100) {
      edges {
        node {
          id
          name
          role
        }
      }
    }
  }
`);

// Functions, not constants: the labels are read in the current UI language.
const statusOptions = () => (Object.keys(STATUS_LABEL) as ThreadStatus[]).map((v) => ({ value: v, label: STATUS_LABEL[v] }));
const priorityOptions = () => (Object.keys(PRIORITY_LABEL) as Priority[]).map((v) => ({ value: v, label: PRIORITY_LABEL[v] }));
const UNASSIGNED = '__unassigned__';

function reportErrors(title: string, errors: readonly { message: string }[]) {
  if (errors.length > 0) {
    notifications.show({ color: 'red', title, message: errors.map((e) => e.message).join('\n') });
  }
}

export function ThreadHeader(props: { thread: FragmentType<typeof ThreadHeader_thread> }) {
  const t = getFragmentData(ThreadHeader_thread, props.thread);
  const status = t.status ?? 'OPEN';
  const priority = t.priority ?? 'NORMAL';
  const [updateThread] = useUpdateThread();
  const [assignThread] = useAssignThread();
  const { data: agentsData } = useQuery(ThreadHeaderAgentsQuery);
  const [editingCustomer, editCustomer] = useDisclosure(false);
  const [mergingThread, mergeThread] = useDisclosure(false);
  const now = useNow(30_000);
  const { t: tr } = useTranslation();

  const agentOptions = [
    { value: UNASSIGNED, label: tr('common.unassigned') },
    ...(agentsData?.agents.edges.map((e) => ({ value: e.node.id, label: e.node.name ?? e.node.id })) ?? []),
  ];
  // Keep the current assignee selectable even before the agent list arrives.
  if (t.assignee && !agentOptions.some((o) => o.value === t.assignee!.id)) {
    agentOptions.push({ value: t.assignee.id, label: t.assignee.name ?? t.assignee.id });
  }

  const onUpdate = async (input: { status?: ThreadStatus; priority?: Priority }) => {
    try {
      const { data } = await updateThread({ id: t.id, status, priority, subject: t.subject ?? '' }, input);
      reportErrors(tr('thread.updateFailed'), toUserErrors(data?.updateThread?.errors));
    } catch (e) {
      reportErrors(tr('thread.updateFailed'), [describeError(e)]);
    }
  };

  const onAssign = async (value: string | null) => {
    try {
      const { data } = await assignThread(t.id, value === UNASSIGNED ? null : value);
      reportErrors(tr('thread.assignFailed'), toUserErrors(data?.assignThread?.errors));
    } catch (e) {
      reportErrors(tr('thread.assignFailed'), [describeError(e)]);
    }
  };

  const c = t.customer;
  return (
    <Stack gap="xs" p="md" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)', background: 'var(--mantine-color-white)' }}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <Avatar radius="xl" color="indigo" size={40}>
            {c?.name ? initials(c.name) : '?'}
          </Avatar>
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Group gap={6} wrap="nowrap">
              <Text fw={600} truncate data-testid="customer-name">
                {c?.name ?? tr('common.unknownCustomer')}
              </Text>
              {c?.tier && c.tier !== 'STANDARD' && (
                <Badge size="xs" variant="light" color="violet" data-testid="customer-tier">
                  {tr(`tier.${c.tier}`)}
                </Badge>
              )}
              {c && (
                <Tooltip label={tr('thread.editCustomer')} withArrow openDelay={300}>
                  <ActionIcon variant="subtle" color="gray" size="sm" aria-label={tr('thread.editCustomer')} onClick={editCustomer.open}>
                    <IconPencil size={14} />
                  </ActionIcon>
                </Tooltip>
              )}
            </Group>
            <Group gap="md" c="dimmed" wrap="wrap" style={{ rowGap: 0 }}>
              {c?.phone && (
                <Group gap={4} wrap="nowrap">
                  <IconPhone size={13} />
                  <Text size="xs" data-testid="customer-phone">
                    {c.phone}
                  </Text>
                </Group>
              )}
              {c?.email && (
                <Group gap={4} wrap="nowrap">
                  <IconMail size={13} />
                  <Anchor size="xs" href={`mailto:${c.email}`} c="dimmed" data-testid="customer-email">
                    {c.email}
                  </Anchor>
                </Group>
              )}
              {c?.companyName && (
                <Group gap={4} wrap="nowrap">
                  <IconBuilding size={13} />
                  <Text size="xs" data-testid="customer-company">
                    {c.companyName}
                  </Text>
                </Group>
              )}
            </Group>
          </Stack>
        </Group>
        <Group gap={6} c="dimmed" wrap="nowrap" style={{ flexShrink: 0 }}>
          {t.channel?.type && <ChannelIcon type={t.channel.type} />}
          <Text size="xs">{t.channel?.name || (t.channel?.type ? CHANNEL_LABEL[t.channel.type] : '')}</Text>
        </Group>
      </Group>
      {/* The subject gets its own full-width line (up to 2 lines); the controls sit below it. */}
      <Stack gap={0} style={{ minWidth: 0 }}>
        <Title order={4} lineClamp={2} title={t.subject ?? undefined} style={{ wordBreak: 'break-word' }} data-testid="thread-subject-title">
          {t.subject}
        </Title>
        <Group gap="xs" wrap="wrap" mt={2} data-testid="thread-sla">
          {t.orderReference && (
            <Text size="xs" c="dimmed">
              {tr('thread.order', { reference: t.orderReference })}
            </Text>
          )}
          <SlaBadge thread={t} now={now} size="sm" withDueTime />
          {t.sla && (
            <Text size="xs" c="dimmed" data-testid="sla-policy">
              {tr('sla.policy', { name: t.sla.policy.name })}
              {t.sla.breached ? ` · ${tr('sla.breached')}` : ''}
            </Text>
          )}
        </Group>
      </Stack>
      <Group gap="xs" wrap="wrap" align="flex-end">
        <Select
          label={tr('thread.status')}
          size="xs"
          w={160}
          data={statusOptions()}
          value={status}
          allowDeselect={false}
          onChange={(v) => v && v !== status && onUpdate({ status: v as ThreadStatus })}
        />
        <Select
          label={tr('thread.priority')}
          size="xs"
          w={110}
          data={priorityOptions()}
          value={priority}
          allowDeselect={false}
          onChange={(v) => v && v !== priority && onUpdate({ priority: v as Priority })}
        />
        <Select
          label={tr('thread.assignee')}
          size="xs"
          w={170}
          data={agentOptions}
          value={t.assignee?.id ?? UNASSIGNED}
          searchable
          allowDeselect={false}
          onChange={(v) => v !== (t.assignee?.id ?? UNASSIGNED) && onAssign(v)}
        />
        {c && (
          <Button size="xs" variant="default" leftSection={<IconGitMerge size={14} />} onClick={mergeThread.open}>
            {tr('thread.mergeInto')}
          </Button>
        )}
      </Group>
      {c && <EditCustomerModal customer={c} opened={editingCustomer} onClose={editCustomer.close} />}
      {c && <MergeThreadModal threadId={t.id} customerId={c.id} opened={mergingThread} onClose={mergeThread.close} />}
    </Stack>
  );
}
