import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { NetworkStatus } from '@apollo/client';
import { Alert, Center, Checkbox, Group, Loader, Stack, Text } from '@mantine/core';
import { getHotkeyHandler, useHotkeys } from '@mantine/hooks';
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { IconInbox } from '@tabler/icons-react';
import { graphql, getFragmentData } from '../../gql';
import { ThreadRow, ThreadRow_thread } from './ThreadRow';
import { BulkBar } from './BulkBar';
import { orderFor, threadFilterFor, type Density, type InboxView, type SortChoice, type StatusChoice } from './filters';
import { formatNumber, useNow } from '../../shared/time';
import { describeError } from '../../shared/errorMessages';
import { useTranslation } from 'react-i18next';
import { firstRowsShown } from '../../app/firstScreen';
import classes from './ThreadList.module.css';

export const INBOX_PAGE_SIZE = 50;
/** Load the next page when the last rendered row is this close to the end of the loaded rows. */
const LOAD_AHEAD_ROWS = 10;
/** Rows rendered beyond the visible ones (above and below); the first page's first frame renders only FIRST_FRAME_OVERSCAN. */
const OVERSCAN = 8;
const FIRST_FRAME_OVERSCAN = 1;
/** Estimated row heights (px) before a row is measured. */
const ESTIMATED_ROW_HEIGHT: Record<Density, number> = { comfortable: 104, compact: 46 };
/**
 * The list's size before layout: jsdom (unit tests) and a pane hidden by the phone layout report
 * 0 × 0; the virtualizer then renders the rows this rectangle would show.
 */
const FALLBACK_RECT = { width: 420, height: 900 };

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

/** Variables of InboxThreadsQuery for a tab, search text, status filter and sort (defaults: any status, newest). */
export function inboxVariables(view: InboxView, search: string, opts: { status?: readonly StatusChoice[]; sort?: SortChoice } = {}) {
  return {
    first: INBOX_PAGE_SIZE,
    filter: threadFilterFor(view, search, opts.status ?? []),
    orderBy: orderFor(opts.sort ?? 'newest'),
  };
}

/** How a thread is opened: Enter (keyboard) also asks the thread view to focus the composer. */
export interface OpenOptions {
  focusComposer?: boolean;
}

interface Props {
  view: InboxView;
  search: string;
  status?: readonly StatusChoice[];
  sort?: SortChoice;
  density?: Density;
  selectedId: string | null;
  onOpen: (id: string, opts?: OpenOptions) => void;
  /** Controls shown at the right of the list's header row (sort, density). */
  toolbar?: ReactNode;
}

const observeRectOrFallback: typeof observeElementRect = (instance, cb) => observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK_RECT));

/**
 * The inbox's conversation list: virtualised (@tanstack/react-virtual, rows measured), loads the
 * next page when the rendered rows near the end, bulk selection with a bar of actions, and the
 * keyboard: j/k or ↓/↑ move the active row (roving focus), Enter opens it (and focuses the
 * composer), x toggles its selection. A `<ul>` whose items carry aria-setsize/posinset (their place among all matching threads).
 */
