import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { InboxPage } from './InboxPage';
import { InboxThreadsQuery, inboxVariables } from './ThreadList';
import { ThreadRow_thread } from './ThreadRow';
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
    ['Overdue', 'overdue', { overdue: true }],
    ['WhatsApp', 'whatsapp', { channelType: ['WHATSAPP_BUSINESS'] }],
    ['Email', 'email', { channelType: ['EMAIL_OUTLOOK'] }],
    ['Tasks', 'tasks', { hasOpenTasks: true }],
    ['Mine', 'mine', { mine: true }],
  ] as const)('clicking the %s tab (view "%s") queries threads with its ThreadFilter', async (label, view, expectedFilter) => {
    const filtered = connection([
      rowData({ id: `only-${view}`, customer: { __typename: 'Customer', id: 'c9', name: `Customer for ${label}` } }),
    ]);
    const filteredResult = vi.fn(() => ({ data: filtered }));
    const variables = inboxVariables(view, '');
    expect(variables.filter).toEqual(expectedFilter);

    renderWithProviders(<InboxPage />, {
      mocks: [
        mockOp(InboxThreadsQuery, inboxVariables('all', ''), allThreads),
        { request: { query: InboxThreadsQuery, variables }, result: filteredResult },
      ],
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
          request: { query: InboxThreadsQuery, variables: { ...inboxVariables('all', ''), filter: { search: 'wallbox' } } },
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
    expect(rows.map((r) => within(r).getByTestId('thread-preview').textContent)).toEqual([
      'Reacted 👍',
      '📷 Photo',
      'You: 📄 document.pdf',
      '📍 Location',
    ]);
  });
});
