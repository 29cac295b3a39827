/**
 * The Pothos SchemaBuilder and its plugins. Defines no domain types: those live
 * in modules/<domain>/<domain>.schema.ts.
 */
import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { PrismaClient } from '../generated/prisma/client.js';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { hasScope, type HubContext } from '../shared/context.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

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
  /**
   * viewer: anyone authenticated (user or API key); user: a signed-in user;
   * manager / admin: users of that role or above; read / write: a user, or an
   * API key with READ / WRITE; ingest: an API key with INGEST.
   */
  AuthScopes: { viewer: boolean; user: boolean; manager: boolean; admin: boolean; read: boolean; write: boolean; ingest: boolean };
};

export const builder = new SchemaBuilder<HubSchemaTypes>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin],
  scopeAuth: {
    authScopes: (ctx) => {
      const v = ctx.viewer;
      const isUser = v?.kind === 'USER';
      return {
        viewer: v !== null,
        user: isUser,
        manager: isUser && (v.role === 'MANAGER' || v.role === 'ADMIN'),
        admin: isUser && v.role === 'ADMIN',
        read: isUser || hasScope(v, 'READ'),
        write: isUser || hasScope(v, 'WRITE'),
        ingest: hasScope(v, 'INGEST'),
      };
    },
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
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
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

builder.queryType({ authScopes: { read: true } });
builder.mutationType({ authScopes: { write: true } });
builder.subscriptionType({ authScopes: { read: true } });
