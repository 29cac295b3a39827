import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Alert, Button, Center, ScrollArea, Stack, Text } from '@mantine/core';
import { IconArrowUp } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { MessageItem } from './MessageItem';
import { useEarlierMessages } from './useEarlierMessages';

export const TIMELINE_PAGE_SIZE = 50;

export const Timeline_thread = graphql(`
  fragment Timeline_thread on Thread {
    id
    messages(last: 50) {
      totalCount
      pageInfo {
        hasPreviousPage
        startCursor
      }
      edges {
        cursor
        node {
          id
          createdAt
          ...MessageItem_message
        }
      }
    }
  }
`);

/**
 * Messages oldest first; new messages (mutation or live) are appended by cache updates and
 * "Load earlier messages" prepends the previous page (merged in the cache, without duplicates).
 */
export function Timeline(props: { thread: FragmentType<typeof Timeline_thread> }) {
  const t = getFragmentData(Timeline_thread, props.thread);
  const viewport = useRef<HTMLDivElement>(null);
  // Distance from the bottom to restore once the earlier page is rendered (keeps the reader's place).
  const restore = useRef<{ threadId: string; fromBottom: number } | null>(null);
  const [loadEarlier, { loading: loadingEarlier }] = useEarlierMessages();
  const [loadError, setLoadError] = useState<string | null>(null);
  // Relay order is oldest → newest; sort defensively so live appends can never land out of order.
  const edges = [...t.messages.edges].sort((a, b) => (a.node.createdAt ?? '').localeCompare(b.node.createdAt ?? ''));
  const firstId = edges[0]?.node.id;
  const lastId = edges[edges.length - 1]?.node.id;
  const { hasPreviousPage, startCursor } = t.messages.pageInfo;

  useEffect(() => {
    const el = viewport.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastId, t.id]);

  useLayoutEffect(() => {
    const el = viewport.current;
    const r = restore.current;
    if (!el || !r) return;
    restore.current = null;
    if (r.threadId === t.id) el.scrollTop = el.scrollHeight - r.fromBottom;
  }, [firstId, t.id]);

  useEffect(() => setLoadError(null), [t.id]);

  const onLoadEarlier = async () => {
    if (!startCursor || loadingEarlier) return;
    const el = viewport.current;
    restore.current = el ? { threadId: t.id, fromBottom: el.scrollHeight - el.scrollTop } : null;
    setLoadError(null);
    try {
      const { error } = await loadEarlier(t.id, startCursor, TIMELINE_PAGE_SIZE);
      if (error) throw error;
    } catch (e) {
      restore.current = null;
      setLoadError((e as Error).message);
    }
  };

  return (
    <ScrollArea viewportRef={viewport} style={{ flex: 1, minHeight: 0 }} type="auto">
      <Stack gap={4} px="lg" py="md" data-testid="timeline">
        {hasPreviousPage && startCursor && (
          <Stack gap={4} align="center" pb="xs">
            <Button
              variant="light"
              size="compact-xs"
              leftSection={<IconArrowUp size={12} />}
              loading={loadingEarlier}
              onClick={() => void onLoadEarlier()}
            >
              Load earlier messages
            </Button>
            <Text size="xs" c="dimmed" data-testid="timeline-count">
              Showing {edges.length} of {t.messages.totalCount} messages
            </Text>
          </Stack>
        )}
        {loadError && (
          <Alert color="red" variant="light" title="Could not load earlier messages" withCloseButton onClose={() => setLoadError(null)}>
            {loadError}
          </Alert>
        )}
        {edges.length === 0 ? (
          <Center py="xl">
            <Text size="sm" c="dimmed">
              No messages yet
            </Text>
          </Center>
        ) : (
          edges.map((e) => <MessageItem key={e.node.id} message={e.node} />)
        )}
      </Stack>
    </ScrollArea>
  );
}
