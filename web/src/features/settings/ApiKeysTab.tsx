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
import { i18n } from '../../i18n';

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
    failTitle: i18n.t('settings.apiKeys.revokeFailed'),
    doneMessage: (key) => i18n.t('settings.apiKeys.revoked', { name: key.name }),
    keepOpenOnError: true,
  });
  const keys = data?.apiKeys ?? [];
  return (
    <>
      <SettingsListSection
        description={i18n.t('settings.apiKeys.description')}
        newLabel={i18n.t('settings.apiKeys.new')}
        onNew={() => setCreating(true)}
        loaded={!!data}
        loading={loading}
        error={error}
        errorTitle={i18n.t('settings.apiKeys.loadError')}
      >
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{i18n.t('settings.common.name')}</Table.Th>
                <Table.Th>{i18n.t('settings.apiKeys.prefix')}</Table.Th>
                <Table.Th>{i18n.t('settings.apiKeys.scopes')}</Table.Th>
                <Table.Th>{i18n.t('settings.common.channel')}</Table.Th>
                <Table.Th>{i18n.t('settings.apiKeys.lastUsed')}</Table.Th>
                <Table.Th>{i18n.t('settings.common.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text size="sm" c="dimmed">
                      {i18n.t('settings.apiKeys.empty')}
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
      <ConfirmModal {...revocation.modal} title={i18n.t('settings.apiKeys.revokeTitle')} confirmLabel={i18n.t('settings.apiKeys.revokeConfirm')} centered>
        {i18n.t('settings.apiKeys.revokeText', { name: revocation.target?.name ?? '' })}
      </ConfirmModal>
    </>
  );
}
