import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { InboxPage } from './InboxPage';
import { InboxThreadsQuery, inboxVariables } from './ThreadList';
import { ThreadRow_thread } from './ThreadRow';
import { QueueTeamsQuery, queueVariables, TeamQueueThreadsQuery } from './QueueList';
import { AppViewerQuery } from '../../app/viewer';
import { createCache } from '../../app/apollo';
import { mockOp, renderWithProviders } from '../../test/render';

type ThreadRowData = ResultOf<typeof ThreadRow_thread>;
type InboxData = ResultOf<typeof InboxThreadsQuery>;

const HOUR = 3600_000;

function rowData(overrides: Partial<ThreadRowData> & { id: string }): ThreadRowData {
  return {
    __typename: 'Thread',
    subject: 'Wallbox installation',
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
    customer: { __typename: 'Customer', id: `cust-${overrides.id}`, name: 'Mario Rossi' },
    assignee: null,
    lastMessage: { __typename: 'Message', id: `msg-${overrides.id}`, type: 'INCOMING', content: 'Hello', metadata: {}, attachments: [] },
    ...overrides,
  };
}

function connection(rows: ThreadRowData[], totalCount = rows.length): InboxData {
  return {
    threads: {
      __typename: 'ThreadConnection',
      totalCount,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: rows.length ? `c-${rows.length}` : null },
      edges: rows.map((r, i) => ({
        __typename: 'ThreadEdge',
        cursor: `c-${i + 1}`,
        node: { __typename: 'Thread', id: r.id, ...makeFragmentData(r, ThreadRow_thread) },
      })),
    },
  };
}

const allThreads = connection(
  [
    rowData({
      id: 't1',
      subject: 'Charger not starting',
      priority: 'URGENT',
      overdue: true,
      responseDueAt: new Date(Date.now() - 3 * HOUR).toISOString(),
      customer: { __typename: 'Customer', id: 'c1', name: 'Giulia Bianchi' },
      lastMessage: { __typename: 'Message', id: 'm1', type: 'INCOMING', content: 'The wallbox shows a red light', metadata: {}, attachments: [] },
      assignee: { __typename: 'User', id: 'u1', name: 'Anna Verdi' },
    }),
    rowData({
      id: 't2',
      subject: 'Quote request',
      priority: 'LOW',
      responseDueAt: new Date(Date.now() + 2 * HOUR + 10 * 60_000).toISOString(),
      channel: { __typename: 'Channel', id: 'ch-mail', type: 'EMAIL_OUTLOOK', name: 'Outlook' },
      customer: { __typename: 'Customer', id: 'c2', name: 'Luca Neri' },
      lastMessage: { __typename: 'Message', id: 'm2', type: 'OUTGOING', content: 'Here is our offer', metadata: {}, attachments: [] },
    }),
  ],
  42,
);

