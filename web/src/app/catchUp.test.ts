import { describe, expect, it, vi } from 'vitest';
import { ApolloClient, ApolloLink } from '@apollo/client';
import { parse } from 'graphql';
import { of } from 'rxjs';
import { createCache } from './apollo';
import { appendMessageToThread } from './cacheUpdates';
import { catchUp, catchUpThread, createCatchUpRunner, newestServerCursor, openThreadIds } from './catchUp';
import { ThreadViewQuery } from '../features/thread/ThreadView';
import { TimelineEarlierMessagesQuery } from '../features/thread/useEarlierMessages';

/**
 * A fake API over a real Apollo Client with the app's cache policies: the thread `t1` holds
 * messages m1…m8 on the "server"; the browser saw m1…m3 (+ m4 live) before the socket dropped.
 */

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
const cursorOf = (n: number) => `cur-m${n}`;

function message(n: number) {
  return {
    __typename: 'Message',
    id: `m${n}`,
    type: 'INCOMING',
    content: `#${n}`,
    subject: null,
    createdAt: at(n),
    deliveryStatus: 'DELIVERED',
    readAt: null,
    contentHtml: null,
    canRetry: false,
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS' },
    deliveries: [],
    sender: { __typename: 'MessageSender', kind: 'CUSTOMER', name: 'C' },
    attachments: [],
  };
}

const edge = (n: number) => ({ __typename: 'MessageEdge', cursor: cursorOf(n), node: message(n) });

/**
 * Same operation name as the app's thread view (catchUp finds open threads by it; checked below).
 * The test documents use `parse`, not the gql tag, so codegen does not collect them.
 */
const OpenThreadQuery = parse(`
  query ThreadView($id: ID!) {
    node(id: $id) {
      id
      ... on Thread {
        messages(last: 50) {
          totalCount
          pageInfo {
            hasPreviousPage
            startCursor
          }
          edges {
            cursor
            node {
              id
              type
              content
              contentHtml
              subject
              createdAt
              deliveryStatus
              readAt
              canRetry
              deliveries {
                attempt
              }
              sender {
                kind
                name
              }
              attachments {
                kind
              }
            }
          }
        }
      }
    }
  }
`);

/** The cached window's message ids in stored order (the timeline sorts by time; the cache must already be ordered). */
const WindowIds = parse(`
  fragment WindowIds on Thread {
    messages {
      edges {
        node {
          id
        }
      }
    }
  }
`);

const CountsQuery = parse(`
  query Counts {
    viewer {
      id
      name
    }
  }
`);

function setup({ serverMessages = 8, pageSize = 2, initial = [1, 2, 3], refetchWindow = [6, 7, 8] } = {}) {
  const server = Array.from({ length: serverMessages }, (_, i) => i + 1);
  const requests: { name: string; variables: Record<string, unknown> }[] = [];
  let viewerName = 'Before';
  let threadViewCalls = 0;
  const link = new ApolloLink((op) => {
    const variables = op.variables as Record<string, unknown>;
    requests.push({ name: op.operationName ?? '', variables });
    if (op.operationName === 'ThreadView') {
      // First load: what the browser saw; refetch: the newest window only (as with > 50 missed).
      const ns = threadViewCalls++ === 0 ? initial : refetchWindow;
      return of({
        data: {
          node: {
            __typename: 'Thread',
            id: 't1',
            messages: {
              __typename: 'MessageConnection',
              totalCount: server.length,
              pageInfo: { __typename: 'PageInfo', hasPreviousPage: ns.length > 0 && ns[0] !== 1, startCursor: ns.length ? cursorOf(ns[0]!) : null },
              edges: ns.map(edge),
            },
          },
        },
      });
    }
    if (op.operationName === 'CatchUpMessages') {
      const from = server.findIndex((n) => cursorOf(n) === variables.after) + 1;
      const page = server.slice(from, from + Math.min(pageSize, Number(variables.first)));
      const last = page[page.length - 1];
      return of({
        data: {
          node: {
            __typename: 'Thread',
            id: 't1',
            messages: {
              __typename: 'MessageConnection',
              totalCount: server.length,
              pageInfo: { __typename: 'PageInfo', hasNextPage: from + page.length < server.length, endCursor: last ? cursorOf(last) : null },
              edges: page.map(edge),
            },
          },
        },
      });
    }
    if (op.operationName === 'TimelineEarlierMessages') {
      const to = server.findIndex((n) => cursorOf(n) === variables.before);
      const page = server.slice(Math.max(0, to - Number(variables.last)), to);
      return of({
        data: {
          node: {
            __typename: 'Thread',
            id: 't1',
            messages: {
              __typename: 'MessageConnection',
              totalCount: server.length,
              pageInfo: { __typename: 'PageInfo', hasPreviousPage: page[0] !== 1, startCursor: page.length ? cursorOf(page[0]!) : null },
              edges: page.map(edge),
            },
          },
        },
      });
    }
    if (op.operationName === 'Counts') {
      return of({ data: { viewer: { __typename: 'User', id: 'u1', name: viewerName } } });
    }
    throw new Error(`unexpected operation ${op.operationName}`);
  });
  const client = new ApolloClient({ cache: createCache(), link });
  const ids = () => client.cache.readFragment<{ messages: { edges: { node: { id: string } }[] } }>({ id: 'Thread:t1', fragment: WindowIds })?.messages.edges.map((e) => e.node.id);
  const openThread = async () => {
    const q = client.watchQuery({ query: OpenThreadQuery, variables: { id: 't1' } });
    const sub = q.subscribe(() => undefined);
    await vi.waitFor(() => expect(ids()).toEqual(initial.map((n) => `m${n}`)));
    return sub;
  };
  const live = (n: number) => {
    client.cache.writeFragment({
      id: `Message:m${n}`,
      fragment: parse(`
        fragment LiveMsg on Message {
          id
          type
          content
          contentHtml
          subject
          createdAt
          deliveryStatus
          readAt
          canRetry
          deliveries {
            attempt
          }
          sender {
            kind
            name
          }
          attachments {
            kind
          }
        }
      `),
      data: message(n),
    });
    appendMessageToThread(client.cache, 't1', { __ref: `Message:m${n}` });
  };
  return {
    client,
    requests,
    ids,
    openThread,
    live,
    setViewerName: (n: string) => (viewerName = n),
  };
}

