import { builder, assertPageSize } from '../../schema/builder.js';
import { payloadType, decodeId, runMutation } from '../../schema/common.js';
import { BusinessEntityEnum, ChannelTypeEnum, TemplateCategoryEnum } from '../../schema/enums.js';
import { createTemplate, renderTemplateForThread, templateFamilies, updateTemplate, type RenderedTemplate, type TemplateFamily } from './template.service.js';
import { suggestTemplateLanguage, primaryLanguage } from './template.language.js';
import { TEMPLATE_VARIABLES, variablesOf, type TemplateVariableSpec } from './template.variables.js';
import { can } from '../auth/permissions.js';

export const TemplateNode = builder.prismaNode('Template', {
  id: { field: 'id' },
  authScopes: can('Template'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description:
    'A reusable message in one language, with Handlebars variables such as {{customer.name}} (see templateVariables). The variants of one template in other languages share its name.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Shared by the language variants of one template.' }),
    category: t.expose('category', { type: TemplateCategoryEnum }),
    channelType: t.expose('channelType', { type: ChannelTypeEnum, nullable: true, description: 'null: usable on every channel.' }),
    subjectTemplate: t.exposeString('subjectTemplate', { nullable: true }),
    bodyTemplate: t.exposeString('bodyTemplate'),
    htmlTemplate: t.exposeString('htmlTemplate', { nullable: true }),
    variables: t.stringList({
      description: 'The data paths the template uses, sorted, e.g. ["customer.name", "customer.pec"]; never a helper ({{#if customer.pec}} lists customer.pec, not "if").',
      resolve: (tpl) => variablesOf(tpl.subjectTemplate, tpl.bodyTemplate, tpl.htmlTemplate),
    }),
    businessEntity: t.expose('businessEntity', { type: BusinessEntityEnum }),
    isActive: t.exposeBoolean('isActive', { description: 'An inactive template is not listed, rendered or sent (TEMPLATE_INACTIVE).' }),
    usageCount: t.exposeInt('usageCount', { description: 'How many messages were sent from this template.' }),
    locale: t.exposeString('locale', { description: 'BCP 47 language tag, e.g. "nl", "en", "it".' }),
    shortcut: t.exposeString('shortcut', { nullable: true, description: 'Typed after "/" in the composer to find the template, e.g. "fattura" (without the slash).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const TemplateVariableRef = builder.objectRef<TemplateVariableSpec>('TemplateVariable').implement({
  description: 'A variable templates may use. Paths with <key> are families: customer.attributes.<key> (custom attributes) and input.<key> (typed by the agent).',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'Data path as written in a template without braces, e.g. "customer.pec".' }),
    description: t.exposeString('description'),
    example: t.exposeString('example', { description: 'What a value looks like.' }),
  }),
});

const RenderedTemplateRef = builder.objectRef<RenderedTemplate>('RenderedTemplate').implement({
  description:
    'A template rendered for a thread. Printed variables without a value stay in the text as their placeholder, e.g. {{customer.pec}}: postMessage refuses the text until the agent replaced them.',
  fields: (t) => ({
    template: t.field({ type: TemplateNode, description: 'The variant rendered (the one asked for, or its sibling in the requested language).', resolve: (r) => r.template }),
    language: t.string({ description: 'BCP 47 language of the rendered variant.', resolve: (r) => r.template.locale }),
    subject: t.exposeString('subject', { nullable: true }),
    body: t.exposeString('body'),
    html: t.exposeString('html', { nullable: true, description: 'Sanitised HTML (e-mail templates).' }),
    missing: t.exposeStringList('missing', { description: 'Variables without a value for this thread, sorted; each is left in the text as {{path}}.' }),
    missingVariables: t.stringList({ description: 'Same as missing (older name).', deprecationReason: 'Use missing.', resolve: (r) => r.missing }),
  }),
});

