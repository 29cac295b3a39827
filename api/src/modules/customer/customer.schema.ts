import { builder, assertPageSize, type HubTypes } from '../../schema/builder.js';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { UserError, decodeId, runMutation, type UserErrorShape } from '../../schema/common.js';
import type { Customer } from '../../generated/prisma/client.js';
import { CustomerTierEnum, IdentityKindEnum } from '../../schema/enums.js';
import { createCustomer, updateCustomer } from './customer.service.js';
import { duplicateSuggestions, mergeCustomers } from './customer.merge.js';
import { can } from '../auth/permissions.js';

export const CustomerNode = builder.prismaNode('Customer', {
  id: { field: 'id' },
  // Select mode (issue 8 §1): a query loads the columns below and those its other fields ask for.
  // The columns below are the ones the inbox and thread view nearly always ask for: fields reading
  // only them resolve straight from the row (schema/column-fields.ts). Rows a service returns
  // carry every column.
  select: { id: true, name: true },
  authScopes: can('Customer'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'A person or business the organization serves.',
  fields: (t) => ({
    name: t.exposeString('name'),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true, description: 'E.164, e.g. +31612345678.' }),
    identities: t.relation('identities', {
      description: 'How each provider identifies the customer (WhatsApp id, e-mail, phone, Chatwoot contact, partner id).',
      query: { orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }] },
    }),
    companyName: t.exposeString('companyName', { nullable: true }),
    codiceFiscale: t.exposeString('codiceFiscale', { nullable: true, description: 'Italian tax code (16 characters, or 11 digits for companies).' }),
    partitaIva: t.exposeString('partitaIva', { nullable: true, description: 'Italian VAT number, 11 digits.' }),
    pec: t.exposeString('pec', { nullable: true, description: 'Italian certified e-mail (PEC).' }),
    sdi: t.exposeString('sdi', { nullable: true, description: 'Italian e-invoicing recipient code (7 characters).' }),
    tier: t.expose('tier', { type: CustomerTierEnum }),
    customAttributes: t.expose('customAttributes', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    duplicateSuggestions: t.prismaField({
      type: ['Customer'],
      description:
        'Probable duplicates: other customers of the organization sharing an e-mail address or a phone number with this one, in their own fields or as an identity on any channel (EMAIL, PHONE, WhatsApp id). Oldest first, at most 10. mergeCustomers folds one into this customer.',
      select: { email: true, phone: true },
      resolve: (query, customer, _args, ctx) => duplicateSuggestions(ctx, customer, query),
    }),
    mergedInto: t.relation('mergedInto', {
      nullable: true,
      description: 'The customer this one was merged into (mergeCustomers); a merged customer is deleted, so this is mostly seen in the audit trail and exports.',
    }),
    openTasks: t.prismaField({
      type: ['Task'],
      description: "OPEN, IN_PROGRESS and WAITING tasks of the customer's threads, due soonest first (no due date last), at most 50 (the inbox's customer sidebar).",
      resolve: (query, customer, _args, ctx) =>
        ctx.db.task.findMany({
          ...query,
          where: { status: { in: ['OPEN', 'IN_PROGRESS', 'WAITING'] }, thread: { customerId: customer.id, deletedAt: null } },
          orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
          take: 50,
        }),
    }),
    threads: t.relatedConnection('threads', {
      nullable: false,
      cursor: 'id',
      description: "The customer's threads, most recent activity first.",
      totalCount: true,
      query: (args) => {
        assertPageSize(args);
        return { where: { deletedAt: null }, orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }] };
      },
    }),
  }),
});

builder.prismaObject('CustomerIdentity', {
  description: 'One way a provider identifies a customer. Unique per organization and kind (per channel for Chatwoot contacts and partner ids).',
  fields: (t) => ({
    kind: t.expose('kind', { type: IdentityKindEnum }),
    value: t.exposeString('value', { description: 'Normalised: e-mail lower case, phone E.164, WhatsApp id digits.' }),
    channel: t.relation('channel', { nullable: true, description: 'The channel a channel-scoped identity belongs to.' }),
    optedOut: t.boolean({ description: 'The customer opted out of messages on this identity (SMS STOP).', resolve: (i) => i.optedOutAt !== null }),
  }),
});

builder.queryField('customers', (t) =>
  t.prismaConnection(
    {
      authScopes: can('customers'),
      type: 'Customer',
      nullable: false,
      cursor: 'id',
      description: 'Customers by name. `search` matches name, e-mail, phone, company, partita IVA (case-insensitive substring).',
      args: { search: t.arg.string() },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.customer.findMany({ ...query, where: customerSearch(args.search), orderBy: [{ name: 'asc' }, { id: 'asc' }] });
      },
      totalCount: (_root, args, ctx) => ctx.db.customer.count({ where: customerSearch(args.search) }),
    },
    { name: 'CustomerConnection' },
    { name: 'CustomerEdge' },
  ),
);

