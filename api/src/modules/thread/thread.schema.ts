import { builder, assertPageSize } from '../../schema/builder.js';
import DataLoader from 'dataloader';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { UserError, type UserErrorShape, payloadType, decodeFilterId, decodeId, decodeOptionalId, memoOn, PER_VIEWER, runMutation } from '../../schema/common.js';
import { ChannelTypeEnum, PriorityEnum, ThreadStatusEnum, ThreadTypeEnum } from '../../schema/enums.js';
import { adapterFor, replyWindowsInWords } from '../../channels/registry.js';
import {
  SLA_RUNNING_STATUSES,
  assignThread,
  countThreadFilter,
  countSearch,
  createThread,
  resolveThreadFilter,
  countSearchWithRest,
  searchWithRestPageIds,
  splitSearch,
  type SplitSearch,
  searchPageIds,
  threadOrderBy,
  updateThread,
  type ResolvedThreadFilter,
  type ThreadFilter,
} from './thread.service.js';
import { can } from '../auth/permissions.js';
import type { HubContext } from '../../shared/context.js';
import { type BulkUpdateThreadsInput, bulkUpdateThreads, markThreadRead, markThreadUnread, readMarks, snoozeThread, unreadWhere, unsnoozeThread } from './triage.service.js';

const readLoaders = new WeakMap<HubContext, DataLoader<string, Date | null>>();
/** The viewer's read mark per thread id, batched per request (one query per page). */
function readMarkOf(ctx: HubContext, threadId: string): Promise<Date | null> {
  const loader = memoOn(
    readLoaders,
    ctx,
    () =>
      new DataLoader<string, Date | null>(async (ids) => {
        const marks = await readMarks(ctx, ids);
        return ids.map((id) => marks.get(id) ?? null);
      }),
  );
  return loader.load(threadId);
}

export const ThreadNode = builder.prismaNode('Thread', {
  id: { field: 'id' },
  // Select mode (issue 8 §1): a query loads the columns below and those its other fields ask for.
  // The columns below are the ones the inbox and thread view nearly always ask for: fields reading
  // only them resolve straight from the row (schema/column-fields.ts). Rows a service returns
  // carry every column.
  select: {
    id: true,
    subject: true,
    priority: true,
    status: true,
    lastMessageAt: true,
    lastInboundAt: true,
    responseDueAt: true,
    firstResponseAt: true,
    resolvedAt: true,
    slaDueAt: true,
    slaPolicyId: true,
  },
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
      description: `End of the channel's free-form reply window (${replyWindowsInWords}). Null on channels without a window or when the customer never wrote; free-form replies after it fail with the provider's code.`,
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
    unread: t.boolean({
      extensions: { [PER_VIEWER]: true },
      description:
        'true when the customer wrote (lastInboundAt) and the viewer has not opened the thread since (markThreadRead): a new customer message or the end of a snooze makes it unread again for everyone. Always false for API keys (no read state).',
      select: { lastInboundAt: true },
      resolve: async (th, _a, ctx) => !!th.lastInboundAt && !!ctx.actor.userId && (await readMarkOf(ctx, th.id)) === null,
    }),
    lastReadAt: t.field({
      type: 'DateTime',
      nullable: true,
      extensions: { [PER_VIEWER]: true },
      description: 'When the viewer last marked the thread read (opened it); null when never or since a new customer message.',
      resolve: (th, _a, ctx) => readMarkOf(ctx, th.id),
    }),
    snoozedUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Snoozed until this instant (snoozeThread); null when not snoozed. Views asking snoozed: false hide the thread meanwhile.',
      select: { snoozedUntil: true },
      resolve: (th, _a, ctx) => (th.snoozedUntil && th.snoozedUntil > ctx.deps.clock.now() ? th.snoozedUntil : null),
    }),
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
    openTaskCount: t.exposeInt('openTaskCount', {
      description: 'Number of OPEN, IN_PROGRESS or WAITING tasks: Thread.openTaskCount, kept by a trigger on Task (no query of its own).',
    }),
  }),
});

const SlaStateEnum = builder.enumType('SlaState', {
  description:
    'BREACHED: a running SLA clock is past its due date; AT_RISK: a running clock used at least 75 % of its business time, not breached; PAUSED: the clocks wait on the customer (WAITING_CUSTOMER).',
  values: ['AT_RISK', 'BREACHED', 'PAUSED'] as const,
});