const TemplateFamilyRef = builder.objectRef<TemplateFamily>('TemplateFamily').implement({
  description: 'One template with its language variants (the rows sharing its name): what the composer picker shows as one entry.',
  fields: (t) => ({
    name: t.exposeString('name'),
    category: t.field({ type: TemplateCategoryEnum, resolve: (f) => f.defaultTemplate.category }),
    channelType: t.field({ type: ChannelTypeEnum, nullable: true, description: 'Of the default variant; null: every channel.', resolve: (f) => f.defaultTemplate.channelType }),
    shortcuts: t.stringList({
      description: 'Shortcuts of the variants, unique, e.g. ["factuur", "fattura", "invoice"].',
      resolve: (f) => [...new Set(f.variants.flatMap((v) => (v.shortcut ? [v.shortcut] : [])))].sort(),
    }),
    languages: t.stringList({ description: 'Languages of the variants (BCP 47), sorted.', resolve: (f) => f.variants.map((v) => v.locale) }),
    variants: t.field({ type: [TemplateNode], nullable: { list: false, items: false }, description: 'The active variants, by language.', resolve: (f) => f.variants }),
    defaultLanguage: t.string({
      description: "The language to offer first: the thread's suggested language when the template has it, else the organization's locale, else English, else the first.",
      resolve: (f) => f.defaultTemplate.locale,
    }),
    defaultTemplate: t.field({ type: TemplateNode, nullable: false, description: 'The variant in defaultLanguage.', resolve: (f) => f.defaultTemplate }),
  }),
});

builder.prismaObjectField('Thread', 'suggestedTemplateLanguage', (t) =>
  t.string({
    description:
      "The language to answer this thread in (BCP 47 primary subtag, e.g. \"it\"): the customer's language, else the language detected in the customer's latest messages of the thread (nl, en, it, de, fr, es), else the organization's locale. templateFamilies(threadId:) offers each template in it.",
    select: { id: true },
    resolve: async (thread, _args, ctx) => (await suggestTemplateLanguage(ctx, thread.id)).language,
  }),
);

builder.queryFields((t) => ({
  templates: t.prismaConnection(
    {
      authScopes: can('templates'),
      type: 'Template',
      nullable: false,
      cursor: 'id',
      description: 'Active templates by name, one row per language. channelType also includes templates for every channel. templateFamilies groups the languages.',
      args: { channelType: t.arg({ type: ChannelTypeEnum }), category: t.arg({ type: TemplateCategoryEnum }), locale: t.arg.string() },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.template.findMany({ ...query, where: templateWhere(args), orderBy: [{ name: 'asc' }, { id: 'asc' }] });
      },
      totalCount: (_root, args, ctx) => ctx.db.template.count({ where: templateWhere(args) }),
    },
    { name: 'TemplateConnection' },
    { name: 'TemplateEdge' },
  ),
  templateFamilies: t.field({
    authScopes: can('templateFamilies'),
    type: [TemplateFamilyRef],
    description:
      "Active templates grouped by name with their language variants, by name. With threadId: each family's defaultTemplate is in the thread's suggestedTemplateLanguage (when the template has it), and channelType defaults to the thread's channel type. channelType also includes templates for every channel. search: name or shortcut contains it, case-insensitive, a leading \"/\" ignored. Errors: NOT_FOUND (thread).",
    args: { threadId: t.arg.id(), channelType: t.arg({ type: ChannelTypeEnum }), search: t.arg.string() },
    resolve: async (_root, args, ctx) =>
      (
        await templateFamilies(ctx, {
          threadId: args.threadId ? decodeId('Thread', String(args.threadId), 'threadId') : null,
          channelType: args.channelType ?? null,
          search: args.search ?? null,
        })
      ).families,
  }),
  templateVariables: t.field({
    authScopes: can('templateVariables'),
    type: [TemplateVariableRef],
    description:
      'The variables templates may use (the only ones createTemplate and updateTemplate accept), in table order: customer (Italian fields, custom attributes), thread, SLA due times, agent, organization, agent input.',
    resolve: () => [...TEMPLATE_VARIABLES],
  }),
  renderTemplate: t.field({
    authScopes: can('renderTemplate'),
    type: RenderedTemplateRef,
    description:
      "Renders a template for a thread (variables: templateVariables). language: render the template's variant in that language instead (e.g. the thread's suggestedTemplateLanguage). Errors (extensions.code): NOT_FOUND (template, thread, or no variant in language), TEMPLATE_INACTIVE.",
    args: {
      templateId: t.arg.id({ required: true }),
      threadId: t.arg.id({ required: true }),
      language: t.arg.string({ description: "BCP 47 language of the variant to render; default: the template's own." }),
    },
    resolve: (_root, args, ctx) =>
      renderTemplateForThread(
        ctx,
        decodeId('Template', String(args.templateId), 'templateId'),
        decodeId('Thread', String(args.threadId), 'threadId'),
        primaryLanguage(args.language),
      ),
  }),
}));

