import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { ActionIcon, Box, Button, Center, Divider, Group, Indicator, Loader, Popover, ScrollArea, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconAlarm, IconBell, IconChecks, IconClipboardCheck, IconUserPlus, IconAt, IconMoodSmile, IconBellRinging } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { NotificationItem_NotificationFragment } from '../../gql/graphql';
import { formatDateTime, relativeTime } from '../../shared/time';
import { askPermissionOnce, showBrowserNotification } from './browserNotifications';
import { markNotificationsReadInCache, prependNotification } from './notificationCache';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../shared/errorMessages';
import { useFirstRowsShown } from '../../app/firstScreen';

export const BELL_PAGE_SIZE = 20;

export const NotificationItem_notification = graphql(`
  fragment NotificationItem_notification on Notification {
    id
    kind
    title
    body
    data
    createdAt
    readAt
    thread {
      id
    }
  }
`);

export const BellNotificationsQuery = graphql(`
  query BellNotifications($first: Int!, $after: String) {
    notifications(first: $first, after: $after) {
      unreadCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          ...NotificationItem_notification
        }
      }
    }
  }
`);

export const BellNotificationAddedSubscription = graphql(`
  subscription BellNotificationAdded {
    notificationAdded {
      id
      ...NotificationItem_notification
    }
  }
`);

export const MarkNotificationsReadMutation = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]!) {
    markNotificationsRead(ids: $ids) {
      count
      errors {
        code
        message
        field
      }
    }
  }
