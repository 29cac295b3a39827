import type { Template } from '../../generated/prisma/client.js';
import { builder, assertPageSize } from '../../schema/builder.js';
import { payloadType, decodeId, runMutation } from '../../schema/common.js';
import { BusinessEntityEnum, ChannelTypeEnum, TemplateCategoryEnum } from '../../schema/enums.js';
import { createTemplate, renderTemplateForThread, updateTemplate, type RenderedTemplate } from './template.service.js';
import { can } from '../auth/permissions.js';

export const TemplateNode = builder.prismaNode('Template', {
  id: { field: 'id' },
  authScopes: can('Template'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'A reusable message with Handlebars variables such as {{customer.name}}.',
  fields: (t) => ({
    name: t.exposeString('name'),
    category: t.expose('category', { type: TemplateCategoryEnum }),
    channelType: t.expose('channelType', { type: ChannelTypeEnum, nullable: true, description: 'null: usable on every channel.' }),
    subjectTemplate: t.exposeString('subjectTemplate', { nullable: true }),
    bodyTemplate: t.exposeString('bodyTemplate'),
    htmlTemplate: t.exposeString('htmlTemplate', { nullable: true }),
    variables: t.exposeStringList('variables', { description: 'Variable paths the template uses, e.g. ["customer.name"].' }),
    businessEntity: t.expose('businessEntity', { type: BusinessEntityEnum }),
    isActive: t.exposeBoolean('isActive'),
    usageCount: t.exposeInt('usageCount', { description: 'How many messages were sent from this template.' }),
    locale: t.exposeString('locale', { description: 'BCP 47 language tag, e.g. "nl", "en", "it".' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const RenderedTemplateRef = builder.objectRef<RenderedTemplate>('RenderedTemplate').implement({
  fields: (t) => ({
    subject: t.exposeString('subject', { nullable: true }),
    body: t.exposeString('body'),
    html: t.exposeString('html', { nullable: true }),
    missingVariables: t.exposeStringList('missingVariables', { description: 'Variables without a value for this thread (rendered empty).' }),
  }),
});

builder.queryFields((t) => ({
  templates: t.prismaConnection({
    authScopes: can('templates'),
    type: 'Template',
    nullable: false,
    cursor: 'id',
    description: 'Active templates by name. channelType also includes templates for every channel.',
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
  renderTemplate: t.field({
    authScopes: can('renderTemplate'),
    type: RenderedTemplateRef,
    description: 'Renders a template for a thread (customer, thread, agent, organization variables). Errors: NOT_FOUND.',
    args: { templateId: t.arg.id({ required: true }), threadId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      renderTemplateForThread(ctx, decodeId('Template', String(args.templateId), 'templateId'), decodeId('Thread', String(args.threadId), 'threadId')),
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


const CreateTemplateInputRef = builder.inputType('CreateTemplateInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    category: t.field({ type: TemplateCategoryEnum, required: true }),
    channelType: t.field({ type: ChannelTypeEnum }),
    subjectTemplate: t.string(),
    bodyTemplate: t.string({ required: true }),
    htmlTemplate: t.string(),
    variables: t.stringList({ description: 'Defaults to the variables the sources use.' }),
    businessEntity: t.field({ type: BusinessEntityEnum }),
    locale: t.string(),
  }),
});

const UpdateTemplateInputRef = builder.inputType('UpdateTemplateInput', {
  fields: (t) => ({
    templateId: t.id({ required: true }),
    name: t.string(),
    category: t.field({ type: TemplateCategoryEnum }),
    channelType: t.field({ type: ChannelTypeEnum }),
    subjectTemplate: t.string(),
    bodyTemplate: t.string(),
    htmlTemplate: t.string(),
    variables: t.stringList(),
    businessEntity: t.field({ type: BusinessEntityEnum }),
    isActive: t.boolean(),
    locale: t.string(),
  }),
});

const TemplatePayload = payloadType('TemplatePayload', 'template', TemplateNode);

builder.mutationFields((t) => ({
  createTemplate: t.field({
    authScopes: can('createTemplate'),
    type: TemplatePayload,
    description: 'Creates a template (TEAM_LEAD and up). Errors: VALIDATION_FAILED (incl. Handlebars syntax), CONFLICT (name+locale taken).',
    args: { input: t.arg({ type: CreateTemplateInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => createTemplate(ctx, input as never)),
  }),
  updateTemplate: t.field({
    authScopes: can('updateTemplate'),
    type: TemplatePayload,
    description: 'Updates a template (TEAM_LEAD and up). Errors: NOT_FOUND, VALIDATION_FAILED.',
    args: { input: t.arg({ type: UpdateTemplateInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { templateId, ...rest } = input;
        return updateTemplate(ctx, decodeId('Template', String(templateId), 'input.templateId'), rest as never);
      }),
  }),
}));
