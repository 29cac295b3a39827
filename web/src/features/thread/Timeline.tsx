import { useEffect, useRef } from 'react';
import { Center, ScrollArea, Stack, Text } from '@mantine/core';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { MessageItem } from './MessageItem';

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

/** Messages oldest first; new messages (mutation or live) are appended by cache updates. */
export function Timeline(props: { thread: FragmentType<typeof Timeline_thread> }) {
  const t = getFragmentData(Timeline_thread, props.thread);
  const viewport = useRef<HTMLDivElement>(null);
  // Relay order is oldest → newest; sort defensively so live appends can never land out of order.
  const edges = [...t.messages.edges].sort((a, b) => (a.node.createdAt ?? '').localeCompare(b.node.createdAt ?? ''));
  const lastId = edges[edges.length - 1]?.node.id;

  useEffect(() => {
    const el = viewport.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastId, t.id]);

  return (
    <ScrollArea viewportRef={viewport} style={{ flex: 1, minHeight: 0 }} type="auto">
      <Stack gap={4} px="lg" py="md" data-testid="timeline">
        {t.messages.pageInfo.hasPreviousPage && (
          <Text size="xs" c="dimmed" ta="center">
            Showing the latest {edges.length} of {t.messages.totalCount} messages
          </Text>
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
