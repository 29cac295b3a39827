/**
 * The SLA on threads: `Thread.sla` (policy, due dates, paused, breached,
 * percent used, fired steps), the `SlaEvent` node and the `slaAlert`
 * subscription. The settings (calendars, policies, preview) are in
 * settings.schema.ts; the clocks and the ladder in engine.ts.
 */
import type { SlaEvent, Thread } from '../../generated/prisma/client.js';
import { builder } from '../../schema/builder.js';
import { SlaActionEnum, SlaTargetEnum } from '../../schema/enums.js';
import type { HubContext } from '../../shared/context.js';
import { can } from '../auth/permissions.js';
import { percentUsed, runningClocks, type PolicyWithCalendar } from './engine.js';

/** The policies (with calendars) of the request's organization, loaded once per request. */
const policyCache = new WeakMap<HubContext, Promise<Map<string, PolicyWithCalendar>>>();
function policyOf(ctx: HubContext, id: string | null): Promise<PolicyWithCalendar | null> {
  if (!id) return Promise.resolve(null);
  let all = policyCache.get(ctx);
  if (!all) {
    all = ctx.db.slaPolicy.findMany({ include: { calendar: true } }).then((ps) => new Map(ps.map((p) => [p.id, p])));
    policyCache.set(ctx, all);
  }
  return all.then((m) => m.get(id) ?? null);
}

builder.prismaNode('SlaEvent', {
  id: { field: 'id' },
  authScopes: can('SlaEvent'),
  nullable: true,
  description: 'One escalation step that fired on a thread (at most once per thread, target, step and due date).',
  fields: (t) => ({
    thread: t.relation('thread'),
    policy: t.relation('policy', { nullable: true }),
    target: t.expose('target', { type: SlaTargetEnum }),
    action: t.expose('action', { type: SlaActionEnum }),
    step: t.exposeInt('step', { description: "Index of the step in the policy's escalation ladder (0 = first)." }),
    dueAt: t.expose('dueAt', { type: 'DateTime', description: "The target's due date when the step fired." }),
    scheduledAt: t.expose('scheduledAt', { type: 'DateTime', description: 'When the step was planned to fire.' }),
    firedAt: t.expose('firedAt', { type: 'DateTime' }),
    percentUsed: t.exposeFloat('percentUsed', { description: 'Business time used of the target when it fired, in percent (100 = due).' }),
    recipients: t.prismaField({
      type: ['User'],
      description: 'The users it notified.',
      select: { recipientIds: true },
      resolve: (query, e, _a, ctx) => (e.recipientIds.length ? ctx.db.user.findMany({ ...query, where: { id: { in: e.recipientIds } }, orderBy: { name: 'asc' } }) : []),
    }),
  }),
});

type SlaThread = Thread;
const ThreadSla = builder.objectRef<SlaThread>('ThreadSla').implement({
  description: "A thread's SLA: the policy that applies and its clocks (business time of the policy's calendar).",
  fields: (t) => ({
    policy: t.prismaField({
      type: 'SlaPolicy',
      description: 'The policy whose targets apply.',
      resolve: async (query, th, _a, ctx) => ctx.db.slaPolicy.findUniqueOrThrow({ ...query, where: { id: th.slaPolicyId! } }),
    }),
    firstResponseDueAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the first reply is (or was) due; null without a first-response target or while paused.',
      resolve: (th) => th.firstResponseDueAt,
    }),
    nextResponseDueAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the reply to the latest customer message is due (after a first reply); null when none is owed.',
      resolve: (th) => (th.nextResponseStartedAt ? th.nextResponseDueAt : null),
    }),
    resolutionDueAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the thread is due to be resolved; null without a resolution target or while paused.',
      resolve: (th) => th.resolutionDueAt,
    }),
    paused: t.boolean({ description: 'true while the clocks wait on the customer (WAITING_CUSTOMER).', resolve: (th) => th.status === 'WAITING_CUSTOMER' && !!th.slaPausedAt }),
    breached: t.boolean({
      description: 'true when a target was missed: a running clock is past due, the first response came late, or the thread was resolved late.',
      resolve: async (th, _a, ctx) => {
        const now = ctx.deps.clock.now();
        const late = (done: Date | null, due: Date | null) => !!due && (done ?? now) > due;
        if (th.firstResponseDueAt && th.lastInboundAt && late(th.firstResponseAt, th.firstResponseDueAt) && (th.firstResponseAt || (th.slaDueAt && th.slaDueAt <= now)))
          return true;
        if (th.slaDueAt && th.slaDueAt <= now && !th.slaPausedAt) return true;
        return !!th.resolvedAt && late(th.resolvedAt, th.resolutionDueAt);
      },
    }),
    percentUsed: t.float({
      nullable: true,
      description: 'Business time used of the running target that is due first, in percent (100 = due, above = breached); null when no clock runs.',
      resolve: async (th, _a, ctx) => {
        const policy = await policyOf(ctx, th.slaPolicyId);
        const clocks = runningClocks(th, policy).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
        return policy && clocks[0] ? percentUsed(th, policy, clocks[0], ctx.deps.clock.now()) : null;
      },
    }),
    events: t.prismaField({
      type: ['SlaEvent'],
      description: 'The escalation steps that fired, oldest first (at most 200).',
      resolve: (query, th, _a, ctx) => ctx.db.slaEvent.findMany({ ...query, where: { threadId: th.id }, orderBy: [{ firedAt: 'asc' }, { id: 'asc' }], take: 200 }),
    }),
  }),
});

