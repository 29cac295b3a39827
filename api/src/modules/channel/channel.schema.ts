import { builder } from '../../schema/builder.js';
import { ChannelTypeEnum } from '../../schema/enums.js';

builder.prismaNode('Channel', {
  id: { field: 'id' },
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'A way customers reach the organization (a WhatsApp number, a mailbox, ...). Provider secrets are never exposed.',
  fields: (t) => ({
    type: t.expose('type', { type: ChannelTypeEnum }),
    name: t.exposeString('name'),
    isActive: t.exposeBoolean('isActive'),
    responseSlaHours: t.exposeInt('responseSlaHours', { nullable: true, description: 'Response target in hours; null: no SLA.' }),
  }),
});

builder.queryField('channels', (t) =>
  t.prismaField({
    type: ['Channel'],
    description: "The organization's channels, by name.",
    resolve: (query, _root, _args, ctx) => ctx.db.channel.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
);
