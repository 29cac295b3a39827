/**
 * SLA settings in GraphQL (MANAGER and up): business calendars
 * (`businessCalendars`, `createBusinessCalendar`, `updateBusinessCalendar`),
 * SLA policies (`slaPolicies`, `createSlaPolicy`, `updateSlaPolicy`,
 * `deleteSlaPolicy`) and `slaPreview`. Services: calendar.service.ts and
 * policy.service.ts. Calendars are not deleted through the API.
 *
 * Units: targets and step delays in seconds (business seconds of the policy's
 * calendar), weekdays ISO (1 = Monday … 7 = Sunday), times local "HH:MM" in
 * the calendar's IANA time zone, dates "YYYY-MM-DD".
 */
import { builder, assertPageSize } from '../../schema/builder.js';
import { decodeId, decodeOptionalId, payloadType, runMutation, type UserErrorShape, UserError } from '../../schema/common.js';
import { ChannelTypeEnum, CustomerTierEnum, PriorityEnum, SlaActionEnum, SlaNotifyTargetEnum, ThreadTypeEnum } from '../../schema/enums.js';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { can } from '../auth/permissions.js';
import type { BusinessHoursInterval } from './calendar.js';
import { createBusinessCalendar, updateBusinessCalendar } from './calendar.service.js';
import {
  conditionsOf,
  createSlaPolicy,
  deleteSlaPolicy,
  policyLadder,
  slaPreview,
  updateSlaPolicy,
  type SlaConditions,
  type SlaDueDates,
  type SlaEscalationStep,
} from './policy.service.js';

// ---------------------------------------------------------------------------
// Output types
// ---------------------------------------------------------------------------

const BusinessHoursIntervalRef = builder.objectRef<BusinessHoursInterval>('BusinessHoursInterval').implement({
  description: "One opening interval of a weekday, in the calendar's local wall-clock time.",
  fields: (t) => ({
    weekday: t.exposeInt('weekday', { description: 'ISO weekday: 1 = Monday … 7 = Sunday.' }),
    opens: t.exposeString('opens', { description: 'Local time "HH:MM" (00:00–23:59) at which the interval opens.' }),
    closes: t.exposeString('closes', { description: 'Local time "HH:MM" at which it closes (exclusive), after opens; "24:00" = end of the day.' }),
  }),
});

