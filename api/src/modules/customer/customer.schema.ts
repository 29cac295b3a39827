import { builder, assertPageSize, type HubTypes } from '../../schema/builder.js';
import { payloadType, decodeId, runMutation } from '../../schema/common.js';
import type { Customer } from '../../generated/prisma/client.js';
import { CustomerTierEnum, IdentityKindEnum } from '../../schema/enums.js';
import { createCustomer, updateCustomer } from './customer.service.js';
import { can } from '../auth/permissions.js';


export const CustomerNode = builder.prismaNode('Customer', {
  id: { field: 'id' },
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
  t.prismaConnection({
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

const CustomerPayload = payloadType('CustomerPayload', 'customer', CustomerNode);

builder.mutationFields((t) => ({
  createCustomer: t.field({
    authScopes: can('createCustomer'),
    type: CustomerPayload,
    description: 'Creates a customer. Errors: VALIDATION_FAILED (field says which), CONFLICT (e-mail or phone already belongs to another customer).',
    args: { input: t.arg({ type: CreateCustomerInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => createCustomer(ctx, input as never)),
  }),
  updateCustomer: t.field({
    authScopes: can('updateCustomer'),
    type: CustomerPayload,
    description: 'Updates a customer. Errors: NOT_FOUND, VALIDATION_FAILED.',
    args: { input: t.arg({ type: UpdateCustomerInputRef, required: true }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(() => {
        const { customerId, ...rest } = input;
        return updateCustomer(ctx, decodeId('Customer', String(customerId), 'input.customerId'), rest as never);
      }),
  }),
}));
