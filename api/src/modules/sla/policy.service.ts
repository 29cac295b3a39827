/**
 * SLA policies as settings: create, update and delete them (MANAGER and up,
 * audited), preview their due dates, and the pure helpers the SLA engine uses:
 * `matchPolicy` (which policy applies to a thread), `policyLadder` (the typed
 * escalation steps), `conditionsOf` and `dueDatesFor`.
 *
 * A policy row: `name` (≤ 100 characters, unique per organization); targets
 * `firstResponseSeconds`, `nextResponseSeconds`, `resolutionSeconds` in
 * business seconds of its calendar (1..31,536,000 each, null = no such
 * target); `calendarId` (null = 24/7); `conditions` (JSON
 * `{ channelTypes, priorities, customerTiers, threadTypes, teamIds }`, an
 * empty or missing list matches anything, teamIds are database ids); `rank`
 * (0..10,000, lower wins); `escalation` (JSON list of steps, see
 * `SlaEscalationStep`); `isActive`.
 *
 * Every query names `organizationId` itself: the tenant extension of `ctx.db`
 * (db/tenant.ts) does not list SlaPolicy / BusinessCalendar among its models.
 */
import { z } from 'zod';
import type { BusinessCalendar as BusinessCalendarRow, Prisma, SlaPolicy as SlaPolicyRow } from '../../generated/prisma/client.js';
import { ChannelType, CustomerTier, Priority, SlaAction, SlaNotifyTarget, ThreadType } from '../../generated/prisma/enums.js';
import type { Tx } from '../../db/tenant.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, isUniqueViolation, notFound } from '../../shared/errors.js';
import { diff, writeAudit } from '../audit/audit.service.js';
import { addBusinessSeconds, NoBusinessTimeError } from './business-time.js';
import type { BusinessCalendar } from './calendar.js';
import { calendarOf, settingsNameSchema } from './calendar.service.js';

/** Re-exported for the engine: the `BusinessCalendar` of a calendar row (null = 24/7); see calendar.service.ts. */
export { calendarOf };

/** Largest response or resolution target: 365 days, in seconds. */
export const MAX_TARGET_SECONDS = 31_536_000;
/** Most escalation steps a policy may have. */
export const MAX_ESCALATION_STEPS = 20;
/** Largest `atPercent` of a step (1000 % = ten times the target). */
export const MAX_AT_PERCENT = 1000;
/** Largest `afterBreachSeconds` of a step: 30 days, in seconds. */
export const MAX_AFTER_BREACH_SECONDS = 2_592_000;
/** Largest rank. */
export const MAX_RANK = 10_000;
/** Rank of a policy created without one (the column default). */
export const DEFAULT_RANK = 100;
/** Most entries of each conditions list. */
export const MAX_CONDITION_ENTRIES = 50;

/** What a policy applies to: a thread matches when every non-empty list contains the thread's value. */
export interface SlaConditions {
  channelTypes: ChannelType[];
  priorities: Priority[];
  customerTiers: CustomerTier[];
  threadTypes: ThreadType[];
  /** Database ids (uuid) of teams. */
  teamIds: string[];
}

/**
 * One step of an escalation ladder. It fires either when `atPercent` percent
 * of a target's business time is used (100 = at the due date; 1..1000), or
 * `afterBreachSeconds` seconds after the due date on the wall clock (not business time) (0..2,592,000):
 * exactly one of the two is a number, the other null. `action` says what
 * happens, `notify` who is told (possibly nobody).
 */
export type SlaEscalationStep =
  | { atPercent: number; afterBreachSeconds: null; action: SlaAction; notify: SlaNotifyTarget[] }
  | { atPercent: null; afterBreachSeconds: number; action: SlaAction; notify: SlaNotifyTarget[] };

/**
 * The ladder of a policy created without `escalation`: 75 % REMIND the
 * assignee, 90 % ALERT the team lead, 100 % ESCALATE to the team lead and the
 * managers, 86,400 s (one day) after the breach EXECUTIVE_ALERT to the admins.
 */
