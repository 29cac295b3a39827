/**
 * Routing rules: which team a new thread goes to. A rule's conditions are
 * lists (channel types, thread types, customer tiers, languages); an empty or
 * missing list matches anything, so a rule without conditions matches every
 * thread (give it the highest rank to make it the fallback). The active rule
 * with the lowest rank that matches wins (ties: oldest rule first).
 *
 * RoutingRule is not one of the tenant client's models (db/tenant.ts): every
 * query here names `organizationId` itself.
 */
import { z } from 'zod';
import type { RoutingRule } from '../../generated/prisma/client.js';
import { ChannelType, CustomerTier, ThreadType } from '../../generated/prisma/enums.js';
import type { Tx } from '../../db/tenant.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, isUniqueViolation, notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { ASSIGNMENT_ERRORS } from './assignment.errors.js';

/** A routing rule's conditions as stored in RoutingRule.conditions (every key present, [] = any). */
export interface RoutingConditions {
  channelTypes: ChannelType[];
  threadTypes: ThreadType[];
  customerTiers: CustomerTier[];
  /** BCP 47 tags; matched on the primary subtag, case-insensitive ("it" matches "it-CH"). */
  languages: string[];
}

/** What routing knows about a thread. */
export interface RoutingFacts {
  channelType: ChannelType;
  threadType: ThreadType;
  /** null for a thread without customer (matches no rule that names tiers). */
  customerTier: CustomerTier | null;
  /** The customer's Customer.language; null matches no rule that names languages. */
  language: string | null;
}

/** A skill name: 1–50 characters. */
export const SkillSchema = z.string().trim().min(1, 'A skill must not be empty.').max(50);
/** At most 50 skills, deduplicated. */
export const SkillsSchema = z
  .array(SkillSchema)
  .max(50)
  .transform((s) => [...new Set(s)]);
const LanguageSchema = z
  .string()
  .trim()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'A BCP 47 language tag, e.g. "it" or "nl-BE".');
const list = <T extends z.ZodType>(item: T) => z.array(item).max(50).nullish();

/** Conditions input: four optional lists of at most 50 entries (languages: BCP 47 tags). */
export const RoutingConditionsSchema = z.object({
  channelTypes: list(z.enum(ChannelType)),
  threadTypes: list(z.enum(ThreadType)),
  customerTiers: list(z.enum(CustomerTier)),
  languages: list(LanguageSchema),
});

const RuleName = z.string().trim().min(1, 'Name is required.').max(100);
const Rank = z.number().int().min(0).max(1_000_000);

/** createRoutingRule input (teamId already decoded): name 1–100 characters, rank 0–1,000,000, skills ≤ 50 of ≤ 50 characters. */
export const CreateRoutingRuleInput = z.object({
  name: RuleName,
  conditions: RoutingConditionsSchema.nullish(),
  teamId: z.string(),
  requiredSkills: SkillsSchema.nullish(),
  rank: Rank.nullish(),
  isActive: z.boolean().nullish(),
});

/** updateRoutingRule input: the create fields, each optional (null or undefined: unchanged). */
export const UpdateRoutingRuleInput = z.object({
  name: RuleName.nullish(),
  conditions: RoutingConditionsSchema.nullish(),
  teamId: z.string().nullish(),
  requiredSkills: SkillsSchema.nullish(),
  rank: Rank.nullish(),
  isActive: z.boolean().nullish(),
});

/** Conditions with every key present and duplicates removed (languages lower case). */
export function normalizeConditions(c: z.output<typeof RoutingConditionsSchema> | null | undefined): RoutingConditions {
  const uniq = <T>(v: T[] | null | undefined) => [...new Set(v ?? [])];
  return {
    channelTypes: uniq(c?.channelTypes),
    threadTypes: uniq(c?.threadTypes),
    customerTiers: uniq(c?.customerTiers),
    languages: uniq(c?.languages?.map((l) => l.toLowerCase())),
  };
}

/** A stored conditions value (JSON) read back; unknown keys ignored, missing lists empty. */
export function conditionsOf(rule: Pick<RoutingRule, 'conditions'>): RoutingConditions {
  const c = (rule.conditions ?? {}) as Partial<Record<keyof RoutingConditions, unknown>>;
  const arr = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return {
    channelTypes: arr(c.channelTypes) as ChannelType[],
    threadTypes: arr(c.threadTypes) as ThreadType[],
    customerTiers: arr(c.customerTiers) as CustomerTier[],
    languages: arr(c.languages),
  };
}

/** The primary subtag of a BCP 47 tag, lower case ("it-CH" → "it"); null for null/empty. */
export function primaryLanguage(tag: string | null | undefined): string | null {
  const primary = tag?.trim().split(/[-_]/)[0]?.toLowerCase();
  return primary ? primary : null;
}

