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
import { measureElement as measureVirtualElement, observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';

export const TIMELINE_PAGE_SIZE = 50;
/** Up to this many entries (messages + SLA lines) the timeline renders them all; above it, only those near the viewport. */
export const VIRTUALIZE_AFTER = 80;
/** Estimated height (px) of an entry before it is measured. */
const ESTIMATED_ENTRY_HEIGHT = 72;
/** Space (px) between entries: the Stack's gap in plain mode. */
const ENTRY_GAP = 4;
/**
 * The viewport's size before layout: jsdom (unit tests) and a pane hidden by the phone layout report
 * 0 × 0; the virtualizer then renders the entries this rectangle would show.
 */
const FALLBACK_RECT = { width: 640, height: 900 };

const observeRectOrFallback: typeof observeElementRect = (instance, cb) => observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK_RECT));
/** An entry that reports 0 px is not laid out (hidden pane, jsdom): keep its estimate rather than collapsing it. */
const measureEntry = (el: HTMLElement, entry: ResizeObserverEntry | undefined, instance: Virtualizer<HTMLDivElement, HTMLElement>) => {
  const size = measureVirtualElement(el, entry, instance);
  return size > 0 ? size : ESTIMATED_ENTRY_HEIGHT;
};

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

/** The rendered element of timeline entry `id` (a message or an SLA line) under `root`, if any. */
function entryElement(root: HTMLElement, id: string): HTMLElement | null {
  const q = CSS.escape(id);
  return root.querySelector<HTMLElement>(`[data-message-id="${q}"], [data-sla-event-id="${q}"]`);
}

/** Distance (px) from the top of `ancestor`'s box to the top of `el`'s (both scroll together, so scrolling does not change it). */
function offsetWithin(el: HTMLElement, ancestor: HTMLElement): number {
  return el.getBoundingClientRect().top - ancestor.getBoundingClientRect().top;
}

/**
 * Messages oldest first; new messages (mutation or live) are appended by cache updates and
 * "Load earlier messages" prepends the previous page (merged in the cache, without duplicates).
 * Above VIRTUALIZE_AFTER entries only those near the viewport are rendered (@tanstack/react-virtual,
 * entries measured); the place of the reader is kept when earlier messages are prepended.
 */
export function Timeline(props: { thread: FragmentType<typeof Timeline_thread>; sla?: FragmentType<typeof TimelineSlaEvents_thread> | null }) {
  const t = getFragmentData(Timeline_thread, props.thread);
  const slaData = props.sla ? getFragmentData(TimelineSlaEvents_thread, props.sla) : null;
  const viewport = useRef<HTMLDivElement>(null);
  // Distance from the bottom to restore once the earlier page is rendered (keeps the reader's place).
  // In virtual mode: the entry that was first and its distance (px) from the viewport's top, when rendered.
  const restore = useRef<{ threadId: string; fromBottom: number; anchorId: string | undefined; anchorTop: number | null } | null>(null);
  const stack = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
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
  const virtual = entries.length > VIRTUALIZE_AFTER;

  // ---- virtualisation (only above VIRTUALIZE_AFTER entries). The header (load button, counts, error)
  // sits above the list in the same scroll area: its height is the virtualizer's scrollMargin.
  const [scrollMargin, setScrollMargin] = useState(0);
  const virtualizer = useVirtualizer({
    enabled: virtual,
    count: virtual ? entries.length : 0,
    getScrollElement: () => viewport.current,
    estimateSize: () => ESTIMATED_ENTRY_HEIGHT,
    getItemKey: (i) => entries[i]?.id ?? i,
    measureElement: measureEntry,
    overscan: 8,
    gap: ENTRY_GAP,
    scrollMargin,
    // Switching from plain to virtual mode keeps the current scroll position.
    initialOffset: () => viewport.current?.scrollTop ?? 0,
    initialRect: FALLBACK_RECT,
    observeElementRect: observeRectOrFallback,
  });
  const items = virtual ? virtualizer.getVirtualItems() : [];

  useLayoutEffect(() => {
    if (!virtual || !list.current || !stack.current) return;
    const margin = Math.round(offsetWithin(list.current, stack.current));
    if (margin !== scrollMargin) setScrollMargin(margin);
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll to the bottom when a new last entry arrives or another thread opens
  useEffect(() => {
    if (entries.length > VIRTUALIZE_AFTER) {
      virtualizer.scrollToIndex(entries.length - 1, { align: 'end' });
      return;
    }
    const el = viewport.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastEntryId, t.id]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when earlier messages were prepended (firstId changed) to keep the reading position
  useLayoutEffect(() => {
    const el = viewport.current;
    const r = restore.current;
    if (!el || !r) return;
    restore.current = null;
    if (r.threadId !== t.id) return;
    if (!virtual) {
      el.scrollTop = el.scrollHeight - r.fromBottom;
      return;
    }
    // The entry that was first stays where it was: its new start in the list (estimated sizes above
    // it; the virtualizer corrects the scroll position as those get measured) minus its old distance
    // from the viewport's top.
    const index = Math.max(
      0,
      entries.findIndex((e) => e.id === r.anchorId),
    );
    virtualizer.getVirtualItems(); // brings the measurements up to date with the prepended entries
    const item = virtualizer.measurementsCache[index];
    if (!item || r.anchorTop === null || !list.current || !stack.current) {
      virtualizer.scrollToIndex(index, { align: 'start' });
      return;
    }
    const anchorTop = r.anchorTop;
    virtualizer.scrollToOffset(offsetWithin(list.current, stack.current) + item.start - virtualizer.options.scrollMargin - anchorTop);
    // Once the entries around it are rendered and measured, settle what drift is left (seen when the
    // list just turned virtual) from where the anchor really is: a few frames at most.
    let frames = 0;
    const settle = () => {
      const anchor = r.anchorId ? entryElement(el, r.anchorId) : null;
      const drift = anchor ? anchor.getBoundingClientRect().top - el.getBoundingClientRect().top - anchorTop : 0;
      if (Math.abs(drift) >= 1) virtualizer.scrollBy(drift);
      if (++frames < 4) requestAnimationFrame(settle);
    };
    requestAnimationFrame(settle);
  }, [firstId, t.id]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a load error belongs to the thread it happened in
  useEffect(() => setLoadError(null), [t.id]);

  const renderEntry = (e: Entry) =>
    e.kind === 'message' ? <MessageItem key={e.id} message={e.message} lang={threadLang} showChannel={showChannel} /> : <SlaEventItem key={e.id} event={e.event} />;

  const onLoadEarlier = async () => {
    if (!startCursor || loadingEarlier) return;
    const el = viewport.current;
    const anchorId = entries[0]?.id;
    const anchor = el && anchorId ? entryElement(el, anchorId) : null;
    restore.current = el
      ? { threadId: t.id, fromBottom: el.scrollHeight - el.scrollTop, anchorId, anchorTop: anchor ? anchor.getBoundingClientRect().top - el.getBoundingClientRect().top : null }
      : null;
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
      <Stack ref={stack} gap={ENTRY_GAP} px="lg" py="md" data-testid="timeline">
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
        ) : virtual ? (
          <div ref={list} data-testid="timeline-virtual" style={{ position: 'relative', width: '100%', height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const e = entries[item.index]!;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
                >
                  {renderEntry(e)}
                </div>
              );
            })}
          </div>
        ) : (
          entries.map(renderEntry)
        )}
      </Stack>
    </ScrollArea>
  );
}