`);

const KIND_ICON = {
  SLA_ALERT: IconAlarm,
  ASSIGNMENT: IconUserPlus,
  TASK_REMINDER: IconClipboardCheck,
  MENTION: IconAt,
  CSAT_RECEIVED: IconMoodSmile,
  SNOOZE_ENDED: IconBellRinging,
} as const;

function slaActionOf(n: NotificationItem_NotificationFragment): string | null {
  const action = n.data && typeof n.data === 'object' ? (n.data as Record<string, unknown>).action : null;
  return typeof action === 'string' ? action : null;
}

function NotificationRow(props: { notification: FragmentType<typeof NotificationItem_notification>; onOpen: (n: NotificationItem_NotificationFragment) => void }) {
  const n = getFragmentData(NotificationItem_notification, props.notification);
  const { t } = useTranslation();
  const unread = !n.readAt;
  const Icon = KIND_ICON[n.kind] ?? IconBell;
  const action = n.kind === 'SLA_ALERT' ? slaActionOf(n) : null;
  const color = action === 'ESCALATE' || action === 'EXECUTIVE_ALERT' ? 'red' : action === 'ALERT' ? 'orange' : 'indigo';
  return (
    <UnstyledButton
      onClick={() => props.onOpen(n)}
      data-testid="notification-item"
      data-notification-id={n.id}
      data-unread={unread || undefined}
      px="sm"
      py={8}
      style={{ display: 'block', width: '100%', borderRadius: 'var(--mantine-radius-sm)', background: unread ? 'var(--mantine-color-indigo-0)' : undefined }}
    >
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Icon size={16} color={`var(--mantine-color-${color}-6)`} style={{ flexShrink: 0, marginTop: 2 }} />
        <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
          <Text size="sm" fw={unread ? 600 : 400} lineClamp={2}>
            {n.title}
          </Text>
          {n.body && (
            <Text size="xs" c="dimmed" lineClamp={2}>
              {n.body}
            </Text>
          )}
          <Text size="xs" c="dimmed" title={formatDateTime(n.createdAt)}>
            {relativeTime(n.createdAt)}
          </Text>
        </Stack>
        {unread && <Box w={8} h={8} mt={6} style={{ borderRadius: 4, background: 'var(--mantine-color-indigo-6)', flexShrink: 0 }} aria-label={t('notifications.unreadDot')} />}
      </Group>
    </UnstyledButton>
  );
}

/**
 * The header bell: unread count, the viewer's notifications newest first (click opens the
 * thread and marks it read; "Mark all read"), live through `notificationAdded`, and OS
 * notifications for urgent SLA alerts (permission asked the first time the bell is opened).
 */
export function NotificationBell() {
  const navigate = useNavigate();
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  // After a sign-in, asked once the inbox shows its first rows (app/firstScreen.ts).
  const firstRowsShown = useFirstRowsShown();
  const { data, loading, error, fetchMore } = useQuery(BellNotificationsQuery, {
    variables: { first: BELL_PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
    skip: !firstRowsShown,
  });
  const [markRead, { loading: marking }] = useMutation(MarkNotificationsReadMutation);
  const connection = data?.notifications;
  const unread = connection?.unreadCount ?? 0;

  const mark = async (ids: string[]) => {
    try {
      await markRead({
        variables: { ids },
        update: (cache, { data: result }) => {
          const payload = result?.markNotificationsRead;
          if (!payload || payload.errors.length > 0 || payload.count == null) return;
          markNotificationsReadInCache(cache, ids, payload.count, new Date().toISOString());
        },
      });
    } catch {
      // Offline or refused: the bell stays as it is; the next fetch corrects it.
    }
  };

  const openThread = (n: { id: string; readAt?: string | null; thread?: { id: string } | null }) => {
    if (!n.readAt) void mark([n.id]);
    if (n.thread) navigate(`/threads/${encodeURIComponent(n.thread.id)}`);
  };

  useSubscription(BellNotificationAddedSubscription, {
    onData: ({ client, data: event }) => {
      const added = event.data?.notificationAdded;
      if (!added) return;
      const n = getFragmentData(NotificationItem_notification, added);
      const ref = client.cache.identify({ __typename: 'Notification', id: n.id });
      if (ref) prependNotification(client.cache, { __ref: ref }, !n.readAt);
      showBrowserNotification(n, () => openThread(n));
    },
  });

  const toggle = () => {
    // A user gesture: the only moment the browser lets us ask (once).
    if (!opened) askPermissionOnce();
    setOpened((o) => !o);
  };

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={380} shadow="md" withArrow>
      {/* The target is the button itself: aria-expanded is not allowed on the Indicator's div (axe). */}
      <Indicator label={unread > 99 ? '99+' : unread} size={16} disabled={unread === 0} color="red" offset={4} data-testid="bell-indicator">
        <Tooltip label={t('notifications.title')} withArrow openDelay={400} disabled={opened}>
          <Popover.Target>
            <ActionIcon
              variant="subtle"
              color="gray"
              size="lg"
              onClick={toggle}
              aria-label={unread > 0 ? t('notifications.titleUnread', { count: unread }) : t('notifications.title')}
              data-testid="notification-bell"
              data-unread-count={unread}
            >
              <IconBell size={20} />
            </ActionIcon>
          </Popover.Target>
        </Tooltip>
      </Indicator>
      <Popover.Dropdown p={0} data-testid="notification-dropdown">
        <Group justify="space-between" px="sm" py={8}>
          <Text fw={600} size="sm">
            {t('notifications.title')}{' '}
            {unread > 0 && (
              <Text span c="dimmed" size="xs">
                {t('notifications.unread', { count: unread })}
              </Text>
            )}
          </Text>
          <Button size="compact-xs" variant="subtle" leftSection={<IconChecks size={14} />} disabled={unread === 0} loading={marking} onClick={() => void mark([])}>
            {t('notifications.markAllRead')}
          </Button>
        </Group>
        <Divider />
        <ScrollArea.Autosize mah={420} type="auto">
          <Stack gap={2} p={4}>
            {!connection && loading && (
              <Center py="md">
                <Loader size="xs" />
              </Center>
            )}
            {!connection && error && (
              <Text size="sm" c="red" p="sm">
                {t('notifications.loadError')}: {t(`errors.${describeError(error).code}`)}
              </Text>
            )}
            {connection && connection.edges.length === 0 && (
              <Text size="sm" c="dimmed" ta="center" py="md">
                {t('notifications.empty')}
              </Text>
            )}
            {connection?.edges.map((e) => (
              <NotificationRow
                key={e.node.id}
                notification={e.node}
                onOpen={(n) => {
                  setOpened(false);
                  openThread(n);
                }}
              />
            ))}
            {connection?.pageInfo.hasNextPage && (
              <Button variant="subtle" size="compact-xs" onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}>
                {t('common.loadOlder')}
              </Button>
            )}
          </Stack>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