export const BusinessCalendarNode = builder.prismaNode('BusinessCalendar', {
  id: { field: 'id' },
  authScopes: can('BusinessCalendar'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  findUnique: (id, ctx) => ({ id, organizationId: ctx.organizationId }),
  description: "When a team is open, for SLA due dates: weekly opening hours in a time zone, closed dates and a country's public holidays. A policy without calendar counts 24/7.",
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique within the organization, at most 100 characters.' }),
    timezone: t.exposeString('timezone', { description: 'IANA time zone, e.g. "Europe/Amsterdam"; hours and holidays are read in it.' }),
    hours: t.field({
      type: [BusinessHoursIntervalRef],
      description: 'Opening intervals, several per weekday allowed (e.g. a lunch break), sorted by weekday and opening time. A weekday without any is closed.',
      select: { hours: true },
      resolve: (c) => (Array.isArray(c.hours) ? (c.hours as unknown as BusinessHoursInterval[]) : []),
    }),
    holidays: t.exposeStringList('holidays', { description: 'Closed local dates "YYYY-MM-DD", sorted.' }),
    holidayCountry: t.exposeString('holidayCountry', {
      nullable: true,
      description: 'ISO 3166-1 alpha-2 code (e.g. "NL", "IT") whose public holidays are closed days too; null: none.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
  }),
});

const SlaConditionsRef = builder.objectRef<SlaConditions>('SlaConditions').implement({
  description: 'Which threads a policy applies to: a thread matches when every non-empty list contains its value; an empty list matches anything.',
  fields: (t) => ({
    channelTypes: t.field({ type: [ChannelTypeEnum], description: "The thread's channel type is one of these.", resolve: (c) => c.channelTypes }),
    priorities: t.field({ type: [PriorityEnum], description: "The thread's priority is one of these.", resolve: (c) => c.priorities }),
    customerTiers: t.field({
      type: [CustomerTierEnum],
      description: "The thread's customer has one of these tiers (a thread without customer matches only an empty list).",
      resolve: (c) => c.customerTiers,
    }),
    threadTypes: t.field({ type: [ThreadTypeEnum], description: "The thread's type is one of these.", resolve: (c) => c.threadTypes }),
    teamIds: t.idList({
      description: "Global ids of teams: the thread's team is one of these (a thread without team matches only an empty list).",
      resolve: (c) => c.teamIds.map((id) => encodeGlobalID('Team', id)),
    }),
  }),
});

const SlaEscalationStepRef = builder.objectRef<SlaEscalationStep>('SlaEscalationStep').implement({
  description:
    'One step of an escalation ladder; exactly one of atPercent and afterBreachSeconds is set. Each running target (first response, next response, resolution) fires each step once per due date.',
  fields: (t) => ({
    atPercent: t.int({
      nullable: true,
      description: "Fires when this percent of the target's business time is used (100 = at the due date), 1–1000; null when afterBreachSeconds is set.",
      resolve: (s) => s.atPercent,
    }),
    afterBreachSeconds: t.int({
      nullable: true,
      description: 'Fires this many seconds after the due date, on the wall clock (0–2,592,000); null when atPercent is set.',
      resolve: (s) => s.afterBreachSeconds,
    }),
    action: t.field({ type: SlaActionEnum, description: 'What happens when the step fires.', resolve: (s) => s.action }),
    notify: t.field({ type: [SlaNotifyTargetEnum], description: 'Who is notified (may be empty).', resolve: (s) => s.notify }),
  }),
});

export const SlaPolicyNode = builder.prismaNode('SlaPolicy', {
  id: { field: 'id' },
  authScopes: can('SlaPolicy'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  findUnique: (id, ctx) => ({ id, organizationId: ctx.organizationId }),
  description:
    'Response and resolution targets, in business seconds of a calendar, for the threads its conditions match, with an escalation ladder. Of the active policies that match a thread, the lowest rank applies (ties: the oldest).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique within the organization, at most 100 characters.' }),
    firstResponseSeconds: t.exposeInt('firstResponseSeconds', {
      nullable: true,
      description: 'Business seconds from the first customer message to the first accepted reply; null: no such target.',
    }),
    nextResponseSeconds: t.exposeInt('nextResponseSeconds', {
      nullable: true,
      description: 'Business seconds from a customer message that follows a reply to the next accepted reply; null: no such target.',
    }),
    resolutionSeconds: t.exposeInt('resolutionSeconds', {
      nullable: true,
      description: "Business seconds from the thread's first customer message to RESOLVED (pauses excluded); null: no such target.",
    }),
    calendar: t.relation('calendar', { nullable: true, description: 'The business calendar the seconds count in; null: 24/7.' }),
    conditions: t.field({
      type: SlaConditionsRef,
      description: 'Which threads the policy applies to.',
      select: { conditions: true },
      resolve: (p) => conditionsOf(p),
    }),
    rank: t.exposeInt('rank', { description: 'Lower wins when several active policies match a thread (0–10,000).' }),
    escalation: t.field({
      type: [SlaEscalationStepRef],
      description: 'The escalation ladder, in order (may be empty).',
      select: { escalation: true },
      resolve: (p) => policyLadder(p),
    }),
    isActive: t.exposeBoolean('isActive', { description: 'Inactive policies never match a thread.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
  }),
});

const SlaPreviewRef = builder.objectRef<SlaDueDates>('SlaPreview').implement({
  description: "The due dates a policy gives a thread whose customer message arrives at the preview's instant; null where the policy has no such target.",
  fields: (t) => ({
    firstResponseDueAt: t.field({ type: 'DateTime', nullable: true, description: 'When the first reply is due.', resolve: (p) => p.firstResponseDueAt }),
    nextResponseDueAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next reply is due, if the message followed a reply.',
      resolve: (p) => p.nextResponseDueAt,
    }),
    resolutionDueAt: t.field({ type: 'DateTime', nullable: true, description: 'When the thread is due to be resolved.', resolve: (p) => p.resolutionDueAt }),
  }),
});

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

