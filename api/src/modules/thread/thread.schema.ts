import { builder, assertPageSize } from '../../schema/builder.js';
import { payloadType, decodeFilterId, decodeId, decodeOptionalId, runMutation } from '../../schema/common.js';
import { ChannelTypeEnum, PriorityEnum, ThreadStatusEnum, ThreadTypeEnum } from '../../schema/enums.js';
import { adapterFor } from '../../channels/registry.js';
import { SLA_RUNNING_STATUSES, assignThread, countThreads, createThread, threadOrderBy, threadWhere, updateThread, type ThreadFilter } from './thread.service.js';
import { can } from '../auth/permissions.js';

export const ThreadNode = builder.prismaNode('Thread', {
  id: { field: 'id' },
  authScopes: can('Thread'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'A conversation with a customer (or an internal one), on one channel.',
  fields: (t) => ({
    subject: t.exposeString('subject'),
    type: t.expose('type', { type: ThreadTypeEnum }),
    priority: t.expose('priority', { type: PriorityEnum }),
    status: t.expose('status', { type: ThreadStatusEnum }),
    channel: t.relation('channel'),
    customer: t.relation('customer', { nullable: true }),
    assignee: t.relation('assignee', { nullable: true }),
    team: t.relation('team', { nullable: true }),
    creator: t.relation('creator', { nullable: true }),
    lastMessage: t.relation('lastMessage', { nullable: true, description: 'The newest message, for the inbox preview.' }),
    orderReference: t.exposeString('orderReference', { nullable: true }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime' }),
    lastInboundAt: t.expose('lastInboundAt', { type: 'DateTime', nullable: true, description: 'When the customer last wrote.' }),
    firstResponseAt: t.expose('firstResponseAt', { type: 'DateTime', nullable: true, description: "Time of the team's first reply." }),
    responseDueAt: t.expose('responseDueAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the next reply to the customer is due (SLA); null when none is owed.',
    }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    overdue: t.boolean({
      description:
        'true when a running SLA clock is past its due date (an SLA breach now). Never for threads waiting on the customer, resolved or closed. Threads without an SLA policy: their plain responseDueAt passed.',
      select: { responseDueAt: true, status: true, slaDueAt: true, slaPolicyId: true },
      resolve: (th, _a, ctx) => {
        const now = ctx.deps.clock.now();
        if (!SLA_RUNNING_STATUSES.includes(th.status)) return false;
        return th.slaDueAt ? th.slaDueAt <= now : !th.slaPolicyId && !!th.responseDueAt && th.responseDueAt < now;
      },
    }),
    replyWindowExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        "End of the channel's free-form reply window (WhatsApp: lastInboundAt + 24 h). Null on channels without a window or when the customer never wrote; free-form replies after it fail with the provider's code (WHATSAPP_WINDOW_CLOSED).",
      select: { lastInboundAt: true, channel: { select: { type: true } } },
      resolve: (th) => replyWindowEnd(th),
    }),
    whatsappWindowExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      deprecationReason: 'Use replyWindowExpiresAt (every channel with a reply window).',
      select: { lastInboundAt: true, channel: { select: { type: true } } },
      resolve: (th) => replyWindowEnd(th),
    }),
    tags: t.exposeStringList('tags'),
    externalReferences: t.expose('externalReferences', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    messages: t.relatedConnection(
      'messages',
      {
        nullable: false,
        cursor: 'id',
        totalCount: true,
        description: 'Messages oldest first; use `last` for the newest page.',
        query: (args) => {
          assertPageSize(args);
          return { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] };
        },
      },
      { name: 'MessageConnection' },
      { name: 'MessageEdge' },
    ),
    tasks: t.relatedConnection('tasks', {
      nullable: false,
      cursor: 'id',
      totalCount: true,
      description: "The thread's tasks, by due date.",
      query: (args) => {
        assertPageSize(args);
        return { orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }] };
      },
    }),
    openTaskCount: t.loadable({
      type: 'Int',
      description: 'Number of OPEN, IN_PROGRESS or WAITING tasks (batched per request with DataLoader).',
      resolve: (th) => th.id,
      load: async (ids: string[], ctx) => {
        const rows = await ctx.db.task.groupBy({
          by: ['threadId'],
          where: { threadId: { in: ids }, status: { in: ['OPEN', 'IN_PROGRESS', 'WAITING'] } },
          _count: { _all: true },
        });
        const byId = new Map(rows.map((r) => [r.threadId, r._count._all]));
        return ids.map((id) => byId.get(id) ?? 0);
      },
    }),
  }),
});

