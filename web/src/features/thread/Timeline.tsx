import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Alert, Box, Button, Center, ScrollArea, Stack, Text } from '@mantine/core';
import { IconAlarm, IconArrowUp } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { Timeline_ThreadFragment, TimelineSlaEvents_ThreadFragment } from '../../gql/graphql';
import { slaEventText } from '../../shared/sla';
import { formatNumber, messageTime } from '../../shared/time';
import { describeError } from '../../shared/errorMessages';
import classes from './MessageItem.module.css';
import { MessageItem, MessageItem_message } from './MessageItem';
import { useEarlierMessages } from './useEarlierMessages';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@apollo/client/react';

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

/** The SLA ladder steps that fired, shown as system lines (only in the thread view: rows never ask for events). */
export const TimelineSlaEvents_thread = graphql(`
  fragment TimelineSlaEvents_thread on Thread {
    id
    sla {
      events {
        id
        action
        target
        percentUsed
        dueAt
        firedAt
        recipients {
          id
          name
        }
      }
    }
  }
`);

/**
 * The conversation's language (the customer's, else detected in their messages, else the
 * organization's), for `lang` on message bodies. Its own small query, read from the cache after
 * the first time; nothing is marked while it is unknown.
 */
export const ThreadLanguageQuery = graphql(`
  query ThreadLanguage($id: ID!) {
    node(id: $id) {
      id
      ... on Thread {
        suggestedTemplateLanguage
      }
    }
  }
`);

type SlaEventView = NonNullable<TimelineSlaEvents_ThreadFragment['sla']>['events'][number];
type Entry =
  | { kind: 'message'; at: string; id: string; message: Timeline_ThreadFragment['messages']['edges'][number]['node'] }
  | { kind: 'sla'; at: string; id: string; event: SlaEventView };

/** A fired SLA ladder step as a system line of the timeline. */
function SlaEventItem({ event }: { event: SlaEventView }) {
  useTranslation();
  const names = event.recipients.map((r) => r.name).filter(Boolean);
  return (
    <Box className={classes.system} data-testid="sla-event" data-sla-action={event.action} data-sla-event-id={event.id}>
      <Text size="xs" c={event.action === 'REMIND' ? 'dimmed' : event.action === 'ALERT' ? 'orange.8' : 'red.8'} ta="center">
        <IconAlarm size={12} style={{ verticalAlign: -2, marginRight: 4 }} />
        {slaEventText(event)}
        {names.length > 0 ? ` → ${names.join(', ')}` : ''} · {messageTime(event.firedAt)}
      </Text>
    </Box>
  );
}

/**
 * Whether customer messages and replies (INCOMING / OUTGOING) of a thread came over more than one
 * channel (a merged thread): then each shows its channel. Messages without a channel do not count.
 */
export function spansSeveralChannels(messages: readonly { type: string; channel?: { id: string } | null }[]): boolean {
  const ids = new Set<string>();
  for (const m of messages) if ((m.type === 'INCOMING' || m.type === 'OUTGOING') && m.channel) ids.add(m.channel.id);
  return ids.size > 1;
}

/**
 * Messages oldest first; new messages (mutation or live) are appended by cache updates and
 * "Load earlier messages" prepends the previous page (merged in the cache, without duplicates).
 */
export function Timeline(props: { thread: FragmentType<typeof Timeline_thread>; sla?: FragmentType<typeof TimelineSlaEvents_thread> | null }) {
  const t = getFragmentData(Timeline_thread, props.thread);
  const slaData = props.sla ? getFragmentData(TimelineSlaEvents_thread, props.sla) : null;
  const viewport = useRef<HTMLDivElement>(null);
  // Distance from the bottom to restore once the earlier page is rendered (keeps the reader's place).
  const restore = useRef<{ threadId: string; fromBottom: number } | null>(null);
  const [loadEarlier, { loading: loadingEarlier }] = useEarlierMessages();
  const [loadError, setLoadError] = useState<string | null>(null);
  const { t: tr } = useTranslation();
  const languageData = useQuery(ThreadLanguageQuery, { variables: { id: t.id } }).data?.node;
  const threadLang = languageData?.__typename === 'Thread' ? languageData.suggestedTemplateLanguage : null;
  // Relay order is oldest → newest; sort defensively so live appends can never land out of order.
  const edges = [...t.messages.edges].sort((a, b) => (a.node.createdAt ?? '').localeCompare(b.node.createdAt ?? ''));
  const firstId = edges[0]?.node.id;
  const { hasPreviousPage, startCursor } = t.messages.pageInfo;
  // SLA ladder steps interleaved by time; while earlier messages are not loaded, older steps wait with them.
  const firstAt = edges[0]?.node.createdAt ?? null;
  const slaEvents = (slaData?.sla?.events ?? []).filter((e) => !(hasPreviousPage && firstAt && e.firedAt < firstAt));
  const entries: Entry[] = [
    ...edges.map((e): Entry => ({ kind: 'message', at: e.node.createdAt ?? '', id: e.node.id, message: e.node })),
    ...slaEvents.map((e): Entry => ({ kind: 'sla', at: e.firedAt, id: e.id, event: e })),
  ].sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0));
  const lastEntryId = entries[entries.length - 1]?.id;
  const showChannel = spansSeveralChannels(edges.map((e) => getFragmentData(MessageItem_message, e.node)));

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll to the bottom when a new last entry arrives or another thread opens
  useEffect(() => {
    const el = viewport.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastEntryId, t.id]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when earlier messages were prepended (firstId changed) to keep the reading position
  useLayoutEffect(() => {
    const el = viewport.current;
    const r = restore.current;
    if (!el || !r) return;
    restore.current = null;
    if (r.threadId === t.id) el.scrollTop = el.scrollHeight - r.fromBottom;
  }, [firstId, t.id]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a load error belongs to the thread it happened in
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
      setLoadError(tr(`errors.${describeError(e).code}`));
    }
  };

  return (
    <ScrollArea viewportRef={viewport} style={{ flex: 1, minHeight: 0 }} type="auto" viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': tr('inbox.conversation') }}>
      <Stack gap={4} px="lg" py="md" data-testid="timeline">
        {hasPreviousPage && startCursor && (
          <Stack gap={4} align="center" pb="xs">
            <Button variant="light" size="compact-xs" leftSection={<IconArrowUp size={12} />} loading={loadingEarlier} onClick={() => void onLoadEarlier()}>
              {tr('timeline.loadEarlier')}
            </Button>
            <Text size="xs" c="dimmed" data-testid="timeline-count">
              {tr('timeline.showing', { shown: formatNumber(edges.length), total: formatNumber(t.messages.totalCount) })}
            </Text>
          </Stack>
        )}
        {loadError && (
          <Alert color="red" variant="light" title={tr('timeline.loadEarlierFailed')} withCloseButton onClose={() => setLoadError(null)}>
            {loadError}
          </Alert>
        )}
        {entries.length === 0 ? (
          <Center py="xl">
            <Text size="sm" c="dimmed">
              {tr('timeline.empty')}
            </Text>
          </Center>
        ) : (
          entries.map((e) =>
            e.kind === 'message' ? <MessageItem key={e.id} message={e.message} lang={threadLang} showChannel={showChannel} /> : <SlaEventItem key={e.id} event={e.event} />,
          )
        )}
      </Stack>
    </ScrollArea>
  );
}