builder.queryField('businessCalendars', (t) =>
  t.prismaConnection(
    {
      authScopes: can('businessCalendars'),
      type: 'BusinessCalendar',
      nullable: false,
      cursor: 'id',
      description: "The organization's business calendars by name (MANAGER and up).",
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.businessCalendar.findMany({ ...query, where: { organizationId: ctx.organizationId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
      },
      totalCount: (_root, _args, ctx) => ctx.db.businessCalendar.count({ where: { organizationId: ctx.organizationId } }),
    },
    { name: 'BusinessCalendarConnection' },
    { name: 'BusinessCalendarEdge' },
  ),
);

const policyWhere = (organizationId: string, isActive: boolean | null | undefined) => ({ organizationId, ...(isActive == null ? {} : { isActive }) });

builder.queryField('slaPolicies', (t) =>
  t.prismaConnection(
    {
      authScopes: can('slaPolicies'),
      type: 'SlaPolicy',
      nullable: false,
      cursor: 'id',
      description: "The organization's SLA policies in matching order: rank ascending, then oldest first (MANAGER and up).",
      args: { isActive: t.arg.boolean({ description: 'Only active (true) or inactive (false) policies; omitted: all.' }) },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.slaPolicy.findMany({ ...query, where: policyWhere(ctx.organizationId, args.isActive), orderBy: [{ rank: 'asc' }, { id: 'asc' }] });
      },
      totalCount: (_root, args, ctx) => ctx.db.slaPolicy.count({ where: policyWhere(ctx.organizationId, args.isActive) }),
    },
    { name: 'SlaPolicyConnection' },
    { name: 'SlaPolicyEdge' },
  ),
);

builder.queryField('slaPreview', (t) =>
  t.field({
    authScopes: can('slaPreview'),
    type: SlaPreviewRef,
    description:
      'The due dates a policy (active or not) gives for a customer message arriving at `at`, counted in business time of its calendar (24/7 without one). Changes nothing. Errors: NOT_FOUND (policyId), BUSINESS_CALENDAR_NEVER_OPEN.',
    args: {
      policyId: t.arg.id({ required: true, description: 'Global id of the SlaPolicy.' }),
      at: t.arg({ type: 'DateTime', required: true, description: 'When the customer message arrives.' }),
    },
    resolve: (_root, args, ctx) => slaPreview(ctx, decodeId('SlaPolicy', String(args.policyId), 'policyId'), args.at),
  }),
);

// ---------------------------------------------------------------------------
// Inputs and payloads
// ---------------------------------------------------------------------------

const BusinessHoursIntervalInputRef = builder.inputType('BusinessHoursIntervalInput', {
  description: 'One opening interval in local wall-clock time. An interval cannot cross midnight: split it, ending the first part at "24:00".',
  fields: (t) => ({
    weekday: t.int({ required: true, description: 'ISO weekday: 1 = Monday … 7 = Sunday.' }),
    opens: t.string({ required: true, description: 'Local time "HH:MM", 00:00–23:59.' }),
    closes: t.string({ required: true, description: 'Local time "HH:MM" after opens (exclusive); "24:00" = end of the day.' }),
  }),
});

const CreateBusinessCalendarInputRef = builder.inputType('CreateBusinessCalendarInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique within the organization, 1–100 characters.' }),
    timezone: t.string({ required: true, description: 'IANA time zone, e.g. "Europe/Amsterdam".' }),
    hours: t.field({
      type: [BusinessHoursIntervalInputRef],
      required: true,
      description: 'At least one opening interval (at most 168); intervals of one weekday must not overlap (touching is fine).',
    }),
    holidays: t.stringList({ description: 'Closed local dates "YYYY-MM-DD" (at most 3660); default none.' }),
    holidayCountry: t.string({ description: 'ISO 3166-1 alpha-2 code, upper case (e.g. "NL", "IT"), whose public holidays are closed days too.' }),
  }),
});

const UpdateBusinessCalendarInputRef = builder.inputType('UpdateBusinessCalendarInput', {
  description: 'Only the fields given change; the resulting calendar is validated as a whole.',
  fields: (t) => ({
    calendarId: t.id({ required: true, description: 'Global id of the BusinessCalendar.' }),
    name: t.string({ description: '1–100 characters, unique within the organization.' }),
    timezone: t.string({ description: 'IANA time zone.' }),
    hours: t.field({ type: [BusinessHoursIntervalInputRef], description: 'Replaces every opening interval (at least one).' }),
    holidays: t.stringList({ description: 'Replaces the closed dates "YYYY-MM-DD"; null or [] = none.' }),
    holidayCountry: t.string({ description: 'ISO 3166-1 alpha-2 code; null = no public holidays.' }),
  }),
});