const ThreadFilterRef = builder.inputType('ThreadFilter', {
  // mine, myTeams and unread are the viewer's (http/shared-subscriptions.ts).
  extensions: { [PER_VIEWER]: true },
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
    search: t.string({
      description:
        'Words of the subject, order reference, customer name or any message content: every word must match the start of a word there, case- and accent-insensitive ("meter" finds "Meterkast", "kast" does not; "perche" finds "perché"; "CC-2024-0113" finds the order reference; - + / _ . @ : separate words). At most 200 characters and 32 different words (VALIDATION_FAILED); a search without letters or digits matches nothing. With more than 10,000 matches totalCount is an estimate (totalCountIsExact false), and combined with other conditions, another order or backward paging only the 10,000 matches with the newest activity are considered (a search alone in the default order pages through all).',
    }),
    customerId: t.id(),
    unread: t.boolean({ description: 'true: only threads unread for the viewer (see Thread.unread); false: only read ones. API keys: true matches nothing.' }),
    snoozed: t.boolean({ description: 'true: only threads snoozed now; false: only threads not snoozed (the inbox views); omitted: both.' }),
    myTeams: t.boolean({ description: 'Only threads of a team the viewer belongs to (the Team view).' }),
  }),
});

const ThreadOrderEnum = builder.enumType('ThreadOrder', {
  description: 'Inbox orderings; ties are broken by id so cursors stay stable.',
  values: {
    LAST_MESSAGE_AT_DESC: { description: 'Newest activity first (the default).' },
    RESPONSE_DUE_AT_ASC: { description: 'Reply due soonest first; threads owing no reply last.' },
    PRIORITY_DESC: { description: 'Highest priority first, then newest activity.' },
    CREATED_AT_DESC: { description: 'Newest threads first.' },
    WAITING_LONGEST: { description: 'The customer who wrote longest ago first (lastInboundAt ascending); threads where the customer never wrote last.' },
  } as const,
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

const splitMemos = new WeakMap<object, SplitSearch | null>();
/** The connection's search split once per field execution (page and counts share its `now` and its chunks of matches). */
function splitOf(ctx: HubContext, args: { filter?: FilterArg }): SplitSearch | null {
  return memoOn(splitMemos, args, () => splitSearch(ctx, decodeFilter(args.filter)));
}

const filterMemos = new WeakMap<object, Promise<ResolvedThreadFilter>>();
/**
 * The connection's filter resolved once per field execution: Pothos hands the page resolver and
 * the counts the same `args` object, so they share one search statement.
 */
function resolvedFilter(ctx: HubContext, args: { filter?: FilterArg }): Promise<ResolvedThreadFilter> {
  return memoOn(filterMemos, args, () => resolveThreadFilter(ctx, decodeFilter(args.filter)));
}

type CountResult = { count: number; exact: boolean };

/**
 * Filters whose page is asked for its ids first (two statements instead of one): the SLA states,
 * `overdue`, `unread: true` and `customerId`. Their matches can be few and anywhere in time (the at-risk threads,
 * a diligent agent's unread ones), and PostgreSQL cannot estimate how few: their conditions are
 * correlated ranges (at risk = slaAtRiskAt ≤ now < slaDueAt). The page's one statement joins the
 * customer, assignee, channel and last message before it sorts, so a plan that collects the
 * matches and sorts them looks costly and the planner walks the organization's threads newest
 * first instead, hoping to meet 51 matches early; with 40 at-risk threads at 100,000 it walked all
 * 100,000 (110 ms). Without the joins the planner weighs collecting and sorting fairly (~2 ms
 * there) and still walks when matches are many (the Overdue tab's 8,800). A customer's threads
 * (`customerId`) are always collected and sorted (their index is not in the inbox order): joined
 * first, a customer with 278 threads cost 8.7 ms per page, ~4 ms as ids first.
 */
function pageIdsFirst(filter: FilterArg | null | undefined): boolean {
  const f = filter as { sla?: unknown[] | null; overdue?: boolean | null; unread?: boolean | null; customerId?: string | null } | null | undefined;
  return !!f && (!!f.sla?.length || f.overdue != null || f.unread === true || !!f.customerId);
}

const totalMemos = new WeakMap<object, Promise<CountResult>>();
/**
 * The `threads` connection's total (totalCount, totalCountIsExact), once per field execution: a
 * search alone or with `snoozed: false` counts itself (`countSearch`), a search with other
 * conditions beyond the exact limit is sampled (`countSearchWithRest`), anything else is
 * `countThreadFilter` (exact to 10,000, estimated beyond).
 */
function threadTotal(ctx: HubContext, args: { filter?: FilterArg }): Promise<CountResult> {
  return memoOn(totalMemos, args, async () => {
    const split = splitOf(ctx, args);
    if (split && Object.keys(split.rest).length === 0) return countSearch(ctx, split.search.search, undefined, split.search.notSnoozedAt);
    return (split && (await countSearchWithRest(ctx, split))) ?? countThreadFilter(ctx, await resolvedFilter(ctx, args));
  });
}

/** Whether the field's selection (fragments included) asks for one of `names` directly. */
function selectsField(info: GraphQLResolveInfo, names: readonly string[]): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((sel) => {
      if (sel.kind === Kind.FIELD) return names.includes(sel.name.value);
      if (sel.kind === Kind.INLINE_FRAGMENT) return visit(sel.selectionSet);
      return visit(info.fragments[sel.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
/**
 * What a ThreadConnection's `totalCount` option returns: the counts as thunks,
 * computed only when asked (`threads(first: 0) { unreadCount }` counts no totals).
 * A connection whose option returns a number or a CountResult (the analytics
 * drill-down) has no read state: unreadCount 0.
 */
interface ThreadConnectionCounts {
  count: () => Promise<CountResult>;
  unread: () => Promise<number>;
}
function isCounts(v: unknown): v is ThreadConnectionCounts {
  return typeof v === 'object' && v !== null && typeof (v as ThreadConnectionCounts).count === 'function';
}
const countMemos = new WeakMap<object, { source: ThreadConnectionCounts; count?: Promise<CountResult>; unread?: Promise<number> }>();
/** The connection's counts, each computed at most once per connection (totalCount and totalCountIsExact share one). */
function connectionCounts(connection: object) {
  return memoOn(countMemos, connection, (): { source: ThreadConnectionCounts; count?: Promise<CountResult>; unread?: Promise<number> } => {
    const { totalCount } = connection as { totalCount?: number | (() => unknown) };
    const v = typeof totalCount === 'function' ? totalCount() : (totalCount ?? 0);
    if (isCounts(v)) return { source: v };
    const count = () => Promise.resolve(v as number | CountResult | Promise<number | CountResult>).then((c) => (typeof c === 'number' ? { count: c, exact: true } : c));
    return { source: { count, unread: async () => 0 } };
  });
}
function connectionCount(connection: object): Promise<CountResult> {
  const m = connectionCounts(connection);
  m.count ??= m.source.count();
  return m.count;
}

/** The inbox's connection of threads, shared by `threads` and the analytics drill-down (`Analytics.threads`). */
export const ThreadConnection = builder.connectionObject(
  {
    type: ThreadNode,
    name: 'ThreadConnection',
    fields: (t) => ({
      totalCount: t.int({
        nullable: false,
        description:
          "Threads matching, all pages together: exact up to 10,000; beyond, an estimate (then `totalCountIsExact` is false) — see `countThreads`. A search combined with other conditions (a tab) is also estimated when the search alone matches more than 10,000 threads: the search's count × the share of its newest 500 matches that meet the other conditions.",
        resolve: async (connection) => (await connectionCount(connection)).count,
      }),
      totalCountIsExact: t.boolean({
        nullable: false,
        description:
          'false when `totalCount` is an estimate: more than 10,000 threads match (estimated from how the matches spread over time), or a search matching more than 10,000 threads is combined with other conditions (estimated from a sample of its matches).',
        resolve: async (connection) => (await connectionCount(connection)).exact,
      }),
      unreadCount: t.int({
        nullable: false,
        extensions: { [PER_VIEWER]: true },
        description:
          'Threads matching that are unread for the viewer (Thread.unread): exact up to 10,000, estimated beyond like totalCount. 0 for API keys and in the analytics drill-down. Ask with first: 0 for tab badges.',
        resolve: (connection) => {
          const m = connectionCounts(connection);
          m.unread ??= m.source.unread();
          return m.unread;
        },
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
      resolve: async (query, _root, args, ctx, info) => {
        assertPageSize(args);
        // The count and the page are independent statements: when the total is asked for, it starts now, beside the page
        // (its field awaits the same promise and reports its error), instead of after it.
        if (selectsField(info, ['totalCount', 'totalCountIsExact'])) threadTotal(ctx, args).catch(() => undefined);
        const order = args.orderBy ?? 'LAST_MESSAGE_AT_DESC';
        const page = query as { take?: number; cursor?: { id?: string } };
        const split = splitOf(ctx, args);
        if (split && order === 'LAST_MESSAGE_AT_DESC' && (page.take ?? 0) > 0) {
          // A search, forward, in the default order: this page's ids (after the cursor) from the search statement, alone (or
          // with snoozed: false), within one agent's threads (the Mine tab), or narrowed chunk by chunk to the other
          // conditions (null: few kept, the general path below).
          const after = page.cursor?.id ?? null;
          const ids =
            Object.keys(split.rest).length === 0 || split.assigneeId
              ? await searchPageIds(ctx, split.search.search, after, page.take!, split.search.notSnoozedAt, split.assigneeId)
              : await searchWithRestPageIds(ctx, split, after, page.take!);
          if (ids) return ctx.db.thread.findMany({ ...query, cursor: undefined, skip: undefined, where: { id: { in: ids } }, orderBy: threadOrderBy(order) });
        }
        const { where } = await resolvedFilter(ctx, args);
        if (pageIdsFirst(args.filter) && (page.take ?? 0) !== 0) {
          // The page's ids by a statement without the relations, then the rows by id (see pageIdsFirst).
          const { take, skip, cursor } = query as { take?: number; skip?: number; cursor?: { id: string } };
          const ids = await ctx.db.thread.findMany({ take, skip, cursor, where, orderBy: threadOrderBy(order), select: { id: true } });
          return ctx.db.thread.findMany({ ...query, cursor: undefined, skip: undefined, where: { id: { in: ids.map((r) => r.id) } }, orderBy: threadOrderBy(order) });
        }
        return ctx.db.thread.findMany({ ...query, where, orderBy: threadOrderBy(order) });
      },
      // Lazy counts (ThreadConnectionCounts): countThreads is exact to 10,000, estimated beyond; a search alone counts itself (countSearch).
      totalCount: (_root, args, ctx) => {
        const counts: ThreadConnectionCounts = {
          count: () => threadTotal(ctx, args),
          unread: async () => (ctx.actor.userId ? (await countThreadFilter(ctx, await resolvedFilter(ctx, args), unreadWhere(ctx, true))).count : 0),
        };
        return counts as unknown as number;
      },
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

const SnoozeThreadInputRef = builder.inputType('SnoozeThreadInput', {
  fields: (t) => ({
    threadId: t.id({ required: true }),
    until: t.field({ type: 'DateTime', required: true, description: 'When the snooze ends: in the future, at most 365 days away.' }),
  }),
});

const BulkUpdateThreadsInputRef = builder.inputType('BulkUpdateThreadsInput', {
  description: 'One change for up to 100 threads; omitted fields stay as they are.',
  fields: (t) => ({
    threadIds: t.idList({ required: true, description: '1 to 100 thread ids.' }),
    assigneeId: t.id({ description: 'Assign to this agent; null unassigns.' }),
    teamId: t.id({ description: 'Move to this team; null clears.' }),
    status: t.field({ type: ThreadStatusEnum }),
    priority: t.field({ type: PriorityEnum }),
    addTags: t.stringList({ description: 'Tags to add (each 1–50 characters; a thread keeps at most 20).' }),
    removeTags: t.stringList(),
    snoozeUntil: t.field({ type: 'DateTime', description: 'Snooze every thread until then (as snoozeThread).' }),
  }),
});

const BulkUpdateThreadsPayload = builder
  .objectRef<{ threads: import('../../generated/prisma/client.js').Thread[]; errors: UserErrorShape[] }>('BulkUpdateThreadsPayload')
  .implement({
    description: 'The threads changed, and one error per thread that could not be (field "threadIds.<index>"), or errors of the whole input (nothing changed).',
    fields: (t) => ({
      threads: t.field({ type: [ThreadNode], nullable: { list: false, items: true }, resolve: (p) => p.threads }),
      errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
    }),
  });

builder.mutationFields((t) => ({
  markThreadRead: t.field({
    authScopes: can('markThreadRead'),
    type: ThreadPayload,
    description:
      "Marks the thread read for the viewer (the inbox calls it when a thread is opened, and again when a customer message arrives while it is open). The viewer's own state: not audited, not published. Errors: NOT_FOUND.",
    args: { threadId: t.arg.id({ required: true }) },
    resolve: (_r, { threadId }, ctx) => runMutation(() => markThreadRead(ctx, decodeId('Thread', String(threadId), 'threadId')), ''),
  }),
  markThreadUnread: t.field({
    authScopes: can('markThreadUnread'),
    type: ThreadPayload,
    description: "Removes the viewer's read mark: unread again for the viewer when the customer has written. Errors: NOT_FOUND.",
    args: { threadId: t.arg.id({ required: true }) },
    resolve: (_r, { threadId }, ctx) => runMutation(() => markThreadUnread(ctx, decodeId('Thread', String(threadId), 'threadId')), ''),
  }),
  snoozeThread: t.field({
    authScopes: can('snoozeThread'),
    type: ThreadPayload,
    description:
      'Hides the thread from views asking snoozed: false until `until`; then (or when the customer writes first) the snooze ends, the thread is unread again for everyone and its assignee gets a SNOOZE_ENDED notification. Audited (thread.snooze). Errors: NOT_FOUND, VALIDATION_FAILED (until not in the future or more than 365 days away).',
    args: { input: t.arg({ type: SnoozeThreadInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => snoozeThread(ctx, decodeId('Thread', String(input.threadId), 'input.threadId'), { until: input.until as Date })),
  }),
  unsnoozeThread: t.field({
    authScopes: can('unsnoozeThread'),
    type: ThreadPayload,
    description: 'Ends a snooze now (no change when not snoozed). Audited (thread.unsnooze). Errors: NOT_FOUND.',
    args: { threadId: t.arg.id({ required: true }) },
    resolve: (_r, { threadId }, ctx) => runMutation(() => unsnoozeThread(ctx, decodeId('Thread', String(threadId), 'threadId')), ''),
  }),
  bulkUpdateThreads: t.field({
    authScopes: can('bulkUpdateThreads'),
    type: BulkUpdateThreadsPayload,
    description:
      'Assigns, moves, sets status or priority, adds or removes tags, or snoozes up to 100 threads. Each thread changes in its own transaction through the single mutations (audited and published as they are); a thread that fails does not stop the others. Errors: VALIDATION_FAILED (no ids, more than 100, nothing to change), and per thread NOT_FOUND and the errors of updateThread/assignThread/snoozeThread with field "threadIds.<index>".',
    args: { input: t.arg({ type: BulkUpdateThreadsInputRef, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const result = await runMutation(() =>
        bulkUpdateThreads(ctx, {
          threadIds: input.threadIds.map((id, i) => decodeId('Thread', String(id), `input.threadIds.${i}`)),
          assigneeId: input.assigneeId === undefined ? undefined : decodeOptionalId('User', input.assigneeId as string, 'input.assigneeId'),
          teamId: input.teamId === undefined ? undefined : decodeOptionalId('Team', input.teamId as string, 'input.teamId'),
          status: input.status ?? undefined,
          priority: input.priority ?? undefined,
          addTags: input.addTags ?? undefined,
          removeTags: input.removeTags ?? undefined,
          snoozeUntil: (input.snoozeUntil as Date | null) ?? undefined,
        } satisfies import('zod').input<typeof BulkUpdateThreadsInput>),
      );
      return { threads: result.threads ?? [], errors: [...result.errors, ...(result.failures ?? [])] };
    },
  }),
}));

/** End of the reply window of a thread's channel, or null. */
function replyWindowEnd(th: { lastInboundAt: Date | null; channel: { type: import('../../generated/prisma/enums.js').ChannelType } }): Date | null {
  const window = adapterFor(th.channel.type)?.replyWindow;
  return window && th.lastInboundAt ? new Date(th.lastInboundAt.getTime() + window.ms) : null;
}
