import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApolloClient, ApolloLink } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter, useLocation } from 'react-router';
import { OperationTypeNode } from 'graphql';
import { Subject } from 'rxjs';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { createCache } from '../../app/apollo';
import { theme } from '../../app/theme';
import {
  BELL_PAGE_SIZE,
  type BellNotificationAddedSubscription,
  BellNotificationsQuery,
  MarkNotificationsReadMutation,
  NotificationBell,
  NotificationItem_notification,
} from './NotificationBell';
import { PERMISSION_ASKED_KEY } from './browserNotifications';

type Item = ResultOf<typeof NotificationItem_notification>;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

function item(id: string, over: Partial<Item> = {}): Item {
  return {
    __typename: 'Notification',
    id,
    kind: 'SLA_ALERT',
    title: `Notification ${id}`,
    body: null,
    data: { action: 'REMIND', target: 'FIRST_RESPONSE' },
    createdAt: minutesAgo(5),
    readAt: null,
    thread: { __typename: 'Thread', id: `thread-${id}` },
    ...over,
  };
}

function page(items: Item[], unreadCount: number): ResultOf<typeof BellNotificationsQuery> {
  return {
    notifications: {
      __typename: 'NotificationConnection',
      unreadCount,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: items.length ? `c${items.length}` : null },
      edges: items.map((n, i) => ({
        __typename: 'NotificationEdge',
        cursor: `c${i + 1}`,
        node: { __typename: 'Notification', id: n.id, ...makeFragmentData(n, NotificationItem_notification) },
      })),
    },
  };
}

const markResult = (count: number) => ({ data: { markNotificationsRead: { __typename: 'MarkNotificationsReadPayload' as const, count, errors: [] } } });

/** A stand-in for the browser's Notification API. */
class FakeNotification {
  static permission: NotificationPermission = 'default';
  static requestPermission = vi.fn(async () => FakeNotification.permission);
  static shown: FakeNotification[] = [];
  onclick: (() => void) | null = null;
  close = vi.fn();
  constructor(
    public title: string,
    public options?: NotificationOptions,
  ) {
    FakeNotification.shown.push(this);
  }
}

function Where() {
  return <div data-testid="location">{useLocation().pathname}</div>;
}

function setup(mocks: ConstructorParameters<typeof MockLink>[0]) {
  const subject = new Subject<ApolloLink.Result>();
  const subscriptionLink = new ApolloLink(() => subject.asObservable());
  const client = new ApolloClient({
    cache: createCache(),
    link: ApolloLink.split((op) => op.operationType === OperationTypeNode.SUBSCRIPTION, subscriptionLink, new MockLink(mocks)),
  });
  render(
    <ApolloProvider client={client}>
      <MantineProvider theme={theme} env="test">
        <MemoryRouter>
          <NotificationBell />
          <Where />
        </MemoryRouter>
      </MantineProvider>
    </ApolloProvider>,
  );
  const emit = (n: Item) =>
    act(() =>
      subject.next({
        data: { notificationAdded: { __typename: 'Notification', id: n.id, ...makeFragmentData(n, NotificationItem_notification) } } satisfies ResultOf<
          typeof BellNotificationAddedSubscription
        >,
      }),
    );
  return { emit };
}

const bell = () => screen.getByTestId('notification-bell');
const items = () => screen.getAllByTestId('notification-item');

