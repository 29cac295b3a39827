import { Badge, Button, Code, Group, Table, Text } from '@mantine/core';
import { IconBan } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { ChannelIcon } from '../../shared/ChannelIcon';
import { relativeTime } from '../../shared/time';
import { TagBadges } from './SettingsListSection';

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
    <Table.Tr data-testid="api-key-row" data-api-key-id={k.id} data-revoked={revoked} style={revoked ? { opacity: 0.6 } : undefined}>
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
            All channels
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={k.lastUsedAt ? undefined : 'dimmed'}>
          {k.lastUsedAt ? relativeTime(k.lastUsedAt) : 'never'}
        </Text>
      </Table.Td>
      <Table.Td>
        {revoked ? (
          <Badge color="red" variant="light" title={new Date(k.revokedAt!).toLocaleString()}>
            Revoked {relativeTime(k.revokedAt!)}
          </Badge>
        ) : (
          <Button size="compact-xs" variant="subtle" color="red" leftSection={<IconBan size={12} />} onClick={() => props.onRevoke({ id: k.id, name: k.name })} aria-label={`Revoke ${k.name}`}>
            Revoke
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