const SlaConditionsInputRef = builder.inputType('SlaConditionsInput', {
  description: 'Which threads a policy applies to; a list omitted, null or empty matches anything. At most 50 entries per list.',
  fields: (t) => ({
    channelTypes: t.field({ type: [ChannelTypeEnum], description: "The thread's channel type is one of these." }),
    priorities: t.field({ type: [PriorityEnum], description: "The thread's priority is one of these." }),
    customerTiers: t.field({ type: [CustomerTierEnum], description: "The thread's customer has one of these tiers." }),
    threadTypes: t.field({ type: [ThreadTypeEnum], description: "The thread's type is one of these." }),
    teamIds: t.idList({ description: 'Global ids of teams of the organization.' }),
  }),
});

const SlaEscalationStepInputRef = builder.inputType('SlaEscalationStepInput', {
  description: 'One escalation step: exactly one of atPercent and afterBreachSeconds (else SLA_ESCALATION_INVALID).',
  fields: (t) => ({
    atPercent: t.int({ description: "Percent of the target's business time used, 1–1000 (100 = at the due date)." }),
    afterBreachSeconds: t.int({ description: 'Seconds after the due date on the wall clock, 0–2,592,000 (30 days).' }),
    action: t.field({ type: SlaActionEnum, required: true, description: 'What happens when the step fires.' }),
    notify: t.field({ type: [SlaNotifyTargetEnum], required: true, description: 'Who is notified; may be empty.' }),
  }),
});

const CreateSlaPolicyInputRef = builder.inputType('CreateSlaPolicyInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique within the organization, 1–100 characters.' }),
    firstResponseSeconds: t.int({ description: 'Business seconds to the first reply, 1–31,536,000; omitted: no such target.' }),
    nextResponseSeconds: t.int({ description: 'Business seconds to the next reply after a customer message, 1–31,536,000; omitted: no such target.' }),
    resolutionSeconds: t.int({ description: 'Business seconds to RESOLVED, 1–31,536,000; omitted: no such target.' }),
    calendarId: t.id({ description: 'Global id of a BusinessCalendar; omitted: 24/7.' }),
    conditions: t.field({ type: SlaConditionsInputRef, description: 'Omitted: every thread.' }),
    rank: t.int({ description: 'Lower wins, 0–10,000; default 100.' }),
    escalation: t.field({
      type: [SlaEscalationStepInputRef],
      description:
        'At most 20 steps, kept in the order given. Omitted: the default ladder (75 % REMIND [ASSIGNEE], 90 % ALERT [TEAM_LEAD], 100 % ESCALATE [TEAM_LEAD, MANAGERS], 86400 s after the breach EXECUTIVE_ALERT [ADMINS]); []: no steps.',
    }),
    isActive: t.boolean({ description: 'Default true.' }),
  }),
});

const UpdateSlaPolicyInputRef = builder.inputType('UpdateSlaPolicyInput', {
  description:
    'Only the fields given change. null clears a target and calendarId (24/7); null for conditions, rank, escalation or isActive leaves them unchanged. A given conditions or escalation replaces the whole value.',
  fields: (t) => ({
    policyId: t.id({ required: true, description: 'Global id of the SlaPolicy.' }),
    name: t.string({ description: '1–100 characters, unique within the organization.' }),
    firstResponseSeconds: t.int({ description: 'Business seconds, 1–31,536,000; null: no such target.' }),
    nextResponseSeconds: t.int({ description: 'Business seconds, 1–31,536,000; null: no such target.' }),
    resolutionSeconds: t.int({ description: 'Business seconds, 1–31,536,000; null: no such target.' }),
    calendarId: t.id({ description: 'Global id of a BusinessCalendar; null: 24/7.' }),
    conditions: t.field({ type: SlaConditionsInputRef, description: 'Replaces the conditions (a list left out = any); null: unchanged.' }),
    rank: t.int({ description: 'Lower wins, 0–10,000; null: unchanged.' }),
    escalation: t.field({ type: [SlaEscalationStepInputRef], description: 'Replaces the ladder: at most 20 steps, kept in order; [] = none; null: unchanged.' }),
    isActive: t.boolean({ description: 'false: the policy matches no thread; null: unchanged.' }),
  }),
});

const BusinessCalendarPayload = payloadType('BusinessCalendarPayload', 'businessCalendar', BusinessCalendarNode);
const SlaPolicyPayload = payloadType('SlaPolicyPayload', 'slaPolicy', SlaPolicyNode);

