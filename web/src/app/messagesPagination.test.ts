import { describe, expect, it } from 'vitest';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { createCache } from './apollo';
import { appendMessageToThread } from './cacheUpdates';
import { Timeline_thread } from '../features/thread/Timeline';
import { MessageItem_message } from '../features/thread/MessageItem';
import { TimelineEarlierMessagesQuery } from '../features/thread/useEarlierMessages';
import { CatchUpMessagesQuery } from './catchUp';
import { messageEdge } from '../test/messageFixtures';

type Conn = ResultOf<typeof Timeline_thread>['messages'];

function conn(ns: number[], hasPreviousPage: boolean): Conn {
  return {
    __typename: 'MessageConnection',
    totalCount: 10,
    pageInfo: { __typename: 'PageInfo', hasPreviousPage, startCursor: `cur-m${ns[0]}` },
    edges: ns.map((n) => messageEdge(n, { content: `#${n}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), senderName: 'C' })),
  };
}

function setup() {
  const cache = createCache();
  const id = cache.identify({ __typename: 'Thread', id: 't1' });
  const writeLatest = (ns: number[], hasPreviousPage: boolean) =>
    cache.writeFragment({ fragment: Timeline_thread, fragmentName: 'Timeline_thread', data: { __typename: 'Thread', id: 't1', messages: conn(ns, hasPreviousPage) } });
  const writeEarlier = (before: string, ns: number[], hasPreviousPage: boolean) =>
    cache.writeQuery({
      query: TimelineEarlierMessagesQuery,
      variables: { threadId: 't1', last: 50, before },
      data: { node: { __typename: 'Thread', id: 't1', messages: conn(ns, hasPreviousPage) } },
    });
  const read = () => cache.readFragment({ fragment: Timeline_thread, fragmentName: 'Timeline_thread', id });
  const ids = () => read()?.messages.edges.map((e) => e.node.id);
  return { cache, writeLatest, writeEarlier, read, ids };
}

describe('Thread.messages cache policy (backwards relay pagination)', () => {
  it('prepends a `before` page, skipping messages already cached, and takes its pageInfo', () => {
    const { writeLatest, writeEarlier, read, ids } = setup();
    writeLatest([5, 6, 7], true);
    writeEarlier('cur-m5', [3, 4, 5], true);
    expect(ids()).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    expect(read()?.messages.pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: 'cur-m3' });
    writeEarlier('cur-m3', [1, 2], false);
    expect(ids()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(read()?.messages.pageInfo).toMatchObject({ hasPreviousPage: false, startCursor: 'cur-m1' });
  });

  it('a refetch of the newest page keeps the earlier pages it connects to, without duplicates', () => {
    const { cache, writeLatest, writeEarlier, read, ids } = setup();
    writeLatest([5, 6, 7], true);
    writeEarlier('cur-m5', [3, 4], false);
    // A live message is appended, then the view refetches the newest window (which now includes it).
    cache.writeFragment({
      fragment: MessageItem_message,
      fragmentName: 'MessageItem_message',
      data: {
        __typename: 'Message',
        id: 'm8',
        type: 'INCOMING',
        content: '#8',
        subject: null,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 8)).toISOString(),
        deliveryStatus: 'DELIVERED',
        readAt: null,
        contentHtml: null,
        canRetry: false,
        channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS' },
        deliveries: [],
        sender: { __typename: 'MessageSender', kind: 'CUSTOMER', name: 'C' },
        attachments: [],
      },
    });
    appendMessageToThread(cache, 't1', { __ref: 'Message:m8' });
    expect(ids()).toEqual(['m3', 'm4', 'm5', 'm6', 'm7', 'm8']);
    writeLatest([6, 7, 8], true);
    expect(ids()).toEqual(['m3', 'm4', 'm5', 'm6', 'm7', 'm8']);
    expect(read()?.messages.pageInfo).toMatchObject({ hasPreviousPage: false, startCursor: 'cur-m3' });
  });

  it('an `after` page (catch-up) is appended without duplicates; the window keeps its start', () => {
    const { cache, writeLatest, read, ids } = setup();
    writeLatest([5, 6, 7], true);
    const page = conn([7, 8, 9], false);
    cache.writeQuery({
      query: CatchUpMessagesQuery,
      variables: { threadId: 't1', first: 50, after: 'cur-m6' },
      data: {
        node: {
          __typename: 'Thread',
          id: 't1',
          messages: { ...page, totalCount: 9, pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'cur-m9' } },
        },
      },
    });
    expect(ids()).toEqual(['m5', 'm6', 'm7', 'm8', 'm9']);
    expect(read()?.messages.totalCount).toBe(9);
    expect(read()?.messages.pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: 'cur-m5' });
  });

  it('a newest page that does not connect to the cached window replaces it', () => {
    const { writeLatest, ids } = setup();
    writeLatest([1, 2], false);
    writeLatest([70, 71], true);
    expect(ids()).toEqual(['m70', 'm71']);
  });
});
