import { builder, assertPageSize } from '../../schema/builder.js';
import { ActorTypeEnum } from '../../schema/enums.js';
import { can } from '../auth/permissions.js';
import { uuidOfAnyId } from '../../schema/common.js';

builder.prismaNode('AuditLog', {
  id: { field: 'id' },
  authScopes: can('AuditLog'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'One recorded change: who did what to which record, with before/after values.',
  fields: (t) => ({
    actorType: t.expose('actorType', { type: ActorTypeEnum }),
    actor: t.relation('actor', { nullable: true }),
    action: t.exposeString('action', {
      description: '`<entity>.<verb>` in the present tense, e.g. "thread.update", "user.refuseLogin"; the full list with meanings is in api/src/modules/audit/actions.ts.',
    }),
    entityType: t.exposeString('entityType'),
    entityId: t.exposeString('entityId', { description: 'Database id (uuid) of the changed record.' }),
    changes: t.expose('changes', { type: 'JSON', description: '{ before, after } with only the changed fields.' }),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** The filter of auditLogs: entityId as a uuid or a global id (whose type then fills entityType). */
function auditWhere(args: { entityType?: string | null; entityId?: string | number | null }) {
  const entity = args.entityId != null ? uuidOfAnyId(String(args.entityId)) : null;
  return { entityType: args.entityType ?? entity?.typename ?? undefined, entityId: entity?.id };
}

builder.queryField('auditLogs', (t) =>
  t.prismaConnection(
    {
      type: 'AuditLog',
      nullable: false,
      cursor: 'id',
      description: 'The audit trail, newest first. Managers and admins only.',
      authScopes: can('auditLogs'),
      args: {
        entityType: t.arg.string({ description: 'e.g. "Thread"' }),
        entityId: t.arg.id({
          description: 'Database id (uuid) or global id (e.g. a Thread id as the API returns it) of the record; a global id also sets entityType unless given.',
        }),
      },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.auditLog.findMany({ ...query, where: auditWhere(args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
      },
      totalCount: (_root, args, ctx) => ctx.db.auditLog.count({ where: auditWhere(args) }),
    },
    { name: 'AuditLogConnection' },
    { name: 'AuditLogEdge' },
  ),
);
