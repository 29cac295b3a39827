/**
 * Tasks: follow-ups, callbacks, visits ... optionally tied to a thread.
 */
import { syncTaskReport } from '../analytics/report.js';
import { z } from 'zod';
import type { Prisma, Task } from '../../generated/prisma/client.js';
import { Priority, TaskStatus, TaskType } from '../../generated/prisma/enums.js';
import { NO_MATCH_ID, type HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { withoutUndefined } from '../../shared/objects.js';
import { assertReferences } from '../../shared/references.js';
import { writeAudit, diff } from '../audit/audit.service.js';
import { mayEditTask } from '../auth/permissions.js';
import { publishThreadUpdated } from '../thread/thread.service.js';
import { planTaskReminders, storedReminderSettings, taskReminderSettingsSchema } from './task.reminders.js';

const OPEN_STATUSES = ['OPEN', 'IN_PROGRESS', 'WAITING'] as const;

const fields = {
  title: z.string().trim().min(1, 'Title is required.').max(200),
  description: z.string().trim().max(10_000).nullish(),
  type: z.enum(TaskType).nullish(),
  priority: z.enum(Priority).nullish(),
  assigneeId: z.string().nullish(),
  threadId: z.string().nullish(),
  orderReference: z.string().trim().max(100).nullish(),
  dueAt: z.date().nullish(),
  reminderSettings: taskReminderSettingsSchema.nullish(),
};
export const CreateTaskInput = z.object(fields);
export const UpdateTaskInput = z.object({ ...fields, status: z.enum(TaskStatus).nullish() }).partial();

export interface TaskFilter {
  status?: TaskStatus[] | null;
  assigneeId?: string | null;
  mine?: boolean | null;
  threadId?: string | null;
  overdue?: boolean | null;
  /** Only tasks due before this instant. */
  dueBefore?: Date | null;
}

export function taskWhere(ctx: HubContext, f: TaskFilter = {}): Prisma.TaskWhereInput {
  const and: Prisma.TaskWhereInput[] = [];
  if (f.status?.length) and.push({ status: { in: f.status } });
  if (f.assigneeId) and.push({ assigneeId: f.assigneeId });
  if (f.mine) and.push({ assigneeId: ctx.viewer?.id ?? NO_MATCH_ID });
  if (f.threadId) and.push({ threadId: f.threadId });
  if (f.overdue === true) and.push({ dueAt: { lt: ctx.deps.clock.now() }, status: { in: [...OPEN_STATUSES] } });
  if (f.overdue === false) and.push({ OR: [{ dueAt: null }, { dueAt: { gte: ctx.deps.clock.now() } }, { status: { notIn: [...OPEN_STATUSES] } }] });
  if (f.dueBefore) and.push({ dueAt: { lt: f.dueBefore } });
  return and.length ? { AND: and } : {};
}

async function afterTaskChange(ctx: HubContext, task: Task) {
  if (task.threadId) await publishThreadUpdated(ctx, task.threadId, ['tasks']);
}

/** Creates a task (assigned to the viewer when no assignee is given). Errors: VALIDATION_FAILED, NOT_FOUND. */
export async function createTask(ctx: HubContext, raw: z.input<typeof CreateTaskInput>): Promise<{ task: Task }> {
  const input = CreateTaskInput.parse(raw);
  const task = await ctx.db.$transaction(async (tx) => {
    await assertReferences(tx, input);
    const task = await tx.task.create({
      data: {
        organizationId: ctx.organizationId,
        title: input.title,
        description: input.description ?? null,
        type: input.type ?? 'OTHER',
        priority: input.priority ?? 'NORMAL',
        // API keys are no users: a key's task has no creator and no default assignee.
        assigneeId: input.assigneeId === undefined ? ctx.actor.userId : input.assigneeId,
        creatorId: ctx.actor.userId,
        threadId: input.threadId ?? null,
        orderReference: input.orderReference ?? null,
        dueAt: input.dueAt ?? null,
        reminderSettings: storedReminderSettings(input.reminderSettings),
      },
    });
    await writeAudit(ctx, tx, { action: 'task.create', entityType: 'Task', entityId: task.id, after: task });
    await planTaskReminders(ctx, tx, task);
    return task;
  });
  await afterTaskChange(ctx, task);
  return { task };
}

/** The task rule of the permission matrix (TASK_OWNERSHIP in modules/auth/permissions.ts). */
function assertMayEdit(ctx: HubContext, task: Task) {
  if (!mayEditTask(ctx.viewer, task)) {
    throw new DomainError('FORBIDDEN', 'An agent may only change tasks they created or are assigned to.', 'input.taskId');
  }
}

/** Updates a task; completing through status sets completedAt. Errors: NOT_FOUND, FORBIDDEN, VALIDATION_FAILED. */
export async function updateTask(ctx: HubContext, id: string, raw: z.input<typeof UpdateTaskInput>): Promise<{ task: Task }> {
  const input = UpdateTaskInput.parse(raw);
  const task = await ctx.db.$transaction(async (tx) => {
    const before = await tx.task.findUnique({ where: { id } });
    if (!before) throw notFound('Task', 'input.taskId');
    assertMayEdit(ctx, before);
    await assertReferences(tx, input);
    if (input.title === null) throw new DomainError('VALIDATION_FAILED', 'Title is required.', 'input.title');
    const data = withoutUndefined(input) as Prisma.TaskUncheckedUpdateInput;
    for (const k of ['type', 'priority', 'status'] as const) if (data[k] === null) delete data[k];
    if (input.reminderSettings !== undefined) data.reminderSettings = storedReminderSettings(input.reminderSettings);
    if (input.status && input.status !== before.status) data.completedAt = input.status === 'COMPLETED' ? ctx.deps.clock.now() : null;
    const task = await tx.task.update({ where: { id }, data });
    await writeAudit(ctx, tx, { action: 'task.update', entityType: 'Task', entityId: id, ...diff(before, task) });
    await planTaskReminders(ctx, tx, task);
    await syncTaskReport(ctx, tx, before, task);
    return task;
  });
  await afterTaskChange(ctx, task);
  return { task };
}

/** Marks a task COMPLETED with optional notes. Errors: NOT_FOUND, FORBIDDEN, CONFLICT (already completed or cancelled). */
export async function completeTask(ctx: HubContext, id: string, completionNotes?: string | null): Promise<{ task: Task }> {
  const task = await ctx.db.$transaction(async (tx) => {
    const before = await tx.task.findUnique({ where: { id } });
    if (!before) throw notFound('Task', 'input.taskId');
    assertMayEdit(ctx, before);
    if (before.status === 'COMPLETED' || before.status === 'CANCELLED') {
      throw new DomainError('CONFLICT', `The task is already ${before.status.toLowerCase()}.`, 'input.taskId');
    }
    const task = await tx.task.update({
      where: { id },
      data: { status: 'COMPLETED', completedAt: ctx.deps.clock.now(), completionNotes: completionNotes?.trim() || null },
    });
    await writeAudit(ctx, tx, { action: 'task.complete', entityType: 'Task', entityId: id, ...diff(before, task) });
    await planTaskReminders(ctx, tx, task);
    await syncTaskReport(ctx, tx, before, task);
    return task;
  });
  await afterTaskChange(ctx, task);
  return { task };
}
