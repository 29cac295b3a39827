/**
 * Introspection (`__schema`, `__type`) by viewer, GRAPHQL_INTROSPECTION:
 * - auto (default): signed-in users always; API keys and anonymous requests
 *   only in development (`pnpm demo`, tests), never under `pnpm start`;
 * - on: everyone; off: nobody (the web app is typed from schema.graphql).
 * Checked before execution, on HTTP (an Apollo Server plugin) and on graphql-ws.
 * `__typename` stays allowed.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import type { HubContext, Viewer } from '../shared/context.js';

export function introspectionAllowed(config: Pick<Config, 'GRAPHQL_INTROSPECTION' | 'mode'>, viewer: Viewer | null): boolean {
  switch (config.GRAPHQL_INTROSPECTION) {
    case 'on':
      return true;
    case 'off':
      return false;
    default:
      return viewer?.kind === 'USER' || config.mode !== 'production';
  }
}

/** The refusal for an operation that introspects while not allowed to, else null. */
export function introspectionRefusal(
  config: Pick<Config, 'GRAPHQL_INTROSPECTION' | 'mode'>,
  viewer: Viewer | null,
  schema: GraphQLSchema,
  document: DocumentNode,
): GraphQLError | null {
  if (introspectionAllowed(config, viewer)) return null;
  const [found] = validate(schema, document, [NoSchemaIntrospectionCustomRule]);
  if (!found) return null;
  return new GraphQLError('GraphQL introspection is not allowed here: sign in as a user, or read schema.graphql.', {
    nodes: found.nodes,
    extensions: { code: 'INTROSPECTION_DISABLED', http: { status: 400 } },
  });
}

/** Apollo Server plugin: refuses introspection before the operation runs (and before it is priced). */
export function introspectionPlugin(config: Pick<Config, 'GRAPHQL_INTROSPECTION' | 'mode'>): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const refusal = introspectionRefusal(config, rc.contextValue.viewer, rc.schema, rc.document!);
          if (refusal) throw refusal;
        },
      };
    },
  };
}