const SlaStateEnum = builder.enumType('SlaState', {
  description:
    'BREACHED: a running SLA clock is past its due date; AT_RISK: a running clock used at least 75 % of its business time, not breached; PAUSED: the clocks wait on the customer (WAITING_CUSTOMER).',
  values: ['AT_RISK', 'BREACHED', 'PAUSED'] as const,
});

const ThreadFilterRef = builder.inputType('ThreadFilter', {
  description: 'Inbox filter; all given conditions must hold.',
  fields: (t) => ({
    status: t.field({ type: [ThreadStatusEnum] }),
    priority: t.field({ type: [PriorityEnum] }),
    channelType: t.field({ type: [ChannelTypeEnum] }),
    assigneeId: t.id(),
    teamId: t.id(),
    mine: t.boolean({ description: 'Only threads assigned to the viewer.' }),
    unassigned: t.boolean(),
    overdue: t.boolean({ description: 'true: only threads with a breached running SLA clock (as sla: BREACHED); false: all others.' }),
    sla: t.field({
      type: [SlaStateEnum],
      description: 'Only threads in any of these SLA states (a single value works too: sla: AT_RISK). The Overdue tab asks for [AT_RISK, BREACHED].',
    }),
    hasOpenTasks: t.boolean(),
    search: t.string({ description: 'Case-insensitive substring of subject, order reference, customer name or any message content.' }),
    customerId: t.id(),
  }),
});

const ThreadOrderEnum = builder.enumType('ThreadOrder', {
  values: ['LAST_MESSAGE_AT_DESC', 'RESPONSE_DUE_AT_ASC', 'PRIORITY_DESC', 'CREATED_AT_DESC'] as const,
});

type FilterArg = typeof ThreadFilterRef.$inferInput | null | undefined;

function decodeFilter(f: FilterArg): ThreadFilter {
  if (!f) return {};
  return {
    ...f,
    assigneeId: decodeFilterId('User', f.assigneeId, 'filter.assigneeId'),
    teamId: decodeFilterId('Team', f.teamId, 'filter.teamId'),
    customerId: decodeFilterId('Customer', f.customerId, 'filter.customerId'),
  };
}

type CountResult = { count: number; exact: boolean };
const counted = new WeakMap<object, Promise<CountResult>>();
/** The connection's count, computed once per connection (totalCount and totalCountIsExact share it). */
function connectionCount(connection: object): Promise<CountResult> {
  let p = counted.get(connection);
  if (!p) {
    const { totalCount } = connection as { totalCount?: number | (() => number | CountResult | Promise<number | CountResult>) };
    p = Promise.resolve(typeof totalCount === 'function' ? totalCount() : (totalCount ?? 0)).then((v) => (typeof v === 'number' ? { count: v, exact: true } : v));
    counted.set(connection, p);
  }
  return p;
}

/** The inbox's connection of threads, shared by `threads` and the analytics drill-down (`Analytics.threads`). */
export const ThreadConnection = builder.connectionObject(
  {
    type: ThreadNode,
    name: 'ThreadConnection',
    fields: (t) => ({
      totalCount: t.int({
        nullable: false,
        description: 'Threads matching, all pages together: exact up to 10,000; beyond, an estimate (then `totalCountIsExact` is false) — see `countThreads`.',
        resolve: async (connection) => (await connectionCount(connection)).count,
      }),
      totalCountIsExact: t.boolean({
        nullable: false,
        description: 'false when more than 10,000 threads match and `totalCount` is an estimate (from how the matches spread over time).',
        resolve: async (connection) => (await connectionCount(connection)).exact,
      }),
    }),
  },
  { name: 'ThreadEdge' },
);

