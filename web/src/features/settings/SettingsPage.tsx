import { Alert, Center, Container, Loader, Tabs, Title, VisuallyHidden } from '@mantine/core';
import { IconAlarm, IconCalendarTime, IconKey, IconPlugConnected, IconRoute, IconUsersGroup } from '@tabler/icons-react';
import { useSearchParams } from 'react-router';
import { useViewer } from '../../app/viewer';
import { ChannelsTab } from './ChannelsTab';
import { ApiKeysTab } from './ApiKeysTab';
import { CalendarsTab } from './CalendarsTab';
import { SlaPoliciesTab } from './SlaPoliciesTab';
import { RoutingRulesTab } from './RoutingRulesTab';
import { TeamAssignmentTab } from './TeamAssignmentTab';
import { i18n } from '../../i18n';

const ADMIN_TABS = ['channels', 'api-keys'] as const;
const MANAGER_TABS = ['sla-policies', 'calendars', 'routing', 'teams'] as const;

/**
 * Settings (`/settings`): MANAGER and ADMIN. Channels and API keys are ADMIN only; SLA policies,
 * business calendars, routing rules and team assignment MANAGER and up (the API enforces it too).
 */
export function SettingsPage() {
  const { viewer, isAdmin, isManager, loading } = useViewer();
  const [params, setParams] = useSearchParams();

  if (!viewer) {
    return loading ? (
      <Center h="100%">
        <Loader size="sm" />
      </Center>
    ) : null;
  }
  if (!isManager) {
    return (
      <>
        <VisuallyHidden>
          <h1>{i18n.t('settings.page.title')}</h1>
        </VisuallyHidden>
        <Alert color="orange" m="md" title={i18n.t('settings.page.managersOnly')}>
          {i18n.t('settings.page.managersOnlyText')}
        </Alert>
      </>
    );
  }
  const tabs: readonly string[] = isAdmin ? [...ADMIN_TABS, ...MANAGER_TABS] : MANAGER_TABS;
  const fallback = tabs[0]!;
  const requested = params.get('tab');
  const tab = requested && tabs.includes(requested) ? requested : fallback;
  return (
    <Container size="xl" py="md" h="100%" style={{ overflowY: 'auto' }} data-testid="settings-page">
      <Title order={1} size="h3" mb="md">
        {i18n.t('settings.page.title')}
      </Title>
      <Tabs value={tab} onChange={(v) => setParams(v && v !== fallback ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          {isAdmin && (
            <>
              <Tabs.Tab value="channels" leftSection={<IconPlugConnected size={14} />}>
                {i18n.t('settings.page.channels')}
              </Tabs.Tab>
              <Tabs.Tab value="api-keys" leftSection={<IconKey size={14} />}>
                {i18n.t('settings.page.apiKeys')}
              </Tabs.Tab>
            </>
          )}
          <Tabs.Tab value="sla-policies" leftSection={<IconAlarm size={14} />}>
            {i18n.t('settings.page.slaPolicies')}
          </Tabs.Tab>
          <Tabs.Tab value="calendars" leftSection={<IconCalendarTime size={14} />}>
            {i18n.t('settings.page.businessHours')}
          </Tabs.Tab>
          <Tabs.Tab value="routing" leftSection={<IconRoute size={14} />}>
            {i18n.t('settings.page.routing')}
          </Tabs.Tab>
          <Tabs.Tab value="teams" leftSection={<IconUsersGroup size={14} />}>
            {i18n.t('settings.page.teams')}
          </Tabs.Tab>
        </Tabs.List>
        {isAdmin && (
          <>
            <Tabs.Panel value="channels">
              <ChannelsTab />
            </Tabs.Panel>
            <Tabs.Panel value="api-keys">
              <ApiKeysTab />
            </Tabs.Panel>
          </>
        )}
        <Tabs.Panel value="sla-policies">
          <SlaPoliciesTab />
        </Tabs.Panel>
        <Tabs.Panel value="calendars">
          <CalendarsTab />
        </Tabs.Panel>
        <Tabs.Panel value="routing">
          <RoutingRulesTab />
        </Tabs.Panel>
        <Tabs.Panel value="teams">
          <TeamAssignmentTab />
        </Tabs.Panel>
      </Tabs>
    </Container>
  );
}