export const DEFAULT_ESCALATION: readonly SlaEscalationStep[] = Object.freeze([
  { atPercent: 75, afterBreachSeconds: null, action: 'REMIND', notify: ['ASSIGNEE'] },
  { atPercent: 90, afterBreachSeconds: null, action: 'ALERT', notify: ['TEAM_LEAD'] },
  { atPercent: 100, afterBreachSeconds: null, action: 'ESCALATE', notify: ['TEAM_LEAD', 'MANAGERS'] },
  { atPercent: null, afterBreachSeconds: 86_400, action: 'EXECUTIVE_ALERT', notify: ['ADMINS'] },
] satisfies SlaEscalationStep[]);

/** The facts of a thread a policy's conditions look at; null/undefined matches only an empty (any) list. */
export interface PolicyFacts {
  channelType?: ChannelType | null;
  priority?: Priority | null;
  customerTier?: CustomerTier | null;
  threadType?: ThreadType | null;
  /** Database id of the thread's team. */
  teamId?: string | null;
}

/** The columns `matchPolicy` reads of a policy (a SlaPolicy row has them all). */
export interface MatchablePolicy {
  id: string;
  rank: number;
  isActive: boolean;
  /** The JSON `conditions` column (see `SlaConditions`). */
  conditions: unknown;
}

/** Due dates of a policy's targets; null where the policy has no such target. */
export interface SlaDueDates {
  firstResponseDueAt: Date | null;
  nextResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
}

// ---------------------------------------------------------------------------
// Pure helpers (the engine's side)
// ---------------------------------------------------------------------------

const CONDITION_VALUES = {
  channelTypes: new Set<string>(Object.values(ChannelType)),
  priorities: new Set<string>(Object.values(Priority)),
  customerTiers: new Set<string>(Object.values(CustomerTier)),
  threadTypes: new Set<string>(Object.values(ThreadType)),
  teamIds: null,
} as const;

/**
 * The typed conditions of a policy's JSON `conditions` column: all five lists,
 * [] for a missing one (any). Entries that are not valid values are dropped
 * (rows written through this service never have any).
 * @param policy a SlaPolicy row, or anything with its `conditions` JSON.
 */
export function conditionsOf(policy: { conditions: unknown }): SlaConditions {
  const raw = (policy.conditions && typeof policy.conditions === 'object' ? policy.conditions : {}) as Record<string, unknown>;
  const list = (key: keyof SlaConditions) => {
    const values = Array.isArray(raw[key]) ? (raw[key] as unknown[]) : [];
    const allowed = CONDITION_VALUES[key];
    return values.filter((v): v is string => typeof v === 'string' && (allowed === null || allowed.has(v)));
  };
  return {
    channelTypes: list('channelTypes') as ChannelType[],
    priorities: list('priorities') as Priority[],
    customerTiers: list('customerTiers') as CustomerTier[],
    threadTypes: list('threadTypes') as ThreadType[],
    teamIds: list('teamIds'),
  };
}

/**
 * Whether a thread with `facts` satisfies conditions: every non-empty list
 * contains the corresponding fact (channelTypes ↔ channelType, priorities ↔
 * priority, customerTiers ↔ customerTier, threadTypes ↔ threadType, teamIds ↔
 * teamId); a fact that is null/undefined satisfies only an empty list.
 */
export function matchesConditions(conditions: SlaConditions, facts: PolicyFacts): boolean {
  const ok = (list: readonly string[], value: string | null | undefined) => list.length === 0 || (value != null && list.includes(value));
  return (
    ok(conditions.channelTypes, facts.channelType) &&
    ok(conditions.priorities, facts.priority) &&
    ok(conditions.customerTiers, facts.customerTier) &&
    ok(conditions.threadTypes, facts.threadType) &&
    ok(conditions.teamIds, facts.teamId)
  );
}

/**
 * The policy that applies to a thread: among the active policies whose
 * conditions all match `facts`, the one with the lowest rank; on equal rank
 * the oldest (lowest id: ids are uuid v7, ordered by creation). Pure: no
 * database access, so the caller loads the organization's policies (e.g.
 * `findMany({ where: { organizationId, isActive: true } })`) once and may
 * reuse them for many threads.
 * @param policies SlaPolicy rows (or objects with id, rank, isActive, conditions), in any order.
 * @param facts the thread's channel type, priority, customer tier, thread type and team id (database id).
 * @returns the matching policy (the same object), or null when none matches.
 */
