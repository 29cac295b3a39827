import { describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { useState } from 'react';
import { useLocation } from 'react-router';
import { createCache } from '../../app/apollo';
import { FromCache, mockOp, renderWithProviders } from '../../test/render';
import { ThreadHeader, ThreadHeader_thread, ThreadHeaderAgentsQuery } from './ThreadHeader';
import { MarkThreadReadMutation, MarkThreadUnreadMutation, SnoozeThreadMutation, UnsnoozeThreadMutation } from './useThreadTriage';
import { useMarkReadOnView } from './ThreadView';

type HeaderData = ResultOf<typeof ThreadHeader_thread>;

function headerData(overrides: Partial<HeaderData> = {}): HeaderData {
  return {
    __typename: 'Thread',
    id: 't1',
    subject: 'Wallbox offline',
    status: 'OPEN',
    priority: 'NORMAL',
    orderReference: null,
    responseDueAt: null,
    overdue: false,
    firstResponseAt: null,
    resolvedAt: null,
    unread: false,
    snoozedUntil: null,
    sla: null,
    channel: { __typename: 'Channel', id: 'ch-mail', type: 'EMAIL_OUTLOOK', name: 'Support mailbox' },
    customer: null,
    assignee: null,
    ...overrides,
  };
}

const agentsMock = mockOp(ThreadHeaderAgentsQuery, {}, { agents: { __typename: 'UserConnection', edges: [] } }, { maxUsageCount: Number.POSITIVE_INFINITY });

const triageThread = (snoozedUntil: string | null, unread = false) => ({
  __typename: 'Thread' as const,
  id: 't1',
  unread,
  lastReadAt: null,
  snoozedUntil,
  lastInboundAt: '2026-03-01T10:00:00.000Z',
});

function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location">{location.pathname + location.search}</div>;
}

function renderHeader(data: HeaderData, mocks: NonNullable<Parameters<typeof renderWithProviders>[1]>['mocks'] = []) {
  const cache = createCache();
  cache.writeFragment({ fragment: ThreadHeader_thread, fragmentName: 'ThreadHeader_thread', data });
  return renderWithProviders(
    <>
      <FromCache fragment={ThreadHeader_thread} fragmentName="ThreadHeader_thread" from={{ __typename: 'Thread', id: 't1' }}>
        {(thread) => <ThreadHeader thread={thread} />}
      </FromCache>
      <LocationProbe />
    </>,
    { cache, mocks: [agentsMock, ...(mocks ?? [])], route: '/threads/t1?view=mine' },
  );
}

