import { useEffect, useRef, useState } from 'react';
import { Outlet, useMatch, useNavigate, useSearchParams } from 'react-router';
import { ActionIcon, Box, Button, Checkbox, CloseButton, Group, Indicator, Popover, ScrollArea, Select, Stack, Tabs, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { IconFilter, IconLayoutList, IconList, IconSearch } from '@tabler/icons-react';
import type { ApolloClient } from '@apollo/client';
import { InboxThreadsQuery, inboxVariables, ThreadList, type OpenOptions } from './ThreadList';
import { QueueList } from './QueueList';
import { INBOX_VIEWS, QUEUE_VIEW, readInboxParams, SORT_CHOICES, STATUS_CHOICES, storeDensity, writeInboxParams, type SortChoice, type StatusChoice } from './filters';
import { useUnreadCounts } from './unreadCounts';
import { useViewer } from '../../app/viewer';
import { formatNumber } from '../../shared/time';
import classes from './InboxPage.module.css';

/**
 * Right after a sign-in (chunks.ts `prefetchSignedIn`; the login lands on `/`): the first page of
 * the plain inbox's list starts beside the shell's queries; the list's own query joins it.
 */
export function prefetchInbox(client: ApolloClient): void {
  const inbox = readInboxParams(new URLSearchParams());
  if (inbox.view === QUEUE_VIEW) return;
  void client.query({ query: InboxThreadsQuery, variables: inboxVariables(inbox.view, inbox.q, { status: inbox.status, sort: inbox.sort }) }).catch(() => undefined);
}

/**
 * Two-pane inbox: conversation list on the left, the routed thread view on the right. The whole
 * filter (view, status, sort, search, density) lives in the URL search params, so a bookmark or a
 * shared link restores it. ≤ 600 px wide one pane shows at a time (`data-thread-open`).
 */
export function InboxPage() {
  const [params, setParams] = useSearchParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const match = useMatch('/threads/:id');
  const selectedId = match?.params.id ?? null;

  // Read from the cache the app layout filled: no request of its own.
  const { viewer, isTeamLead, isManager } = useViewer({ cacheOnly: true });
  const inbox = readInboxParams(params);
  const isQueue = inbox.view === QUEUE_VIEW;
  const view = inbox.view === QUEUE_VIEW ? 'all' : inbox.view;
  const queueTeamIds = isManager ? null : (viewer?.teams.map((t) => t.id) ?? []);
  const [searchInput, setSearchInput] = useState(inbox.q);
  const [search] = useDebouncedValue(searchInput, 300);
  const counts = useUnreadCounts(inbox.status);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new debounced search writes the URL (params change on every navigation)
  useEffect(() => {
    const next = writeInboxParams(params, { q: search });
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
  }, [search]);

  const update = (patch: Parameters<typeof writeInboxParams>[1], replace = false) => setParams(writeInboxParams(params, patch), { replace });

  const setView = (v: string | null) => {
    const next = writeInboxParams(params, { view: (v ?? 'all') as typeof inbox.view });
    if (v !== QUEUE_VIEW) next.delete('team');
    setParams(next);
  };

  const setQueueTeam = (teamId: string) => {
    const next = new URLSearchParams(params);
    next.set('team', teamId);
    setParams(next, { replace: true });
  };

  const toggleDensity = () => {
    const density = inbox.density === 'compact' ? 'comfortable' : 'compact';
    storeDensity(density);
    update({ density }, true);
  };

  const openThread = (id: string, opts: OpenOptions = {}) => {
    navigate({ pathname: `/threads/${encodeURIComponent(id)}`, search: params.toString() }, opts.focusComposer ? { state: { focusComposer: true } } : undefined);
  };

  // Keep the active tab visible in the scrollable tab strip.
  const tabsRef = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the view changes (the selected tab is read from the DOM)
  useEffect(() => {
    tabsRef.current?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [inbox.view]);

  const statusFilter = (
    <Popover position="bottom-end" withinPortal trapFocus>
      {/* The target is the button itself: aria-expanded is not allowed on the Indicator's div (axe). */}
      <Indicator disabled={inbox.status.length === 0} label={inbox.status.length} size={14} offset={4}>
        <Tooltip label={t('inbox.filter.status')} withArrow>
          <Popover.Target>
            <ActionIcon variant={inbox.status.length ? 'light' : 'default'} size={36} aria-label={t('inbox.filter.status')} data-testid="status-filter">
              <IconFilter size={16} />
            </ActionIcon>
          </Popover.Target>
        </Tooltip>
      </Indicator>
      <Popover.Dropdown>
        <Checkbox.Group
          label={t('inbox.filter.status')}
          value={inbox.status}
          onChange={(v) => update({ status: STATUS_CHOICES.map((c) => c.value).filter((c) => v.includes(c)) as StatusChoice[] })}
        >
          <Stack gap={6} mt={6}>
            {STATUS_CHOICES.map((c) => (
              <Checkbox key={c.value} size="xs" value={c.value} label={t(`inbox.filter.statuses.${c.value}`)} />
            ))}
          </Stack>
        </Checkbox.Group>
        {inbox.status.length > 0 && (
          <Button size="compact-xs" variant="subtle" mt="xs" onClick={() => update({ status: [] })}>
            {t('inbox.filter.anyStatus')}
          </Button>
        )}
      </Popover.Dropdown>
    </Popover>
  );

  const toolbar = (
    <>
      <Select
        size="xs"
        w={132}
        aria-label={t('inbox.sort.label')}
        data={SORT_CHOICES.map((c) => ({ value: c.value, label: t(`inbox.sort.${c.value}`) }))}
        value={inbox.sort}
        onChange={(v) => v && update({ sort: v as SortChoice })}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        data-testid="sort-select"
      />
      <Tooltip label={t('inbox.density.compact')} withArrow>
        <ActionIcon
          variant="default"
          size={30}
          aria-label={t('inbox.density.compact')}
          aria-pressed={inbox.density === 'compact'}
          onClick={toggleDensity}
          data-testid="density-toggle"
        >
          {inbox.density === 'compact' ? <IconList size={16} /> : <IconLayoutList size={16} />}
        </ActionIcon>
      </Tooltip>
    </>
  );

  const tab = (value: string, count: number | undefined) => (
    <Tabs.Tab key={value} value={value} px={8} className={classes.tab} data-testid={`tab-${value}`}>
      {t(`inbox.views.${value}`)}
      {count !== undefined && count > 0 && (
        <>
          <span className={classes.tabCount} aria-hidden data-testid="tab-unread-count">
            {formatNumber(count)}
          </span>
          <VisuallyHidden>{`, ${t('inbox.unreadCount', { count, formatted: formatNumber(count) })}`}</VisuallyHidden>
        </>
      )}
    </Tabs.Tab>
  );

  return (
    <div className={classes.layout} data-thread-open={selectedId ? 'true' : undefined}>
      {/* The page's one h1 (axe page-has-heading-one), for screen readers. */}
      <VisuallyHidden>
        <h1>{t('app.inbox')}</h1>
      </VisuallyHidden>
      <section className={classes.listPane} aria-label={t('inbox.conversations')} data-testid="list-pane">
        <Group p="sm" pb={0} gap="xs" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            aria-label={t('inbox.search')}
            placeholder={t('inbox.searchPlaceholder')}
            leftSection={<IconSearch size={16} />}
            value={searchInput}
            // ThreadFilter.search accepts at most 200 characters (VALIDATION_FAILED beyond).
            maxLength={200}
            onChange={(e) => setSearchInput(e.currentTarget.value)}
            rightSection={searchInput ? <CloseButton size="sm" aria-label={t('inbox.clearSearch')} onClick={() => setSearchInput('')} /> : null}
          />
          {!isQueue && statusFilter}
        </Group>
        <Tabs value={isQueue ? QUEUE_VIEW : view} onChange={setView} variant="default" mt={4} className={classes.tabsRoot}>
          <Tabs.List className={classes.tabs} ref={tabsRef}>
            {INBOX_VIEWS.map((v) => tab(v.value, counts[v.value]))}
            {(isTeamLead || isQueue) && tab(QUEUE_VIEW, undefined)}
          </Tabs.List>
        </Tabs>
        {isQueue ? (
          <ScrollArea className={classes.scroll} type="auto">
            <QueueList teamIds={queueTeamIds} teamId={params.get('team')} onTeamChange={setQueueTeam} search={search} selectedId={selectedId} onOpen={openThread} />
          </ScrollArea>
        ) : (
          <Box className={classes.listBody}>
            <ThreadList view={view} search={search} status={inbox.status} sort={inbox.sort} density={inbox.density} selectedId={selectedId} onOpen={openThread} toolbar={toolbar} />
          </Box>
        )}
      </section>
      <section className={classes.threadPane} aria-label={t('inbox.conversation')} data-testid="thread-pane">
        <Outlet />
      </section>
    </div>
  );
}
