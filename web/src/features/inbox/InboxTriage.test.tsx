import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { InboxPage } from './InboxPage';
import { InboxThreadsQuery, inboxVariables } from './ThreadList';
import { ThreadRow_thread } from './ThreadRow';
import { InboxUnreadCountsQuery, unreadCountsVariables } from './unreadCounts';
import { BulkUpdateThreadsMutation } from './BulkBar';
import { readInboxParams, writeInboxParams } from './filters';
import { mockOp, renderWithProviders } from '../../test/render';

type ThreadRowData = ResultOf<typeof ThreadRow_thread>;
type InboxData = ResultOf<typeof InboxThreadsQuery>;

function rowData(id: string, overrides: Partial<ThreadRowData> = {}): ThreadRowData {
  return {
    __typename: 'Thread',
    id,
    subject: `Subject ${id}`,
    priority: 'NORMAL',
    status: 'OPEN',
    overdue: false,
    unread: false,
    responseDueAt: null,
    firstResponseAt: null,
    resolvedAt: null,
    sla: null,
    lastMessageAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', name: 'WhatsApp' },
    customer: { __typename: 'Customer', id: `cust-${id}`, name: `Customer ${id}` },
    assignee: null,
    lastMessage: { __typename: 'Message', id: `msg-${id}`, type: 'INCOMING', content: 'Hello', metadata: {}, attachments: [] },
    ...overrides,
  };
}

function connection(rows: ThreadRowData[], opts: { totalCount?: number; hasNextPage?: boolean; offset?: number } = {}): InboxData {
  const offset = opts.offset ?? 0;
  return {
    threads: {
      __typename: 'ThreadConnection',
      totalCount: opts.totalCount ?? rows.length,
      pageInfo: { __typename: 'PageInfo', hasNextPage: opts.hasNextPage ?? false, endCursor: rows.length ? `c-${offset + rows.length}` : null },
      edges: rows.map((r, i) => ({
        __typename: 'ThreadEdge',
        cursor: `c-${offset + i + 1}`,
        node: { __typename: 'Thread', id: r.id, ...makeFragmentData(r, ThreadRow_thread) },
      })),
    },
  };
}

function counts(values: Partial<Record<'all' | 'mine' | 'unassigned' | 'team' | 'email' | 'whatsapp' | 'tasks' | 'overdue' | 'snoozed', number>>) {
  const c = (n = 0) => ({ __typename: 'ThreadConnection' as const, unreadCount: n });
  return {
    all: c(values.all),
    mine: c(values.mine),
    unassigned: c(values.unassigned),
    team: c(values.team),
    email: c(values.email),
    whatsapp: c(values.whatsapp),
    tasks: c(values.tasks),
    overdue: c(values.overdue),
    snoozed: c(values.snoozed),
  };
}

const INFINITE = { maxUsageCount: Number.POSITIVE_INFINITY };

/** Shows where the inbox navigated to and the state it passed (the thread pane's stand-in). */
function ThreadProbe() {
  const location = useLocation();
  return (
    <div data-testid="probe" data-path={location.pathname} data-state={JSON.stringify(location.state ?? null)}>
      thread
    </div>
  );
}

function inboxRoutes() {
  return (
    <Routes>
      <Route path="/" element={<InboxPage />}>
        <Route path="threads/:id" element={<ThreadProbe />} />
      </Route>
    </Routes>
  );
}

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

