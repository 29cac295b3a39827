/**
 * Message templates: Handlebars texts in one or more languages (one row per
 * language, the variants of a template share its name), checked at save
 * against the variable table (template.variables.ts), rendered against a
 * thread with the gaps left visible, and refused when inactive.
 */
import { z } from 'zod';
import type { Template } from '../../generated/prisma/client.js';
import { BusinessEntity, ChannelType, TemplateCategory } from '../../generated/prisma/enums.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { sanitizeHtml } from '../../shared/html.js';
import { withoutUndefined } from '../../shared/objects.js';
import { writeAudit, diff } from '../audit/audit.service.js';
import { TEMPLATE_ERRORS } from './template.errors.js';
import { pickVariant, primaryLanguage, suggestTemplateLanguage, type LanguageSuggestion } from './template.language.js';
import { checkTemplateSource, isKnownVariable, renderSource, variablesOf, type TemplateData } from './template.variables.js';

export { variablesOf } from './template.variables.js';

const SHORTCUT = /^[a-z0-9][a-z0-9-]{1,31}$/;

const fields = {
  name: z.string().trim().min(1, 'Name is required.').max(120),
  category: z.enum(TemplateCategory),
  channelType: z.enum(ChannelType).nullish(),
  subjectTemplate: z.string().max(1_000).nullish(),
  bodyTemplate: z.string().trim().min(1, 'The body is empty.').max(10_000),
  htmlTemplate: z.string().max(200_000).nullish(),
  variables: z.array(z.string().trim().min(1).max(120)).max(50).nullish(),
  businessEntity: z.enum(BusinessEntity).nullish(),
  isActive: z.boolean().nullish(),
  locale: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'A BCP 47 language tag, e.g. "nl" or "it".')
    .nullish(),
  shortcut: z
    .string()
    .trim()
    .transform((s) => s.replace(/^\//, '').toLowerCase())
    .pipe(z.string().regex(SHORTCUT, 'A shortcut is 2–32 lower-case letters, digits or "-", e.g. "fattura".'))
    .nullish(),
};
export const CreateTemplateInput = z.object(fields);
export const UpdateTemplateInput = z.object(fields).partial();

type Sources = { subjectTemplate?: string | null; bodyTemplate: string; htmlTemplate?: string | null };

/**
 * Checks the sources of a template and its declared variables; returns the
 * data paths the sources use (what `Template.variables` stores), sorted.
 * Throws DomainError: TEMPLATE_SYNTAX_ERROR, TEMPLATE_HELPER_UNSUPPORTED,
 * TEMPLATE_VARIABLE_UNKNOWN (field: the source, or `input.variables.<i>` for a
 * declared one), TEMPLATE_VARIABLE_UNDECLARED (a used variable missing from a
 * given `declared` list; declared variables the sources do not use are dropped).
 */
export function checkTemplate(sources: Sources, declared?: readonly string[] | null): string[] {
  const used = new Set<string>();
  const each: [keyof Sources, string | null | undefined][] = [
    ['subjectTemplate', sources.subjectTemplate],
    ['bodyTemplate', sources.bodyTemplate],
    ['htmlTemplate', sources.htmlTemplate],
  ];
  const perSource: [keyof Sources, string[]][] = [];
  for (const [key, src] of each) {
    if (!src) continue;
    const paths = checkTemplateSource(src, `input.${key}`).map((u) => u.path);
    perSource.push([key, paths]);
    for (const p of paths) used.add(p);
  }
  if (declared) {
    declared.forEach((p, i) => {
      if (!isKnownVariable(p))
        throw new DomainError('TEMPLATE_VARIABLE_UNKNOWN', `${p} is not a template variable (see templateVariables for the ones that exist).`, `input.variables.${i}`);
    });
    for (const [key, paths] of perSource) {
      const undeclared = paths.find((p) => !declared.includes(p));
      if (undeclared) throw new DomainError('TEMPLATE_VARIABLE_UNDECLARED', `{{${undeclared}}} is used but not declared in variables.`, `input.${key}`);
    }
  }
  return [...used].sort();
}

/** Another template family (other name) that already uses the shortcut, if any. */
async function shortcutTaken(tx: Pick<HubContext['db'], 'template'>, shortcut: string, name: string): Promise<boolean> {
  return (await tx.template.count({ where: { shortcut, name: { not: name } } })) > 0;
}

/**
 * Creates a template (one language variant). Errors (DomainError, nothing
 * stored): VALIDATION_FAILED (zod: name, body, locale, shortcut format), the
 * checks of {@link checkTemplate}, CONFLICT (name + locale taken, field
 * input.name; shortcut used by another template, field input.shortcut).
 */
export async function createTemplate(ctx: HubContext, raw: z.input<typeof CreateTemplateInput>): Promise<{ template: Template }> {
  const input = CreateTemplateInput.parse(raw);
  const variables = checkTemplate(input, input.variables);
  return ctx.db.$transaction(async (tx) => {
    const locale = input.locale ?? 'nl';
    if (await tx.template.findFirst({ where: { name: input.name, locale } })) {
      throw new DomainError('CONFLICT', 'A template with this name and locale exists.', 'input.name');
    }
    if (input.shortcut && (await shortcutTaken(tx, input.shortcut, input.name))) {
      throw new DomainError('CONFLICT', `Another template already uses the shortcut /${input.shortcut}.`, 'input.shortcut');
    }
    const template = await tx.template.create({
      data: {
        organizationId: ctx.organizationId,
        name: input.name,
        category: input.category,
        channelType: input.channelType ?? null,
        subjectTemplate: input.subjectTemplate || null,
        bodyTemplate: input.bodyTemplate,
        htmlTemplate: input.htmlTemplate || null,
        variables,
        businessEntity: input.businessEntity ?? 'ALL',
        isActive: input.isActive ?? true,
        locale,
        shortcut: input.shortcut ?? null,
      },
    });
    await writeAudit(ctx, tx, { action: 'template.create', entityType: 'Template', entityId: template.id, after: template });
    return { template };
  });
}

/**
 * Updates a template; the sources after the update are checked like at
 * creation and `variables` recomputed. Errors: NOT_FOUND (input.templateId),
 * VALIDATION_FAILED, the checks of {@link checkTemplate}, CONFLICT (name +
 * locale or shortcut taken).
 */
export async function updateTemplate(ctx: HubContext, id: string, raw: z.input<typeof UpdateTemplateInput>): Promise<{ template: Template }> {
  const input = UpdateTemplateInput.parse(raw);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.template.findUnique({ where: { id } });
    if (!before) throw notFound('Template', 'input.templateId');
    const after = {
      subjectTemplate: input.subjectTemplate !== undefined ? input.subjectTemplate || null : before.subjectTemplate,
      bodyTemplate: input.bodyTemplate ?? before.bodyTemplate,
      htmlTemplate: input.htmlTemplate !== undefined ? input.htmlTemplate || null : before.htmlTemplate,
    };
    const variables = checkTemplate(after, input.variables);
    const name = input.name ?? before.name;
    const locale = input.locale ?? before.locale;
    if ((name !== before.name || locale !== before.locale) && (await tx.template.findFirst({ where: { name, locale, id: { not: id } } }))) {
      throw new DomainError('CONFLICT', 'A template with this name and locale exists.', 'input.name');
    }
    const shortcut = input.shortcut !== undefined ? input.shortcut : before.shortcut;
    if (shortcut && (await shortcutTaken(tx, shortcut, name))) {
      throw new DomainError('CONFLICT', `Another template already uses the shortcut /${shortcut}.`, 'input.shortcut');
    }
    const data = withoutUndefined({
      name: input.name ?? undefined,
      category: input.category ?? undefined,
      channelType: input.channelType,
      ...after,
      variables,
      businessEntity: input.businessEntity ?? undefined,
      isActive: input.isActive ?? undefined,
      locale: input.locale ?? undefined,
      shortcut: input.shortcut,
    });
    const template = await tx.template.update({ where: { id }, data: data as never });
    await writeAudit(ctx, tx, { action: 'template.update', entityType: 'Template', entityId: id, ...diff(before, template) });
    return { template };
  });
}