/** Whether a rule's conditions match a thread's facts (every non-empty list must contain the fact). */
export function ruleMatches(conditions: RoutingConditions, facts: RoutingFacts): boolean {
  if (conditions.channelTypes.length && !conditions.channelTypes.includes(facts.channelType)) return false;
  if (conditions.threadTypes.length && !conditions.threadTypes.includes(facts.threadType)) return false;
  if (conditions.customerTiers.length && (!facts.customerTier || !conditions.customerTiers.includes(facts.customerTier))) return false;
  if (conditions.languages.length) {
    const lang = primaryLanguage(facts.language);
    if (!lang || !conditions.languages.some((l) => primaryLanguage(l) === lang)) return false;
  }
  return true;
}

/** The winning rule for a thread: the active matching rule with the lowest rank (then oldest); null when none matches. */
export async function matchRoutingRule(tx: Tx, organizationId: string, facts: RoutingFacts): Promise<RoutingRule | null> {
  const rules = await tx.routingRule.findMany({
    where: { organizationId, isActive: true },
    orderBy: [{ rank: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
  });
  return rules.find((r) => ruleMatches(conditionsOf(r), facts)) ?? null;
}

const nameTaken = () => new DomainError('ROUTING_RULE_NAME_TAKEN', ASSIGNMENT_ERRORS.ROUTING_RULE_NAME_TAKEN, 'input.name');

async function assertTeam(tx: Tx, teamId: string): Promise<void> {
  if (!(await tx.team.findUnique({ where: { id: teamId } }))) throw notFound('Team', 'input.teamId');
}

/**
 * Creates a routing rule (audit `routingRule.create`). Defaults: no
 * conditions (matches every thread), no required skills, rank 100, active.
 * Errors: VALIDATION_FAILED, NOT_FOUND (team), ROUTING_RULE_NAME_TAKEN.
 */
export async function createRoutingRule(ctx: HubContext, raw: z.input<typeof CreateRoutingRuleInput>): Promise<{ routingRule: RoutingRule }> {
  const input = CreateRoutingRuleInput.parse(raw);
  try {
    const routingRule = await ctx.db.$transaction(async (tx) => {
      await assertTeam(tx, input.teamId);
      const rule = await tx.routingRule.create({
        data: {
          organizationId: ctx.organizationId,
          name: input.name,
          conditions: normalizeConditions(input.conditions) as object,
          teamId: input.teamId,
          requiredSkills: input.requiredSkills ?? [],
          rank: input.rank ?? 100,
          isActive: input.isActive ?? true,
        },
      });
      await writeAudit(ctx, tx, { action: 'routingRule.create', entityType: 'RoutingRule', entityId: rule.id, after: rule });
      return rule;
    });
    return { routingRule };
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

/**
 * Changes a routing rule; fields not given (or null) stay as they are, a
 * given `conditions` replaces all four lists. Audit `routingRule.update` with
 * the changed fields. Errors: NOT_FOUND (rule, team), VALIDATION_FAILED, ROUTING_RULE_NAME_TAKEN.
 */
export async function updateRoutingRule(ctx: HubContext, ruleId: string, raw: z.input<typeof UpdateRoutingRuleInput>): Promise<{ routingRule: RoutingRule }> {
  const input = UpdateRoutingRuleInput.parse(raw);
  try {
    const routingRule = await ctx.db.$transaction(async (tx) => {
      const before = await tx.routingRule.findFirst({ where: { id: ruleId, organizationId: ctx.organizationId } });
      if (!before) throw notFound('RoutingRule', 'input.ruleId');
      if (input.teamId) await assertTeam(tx, input.teamId);
      const rule = await tx.routingRule.update({
        where: { id: ruleId },
        data: {
          ...(input.name != null ? { name: input.name } : {}),
          ...(input.conditions != null ? { conditions: normalizeConditions(input.conditions) as object } : {}),
          ...(input.teamId != null ? { teamId: input.teamId } : {}),
          ...(input.requiredSkills != null ? { requiredSkills: input.requiredSkills } : {}),
          ...(input.rank != null ? { rank: input.rank } : {}),
          ...(input.isActive != null ? { isActive: input.isActive } : {}),
        },
      });
      const changed = (Object.keys(rule) as (keyof RoutingRule)[]).filter((k) => k !== 'updatedAt' && JSON.stringify(before[k]) !== JSON.stringify(rule[k]));
      await writeAudit(ctx, tx, {
        action: 'routingRule.update',
        entityType: 'RoutingRule',
        entityId: rule.id,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, rule[k]])),
      });
      return rule;
    });
    return { routingRule };
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

/** Deletes a routing rule (audit `routingRule.delete` with the rule). Threads it routed keep their team. Errors: NOT_FOUND. */
export async function deleteRoutingRule(ctx: HubContext, ruleId: string): Promise<{ deletedRuleId: string }> {
  await ctx.db.$transaction(async (tx) => {
    const before = await tx.routingRule.findFirst({ where: { id: ruleId, organizationId: ctx.organizationId } });
    if (!before) throw notFound('RoutingRule', 'ruleId');
    await tx.routingRule.delete({ where: { id: ruleId } });
    await writeAudit(ctx, tx, { action: 'routingRule.delete', entityType: 'RoutingRule', entityId: ruleId, before });
  });
  return { deletedRuleId: ruleId };
}
