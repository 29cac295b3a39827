/**
 * GDPR operations: export and anonymise a customer (ADMIN), soft delete and
 * restore threads (MANAGER and up) and customers (ADMIN), the organization's
 * retention setting (ADMIN).
 */
import { builder } from '../../schema/builder.js';
import { UserError, decodeId, payloadType, runMutation } from '../../schema/common.js';
import { CustomerNode } from '../customer/customer.schema.js';
import { ThreadPayload } from '../thread/thread.schema.js';
import {
  EXPORT_LIMITS,
  anonymizeCustomer,
  deleteCustomer,
  deleteThread,
  exportCustomerData,
  organizationSettings,
  restoreCustomer,
  restoreThread,
  updateOrganizationSettings,
  type CustomerExport,
  type OrganizationSettings,
} from './gdpr.service.js';
import { can } from '../auth/permissions.js';

const CustomerExportPayload = builder.objectRef<{ data?: CustomerExport; errors: { code: string; message: string; field?: string | null }[] }>('CustomerExportPayload').implement({
  fields: (t) => ({
    data: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'The export document: { format, exportedAt, limits, truncated, customer, identities, threads, messages (with attachment metadata and deliveries), tasks, auditLogs, inboundEvents }.',
      resolve: (p) => p.data ?? null,
    }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

const CustomerGdprPayload = payloadType('CustomerGdprPayload', 'customer', CustomerNode);

const OrganizationSettingsRef = builder.objectRef<OrganizationSettings>('OrganizationSettings').implement({
  description: "The viewer's organization and its settings.",
  fields: (t) => ({
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    timezone: t.exposeString('timezone'),
    locale: t.exposeString('locale'),
    retentionDays: t.exposeInt('retentionDays', {
      nullable: true,
      description: 'Days raw webhook bodies of processed deliveries and soft-deleted threads and customers are kept; null keeps them forever. Purged daily (job gdpr.retention).',
    }),
  }),
});

const OrganizationSettingsPayload = payloadType('OrganizationSettingsPayload', 'organization', OrganizationSettingsRef);

const UpdateOrganizationSettingsInputRef = builder.inputType('UpdateOrganizationSettingsInput', {
  description: 'Only the fields given change.',
  fields: (t) => ({ retentionDays: t.int({ description: '1 to 3650 days; null keeps data forever.' }) }),
});

builder.queryField('organizationSettings', (t) =>
  t.field({
    type: OrganizationSettingsRef,
    authScopes: can('organizationSettings'),
    description: "The viewer's organization settings (ADMIN).",
    resolve: (_r, _a, ctx) => organizationSettings(ctx),
  }),
);

const limits = Object.entries(EXPORT_LIMITS)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ');

builder.mutationFields((t) => ({
  exportCustomerData: t.field({
    type: CustomerExportPayload,
    authScopes: can('exportCustomerData'),
    description: `Everything held about a customer as one JSON document (ADMIN; audited as customer.export). At most ${limits} rows per section; \`truncated\` names the sections cut. Errors: NOT_FOUND.`,
    args: { customerId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => runMutation(() => exportCustomerData(ctx, decodeId('Customer', String(args.customerId), 'customerId')), ''),
  }),
  anonymizeCustomer: t.field({
    type: CustomerGdprPayload,
    authScopes: can('anonymizeCustomer'),
    description:
      "Irreversibly erases the customer's personal data everywhere it was copied (profile, identities, message senders, recipients, bodies and attachments, thread subjects, task texts, audit changes, raw webhook bodies), keeping counts, timestamps and statuses (ADMIN; audited as customer.anonymize without the erased values). Errors: NOT_FOUND.",
    args: { customerId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => runMutation(() => anonymizeCustomer(ctx, decodeId('Customer', String(args.customerId), 'customerId')), ''),
  }),
  deleteThread: t.field({
    type: ThreadPayload,
    authScopes: can('deleteThread'),
    description: 'Soft-deletes a thread: hidden everywhere until restored, purged after the retention period (MANAGER and up). Errors: NOT_FOUND.',
    args: { threadId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => runMutation(() => deleteThread(ctx, decodeId('Thread', String(args.threadId), 'threadId')), ''),
  }),
  restoreThread: t.field({
    type: ThreadPayload,
    authScopes: can('restoreThread'),
    description: 'Restores a soft-deleted thread (MANAGER and up). Errors: NOT_FOUND.',
    args: { threadId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => runMutation(() => restoreThread(ctx, decodeId('Thread', String(args.threadId), 'threadId')), ''),
  }),
  deleteCustomer: t.field({
    type: CustomerGdprPayload,
    authScopes: can('deleteCustomer'),
    description: 'Soft-deletes a customer: hidden everywhere until restored; anonymised and deleted after the retention period (ADMIN). Errors: NOT_FOUND.',
    args: { customerId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => runMutation(() => deleteCustomer(ctx, decodeId('Customer', String(args.customerId), 'customerId')), ''),
  }),
  restoreCustomer: t.field({
    type: CustomerGdprPayload,
    authScopes: can('restoreCustomer'),
    description: 'Restores a soft-deleted customer (ADMIN). Errors: NOT_FOUND.',
    args: { customerId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => runMutation(() => restoreCustomer(ctx, decodeId('Customer', String(args.customerId), 'customerId')), ''),
  }),
  updateOrganizationSettings: t.field({
    type: OrganizationSettingsPayload,
    authScopes: can('updateOrganizationSettings'),
    description: "Changes the viewer's organization settings (ADMIN; audited as organization.update). Errors: VALIDATION_FAILED.",
    args: { input: t.arg({ type: UpdateOrganizationSettingsInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => updateOrganizationSettings(ctx, { retentionDays: input.retentionDays })),
  }),
}));
