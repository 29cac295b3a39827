/**
 * The app in Dutch and Italian: an inbox tab, the conversation count, badges and SLA labels in
 * the language, and a due time on the 24-hour clock with its time zone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../gql';
import { InboxPage } from '../features/inbox/InboxPage';
import { InboxThreadsQuery, inboxVariables } from '../features/inbox/ThreadList';
import { ThreadRow_thread } from '../features/inbox/ThreadRow';
import { SlaBadge } from '../features/sla/SlaBadge';
import { MessageItem, MessageItem_message } from '../features/thread/MessageItem';
import { mockOp, renderWithProviders } from '../test/render';
import { i18n, setTimeZone } from '.';

const HOUR = 3600_000;

function inbox(): ResultOf<typeof InboxThreadsQuery> {
  const row: ResultOf<typeof ThreadRow_thread> = {
    __typename: 'Thread',
    id: 't1',
    subject: 'Laadpaal start niet',
    priority: 'URGENT',
    status: 'RESOLVED',
    overdue: true,
    unread: false,
    responseDueAt: new Date(Date.now() - 3 * HOUR).toISOString(),
    firstResponseAt: null,
    resolvedAt: null,
    sla: null,
    lastMessageAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    channel: { __typename: 'Channel', id: 'ch', type: 'PHONE_CALL', name: '' },
    customer: null,
    assignee: null,
    lastMessage: { __typename: 'Message', id: 'm1', type: 'OUTGOING', content: 'Bedankt', metadata: {}, attachments: [] },
  };
  return {
    threads: {
      __typename: 'ThreadConnection',
      totalCount: 1234,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'c1' },
      edges: [{ __typename: 'ThreadEdge', cursor: 'c1', node: { __typename: 'Thread', id: 't1', ...makeFragmentData(row, ThreadRow_thread) } }],
    },
  };
}

afterEach(() => {
  void i18n.changeLanguage('en');
  setTimeZone(undefined);
});

describe('the inbox in Dutch and Italian', () => {
  it('nl: tabs, count, badges, SLA label and preview in Dutch', async () => {
    await i18n.changeLanguage('nl');
    renderWithProviders(<InboxPage />, { mocks: [mockOp(InboxThreadsQuery, inboxVariables('all', ''), inbox())] });
    const row = within(await screen.findByTestId('thread-row'));
    expect(screen.getByRole('tab', { name: 'Alle' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Te laat' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Mijn' })).toBeInTheDocument();
    expect(screen.getByPlaceholderText('Zoek op klant, onderwerp, bericht…')).toBeInTheDocument();
    expect(screen.getByTestId('thread-total-count')).toHaveTextContent('1.234 gesprekken');
    expect(row.getByTestId('thread-customer')).toHaveTextContent('Onbekende klant');
    expect(row.getByTestId('priority-badge')).toHaveTextContent('Dringend');
    expect(row.getByTestId('status-badge')).toHaveTextContent('Opgelost');
    expect(row.getByTestId('due-label')).toHaveTextContent('3 u te laat');
    expect(row.getByTestId('thread-preview')).toHaveTextContent('Jij: Bedankt');
    expect(row.getByText('Niet toegewezen')).toBeInTheDocument();
    expect(row.getByRole('img', { name: 'Telefoongesprek' })).toBeInTheDocument();
  });

  it('it: tabs and count in Italian', async () => {
    await i18n.changeLanguage('it');
    renderWithProviders(<InboxPage />, { mocks: [mockOp(InboxThreadsQuery, inboxVariables('all', ''), inbox())] });
    const row = within(await screen.findByTestId('thread-row'));
    expect(screen.getByRole('tab', { name: 'Tutte' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'In ritardo' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Attività' })).toBeInTheDocument();
    expect(screen.getByTestId('thread-total-count')).toHaveTextContent('1234 conversazioni');
    expect(row.getByTestId('status-badge')).toHaveTextContent('Risolta');
    expect(row.getByTestId('priority-badge')).toHaveTextContent('Urgente');
    expect(row.getByText('Non assegnata')).toBeInTheDocument();
  });
});

describe('the SLA badge: due time on the 24-hour clock with its zone', () => {
  // Due 14:30 UTC = 15:30 in Rome and Amsterdam (CET); now 12:20 UTC → 2h 10m left.
  const thread = {
    status: 'OPEN',
    firstResponseAt: null,
    resolvedAt: null,
    sla: { paused: false, percentUsed: 40, firstResponseDueAt: '2026-01-15T14:30:00Z', nextResponseDueAt: null, resolutionDueAt: null },
  };
  const now = new Date('2026-01-15T12:20:00Z');

  it('it, Europe/Rome: "prima risposta: mancano 2h 10min · 15:30 CET"', async () => {
    await i18n.changeLanguage('it');
    setTimeZone('Europe/Rome');
    renderWithProviders(<SlaBadge thread={thread} now={now} withDueTime />);
    expect(screen.getByTestId('due-label')).toHaveTextContent('prima risposta: mancano 2h 10min · 15:30 CET');
    expect(screen.getByTestId('due-time')).toHaveTextContent('15:30 CET');
  });

  it('nl, a user in London: "eerste reactie nog 2 u 10 m · 14:30 GMT"', async () => {
    await i18n.changeLanguage('nl');
    setTimeZone('Europe/London');
    renderWithProviders(<SlaBadge thread={thread} now={now} withDueTime />);
    expect(screen.getByTestId('due-label')).toHaveTextContent('eerste reactie nog 2 u 10 m');
    expect(screen.getByTestId('due-time')).toHaveTextContent('14:30 GMT');
  });
});

describe('lang on messages in another language than the UI', () => {
  const message = (type: 'INCOMING' | 'OUTGOING' | 'INTERNAL_NOTE', content: string): ResultOf<typeof MessageItem_message> => ({
    __typename: 'Message',
    id: `m-${type}`,
    type,
    content,
    subject: null,
    createdAt: '2026-01-15T13:05:00Z',
    deliveryStatus: 'SENT',
    readAt: null,
    contentHtml: null,
    canRetry: false,
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS' },
    deliveries: [],
    sender: { __typename: 'MessageSender', kind: type === 'INCOMING' ? 'CUSTOMER' : 'USER', name: type === 'INCOMING' ? '' : 'Sarah' },
    attachments: [],
  });
  const body = (text: string) => screen.getByText(text);

  it('nl UI, Italian conversation: customer message and reply carry lang="it", the internal note does not; labels in Dutch', async () => {
    await i18n.changeLanguage('nl');
    renderWithProviders(
      <>
        <MessageItem message={makeFragmentData(message('INCOMING', 'La wallbox non si accende'), MessageItem_message)} lang="it" />
        <MessageItem message={makeFragmentData(message('OUTGOING', 'Arriviamo lunedì'), MessageItem_message)} lang="it" />
        <MessageItem message={makeFragmentData(message('INTERNAL_NOTE', 'Monteur inplannen'), MessageItem_message)} lang="it" />
      </>,
    );
    expect(body('La wallbox non si accende')).toHaveAttribute('lang', 'it');
    expect(body('Arriviamo lunedì')).toHaveAttribute('lang', 'it');
    expect(body('Monteur inplannen')).not.toHaveAttribute('lang');
    expect(screen.getByText('interne notitie')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Verzonden' })).toBeInTheDocument();
  });

  it('it UI, Italian conversation: no lang (the page language already says it)', async () => {
    await i18n.changeLanguage('it');
    renderWithProviders(<MessageItem message={makeFragmentData(message('INCOMING', 'La wallbox non si accende'), MessageItem_message)} lang="it" />);
    expect(body('La wallbox non si accende')).not.toHaveAttribute('lang');
    expect(screen.getByTestId('message')).toHaveTextContent('La wallbox non si accende');
  });
});
