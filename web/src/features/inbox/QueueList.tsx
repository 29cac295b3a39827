import { useCallback, useEffect } from 'react';
import { useQuery } from '@apollo/client/react';
import { NetworkStatus } from '@apollo/client';
import { Alert, Box, Center, Group, Loader, Select, Stack, Text } from '@mantine/core';
import { IconUsersGroup } from '@tabler/icons-react';
import { graphql } from '../../gql';
import { ThreadRow } from './ThreadRow';
import { queueFilterFor } from './filters';
import { formatNumber, useNow } from '../../shared/time';
import { describeError } from '../../shared/errorMessages';
import { useTranslation } from 'react-i18next';

export const QUEUE_PAGE_SIZE = 50;

export const QueueTeamsQuery = graphql(`
  query QueueTeams {
    teams {
      id
      name
      queueLength
    }
  }
`);

/**
 * A team's queue. The API orders by creation newest first only (ThreadOrder has no
 * CREATED_AT_ASC), so the queue asks for the *last* page of CREATED_AT_DESC (the oldest
 * threads) and shows it reversed: oldest first; "Load newer" pages backwards with `before`.
 */
export const TeamQueueThreadsQuery = graphql(`
  query TeamQueueThreads($last: Int!, $before: String, $filter: ThreadFilter, $orderBy: ThreadOrder) {
    threads(last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasPreviousPage
        startCursor
      }
      edges {
        cursor
        node {
          id
          ...ThreadRow_thread
        }
      }
    }
  }
`);

export function queueVariables(teamId: string, search: string) {
  return { last: QUEUE_PAGE_SIZE, filter: queueFilterFor(teamId, search), orderBy: 'CREATED_AT_DESC' as const };
}

interface Props {
  /** Teams the viewer may pick (ids); null: every team of the organization (managers). */
  teamIds: readonly string[] | null;
  teamId: string | null;
  onTeamChange: (teamId: string) => void;
  search: string;
  selectedId: string | null;
  onOpen: (id: string) => void;
}

/** Team leads: unassigned threads waiting in one of their teams' queues, oldest first. */
export function QueueList({ teamIds, teamId, onTeamChange, search, selectedId, onOpen }: Props) {
  const now = useNow();
  const { t } = useTranslation();
  const teamsQuery = useQuery(QueueTeamsQuery, { fetchPolicy: 'cache-and-network' });
  const teams = (teamsQuery.data?.teams ?? []).filter((t) => teamIds === null || teamIds.includes(t.id));
  const current = teams.find((t) => t.id === teamId) ?? null;

  // Default to the first team once the teams are known.
  const firstTeamId = teams[0]?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: onTeamChange is a new function on every render of the parent
  useEffect(() => {
    if (!current && firstTeamId) onTeamChange(firstTeamId);
  }, [current, firstTeamId]);

  const { data, error, networkStatus, fetchMore } = useQuery(TeamQueueThreadsQuery, {
    variables: queueVariables(current?.id ?? '', search),
    skip: !current,
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const connection = current ? data?.threads : undefined;
  const fetchingMore = networkStatus === NetworkStatus.fetchMore;
  const loadNewer = useCallback(() => {
    if (!connection?.pageInfo.hasPreviousPage || fetchingMore) return;
    void fetchMore({ variables: { before: connection.pageInfo.startCursor } });
  }, [connection?.pageInfo.hasPreviousPage, connection?.pageInfo.startCursor, fetchingMore, fetchMore]);

  const picker = (
    <Group px="md" pt="xs" gap="xs" wrap="nowrap">
      <Select
        aria-label={t('inbox.queue.team')}
        size="xs"
        style={{ flex: 1 }}
        placeholder={teamsQuery.loading ? t('inbox.queue.loadingTeams') : t('inbox.queue.pickTeam')}
        data={teams.map((team) => ({ value: team.id, label: t('inbox.queue.teamOption', { name: team.name, count: team.queueLength }) }))}
        value={current?.id ?? null}
        onChange={(v) => v && onTeamChange(v)}
        allowDeselect={false}
        leftSection={<IconUsersGroup size={14} />}
      />
    </Group>
  );

  if (teamsQuery.data && teams.length === 0) {
    return (
      <Stack align="center" gap={4} py="xl" c="dimmed">
        <IconUsersGroup size={32} stroke={1.4} />
        <Text size="sm">{t('inbox.queue.noTeam')}</Text>
      </Stack>
    );
  }
  if ((error && !connection) || (teamsQuery.error && !teamsQuery.data)) {
    return (
      <>
        {picker}
        <Alert color="red" m="md" title={t('inbox.queue.loadError')}>
          {t(`errors.${describeError(error ?? teamsQuery.error).code}`)}
        </Alert>
      </>
    );
  }
  if (!connection) {
    return (
      <>
        {picker}
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      </>
    );
  }
  // Stored newest → oldest (CREATED_AT_DESC): show oldest first.
  const edges = [...connection.edges].reverse();
  return (
    <Box data-testid="queue-list">
      {picker}
      <Text size="xs" c="dimmed" px="md" py={6} data-testid="thread-total-count">
        {t('inbox.queue.waiting', { count: connection.totalCount, formatted: formatNumber(connection.totalCount) })}
      </Text>
      {edges.length === 0 ? (
        <Stack align="center" gap={4} py="xl" c="dimmed">
          <Text size="sm">{t('inbox.queue.empty')}</Text>
        </Stack>
      ) : (
        edges.map((edge) => <ThreadRow key={edge.node.id} thread={edge.node} selected={edge.node.id === selectedId} now={now} onOpen={onOpen} />)
      )}
      {connection.pageInfo.hasPreviousPage && (
        <Center py="md">
          {fetchingMore ? (
            <Loader size="xs" />
          ) : (
            <Text size="xs" c="dimmed" component="button" onClick={loadNewer} style={{ border: 0, background: 'none', cursor: 'pointer' }}>
              {t('common.loadNewer')}
            </Text>
          )}
        </Center>
      )}
    </Box>
  );
}
