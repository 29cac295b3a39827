import { useCallback } from 'react';
import { useQuery } from '@apollo/client/react';
import { NetworkStatus } from '@apollo/client';
import { Alert, Box, Center, Loader, Stack, Text } from '@mantine/core';
import { IconInbox } from '@tabler/icons-react';
import { useInView } from 'react-intersection-observer';
import { graphql } from '../../gql';
import { ThreadRow } from './ThreadRow';
import { threadFilterFor, type InboxView } from './filters';
import { formatNumber, useNow } from '../../shared/time';
import { describeError } from '../../shared/errorMessages';
import { useTranslation } from 'react-i18next';

export const INBOX_PAGE_SIZE = 50;

export const InboxThreadsQuery = graphql(`
  query InboxThreads($first: Int!, $after: String, $filter: ThreadFilter, $orderBy: ThreadOrder) {
    threads(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
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

export function inboxVariables(view: InboxView, search: string) {
  return {
    first: INBOX_PAGE_SIZE,
    filter: threadFilterFor(view, search),
    orderBy: 'LAST_MESSAGE_AT_DESC' as const,
  };
}

interface Props {
  view: InboxView;
  search: string;
  selectedId: string | null;
  onOpen: (id: string) => void;
}

export function ThreadList({ view, search, selectedId, onOpen }: Props) {
  const now = useNow();
  const { t } = useTranslation();
  const { data, error, networkStatus, fetchMore } = useQuery(InboxThreadsQuery, {
    variables: inboxVariables(view, search),
    // Refresh on (re)mount: threads created while the list was not mounted (e.g. on /settings)
    // are in no cached list, and LiveUpdates' refetch only reaches active queries.
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.threads;
  const fetchingMore = networkStatus === NetworkStatus.fetchMore;

  const loadMore = useCallback(() => {
    if (!connection?.pageInfo.hasNextPage || fetchingMore) return;
    void fetchMore({ variables: { after: connection.pageInfo.endCursor } });
  }, [connection?.pageInfo.hasNextPage, connection?.pageInfo.endCursor, fetchingMore, fetchMore]);

  const { ref: sentinelRef } = useInView({
    rootMargin: '400px',
    onChange: (inView) => {
      if (inView) loadMore();
    },
  });

  if (error && !connection) {
    return (
      <Alert color="red" m="md" title={t('inbox.loadError')}>
        {t(`errors.${describeError(error).code}`, { defaultValue: describeError(error).message })}
      </Alert>
    );
  }
  if (!connection) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  if (connection.edges.length === 0) {
    return (
      <Stack align="center" gap={4} py="xl" c="dimmed">
        <IconInbox size={32} stroke={1.4} />
        <Text size="sm">{t('inbox.empty')}</Text>
      </Stack>
    );
  }

  return (
    <Box data-testid="thread-list">
      <Text size="xs" c="dimmed" px="md" py={6} data-testid="thread-total-count">
        {t('inbox.count', { count: connection.totalCount, formatted: formatNumber(connection.totalCount) })}
      </Text>
      {connection.edges.map((edge) => (
        <ThreadRow key={edge.node.id} thread={edge.node} selected={edge.node.id === selectedId} now={now} onOpen={onOpen} />
      ))}
      {connection.pageInfo.hasNextPage && (
        <Center py="md" ref={sentinelRef}>
          {fetchingMore ? (
            <Loader size="xs" />
          ) : (
            <Text size="xs" c="dimmed" component="button" onClick={loadMore} style={{ border: 0, background: 'none', cursor: 'pointer' }}>
              {t('common.loadMore')}
            </Text>
          )}
        </Center>
      )}
    </Box>
  );
}
