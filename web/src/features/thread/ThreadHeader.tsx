import { useImperativeHandle, useRef, useState, type Ref } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ActionIcon, Anchor, Avatar, Badge, Button, Group, Menu, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconAlarmOff,
  IconArrowLeft,
  IconBuilding,
  IconClockPause,
  IconDots,
  IconGitMerge,
  IconLayoutSidebarRight,
  IconMail,
  IconMailOpened,
  IconPencil,
  IconPhone,
} from '@tabler/icons-react';
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
import { formatDateTime } from '../../shared/time';
import { ariaKeyShortcuts } from '../shortcuts/shortcuts';
import { SnoozeMenu } from './SnoozeMenu';
import { useThreadTriage } from './useThreadTriage';
import classes from './ThreadHeader.module.css';

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
    unread
    snoozedUntil
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

/** What the thread view's shortcuts open in the header (a, s, z). */
export interface ThreadHeaderHandle {
  /** Focuses the assignee select and opens its options. */
  openAssign(): void;
  /** Focuses the status select and opens its options. */
  openStatus(): void;
  /** Opens the snooze menu (or focuses Unsnooze when the thread is snoozed). */
  openSnooze(): void;
}

/**
 * The open thread's header: customer, channel, subject and SLA, status / priority / assignee,
 * snooze, merge and "Mark as unread". On phones (≤ 600 px) a Back button returns to the list
 * (same search params); ≤ 1100 px a button opens the customer panel (`onShowCustomer`).
 */
