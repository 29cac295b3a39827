/**
 * The Apollo Server plugin that observes GraphQL over HTTP:
 * - names the request's log scope (shared/logger.ts) with the operation name
 *   and the viewer, so every later line of the request carries them;
 * - hub_graphql_operation_duration_seconds by operation name and type, and
 *   hub_graphql_errors_total by the code the client receives;
 * - logs every unexpected error (what `formatError` in server.ts masks as
 *   "Internal server error") with its stack and path, server-side only.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { HubContext } from '../shared/context.js';
import { DomainError } from '../shared/errors.js';
import { requestLogScope } from '../shared/logger.js';
import { metrics, operationLabel } from './metrics.js';

/** The code a client sees for `error`, and whether formatError masks it (the same test as server.ts). */
export function classifyError(error: GraphQLError): { code: string; unexpected: boolean } {
  const original = error.originalError;
  if (original instanceof DomainError) return { code: original.code, unexpected: false };
  const code = error.extensions?.code as string | undefined;
  const expected = !original || original instanceof GraphQLError || Boolean(code && code !== 'INTERNAL_SERVER_ERROR');
  return { code: expected && code ? code : 'INTERNAL_SERVER_ERROR', unexpected: !expected };
}

export const observabilityPlugin: ApolloServerPlugin<HubContext> = {
  async requestDidStart({ contextValue }) {
    const started = performance.now();
    const scope = requestLogScope.getStore();
    const viewer = contextValue.viewer;
    if (scope && viewer) scope.viewer = `${viewer.kind}:${viewer.id}`;
    let operationName: string | null = null;
    let operationType = 'unknown';
    return {
      async didResolveOperation({ operation, operationName: name }) {
        operationName = name ?? null;
        operationType = operation?.operation ?? 'unknown';
        if (scope && name) scope.operationName = name;
      },
      async didEncounterErrors({ errors, operationName: name }) {
        for (const error of errors) {
          const { code, unexpected } = classifyError(error);
          metrics.graphqlErrors.inc({ code });
          if (unexpected) {
            contextValue.deps.logger.error(
              { err: error.originalError, path: error.path?.join('.'), operationName: name ?? operationName ?? undefined },
              'unexpected error in a GraphQL operation (the client got "Internal server error")',
            );
          }
        }
      },
      async willSendResponse() {
        metrics.graphqlDuration.observe({ operation_name: operationLabel(operationName), operation_type: operationType }, (performance.now() - started) / 1000);
      },
    };
  },
};
