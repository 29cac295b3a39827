import { memo } from 'react';
import { Avatar, Badge, Checkbox, Group, Stack, Text, Tooltip, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { ChannelIcon, PRIORITY_COLOR, PRIORITY_LABEL, STATUS_COLOR, STATUS_LABEL } from '../../shared/labels';
import { formatDateTime, initials, listTime } from '../../shared/time';
import { useTranslation } from 'react-i18next';
import { SlaBadge } from '../sla/SlaBadge';
import { messagePreview } from '../../shared/messagePreview';
import type { Density } from './filters';
import classes from './ThreadRow.module.css';

export const ThreadRow_thread = graphql(`
  fragment ThreadRow_thread on Thread {
    id
    subject
    priority
    status
    overdue
    unread
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
  /** The thread open on the right (aria-current). */
  selected: boolean;
  now: Date;
  onOpen: (id: string) => void;
  /** Row layout; default comfortable. */
  density?: Density;
  /** Bulk selection: the checkbox is shown when `onToggleChecked` is given. */
  checked?: boolean;
  onToggleChecked?: (id: string) => void;
  /**
   * Roving focus: only the active row's controls are in the Tab order (tabIndex 0); undefined
   * (lists without keyboard navigation, e.g. the team queue): every row is tabbable.
   */
  active?: boolean;
  /** Called when the row's button gets focus (the list makes it the active row). */
  onFocusRow?: (id: string) => void;
}

function ThreadRowImpl(props: Props) {
  const t = getFragmentData(ThreadRow_thread, props.thread);
  const { t: tr } = useTranslation();
  const priority = t.priority ?? 'NORMAL';
  const status = t.status ?? 'OPEN';
  const assigneeName = t.assignee?.name ?? null;
  const preview = messagePreview(t.lastMessage);
  const customerName = t.customer?.name ?? tr('common.unknownCustomer');
  const compact = props.density === 'compact';
  const tabIndex = props.active === undefined ? undefined : props.active ? 0 : -1;
  const { onToggleChecked, onFocusRow } = props;

  const unreadMark = t.unread ? (
    <>
      <span className={classes.unreadDot} data-testid="unread-dot" aria-hidden />
      <VisuallyHidden>{tr('inbox.unread')}</VisuallyHidden>
    </>
  ) : null;

  const time = t.lastMessageAt ? (
    <Text size="xs" c="dimmed" style={{ flexShrink: 0 }} title={formatDateTime(t.lastMessageAt)}>
      {listTime(t.lastMessageAt, props.now)}
    </Text>
  ) : null;

  const assignee = t.assignee ? (
    <Tooltip label={tr('inbox.assignedTo', { name: assigneeName ?? tr('inbox.agent') })} withArrow>
      <Avatar size={compact ? 18 : 20} radius="xl" color="indigo" aria-label={tr('inbox.assignee', { name: assigneeName ?? '' })} style={{ flexShrink: 0 }}>
        {initials(assigneeName ?? '?')}
      </Avatar>
    </Tooltip>
  ) : compact ? (
    <VisuallyHidden>{tr('common.unassigned')}</VisuallyHidden>
  ) : (
    <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
      {tr('common.unassigned')}
    </Text>
  );

  const badges = (
    <>
      <Badge size="xs" variant="light" color={PRIORITY_COLOR[priority]} data-testid="priority-badge" className={classes.badge}>
        {PRIORITY_LABEL[priority]}
      </Badge>
      <Badge size="xs" variant="dot" color={STATUS_COLOR[status]} data-testid="status-badge" data-status={status} className={classes.badge}>
        {STATUS_LABEL[status]}
      </Badge>
      <SlaBadge thread={t} now={props.now} />
    </>
  );

  const subject = (
    <Text size="sm" fw={t.unread ? 700 : undefined} truncate data-testid="thread-subject" className={compact ? classes.compactSubject : undefined}>
      {t.subject}
    </Text>
  );

  return (
    <div
      data-testid="thread-row"
      data-thread-id={t.id}
      data-unread={t.unread || undefined}
      data-density={compact ? 'compact' : 'comfortable'}
      aria-current={props.selected ? 'true' : undefined}
      className={classes.row}
      data-selected={props.selected || undefined}
      data-checked={props.checked || undefined}
    >
      {onToggleChecked && (
        <Checkbox
          size="md"
          className={classes.check}
          checked={props.checked ?? false}
          onChange={() => onToggleChecked(t.id)}
          tabIndex={tabIndex}
          aria-label={tr('inbox.bulk.selectThread', { name: customerName, subject: t.subject })}
          data-testid="thread-check"
        />
      )}
      <UnstyledButton className={classes.main} data-row-main tabIndex={tabIndex} onClick={() => props.onOpen(t.id)} onFocus={onFocusRow ? () => onFocusRow(t.id) : undefined}>
        {compact ? (
          <Stack gap={1}>
            <Group gap={6} wrap="nowrap">
              {t.channel?.type && <ChannelIcon type={t.channel.type} size={14} />}
              {unreadMark}
              <Text fw={600} size="sm" truncate data-testid="thread-customer" className={classes.compactCustomer}>
                {customerName}
              </Text>
              {subject}
              {time}
            </Group>
            <Group gap={6} wrap="wrap" className={classes.compactMeta}>
              {badges}
              <Text size="xs" c="dimmed" truncate data-testid="thread-preview" className={classes.compactPreview}>
                {preview}
              </Text>
              {assignee}
            </Group>
          </Stack>
        ) : (
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <Stack gap={6} align="center" pt={2}>
              {t.channel?.type && <ChannelIcon type={t.channel.type} size={18} />}
            </Stack>
            <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                  {unreadMark}
                  <Text fw={600} size="sm" truncate data-testid="thread-customer">
                    {customerName}
                  </Text>
                </Group>
                {time}
              </Group>
              {subject}
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Text size="xs" c="dimmed" truncate data-testid="thread-preview" style={{ flex: 1, minWidth: 0 }}>
                  {preview}
                </Text>
                {assignee}
              </Group>
              <Group gap={6} mt={2} wrap="wrap">
                {badges}
              </Group>
            </Stack>
          </Group>
        )}
      </UnstyledButton>
    </div>
  );
}

/** One conversation in a list: customer, subject, preview, badges; unread dot; optional bulk checkbox. */
export const ThreadRow = memo(ThreadRowImpl);
