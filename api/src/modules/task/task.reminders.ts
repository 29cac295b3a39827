/**
 * Task reminders (issue 6 §5): each reminder of a task with a due date fires
 * once, durably, as a notification. `planTaskReminders` runs in the
 * transaction of every task change and keeps exactly one `task.reminder` job
 * per reminder that is still ahead (singleton key: task, kind, due date,
 * offset), deleting the stale ones. Kinds:
 * - BEFORE: `remindBeforeSeconds` before dueAt, to the `notify` targets
 *   (ASSIGNEE, CREATOR);
 * - OVERDUE: at dueAt, to the assignee (the creator when unassigned);
 * - OVERDUE_LEAD: a day after dueAt, to the team leads of the assignee's teams
 *   (every team lead when the assignee is in no team).
 * The handler fires only while the task is open with the same due date, and at
 * most once per reminder (a notification carries its reminder key).
 */
import { z } from 'zod';
import type { Prisma, Task } from '../../generated/prisma/client.js';
import type { Tx } from '../../db/tenant.js';
import { JOB } from '../../jobs/names.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext } from '../../shared/context.js';
import { writeAudit } from '../audit/audit.service.js';
import { notify, publishNotifications, teamLeadIds } from '../notification/notification.service.js';

/** Who a BEFORE reminder notifies. */
export const TASK_REMINDER_TARGETS = ['ASSIGNEE', 'CREATOR'] as const;
export type TaskReminderTarget = (typeof TASK_REMINDER_TARGETS)[number];

/** Typed `Task.reminderSettings`: offsets before dueAt in seconds (≤ 30 days, ≤ 10 of them) and who is told. */
export interface TaskReminderSettings {
  remindBeforeSeconds: number[];
  notify: TaskReminderTarget[];
}

/** Validation of reminder settings given by a client. */
export const taskReminderSettingsSchema = z
  .object({
    remindBeforeSeconds: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(30 * 86_400),
      )
      .max(10)
      .nullish(),
    notify: z.array(z.enum(TASK_REMINDER_TARGETS)).max(2).nullish(),
  })
  .strict();

/** Seconds after dueAt at which the team lead hears of an overdue task. */
export const OVERDUE_LEAD_AFTER_SECONDS = 86_400;

/**
 * Reads stored settings, also the older shape `{ remindBeforeMinutes, channels }`
 * (minutes become seconds). Missing notify = [ASSIGNEE].
 */
export function reminderSettingsOf(json: unknown): TaskReminderSettings {
  const v = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const nums = (x: unknown) => (Array.isArray(x) ? x.filter((n): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0) : []);
  const seconds = Array.isArray(v.remindBeforeSeconds) ? nums(v.remindBeforeSeconds) : nums(v.remindBeforeMinutes).map((m) => m * 60);
  const notify = Array.isArray(v.notify) ? v.notify.filter((t): t is TaskReminderTarget => (TASK_REMINDER_TARGETS as readonly unknown[]).includes(t)) : [];
  return { remindBeforeSeconds: [...new Set(seconds)].sort((a, b) => b - a), notify: notify.length ? notify : ['ASSIGNEE'] };
}

/** Stored form of validated settings. */
export function storedReminderSettings(input: z.infer<typeof taskReminderSettingsSchema> | null | undefined): Prisma.InputJsonValue {
  if (!input) return {};
  return { remindBeforeSeconds: [...new Set(input.remindBeforeSeconds ?? [])], notify: input.notify?.length ? [...new Set(input.notify)] : ['ASSIGNEE'] };
}

type ReminderKind = 'BEFORE' | 'OVERDUE' | 'OVERDUE_LEAD';
const OPEN = ['OPEN', 'IN_PROGRESS', 'WAITING'];

/** Payload of a `task.reminder` job. */
export interface TaskReminderPayload {
  organizationId: string;
  taskId: string;
  kind: ReminderKind;
  /** BEFORE: the offset in seconds. */
  seconds?: number;
  /** ISO instant: the task's due date when planned. */
  dueAt: string;
}

const reminderKey = (p: Pick<TaskReminderPayload, 'taskId' | 'kind' | 'seconds' | 'dueAt'>) => `task:${p.taskId}:${p.kind}:${new Date(p.dueAt).getTime()}:${p.seconds ?? 0}`;