builder.queryField('threads', (t) =>
  t.prismaConnection(
    {
      authScopes: can('threads'),
      type: 'Thread',
      nullable: false,
      cursor: 'id',
      description: 'The inbox: threads of the organization, filtered and ordered. Page size at most 100.',
      args: {
        filter: t.arg({ type: ThreadFilterRef }),
        orderBy: t.arg({ type: ThreadOrderEnum, defaultValue: 'LAST_MESSAGE_AT_DESC' }),
      },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.thread.findMany({ ...query, where: threadWhere(ctx, decodeFilter(args.filter)), orderBy: threadOrderBy(args.orderBy ?? undefined) });
      },
      // countThreads: exact to 10,000, estimated beyond (ThreadConnection reads the pair).
      totalCount: (_root, args, ctx) => countThreads(ctx, threadWhere(ctx, decodeFilter(args.filter))) as unknown as Promise<number>,
    },
    ThreadConnection,
  ),
);

export const ThreadPayload = payloadType('ThreadPayload', 'thread', ThreadNode);

const CreateThreadInputRef = builder.inputType('CreateThreadInput', {
  fields: (t) => ({
    subject: t.string({ required: true }),
    channelId: t.id({ required: true }),
    type: t.field({ type: ThreadTypeEnum }),
    priority: t.field({ type: PriorityEnum }),
    customerId: t.id(),
    assigneeId: t.id(),
    teamId: t.id(),
    orderReference: t.string(),
    tags: t.stringList(),
    initialNote: t.string({ description: 'Optional first internal note.' }),
  }),
});

const UpdateThreadInputRef = builder.inputType('UpdateThreadInput', {
  description: 'Only the fields given change.',
  fields: (t) => ({
    threadId: t.id({ required: true }),
    subject: t.string(),
    status: t.field({ type: ThreadStatusEnum }),
    priority: t.field({ type: PriorityEnum }),
    type: t.field({ type: ThreadTypeEnum }),
    orderReference: t.string(),
    tags: t.stringList(),
    customerId: t.id(),
  }),
});

const AssignThreadInputRef = builder.inputType('AssignThreadInput', {
  description: 'Omitted fields stay as they are; null unassigns.',
  fields: (t) => ({ threadId: t.id({ required: true }), assigneeId: t.id(), teamId: t.id() }),
});

builder.mutationFields((t) => ({
  createThread: t.field({
    authScopes: can('createThread'),
    type: ThreadPayload,
    description: 'Opens a thread. Errors: VALIDATION_FAILED, NOT_FOUND (channel, customer, agent, team), CHANNEL_INACTIVE.',
    args: { input: t.arg({ type: CreateThreadInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() =>
        createThread(ctx, {
          ...input,
          channelId: decodeId('Channel', String(input.channelId), 'input.channelId'),
          customerId: decodeOptionalId('Customer', input.customerId as string, 'input.customerId'),
          assigneeId: decodeOptionalId('User', input.assigneeId as string, 'input.assigneeId'),
          teamId: decodeOptionalId('Team', input.teamId as string, 'input.teamId'),
        }),
      ),
  }),
  updateThread: t.field({
    authScopes: can('updateThread'),
    type: ThreadPayload,
    description: 'Changes subject, status, priority, type, order reference, tags or customer. Errors: NOT_FOUND, VALIDATION_FAILED.',
    args: { input: t.arg({ type: UpdateThreadInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { threadId, customerId, ...rest } = input;
        return updateThread(ctx, decodeId('Thread', String(threadId), 'input.threadId'), {
          ...(rest as object),
          customerId: decodeOptionalId('Customer', customerId as string, 'input.customerId'),
        });
      }),
  }),
  assignThread: t.field({
    authScopes: can('assignThread'),
    type: ThreadPayload,
    description: 'Assigns to an agent and/or team. Errors: NOT_FOUND.',
    args: { input: t.arg({ type: AssignThreadInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() =>
        assignThread(ctx, decodeId('Thread', String(input.threadId), 'input.threadId'), {
          assigneeId: decodeOptionalId('User', input.assigneeId as string, 'input.assigneeId'),
          teamId: decodeOptionalId('Team', input.teamId as string, 'input.teamId'),
        }),
      ),
  }),
}));

/** End of the reply window of a thread's channel, or null. */
function replyWindowEnd(th: { lastInboundAt: Date | null; channel: { type: import('../../generated/prisma/enums.js').ChannelType } }): Date | null {
  const window = adapterFor(th.channel.type)?.replyWindow;
  return window && th.lastInboundAt ? new Date(th.lastInboundAt.getTime() + window.ms) : null;
}