export function ThreadList({ view, search, status = [], sort = 'newest', density = 'comfortable', selectedId, onOpen, toolbar }: Props) {
  const now = useNow();
  const { t } = useTranslation();
  const variables = inboxVariables(view, search, { status, sort });
  const variablesKey = JSON.stringify(variables);
  const { data, error, networkStatus, fetchMore } = useQuery(InboxThreadsQuery, {
    variables,
    // Refresh on (re)mount: threads created while the list was not mounted (e.g. on /settings)
    // are in no cached list, and LiveUpdates' refetch only reaches active queries.
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.threads;
  const edges = connection?.edges ?? [];
  const answered = connection !== undefined || error !== undefined;
  // After a sign-in the unread counts and the bell wait for this (app/firstScreen.ts).
  useEffect(() => {
    if (answered) firstRowsShown();
  }, [answered]);
  const fetchingMore = networkStatus === NetworkStatus.fetchMore;

  const loadMore = useCallback(() => {
    if (!connection?.pageInfo.hasNextPage || fetchingMore) return;
    void fetchMore({ variables: { after: connection.pageInfo.endCursor } });
  }, [connection?.pageInfo.hasNextPage, connection?.pageInfo.endCursor, fetchingMore, fetchMore]);

  // ---- selection (bulk actions)
  const [checked, setChecked] = useState<ReadonlySet<string>>(() => new Set());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts a new selection
  useEffect(() => setChecked(new Set()), [variablesKey]);
  const toggleChecked = useCallback((id: string) => {
    setChecked((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const loadedIds = edges.map((e) => e.node.id);
  const checkedIds = loadedIds.filter((id) => checked.has(id));
  const allChecked = loadedIds.length > 0 && checkedIds.length === loadedIds.length;

  // ---- virtualisation
  const scrollRef = useRef<HTMLDivElement>(null);
  // The first rows on screen sooner: the first frame with rows renders the visible ones (plus
  // one), the overscan follows once that frame is painted.
  const [overscan, setOverscan] = useState(FIRST_FRAME_OVERSCAN);
  useEffect(() => {
    if (!answered || overscan === OVERSCAN) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setOverscan(OVERSCAN), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [answered, overscan]);
  const virtualizer = useVirtualizer({
    count: edges.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_HEIGHT[density],
    getItemKey: (i) => edges[i]?.node.id ?? i,
    overscan,
    initialRect: FALLBACK_RECT,
    observeElementRect: observeRectOrFallback,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: row heights change with the density
  useEffect(() => virtualizer.measure(), [density, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const lastRendered = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (lastRendered >= 0 && lastRendered >= edges.length - LOAD_AHEAD_ROWS) loadMore();
  }, [lastRendered, edges.length, loadMore]);

  // ---- keyboard: roving focus over the rows
  const [activeId, setActiveId] = useState<string | null>(null);
  const activeIndex = useMemo(() => {
    const ids = edges.map((e) => e.node.id);
    const i = activeId ? ids.indexOf(activeId) : -1;
    if (i >= 0) return i;
    const s = selectedId ? ids.indexOf(selectedId) : -1;
    return s >= 0 ? s : 0;
  }, [edges, activeId, selectedId]);
  const activeRowId = edges[activeIndex]?.node.id ?? null;
  const focusPending = useRef<string | null>(null);

  const move = (delta: number) => {
    if (edges.length === 0) return;
    const target = Math.max(0, Math.min(edges.length - 1, activeIndex + delta));
    const id = edges[target]!.node.id;
    setActiveId(id);
    focusPending.current = id;
    virtualizer.scrollToIndex(target, { align: 'auto' });
    focusRow(scrollRef.current, id, focusPending);
  };
  const openActive = () => {
    if (activeRowId) onOpen(activeRowId, { focusComposer: true });
  };
  const toggleActive = () => {
    if (activeRowId) toggleChecked(activeRowId);
  };
  // j/k anywhere on the page (not while typing: Mantine ignores inputs, textareas and selects).
  useHotkeys([
    ['j', () => move(1)],
    ['k', () => move(-1)],
  ]);
  const onListKeyDown = getHotkeyHandler([
    ['ArrowDown', () => move(1)],
    ['ArrowUp', () => move(-1)],
    ['Enter', openActive],
    ['x', toggleActive],
  ]);

  const describeThread = useCallback(
    (id: string) => {
      const edge = edges.find((e) => e.node.id === id);
      if (!edge) return id;
      const row = getFragmentData(ThreadRow_thread, edge.node);
      return [row.customer?.name, row.subject].filter(Boolean).join(' · ') || id;
    },
    [edges],
  );

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

  const header = (
    <Group gap="xs" px="sm" py={4} wrap="nowrap" className={classes.header}>
      <Checkbox
        size="xs"
        aria-label={t('inbox.bulk.selectAll')}
        checked={allChecked}
        indeterminate={checkedIds.length > 0 && !allChecked}
        disabled={loadedIds.length === 0}
        onChange={() => setChecked(allChecked ? new Set() : new Set(loadedIds))}
        data-testid="select-all"
      />
      <Text size="xs" c="dimmed" data-testid="thread-total-count" truncate style={{ flex: 1 }}>
        {t('inbox.count', { count: connection.totalCount, formatted: formatNumber(connection.totalCount) })}
      </Text>
      {toolbar}
    </Group>
  );

  return (
    <div className={classes.root}>
      {header}
      {checkedIds.length > 0 && <BulkBar threadIds={checkedIds} describe={describeThread} onDone={(failed) => setChecked(new Set(failed))} onClear={() => setChecked(new Set())} />}
      <div ref={scrollRef} className={classes.scroll} data-testid="thread-list-viewport">
        {edges.length === 0 ? (
          <Stack align="center" gap={4} py="xl" c="dimmed">
            <IconInbox size={32} stroke={1.4} />
            <Text size="sm">{t('inbox.empty')}</Text>
          </Stack>
        ) : (
          <ul aria-label={t('inbox.conversations')} data-testid="thread-list" className={classes.list} style={{ height: virtualizer.getTotalSize() }} onKeyDown={onListKeyDown}>
            {items.map((item) => {
              const edge = edges[item.index]!;
              return (
                <li
                  key={item.key}
                  aria-setsize={connection.totalCount}
                  aria-posinset={item.index + 1}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className={classes.item}
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <ThreadRow
                    thread={edge.node}
                    selected={edge.node.id === selectedId}
                    now={now}
                    onOpen={onOpen}
                    density={density}
                    checked={checked.has(edge.node.id)}
                    onToggleChecked={toggleChecked}
                    active={edge.node.id === activeRowId}
                    onFocusRow={setActiveId}
                  />
                </li>
              );
            })}
          </ul>
        )}
        {connection.pageInfo.hasNextPage && (
          <Center py="md">
            {fetchingMore ? (
              <Loader size="xs" />
            ) : (
              <Text size="xs" c="dimmed" component="button" onClick={loadMore} style={{ border: 0, background: 'none', cursor: 'pointer' }}>
                {t('common.loadMore')}
              </Text>
            )}
          </Center>
        )}
      </div>
    </div>
  );
}

/** Focuses the row button of thread `id` once the virtualizer has rendered it (a few frames at most). */
function focusRow(root: HTMLElement | null, id: string, pending: { current: string | null }, attempt = 0) {
  const el = root?.querySelector<HTMLElement>(`[data-thread-id="${CSS.escape(id)}"] [data-row-main]`);
  if (el) {
    el.focus({ preventScroll: true });
    if (pending.current === id) pending.current = null;
    return;
  }
  if (attempt < 10 && pending.current === id) requestAnimationFrame(() => focusRow(root, id, pending, attempt + 1));
}