export function matchPolicy<P extends MatchablePolicy>(policies: readonly P[], facts: PolicyFacts): P | null {
  let best: P | null = null;
  for (const p of policies) {
    if (!p.isActive || !matchesConditions(conditionsOf(p), facts)) continue;
    if (!best || p.rank < best.rank || (p.rank === best.rank && p.id.toLowerCase() < best.id.toLowerCase())) best = p;
  }
  return best;
}

const isNotifyTarget = (v: unknown): v is SlaNotifyTarget => typeof v === 'string' && (Object.values(SlaNotifyTarget) as string[]).includes(v);
const isAction = (v: unknown): v is SlaAction => typeof v === 'string' && (Object.values(SlaAction) as string[]).includes(v);
const isWholeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * The typed escalation ladder of a policy's JSON `escalation` column, in the
 * stored order (the index of a step in this list is `SlaEvent.step`). Each
 * step has exactly one of `atPercent` (percent of the target used) and
 * `afterBreachSeconds` (business seconds after the due date) as a number, the
 * other null. A malformed entry (never written by this service) is dropped.
 * @param policy a SlaPolicy row, or anything with its `escalation` JSON.
 */
export function policyLadder(policy: { escalation: unknown }): SlaEscalationStep[] {
  const raw = Array.isArray(policy.escalation) ? (policy.escalation as unknown[]) : [];
  const out: SlaEscalationStep[] = [];
  for (const s of raw) {
    if (!s || typeof s !== 'object') continue;
    const step = s as Record<string, unknown>;
    if (!isAction(step.action)) continue;
    const notify = Array.isArray(step.notify) ? step.notify.filter(isNotifyTarget) : [];
    const pct = step.atPercent ?? null;
    const after = step.afterBreachSeconds ?? null;
    if (isWholeNumber(pct) && after === null) out.push({ atPercent: pct, afterBreachSeconds: null, action: step.action, notify });
    else if (isWholeNumber(after) && pct === null) out.push({ atPercent: null, afterBreachSeconds: after, action: step.action, notify });
  }
  return out;
}

/**
 * The due dates of a policy's targets for a customer message arriving at
 * `at` (the first message of a thread: every clock starts then), counting
 * business time on `calendar` with `addBusinessSeconds`.
 * @param policy the targets, in business seconds (null = no such target).
 * @param calendar from `calendarOf(policy.calendar)`; null = 24/7.
 * @param at when the customer message arrives.
 * @throws NoBusinessTimeError when the calendar has no open time in the search horizon.
 */
export function dueDatesFor(
  policy: Pick<SlaPolicyRow, 'firstResponseSeconds' | 'nextResponseSeconds' | 'resolutionSeconds'>,
  calendar: BusinessCalendar | null,
  at: Date,
): SlaDueDates {
  const due = (seconds: number | null) => (seconds == null ? null : addBusinessSeconds(calendar, at, seconds));
  return {
    firstResponseDueAt: due(policy.firstResponseSeconds),
    nextResponseDueAt: due(policy.nextResponseSeconds),
    resolutionDueAt: due(policy.resolutionSeconds),
  };
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

const targetSeconds = z
  .number()
  .int('a target must be a whole number of seconds')
  .min(1, 'a target must be at least 1 second')
  .max(MAX_TARGET_SECONDS, `a target must be at most ${MAX_TARGET_SECONDS} seconds (365 days)`);

const conditionList = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_CONDITION_ENTRIES, `at most ${MAX_CONDITION_ENTRIES} entries`).nullish();

const conditionsSchema = z.object({
  channelTypes: conditionList(z.enum(ChannelType)),
  priorities: conditionList(z.enum(Priority)),
  customerTiers: conditionList(z.enum(CustomerTier)),
  threadTypes: conditionList(z.enum(ThreadType)),
  teamIds: conditionList(z.string()),
});

const stepSchema = z.object({
  atPercent: z.number().int('atPercent must be a whole number').min(1, 'atPercent must be from 1 to 1000').max(MAX_AT_PERCENT, 'atPercent must be from 1 to 1000').nullish(),
  afterBreachSeconds: z
    .number()
    .int('afterBreachSeconds must be a whole number of seconds')
    .min(0, 'afterBreachSeconds must be from 0 to 2592000 seconds (30 days)')
    .max(MAX_AFTER_BREACH_SECONDS, 'afterBreachSeconds must be from 0 to 2592000 seconds (30 days)')
    .nullish(),
  action: z.enum(SlaAction),
  notify: z.array(z.enum(SlaNotifyTarget)).max(MAX_CONDITION_ENTRIES, `at most ${MAX_CONDITION_ENTRIES} entries`),
});

