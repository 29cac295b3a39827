import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql, type FragmentType } from '../../gql';
import { ChannelCard } from './ChannelCard';
import { ChannelFormModal, type ChannelForm_channel } from './ChannelForm';
import { SettingsListSection } from './SettingsListSection';

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
    <>
      <SettingsListSection
        description="Where customer conversations come in and replies go out."
        newLabel="New channel"
        onNew={() => setEditing({ channel: null })}
        loaded={!!data}
        loading={loading}
        error={error}
        errorTitle="Could not load channels"
        empty={channels.length === 0 && 'No channels yet.'}
      >
        {channels.map((c) => (
          <ChannelCard key={c.id} channel={c} onEdit={() => setEditing({ channel: c })} />
        ))}
      </SettingsListSection>
      <ChannelFormModal channel={editing?.channel ?? null} opened={editing !== null} onClose={() => setEditing(null)} />
    </>
  );
}
