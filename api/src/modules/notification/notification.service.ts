/**
 * Notifications: what a user should see (SLA alerts, assignments, task
 * reminders, mentions). Rows are written inside the caller's transaction with
 * `notify`; after the commit the caller hands the rows to `publishNotifications`,
 * which feeds each recipient's `notificationAdded` subscription.
 */
import type { Notification, NotificationKind } from '../../generated/prisma/client.js';
import type { Tx, TenantDb } from '../../db/tenant.js';
import type { AppDeps } from '../../shared/app.js';
import type { HubContext } from '../../shared/context.js';

export interface NotificationInput {
  kind: NotificationKind;
  /** One line, e.g. "SLA 90 %: first response due 14:30". At most 200 characters (cut). */
  title: string;
  body?: string | null;
  threadId?: string | null;
  taskId?: string | null;
  slaEventId?: string | null;
  /** Kind-specific fields, e.g. { action, target, percentUsed }. */
  data?: Record<string, unknown>;
}

/**
 * Creates one notification per distinct user id (none for an empty list) in
 * `tx`, the caller's transaction; returns the rows for publishNotifications.
 */
export async function notify(ctx: HubContext, tx: Tx | TenantDb, userIds: readonly string[], input: NotificationInput): Promise<Notification[]> {
  const users = [...new Set(userIds)];
  if (users.length === 0) return [];
  return tx.notification.createManyAndReturn({
    data: users.map((userId) => ({
      organizationId: ctx.organizationId,
      userId,
      kind: input.kind,
      title: input.title.slice(0, 200),
      body: input.body?.slice(0, 2000) ?? null,
      threadId: input.threadId ?? null,
      taskId: input.taskId ?? null,
      slaEventId: input.slaEventId ?? null,
      data: (input.data ?? {}) as object,
    })),
  });
}

/**
 * Active TEAM_LEAD users of a team (`teamId`) or of the teams a user belongs to
 * (`memberId`); every active team lead of the organization when that finds none
 * or neither is given. Returns user ids.
 */
export async function teamLeadIds(tx: Tx | TenantDb, of: { teamId?: string | null; memberId?: string | null }): Promise<string[]> {
  const scope = of.teamId
    ? { teamMemberships: { some: { teamId: of.teamId } } }
    : of.memberId
      ? { teamMemberships: { some: { team: { members: { some: { userId: of.memberId } } } } } }
      : null;
  const leads = scope ? await tx.user.findMany({ where: { role: 'TEAM_LEAD', isActive: true, ...scope }, select: { id: true } }) : [];
  const all = leads.length ? leads : await tx.user.findMany({ where: { role: 'TEAM_LEAD', isActive: true }, select: { id: true } });
  return all.map((u) => u.id);
}

/** Publishes created notifications (call after the transaction that wrote them committed). */
export function publishNotifications(deps: AppDeps, rows: readonly Notification[]): void {
  for (const n of rows) deps.pubsub.publish('notificationAdded', n.organizationId, { notificationId: n.id, userId: n.userId });
}

/**
 * Marks the viewer's notifications read (ids of other users' notifications are
 * ignored); returns how many changed. `ids` empty: all of the viewer's unread.
 */
export async function markNotificationsRead(ctx: HubContext, ids: readonly string[]): Promise<number> {
  const userId = ctx.viewer?.kind === 'USER' ? ctx.viewer.id : null;
  if (!userId) return 0;
  const res = await ctx.db.notification.updateMany({
    where: { userId, readAt: null, ...(ids.length ? { id: { in: [...ids] } } : {}) },
    data: { readAt: ctx.deps.clock.now() },
  });
  return res.count;
}
