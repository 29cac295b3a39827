import { NavLink, Outlet, useNavigate } from 'react-router';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { AppShell, Avatar, Button, Group, Menu, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { IconChartBar, IconChevronDown, IconHeadset, IconInbox, IconLogout, IconSettings } from '@tabler/icons-react';
import { setToken } from './auth';
import { graphql } from '../gql';
import { LiveUpdates } from './LiveUpdates';
import { ConnectionBanner } from './ConnectionBanner';
import { useViewer } from './viewer';
import { initials } from '../shared/time';
import { NotificationBell } from '../features/notifications/NotificationBell';
import { AvailabilitySwitch } from '../features/availability/AvailabilitySwitch';
import { AnalyticsLanding } from '../features/analytics/AnalyticsLanding';

export { AppViewerQuery } from './viewer';

/** Ends the session server-side: the token is void at once, even if a copy of it leaked. */
export const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      ok
    }
  }
`);

export function AppLayout() {
  const client = useApolloClient();
  const navigate = useNavigate();
  const { viewer, isManager } = useViewer();

  const [endSession] = useMutation(LogoutMutation);

  const logout = async () => {
    // Signing out locally happens whatever the server answers (offline, already revoked).
    await endSession().catch(() => undefined);
    setToken(null);
    await client.clearStore();
    navigate('/login', { replace: true });
  };

  return (
    <AppShell header={{ height: 56 }} padding={0}>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <ThemeIcon variant="light" radius="md">
              <IconHeadset size={18} />
            </ThemeIcon>
            <Text fw={700}>Hub</Text>
            <Group gap={4} component="nav" aria-label="Main" ml="sm">
              <Button component={NavLink} to="/" end variant="subtle" color="gray" size="compact-sm" leftSection={<IconInbox size={14} />}>
                Inbox
              </Button>
              {viewer && (
                <Button
                  component={NavLink}
                  to="/analytics"
                  variant="subtle"
                  color="gray"
                  size="compact-sm"
                  leftSection={<IconChartBar size={14} />}
                  data-testid="nav-analytics"
                >
                  {isManager ? 'Analytics' : 'My performance'}
                </Button>
              )}
              {isManager && (
                <Button
                  component={NavLink}
                  to="/settings"
                  variant="subtle"
                  color="gray"
                  size="compact-sm"
                  leftSection={<IconSettings size={14} />}
                  data-testid="nav-settings"
                >
                  Settings
                </Button>
              )}
            </Group>
          </Group>
          {viewer && (
            <Group gap="sm" wrap="nowrap">
              {viewer.availability && <AvailabilitySwitch availability={viewer.availability} />}
              <NotificationBell />
              <Menu position="bottom-end" withArrow>
                <Menu.Target>
                  <UnstyledButton aria-label="Account menu">
                    <Group gap={8}>
                      <Avatar size={28} radius="xl" color="indigo">
                        {initials(viewer.name ?? viewer.email ?? '?')}
                      </Avatar>
                      <div>
                        <Text size="sm" fw={500} lh={1.1} data-testid="viewer-name">
                          {viewer.name ?? viewer.email}
                        </Text>
                        <Text size="xs" c="dimmed" lh={1.1}>
                          {viewer.role?.toLowerCase().replace('_', ' ')}
                        </Text>
                      </div>
                      <IconChevronDown size={14} />
                    </Group>
                  </UnstyledButton>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Label>{viewer.email}</Menu.Label>
                  {isManager && (
                    <Menu.Item leftSection={<IconSettings size={14} />} onClick={() => navigate('/settings')}>
                      Settings
                    </Menu.Item>
                  )}
                  <Menu.Item leftSection={<IconLogout size={14} />} onClick={() => void logout()}>
                    Sign out
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          )}
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <LiveUpdates />
        <ConnectionBanner />
        <AnalyticsLanding />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
