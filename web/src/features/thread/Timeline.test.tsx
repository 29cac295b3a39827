import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { createCache } from '../../app/apollo';
import { Timeline, Timeline_thread, TimelineSlaEvents_thread } from './Timeline';
import { TimelineEarlierMessagesQuery } from './useEarlierMessages';
import { FromCache, renderWithProviders } from '../../test/render';
import { messageEdge } from '../../test/messageFixtures';

type TimelineData = ResultOf<typeof Timeline_thread>;
type EdgeData = TimelineData['messages']['edges'][number];

const edge = (n: number): EdgeData => messageEdge(n);

function connection(ns: number[], hasPreviousPage: boolean, totalCount = 4): TimelineData['messages'] {
  return {
    __typename: 'MessageConnection',
    totalCount,
    pageInfo: { __typename: 'PageInfo', hasPreviousPage, startCursor: `cur-m${ns[0]}` },
    edges: ns.map(edge),
  };
}

const ids = () => screen.getAllByTestId('message').map((m) => m.getAttribute('data-message-id'));

describe('Timeline', () => {
  it('loads earlier messages with messages(last: 50, before: startCursor) and merges them without duplicates', async () => {
    const cache = createCache();
    cache.writeFragment({
      fragment: Timeline_thread,
      fragmentName: 'Timeline_thread',
      data: { __typename: 'Thread', id: 't1', messages: connection([3, 4], true) },
    });
    const earlier = vi.fn(() => ({
      data: {
        node: {
          __typename: 'Thread' as const,
          id: 't1',
          // m3 is in both pages: it must not be shown twice.
          messages: connection([1, 2, 3], false),
        },
      } satisfies ResultOf<typeof TimelineEarlierMessagesQuery>,
    }));
    renderWithProviders(
      <FromCache fragment={Timeline_thread} fragmentName="Timeline_thread" from={{ __typename: 'Thread', id: 't1' }}>
        {(thread) => <Timeline thread={thread} />}
      </FromCache>,
      {
        cache,
        mocks: [
          {
            request: { query: TimelineEarlierMessagesQuery, variables: { threadId: 't1', last: 50, before: 'cur-m3' } },
            result: earlier,
          },
        ],
      },
    );

    expect(await screen.findAllByTestId('message')).toHaveLength(2);
    expect(screen.getByTestId('timeline-count')).toHaveTextContent('Showing 2 of 4 messages');

    await userEvent.click(screen.getByRole('button', { name: 'Load earlier messages' }));

    await waitFor(() => expect(ids()).toEqual(['m1', 'm2', 'm3', 'm4']));
    expect(earlier).toHaveBeenCalledTimes(1);
    // Nothing older: the button goes away.
    expect(screen.queryByRole('button', { name: 'Load earlier messages' })).not.toBeInTheDocument();
  });

  it('has no "Load earlier messages" button when the whole conversation is loaded', async () => {
    const cache = createCache();
    cache.writeFragment({
      fragment: Timeline_thread,
      fragmentName: 'Timeline_thread',
      data: { __typename: 'Thread', id: 't1', messages: connection([1, 2], false, 2) },
    });
    renderWithProviders(
      <FromCache fragment={Timeline_thread} fragmentName="Timeline_thread" from={{ __typename: 'Thread', id: 't1' }}>
        {(thread) => <Timeline thread={thread} />}
      </FromCache>,
      { cache },
    );
    expect(await screen.findAllByTestId('message')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: 'Load earlier messages' })).not.toBeInTheDocument();
  });
});

describe('Timeline SLA events', () => {
  // Local wall-clock times: "due 10:30" whatever the machine's time zone.
  const local = (h: number, m: number) => new Date(2026, 2, 2, h, m).toISOString();
  const msg = (n: number, createdAt: string): EdgeData => ({ ...edge(n), node: { ...edge(n).node, createdAt } });

  it('shows the ladder steps that fired as system lines between the messages, by time', async () => {
    const cache = createCache();
    const messages: TimelineData['messages'] = {
      __typename: 'MessageConnection',
      totalCount: 2,
      pageInfo: { __typename: 'PageInfo', hasPreviousPage: false, startCursor: 'cur-m1' },
      edges: [msg(1, local(9, 0)), msg(2, local(11, 0))],
    };
    const sla: ResultOf<typeof TimelineSlaEvents_thread>['sla'] = {
      __typename: 'ThreadSla',
      events: [
        {
          __typename: 'SlaEvent',
          id: 'e1',
          action: 'REMIND',
          target: 'FIRST_RESPONSE',
          percentUsed: 75,
          dueAt: local(10, 30),
          firedAt: local(10, 0),
          recipients: [{ __typename: 'User', id: 'u1', name: 'Anna Verdi' }],
        },
        { __typename: 'SlaEvent', id: 'e2', action: 'ESCALATE', target: 'FIRST_RESPONSE', percentUsed: 100.4, dueAt: local(10, 30), firedAt: local(10, 30), recipients: [] },
      ],
    };
    cache.writeFragment({ fragment: Timeline_thread, fragmentName: 'Timeline_thread', data: { __typename: 'Thread', id: 't1', messages } });
    renderWithProviders(
      <FromCache fragment={Timeline_thread} fragmentName="Timeline_thread" from={{ __typename: 'Thread', id: 't1' }}>
        {(thread) => <Timeline thread={thread} sla={makeFragmentData({ __typename: 'Thread', id: 't1', sla }, TimelineSlaEvents_thread)} />}
      </FromCache>,
      { cache },
    );
    await screen.findAllByTestId('message');
    const entries = [...screen.getByTestId('timeline').querySelectorAll('[data-testid="message"], [data-testid="sla-event"]')];
    expect(entries.map((e) => e.getAttribute('data-message-id') ?? e.getAttribute('data-sla-event-id'))).toEqual(['m1', 'e1', 'e2', 'm2']);
    const [remind, escalate] = screen.getAllByTestId('sla-event');
    // Due times carry the time zone they are shown in ("10:30 CET"; the process's zone here).
    expect(remind).toHaveTextContent(/^SLA reminder: first response 75 % \(due 10:30 \S+\) → Anna Verdi/);
    expect(escalate).toHaveTextContent(/^SLA escalation: first response 100 % \(due 10:30 \S+\)/);
  });
});
