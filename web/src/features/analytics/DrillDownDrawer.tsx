import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { Alert, Badge, Button, Center, Drawer, Group, Loader, SegmentedControl, Stack, Text, UnstyledButton } from '@mantine/core';
import { graphql } from '../../gql';
import type { ResultOf } from '@graphql-typed-document-node/core';
import type { AnalyticsBucketInput, AnalyticsMetric } from '../../gql/graphql';
import { ChannelIcon, STATUS_COLOR, STATUS_LABEL } from '../../shared/labels';
import { formatDateTime, formatNumber, listTime } from '../../shared/time';
import { METRIC_LABEL } from './labels';
import type { AnalyticsScopeVariables } from './useAnalyticsDashboard';
import { i18n } from '../../i18n';

export const DRILL_PAGE_SIZE = 25;

/** What was clicked: a tile (bucket null), a bar ({ dimension, key }) or a series point ({ from, to }). */
export interface DrillTarget {
  title: string;
  /** The metrics of the clicked tile or chart; the drawer switches between them (first one shown). */
  metrics: readonly AnalyticsMetric[];
  bucket: AnalyticsBucketInput | null;
}

/**
 * The threads behind a number. Not cached (`no-cache`): `Analytics` has no id, so a second
 * query writing into `analytics(range, …)` would replace the dashboard's cached fields.
 */
export const AnalyticsDrillDownQuery = graphql(`
  query AnalyticsDrillDown(
    $range: AnalyticsRangeInput!
    $filter: AnalyticsFilterInput
    $timezone: String
    $metric: AnalyticsMetric!
    $bucket: AnalyticsBucketInput
    $first: Int
    $after: String
  ) {
    analytics(range: $range, filter: $filter, timezone: $timezone) {
      threads(metric: $metric, bucket: $bucket, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            subject
            status
            lastMessageAt
            channel {
              id
              type
            }
            customer {
              id
              name
            }
            assignee {
              id
              name
            }
          }
        }
      }
    }
  }
`);

/** Rate metrics: the drill-down can narrow to the events that met the target or missed it. */
const RATE_METRICS: ReadonlySet<AnalyticsMetric> = new Set<AnalyticsMetric>([
  'SLA_COMPLIANCE',
  'SLA_FIRST_RESPONSE_COMPLIANCE',
  'SLA_NEXT_RESPONSE_COMPLIANCE',
  'SLA_RESOLUTION_COMPLIANCE',
  'FIRST_CONTACT_RESOLUTION',
  'TEMPLATE_USAGE',
  'ASSIGNMENT_ACCURACY',
  'TASK_COMPLETION_ON_TIME',
]);

type Met = 'all' | 'met' | 'missed';

/** The bucket sent for a target and the met/missed choice (null stays null for "all"). */
export function drillBucket(bucket: AnalyticsBucketInput | null, met: Met): AnalyticsBucketInput | null {
  if (met === 'all') return bucket;
  return { ...(bucket ?? {}), met: met === 'met' };
}

type Edge = ResultOf<typeof AnalyticsDrillDownQuery>['analytics']['threads']['edges'][number];

function ThreadLine({ node, onOpen }: { node: Edge['node']; onOpen: () => void }) {
  return (
    <UnstyledButton
      component={Link}
      to={`/threads/${encodeURIComponent(node.id)}`}
      onClick={onOpen}
      data-testid="drilldown-row"
      data-thread-id={node.id}
      px="xs"
      py={6}
      style={{ display: 'block', borderRadius: 'var(--mantine-radius-sm)', borderBottom: '1px solid var(--mantine-color-gray-2)' }}
    >
      <Group gap="xs" wrap="nowrap">
        <ChannelIcon type={node.channel.type} size={16} />
        <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
          <Text size="sm" fw={500} truncate>
            {node.subject || i18n.t('analytics.noSubject')}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {node.customer?.name ?? i18n.t('common.unknownCustomer')} · {node.assignee?.name ?? i18n.t('common.unassigned')}
          </Text>
        </Stack>
        <Badge size="xs" variant="light" color={STATUS_COLOR[node.status]}>
          {STATUS_LABEL[node.status]}
        </Badge>
        <Text size="xs" c="dimmed" w={44} ta="right" title={formatDateTime(node.lastMessageAt)}>
          {listTime(node.lastMessageAt)}
        </Text>
      </Group>
    </UnstyledButton>
  );
}