const DeleteSlaPolicyPayload = builder.objectRef<{ deletedPolicyId?: string; errors: UserErrorShape[] }>('DeleteSlaPolicyPayload').implement({
  fields: (t) => ({
    deletedPolicyId: t.id({
      nullable: true,
      description: 'Global id of the deleted SlaPolicy (null on error).',
      resolve: (p) => (p.deletedPolicyId ? encodeGlobalID('SlaPolicy', p.deletedPolicyId) : null),
    }),
    errors: t.field({ type: [UserError], description: 'Why nothing was deleted; empty on success.', resolve: (p) => p.errors }),
  }),
});

/** Decodes the global team ids of a conditions input (field paths "input.conditions.teamIds.<i>"). */
function decodeConditions(c: typeof SlaConditionsInputRef.$inferInput | null | undefined) {
  if (!c) return c;
  return { ...c, teamIds: c.teamIds?.map((id, i) => decodeId('Team', String(id), `input.conditions.teamIds.${i}`)) };
}

// ---------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------

builder.mutationFields((t) => ({
  createBusinessCalendar: t.field({
    authScopes: can('createBusinessCalendar'),
    type: BusinessCalendarPayload,
    description: 'Creates a business calendar (MANAGER and up; audited as businessCalendar.create). Errors: VALIDATION_FAILED, BUSINESS_CALENDAR_NAME_TAKEN.',
    args: { input: t.arg({ type: CreateBusinessCalendarInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => createBusinessCalendar(ctx, input)),
  }),
  updateBusinessCalendar: t.field({
    authScopes: can('updateBusinessCalendar'),
    type: BusinessCalendarPayload,
    description:
      'Changes a business calendar; the policies using it follow at once (MANAGER and up; audited as businessCalendar.update). Errors: NOT_FOUND, VALIDATION_FAILED, BUSINESS_CALENDAR_NAME_TAKEN.',
    args: { input: t.arg({ type: UpdateBusinessCalendarInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { calendarId, ...rest } = input;
        return updateBusinessCalendar(ctx, decodeId('BusinessCalendar', String(calendarId), 'input.calendarId'), rest);
      }),
  }),
  createSlaPolicy: t.field({
    authScopes: can('createSlaPolicy'),
    type: SlaPolicyPayload,
    description:
      'Creates an SLA policy (MANAGER and up; audited as slaPolicy.create). Errors: VALIDATION_FAILED, SLA_POLICY_NAME_TAKEN, SLA_ESCALATION_INVALID, NOT_FOUND (calendar, team).',
    args: { input: t.arg({ type: CreateSlaPolicyInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() =>
        createSlaPolicy(ctx, {
          ...input,
          calendarId: decodeOptionalId('BusinessCalendar', input.calendarId as string | null | undefined, 'input.calendarId'),
          conditions: decodeConditions(input.conditions),
        }),
      ),
  }),
  updateSlaPolicy: t.field({
    authScopes: can('updateSlaPolicy'),
    type: SlaPolicyPayload,
    description:
      'Changes an SLA policy; threads keep their due dates until the engine recomputes them (MANAGER and up; audited as slaPolicy.update). Errors: NOT_FOUND, VALIDATION_FAILED, SLA_POLICY_NAME_TAKEN, SLA_ESCALATION_INVALID.',
    args: { input: t.arg({ type: UpdateSlaPolicyInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { policyId, ...rest } = input;
        return updateSlaPolicy(ctx, decodeId('SlaPolicy', String(policyId), 'input.policyId'), {
          ...rest,
          calendarId: decodeOptionalId('BusinessCalendar', rest.calendarId as string | null | undefined, 'input.calendarId'),
          conditions: decodeConditions(rest.conditions),
        });
      }),
  }),
  deleteSlaPolicy: t.field({
    authScopes: can('deleteSlaPolicy'),
    type: DeleteSlaPolicyPayload,
    description: 'Deletes an SLA policy for good; threads that used it keep their due dates (MANAGER and up; audited as slaPolicy.delete). Errors: NOT_FOUND.',
    args: { policyId: t.arg.id({ required: true, description: 'Global id of the SlaPolicy.' }) },
    resolve: (_r, args, ctx) => runMutation(() => deleteSlaPolicy(ctx, decodeId('SlaPolicy', String(args.policyId), 'policyId')), ''),
  }),
}));