builder.prismaObjectField('Thread', 'sla', (t) =>
  t.field({
    type: ThreadSla,
    nullable: true,
    description: 'The SLA clocks of the thread; null when no SLA policy applies.',
    select: {
      id: true,
      status: true,
      slaPolicyId: true,
      slaStartedAt: true,
      firstResponseAt: true,
      firstResponseDueAt: true,
      lastInboundAt: true,
      nextResponseStartedAt: true,
      nextResponseDueAt: true,
      resolutionDueAt: true,
      resolvedAt: true,
      slaPausedAt: true,
      slaPauses: true,
      slaDueAt: true,
      deletedAt: true,
    },
    resolve: (th) => (th.slaPolicyId ? (th as Thread) : null),
  }),
);

/** An SLA step that fired, as a live alert: the SlaEvent row. */
const SlaAlert = builder.objectRef<SlaEvent>('SlaAlert').implement({
  description: 'An SLA escalation step that fired just now (subscription slaAlert).',
  fields: (t) => ({
    event: t.prismaField({
      type: 'SlaEvent',
      description: 'The recorded step.',
      resolve: (query, e, _a, ctx) => ctx.db.slaEvent.findUniqueOrThrow({ ...query, where: { id: e.id } }),
    }),
    thread: t.prismaField({ type: 'Thread', resolve: (query, e, _a, ctx) => ctx.db.thread.findUniqueOrThrow({ ...query, where: { id: e.threadId } }) }),
    action: t.field({ type: SlaActionEnum, resolve: (e) => e.action }),
    target: t.field({ type: SlaTargetEnum, resolve: (e) => e.target }),
    dueAt: t.field({ type: 'DateTime', description: "The target's due date.", resolve: (e) => e.dueAt }),
    firedAt: t.field({ type: 'DateTime', resolve: (e) => e.firedAt }),
    percentUsed: t.float({ description: 'Business time used of the target when it fired, in percent.', resolve: (e) => e.percentUsed }),
    recipients: t.prismaField({
      type: ['User'],
      description: 'The users it notified.',
      resolve: (query, e, _a, ctx) => (e.recipientIds.length ? ctx.db.user.findMany({ ...query, where: { id: { in: e.recipientIds } }, orderBy: { name: 'asc' } }) : []),
    }),
  }),
});

/** Whether the viewer receives every alert of the organization (MANAGER, ADMIN, an API key with READ) or only their own. */
function seesAllAlerts(ctx: HubContext): boolean {
  const v = ctx.viewer;
  return !!v && (v.kind === 'API_KEY' || v.role === 'MANAGER' || v.role === 'ADMIN');
}

builder.subscriptionField('slaAlert', (t) =>
  t.field({
    type: SlaAlert,
    authScopes: can('slaAlert'),
    description:
      "SLA escalation steps as they fire. A user receives the alerts they are a recipient of; managers and admins all of their organization's; an API key with READ all.",
    subscribe: (_root, _args, ctx) => {
      const all = seesAllAlerts(ctx);
      const me = ctx.viewer?.id;
      return ctx.deps.pubsub.subscribeWhere('slaAlert', ctx.organizationId, (e) => all || (!!me && e.recipientIds.includes(me))) as never;
    },
    resolve: (event, _args, ctx) => ctx.db.slaEvent.findUniqueOrThrow({ where: { id: (event as unknown as { slaEventId: string }).slaEventId } }),
  }),
);