/** Makes the queued reminder jobs of `task` exactly those still ahead of now (call in the task change's transaction). */
export async function planTaskReminders(ctx: HubContext, tx: Tx, task: Task): Promise<void> {
  const wanted = new Map<string, { runAt: Date; payload: TaskReminderPayload }>();
  const now = ctx.deps.clock.now().getTime();
  if (task.dueAt && OPEN.includes(task.status)) {
    const due = task.dueAt.getTime();
    const plan = (kind: ReminderKind, at: number, seconds?: number) => {
      if (at < now - 60_000) return; // long past: no late reminder storm
      const payload: TaskReminderPayload = {
        organizationId: task.organizationId,
        taskId: task.id,
        kind,
        dueAt: task.dueAt!.toISOString(),
        ...(seconds !== undefined ? { seconds } : {}),
      };
      wanted.set(reminderKey(payload), { runAt: new Date(Math.max(at, now)), payload });
    };
    for (const s of reminderSettingsOf(task.reminderSettings).remindBeforeSeconds) if (s > 0) plan('BEFORE', due - s * 1000, s);
    plan('OVERDUE', due);
    plan('OVERDUE_LEAD', due + OVERDUE_LEAD_AFTER_SECONDS * 1000);
  }
  await tx.$executeRawUnsafe(
    `DELETE FROM "Job" WHERE queue = $1 AND status = 'QUEUED' AND payload->>'taskId' = $2 AND NOT ("singletonKey" = ANY($3::text[]))`,
    JOB.taskReminder,
    task.id,
    [...wanted.keys()],
  );
  for (const [key, job] of wanted) await ctx.deps.jobs.add(tx, JOB.taskReminder, job.payload as unknown as Record<string, unknown>, { runAt: job.runAt, singletonKey: key });
}

const duration = (s: number) => (s % 86_400 === 0 ? `${s / 86_400} d` : s % 3600 === 0 ? `${s / 3600} h` : `${Math.round(s / 60)} min`);

/** Fires one reminder (the `task.reminder` job handler); returns the notified user ids (empty when nothing fired). */
export async function fireTaskReminder(deps: AppDeps, payload: TaskReminderPayload): Promise<string[]> {
  const ctx = systemContext(deps, payload.organizationId);
  const key = reminderKey(payload);
  const result = await ctx.db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT id FROM "Task" WHERE id = $1::uuid FOR UPDATE`, payload.taskId);
    const task = await tx.task.findUnique({ where: { id: payload.taskId } });
    if (!task?.dueAt || !OPEN.includes(task.status) || task.dueAt.toISOString() !== new Date(payload.dueAt).toISOString()) return null;
    if (await tx.notification.findFirst({ where: { taskId: task.id, kind: 'TASK_REMINDER', data: { path: ['reminderKey'], equals: key } } })) return null;
    let users: string[] = [];
    let title: string;
    if (payload.kind === 'BEFORE') {
      const targets = reminderSettingsOf(task.reminderSettings).notify;
      if (targets.includes('ASSIGNEE') && task.assigneeId) users.push(task.assigneeId);
      if (targets.includes('CREATOR') && task.creatorId) users.push(task.creatorId);
      title = `Task due in ${duration(payload.seconds ?? 0)}: ${task.title}`;
    } else if (payload.kind === 'OVERDUE') {
      users = [task.assigneeId ?? task.creatorId].filter((u): u is string => !!u);
      title = `Task overdue: ${task.title}`;
    } else {
      users = await teamLeadIds(tx, { memberId: task.assigneeId });
      title = `Task overdue for a day: ${task.title}`;
    }
    const rows = await notify(ctx, tx, users, {
      kind: 'TASK_REMINDER',
      title,
      taskId: task.id,
      threadId: task.threadId,
      data: { reminderKey: key, kind: payload.kind, dueAt: payload.dueAt, ...(payload.seconds !== undefined ? { remindBeforeSeconds: payload.seconds } : {}) },
    });
    await writeAudit(ctx, tx, {
      action: 'task.remind',
      entityType: 'Task',
      entityId: task.id,
      after: { kind: payload.kind, remindBeforeSeconds: payload.seconds ?? null, dueAt: payload.dueAt, recipientIds: [...new Set(users)] },
    });
    return rows;
  });
  if (!result) return [];
  publishNotifications(deps, result);
  return result.map((n) => n.userId);
}
