/**
 * Message templates: Handlebars bodies with declared variables, rendered
 * against a thread (customer, thread, agent, organization).
 */
import Handlebars from 'handlebars';
import { z } from 'zod';
import type { Template } from '../../generated/prisma/client.js';
import { BusinessEntity, ChannelType, TemplateCategory } from '../../generated/prisma/enums.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { sanitizeHtml } from '../../shared/html.js';
import { withoutUndefined } from '../../shared/objects.js';
import { writeAudit, diff } from '../audit/audit.service.js';

const handlebarsSource = z.string().superRefine((src, c) => {
  try {
    Handlebars.precompile(src);
  } catch (err) {
    c.addIssue({ code: 'custom', message: `Template syntax error: ${(err as Error).message.split('\n')[0]}` });
  }
});

const fields = {
  name: z.string().trim().min(1, 'Name is required.').max(120),
  category: z.enum(TemplateCategory),
  channelType: z.enum(ChannelType).nullish(),
  subjectTemplate: handlebarsSource.nullish(),
  bodyTemplate: handlebarsSource.pipe(z.string().trim().min(1, 'The body is empty.')),
  htmlTemplate: handlebarsSource.nullish(),
  variables: z.array(z.string().regex(/^[a-zA-Z][\w.]*$/, 'Variables are dotted paths like customer.name.')).max(50).nullish(),
  businessEntity: z.enum(BusinessEntity).nullish(),
  isActive: z.boolean().nullish(),
  locale: z.string().trim().min(2).max(10).nullish(),
};
export const CreateTemplateInput = z.object(fields);
export const UpdateTemplateInput = z.object(fields).partial();

/** Variable paths a Handlebars source uses, e.g. ["customer.name"]. */
export function variablesOf(...sources: (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; path?: { original?: string }; params?: unknown[] };
    if ((n.type === 'MustacheStatement' || n.type === 'PathExpression') && n.path?.original) out.add(n.path.original);
    if (n.type === 'PathExpression' && (n as { original?: string }).original) out.add((n as { original: string }).original);
    for (const v of Object.values(node)) if (v && typeof v === 'object') Array.isArray(v) ? v.forEach(walk) : walk(v);
  };
  for (const s of sources) if (s) walk(Handlebars.parse(s));
  return [...out].filter((p) => !p.startsWith('@') && p !== 'this').sort();
}

export async function createTemplate(ctx: HubContext, raw: z.input<typeof CreateTemplateInput>): Promise<{ template: Template }> {
  const input = CreateTemplateInput.parse(raw);
  return ctx.db.$transaction(async (tx) => {
    const locale = input.locale ?? 'nl';
    if (await tx.template.findFirst({ where: { name: input.name, locale } })) {
      throw new DomainError('CONFLICT', 'A template with this name and locale exists.', 'input.name');
    }
    const template = await tx.template.create({
      data: {
        organizationId: ctx.organizationId,
        name: input.name,
        category: input.category,
        channelType: input.channelType ?? null,
        subjectTemplate: input.subjectTemplate ?? null,
        bodyTemplate: input.bodyTemplate,
        htmlTemplate: input.htmlTemplate ?? null,
        variables: input.variables ?? variablesOf(input.subjectTemplate, input.bodyTemplate, input.htmlTemplate),
        businessEntity: input.businessEntity ?? 'ALL',
        isActive: input.isActive ?? true,
        locale,
      },
    });
    await writeAudit(ctx, tx, { action: 'template.create', entityType: 'Template', entityId: template.id, after: template });
    return { template };
  });
}

export async function updateTemplate(ctx: HubContext, id: string, raw: z.input<typeof UpdateTemplateInput>): Promise<{ template: Template }> {
  const input = UpdateTemplateInput.parse(raw);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.template.findUnique({ where: { id } });
    if (!before) throw notFound('Template', 'input.templateId');
    const data: Record<string, unknown> = withoutUndefined({ ...input, variables: input.variables ?? undefined, isActive: input.isActive ?? undefined, businessEntity: input.businessEntity ?? undefined, locale: input.locale ?? undefined, name: input.name ?? undefined, category: input.category ?? undefined, bodyTemplate: input.bodyTemplate ?? undefined });
    if (!input.variables && (input.bodyTemplate || input.subjectTemplate !== undefined || input.htmlTemplate !== undefined)) {
      data.variables = variablesOf(input.subjectTemplate ?? before.subjectTemplate, input.bodyTemplate ?? before.bodyTemplate, input.htmlTemplate ?? before.htmlTemplate);
    }
    const template = await tx.template.update({ where: { id }, data: data as never });
    await writeAudit(ctx, tx, { action: 'template.update', entityType: 'Template', entityId: id, ...diff(before, template) });
    return { template };
  });
}

export interface RenderedTemplate {
  subject: string | null;
  body: string;
  html: string | null;
  /** Declared or used variables that had no value for this thread. */
  missingVariables: string[];
}

/**
 * Renders a template for a thread with the variables
 * { customer: {name, email, phone, companyName, ...}, thread: {subject, orderReference, id},
 *   agent: {name, email}, organization: {name} }.
 * Errors: NOT_FOUND (template or thread).
 */
export async function renderTemplateForThread(ctx: HubContext, templateId: string, threadId: string): Promise<RenderedTemplate> {
  const [template, thread, org] = await Promise.all([
    ctx.db.template.findUnique({ where: { id: templateId } }),
    ctx.db.thread.findUnique({ where: { id: threadId }, include: { customer: true, assignee: true } }),
    ctx.deps.db.prisma.organization.findUnique({ where: { id: ctx.organizationId } }),
  ]);
  if (!template) throw notFound('Template', 'templateId');
  if (!thread) throw notFound('Thread', 'threadId');
  const c = thread.customer;
  const firstName = c?.name.split(/\s+/)[0] ?? null;
  const vars = {
    customer: c ? { name: c.name, firstName, email: c.email, phone: c.phone, companyName: c.companyName, partitaIva: c.partitaIva } : {},
    thread: { id: thread.id, subject: thread.subject, orderReference: thread.orderReference },
    agent: ctx.viewer ? { name: ctx.viewer.name, firstName: ctx.viewer.name.split(/\s+/)[0], email: ctx.viewer.email } : thread.assignee ? { name: thread.assignee.name, email: thread.assignee.email } : {},
    organization: { name: org?.name ?? '' },
  };
  const lookup = (path: string) => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), vars);
  const used = new Set([...template.variables, ...variablesOf(template.subjectTemplate, template.bodyTemplate, template.htmlTemplate)]);
  const missingVariables = [...used].filter((p) => {
    const v = lookup(p);
    return v === undefined || v === null || v === '';
  });
  const text = (src: string) => Handlebars.compile(src, { noEscape: true })(vars);
  return {
    subject: template.subjectTemplate ? text(template.subjectTemplate) : null,
    body: text(template.bodyTemplate),
    // Triple-stash ({{{ }}}) output and the template's own markup pass through Handlebars as is: sanitised like any HTML we render or send.
    html: template.htmlTemplate ? sanitizeHtml(Handlebars.compile(template.htmlTemplate)(vars)) : null,
    missingVariables: missingVariables.sort(),
  };
}
