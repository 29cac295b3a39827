/**
 * Customers: create, update, and matching an inbound identity to a customer.
 */
import type { z } from 'zod';
import type { Customer, Prisma } from '../../generated/prisma/client.js';
import type { CustomerIdentity } from '../../channels/types.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { withoutUndefined } from '../../shared/objects.js';
import { writeAudit, diff, type Tx } from '../audit/audit.service.js';
import { CreateCustomerInput, UpdateCustomerInput, toE164 } from './customer.validation.js';

export async function createCustomer(ctx: HubContext, raw: z.input<typeof CreateCustomerInput>): Promise<{ customer: Customer }> {
  const input = CreateCustomerInput.parse(raw);
  return ctx.db.$transaction(async (tx) => {
    if (input.waId && (await tx.customer.findFirst({ where: { waId: input.waId } }))) {
      throw new DomainError('CONFLICT', 'A customer with this WhatsApp id already exists.', 'input.waId');
    }
    const customer = await tx.customer.create({
      data: { ...(withoutUndefined(input) as Prisma.CustomerUncheckedCreateInput), organizationId: ctx.organizationId, customAttributes: (input.customAttributes ?? {}) as Prisma.InputJsonValue },
    });
    await writeAudit(ctx, tx, { action: 'customer.create', entityType: 'Customer', entityId: customer.id, after: customer });
    return { customer };
  });
}

export async function updateCustomer(ctx: HubContext, id: string, raw: z.input<typeof UpdateCustomerInput>): Promise<{ customer: Customer }> {
  const input = UpdateCustomerInput.parse(raw);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.customer.findUnique({ where: { id } });
    if (!before) throw notFound('Customer', 'input.customerId');
    const data = withoutUndefined(input) as Prisma.CustomerUncheckedUpdateInput;
    if (input.name === null) throw new DomainError('VALIDATION_FAILED', 'Name is required.', 'input.name');
    const customer = await tx.customer.update({ where: { id }, data });
    await writeAudit(ctx, tx, { action: 'customer.update', entityType: 'Customer', entityId: id, ...diff(before, customer) });
    return { customer };
  });
}

/**
 * Finds the customer an inbound identity belongs to (by WhatsApp id, business-scoped
 * user id, e-mail, then phone) or creates one. Fills in a missing name from the
 * provider profile. Runs inside the caller's transaction.
 */
export async function matchOrCreateCustomer(ctx: HubContext, tx: Tx, identity: CustomerIdentity): Promise<Customer> {
  const phone = identity.phone ? toE164(identity.phone) : identity.waId ? toE164(`+${identity.waId}`) : null;
  const or: Prisma.CustomerWhereInput[] = [];
  if (identity.waId) or.push({ waId: identity.waId });
  if (identity.waBsuid) or.push({ waBsuid: identity.waBsuid });
  if (identity.email) or.push({ email: identity.email.toLowerCase() });
  if (phone && !identity.waId) or.push({ phone });
  if (or.length === 0) throw new DomainError('VALIDATION_FAILED', 'The customer identity needs a WhatsApp id, e-mail or phone.', 'input.customer');
  const existing = await tx.customer.findFirst({ where: { OR: or }, orderBy: { createdAt: 'asc' } });
  const fallbackName = identity.name?.trim() || phone || identity.email || identity.waId || 'Unknown customer';
  if (existing) {
    const patch: Prisma.CustomerUncheckedUpdateInput = {};
    if (identity.waId && !existing.waId) patch.waId = identity.waId;
    if (identity.waBsuid && !existing.waBsuid) patch.waBsuid = identity.waBsuid;
    if (phone && !existing.phone) patch.phone = phone;
    if (identity.name && existing.name === (existing.phone ?? existing.waId ?? existing.email)) patch.name = identity.name;
    return Object.keys(patch).length ? tx.customer.update({ where: { id: existing.id }, data: patch }) : existing;
  }
  return tx.customer.create({
    data: {
      organizationId: ctx.organizationId,
      name: fallbackName,
      waId: identity.waId ?? null,
      waBsuid: identity.waBsuid ?? null,
      email: identity.email?.toLowerCase() ?? null,
      phone,
    },
  });
}
