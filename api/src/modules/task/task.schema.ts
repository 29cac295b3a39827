import { builder, assertPageSize } from '../../schema/builder.js';
import { payloadType, decodeFilterId, decodeId, decodeOptionalId, runMutation } from '../../schema/common.js';
import { PriorityEnum, TaskStatusEnum, TaskTypeEnum } from '../../schema/enums.js';
import { completeTask, createTask, taskWhere, updateTask, type TaskFilter } from './task.service.js';
import { can } from '../auth/permissions.js';
import { reminderSettingsOf, TASK_REMINDER_TARGETS, type TaskReminderSettings } from './task.reminders.js';

const TaskReminderTargetEnum = builder.enumType('TaskReminderTarget', {
  description: 'Who a reminder before the due date notifies: the assignee, the creator.',
  values: TASK_REMINDER_TARGETS,
});
const TaskReminderSettingsRef = builder.objectRef<TaskReminderSettings>('TaskReminderSettings').implement({
  fields: (t) => ({
    remindBeforeSeconds: t.exposeIntList('remindBeforeSeconds', { description: 'Offsets before dueAt at which a reminder fires, in seconds, largest first.' }),
    notify: t.field({ type: [TaskReminderTargetEnum], resolve: (s) => s.notify }),
  }),
});
const TaskReminderSettingsInputRef = builder.inputType('TaskReminderSettingsInput', {
  fields: (t) => ({
    remindBeforeSeconds: t.intList({ description: 'Offsets before dueAt in seconds (0–2,592,000, at most 10).' }),
    notify: t.field({ type: [TaskReminderTargetEnum], description: 'Default [ASSIGNEE].' }),
  }),
});

export const TaskNode = builder.prismaNode('Task', {
  id: { field: 'id' },
  authScopes: can('Task'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'A piece of work for an agent, optionally about a thread.',
  fields: (t) => ({
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    type: t.expose('type', { type: TaskTypeEnum }),
    priority: t.expose('priority', { type: PriorityEnum }),
    status: t.expose('status', { type: TaskStatusEnum }),
    assignee: t.relation('assignee', { nullable: true }),
    creator: t.relation('creator', { nullable: true }),
    thread: t.relation('thread', { nullable: true }),
    orderReference: t.exposeString('orderReference', { nullable: true }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    completionNotes: t.exposeString('completionNotes', { nullable: true }),
    reminderSettings: t.field({
      type: TaskReminderSettingsRef,
      description: 'When reminders fire before dueAt and whom they notify; an overdue task also alerts its assignee at dueAt and the team lead a day later.',
      select: { reminderSettings: true },
      resolve: (task) => reminderSettingsOf(task.reminderSettings),
    }),
    overdue: t.boolean({
      description: 'true when dueAt has passed and the task is not completed or cancelled.',
      select: { dueAt: true, status: true },
      resolve: (task, _a, ctx) => !!task.dueAt && task.dueAt < ctx.deps.clock.now() && !['COMPLETED', 'CANCELLED'].includes(task.status),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const TaskFilterRef = builder.inputType('TaskFilter', {
  fields: (t) => ({
    status: t.field({ type: [TaskStatusEnum] }),
    assigneeId: t.id(),
    mine: t.boolean(),
    threadId: t.id(),
    overdue: t.boolean({ description: 'true: open tasks past dueAt; false: all others.' }),
    dueBefore: t.field({ type: 'DateTime', description: 'Only tasks due before this instant.' }),
  }),
});

function decodeTaskFilter(f: typeof TaskFilterRef.$inferInput | null | undefined): TaskFilter {
  if (!f) return {};
  return { ...f, assigneeId: decodeFilterId('User', f.assigneeId, 'filter.assigneeId'), threadId: decodeFilterId('Thread', f.threadId, 'filter.threadId') };
}

builder.queryField('tasks', (t) =>
  t.prismaConnection(
    {
      authScopes: can('tasks'),
      type: 'Task',
      nullable: false,
      cursor: 'id',
      description: 'Tasks by due date (undated last).',
      args: { filter: t.arg({ type: TaskFilterRef }) },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.task.findMany({
          ...query,
          where: taskWhere(ctx, decodeTaskFilter(args.filter)),
          orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
        });
      },
      totalCount: (_root, args, ctx) => ctx.db.task.count({ where: taskWhere(ctx, decodeTaskFilter(args.filter)) }),
    },
    { name: 'TaskConnection' },
    { name: 'TaskEdge' },
  ),
);

const TaskPayload = payloadType('TaskPayload', 'task', TaskNode);

const CreateTaskInputRef = builder.inputType('CreateTaskInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    description: t.string(),
    type: t.field({ type: TaskTypeEnum }),
    priority: t.field({ type: PriorityEnum }),
    assigneeId: t.id({ description: 'Defaults to the viewer.' }),
    threadId: t.id(),
    orderReference: t.string(),
    dueAt: t.field({ type: 'DateTime' }),
    reminderSettings: t.field({ type: TaskReminderSettingsInputRef }),
  }),
});

const UpdateTaskInputRef = builder.inputType('UpdateTaskInput', {
  fields: (t) => ({
    taskId: t.id({ required: true }),
    title: t.string(),
    description: t.string(),
    type: t.field({ type: TaskTypeEnum }),
    priority: t.field({ type: PriorityEnum }),
    status: t.field({ type: TaskStatusEnum }),
    assigneeId: t.id(),
    threadId: t.id(),
    orderReference: t.string(),
    dueAt: t.field({ type: 'DateTime' }),
    reminderSettings: t.field({ type: TaskReminderSettingsInputRef, description: 'Replaces the settings; null clears them (overdue alerts stay).' }),
  }),
});

const CompleteTaskInputRef = builder.inputType('CompleteTaskInput', {
  fields: (t) => ({ taskId: t.id({ required: true }), completionNotes: t.string() }),
});

builder.mutationFields((t) => ({
  createTask: t.field({
    authScopes: can('createTask'),
    type: TaskPayload,
    description: 'Creates a task. Errors: VALIDATION_FAILED, NOT_FOUND (assignee, thread).',
    args: { input: t.arg({ type: CreateTaskInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() =>
        createTask(ctx, {
          ...(input as object),
          assigneeId: decodeOptionalId('User', input.assigneeId as string, 'input.assigneeId'),
          threadId: decodeOptionalId('Thread', input.threadId as string, 'input.threadId'),
        } as never),
      ),
  }),
  updateTask: t.field({
    authScopes: can('updateTask'),
    type: TaskPayload,
    description: 'Updates a task; an AGENT only a task they created or are assigned to. Errors: NOT_FOUND, FORBIDDEN, VALIDATION_FAILED.',
    args: { input: t.arg({ type: UpdateTaskInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { taskId, ...rest } = input;
        return updateTask(ctx, decodeId('Task', String(taskId), 'input.taskId'), {
          ...(rest as object),
          assigneeId: decodeOptionalId('User', rest.assigneeId as string, 'input.assigneeId'),
          threadId: decodeOptionalId('Thread', rest.threadId as string, 'input.threadId'),
        } as never);
      }),
  }),
  completeTask: t.field({
    authScopes: can('completeTask'),
    type: TaskPayload,
    description: 'Completes a task; an AGENT only a task they created or are assigned to. Errors: NOT_FOUND, FORBIDDEN, CONFLICT (already completed or cancelled).',
    args: { input: t.arg({ type: CompleteTaskInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => completeTask(ctx, decodeId('Task', String(input.taskId), 'input.taskId'), input.completionNotes)),
  }),
}));
