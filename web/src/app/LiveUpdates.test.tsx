import { describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { ApolloClient, ApolloLink } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter } from 'react-router';
import { OperationTypeNode } from 'graphql';
import { Subject } from 'rxjs';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../gql';
import { createCache } from './apollo';
import { theme } from './theme';
import { type LiveMessageAddedSubscription, LiveUpdates } from './LiveUpdates';
import { InboxPage } from '../features/inbox/InboxPage';
import { InboxThreadsQuery, inboxVariables } from '../features/inbox/ThreadList';
import { ThreadRow_thread } from '../features/inbox/ThreadRow';
import { Timeline_thread } from '../features/thread/Timeline';
import { MessageItem_message } from '../features/thread/MessageItem';
import { ReplyWindow_thread } from '../features/thread/ReplyWindow';
import { mergeFragmentData } from '../test/render';

type RowData = ResultOf<typeof ThreadRow_thread>;
type MessageData = ResultOf<typeof MessageItem_message>;
type MessageAddedData = ResultOf<typeof LiveMessageAddedSubscription>;

const T0 = Date.now() - 60 * 60_000;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function row(id: string, name: string, content: string, minutes: number): RowData {
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
    lastMessageAt: at(minutes),
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', name: 'WhatsApp' },
    customer: { __typename: 'Customer', id: `c-${id}`, name },
    assignee: null,
    lastMessage: { __typename: 'Message', id: `m-${id}-${minutes}`, type: 'INCOMING', content, metadata: {}, attachments: [] },
  };
}

function inbox(rows: RowData[]): ResultOf<typeof InboxThreadsQuery> {
  return {
    threads: {
      __typename: 'ThreadConnection',
      totalCount: rows.length,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: `c${rows.length}` },
      edges: rows.map((r, i) => ({
        __typename: 'ThreadEdge',
        cursor: `c${i + 1}`,
        node: { __typename: 'Thread', id: r.id, ...makeFragmentData(r, ThreadRow_thread) },
      })),
    },
  };
}

function message(id: string, content: string, minutes: number): MessageData {
  return {
    __typename: 'Message',
    id,
    type: 'INCOMING',
    content,
    subject: null,
    createdAt: at(minutes),
    deliveryStatus: 'DELIVERED',
    readAt: null,
    contentHtml: null,
    canRetry: false,
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS' },
    deliveries: [],
    sender: { __typename: 'MessageSender', kind: 'CUSTOMER', name: 'Customer' },
    attachments: [],
  };
}

function messageAdded(thread: RowData, msg: MessageData): MessageAddedData {
  return {
    messageAdded: {
      __typename: 'Message',
      id: msg.id,
      createdAt: msg.createdAt,
      ...makeFragmentData(msg, MessageItem_message),
      thread: {
        __typename: 'Thread',
        id: thread.id,
        ...mergeFragmentData(
          makeFragmentData(
            {
              __typename: 'Thread',
              id: thread.id,
              lastInboundAt: null,
              channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', provider: 'whatsapp', replyWindowSeconds: 86400 },
            },
            ReplyWindow_thread,
          ),
          makeFragmentData(thread, ThreadRow_thread),
        ),
      },
    },
  };
}

function setup() {
  const t1 = row('t1', 'Anna First', 'first thread message', 10);
  const t2 = row('t2', 'Bruno Second', 'second thread message', 5);
  const t9 = row('t9', 'Carla New', 'brand new conversation', 30);
  const refetched = vi.fn(() => ({ data: inbox([t9, t1, t2]) }));
  const vars = inboxVariables('all', '');
  const mockLink = new MockLink([
    { request: { query: InboxThreadsQuery, variables: vars }, result: { data: inbox([t1, t2]) } },
    { request: { query: InboxThreadsQuery, variables: vars }, result: refetched },
  ]);
  const subjects = new Map<string, Subject<ApolloLink.Result>>();
  const subject = (name: string) => {
    if (!subjects.has(name)) subjects.set(name, new Subject());
    return subjects.get(name)!;
  };
  const subscriptionLink = new ApolloLink((op) => subject(op.operationName ?? '').asObservable());
  const client = new ApolloClient({
    cache: createCache(),
    link: ApolloLink.split((op) => op.operationType === OperationTypeNode.SUBSCRIPTION, subscriptionLink, mockLink),
  });

  // An open thread view of t2 with one message already cached.
  client.cache.writeFragment({
    fragment: Timeline_thread,
    fragmentName: 'Timeline_thread',
    data: {
      __typename: 'Thread',
      id: 't2',
      messages: {
        __typename: 'MessageConnection',
        totalCount: 1,
        pageInfo: { __typename: 'PageInfo', hasPreviousPage: false, startCursor: 'm1' },
        edges: [
          {
            __typename: 'MessageEdge',
            cursor: 'm1',
            node: { __typename: 'Message', id: 'm1', createdAt: at(5), ...makeFragmentData(message('m1', 'second thread message', 5), MessageItem_message) },
          },
        ],
      },
    },
  });

  render(
    <ApolloProvider client={client}>
      <MantineProvider theme={theme} env="test">
        <MemoryRouter>
          <LiveUpdates />
          <InboxPage />
        </MemoryRouter>
      </MantineProvider>
    </ApolloProvider>,
  );
  const emit = (data: MessageAddedData) => act(() => subject('LiveMessageAdded').next({ data }));
  const timelineIds = () =>
    client.cache
      .readFragment({ fragment: Timeline_thread, fragmentName: 'Timeline_thread', id: client.cache.identify({ __typename: 'Thread', id: 't2' }) })
      ?.messages.edges.map((e) => e.node.id);
  return { t1, t2, t9, emit, refetched, timelineIds };
}

const customers = () => screen.getAllByTestId('thread-row').map((r) => within(r).getByTestId('thread-customer').textContent);

describe('LiveUpdates (messageAdded)', () => {
  it('moves the thread to the top of the inbox, updates its preview and appends to the open timeline', async () => {
    const { t2, emit, timelineIds, refetched } = setup();
    await waitFor(() => expect(customers()).toEqual(['Anna First', 'Bruno Second']));
    expect(timelineIds()).toEqual(['m1']);

    const msg = message('m2', 'Is my charger shipped?', 40);
    const updated: RowData = {
      ...t2,
      lastMessageAt: msg.createdAt!,
      lastMessage: { __typename: 'Message', id: 'm2', type: 'INCOMING', content: msg.content, metadata: {}, attachments: [] },
    };
    emit(messageAdded(updated, msg));

    await waitFor(() => expect(customers()).toEqual(['Bruno Second', 'Anna First']));
    expect(within(screen.getAllByTestId('thread-row')[0]!).getByTestId('thread-preview')).toHaveTextContent('Is my charger shipped?');
    expect(timelineIds()).toEqual(['m1', 'm2']);

    // The same event again (e.g. echo of our own postMessage) is not duplicated.
    emit(messageAdded(updated, msg));
    expect(timelineIds()).toEqual(['m1', 'm2']);
    expect(refetched).not.toHaveBeenCalled();
  });

  it('refetches the visible list when the thread is not cached yet', async () => {
    const { t9, emit, refetched } = setup();
    await waitFor(() => expect(customers()).toEqual(['Anna First', 'Bruno Second']));

    emit(messageAdded(t9, message('m9', 'brand new conversation', 30)));

    await waitFor(() => expect(refetched).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(customers()).toEqual(['Carla New', 'Anna First', 'Bruno Second']));
  });
});