const policyFields = {
  name: settingsNameSchema,
  firstResponseSeconds: targetSeconds.nullish(),
  nextResponseSeconds: targetSeconds.nullish(),
  resolutionSeconds: targetSeconds.nullish(),
  /** Database id of the calendar (decoded by the schema). */
  calendarId: z.string().nullish(),
  conditions: conditionsSchema.nullish(),
  rank: z.number().int('rank must be a whole number').min(0, 'rank must be from 0 to 10000').max(MAX_RANK, 'rank must be from 0 to 10000').nullish(),
  escalation: z.array(stepSchema).max(MAX_ESCALATION_STEPS, `at most ${MAX_ESCALATION_STEPS} escalation steps`).nullish(),
  isActive: z.boolean().nullish(),
};

/** zod schema of createSlaPolicy's input (ids already decoded to database ids). */
export const CreateSlaPolicyInput = z.object(policyFields);
/** zod schema of updateSlaPolicy's input: every field optional; see `updateSlaPolicy` for what null means. */
export const UpdateSlaPolicyInput = z.object({ ...policyFields, name: settingsNameSchema.nullish() });

/** Input of createSlaPolicy: targets in business seconds, ids as database ids; see the module comment. */
export type CreateSlaPolicyInputShape = z.input<typeof CreateSlaPolicyInput>;
/** Input of updateSlaPolicy (without the policy id). */
export type UpdateSlaPolicyInputShape = z.input<typeof UpdateSlaPolicyInput>;

const unique = <T>(xs: readonly T[] | null | undefined): T[] => [...new Set(xs ?? [])];

/** The stored form of conditions: all five lists, without duplicates. */
function normalizeConditions(c: z.output<typeof conditionsSchema> | null | undefined): SlaConditions {
  return {
    channelTypes: unique(c?.channelTypes),
    priorities: unique(c?.priorities),
    customerTiers: unique(c?.customerTiers),
    threadTypes: unique(c?.threadTypes),
    teamIds: unique(c?.teamIds),
  };
}

/**
 * Checks the ladder rules zod does not express and returns the stored form
 * (each step with only its trigger key): exactly one of atPercent /
 * afterBreachSeconds per step, no two steps with the same trigger and action.
 * @throws DomainError SLA_ESCALATION_INVALID (field "input.escalation.<index>").
 */
function normalizeLadder(steps: z.output<typeof stepSchema>[]): Prisma.InputJsonValue {
  const seen = new Set<string>();
  return steps.map((s, i) => {
    const field = `input.escalation.${i}`;
    const hasPct = s.atPercent != null;
    const hasAfter = s.afterBreachSeconds != null;
    if (hasPct === hasAfter) {
      throw new DomainError('SLA_ESCALATION_INVALID', `Escalation step ${i + 1} must have exactly one of atPercent and afterBreachSeconds${hasPct ? ', not both' : ''}.`, field);
    }
    const key = `${hasPct ? `p${s.atPercent}` : `b${s.afterBreachSeconds}`}:${s.action}`;
    if (seen.has(key)) throw new DomainError('SLA_ESCALATION_INVALID', `Escalation step ${i + 1} repeats an earlier step (same trigger and action).`, field);
    seen.add(key);
    const notify = unique(s.notify);
    return hasPct ? { atPercent: s.atPercent!, action: s.action, notify } : { afterBreachSeconds: s.afterBreachSeconds!, action: s.action, notify };
  });
}

const storedLadder = (steps: readonly SlaEscalationStep[]): Prisma.InputJsonValue =>
  steps.map((s) =>
    s.atPercent !== null
      ? { atPercent: s.atPercent, action: s.action, notify: [...s.notify] }
      : { afterBreachSeconds: s.afterBreachSeconds, action: s.action, notify: [...s.notify] },
  );

/** NOT_FOUND unless the calendar is one of the organization's. */
async function assertCalendar(ctx: HubContext, tx: Tx, calendarId: string) {
  const found = await tx.businessCalendar.findFirst({ where: { id: calendarId, organizationId: ctx.organizationId }, select: { id: true } });
  if (!found) throw notFound('BusinessCalendar', 'input.calendarId');
}