describe('ThreadHeader triage', () => {
  it('snoozes for one hour from the Snooze menu, shows "Snoozed until", and Unsnooze ends it', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = vi.fn(() => ({ data: { snoozeThread: { __typename: 'ThreadPayload' as const, thread: triageThread(later), errors: [] } } }));
    const unsnoozed = vi.fn(() => ({ data: { unsnoozeThread: { __typename: 'ThreadPayload' as const, thread: triageThread(null), errors: [] } } }));
    let asked: Date | null = null;
    renderHeader(headerData(), [
      {
        request: {
          query: SnoozeThreadMutation,
          variables: (v: { input: { threadId: string; until: string } }) => {
            asked = new Date(v.input.until);
            return v.input.threadId === 't1';
          },
        },
        result: snoozed,
      },
      { request: { query: UnsnoozeThreadMutation, variables: { threadId: 't1' } }, result: unsnoozed },
    ]);

    const clickedAt = Date.now();
    await userEvent.click(await screen.findByRole('button', { name: 'Snooze' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: /In 1 hour/ }));
    await waitFor(() => expect(snoozed).toHaveBeenCalledTimes(1));
    expect(asked).not.toBeNull();
    const minutes = (asked!.getTime() - clickedAt) / 60_000;
    expect(minutes).toBeGreaterThan(59);
    expect(minutes).toBeLessThan(61);
    expect(await screen.findByTestId('snoozed-until')).toHaveTextContent(/^Snoozed until /);
    expect(screen.queryByRole('button', { name: 'Snooze' })).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Unsnooze' }));
    await waitFor(() => expect(unsnoozed).toHaveBeenCalledTimes(1));
    expect(await screen.findByRole('button', { name: 'Snooze' })).toBeInTheDocument();
    expect(screen.queryByTestId('snoozed-until')).not.toBeInTheDocument();
  });

  it('a snooze that has ended shows the Snooze button again', async () => {
    renderHeader(headerData({ snoozedUntil: new Date(Date.now() - 60_000).toISOString() }));
    expect(await screen.findByRole('button', { name: 'Snooze' })).toBeInTheDocument();
    expect(screen.queryByTestId('snoozed-until')).not.toBeInTheDocument();
  });

  it('"Mark as unread" in the ⋯ menu calls markThreadUnread and returns to the list with the same search', async () => {
    const unread = vi.fn(() => ({ data: { markThreadUnread: { __typename: 'ThreadPayload' as const, thread: triageThread(null, true), errors: [] } } }));
    renderHeader(headerData(), [{ request: { query: MarkThreadUnreadMutation, variables: { threadId: 't1' } }, result: unread }]);
    await userEvent.click(await screen.findByRole('button', { name: 'More actions' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Mark as unread' }));
    await waitFor(() => expect(unread).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?view=mine$/));
  });

  it('the Back button (phones) goes to the list keeping the search params', async () => {
    renderHeader(headerData());
    await userEvent.click(await screen.findByRole('button', { name: 'Back to the conversations' }));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?view=mine$/);
  });
});

type ProbeThread = { id: string; unread: boolean; lastInboundAt: string | null } | null;
let setProbeThread: (t: ProbeThread) => void = () => undefined;

/** Renders the hook with a thread that the test changes (as the cache would while the thread is open). */
function MarkReadProbe(props: { initial: ProbeThread }) {
  const [thread, setThread] = useState<ProbeThread>(props.initial);
  setProbeThread = setThread;
  useMarkReadOnView(thread);
  return null;
}

const change = (t: ProbeThread) => act(() => setProbeThread(t));
const settle = () => act(() => new Promise((r) => setTimeout(r, 20)));

describe('useMarkReadOnView', () => {
  it('marks an unread thread read once per open, again when a customer message arrives, never a read one', async () => {
    const read = vi.fn(() => ({ data: { markThreadRead: { __typename: 'ThreadPayload' as const, thread: triageThread(null), errors: [] } } }));
    const mock = { request: { query: MarkThreadReadMutation, variables: { threadId: 't1' } }, result: read, maxUsageCount: 10 };
    const first = '2026-03-01T10:00:00.000Z';
    renderWithProviders(<MarkReadProbe initial={null} />, { mocks: [mock] });

    await change({ id: 't1', unread: true, lastInboundAt: first });
    await waitFor(() => expect(read).toHaveBeenCalledTimes(1));
    // Re-renders (and the read state coming back) do not mark again.
    await change({ id: 't1', unread: false, lastInboundAt: first });
    // Marked unread by the agent while open: left alone until the customer writes.
    await change({ id: 't1', unread: true, lastInboundAt: first });
    await settle();
    expect(read).toHaveBeenCalledTimes(1);

    // A new customer message while open.
    await change({ id: 't1', unread: true, lastInboundAt: '2026-03-01T10:05:00.000Z' });
    await waitFor(() => expect(read).toHaveBeenCalledTimes(2));
  });

  it('does not mark a thread that is already read', async () => {
    const read = vi.fn(() => ({ data: { markThreadRead: { __typename: 'ThreadPayload' as const, thread: triageThread(null), errors: [] } } }));
    const mock = { request: { query: MarkThreadReadMutation, variables: { threadId: 't1' } }, result: read, maxUsageCount: 10 };
    renderWithProviders(<MarkReadProbe initial={{ id: 't1', unread: false, lastInboundAt: null }} />, { mocks: [mock] });
    await change({ id: 't1', unread: false, lastInboundAt: null });
    await settle();
    expect(read).not.toHaveBeenCalled();
  });
});