beforeEach(() => {
  localStorage.clear();
  FakeNotification.permission = 'default';
  FakeNotification.requestPermission.mockClear();
  FakeNotification.shown = [];
  vi.stubGlobal('Notification', FakeNotification);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('NotificationBell', () => {
  const list = page([item('n3'), item('n2', { kind: 'ASSIGNMENT', data: {} }), item('n1', { readAt: minutesAgo(1) })], 2);

  it('shows the unread count; a click opens the thread and marks that notification read', async () => {
    const mark = vi.fn(() => markResult(1));
    setup([
      { request: { query: BellNotificationsQuery, variables: { first: BELL_PAGE_SIZE } }, result: { data: list } },
      { request: { query: MarkNotificationsReadMutation, variables: { ids: ['n3'] } }, result: mark },
    ]);
    await waitFor(() => expect(bell()).toHaveAccessibleName('Notifications, 2 unread'));
    expect(bell()).toHaveAttribute('data-unread-count', '2');

    await userEvent.click(bell());
    expect(items().map((i) => i.getAttribute('data-notification-id'))).toEqual(['n3', 'n2', 'n1']);
    expect(items().map((i) => i.hasAttribute('data-unread'))).toEqual([true, true, false]);

    await userEvent.click(within(items()[0]!).getByText('Notification n3'));
    await waitFor(() => expect(mark).toHaveBeenCalledTimes(1));
    expect(screen.getByTestId('location')).toHaveTextContent('/threads/thread-n3');
    await waitFor(() => expect(bell()).toHaveAccessibleName('Notifications, 1 unread'));

    await userEvent.click(bell());
    expect(items().map((i) => i.hasAttribute('data-unread'))).toEqual([false, true, false]);
  });

  it('"Mark all read" sends an empty id list and clears the count', async () => {
    const mark = vi.fn(() => markResult(2));
    setup([
      { request: { query: BellNotificationsQuery, variables: { first: BELL_PAGE_SIZE } }, result: { data: list } },
      { request: { query: MarkNotificationsReadMutation, variables: { ids: [] } }, result: mark },
    ]);
    await waitFor(() => expect(bell()).toHaveAccessibleName('Notifications, 2 unread'));
    await userEvent.click(bell());
    await userEvent.click(screen.getByRole('button', { name: 'Mark all read' }));

    await waitFor(() => expect(bell()).toHaveAccessibleName('Notifications'));
    expect(mark).toHaveBeenCalledTimes(1);
    expect(items().some((i) => i.hasAttribute('data-unread'))).toBe(false);
    expect(screen.getByRole('button', { name: 'Mark all read' })).toBeDisabled();
  });

  it('asks for browser notification permission once, on the first opening of the bell', async () => {
    setup([{ request: { query: BellNotificationsQuery, variables: { first: BELL_PAGE_SIZE } }, result: { data: list } }]);
    await waitFor(() => expect(bell()).toHaveAccessibleName('Notifications, 2 unread'));
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();

    await userEvent.click(bell());
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    expect(localStorage.getItem(PERMISSION_ASKED_KEY)).not.toBeNull();

    await userEvent.click(bell()); // close
    await userEvent.click(bell()); // open again: remembered, not asked again
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
  });

  it('prepends live notifications, counts them, and raises a browser notification for ALERT/ESCALATE only', async () => {
    FakeNotification.permission = 'granted';
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => undefined);
    const mark = vi.fn(() => markResult(1));
    const { emit } = setup([
      { request: { query: BellNotificationsQuery, variables: { first: BELL_PAGE_SIZE } }, result: { data: list } },
      { request: { query: MarkNotificationsReadMutation, variables: { ids: ['n4'] } }, result: mark },
    ]);
    await waitFor(() => expect(bell()).toHaveAccessibleName('Notifications, 2 unread'));

    emit(item('n4', { title: 'SLA alert: first response 90 % — Wallbox', data: { action: 'ALERT', target: 'FIRST_RESPONSE' }, createdAt: new Date().toISOString() }));
    await waitFor(() => expect(bell()).toHaveAccessibleName('Notifications, 3 unread'));
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['SLA alert: first response 90 % — Wallbox']);

    emit(item('n5', { title: 'SLA reminder', data: { action: 'REMIND' } }));
    emit(item('n6', { title: 'Escalated', data: { action: 'ESCALATE' } }));
    emit(item('n7', { kind: 'ASSIGNMENT', title: 'Assigned to you', data: { action: 'ALERT' } }));
    await waitFor(() => expect(bell()).toHaveAccessibleName('Notifications, 6 unread'));
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['SLA alert: first response 90 % — Wallbox', 'Escalated']);

    // The same event twice is not counted twice.
    emit(item('n6', { title: 'Escalated', data: { action: 'ESCALATE' } }));
    await userEvent.click(bell());
    expect(items().map((i) => i.getAttribute('data-notification-id'))).toEqual(['n7', 'n6', 'n5', 'n4', 'n3', 'n2', 'n1']);
    expect(bell()).toHaveAccessibleName('Notifications, 6 unread');

    // Clicking the OS notification focuses the window, opens the thread and marks it read.
    await act(async () => FakeNotification.shown[0]!.onclick?.());
    expect(focus).toHaveBeenCalled();
    expect(screen.getByTestId('location')).toHaveTextContent('/threads/thread-n4');
    await waitFor(() => expect(bell()).toHaveAccessibleName('Notifications, 5 unread'));
    expect(mark).toHaveBeenCalledTimes(1);
  });
});
