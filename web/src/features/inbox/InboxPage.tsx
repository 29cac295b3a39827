import { useState, useEffect } from 'react';
import { Outlet, useMatch, useNavigate, useSearchParams } from 'react-router';
import { Box, CloseButton, ScrollArea, Tabs, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { IconSearch } from '@tabler/icons-react';
import { ThreadList } from './ThreadList';
import { QueueList } from './QueueList';
import { INBOX_VIEWS, isInboxView, QUEUE_VIEW, type InboxView } from './filters';
import { useViewer } from '../../app/viewer';
import classes from './InboxPage.module.css';

/** Two-pane inbox: conversation list on the left, the routed thread view on the right. */
export function InboxPage() {
  const [params, setParams] = useSearchParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const match = useMatch('/threads/:id');
  const selectedId = match?.params.id ?? null;

  // Read from the cache the app layout filled: no request of its own.
  const { viewer, isTeamLead, isManager } = useViewer({ cacheOnly: true });
  const viewParam = params.get('view');
  const isQueue = viewParam === QUEUE_VIEW;
  const view: InboxView = isInboxView(viewParam) ? viewParam : 'all';
  const queueTeamIds = isManager ? null : (viewer?.teams.map((t) => t.id) ?? []);
  const [searchInput, setSearchInput] = useState(params.get('q') ?? '');
  const [search] = useDebouncedValue(searchInput, 300);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new debounced search writes the URL (params change on every navigation)
  useEffect(() => {
    const next = new URLSearchParams(params);
    if (search.trim()) next.set('q', search.trim());
    else next.delete('q');
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
  }, [search]);

  const setView = (v: string | null) => {
    const next = new URLSearchParams(params);
    if (!v || v === 'all') next.delete('view');
    else next.set('view', v);
    if (v !== QUEUE_VIEW) next.delete('team');
    setParams(next);
  };

  const setQueueTeam = (teamId: string) => {
    const next = new URLSearchParams(params);
    next.set('team', teamId);
    setParams(next, { replace: true });
  };

  const openThread = (id: string) => {
    navigate({ pathname: `/threads/${encodeURIComponent(id)}`, search: params.toString() });
  };

  return (
    <div className={classes.layout}>
      <section className={classes.listPane} aria-label={t('inbox.conversations')}>
        <Box p="sm" pb={0}>
          <TextInput
            aria-label={t('inbox.search')}
            placeholder={t('inbox.searchPlaceholder')}
            leftSection={<IconSearch size={16} />}
            value={searchInput}
            onChange={(e) => setSearchInput(e.currentTarget.value)}
            rightSection={searchInput ? <CloseButton size="sm" aria-label={t('inbox.clearSearch')} onClick={() => setSearchInput('')} /> : null}
          />
        </Box>
        <Tabs value={isQueue ? QUEUE_VIEW : view} onChange={setView} variant="default" mt="xs">
          <Tabs.List grow className={classes.tabs}>
            {INBOX_VIEWS.map((v) => (
              <Tabs.Tab key={v.value} value={v.value} px={6}>
                {t(`inbox.views.${v.value}`)}
              </Tabs.Tab>
            ))}
            {(isTeamLead || isQueue) && (
              <Tabs.Tab value={QUEUE_VIEW} px={6}>
                {t('inbox.views.queue')}
              </Tabs.Tab>
            )}
          </Tabs.List>
        </Tabs>
        <ScrollArea className={classes.scroll} type="auto">
          {isQueue ? (
            <QueueList teamIds={queueTeamIds} teamId={params.get('team')} onTeamChange={setQueueTeam} search={search} selectedId={selectedId} onOpen={openThread} />
          ) : (
            <ThreadList view={view} search={search} selectedId={selectedId} onOpen={openThread} />
          )}
        </ScrollArea>
      </section>
      <section className={classes.threadPane} aria-label={t('inbox.conversation')}>
        <Outlet />
      </section>
    </div>
  );
}
