import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf } from '@graphql-typed-document-node/core';
import type { MockLink } from '@apollo/client/testing';
import { createCache } from '../../app/apollo';
import { Timeline, Timeline_thread, VIRTUALIZE_AFTER } from './Timeline';
import { TimelineEarlierMessagesQuery } from './useEarlierMessages';
import { FromCache, renderWithProviders } from '../../test/render';
import { messageEdge } from '../../test/messageFixtures';

type TimelineData = ResultOf<typeof Timeline_thread>;
type EdgeData = TimelineData['messages']['edges'][number];

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const edge = (n: number): EdgeData => messageEdge(n);

function connection(ns: number[], hasPreviousPage: boolean, totalCount = ns.length): TimelineData['messages'] {
  return {
    __typename: 'MessageConnection',
    totalCount,
    pageInfo: { __typename: 'PageInfo', hasPreviousPage, startCursor: `cur-m${ns[0]}` },
    edges: ns.map(edge),
  };
}

function renderThread(ns: number[], opts: { hasPreviousPage?: boolean; totalCount?: number; mocks?: ReadonlyArray<MockLink.MockedResponse<any, any>> } = {}) {
  const cache = createCache();
  cache.writeFragment({
    fragment: Timeline_thread,
    fragmentName: 'Timeline_thread',
    data: { __typename: 'Thread', id: 't1', messages: connection(ns, opts.hasPreviousPage ?? false, opts.totalCount) },
  });
  return renderWithProviders(
    <FromCache fragment={Timeline_thread} fragmentName="Timeline_thread" from={{ __typename: 'Thread', id: 't1' }}>
      {(thread) => <Timeline thread={thread} />}
    </FromCache>,
    { cache, mocks: opts.mocks ?? [] },
  );
}

const ids = () => screen.getAllByTestId('message').map((m) => m.getAttribute('data-message-id'));
const viewportEl = () => screen.getByRole('region', { name: 'Conversation' });

/*
 * jsdom has no layout: the ScrollArea viewport scrolls nowhere and reports no size. Give the viewport
 * (only it) the minimum a browser would: a 900 px client height, a scroll height from the virtual
 * list's height, and a scrollTo that moves scrollTop and fires "scroll" (the virtualizer listens to it).
 */
const isViewport = (el: Element) => el.hasAttribute('data-scrollarea-viewport');
const originals = {
  scrollHeight: Object.getOwnPropertyDescriptor(Element.prototype, 'scrollHeight')!,
  clientHeight: Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!,
  scrollTo: HTMLElement.prototype.scrollTo,
};
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      if (!isViewport(this)) return originals.scrollHeight.get!.call(this);
      const list = this.querySelector<HTMLElement>('[data-testid="timeline-virtual"]');
      return list ? Number.parseFloat(list.style.height) : 0;
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return isViewport(this) ? 900 : originals.clientHeight.get!.call(this);
    },
  });
  HTMLElement.prototype.scrollTo = function (this: HTMLElement, ...args: unknown[]) {
    const opts = args[0] as ScrollToOptions | undefined;
    if (!isViewport(this) || typeof opts?.top !== 'number') return;
    this.scrollTop = opts.top;
    fireEvent.scroll(this);
  } as typeof HTMLElement.prototype.scrollTo;
});
afterAll(() => {
  delete (HTMLElement.prototype as { scrollHeight?: number }).scrollHeight;
  delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
  HTMLElement.prototype.scrollTo = originals.scrollTo;
});

describe('Timeline virtualisation', () => {
  it('renders a 300-message thread only in part, the newest message included after opening', async () => {
    renderThread(range(1, 300));
    await screen.findAllByTestId('message');
    await waitFor(() => expect(ids()).toContain('m300'));
    expect(ids().length).toBeLessThan(60);
    expect(ids()).not.toContain('m1');
    // Oldest first, as in plain mode.
    const shown = ids().map((id) => Number(id!.slice(1)));
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
  });

  it(`renders every message of a thread up to ${VIRTUALIZE_AFTER} entries (plain mode)`, async () => {
    renderThread(range(1, 40));
    await screen.findAllByTestId('message');
    expect(ids()).toEqual(range(1, 40).map((n) => `m${n}`));
    expect(screen.queryByTestId('timeline-virtual')).not.toBeInTheDocument();
  });

  it('keeps the entry that was first in view when earlier messages are loaded', async () => {
    renderThread(range(101, 200), {
      hasPreviousPage: true,
      totalCount: 200,
      mocks: [
        {
          request: { query: TimelineEarlierMessagesQuery, variables: { threadId: 't1', last: 50, before: 'cur-m101' } },
          result: {
            data: { node: { __typename: 'Thread', id: 't1', messages: connection(range(51, 100), true, 200) } } satisfies ResultOf<typeof TimelineEarlierMessagesQuery>,
          },
        },
      ],
    });
    await waitFor(() => expect(ids()).toContain('m200'));
    // The reader scrolls up to the oldest loaded message and asks for earlier ones.
    viewportEl().scrollTop = 0;
    fireEvent.scroll(viewportEl());
    await waitFor(() => expect(ids()).toContain('m101'));
    await userEvent.click(screen.getByRole('button', { name: 'Load earlier messages' }));

    await waitFor(() => expect(screen.getByTestId('timeline-count')).toHaveTextContent('Showing 150 of 200 messages'));
    await waitFor(() => expect(ids()).toContain('m101'));
    // Neither at the top of the new page nor back at the bottom.
    expect(ids()).not.toContain('m51');
    expect(ids()).not.toContain('m200');
    expect(ids().length).toBeLessThan(60);
  });
});
