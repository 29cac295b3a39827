/**
 * The Pothos SchemaBuilder and its plugins. Defines no domain types: those live
 * in modules/<domain>/<domain>.schema.ts.
 */
import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ColumnFieldsPlugin from './column-fields.js';
import { GraphQLError } from 'graphql';
import type { PrismaClient } from '../generated/prisma/client.js';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { TYPE_RULES, authScopesOf, can, type HubAuthScopes } from '../modules/auth/permissions.js';
import type { HubContext } from '../shared/context.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** The types `node` can return: every one has a rule in the permission matrix (a test keeps them equal). */
const isNodeType = (typename: string) => Object.hasOwn(TYPE_RULES, typename);

export interface HubTypes extends PothosSchemaTypes.ExtendDefaultTypes<HubSchemaTypes> {}

type HubSchemaTypes = {
  Context: HubContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
  /** The scopes of modules/auth/permissions.ts (HubAuthScopes); rules come from its matrix through `can()`. */
  AuthScopes: HubAuthScopes;
};

export const builder = new SchemaBuilder<HubSchemaTypes>({
  defaultFieldNullability: false,
  // ColumnFieldsPlugin first: plugins see field configs last to first, and it must see the select
  // the Prisma plugin puts on a field (it wraps no resolver, so its place changes nothing else).
  plugins: [ColumnFieldsPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin],
  scopeAuth: {
    authScopes: (ctx) => authScopesOf(ctx.viewer),
    // Type scopes are checked once per object (isTypeOf), so a row of a type the
    // viewer may not read is refused wherever it appears, `node`/`nodes` included.
    runScopesOnType: true,
    // Subscriptions are authorized when subscribing, not at each event.
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, ctx) =>
      new GraphQLError(ctx.viewer ? 'You are not allowed to read this.' : 'Sign in first.', {
        extensions: { code: ctx.viewer ? 'FORBIDDEN' : 'UNAUTHENTICATED' },
      }),
  },
  prisma: {
    // The tenant-scoped client of this request (db/tenant.ts).
    client: (ctx) => ctx.db as unknown as PrismaClient,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    onUnusedQuery: null,
    // Each field's query plan is kept for the next execution of the same document with the same
    // variables used beneath it (patches/@pothos__plugin-prisma@4.17.0.patch, util/plan-cache.js):
    // walking the selection set was ~6 % of a thread view's CPU (issue 8 §1). Allowed because no
    // select or query callback of the schema reads the context (test/architecture.test.ts).
    cachePlans: true,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodeQueryOptions: {
      authScopes: can('node'),
      // An id of a type that is no node answers null, not an internal error.
      resolve: (_root, { id }, _ctx, _info, resolveNode) => (isNodeType(id.typename) ? resolveNode(id) : null),
    },
    nodesQueryOptions: {
      authScopes: can('nodes'),
      resolve: async (_root, { ids }, _ctx, _info, resolveNodes) => {
        const known = ids.filter((id) => isNodeType(id.typename));
        const loaded = known.length ? await resolveNodes(known) : [];
        return ids.map((id) => (isNodeType(id.typename) ? loaded[known.indexOf(id)] : null));
      },
    },
  },
});

/**
 * Rejects Relay page sizes above MAX_PAGE_SIZE (and negative ones) with a
 * BAD_USER_INPUT error instead of silently clamping them.
 */
export function assertPageSize(args: { first?: number | null; last?: number | null }): void {
  for (const key of ['first', 'last'] as const) {
    const v = args[key];
    if (v == null) continue;
    if (v < 0 || v > MAX_PAGE_SIZE) {
      throw new GraphQLError(`\`${key}\` must be between 0 and ${MAX_PAGE_SIZE}; got ${v}.`, {
        extensions: { code: 'BAD_USER_INPUT', argumentName: key },
      });
    }
  }
}

// Anonymous requests reach no root field but the public ones (skipTypeScopes);
// every field carries its own rule from the permission matrix.
builder.queryType({ authScopes: { viewer: true } });
builder.mutationType({ authScopes: { viewer: true } });
builder.subscriptionType({ authScopes: { viewer: true } });
