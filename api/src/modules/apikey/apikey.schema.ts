import type { ApiKey } from '../../generated/prisma/client.js';
import { builder } from '../../schema/builder.js';
import { ApiKeyScopeEnum } from '../../schema/enums.js';
import { decodeId, decodeOptionalId, payloadType, runMutation, UserError, type UserErrorShape } from '../../schema/common.js';
import { createApiKey, listApiKeys, revokeApiKey } from './apikey.service.js';

import { can } from '../auth/permissions.js';

export const ApiKeyNode = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  nullable: true, // a missing or other-tenant id loads as null
  authScopes: can('ApiKey'),
  // ApiKey is not tenant-scoped by db/tenant.ts: load nodes inside the organization only.
  findUnique: (id, ctx) => ({ id, organizationId: ctx.organizationId }),
  description: 'A credential for a partner system (ADMIN). The secret is shown once, at creation; the hub keeps only its hash.',
  fields: (t) => ({
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'First characters of the secret ("hub_ab12cdEF"), to recognise the key.' }),
    scopes: t.expose('scopes', { type: [ApiKeyScopeEnum] }),
    channel: t.relation('channel', { nullable: true, description: 'The only channel an INGEST key may feed; null: any.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Last request with this key (to the minute).' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.prismaField({
    type: ['ApiKey'],
    authScopes: can('apiKeys'),
    description: "The organization's API keys, newest first (ADMIN).",
    resolve: (query, _root, _args, ctx) => listApiKeys(ctx, query),
  }),
);

interface CreateApiKeyPayloadShape {
  apiKey?: ApiKey;
  secret?: string;
  errors: UserErrorShape[];
}
const CreateApiKeyPayload = builder.objectRef<CreateApiKeyPayloadShape>('CreateApiKeyPayload').implement({
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyNode, nullable: true, resolve: (p) => p.apiKey ?? null }),
    secret: t.string({ nullable: true, description: 'The secret ("hub_…"): shown only in this answer, store it now.', resolve: (p) => p.secret ?? null }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

const ApiKeyPayload = payloadType('ApiKeyPayload', 'apiKey', ApiKeyNode);

const CreateApiKeyInputRef = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true }),
    channelId: t.id({ description: 'Restricts an INGEST key to one channel.' }),
  }),
});

const RevokeApiKeyInputRef = builder.inputType('RevokeApiKeyInput', {
  fields: (t) => ({ apiKeyId: t.id({ required: true }) }),
});

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    authScopes: can('createApiKey'),
    description: 'Creates an API key and returns its secret once (ADMIN). Errors: VALIDATION_FAILED, NOT_FOUND (channel).',
    args: { input: t.arg({ type: CreateApiKeyInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() =>
        createApiKey(ctx, {
          name: input.name,
          scopes: input.scopes,
          channelId: decodeOptionalId('Channel', input.channelId as string | null | undefined, 'input.channelId'),
        }),
      ),
  }),
  revokeApiKey: t.field({
    type: ApiKeyPayload,
    authScopes: can('revokeApiKey'),
    description: 'Revokes an API key at once (ADMIN); revoking twice changes nothing. Errors: NOT_FOUND.',
    args: { input: t.arg({ type: RevokeApiKeyInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => revokeApiKey(ctx, decodeId('ApiKey', String(input.apiKeyId), 'input.apiKeyId'))),
  }),
}));
