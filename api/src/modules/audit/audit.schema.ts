import { builder, assertPageSize } from '../../schema/builder.js';
import { ActorTypeEnum } from '../../schema/enums.js';

builder.prismaNode('AuditLog', {
  id: { field: 'id' },
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'One recorded change: who did what to which record, with before/after values.',
  fields: (t) => ({
    actorType: t.expose('actorType', { type: ActorTypeEnum }),
    actor: t.relation('actor', { nullable: true }),
    action: t.exposeString('action', { description: 'Dotted verb, e.g. "thread.update".' }),
    entityType: t.exposeString('entityType'),
    entityId: t.exposeString('entityId', { description: 'Database id (uuid) of the changed record.' }),
    changes: t.expose('changes', { type: 'JSON', description: '{ before, after } with only the changed fields.' }),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('auditLogs', (t) =>
  t.prismaConnection({
    type: 'AuditLog',
    nullable: false,
    cursor: 'id',
    description: 'The audit trail, newest first. Managers and admins only.',
    authScopes: { manager: true },
    args: {
      entityType: t.arg.string({ description: 'e.g. "Thread"' }),
      entityId: t.arg.id({ description: 'Database id (uuid) or global id of the record.' }),
    },
    resolve: (query, _root, args, ctx) => {
      assertPageSize(args);
      return ctx.db.auditLog.findMany({
        ...query,
        where: { entityType: args.entityType ?? undefined, entityId: args.entityId ? String(args.entityId) : undefined },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
    },
    totalCount: (_root, args, ctx) =>
      ctx.db.auditLog.count({ where: { entityType: args.entityType ?? undefined, entityId: args.entityId ? String(args.entityId) : undefined } }),
  },
    { name: 'AuditLogConnection' },
    { name: 'AuditLogEdge' },
  ),
);
