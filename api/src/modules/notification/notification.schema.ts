/**
 * Notifications of the viewer: `notifications(first, after, unreadOnly)`,
 * `markNotificationsRead(ids)` and the `notificationAdded` subscription. A user
 * only ever reads their own (node lookups included).
 */
import { builder, assertPageSize } from '../../schema/builder.js';
import { decodeId, PER_VIEWER, runMutation, UserError, type UserErrorShape } from '../../schema/common.js';
import { DomainError } from '../../shared/errors.js';
import { NotificationKindEnum } from '../../schema/enums.js';
import { NO_MATCH_ID, type HubContext } from '../../shared/context.js';
import { can } from '../auth/permissions.js';
import { markNotificationsRead } from './notification.service.js';

const ownUserId = (ctx: HubContext) => (ctx.viewer?.kind === 'USER' ? ctx.viewer.id : NO_MATCH_ID);

builder.prismaNode('Notification', {
  id: { field: 'id' },
  // One user's (http/shared-subscriptions.ts).
  extensions: { [PER_VIEWER]: true },
  authScopes: can('Notification'),
  nullable: true, // another user's notification loads as null
  // A user finds only their own; other viewers load the row and are refused by the type's rule (FORBIDDEN).
  findUnique: (id, ctx) => (ctx.viewer?.kind === 'USER' ? { id, userId: ctx.viewer.id } : { id }),
  description: 'Something the viewer should see: an SLA alert, an assignment, a task reminder, a mention.',
  fields: (t) => ({
    kind: t.expose('kind', { type: NotificationKindEnum }),
    title: t.exposeString('title'),
    body: t.exposeString('body', { nullable: true }),
    thread: t.prismaField({
      type: 'Thread',
      nullable: true,
      description: 'The thread it is about, if any (null when deleted).',
      select: { threadId: true },
      resolve: (query, n, _args, ctx) => (n.threadId ? ctx.db.thread.findFirst({ ...query, where: { id: n.threadId, deletedAt: null } }) : null),
    }),
    taskId: t.exposeString('taskId', { nullable: true, description: 'Database id of the task it is about (TASK_REMINDER).' }),
    data: t.expose('data', { type: 'JSON', description: 'Kind-specific fields, e.g. { action, target, percentUsed, dueAt } for SLA_ALERT.' }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('notifications', (t) =>
  t.prismaConnection(
    {
      authScopes: can('notifications'),
      type: 'Notification',
      nullable: false,
      cursor: 'id',
      description: "The viewer's notifications, newest first; only unread ones with unreadOnly.",
      args: { unreadOnly: t.arg.boolean({ defaultValue: false }) },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.notification.findMany({
          ...query,
          where: { userId: ownUserId(ctx), ...(args.unreadOnly ? { readAt: null } : {}) },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        });
      },
      totalCount: (_root, args, ctx) => ctx.db.notification.count({ where: { userId: ownUserId(ctx), ...(args.unreadOnly ? { readAt: null } : {}) } }),
    },
    {
      name: 'NotificationConnection',
      fields: (t) => ({
        unreadCount: t.int({
          description: "The viewer's unread notifications.",
          resolve: (_c, _a, ctx) => ctx.db.notification.count({ where: { userId: ownUserId(ctx), readAt: null } }),
        }),
      }),
    },
    { name: 'NotificationEdge' },
  ),
);

const MarkNotificationsReadPayload = builder.objectRef<{ count?: number; errors: UserErrorShape[] }>('MarkNotificationsReadPayload').implement({
  fields: (t) => ({
    count: t.int({ nullable: true, description: "How many of the viewer's notifications became read (null on error).", resolve: (p) => p.count ?? null }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

builder.mutationField('markNotificationsRead', (t) =>
  t.field({
    type: MarkNotificationsReadPayload,
    authScopes: can('markNotificationsRead'),
    description: "Marks the viewer's notifications read: those of `ids` (at most 500; others' ids are ignored), or all unread when `ids` is empty.",
    args: { ids: t.arg.idList({ required: true }) },
    resolve: (_root, args, ctx) =>
      runMutation(async () => {
        if (args.ids.length > 500) throw new DomainError('VALIDATION_FAILED', 'At most 500 ids at once.', 'ids');
        const ids = args.ids.map((id, i) => decodeId('Notification', String(id), `ids.${i}`));
        return { count: await markNotificationsRead(ctx, ids) };
      }, ''),
  }),
);

builder.subscriptionField('notificationAdded', (t) =>
  t.prismaField({
    authScopes: can('notificationAdded'),
    type: 'Notification',
    description: "The viewer's new notifications as they are created (SLA alerts, assignments, task reminders, mentions).",
    subscribe: (_root, _args, ctx) => {
      const userId = ownUserId(ctx);
      return ctx.deps.pubsub.subscribeWhere('notificationAdded', ctx.organizationId, (e) => e.userId === userId) as never;
    },
    resolve: (query, event, _args, ctx) => ctx.db.notification.findUniqueOrThrow({ ...query, where: { id: (event as unknown as { notificationId: string }).notificationId } }),
  }),
);