describe('catch-up after a reconnect', () => {
  it('finds open threads by the real thread view query name', () => {
    const def = ThreadViewQuery.definitions.find((d) => d.kind === 'OperationDefinition');
    expect(def && 'name' in def ? def.name?.value : null).toBe('ThreadView');
  });

  it('the newest server cursor skips live-appended messages (their cursor is a placeholder)', async () => {
    const { client, openThread, live } = setup();
    const sub = await openThread();
    expect(openThreadIds(client)).toEqual(['t1']);
    expect(newestServerCursor(client, 't1')).toBe('cur-m3');
    live(4);
    expect(newestServerCursor(client, 't1')).toBe('cur-m3');
    expect(newestServerCursor(client, 'unknown')).toBeNull();
    sub.unsubscribe();
  });

  it('fetches every page after the newest cursor and merges it without duplicates or holes', async () => {
    const { client, requests, ids, openThread, live } = setup({ pageSize: 2 });
    const sub = await openThread();
    live(4);
    expect(ids()).toEqual(['m1', 'm2', 'm3', 'm4']);

    const added = await catchUpThread(client, 't1');

    const pages = requests.filter((r) => r.name === 'CatchUpMessages').map((r) => r.variables.after);
    expect(pages).toEqual(['cur-m3', 'cur-m5', 'cur-m7']);
    expect(added).toBe(4); // m5 … m8 (m4 was there already)
    expect(ids()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
    // m4's placeholder cursor was replaced by the server's.
    expect(newestServerCursor(client, 't1')).toBe('cur-m8');
    sub.unsubscribe();
  });

  it('catchUp: open thread first, then every active query refetched (lists, counts, the thread)', async () => {
    const { client, requests, ids, openThread, setViewerName } = setup({ pageSize: 50 });
    const sub = await openThread();
    const counts = client.watchQuery({ query: CountsQuery });
    const countsSub = counts.subscribe(() => undefined);
    await vi.waitFor(() => expect(counts.getCurrentResult().data).toMatchObject({ viewer: { name: 'Before' } }));
    requests.length = 0;
    setViewerName('After');

    const report = await catchUp(client);

    expect(report.threads).toEqual([{ threadId: 't1', added: 5 }]); // m4 … m8
    expect(report.refetched).toBe(2);
    expect(requests.map((r) => r.name)).toEqual(['CatchUpMessages', 'ThreadView', 'Counts']);
    expect(counts.getCurrentResult().data).toMatchObject({ viewer: { name: 'After' } });
    // The refetched newest window (m6…m8) connects to the caught-up one: nothing lost, nothing twice.
    expect(ids()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
    sub.unsubscribe();
    countsSub.unsubscribe();
  });

  it('earlier pages the agent loaded stay, and are not refetched (that would overwrite the window)', async () => {
    const { client, requests, ids, openThread } = setup({ initial: [3, 4, 5], refetchWindow: [6, 7, 8], pageSize: 50 });
    const sub = await openThread();
    // As useEarlierMessages runs it (a lazy network-only query that stays active).
    const earlier = client.watchQuery({ query: TimelineEarlierMessagesQuery, variables: { threadId: 't1', last: 50, before: 'cur-m3' }, fetchPolicy: 'network-only' });
    const earlierSub = earlier.subscribe(() => undefined);
    await vi.waitFor(() => expect(ids()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']));
    requests.length = 0;

    await catchUp(client);

    expect(requests.map((r) => r.name)).toEqual(['CatchUpMessages', 'ThreadView']);
    expect(ids()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
    sub.unsubscribe();
    earlierSub.unsubscribe();
  });

  it('a thread without a server cursor is left to the refetch', async () => {
    const { client, requests } = setup({ initial: [], serverMessages: 2, refetchWindow: [1, 2] });
    const q = client.watchQuery({ query: OpenThreadQuery, variables: { id: 't1' } });
    const sub = q.subscribe(() => undefined);
    await vi.waitFor(() => expect(requests.length).toBe(1));
    const report = await catchUp(client);
    expect(report.threads).toEqual([{ threadId: 't1', added: null }]);
    expect(requests.filter((r) => r.name === 'CatchUpMessages')).toHaveLength(0);
    sub.unsubscribe();
  });

  it('the runner runs one catch-up at a time and once more for reconnects during a run', async () => {
    const client = {} as ApolloClient;
    const releases: (() => void)[] = [];
    const run = vi.fn(() => new Promise<void>((resolve) => releases.push(resolve)));
    const onError = vi.fn();
    const trigger = createCatchUpRunner(client, run, onError);

    const first = trigger();
    void trigger();
    void trigger();
    expect(run).toHaveBeenCalledTimes(1);
    releases.shift()!();
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(2));
    releases.shift()!();
    await first;
    expect(run).toHaveBeenCalledTimes(2);

    run.mockImplementationOnce(() => Promise.reject(new Error('offline again')));
    await trigger();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'offline again' }));
  });
});