/** NOT_FOUND (field "input.conditions.teamIds.<i>") unless every team is one of the organization's. */
async function assertTeams(tx: Tx, teamIds: string[]) {
  if (teamIds.length === 0) return;
  const found = new Set((await tx.team.findMany({ where: { id: { in: teamIds } }, select: { id: true } })).map((t) => t.id));
  const missing = teamIds.findIndex((id) => !found.has(id));
  if (missing >= 0) throw notFound('Team', `input.conditions.teamIds.${missing}`);
}

async function assertPolicyNameFree(ctx: HubContext, tx: Tx, name: string, exceptId?: string) {
  const taken = await tx.slaPolicy.findFirst({
    where: { organizationId: ctx.organizationId, name, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (taken) throw nameTaken(name);
}

const nameTaken = (name: string) => new DomainError('SLA_POLICY_NAME_TAKEN', `Another SLA policy is already called "${name}".`, 'input.name');

// ---------------------------------------------------------------------------
// Mutations and the preview
// ---------------------------------------------------------------------------

/**
 * Creates an SLA policy and writes `slaPolicy.create`. Without `escalation`
 * it gets `DEFAULT_ESCALATION`; `escalation: []` means no steps. Defaults:
 * rank 100, conditions any, no calendar (24/7), active.
 * @param raw targets in business seconds; calendarId and conditions.teamIds as database ids.
 * @returns `{ slaPolicy }`, the new row.
 * @throws ZodError (→ VALIDATION_FAILED); DomainError SLA_POLICY_NAME_TAKEN, SLA_ESCALATION_INVALID,
 *   NOT_FOUND (calendar "input.calendarId", team "input.conditions.teamIds.<i>").
 */
export async function createSlaPolicy(ctx: HubContext, raw: CreateSlaPolicyInputShape): Promise<{ slaPolicy: SlaPolicyRow }> {
  const input = CreateSlaPolicyInput.parse(raw);
  const escalation = input.escalation == null ? storedLadder(DEFAULT_ESCALATION) : normalizeLadder(input.escalation);
  const conditions = normalizeConditions(input.conditions);
  try {
    const slaPolicy = await ctx.db.$transaction(async (tx) => {
      await assertPolicyNameFree(ctx, tx, input.name);
      if (input.calendarId) await assertCalendar(ctx, tx, input.calendarId);
      await assertTeams(tx, conditions.teamIds);
      const row = await tx.slaPolicy.create({
        data: {
          organizationId: ctx.organizationId,
          name: input.name,
          firstResponseSeconds: input.firstResponseSeconds ?? null,
          nextResponseSeconds: input.nextResponseSeconds ?? null,
          resolutionSeconds: input.resolutionSeconds ?? null,
          calendarId: input.calendarId ?? null,
          conditions: conditions as unknown as Prisma.InputJsonValue,
          rank: input.rank ?? DEFAULT_RANK,
          escalation,
          isActive: input.isActive ?? true,
        },
      });
      await writeAudit(ctx, tx, { action: 'slaPolicy.create', entityType: 'SlaPolicy', entityId: row.id, after: row });
      return row;
    });
    return { slaPolicy };
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name); // a concurrent create won the name
    throw err;
  }
}

/**
 * Updates an SLA policy and writes `slaPolicy.update` (changed columns).
 * Omitted (undefined) fields stay as they are. null: a target → no such
 * target; `calendarId` → no calendar (24/7); `name` → VALIDATION_FAILED;
 * `conditions`, `rank`, `escalation`, `isActive` → unchanged. A given
 * `conditions` replaces the whole object (a list left out = any); a given
 * `escalation` replaces the ladder ([] = no steps). Threads keep the due dates
 * they have until the engine recomputes them.
 * @param id database id of the policy.
 * @param raw as for create, every field optional.
 * @returns `{ slaPolicy }`, the updated row.
 * @throws DomainError NOT_FOUND ("input.policyId", "input.calendarId", "input.conditions.teamIds.<i>"),
 *   SLA_POLICY_NAME_TAKEN, SLA_ESCALATION_INVALID; ZodError (→ VALIDATION_FAILED).
 */
export async function updateSlaPolicy(ctx: HubContext, id: string, raw: UpdateSlaPolicyInputShape): Promise<{ slaPolicy: SlaPolicyRow }> {
  const input = UpdateSlaPolicyInput.parse(raw);
  if (input.name === null) throw new DomainError('VALIDATION_FAILED', 'name is required.', 'input.name');
  const name = input.name;
  const escalation = input.escalation == null ? undefined : normalizeLadder(input.escalation);
  const conditions = input.conditions == null ? undefined : normalizeConditions(input.conditions);
  try {
    const slaPolicy = await ctx.db.$transaction(async (tx) => {
      const before = await tx.slaPolicy.findFirst({ where: { id, organizationId: ctx.organizationId } });
      if (!before) throw notFound('SlaPolicy', 'input.policyId');
      if (name !== undefined && name !== before.name) await assertPolicyNameFree(ctx, tx, name, id);
      if (input.calendarId) await assertCalendar(ctx, tx, input.calendarId);
      if (conditions) await assertTeams(tx, conditions.teamIds);
      const data: Prisma.SlaPolicyUncheckedUpdateInput = {};
      if (name !== undefined) data.name = name;
      for (const k of ['firstResponseSeconds', 'nextResponseSeconds', 'resolutionSeconds', 'calendarId'] as const) {
        if (input[k] !== undefined) data[k] = input[k];
      }
      if (conditions) data.conditions = conditions as unknown as Prisma.InputJsonValue;
      if (input.rank != null) data.rank = input.rank;
      if (escalation !== undefined) data.escalation = escalation;
      if (input.isActive != null) data.isActive = input.isActive;
      const row = await tx.slaPolicy.update({ where: { id, organizationId: ctx.organizationId }, data });
      await writeAudit(ctx, tx, { action: 'slaPolicy.update', entityType: 'SlaPolicy', entityId: id, ...diff(before, row) });
      return row;
    });
    return { slaPolicy };
  } catch (err) {
    if (isUniqueViolation(err) && name) throw nameTaken(name);
    throw err;
  }
}

/**
 * Deletes an SLA policy for good and writes `slaPolicy.delete` (the deleted
 * row as `before`). Threads that used it keep their due dates (their
 * slaPolicyId becomes null, ON DELETE SET NULL), and so do its SlaEvents.
 * @param id database id of the policy.
 * @returns `{ deletedPolicyId }`, the database id.
 * @throws DomainError NOT_FOUND (field "policyId").
 */
export async function deleteSlaPolicy(ctx: HubContext, id: string): Promise<{ deletedPolicyId: string }> {
  await ctx.db.$transaction(async (tx) => {
    const before = await tx.slaPolicy.findFirst({ where: { id, organizationId: ctx.organizationId } });
    if (!before) throw notFound('SlaPolicy', 'policyId');
    await tx.slaPolicy.delete({ where: { id, organizationId: ctx.organizationId } });
    await writeAudit(ctx, tx, { action: 'slaPolicy.delete', entityType: 'SlaPolicy', entityId: id, before });
  });
  return { deletedPolicyId: id };
}

/**
 * The due dates a policy would give for a customer message arriving at `at`
 * (`dueDatesFor` on the policy's calendar, 24/7 without one). Works for
 * inactive policies too; changes nothing.
 * @param policyId database id of the policy.
 * @throws DomainError NOT_FOUND (field "policyId"); BUSINESS_CALENDAR_NEVER_OPEN when the calendar has
 *   no open time in the 3-year search horizon (e.g. every opening day a holiday).
 */
export async function slaPreview(ctx: HubContext, policyId: string, at: Date): Promise<SlaDueDates> {
  const policy: (SlaPolicyRow & { calendar: BusinessCalendarRow | null }) | null = await ctx.db.slaPolicy.findFirst({
    where: { id: policyId, organizationId: ctx.organizationId },
    include: { calendar: true },
  });
  if (!policy) throw notFound('SlaPolicy', 'policyId');
  try {
    return dueDatesFor(policy, calendarOf(policy.calendar), at);
  } catch (err) {
    if (err instanceof NoBusinessTimeError) throw new DomainError('BUSINESS_CALENDAR_NEVER_OPEN', `The policy's business calendar is never open: ${err.message}.`, 'policyId');
    throw err;
  }
}
