import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql, type FragmentType } from '../../gql';
import { ChannelCard } from './ChannelCard';
import { ChannelFormModal, type ChannelForm_channel } from './ChannelForm';
import { SettingsListSection } from './SettingsListSection';
import { i18n } from '../../i18n';

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
        description={i18n.t('settings.channels.description')}
        newLabel={i18n.t('settings.channels.new')}
        onNew={() => setEditing({ channel: null })}
        loaded={!!data}
        loading={loading}
        error={error}
        errorTitle={i18n.t('settings.channels.loadError')}
        empty={channels.length === 0 && i18n.t('settings.channels.empty')}
      >
        {channels.map((c) => (
          <ChannelCard key={c.id} channel={c} onEdit={() => setEditing({ channel: c })} />
        ))}
      </SettingsListSection>
      <ChannelFormModal channel={editing?.channel ?? null} opened={editing !== null} onClose={() => setEditing(null)} />
    </>
  );
}
