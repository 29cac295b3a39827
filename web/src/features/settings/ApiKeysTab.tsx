import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { Table, Text } from '@mantine/core';
import { graphql } from '../../gql';
import { ApiKeyRow } from './ApiKeyRow';
import { ConfirmModal } from './ConfirmModal';
import { CreateApiKeyModal } from './CreateApiKeyModal';
import { SettingsListSection } from './SettingsListSection';
import { useDeleteWithConfirm } from './useDeleteWithConfirm';
import { useRevokeApiKey } from './useRevokeApiKey';

export const SettingsApiKeysQuery = graphql(`
  query SettingsApiKeys {
    apiKeys {
      id
      ...ApiKeyRow_apiKey
    }
  }
`);

/** Admin: API keys of partners and integrations. */
export function ApiKeysTab() {
  const { data, loading, error } = useQuery(SettingsApiKeysQuery, { fetchPolicy: 'cache-and-network' });
  const [creating, setCreating] = useState(false);
  const [revoke] = useRevokeApiKey();
  const revocation = useDeleteWithConfirm({
    mutate: async (key: { id: string; name: string }) => (await revoke(key.id)).data?.revokeApiKey?.errors,
    failTitle: 'Could not revoke key',
    doneMessage: (key) => `API key “${key.name}” revoked`,
    keepOpenOnError: true,
  });
  const keys = data?.apiKeys ?? [];
  return (
    <>
      <SettingsListSection
        description="Keys for partners and integrations (sent as a Bearer token)."
        newLabel="New API key"
        onNew={() => setCreating(true)}
        loaded={!!data}
        loading={loading}
        error={error}
        errorTitle="Could not load API keys"
      >
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
                keys.map((k) => <ApiKeyRow key={k.id} apiKey={k} onRevoke={revocation.ask} />)
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </SettingsListSection>
      <CreateApiKeyModal opened={creating} onClose={() => setCreating(false)} />
      <ConfirmModal {...revocation.modal} title="Revoke API key?" confirmLabel="Revoke key" centered>
        Integrations using “{revocation.target?.name}” stop working immediately. This cannot be undone.
      </ConfirmModal>
    </>
  );
}
