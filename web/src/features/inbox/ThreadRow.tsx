import { memo } from 'react';
import { Avatar, Badge, Group, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { ChannelIcon, PRIORITY_COLOR, PRIORITY_LABEL, STATUS_COLOR, STATUS_LABEL } from '../../shared/labels';
import { formatDateTime, initials, listTime } from '../../shared/time';
import { useTranslation } from 'react-i18next';
import { SlaBadge } from '../sla/SlaBadge';
import { messagePreview } from '../../shared/messagePreview';
import classes from './ThreadRow.module.css';

export const ThreadRow_thread = graphql(`
  fragment ThreadRow_thread on Thread {
    id
    subject
    priority
    status
    overdue
    responseDueAt
    firstResponseAt
    resolvedAt
    lastMessageAt
    sla {
      paused
      percentUsed
      firstResponseDueAt
      nextResponseDueAt
      resolutionDueAt
    }
    channel {
      id
      type
      name
    }
    customer {
      id
      name
    }
    assignee {
      id
      name
    }
    lastMessage {
      id
      type
      content
      metadata
      attachments {
        kind
        fileName
        name
      }
    }
  }
`);

interface Props {
  thread: FragmentType<typeof ThreadRow_thread>;
  selected: boolean;
  now: Date;
  onOpen: (id: string) => void;
}

function ThreadRowImpl(props: Props) {
  const t = getFragmentData(ThreadRow_thread, props.thread);
  const { t: tr } = useTranslation();
  const priority = t.priority ?? 'NORMAL';
  const status = t.status ?? 'OPEN';
  const assigneeName = t.assignee?.name ?? null;
  const preview = messagePreview(t.lastMessage);

  return (
    <UnstyledButton
      data-testid="thread-row"
      data-thread-id={t.id}
      aria-current={props.selected ? 'true' : undefined}
      className={classes.row}
      data-selected={props.selected || undefined}
      onClick={() => props.onOpen(t.id)}
    >
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Stack gap={6} align="center" pt={2}>
          {t.channel?.type && <ChannelIcon type={t.channel.type} size={18} />}
        </Stack>
        <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text fw={600} size="sm" truncate data-testid="thread-customer">
              {t.customer?.name ?? tr('common.unknownCustomer')}
            </Text>
            {t.lastMessageAt && (
              <Text size="xs" c="dimmed" style={{ flexShrink: 0 }} title={formatDateTime(t.lastMessageAt)}>
                {listTime(t.lastMessageAt, props.now)}
              </Text>
            )}
          </Group>
          <Text size="sm" truncate data-testid="thread-subject">
            {t.subject}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={1} data-testid="thread-preview">
            {preview}
          </Text>
          <Group gap={6} mt={4} wrap="nowrap">
            <Badge size="xs" variant="light" color={PRIORITY_COLOR[priority]} data-testid="priority-badge">
              {PRIORITY_LABEL[priority]}
            </Badge>
            <Badge size="xs" variant="dot" color={STATUS_COLOR[status]} data-testid="status-badge" data-status={status}>
              {STATUS_LABEL[status]}
            </Badge>
            <SlaBadge thread={t} now={props.now} />
            <div style={{ flex: 1 }} />
            {t.assignee ? (
              <Tooltip label={tr('inbox.assignedTo', { name: assigneeName ?? tr('inbox.agent') })} withArrow>
                <Avatar size={20} radius="xl" color="indigo" aria-label={tr('inbox.assignee', { name: assigneeName ?? '' })}>
                  {initials(assigneeName ?? '?')}
                </Avatar>
              </Tooltip>
            ) : (
              <Text size="xs" c="dimmed">
                {tr('common.unassigned')}
              </Text>
            )}
          </Group>
        </Stack>
      </Group>
    </UnstyledButton>
  );
}

export const ThreadRow = memo(ThreadRowImpl);