function templateWhere(args: { channelType?: string | null; category?: string | null; locale?: string | null }) {
  return {
    isActive: true,
    ...(args.channelType ? { OR: [{ channelType: args.channelType as never }, { channelType: null }] } : {}),
    ...(args.category ? { category: args.category as never } : {}),
    ...(args.locale ? { locale: args.locale } : {}),
  };
}

const VARIABLES_HELP =
  'Declared variables: every one must be in templateVariables (TEMPLATE_VARIABLE_UNKNOWN), and the sources may use only declared ones (TEMPLATE_VARIABLE_UNDECLARED). Omitted: the variables the sources use. Template.variables always lists the used ones.';
const SHORTCUT_HELP =
  'Found by typing "/" and it in the composer: 2–32 lower-case letters, digits or "-" (a leading "/" is dropped). Variants of one template may share it; another template may not (CONFLICT).';

const CreateTemplateInputRef = builder.inputType('CreateTemplateInput', {
  description: 'A new template in one language. Sources are Handlebars with the variables of templateVariables and {{#if}} / {{#unless}} blocks only.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Shared with the variants in other languages.' }),
    category: t.field({ type: TemplateCategoryEnum, required: true }),
    channelType: t.field({ type: ChannelTypeEnum }),
    subjectTemplate: t.string(),
    bodyTemplate: t.string({ required: true }),
    htmlTemplate: t.string(),
    variables: t.stringList({ description: VARIABLES_HELP }),
    businessEntity: t.field({ type: BusinessEntityEnum }),
    locale: t.string({ description: 'BCP 47 language tag; default "nl".' }),
    shortcut: t.string({ description: SHORTCUT_HELP }),
  }),
});

const UpdateTemplateInputRef = builder.inputType('UpdateTemplateInput', {
  description: 'Only the fields given change; the sources after the change are checked like at creation.',
  fields: (t) => ({
    templateId: t.id({ required: true }),
    name: t.string(),
    category: t.field({ type: TemplateCategoryEnum }),
    channelType: t.field({ type: ChannelTypeEnum }),
    subjectTemplate: t.string(),
    bodyTemplate: t.string(),
    htmlTemplate: t.string(),
    variables: t.stringList({ description: VARIABLES_HELP }),
    businessEntity: t.field({ type: BusinessEntityEnum }),
    isActive: t.boolean({ description: 'false: the template is no longer listed, rendered or sent.' }),
    locale: t.string(),
    shortcut: t.string({ description: `${SHORTCUT_HELP} null removes it.` }),
  }),
});

const TemplatePayload = payloadType('TemplatePayload', 'template', TemplateNode);

const SAVE_ERRORS =
  'TEMPLATE_SYNTAX_ERROR (not valid Handlebars), TEMPLATE_HELPER_UNSUPPORTED (helpers other than #if/#unless, partials, this, ../, @data), TEMPLATE_VARIABLE_UNKNOWN (not in templateVariables), TEMPLATE_VARIABLE_UNDECLARED, VALIDATION_FAILED (name, body, locale, shortcut format), CONFLICT (name + locale taken; shortcut used by another template)';

builder.mutationFields((t) => ({
  createTemplate: t.field({
    authScopes: can('createTemplate'),
    type: TemplatePayload,
    description: `Creates a template variant (TEAM_LEAD and up). Errors (field names the source or input): ${SAVE_ERRORS}.`,
    args: { input: t.arg({ type: CreateTemplateInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => createTemplate(ctx, input as never)),
  }),
  updateTemplate: t.field({
    authScopes: can('updateTemplate'),
    type: TemplatePayload,
    description: `Updates a template (TEAM_LEAD and up). Errors: NOT_FOUND, ${SAVE_ERRORS}.`,
    args: { input: t.arg({ type: UpdateTemplateInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { templateId, ...rest } = input;
        return updateTemplate(ctx, decodeId('Template', String(templateId), 'input.templateId'), rest as never);
      }),
  }),
}));