export function ThreadHeader(props: { thread: FragmentType<typeof ThreadHeader_thread>; controller?: Ref<ThreadHeaderHandle>; onShowCustomer?: () => void }) {
  const t = getFragmentData(ThreadHeader_thread, props.thread);
  const navigate = useNavigate();
  const location = useLocation();
  const triage = useThreadTriage();
  const [assignOpen, setAssignOpen] = useState(false);
  const [statusOpen, setStatusOpen] = useState(false);
  const [snoozeOpen, setSnoozeOpen] = useState(false);
  const assignRef = useRef<HTMLInputElement>(null);
  const statusRef = useRef<HTMLInputElement>(null);
  const unsnoozeRef = useRef<HTMLButtonElement>(null);
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

  const snoozedUntil = t.snoozedUntil && new Date(t.snoozedUntil).getTime() > now.getTime() ? t.snoozedUntil : null;

  useImperativeHandle(props.controller, () => ({
    openAssign() {
      assignRef.current?.focus();
      setAssignOpen(true);
    },
    openStatus() {
      statusRef.current?.focus();
      setStatusOpen(true);
    },
    openSnooze() {
      if (snoozedUntil) unsnoozeRef.current?.focus();
      else setSnoozeOpen(true);
    },
  }));

  const backToList = () => navigate({ pathname: '/', search: location.search });

  const onSnooze = async (until: Date) => {
    try {
      const { data } = await triage.snooze(t.id, until);
      const errors = toUserErrors(data?.snoozeThread?.errors);
      if (errors.length > 0) reportErrors(tr('snooze.failed'), errors);
      else notifications.show({ color: 'teal', message: tr('snooze.snoozed', { time: formatDateTime(until) }) });
    } catch (e) {
      reportErrors(tr('snooze.failed'), [describeError(e)]);
    }
  };

  const onUnsnooze = async () => {
    try {
      const { data } = await triage.unsnooze(t.id);
      const errors = toUserErrors(data?.unsnoozeThread?.errors);
      if (errors.length > 0) reportErrors(tr('snooze.unsnoozeFailed'), errors);
      else notifications.show({ color: 'teal', message: tr('snooze.unsnoozed') });
    } catch (e) {
      reportErrors(tr('snooze.unsnoozeFailed'), [describeError(e)]);
    }
  };

  const onMarkUnread = async () => {
    try {
      const { data } = await triage.markUnread(t.id);
      const errors = toUserErrors(data?.markThreadUnread?.errors);
      if (errors.length > 0) {
        reportErrors(tr('threadActions.markUnreadFailed'), errors);
        return;
      }
      notifications.show({ color: 'teal', message: tr('threadActions.markedUnread') });
      // As in a mail client: the conversation closes, so opening it does not mark it read at once.
      backToList();
    } catch (e) {
      reportErrors(tr('threadActions.markUnreadFailed'), [describeError(e)]);
    }
  };

  const c = t.customer;
  return (
    <Stack gap="xs" p="md" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)', background: 'var(--mantine-color-white)' }}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <div className={classes.back}>
            <ActionIcon variant="subtle" color="gray" size="lg" aria-label={tr('threadActions.back')} onClick={backToList} data-testid="thread-back">
              <IconArrowLeft size={20} />
            </ActionIcon>
          </div>
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
        <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
          <Group gap={6} c="dimmed" wrap="nowrap">
            {t.channel?.type && <ChannelIcon type={t.channel.type} />}
            <Text size="xs" className={classes.channelName}>
              {t.channel?.name || (t.channel?.type ? CHANNEL_LABEL[t.channel.type] : '')}
            </Text>
          </Group>
          {props.onShowCustomer && (
            <div className={classes.customerButton}>
              <Tooltip label={tr('threadActions.customerPanel')} withArrow openDelay={300}>
                <ActionIcon variant="subtle" color="gray" aria-label={tr('threadActions.customerPanel')} onClick={props.onShowCustomer} data-testid="show-customer-panel">
                  <IconLayoutSidebarRight size={18} />
                </ActionIcon>
              </Tooltip>
            </div>
          )}
          <Menu position="bottom-end" withArrow>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={tr('threadActions.more')} data-testid="thread-more">
                <IconDots size={18} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconMailOpened size={14} />} onClick={() => void onMarkUnread()} data-testid="mark-unread">
                {tr('threadActions.markUnread')}
              </Menu.Item>
              {c && (
                <Menu.Item leftSection={<IconGitMerge size={14} />} onClick={mergeThread.open}>
                  {tr('thread.mergeInto')}
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
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
          ref={statusRef}
          label={tr('thread.status')}
          size="xs"
          w={160}
          data={statusOptions()}
          value={status}
          allowDeselect={false}
          dropdownOpened={statusOpen}
          onDropdownOpen={() => setStatusOpen(true)}
          onDropdownClose={() => setStatusOpen(false)}
          aria-keyshortcuts={ariaKeyShortcuts('status')}
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
          ref={assignRef}
          dropdownOpened={assignOpen}
          onDropdownOpen={() => setAssignOpen(true)}
          onDropdownClose={() => setAssignOpen(false)}
          aria-keyshortcuts={ariaKeyShortcuts('assign')}
          onChange={(v) => v !== (t.assignee?.id ?? UNASSIGNED) && onAssign(v)}
        />
        {snoozedUntil ? (
          <Group gap={6} wrap="nowrap" data-testid="snoozed">
            <Badge variant="light" color="grape" leftSection={<IconClockPause size={12} />} style={{ textTransform: 'none' }} data-testid="snoozed-until">
              {tr('snooze.snoozedUntil', { time: formatDateTime(snoozedUntil) })}
            </Badge>
            <Button ref={unsnoozeRef} size="xs" variant="default" leftSection={<IconAlarmOff size={14} />} onClick={() => void onUnsnooze()} loading={triage.busy}>
              {tr('snooze.unsnooze')}
            </Button>
          </Group>
        ) : (
          <SnoozeMenu
            opened={snoozeOpen}
            onOpenChange={setSnoozeOpen}
            onPick={(until) => void onSnooze(until)}
            target={
              <Button
                size="xs"
                variant="default"
                leftSection={<IconClockPause size={14} />}
                loading={triage.busy}
                aria-keyshortcuts={ariaKeyShortcuts('snooze')}
                data-testid="snooze-button"
              >
                {tr('snooze.button')}
              </Button>
            }
          />
        )}
        {c && (
          <Button size="xs" variant="default" leftSection={<IconGitMerge size={14} />} onClick={mergeThread.open} className={classes.mergeButton}>
            {tr('thread.mergeInto')}
          </Button>
        )}
      </Group>
      {c && <EditCustomerModal customer={c} opened={editingCustomer} onClose={editCustomer.close} />}
      {c && <MergeThreadModal threadId={t.id} customerId={c.id} opened={mergingThread} onClose={mergeThread.close} />}
    </Stack>
  );
}
