import { Alert, Center, Container, Loader, Tabs, Title } from '@mantine/core';
import { IconKey, IconPlugConnected } from '@tabler/icons-react';
import { useSearchParams } from 'react-router';
import { useViewer } from '../../app/viewer';
import { ChannelsTab } from './ChannelsTab';
import { ApiKeysTab } from './ApiKeysTab';

const TABS = ['channels', 'api-keys'] as const;

/** Admin settings (`/settings`): channels and API keys. ADMIN only (the API enforces it too). */
export function SettingsPage() {
  const { viewer, isAdmin, loading } = useViewer();
  const [params, setParams] = useSearchParams();
  const tab = TABS.includes(params.get('tab') as (typeof TABS)[number]) ? params.get('tab')! : 'channels';

  if (!viewer) {
    return loading ? (
      <Center h="100%">
        <Loader size="sm" />
      </Center>
    ) : null;
  }
  if (!isAdmin) {
    return (
      <Alert color="orange" m="md" title="Administrators only">
        Only administrators can change channels and API keys.
      </Alert>
    );
  }
  return (
    <Container size="lg" py="md" h="100%" style={{ overflowY: 'auto' }} data-testid="settings-page">
      <Title order={3} mb="md">
        Settings
      </Title>
      <Tabs value={tab} onChange={(v) => setParams(v && v !== 'channels' ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="channels" leftSection={<IconPlugConnected size={14} />}>
            Channels
          </Tabs.Tab>
          <Tabs.Tab value="api-keys" leftSection={<IconKey size={14} />}>
            API keys
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="channels">
          <ChannelsTab />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys">
          <ApiKeysTab />
        </Tabs.Panel>
      </Tabs>
    </Container>
  );
}