describe('Inbox thread list', () => {
  it('renders a row per thread with customer, preview, priority badge and SLA labels', async () => {
    renderWithProviders(<InboxPage />, {
      mocks: [mockOp(InboxThreadsQuery, inboxVariables('all', ''), allThreads)],
    });

    const rows = await screen.findAllByTestId('thread-row');
    expect(rows).toHaveLength(2);

    const first = within(rows[0]!);
    expect(first.getByTestId('thread-customer')).toHaveTextContent('Giulia Bianchi');
    expect(first.getByTestId('thread-subject')).toHaveTextContent('Charger not starting');
    expect(first.getByTestId('thread-preview')).toHaveTextContent('The wallbox shows a red light');
    expect(first.getByTestId('priority-badge')).toHaveTextContent('Urgent');
    expect(first.getByTestId('due-label')).toHaveTextContent('overdue 3h');
    expect(first.getByRole('img', { name: 'WhatsApp' })).toBeInTheDocument();

    const second = within(rows[1]!);
    expect(second.getByTestId('thread-customer')).toHaveTextContent('Luca Neri');
    expect(second.getByTestId('thread-preview')).toHaveTextContent('You: Here is our offer');
    expect(second.getByTestId('priority-badge')).toHaveTextContent('Low');
    expect(second.getByTestId('due-label')).toHaveTextContent('due in 2h');
    expect(second.getByRole('img', { name: 'Outlook e-mail' })).toBeInTheDocument();
    expect(second.getByText('Unassigned')).toBeInTheDocument();

    expect(screen.getByTestId('thread-total-count')).toHaveTextContent('42 conversations');
  });

  it.each([
    ['Overdue', 'overdue', { sla: ['AT_RISK', 'BREACHED'], snoozed: false }],
    ['WhatsApp', 'whatsapp', { channelType: ['WHATSAPP_BUSINESS'], snoozed: false }],
    ['Email', 'email', { channelType: ['EMAIL_OUTLOOK'], snoozed: false }],
    ['Tasks', 'tasks', { hasOpenTasks: true, snoozed: false }],
    ['Mine', 'mine', { mine: true, snoozed: false }],
    ['Unassigned', 'unassigned', { unassigned: true, snoozed: false }],
    ['Team', 'team', { myTeams: true, snoozed: false }],
    ['Snoozed', 'snoozed', { snoozed: true }],
  ] as const)('clicking the %s tab (view "%s") queries threads with its ThreadFilter', async (label, view, expectedFilter) => {
    const filtered = connection([rowData({ id: `only-${view}`, customer: { __typename: 'Customer', id: 'c9', name: `Customer for ${label}` } })]);
    const filteredResult = vi.fn(() => ({ data: filtered }));
    const variables = inboxVariables(view, '');
    expect(variables.filter).toEqual(expectedFilter);

    renderWithProviders(<InboxPage />, {
      mocks: [mockOp(InboxThreadsQuery, inboxVariables('all', ''), allThreads), { request: { query: InboxThreadsQuery, variables }, result: filteredResult }],
    });
    expect(await screen.findAllByTestId('thread-row')).toHaveLength(2);
    expect(filteredResult).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('tab', { name: label }));

    expect(await screen.findByText(`Customer for ${label}`)).toBeInTheDocument();
    expect(filteredResult).toHaveBeenCalledTimes(1);
    expect(screen.getAllByTestId('thread-row')).toHaveLength(1);
    expect(screen.getByRole('tab', { name: label })).toHaveAttribute('aria-selected', 'true');
  });

  it('passes the search box text as filter.search', async () => {
    const searchResult = vi.fn(() => ({
      data: connection([rowData({ id: 't-search', customer: { __typename: 'Customer', id: 'c5', name: 'Search Hit' } })]),
    }));
    renderWithProviders(<InboxPage />, {
      mocks: [
        mockOp(InboxThreadsQuery, inboxVariables('all', ''), allThreads),
        {
          request: { query: InboxThreadsQuery, variables: { ...inboxVariables('all', ''), filter: { snoozed: false, search: 'wallbox' } } },
          result: searchResult,
        },
      ],
    });
    await screen.findAllByTestId('thread-row');
    await userEvent.type(screen.getByRole('textbox', { name: 'Search conversations' }), 'wallbox');
    expect(await screen.findByText('Search Hit', {}, { timeout: 2000 })).toBeInTheDocument();
    expect(searchResult).toHaveBeenCalledTimes(1);
  });

  it('previews reactions and text-less media readably', async () => {
    const msg = (id: string, extra: Partial<NonNullable<ThreadRowData['lastMessage']>>) => ({
      __typename: 'Message' as const,
      id,
      type: 'INCOMING' as const,
      content: '',
      metadata: {},
      attachments: [],
      ...extra,
    });
    const att = (kind: string, fileName: string | null = null) => ({ __typename: 'Attachment' as const, kind, fileName, name: null });
    renderWithProviders(<InboxPage />, {
      mocks: [
        mockOp(
          InboxThreadsQuery,
          inboxVariables('all', ''),
          connection([
            rowData({ id: 'r1', lastMessage: msg('x1', { content: '👍', metadata: { whatsappType: 'reaction', reaction: { messageId: 'w', emoji: '👍' } } }) }),
            rowData({ id: 'r2', lastMessage: msg('x2', { attachments: [att('image')] }) }),
            rowData({ id: 'r3', lastMessage: msg('x3', { type: 'OUTGOING', attachments: [att('document', 'document.pdf')] }) }),
            rowData({ id: 'r4', lastMessage: msg('x4', { attachments: [att('location')] }) }),
          ]),
        ),
      ],
    });
    const rows = await screen.findAllByTestId('thread-row');
    expect(rows.map((r) => within(r).getByTestId('thread-preview').textContent)).toEqual(['Reacted 👍', '📷 Photo', 'You: 📄 document.pdf', '📍 Location']);
  });
});