function ThreadList(props: { scope: AnalyticsScopeVariables; metric: AnalyticsMetric; bucket: AnalyticsBucketInput | null; onOpen: () => void }) {
  const { data, loading, error, fetchMore } = useQuery(AnalyticsDrillDownQuery, {
    variables: { ...props.scope, metric: props.metric, bucket: props.bucket, first: DRILL_PAGE_SIZE },
    fetchPolicy: 'no-cache',
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const connection = data?.analytics.threads;

  const loadMore = async () => {
    if (!connection?.pageInfo.endCursor) return;
    setLoadingMore(true);
    try {
      await fetchMore({
        variables: { after: connection.pageInfo.endCursor },
        updateQuery: (prev, { fetchMoreResult }) => {
          if (!prev.analytics) return fetchMoreResult;
          const next = fetchMoreResult.analytics.threads;
          const seen = new Set(prev.analytics.threads.edges.map((e) => e.node.id));
          return {
            ...prev,
            analytics: {
              ...prev.analytics,
              threads: { ...next, edges: [...prev.analytics.threads.edges, ...next.edges.filter((e) => !seen.has(e.node.id))] },
            },
          } as typeof fetchMoreResult;
        },
      });
    } catch {
      // The button stays; the error shows on the next attempt.
    } finally {
      setLoadingMore(false);
    }
  };

  if (!connection) {
    if (error) {
      return (
        <Alert color="red" title={i18n.t('analytics.drill.loadError')}>
          {error.message}
        </Alert>
      );
    }
    return loading ? (
      <Center py="md">
        <Loader size="sm" />
      </Center>
    ) : null;
  }
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed" data-testid="drilldown-total" data-total={connection.totalCount}>
        {i18n.t('analytics.drill.count', { count: connection.totalCount, formatted: formatNumber(connection.totalCount) })}
      </Text>
      <Stack gap={0}>
        {connection.edges.map((e) => (
          <ThreadLine key={e.node.id} node={e.node} onOpen={props.onOpen} />
        ))}
      </Stack>
      {connection.pageInfo.hasNextPage && (
        <Button variant="light" size="xs" loading={loadingMore} onClick={() => void loadMore()} data-testid="drilldown-more">
          {i18n.t('common.loadMore')}
        </Button>
      )}
    </Stack>
  );
}

/**
 * The drawer listing the threads behind a clicked tile, bar or point (25 at a time, "Load
 * more"); each row opens the thread in the inbox. Rate metrics can narrow to met / missed.
 */
export function DrillDownDrawer(props: { target: DrillTarget | null; scope: AnalyticsScopeVariables; onClose: () => void }) {
  return (
    <Drawer opened={props.target != null} onClose={props.onClose} position="right" size="lg" title={props.target?.title} data-testid="drilldown">
      {props.target && <DrillDownBody key={JSON.stringify(props.target)} target={props.target} scope={props.scope} onClose={props.onClose} />}
    </Drawer>
  );
}

function DrillDownBody({ target, scope, onClose }: { target: DrillTarget; scope: AnalyticsScopeVariables; onClose: () => void }) {
  const [metric, setMetric] = useState<AnalyticsMetric>(target.metrics[0]!);
  const [met, setMet] = useState<Met>('all');
  const isRate = RATE_METRICS.has(metric);
  return (
    <Stack gap="sm" data-testid="drilldown-body" data-metric={metric}>
      {target.metrics.length > 1 && (
        <SegmentedControl size="xs" value={metric} onChange={(v) => setMetric(v as AnalyticsMetric)} data={target.metrics.map((m) => ({ value: m, label: METRIC_LABEL[m] }))} />
      )}
      {isRate && (
        <SegmentedControl
          size="xs"
          value={met}
          onChange={(v) => setMet(v as Met)}
          data={[
            { value: 'all', label: i18n.t('analytics.drill.all') },
            { value: 'met', label: i18n.t('analytics.drill.met') },
            { value: 'missed', label: i18n.t('analytics.drill.missed') },
          ]}
        />
      )}
      <ThreadList scope={scope} metric={metric} bucket={drillBucket(target.bucket, isRate ? met : 'all')} onOpen={onClose} />
    </Stack>
  );
}