describe('inbox filter in the URL', () => {
  it('reads and writes view, status, sort, q and density; defaults stay out of the URL', () => {
    const p = readInboxParams(new URLSearchParams('view=mine&status=open,waiting,bogus&sort=due&q=wallbox&density=compact'));
    expect(p).toEqual({ view: 'mine', status: ['open', 'waiting'], sort: 'due', q: 'wallbox', density: 'compact' });
    expect(readInboxParams(new URLSearchParams('view=nope&sort=nope'))).toEqual({ view: 'all', status: [], sort: 'newest', q: '', density: 'comfortable' });
    const next = writeInboxParams(new URLSearchParams('view=mine&team=t1&sort=due'), { view: 'all', sort: 'newest', status: ['escalated'] });
    expect(next.toString()).toBe('team=t1&status=escalated');
  });

  it('restores the list from the URL: view, statuses and sort become the query variables; density the rows', async () => {
    const variables = inboxVariables('mine', '', { status: ['open', 'waiting'], sort: 'due' });
    expect(variables).toEqual({
      first: 50,
      filter: { mine: true, snoozed: false, status: ['OPEN', 'WAITING_CUSTOMER', 'WAITING_INTERNAL'] },
      orderBy: 'RESPONSE_DUE_AT_ASC',
    });
    const bySort = vi.fn(() => ({ data: connection([rowData('p1', { customer: { __typename: 'Customer', id: 'cp', name: 'By priority' } })]) }));
    renderWithProviders(inboxRoutes(), {
      route: '/?view=mine&status=open,waiting&sort=due&density=compact',
      mocks: [
        mockOp(InboxThreadsQuery, variables, connection([rowData('d1'), rowData('d2')])),
        { request: { query: InboxThreadsQuery, variables: inboxVariables('mine', '', { status: ['open', 'waiting'], sort: 'priority' }) }, result: bySort },
      ],
    });
    const rows = await screen.findAllByTestId('thread-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveAttribute('data-density', 'compact');
    expect(screen.getByRole('tab', { name: 'Mine' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('combobox', { name: 'Sort' })).toHaveValue('Due soonest');

    await userEvent.click(screen.getByRole('combobox', { name: 'Sort' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Priority' }));
    expect(await screen.findByText('By priority')).toBeInTheDocument();
    expect(bySort).toHaveBeenCalledTimes(1);
  });
});

describe('unread', () => {
  it('marks unread rows (dot, bold subject) and shows unread counts on the tabs from one request', async () => {
    const countsResult = vi.fn(() => ({ data: counts({ all: 12, mine: 3 }) }));
    renderWithProviders(<InboxPage />, {
      mocks: [
        mockOp(InboxThreadsQuery, inboxVariables('all', ''), connection([rowData('u1', { unread: true }), rowData('r1')])),
        { request: { query: InboxUnreadCountsQuery, variables: unreadCountsVariables([]) }, result: countsResult },
      ],
    });
    const [unread, read] = await screen.findAllByTestId('thread-row');
    expect(unread).toHaveAttribute('data-unread', 'true');
    expect(within(unread!).getByTestId('unread-dot')).toBeInTheDocument();
    expect(within(unread!).getByTestId('thread-subject')).toHaveStyle({ fontWeight: '700' });
    expect(read).not.toHaveAttribute('data-unread');
    expect(within(read!).queryByTestId('unread-dot')).toBeNull();

    await waitFor(() => expect(countsResult).toHaveBeenCalled());
    expect(await screen.findByRole('tab', { name: 'Mine, 3 unread' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'All, 12 unread' })).toBeInTheDocument();
    // A tab without unread threads shows no count.
    expect(within(screen.getByRole('tab', { name: 'Team' })).queryByTestId('tab-unread-count')).toBeNull();
    expect(countsResult).toHaveBeenCalledTimes(1);
  });
});

describe('keyboard in the list', () => {
  it('j/k and arrows move the focused row, x selects it, Enter opens it asking for the composer', async () => {
    renderWithProviders(inboxRoutes(), {
      mocks: [mockOp(InboxThreadsQuery, inboxVariables('all', ''), connection([rowData('t1'), rowData('t2'), rowData('t3')]), INFINITE)],
    });
    const rows = await screen.findAllByTestId('thread-row');
    const mainButton = (row: HTMLElement) => row.querySelector('[data-row-main]') as HTMLElement;
    // Roving focus: only the first row is in the Tab order.
    expect(mainButton(rows[0]!)).toHaveAttribute('tabindex', '0');
    expect(mainButton(rows[1]!)).toHaveAttribute('tabindex', '-1');

    await userEvent.keyboard('j');
    await waitFor(() => expect(mainButton(screen.getAllByTestId('thread-row')[1]!)).toHaveFocus());
    await userEvent.keyboard('{ArrowDown}');
    await waitFor(() => expect(mainButton(screen.getAllByTestId('thread-row')[2]!)).toHaveFocus());
    await userEvent.keyboard('k');
    await waitFor(() => expect(mainButton(screen.getAllByTestId('thread-row')[1]!)).toHaveFocus());
    expect(mainButton(screen.getAllByTestId('thread-row')[1]!)).toHaveAttribute('tabindex', '0');

    await userEvent.keyboard('x');
    expect(within(screen.getAllByTestId('thread-row')[1]!).getByRole('checkbox')).toBeChecked();
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('1 selected');
    await userEvent.keyboard('x');
    expect(within(screen.getAllByTestId('thread-row')[1]!).getByRole('checkbox')).not.toBeChecked();
    expect(screen.queryByTestId('bulk-bar')).toBeNull();

    await userEvent.keyboard('{Enter}');
    const probe = await screen.findByTestId('probe');
    expect(probe).toHaveAttribute('data-path', '/threads/t2');
    expect(JSON.parse(probe.getAttribute('data-state')!)).toEqual({ focusComposer: true });
  });

  it('ignores j while typing in the search box', async () => {
    renderWithProviders(inboxRoutes(), {
      mocks: [mockOp(InboxThreadsQuery, inboxVariables('all', ''), connection([rowData('t1'), rowData('t2')]), INFINITE)],
    });
    await screen.findAllByTestId('thread-row');
    const search = screen.getByRole('textbox', { name: 'Search conversations' });
    await userEvent.click(search);
    await userEvent.keyboard('j');
    expect(search).toHaveFocus();
    expect(search).toHaveValue('j');
  });
});

describe('bulk actions', () => {
  it('sends one bulkUpdateThreads for the selected rows, lists per-thread errors and keeps only the failed ones selected', async () => {
    const bulk = vi.fn(() => ({
      data: {
        bulkUpdateThreads: {
          __typename: 'BulkUpdateThreadsPayload' as const,
          threads: [{ __typename: 'Thread' as const, id: 't1', ...makeFragmentData(rowData('t1', { status: 'RESOLVED' }), ThreadRow_thread) }],
          errors: [{ __typename: 'UserError' as const, code: 'FORBIDDEN', message: 'You may not change this conversation.', field: 'threadIds.1' }],
        },
      } satisfies ResultOf<typeof BulkUpdateThreadsMutation>,
    }));
    renderWithProviders(<InboxPage />, {
      mocks: [
        mockOp(InboxThreadsQuery, inboxVariables('all', ''), connection([rowData('t1'), rowData('t2'), rowData('t3')]), INFINITE),
        { request: { query: BulkUpdateThreadsMutation, variables: { input: { threadIds: ['t1', 't2'], status: 'RESOLVED' } } }, result: bulk },
      ],
    });
    const rows = await screen.findAllByTestId('thread-row');
    await userEvent.click(within(rows[0]!).getByRole('checkbox'));
    await userEvent.click(within(rows[1]!).getByRole('checkbox'));
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('2 selected');

    await userEvent.click(screen.getByTestId('bulk-status'));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Resolved' }));

    await waitFor(() => expect(bulk).toHaveBeenCalledTimes(1));
    const errors = await screen.findByTestId('bulk-errors');
    expect(errors).toHaveTextContent('1 conversation could not be updated');
    expect(errors).toHaveTextContent('Customer t2 · Subject t2: You may not change this conversation.');
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('1 selected');
    const after = screen.getAllByTestId('thread-row');
    expect(within(after[0]!).getByRole('checkbox')).not.toBeChecked();
    expect(within(after[1]!).getByRole('checkbox')).toBeChecked();
  });

  it('"select all" selects every loaded row and clears them again', async () => {
    renderWithProviders(<InboxPage />, {
      mocks: [mockOp(InboxThreadsQuery, inboxVariables('all', ''), connection([rowData('t1'), rowData('t2'), rowData('t3')]), INFINITE)],
    });
    await screen.findAllByTestId('thread-row');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all loaded conversations' }));
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('3 selected');
    expect(screen.getAllByTestId('thread-check').every((c) => (c as HTMLInputElement).checked)).toBe(true);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all loaded conversations' }));
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
  });
});

describe('virtualised list', () => {
  /** jsdom has no layout: rows report 100 px (the virtualizer measures offsetHeight), the list falls back to 900 px. */
  function rowsAreTall() {
    vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
      return this.hasAttribute('data-index') ? 100 : 0;
    });
  }

  it('renders only the rows in view, with their position in the whole list', async () => {
    rowsAreTall();
    const many = Array.from({ length: 200 }, (_, i) => rowData(`v${i + 1}`));
    renderWithProviders(<InboxPage />, { mocks: [mockOp(InboxThreadsQuery, inboxVariables('all', ''), connection(many, { totalCount: 480 }))] });
    const rows = await screen.findAllByTestId('thread-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(30);
    const items = within(screen.getByRole('list', { name: 'Conversations' })).getAllByRole('listitem');
    expect(items[0]).toHaveAttribute('aria-setsize', '480');
    expect(items[0]).toHaveAttribute('aria-posinset', '1');
    expect(items[1]).toHaveAttribute('aria-posinset', '2');
  });

  it('loads the next page when the rendered rows reach the end of the loaded ones', async () => {
    rowsAreTall();
    const first = Array.from({ length: 12 }, (_, i) => rowData(`p${i + 1}`));
    const second = vi.fn(() => ({ data: connection([rowData('p13', { customer: { __typename: 'Customer', id: 'c13', name: 'Second page' } })], { offset: 12 }) }));
    renderWithProviders(<InboxPage />, {
      mocks: [
        mockOp(InboxThreadsQuery, inboxVariables('all', ''), connection(first, { totalCount: 13, hasNextPage: true })),
        { request: { query: InboxThreadsQuery, variables: { ...inboxVariables('all', ''), after: 'c-12' } }, result: second },
      ],
    });
    await screen.findAllByTestId('thread-row');
    await waitFor(() => expect(second).toHaveBeenCalledTimes(1));
    expect(await screen.findByText('Second page')).toBeInTheDocument();
  });
});