function customerSearch(search?: string | null) {
  const q = search?.trim();
  if (!q) return {};
  const contains = { contains: q, mode: 'insensitive' as const };
  return { OR: [{ name: contains }, { email: contains }, { phone: contains }, { companyName: contains }, { partitaIva: contains }] };
}

/** The optional customer fields, shared by CreateCustomerInput and UpdateCustomerInput. */
const optionalCustomerFields = (t: PothosSchemaTypes.InputFieldBuilder<HubTypes, 'InputObject'>) => ({
  email: t.string(),
  phone: t.string({ description: 'Any common format; stored as E.164.' }),
  companyName: t.string(),
  codiceFiscale: t.string(),
  partitaIva: t.string({ description: '11 digits, with or without the "IT" prefix.' }),
  pec: t.string(),
  sdi: t.string(),
  tier: t.field({ type: CustomerTierEnum }),
  customAttributes: t.field({ type: 'JSON' }),
});

const CreateCustomerInputRef = builder.inputType('CreateCustomerInput', {
  fields: (t) => ({ name: t.string({ required: true }), ...optionalCustomerFields(t) }),
});

const UpdateCustomerInputRef = builder.inputType('UpdateCustomerInput', {
  description: 'Only the fields given change; null clears an optional field.',
  fields: (t) => ({ customerId: t.id({ required: true }), name: t.string(), ...optionalCustomerFields(t) }),
});

type CustomerPayloadShape = { customer?: Customer; existingCustomerId?: string; errors: UserErrorShape[] };

const CustomerPayload = builder.objectRef<CustomerPayloadShape>('CustomerPayload').implement({
  description: 'The result of createCustomer, updateCustomer and mergeCustomers.',
  fields: (t) => ({
    customer: t.field({ type: CustomerNode, nullable: true, description: 'The customer written; null when errors is not empty.', resolve: (p) => p.customer ?? null }),
    existingCustomerId: t.id({
      nullable: true,
      description:
        'With a CONFLICT error: the global id of the customer that already has the e-mail address or phone number (open it, or merge with mergeCustomers). Null otherwise.',
      resolve: (p) => (p.existingCustomerId ? encodeGlobalID('Customer', p.existingCustomerId) : null),
    }),
    existingCustomer: t.field({
      type: CustomerNode,
      nullable: true,
      description: 'With a CONFLICT error: the customer that already has the e-mail address or phone number. Null otherwise.',
      resolve: (p, _a, ctx) => (p.existingCustomerId ? ctx.db.customer.findUnique({ where: { id: p.existingCustomerId } }) : null),
    }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

builder.mutationFields((t) => ({
  createCustomer: t.field({
    authScopes: can('createCustomer'),
    type: CustomerPayload,
    description: 'Creates a customer. Errors: VALIDATION_FAILED (field says which), CONFLICT (e-mail or phone already belongs to another customer; existingCustomerId says which).',
    args: { input: t.arg({ type: CreateCustomerInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => createCustomer(ctx, input as never)),
  }),
  updateCustomer: t.field({
    authScopes: can('updateCustomer'),
    type: CustomerPayload,
    description:
      'Updates a customer: only the fields given change, null clears an optional field. customAttributes is merged key by key: a key given with a value is set, a key given as null is removed, keys not given stay (customAttributes: null removes them all). Errors: NOT_FOUND, VALIDATION_FAILED, CONFLICT (the new e-mail or phone already belongs to another customer; existingCustomerId says which).',
    args: { input: t.arg({ type: UpdateCustomerInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { customerId, ...rest } = input;
        return updateCustomer(ctx, decodeId('Customer', String(customerId), 'input.customerId'), rest as never);
      }),
  }),
  mergeCustomers: t.field({
    authScopes: can('mergeCustomers'),
    type: CustomerPayload,
    description:
      "Folds a duplicate customer into the primary, in one transaction: the duplicate's identities (every channel) and threads (with their messages, internal notes and tasks) move to the primary; customAttributes are merged (the primary's values win); the primary's empty optional fields (e-mail, phone, Italian fields, language) are filled from the duplicate; the duplicate is deleted (mergedInto = the primary). The audit trail (customer.merge) keeps every moved id and the primary's values before, enough to reverse it. Returns the primary. Errors: MERGE_SAME_RECORD (the same id twice), NOT_FOUND (either customer unknown, deleted or of another organization).",
    args: {
      primaryId: t.arg.id({ required: true, description: 'The customer that stays.' }),
      duplicateId: t.arg.id({ required: true, description: 'The customer folded into the primary and deleted.' }),
    },
    resolve: (_r, args, ctx) =>
      runMutation(() => mergeCustomers(ctx, decodeId('Customer', String(args.primaryId), 'primaryId'), decodeId('Customer', String(args.duplicateId), 'duplicateId')), ''),
  }),
}));
