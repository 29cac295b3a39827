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

export function createWsClient(): Client {
  return createClient({
    url: wsUrl(),
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    // Evaluated on every (re)connect so a fresh login is picked up.
    connectionParams: () => {
      const token = getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
}

export function createApolloClient(): ApolloClient {
  const wsClient = createWsClient();
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
    if (
      CombinedGraphQLErrors.is(error) &&
      error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
    ) {
      setToken(null);
    }
  });

  const httpLink = ApolloLink.from([authLink, errorLink, new HttpLink({ uri: '/graphql' })]);
  const wsLink = new GraphQLWsLink(wsClient);

  const link = ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    wsLink,
    httpLink,
  );

  return new ApolloClient({ link, cache: createCache() });
}
