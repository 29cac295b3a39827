import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { relayStylePagination } from '@apollo/client/utilities';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { OperationTypeNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { getToken, onTokenChange, setToken } from './auth';
import { messageWindowPagination } from './messagesPagination';
import { connectionStatus, createBackoff, type Backoff, type ConnectionStatus } from './connection';
import { createCatchUpRunner } from './catchUp';

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          // One cached list per filter/orderBy combination; pages are appended via fetchMore.
          threads: relayStylePagination(['filter', 'orderBy']),
          agents: relayStylePagination(),
          templates: relayStylePagination(['channelType', 'category']),
          // The bell: newest first; live notifications are prepended by cache.modify (notificationCache.ts).
          notifications: relayStylePagination(['unreadOnly']),
        },
      },
      // No id: the row fragment and the thread view select different fields of it; merge, don't replace.
      ThreadSla: { merge: true },
      Thread: {
        fields: {
          // Connections carry no id: the latest server answer wins (live appends go through cache.modify).
          tasks: { merge: (_existing, incoming) => incoming },
          // One window per thread: newest page + earlier pages loaded with `before` (deduplicated).
          messages: messageWindowPagination(),
        },
      },
    },
  });
}

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/graphql`;
}

/** Ping the server this often while connected, ms (graphql-ws `keepAlive`). */
export const WS_KEEP_ALIVE_MS = 10_000;
/** A ping without pong for this long means a dead socket (half-open TCP): it is terminated and retried, ms. */
export const WS_PONG_TIMEOUT_MS = 5_000;

export interface WsClientOptions {
  /** Where the socket's phases are reported (default: the app's store, read by the banner). */
  status?: ConnectionStatus;
  /** Reconnect backoff (default: 0.5 s doubling, capped at 3 s, jittered). */
  backoff?: Backoff;
  /** Called after every reconnect that ends a drop (not after the first connect). */
  onReconnected?: () => void;
  /** Listen to the window's `online`/`offline` events (default true in a browser). */
  watchBrowser?: boolean;
}

/**
 * The graphql-ws client of the app. It never gives up on a dropped socket (only the protocol's
 * fatal closes stop it, e.g. 4401 when the session is revoked) and retries with a capped,
 * jittered exponential backoff, so a reconnect follows within ~3 s of the network coming back;
 * the browser's `online` event retries at once. Subscriptions in progress are re-subscribed by
 * graphql-ws on reconnect; `onReconnected` then catches up what was missed (catchUp.ts).
 * A ping every 10 s without a pong within 5 s terminates a half-open socket.
 */
export function createWsClient(options: WsClientOptions = {}): Client {
  const status = options.status ?? connectionStatus;
  const backoff = options.backoff ?? createBackoff();
  let socket: WebSocket | null = null;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  const client = createClient({
    url: wsUrl(),
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => backoff.wait(retries),
    keepAlive: WS_KEEP_ALIVE_MS,
    // Evaluated on every (re)connect so a fresh login is picked up.
    connectionParams: () => {
      const token = getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      connecting: (isRetry) => status.connecting(isRetry),
      connected: (s, _payload, wasRetry) => {
        socket = s as WebSocket;
        status.connected(wasRetry);
        if (wasRetry) options.onReconnected?.();
      },
      closed: (event) => {
        socket = null;
        clearTimeout(pongTimer);
        const code = (event as { code?: unknown } | null)?.code;
        status.closed(typeof code === 'number' ? code : undefined);
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => {
          if (socket && socket.readyState === WebSocket.OPEN) client.terminate();
        }, WS_PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });
  if (options.watchBrowser ?? typeof window !== 'undefined') {
    window.addEventListener('offline', () => {
      status.setBrowserOnline(false);
      // The socket may not notice for a long time: drop it now so the retry loop (and banner) start.
      if (socket) client.terminate();
    });
    window.addEventListener('online', () => {
      status.setBrowserOnline(true);
      backoff.wake();
    });
  }
  return client;
}

/**
 * The app's Apollo Client: HTTP for queries and mutations, graphql-ws for subscriptions. After a
 * dropped socket comes back, the catch-up (catchUp.ts) loads what was missed meanwhile.
 */
export function createApolloClient(): ApolloClient {
  // Assigned below; the socket cannot reconnect before the client exists.
  let apollo: ApolloClient | null = null;
  let runCatchUp: (() => Promise<void>) | null = null;
  const wsClient = createWsClient({
    onReconnected: () => {
      if (!apollo) return;
      runCatchUp ??= createCatchUpRunner(apollo);
      void runCatchUp();
    },
  });
  // Reconnect the socket with the new credentials whenever the token changes.
  onTokenChange(() => wsClient.terminate());

  const authLink = new SetContextLink((prevContext) => {
    const token = getToken();
    return {
      headers: {
        ...prevContext.headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    };
  });

  const errorLink = new ErrorLink(({ error }) => {
    if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
      setToken(null);
    }
  });

  const httpLink = ApolloLink.from([authLink, errorLink, new HttpLink({ uri: '/graphql' })]);
  const wsLink = new GraphQLWsLink(wsClient);

  const link = ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, wsLink, httpLink);

  apollo = new ApolloClient({ link, cache: createCache() });
  return apollo;
}
