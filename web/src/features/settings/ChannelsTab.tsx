import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { graphql, type FragmentType } from '../../gql';
import { ChannelCard } from './ChannelCard';
import { ChannelFormModal, type ChannelForm_channel } from './ChannelForm';

export const SettingsChannelsQuery = graphql(`
  query SettingsChannels {
    channels {
      id
      ...ChannelCard_channel
      ...ChannelForm_channel
    }
  }
`);

type Editing = { channel: FragmentType<typeof ChannelForm_channel> | null } | null;

/** Admin: the organisation's channels with health, create / edit / test. */
export function ChannelsTab() {
  const { data, loading, error } = useQuery(SettingsChannelsQuery, { fetchPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<Editing>(null);
  const channels = data?.channels ?? [];

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Where customer conversations come in and replies go out.
        </Text>
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing({ channel: null })}>
          New channel
        </Button>
      </Group>
      {error && !data && (
        <Alert color="red" title="Could not load channels">
          {error.message}
        </Alert>
      )}
      {loading && !data ? (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      ) : channels.length === 0 && data ? (
        <Text c="dimmed" size="sm">
          No channels yet.
        </Text>
      ) : (
        channels.map((c) => <ChannelCard key={c.id} channel={c} onEdit={() => setEditing({ channel: c })} />)
      )}
      <ChannelFormModal channel={editing?.channel ?? null} opened={editing !== null} onClose={() => setEditing(null)} />
    </Stack>
  );
}
