import { Badge, Button, Code, Group, Table, Text } from '@mantine/core';
import { IconBan } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { ChannelIcon } from '../../shared/ChannelIcon';
import { formatDateTime, relativeTime } from '../../shared/time';
import { TagBadges } from './SettingsListSection';
import { i18n } from '../../i18n';

export const ApiKeyRow_apiKey = graphql(`
  fragment ApiKeyRow_apiKey on ApiKey {
    id
    name
    prefix
    scopes
    channel {
      id
      name
      type
    }
    lastUsedAt
    revokedAt
    createdAt
  }
`);

/** One API key: name, prefix, scopes, channel, last use, revoked; "Revoke" asks for confirmation upstream. */
export function ApiKeyRow(props: { apiKey: FragmentType<typeof ApiKeyRow_apiKey>; onRevoke: (key: { id: string; name: string }) => void }) {
  const k = getFragmentData(ApiKeyRow_apiKey, props.apiKey);
  const revoked = !!k.revokedAt;
  return (
    // A revoked key keeps full contrast (WCAG AA: an opacity of 0.6 put its text below 4.5:1); its red "Revoked" badge and the row's gray background tell it apart.
    <Table.Tr data-testid="api-key-row" data-api-key-id={k.id} data-revoked={revoked} bg={revoked ? 'gray.0' : undefined}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {k.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Code>{k.prefix}…</Code>
      </Table.Td>
      <Table.Td>
        <TagBadges tags={k.scopes} />
      </Table.Td>
      <Table.Td>
        {k.channel ? (
          <Group gap={4} wrap="nowrap">
            <ChannelIcon type={k.channel.type} size={14} />
            <Text size="sm">{k.channel.name}</Text>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {i18n.t('settings.apiKeys.allChannels')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={k.lastUsedAt ? undefined : 'dimmed'}>
          {k.lastUsedAt ? relativeTime(k.lastUsedAt) : i18n.t('settings.common.never')}
        </Text>
      </Table.Td>
      <Table.Td>
        {revoked ? (
          <Badge color="red" variant="light" title={formatDateTime(k.revokedAt!)}>
            {i18n.t('settings.apiKeys.revokedAgo', { when: relativeTime(k.revokedAt!) })}
          </Badge>
        ) : (
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            leftSection={<IconBan size={12} />}
            onClick={() => props.onRevoke({ id: k.id, name: k.name })}
            aria-label={i18n.t('settings.apiKeys.revokeNamed', { name: k.name })}
          >
            {i18n.t('settings.apiKeys.revoke')}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
