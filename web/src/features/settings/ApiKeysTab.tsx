import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { Alert, Button, Center, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { graphql } from '../../gql';
import { toUserErrors } from '../../shared/userErrors';
import { ApiKeyRow } from './ApiKeyRow';
import { CreateApiKeyModal } from './CreateApiKeyModal';
import { useRevokeApiKey } from './useRevokeApiKey';

export const SettingsApiKeysQuery = graphql(`
  query SettingsApiKeys {
    apiKeys {
      id
      ...ApiKeyRow_apiKey
    }
  }
`);

function RevokeConfirm({ apiKey, onClose }: { apiKey: { id: string; name: string } | null; onClose: () => void }) {
  const [revoke, { loading }] = useRevokeApiKey();
  const onConfirm = async () => {
    if (!apiKey) return;
    try {
      const { data } = await revoke(apiKey.id);
      const errors = toUserErrors(data?.revokeApiKey?.errors);
      if (errors.length > 0) {
        notifications.show({ color: 'red', title: 'Could not revoke key', message: errors.map((e) => e.message).join('\n') });
        return;
      }
      notifications.show({ color: 'teal', message: `API key “${apiKey.name}” revoked` });
      onClose();
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not revoke key', message: (e as Error).message });
    }
  };
  return (
    <Modal opened={apiKey !== null} onClose={onClose} title="Revoke API key?" centered>
      <Stack gap="sm">
        <Text size="sm">
          Integrations using “{apiKey?.name}” stop working immediately. This cannot be undone.
        </Text>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose} disabled={loading}>
            Cancel
          </Button>
          <Button color="red" loading={loading} onClick={() => void onConfirm()}>
            Revoke key
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Admin: API keys of partners and integrations. */
export function ApiKeysTab() {
  const { data, loading, error } = useQuery(SettingsApiKeysQuery, { fetchPolicy: 'cache-and-network' });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const keys = data?.apiKeys ?? [];
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Keys for partners and integrations (sent as a Bearer token).
        </Text>
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
          New API key
        </Button>
      </Group>
      {error && !data && (
        <Alert color="red" title="Could not load API keys">
          {error.message}
        </Alert>
      )}
      {loading && !data ? (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Prefix</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text size="sm" c="dimmed">
                      No API keys yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : (
                keys.map((k) => <ApiKeyRow key={k.id} apiKey={k} onRevoke={setRevoking} />)
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateApiKeyModal opened={creating} onClose={() => setCreating(false)} />
      <RevokeConfirm apiKey={revoking} onClose={() => setRevoking(null)} />
    </Stack>
  );
}
