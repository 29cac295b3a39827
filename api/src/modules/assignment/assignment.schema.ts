/**
 * Automatic assignment in GraphQL: routing rules (`routingRules`,
 * `createRoutingRule`, `updateRoutingRule`, `deleteRoutingRule`; MANAGER and
 * up), team assignment settings (`updateTeam`, `Team.assignment`), team
 * membership (`addTeamMember`, `removeTeamMember`; ADMIN), the viewer's
 * availability (`setAvailability`, `User.availability`) and the queue fields
 * of a thread. Services: routing.service.ts and assignment.service.ts.
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { AssignmentStrategy } from '../../generated/prisma/enums.js';
import { builder, assertPageSize } from '../../schema/builder.js';
import { decodeId, decodeOptionalId, payloadType, runMutation, UserError, type UserErrorShape } from '../../schema/common.js';
import { AssignmentStrategyEnum, ChannelTypeEnum, CustomerTierEnum, ThreadTypeEnum, UserAvailabilityEnum } from '../../schema/enums.js';
import { TeamNode, UserNode } from '../agent/agent.schema.js';
import { can } from '../auth/permissions.js';
import { addTeamMember, removeTeamMember, setAvailability, updateTeamAssignment } from './assignment.service.js';
import { conditionsOf, createRoutingRule, deleteRoutingRule, updateRoutingRule, type RoutingConditions } from './routing.service.js';

// ---------------------------------------------------------------- output types

const RoutingConditionsRef = builder.objectRef<RoutingConditions>('RoutingConditions').implement({
  description: "What a thread must be for a routing rule to match. Every non-empty list must contain the thread's value; an empty list matches anything.",
  fields: (t) => ({
    channelTypes: t.field({ type: [ChannelTypeEnum], description: "Types of the thread's channel.", resolve: (c) => c.channelTypes }),
    threadTypes: t.field({ type: [ThreadTypeEnum], description: 'Thread types.', resolve: (c) => c.threadTypes }),
    customerTiers: t.field({ type: [CustomerTierEnum], description: "Tiers of the thread's customer (a thread without customer matches none).", resolve: (c) => c.customerTiers }),
    languages: t.stringList({
      description: 'BCP 47 languages of the customer (Customer.language), lower case, matched on the primary subtag: "it" matches "it-CH".',
      resolve: (c) => c.languages,
    }),
  }),
});

export const RoutingRuleNode = builder.prismaNode('RoutingRule', {
  id: { field: 'id' },
  authScopes: can('RoutingRule'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  findUnique: (id, ctx) => ({ id, organizationId: ctx.organizationId }),
  description:
    'Sends new threads that match its conditions to a team. The active matching rule with the lowest rank wins; a rule without conditions and the highest rank is the fallback.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique within the organization, 1–100 characters.' }),
    conditions: t.field({ type: RoutingConditionsRef, description: 'What a thread must be to match.', select: { conditions: true }, resolve: (r) => conditionsOf(r) }),
    team: t.relation('team', { description: 'The team matching threads go to.' }),
    requiredSkills: t.exposeStringList('requiredSkills', {
      description: 'Skills an agent needs to be given a routed thread (all of them, case-insensitive), e.g. ["it", "installation"].',
    }),
    rank: t.exposeInt('rank', { description: 'Matching order: lower first (0–1,000,000).' }),
    isActive: t.exposeBoolean('isActive', { description: 'Inactive rules are skipped.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the rule was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the rule last changed.' }),
  }),
});

interface TeamAssignmentShape {
  strategy: AssignmentStrategy;
  maxOpenPerAgent: number | null;
  reassignAfterSeconds: number | null;
}

const TeamAssignmentRef = builder.objectRef<TeamAssignmentShape>('TeamAssignment').implement({
  description: "How new threads of the team's queue are given to its members.",
  fields: (t) => ({
    strategy: t.field({ type: AssignmentStrategyEnum, description: 'ROUND_ROBIN, LEAST_LOADED or MANUAL.', resolve: (a) => a.strategy }),
    maxOpenPerAgent: t.int({
      nullable: true,
      description: 'Open threads (assigned, not RESOLVED/CLOSED) an agent may hold before automatic assignment skips them; null = no limit.',
      resolve: (a) => a.maxOpenPerAgent,
    }),
    reassignAfterSeconds: t.int({
      nullable: true,
      description: 'Seconds after which an automatically assigned thread nobody replied to (no outgoing message since it was assigned) goes to the next candidate; null = never.',
      resolve: (a) => a.reassignAfterSeconds,
    }),
  }),
});

builder.prismaObjectFields('Team', (t) => ({
  assignment: t.field({
    type: TeamAssignmentRef,
    description: 'The assignment settings of the team (updateTeam).',
    select: { assignmentStrategy: true, maxOpenPerAgent: true, reassignAfterSeconds: true },
    resolve: (team) => ({ strategy: team.assignmentStrategy, maxOpenPerAgent: team.maxOpenPerAgent, reassignAfterSeconds: team.reassignAfterSeconds }),
  }),
  queueLength: t.int({
    description: "Threads waiting unassigned in the team's queue.",
    select: { id: true },
    resolve: (team, _a, ctx) => ctx.db.thread.count({ where: { teamId: team.id, assigneeId: null, queuedAt: { not: null }, status: { notIn: ['RESOLVED', 'CLOSED'] } } }),
  }),
}));

builder.prismaObjectField('User', 'availability', (t) =>
  t.expose('availability', {
    type: UserAvailabilityEnum,
    description: 'ONLINE, AWAY or OFFLINE (setAvailability; AWAY after 5 and OFFLINE after 30 minutes without a heartbeat). Automatic assignment takes ONLINE agents only.',
  }),
);

builder.prismaObjectFields('Thread', (t) => ({
  queuedAt: t.expose('queuedAt', { type: 'DateTime', nullable: true, description: "Since when the thread waits unassigned in its team's queue; null when not queued." }),
  assignedAt: t.expose('assignedAt', { type: 'DateTime', nullable: true, description: 'When the current assignee got the thread.' }),
  requiredSkills: t.exposeStringList('requiredSkills', { description: 'Skills an agent needs to be given the thread automatically (from its routing rule).' }),
}));

// ---------------------------------------------------------------- queries

builder.queryField('routingRules', (t) =>
  t.prismaConnection(
    {
      authScopes: can('routingRules'),
      type: 'RoutingRule',
      nullable: false,
      cursor: 'id',
      description: "The organization's routing rules in matching order: rank ascending, then oldest first (MANAGER and up).",
      args: { isActive: t.arg.boolean({ description: 'Only active (true) or inactive (false) rules; omitted: all.' }) },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.routingRule.findMany({ ...query, where: ruleWhere(ctx.organizationId, args.isActive), orderBy: [{ rank: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] });
      },
      totalCount: (_root, args, ctx) => ctx.db.routingRule.count({ where: ruleWhere(ctx.organizationId, args.isActive) }),
    },
    { name: 'RoutingRuleConnection' },
    { name: 'RoutingRuleEdge' },
  ),
);

function ruleWhere(organizationId: string, isActive: boolean | null | undefined) {
  return { organizationId, ...(isActive == null ? {} : { isActive }) };
}

// ---------------------------------------------------------------- inputs and payloads

const RoutingConditionsInputRef = builder.inputType('RoutingConditionsInput', {
  description: 'Conditions of a routing rule; an omitted or empty list matches anything. At most 50 entries per list.',
  fields: (t) => ({
    channelTypes: t.field({ type: [ChannelTypeEnum], description: "Types of the thread's channel." }),
    threadTypes: t.field({ type: [ThreadTypeEnum], description: 'Thread types.' }),
    customerTiers: t.field({ type: [CustomerTierEnum], description: "Tiers of the thread's customer." }),
    languages: t.stringList({ description: 'BCP 47 language tags, e.g. ["it"]; matched on the primary subtag of Customer.language, case-insensitive.' }),
  }),
});

const CreateRoutingRuleInputRef = builder.inputType('CreateRoutingRuleInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique within the organization, 1–100 characters.' }),
    conditions: t.field({ type: RoutingConditionsInputRef, description: 'Omitted: matches every thread (a fallback).' }),
    teamId: t.id({ required: true, description: 'Global id of the Team matching threads go to.' }),
    requiredSkills: t.stringList({ description: 'Skills an agent needs (at most 50, each 1–50 characters); default none.' }),
    rank: t.int({ description: 'Matching order, lower first, 0–1,000,000; default 100.' }),
    isActive: t.boolean({ description: 'Default true.' }),
  }),
});

const UpdateRoutingRuleInputRef = builder.inputType('UpdateRoutingRuleInput', {
  description: 'Fields omitted or null stay as they are; `conditions` replaces all four lists.',
  fields: (t) => ({
    ruleId: t.id({ required: true, description: 'Global id of the RoutingRule.' }),
    name: t.string({ description: '1–100 characters, unique within the organization.' }),
    conditions: t.field({ type: RoutingConditionsInputRef, description: 'The new conditions (every list; omitted lists become empty).' }),
    teamId: t.id({ description: 'Global id of the Team.' }),
    requiredSkills: t.stringList({ description: 'At most 50, each 1–50 characters; [] = none.' }),
    rank: t.int({ description: '0–1,000,000.' }),
    isActive: t.boolean({ description: 'false: the rule is skipped.' }),
  }),
});

const TeamAssignmentInputRef = builder.inputType('TeamAssignmentInput', {
  description: 'Omitted fields stay as they are; null clears maxOpenPerAgent (no limit) or reassignAfterSeconds (never).',
  fields: (t) => ({
    strategy: t.field({ type: AssignmentStrategyEnum, description: 'ROUND_ROBIN, LEAST_LOADED or MANUAL.' }),
    maxOpenPerAgent: t.int({ description: '1–1,000 open threads per agent; null: no limit.' }),
    reassignAfterSeconds: t.int({ description: 'Seconds, 10–604,800 (7 days); null: never reassign.' }),
  }),
});

const UpdateTeamInputRef = builder.inputType('UpdateTeamInput', {
  fields: (t) => ({
    teamId: t.id({ required: true, description: 'Global id of the Team.' }),
    assignment: t.field({ type: TeamAssignmentInputRef, description: 'New assignment settings.' }),
  }),
});

const TeamMemberInputRef = builder.inputType('TeamMemberInput', {
  fields: (t) => ({
    teamId: t.id({ required: true, description: 'Global id of the Team.' }),
    userId: t.id({ required: true, description: 'Global id of the User.' }),
  }),
});

const RoutingRulePayload = payloadType('RoutingRulePayload', 'routingRule', RoutingRuleNode);
const TeamPayload = payloadType('TeamPayload', 'team', TeamNode);
const SetAvailabilityPayload = payloadType('SetAvailabilityPayload', 'user', UserNode);

const DeleteRoutingRulePayload = builder.objectRef<{ deletedRuleId?: string; errors: UserErrorShape[] }>('DeleteRoutingRulePayload').implement({
  fields: (t) => ({
    deletedRuleId: t.id({
      nullable: true,
      description: 'Global id of the deleted RoutingRule (null on error).',
      resolve: (p) => (p.deletedRuleId ? encodeGlobalID('RoutingRule', p.deletedRuleId) : null),
    }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

// ---------------------------------------------------------------- mutations

builder.mutationFields((t) => ({
  createRoutingRule: t.field({
    authScopes: can('createRoutingRule'),
    type: RoutingRulePayload,
    description: 'Creates a routing rule (MANAGER and up; audited as routingRule.create). Errors: VALIDATION_FAILED, NOT_FOUND (team), ROUTING_RULE_NAME_TAKEN.',
    args: { input: t.arg({ type: CreateRoutingRuleInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => createRoutingRule(ctx, { ...input, teamId: decodeId('Team', String(input.teamId), 'input.teamId') })),
  }),
  updateRoutingRule: t.field({
    authScopes: can('updateRoutingRule'),
    type: RoutingRulePayload,
    description: 'Changes a routing rule (MANAGER and up; audited as routingRule.update). Errors: NOT_FOUND (rule, team), VALIDATION_FAILED, ROUTING_RULE_NAME_TAKEN.',
    args: { input: t.arg({ type: UpdateRoutingRuleInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { ruleId, teamId, ...rest } = input;
        return updateRoutingRule(ctx, decodeId('RoutingRule', String(ruleId), 'input.ruleId'), {
          ...rest,
          teamId: decodeOptionalId('Team', teamId as string | null | undefined, 'input.teamId'),
        });
      }),
  }),
  deleteRoutingRule: t.field({
    authScopes: can('deleteRoutingRule'),
    type: DeleteRoutingRulePayload,
    description: 'Deletes a routing rule (MANAGER and up; audited as routingRule.delete); threads it routed keep their team. Errors: NOT_FOUND.',
    args: { ruleId: t.arg.id({ required: true, description: 'Global id of the RoutingRule.' }) },
    resolve: (_r, args, ctx) => runMutation(() => deleteRoutingRule(ctx, decodeId('RoutingRule', String(args.ruleId), 'ruleId')), ''),
  }),
  updateTeam: t.field({
    authScopes: can('updateTeam'),
    type: TeamPayload,
    description:
      "Changes a team's assignment settings (MANAGER and up; audited as team.update); the team's queue is then drained under them. Errors: NOT_FOUND, VALIDATION_FAILED.",
    args: { input: t.arg({ type: UpdateTeamInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => updateTeamAssignment(ctx, decodeId('Team', String(input.teamId), 'input.teamId'), input.assignment ?? {}), 'input.assignment'),
  }),
  addTeamMember: t.field({
    authScopes: can('addTeamMember'),
    type: TeamPayload,
    description: 'Adds a user to a team (ADMIN; audited as team.addMember; already a member: no change). Errors: NOT_FOUND.',
    args: { input: t.arg({ type: TeamMemberInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => addTeamMember(ctx, decodeId('Team', String(input.teamId), 'input.teamId'), decodeId('User', String(input.userId), 'input.userId'))),
  }),
  removeTeamMember: t.field({
    authScopes: can('removeTeamMember'),
    type: TeamPayload,
    description: 'Removes a user from a team (ADMIN; audited as team.removeMember); threads assigned to them stay theirs. Errors: NOT_FOUND, NOT_TEAM_MEMBER.',
    args: { input: t.arg({ type: TeamMemberInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => removeTeamMember(ctx, decodeId('Team', String(input.teamId), 'input.teamId'), decodeId('User', String(input.userId), 'input.userId'))),
  }),
  setAvailability: t.field({
    authScopes: can('setAvailability'),
    type: SetAvailabilityPayload,
    description:
      "Sets the viewer's availability and lastSeenAt (the inbox's heartbeat: call it with ONLINE at least every 5 minutes, else the agent becomes AWAY, and OFFLINE after 30). Coming ONLINE lets queued threads of the viewer's teams be assigned to them.",
    args: { availability: t.arg({ type: UserAvailabilityEnum, required: true, description: 'ONLINE, AWAY or OFFLINE.' }) },
    resolve: (_r, args, ctx) => runMutation(() => setAvailability(ctx, args.availability), ''),
  }),
}));
