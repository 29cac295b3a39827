/**
 * What the webhooks received (ADMIN): stored provider deliveries with their
 * processing state, and replaying one.
 */
import { builder, assertPageSize } from '../../schema/builder.js';
import { decodeId, payloadType, runMutation } from '../../schema/common.js';
import { InboundEventStatusEnum } from '../../schema/enums.js';
import { replayInboundEvent } from './inbound.service.js';
import { can } from '../auth/permissions.js';

export const InboundEventNode = builder.prismaNode('InboundEvent', {
  id: { field: 'id' },
  nullable: true,
  authScopes: can('InboundEvent'),
  description: 'One provider webhook delivery as stored before processing (acknowledge first, process from the queue).',
  fields: (t) => ({
    provider: t.exposeString('provider', { description: 'whatsapp | outlook | sms | chatwoot' }),
    channel: t.relation('channel', { nullable: true }),
    status: t.expose('status', { type: InboundEventStatusEnum }),
    dedupeKey: t.exposeString('dedupeKey', { description: 'Provider-unique key of the delivery: a redelivery is stored once.' }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    processedAt: t.expose('processedAt', { type: 'DateTime', nullable: true }),
    attempts: t.exposeInt('attempts', { description: 'Processing attempts so far.' }),
    error: t.exposeString('error', { nullable: true, description: 'The last processing error.' }),
    result: t.expose('result', { type: 'JSON', nullable: true, description: '{ events, messagesCreated } after processing.' }),
  }),
});

builder.queryField('inboundEvents', (t) =>
  t.prismaConnection(
    {
      type: 'InboundEvent',
      cursor: 'id',
      authScopes: can('inboundEvents'),
      description: 'Webhook deliveries of the organization, newest first (ADMIN); `status` filters, e.g. FAILED.',
      args: { status: t.arg({ type: InboundEventStatusEnum }) },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.inboundEvent.findMany({ ...query, where: args.status ? { status: args.status } : {}, orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }] });
      },
      totalCount: (_root, args, ctx) => ctx.db.inboundEvent.count({ where: args.status ? { status: args.status } : {} }),
    },
    { name: 'InboundEventConnection' },
    { name: 'InboundEventEdge' },
  ),
);

const InboundEventPayload = payloadType('InboundEventPayload', 'inboundEvent', InboundEventNode);

builder.mutationField('replayInboundEvent', (t) =>
  t.field({
    type: InboundEventPayload,
    authScopes: can('replayInboundEvent'),
    description: 'Processes a stored delivery again now (ADMIN). Idempotent: a replay of a processed event adds nothing. Errors: NOT_FOUND.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => runMutation(() => replayInboundEvent(ctx, decodeId('InboundEvent', String(args.id), 'id')), ''),
  }),
);
