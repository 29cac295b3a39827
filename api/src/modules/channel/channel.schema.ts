import { builder } from '../../schema/builder.js';
import { decodeId, payloadType, runMutation } from '../../schema/common.js';
import { ChannelTypeEnum } from '../../schema/enums.js';
import { DomainError } from '../../shared/errors.js';
import {
  channelCapabilities,
  channelHealth,
  channelSecretKeys,
  channelWebhookUrl,
  createChannel,
  maskedChannelConfig,
  testChannel,
  updateChannel,
  type ChannelHealth,
} from './channel.service.js';

import { can } from '../auth/permissions.js';

const ChannelHealthRef = builder.objectRef<ChannelHealth>('ChannelHealth').implement({
  description: 'What the hub last saw of a channel’s provider.',
  fields: (t) => ({
    lastInboundAt: t.expose('lastInboundAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the hub last processed an inbound message of the channel (stored at most once a second per server instance).',
    }),
    lastSendAt: t.expose('lastSendAt', { type: 'DateTime', nullable: true, description: 'Last reply the provider accepted.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Last provider error (send, webhook processing, subscription).' }),
    lastErrorAt: t.expose('lastErrorAt', { type: 'DateTime', nullable: true }),
    subscriptionExpiresAt: t.expose('subscriptionExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the provider subscription (Microsoft Graph change notifications) expires; null when the provider has none.',
    }),
  }),
});

export const ChannelNode = builder.prismaNode('Channel', {
  id: { field: 'id' },
  // Select mode (issue 8 §1): a query loads the columns below and those its other fields ask for.
  // The columns below are the ones the inbox and thread view nearly always ask for: fields reading
  // only them resolve straight from the row (schema/column-fields.ts). Rows a service returns
  // carry every column.
  // `type` is one of them: most fields derive from it (capabilities, secret keys, webhook URL).
  select: { id: true, type: true, name: true },
  authScopes: can('Channel'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'A way customers reach the organization (a WhatsApp number, a mailbox, ...). Provider secrets are write-only: administrators read them masked.',
  fields: (t) => ({
    type: t.expose('type', { type: ChannelTypeEnum }),
    name: t.exposeString('name'),
    isActive: t.exposeBoolean('isActive'),
    responseSlaHours: t.exposeInt('responseSlaHours', { nullable: true, description: 'Response target in hours; null: no SLA.' }),
    canSend: t.boolean({
      description: 'The channel type has a provider that can send replies.',
      resolve: (c) => channelCapabilities(c.type).canSend,
    }),
    replyWindowSeconds: t.int({
      nullable: true,
      description: 'Free-form reply window after the customer’s last message (WhatsApp 86400); null: none.',
      resolve: (c) => channelCapabilities(c.type).replyWindowSeconds,
    }),
    provider: t.string({
      nullable: true,
      description: 'Provider adapter name: whatsapp | outlook | sms | chatwoot | api; null for types without provider (PHONE_CALL, internal).',
      resolve: (c) => channelCapabilities(c.type).provider,
    }),
    configuration: t.field({
      select: { configuration: true },
      type: 'JSON',
      authScopes: can('Channel.configuration'),
      description: 'Provider settings (ADMIN). Secrets are masked: "••••" + their last 4 characters.',
      resolve: (c, _a, ctx) => maskedChannelConfig(ctx.deps, c),
    }),
    secretKeys: t.stringList({
      authScopes: can('Channel.secretKeys'),
      description: 'Configuration keys that are secrets: write-only, read masked (ADMIN).',
      resolve: (c) => [...channelSecretKeys(c.type)],
    }),
    webhookUrl: t.string({
      nullable: true,
      authScopes: can('Channel.webhookUrl'),
      description: 'The URL to give the provider (PUBLIC_URL/webhooks/<provider>); null when the provider calls no webhook (ADMIN).',
      resolve: (c, _a, ctx) => channelWebhookUrl(ctx.deps, c.type),
    }),
    health: t.field({
      select: { configuration: true, lastInboundAt: true, lastSendAt: true, lastError: true, lastErrorAt: true },
      type: ChannelHealthRef,
      authScopes: can('Channel.health'),
      description: 'Last activity and last provider error (ADMIN).',
      resolve: (c, _a, ctx) => channelHealth(ctx.deps, c),
    }),
  }),
});

builder.queryField('channels', (t) =>
  t.prismaField({
    type: ['Channel'],
    description: "The organization's channels, by name.",
    authScopes: can('channels'),
    resolve: (query, _root, _args, ctx) => ctx.db.channel.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
);

const ChannelPayload = payloadType('ChannelPayload', 'channel', ChannelNode);

interface TestResultShape {
  ok: boolean;
  code: string | null;
  message: string;
}
const ChannelTestResultRef = builder.objectRef<TestResultShape>('ChannelTestResult').implement({
  description: 'Outcome of one call to the provider with the channel’s credentials.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    code: t.exposeString('code', { nullable: true, description: 'Provider or hub error code when not ok.' }),
    message: t.exposeString('message'),
  }),
});

const CreateChannelInputRef = builder.inputType('CreateChannelInput', {
  fields: (t) => ({
    type: t.field({ type: ChannelTypeEnum, required: true }),
    name: t.string({ required: true }),
    configuration: t.field({ type: 'JSON', required: true, description: 'Provider settings, validated by the provider adapter; secrets are sealed at rest.' }),
    responseSlaHours: t.int(),
  }),
});

const UpdateChannelInputRef = builder.inputType('UpdateChannelInput', {
  fields: (t) => ({
    channelId: t.id({ required: true }),
    name: t.string(),
    isActive: t.boolean(),
    configuration: t.field({
      type: 'JSON',
      description: 'Merged key by key into the stored configuration; null removes a key; a secret sent back masked ("••••abcd") is kept.',
    }),
    responseSlaHours: t.int({ description: 'null removes the SLA.' }),
  }),
});

builder.mutationFields((t) => ({
  createChannel: t.field({
    type: ChannelPayload,
    authScopes: can('createChannel'),
    description: 'Creates a channel (ADMIN). Errors: CHANNEL_NOT_SUPPORTED, VALIDATION_FAILED (input.configuration.<key>), CONFLICT.',
    args: { input: t.arg({ type: CreateChannelInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => createChannel(ctx, input as never)),
  }),
  updateChannel: t.field({
    type: ChannelPayload,
    authScopes: can('updateChannel'),
    description: 'Updates a channel (ADMIN); configuration is merged key by key, secrets are write-only. Errors: NOT_FOUND, VALIDATION_FAILED, CONFLICT.',
    args: { input: t.arg({ type: UpdateChannelInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { channelId, ...rest } = input;
        return updateChannel(ctx, decodeId('Channel', String(channelId), 'input.channelId'), rest as never);
      }),
  }),
  testChannel: t.field({
    type: ChannelTestResultRef,
    authScopes: can('testChannel'),
    description: 'Calls the provider once with the channel’s credentials (ADMIN). Never fails for a provider error: see ok, code, message.',
    args: { channelId: t.arg.id({ required: true }) },
    resolve: async (_r, { channelId }, ctx) => {
      try {
        return await testChannel(ctx, decodeId('Channel', String(channelId), 'channelId'));
      } catch (err) {
        if (err instanceof DomainError) return { ok: false, code: err.code, message: err.message };
        throw err;
      }
    },
  }),
}));
