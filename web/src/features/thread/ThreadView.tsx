import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { Alert, Center, Drawer, Loader, ScrollArea, Text } from '@mantine/core';
import { useHotkeys, useMediaQuery } from '@mantine/hooks';
import { graphql } from '../../gql';
import { ThreadHeader, type ThreadHeaderHandle } from './ThreadHeader';
import { Timeline } from './Timeline';
import { ReplyWindow } from './ReplyWindow';
import { Composer, type ComposerHandle } from '../composer/Composer';
import { ThreadTasks } from '../tasks/ThreadTasks';
import { CustomerSidebar } from '../customer/CustomerSidebar';
import classes from './ThreadView.module.css';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../shared/errorMessages';
import { isInOverlay, isTypingTarget, overlayOpen, SHORTCUTS } from '../shortcuts/shortcuts';
import { useThreadTriage } from './useThreadTriage';

export const ThreadViewQuery = graphql(`
  query ThreadView($id: ID!) {
    node(id: $id) {
      id
      ... on Thread {
        unread
        lastInboundAt
        customer {
          id
        }
        ...ThreadHeader_thread
        ...ReplyWindow_thread
        ...Timeline_thread
        ...TimelineSlaEvents_thread
        ...Composer_thread
        ...ThreadTasks_thread
      }
    }
  }
`);

/** What the inbox list may pass when opening a thread (react-router location state). */
export interface ThreadLocationState {
  /** Focus the composer once the thread shows (Enter in the list). */
  focusComposer?: boolean;
}

/** The state the thread view passes back to the list on Esc / Back: the thread to focus there. */
export interface ListLocationState {
  focusThreadId?: string;
}

/**
 * Marks the thread read for the viewer when it shows unread, once per open and again whenever a
 * new customer message arrives while it is open (lastInboundAt moves). A thread the agent just
 * marked unread is not marked read again until the customer writes.
 */
export function useMarkReadOnView(thread: { id: string; unread: boolean; lastInboundAt?: string | null } | null): void {
  const { markRead } = useThreadTriage();
  const marked = useRef<string | null>(null);
  const id = thread?.id;
  const unread = thread?.unread ?? false;
  const inbound = thread?.lastInboundAt ?? '';
  useEffect(() => {
    if (!id) return;
    const key = `${id}|${inbound}`;
    if (marked.current === key) return;
    const seenBefore = marked.current?.startsWith(`${id}|`) ?? false;
    marked.current = key;
    // A new customer message while open: read at once, even before `unread` reaches the cache.
    if (unread || seenBefore) void markRead(id).catch(() => undefined);
  }, [id, unread, inbound, markRead]);
}

export function ThreadView() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const composer = useRef<ComposerHandle>(null);
  const header = useRef<ThreadHeaderHandle>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const narrow = useMediaQuery('(max-width: 1100px)') ?? false;
  const { data, error, loading } = useQuery(ThreadViewQuery, {
    variables: { id: id! },
    skip: !id,
    fetchPolicy: 'cache-and-network',
  });
  const thread = data?.node?.__typename === 'Thread' ? data.node : null;

  useMarkReadOnView(thread);

  // Enter in the list opens the thread with the composer focused.
  const focusedFor = useRef<string | null>(null);
  const state = location.state as ThreadLocationState | null;
  useEffect(() => {
    if (!thread || !state?.focusComposer || focusedFor.current === location.key) return;
    focusedFor.current = location.key;
    composer.current?.focus();
  }, [thread, state?.focusComposer, location.key]);

  const backToList = () => navigate({ pathname: '/', search: location.search }, { state: { focusThreadId: id } satisfies ListLocationState });

  /** A single-key shortcut: not while typing, nor while a dialog or menu has the focus. */
  const key = (hotkeys: readonly string[], run: () => void): [string, (e: KeyboardEvent) => void][] =>
    hotkeys.map((h) => [
      h,
      (e: KeyboardEvent) => {
        if (!isInOverlay(e.target) && thread) run();
      },
    ]);
  useHotkeys([
    ...key(SHORTCUTS.reply.hotkeys, () => composer.current?.focus('REPLY')),
    ...key(SHORTCUTS.note.hotkeys, () => composer.current?.focus('NOTE')),
    ...key(SHORTCUTS.assign.hotkeys, () => header.current?.openAssign()),
    ...key(SHORTCUTS.status.hotkeys, () => header.current?.openStatus()),
    ...key(SHORTCUTS.snooze.hotkeys, () => header.current?.openSnooze()),
    ...key(SHORTCUTS.templates.hotkeys, () => composer.current?.openTemplates()),
  ]);
  // Esc also works while typing: out of a draft first (kept), then back to the list.
  useHotkeys(
    [
      [
        'Escape',
        (e) => {
          if (e.defaultPrevented || isInOverlay(e.target) || overlayOpen()) return;
          const target = e.target as HTMLElement | null;
          if (isTypingTarget(target)) {
            const inEmptyComposer = target?.matches('[data-composer-input]') && composer.current?.isEmpty();
            if (!inEmptyComposer) {
              e.preventDefault();
              target?.blur();
              return;
            }
          }
          e.preventDefault();
          backToList();
        },
        { preventDefault: false },
      ],
    ],
    [],
    true,
  );

  if (error && !data) {
    return (
      <Alert color="red" m="md" title={t('thread.loadError')}>
        {t(`errors.${describeError(error).code}`, { defaultValue: describeError(error).message })}
      </Alert>
    );
  }
  if (!thread) {
    if (loading || !data) {
      return (
        <Center h="100%">
          <Loader size="sm" />
        </Center>
      );
    }
    return (
      <Center h="100%">
        <Text c="dimmed">{t('thread.notFound')}</Text>
      </Center>
    );
  }

  const sidebar = <CustomerSidebar customerId={thread.customer?.id ?? null} threadId={thread.id} threadTasks={<ThreadTasks thread={thread} />} />;

  return (
    <div className={classes.layout} data-testid="thread-view" data-thread-id={thread.id}>
      <div className={classes.main}>
        <ThreadHeader thread={thread} controller={header} onShowCustomer={() => setDrawerOpen(true)} />
        <ReplyWindow thread={thread} />
        <Timeline thread={thread} sla={thread} />
        <div className={classes.composer}>
          <Composer key={thread.id} thread={thread} controller={composer} />
        </div>
      </div>
      {narrow ? (
        <Drawer opened={drawerOpen} onClose={() => setDrawerOpen(false)} position="right" size={360} title={t('sidebar.label')} padding={0}>
          {sidebar}
        </Drawer>
      ) : (
        <aside className={classes.side} aria-label={t('sidebar.label')}>
          <ScrollArea h="100%" type="auto">
            {sidebar}
          </ScrollArea>
        </aside>
      )}
    </div>
  );
}