describe('SLA countdown on rows', () => {
  const slaOf = (over: Partial<NonNullable<ThreadRowData['sla']>>): NonNullable<ThreadRowData['sla']> => ({
    __typename: 'ThreadSla',
    paused: false,
    percentUsed: 10,
    firstResponseDueAt: null,
    nextResponseDueAt: null,
    resolutionDueAt: null,
    ...over,
  });
  // Half a minute of slack so the floor of the remaining minutes is stable while the test runs.
  const inMinutes = (m: number) => new Date(Date.now() + m * 60_000 + 30_000).toISOString();

  it('shows the nearest running target with time left, coloured by percentUsed; "paused"; the plain due date without policy', async () => {
    renderWithProviders(<InboxPage />, {
      mocks: [
        mockOp(
          InboxThreadsQuery,
          inboxVariables('all', ''),
          connection([
            rowData({ id: 's1', sla: slaOf({ percentUsed: 80, firstResponseDueAt: inMinutes(50), resolutionDueAt: inMinutes(3000) }) }),
            rowData({ id: 's2', sla: slaOf({ percentUsed: 30, resolutionDueAt: inMinutes(130) }) }),
            rowData({ id: 's3', overdue: true, sla: slaOf({ percentUsed: 150, firstResponseDueAt: new Date(Date.now() - 2 * HOUR).toISOString() }) }),
            rowData({ id: 's4', status: 'WAITING_CUSTOMER', sla: slaOf({ paused: true, percentUsed: 90, resolutionDueAt: inMinutes(10) }) }),
            rowData({ id: 's5', firstResponseAt: new Date().toISOString(), sla: slaOf({ percentUsed: 20, firstResponseDueAt: inMinutes(5), nextResponseDueAt: inMinutes(95) }) }),
            rowData({ id: 's6', sla: null, responseDueAt: inMinutes(60) }),
          ]),
        ),
      ],
    });
    // The first frame renders the visible rows (jsdom: rows without height), the overscan follows.
    await waitFor(() => expect(screen.getAllByTestId('thread-row')).toHaveLength(6));
    const rows = screen.getAllByTestId('thread-row');
    const labels = rows.map((r) => within(r).getByTestId('due-label'));
    expect(labels.map((l) => l.textContent)).toEqual([
      'first response 50m left',
      'resolution 2h 10m left',
      'first response overdue 2h',
      'paused',
      'next response 1h 35m left',
      'due in 1h',
    ]);
    expect(labels.map((l) => l.getAttribute('data-sla-color'))).toEqual(['orange', 'gray', 'red', 'gray', 'gray', 'gray']);
  });
});

describe('Team queue', () => {
  function withViewer(role: 'AGENT' | 'TEAM_LEAD' | 'MANAGER') {
    const cache = createCache();
    cache.writeQuery({
      query: AppViewerQuery,
      data: {
        viewer: {
          __typename: 'User',
          id: 'u-lead',
          name: 'Lea Lead',
          email: 'lea@example.nl',
          role,
          availability: 'OFFLINE',
          teams: [{ __typename: 'Team', id: 'team1', name: 'Support NL' }],
        },
      },
    });
    return cache;
  }

  it('is not offered to agents', async () => {
    renderWithProviders(<InboxPage />, { cache: withViewer('AGENT'), mocks: [mockOp(InboxThreadsQuery, inboxVariables('all', ''), allThreads)] });
    await screen.findAllByTestId('thread-row');
    expect(screen.queryByRole('tab', { name: 'Queue' })).not.toBeInTheDocument();
  });

  it('shows a team lead the unassigned open threads of their team, oldest first', async () => {
    const queued = connection([
      // The API answers CREATED_AT_DESC (newest first): the queue asks for the last page and reverses it.
      rowData({ id: 'q3', customer: { __typename: 'Customer', id: 'c-q3', name: 'Newest' } }),
      rowData({ id: 'q2', customer: { __typename: 'Customer', id: 'c-q2', name: 'Middle' } }),
      rowData({ id: 'q1', customer: { __typename: 'Customer', id: 'c-q1', name: 'Oldest' } }),
    ]);
    const variables = queueVariables('team1', '');
    expect(variables).toEqual({
      last: 50,
      orderBy: 'CREATED_AT_DESC',
      filter: { unassigned: true, teamId: 'team1', status: ['OPEN', 'IN_PROGRESS', 'ESCALATED', 'WAITING_INTERNAL', 'WAITING_CUSTOMER'] },
    });
    const queueResult = vi.fn(() => ({
      data: {
        threads: {
          __typename: 'ThreadConnection' as const,
          totalCount: 3,
          pageInfo: { __typename: 'PageInfo' as const, hasPreviousPage: false, startCursor: 'c-1' },
          edges: queued.threads.edges,
        },
      } satisfies ResultOf<typeof TeamQueueThreadsQuery>,
    }));
    renderWithProviders(<InboxPage />, {
      cache: withViewer('TEAM_LEAD'),
      mocks: [
        mockOp(InboxThreadsQuery, inboxVariables('all', ''), allThreads),
        mockOp(
          QueueTeamsQuery,
          {},
          {
            teams: [
              { __typename: 'Team', id: 'team1', name: 'Support NL', queueLength: 3 },
              { __typename: 'Team', id: 'team2', name: 'Not mine', queueLength: 9 },
            ],
          },
        ),
        { request: { query: TeamQueueThreadsQuery, variables }, result: queueResult },
      ],
    });
    await screen.findAllByTestId('thread-row');
    await userEvent.click(screen.getByRole('tab', { name: 'Queue' }));

    await waitFor(() => expect(queueResult).toHaveBeenCalledTimes(1));
    await screen.findByTestId('queue-list', {}, { timeout: 5000 });
    expect(screen.getAllByTestId('thread-customer').map((c) => c.textContent)).toEqual(['Oldest', 'Middle', 'Newest']);
    expect(screen.getByRole('combobox', { name: 'Team queue' })).toHaveValue('Support NL (3 waiting)');
    expect(screen.getByRole('tab', { name: 'Queue' })).toHaveAttribute('aria-selected', 'true');
  });
});