// ---------------------------------------------------------------- families and languages

/** The language variants of one template, grouped by name (what the picker shows as one entry). */
export interface TemplateFamily {
  name: string;
  variants: Template[];
  /** The variant to offer first: in the thread's suggested language when the family has it (see {@link pickVariant}). */
  defaultTemplate: Template;
}

/**
 * Active templates grouped by name, by name; each family's variants ordered by
 * language, with a default variant for the thread's suggested language (or the
 * organization's locale without a thread). `channelType` (default: the
 * thread's channel type) keeps templates of that channel type and of every
 * channel; `search` keeps families whose name or a shortcut contains it
 * (case-insensitive, a leading "/" ignored). Errors: NOT_FOUND (thread).
 */
export async function templateFamilies(
  ctx: HubContext,
  args: { threadId?: string | null; channelType?: ChannelType | null; search?: string | null },
): Promise<{ families: TemplateFamily[]; suggestion: LanguageSuggestion | null }> {
  let channelType = args.channelType ?? null;
  let suggestion: LanguageSuggestion | null = null;
  if (args.threadId) {
    const thread = await ctx.db.thread.findUnique({ where: { id: args.threadId }, select: { channel: { select: { type: true } } } });
    if (!thread) throw notFound('Thread', 'threadId');
    channelType ??= thread.channel.type;
    suggestion = await suggestTemplateLanguage(ctx, args.threadId);
  }
  const org = await ctx.deps.db.prisma.organization.findUnique({ where: { id: ctx.organizationId }, select: { locale: true } });
  const rows = await ctx.db.template.findMany({
    where: { isActive: true, ...(channelType ? { OR: [{ channelType }, { channelType: null }] } : {}) },
    orderBy: [{ name: 'asc' }, { locale: 'asc' }, { id: 'asc' }],
  });
  const byName = new Map<string, Template[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const q = args.search?.trim().replace(/^\//, '').toLowerCase();
  const families: TemplateFamily[] = [];
  for (const [name, variants] of byName) {
    if (q && !name.toLowerCase().includes(q) && !variants.some((v) => v.shortcut?.includes(q))) continue;
    families.push({ name, variants, defaultTemplate: pickVariant(variants, suggestion?.language ?? null, org?.locale ?? null)! });
  }
  return { families, suggestion };
}

// ---------------------------------------------------------------- rendering

export interface RenderedTemplate {
  /** The variant rendered (the one asked for, or its sibling in `language`). */
  template: Template;
  subject: string | null;
  body: string;
  html: string | null;
  /** Printed variables without a value for this thread, left as `{{path}}` in the text; sorted. */
  missing: string[];
}

/**
 * Renders a template for a thread. Variables come from the table in
 * template.variables.ts (customer, thread, SLA due times in the organization's
 * time zone and the template's language, agent, organization). A printed
 * variable without a value stays in the text as its placeholder, e.g.
 * `{{customer.pec}}`, and is listed in `missing`.
 *
 * `language`: render the variant of the same template (same name) in that
 * language instead (primary subtag compared, "it-CH" → "it").
 * Errors (DomainError): NOT_FOUND (template, thread; `language` when the
 * template has no active variant in it), TEMPLATE_INACTIVE.
 */
export async function renderTemplateForThread(ctx: HubContext, templateId: string, threadId: string, language?: string | null): Promise<RenderedTemplate> {
  const [asked, thread, org] = await Promise.all([
    ctx.db.template.findUnique({ where: { id: templateId } }),
    ctx.db.thread.findUnique({ where: { id: threadId }, include: { customer: true, assignee: true, channel: { select: { name: true, type: true } } } }),
    ctx.deps.db.prisma.organization.findUnique({ where: { id: ctx.organizationId }, select: { name: true, timezone: true } }),
  ]);
  if (!asked) throw notFound('Template', 'templateId');
  if (!thread) throw notFound('Thread', 'threadId');
  let template = asked;
  const lang = primaryLanguage(language);
  if (lang && primaryLanguage(asked.locale) !== lang) {
    const siblings = await ctx.db.template.findMany({ where: { name: asked.name }, orderBy: { locale: 'asc' } });
    const sibling = siblings.find((s) => primaryLanguage(s.locale) === lang && s.isActive) ?? siblings.find((s) => primaryLanguage(s.locale) === lang);
    if (!sibling) throw new DomainError('NOT_FOUND', `"${asked.name}" has no ${lang} variant.`, 'language');
    template = sibling;
  }
  if (!template.isActive) throw new DomainError('TEMPLATE_INACTIVE', TEMPLATE_ERRORS.TEMPLATE_INACTIVE, 'templateId');

  const viewer = ctx.viewer?.kind === 'USER' ? ctx.viewer : null;
  const data: TemplateData = {
    customer: thread.customer,
    thread: { ...thread, channel: thread.channel },
    agent: viewer ? { name: viewer.name, email: viewer.email } : thread.assignee ? { name: thread.assignee.name, email: thread.assignee.email } : null,
    organization: { name: org?.name ?? '', timezone: org?.timezone ?? 'Europe/Amsterdam' },
    language: template.locale,
  };
  const missing = new Set<string>();
  const render = (src: string | null, escapeHtml: boolean) => {
    if (!src) return null;
    const out = renderSource(src, data, escapeHtml);
    for (const m of out.missing) missing.add(m);
    return out.text;
  };
  const subject = render(template.subjectTemplate, false);
  const body = render(template.bodyTemplate, false)!;
  // Triple-stash ({{{ }}}) output and the template's own markup pass through Handlebars as is: sanitised like any HTML we render or send.
  const html = template.htmlTemplate ? sanitizeHtml(render(template.htmlTemplate, true)!) : null;
  return { template, subject, body, html, missing: [...missing].sort() };
}

// ---------------------------------------------------------------- sending

/**
 * The check a reply or note written from a template passes before it is
 * stored (postMessage with `templateId`). The agent sends the final text;
 * it is refused when the template is inactive or when the text or subject
 * still holds a placeholder `{{path}}` of a variable the template uses (a gap
 * the agent did not fill). A template id that is not the organization's is
 * ignored (nothing to check, its usage is not counted).
 * Errors (DomainError): TEMPLATE_INACTIVE (input.templateId),
 * TEMPLATE_VARIABLES_MISSING (input.content or input.subject; the message names the variables).
 */
export async function assertTemplateSendable(ctx: HubContext, templateId: string, text: { content: string; subject?: string | null }): Promise<void> {
  const template = await ctx.db.template.findUnique({ where: { id: templateId } });
  if (!template) return;
  if (!template.isActive) throw new DomainError('TEMPLATE_INACTIVE', TEMPLATE_ERRORS.TEMPLATE_INACTIVE, 'input.templateId');
  const paths = new Set([...template.variables, ...variablesOf(template.subjectTemplate, template.bodyTemplate, template.htmlTemplate)]);
  const left = (s: string | null | undefined) =>
    [...paths].filter((p) => s && new RegExp(`\\{\\{\\{?\\s*${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\}?\\}\\}`).test(s)).sort();
  for (const [field, s] of [
    ['input.content', text.content],
    ['input.subject', text.subject],
  ] as const) {
    const gaps = left(s);
    if (gaps.length) throw new DomainError('TEMPLATE_VARIABLES_MISSING', `Fill in ${gaps.map((g) => `{{${g}}}`).join(', ')} before sending.`, field);
  }
}
