import { Group, MultiSelect } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { ChannelType } from '../../gql/graphql';
import { CHANNEL_LABEL } from '../../shared/labels';
import type { AnalyticsFilterState } from './useAnalyticsDashboard';
import { i18n } from '../../i18n';

export const AnalyticsTeamsQuery = graphql(`
  query AnalyticsTeams {
    teams {
      id
      name
    }
  }
`);

/** Customer-facing channel types (internal comments, tasks and tickets carry no conversations). */
const CHANNEL_OPTIONS = (Object.keys(CHANNEL_LABEL) as ChannelType[]).filter((t) => !t.startsWith('INTERNAL_')).map((t) => ({ value: t, label: CHANNEL_LABEL[t] }));

/** Channel type and team filters of the dashboard (empty: all). */
export function AnalyticsFilters(props: { value: AnalyticsFilterState; onChange: (value: AnalyticsFilterState) => void }) {
  const { data } = useQuery(AnalyticsTeamsQuery);
  const teams = data?.teams ?? [];
  return (
    <Group gap="xs" wrap="wrap">
      <MultiSelect
        size="xs"
        w={200}
        placeholder={props.value.channelTypes.length ? undefined : i18n.t('settings.apiKeys.allChannels')}
        aria-label={i18n.t('analytics.filters.channels')}
        data={CHANNEL_OPTIONS}
        value={props.value.channelTypes}
        onChange={(v) => props.onChange({ ...props.value, channelTypes: v as ChannelType[] })}
        clearable
        data-testid="filter-channels"
      />
      {teams.length > 0 && (
        <MultiSelect
          size="xs"
          w={200}
          placeholder={props.value.teamIds.length ? undefined : i18n.t('analytics.filters.allTeams')}
          aria-label={i18n.t('settings.slaForm.teams')}
          data={teams.map((t) => ({ value: t.id, label: t.name }))}
          value={props.value.teamIds}
          onChange={(v) => props.onChange({ ...props.value, teamIds: v })}
          clearable
          data-testid="filter-teams"
        />
      )}
    </Group>
  );
}
