/**
 * Duplicate customers (issue 10 §5): suggestions (same e-mail or phone across
 * the customers' own fields and their identities on every channel) and
 * `mergeCustomers`, which folds a duplicate into a primary customer.
 */
import type { Customer, Prisma } from '../../generated/prisma/client.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { SLA_RUNNING_STATUSES, syncThreadSla } from '../sla/engine.js';
import type { TenantDb, Tx } from '../../db/tenant.js';
import { phoneIdentities } from '../../channels/registry.js';
import { MERGE_ERRORS } from '../thread/merge.errors.js';
import { publishThreadUpdated } from '../thread/thread.service.js';
import { mergeCustomAttributes, scheduleContactSync } from './customer.service.js';

/** At most this many duplicate suggestions per customer. */
export const MAX_DUPLICATE_SUGGESTIONS = 10;

/** Optional profile fields of the primary that mergeCustomers fills from the duplicate when empty. */
const FILLABLE = ['email', 'phone', 'companyName', 'codiceFiscale', 'partitaIva', 'pec', 'sdi', 'language'] as const;

/**
 * The e-mail addresses (lower case) and phone numbers (E.164) a customer is
 * known by: its own fields, its EMAIL and PHONE identities, and those the
 * adapters declare a phone number in their notation (ChannelAdapter.phoneIdentity:
 * WhatsApp's wa_id, the number's digits).
 */
async function contactPoints(db: TenantDb | Tx, customer: Pick<Customer, 'id' | 'email' | 'phone'>): Promise<{ emails: string[]; phones: string[] }> {
  const identities = await db.customerIdentity.findMany({
    where: { customerId: customer.id, kind: { in: ['EMAIL', 'PHONE', ...phoneIdentities.map((p) => p.kind)] } },
    select: { kind: true, value: true },
  });
  const emails = new Set<string>();
  const phones = new Set<string>();
  if (customer.email) emails.add(customer.email.toLowerCase());
  if (customer.phone) phones.add(customer.phone);
  for (const i of identities) {
    if (i.kind === 'EMAIL') emails.add(i.value.toLowerCase());
    else if (i.kind === 'PHONE') phones.add(i.value);
    else {
      const phone = phoneIdentities.find((p) => p.kind === i.kind)?.toPhone(i.value);
      if (phone) phones.add(phone);
    }
  }
  return { emails: [...emails], phones: [...phones] };
}

/**
 * Other customers of the same organization (not deleted) that share an
 * e-mail address or a phone number with `customer`, in their own fields or as
 * an identity on any channel (EMAIL, PHONE, or a provider's notation of the
 * number: ChannelAdapter.phoneIdentity); oldest first, at most {@link MAX_DUPLICATE_SUGGESTIONS}.
 * Tenant-scoped through `ctx.db`. `query` is Pothos' Prisma selection.
 */
export async function duplicateSuggestions(ctx: HubContext, customer: Pick<Customer, 'id' | 'email' | 'phone'>, query: object = {}): Promise<Customer[]> {
  const { emails, phones } = await contactPoints(ctx.db, customer);
  if (emails.length === 0 && phones.length === 0) return [];
  const or: Prisma.CustomerWhereInput[] = [];
  for (const e of emails) or.push({ email: { equals: e, mode: 'insensitive' } });
  if (phones.length) or.push({ phone: { in: phones } });
  const identityOr: Prisma.CustomerIdentityWhereInput[] = [];
  if (emails.length) identityOr.push({ kind: 'EMAIL', value: { in: emails } });
  if (phones.length) {
    identityOr.push({ kind: 'PHONE', value: { in: phones } });
    for (const p of phoneIdentities) {
      const values = phones.map((phone) => p.fromPhone(phone)).filter((v): v is string => v !== null);
      if (values.length) identityOr.push({ kind: p.kind, value: { in: values } });
    }
  }
  or.push({ identities: { some: { OR: identityOr } } });
  return ctx.db.customer.findMany({
    ...query,
    where: { id: { not: customer.id }, OR: or },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: MAX_DUPLICATE_SUGGESTIONS,
  });
}

/** What mergeCustomers moved, as recorded in the audit row. */
export interface CustomerMergeRecord {
  primaryId: string;
  duplicateId: string;
  identityIds: string[];
  threadIds: string[];
  /** Tasks and internal notes do not point at a customer: they moved with their threads. Listed for the record. */
  taskIds: string[];
  noteIds: string[];
  /** Primary fields that were empty and were filled from the duplicate (their values). */
  filled: Partial<Record<(typeof FILLABLE)[number], unknown>>;
  /** The primary's customAttributes before the merge (restore them to reverse). */
  primaryCustomAttributesBefore: unknown;
}

/**
 * Folds `duplicateId` into `primaryId`, in one transaction: the duplicate's
 * identities (every channel) and threads (with their messages, internal notes
 * and tasks) move to the primary; customAttributes are merged with the
 * primary's values winning; the primary's empty optional fields (e-mail,
 * phone, Italian fields, language) are filled from the duplicate; the
 * duplicate is soft-deleted with `mergedIntoId` = the primary. Two
 * `customer.merge` audit rows (one per customer) record every moved id and
 * the primary's values before, which is what reversing it needs. The SLA of
 * the moved, running threads is synced (the customer tier can change the
 * policy); provider contacts of the primary are synced after commit.
 *
 * Errors (DomainError), nothing changed: MERGE_SAME_RECORD (same id),
 * NOT_FOUND (either customer missing, deleted, or of another organization:
 * another tenant's customer is never revealed).
 */
export async function mergeCustomers(ctx: HubContext, primaryId: string, duplicateId: string): Promise<{ customer: Customer; merge: CustomerMergeRecord }> {
  if (primaryId === duplicateId) throw new DomainError('MERGE_SAME_RECORD', MERGE_ERRORS.MERGE_SAME_RECORD, 'duplicateId');
  const now = ctx.deps.clock.now();
  // A deadlock with a concurrent ingestion or SLA job aborts the whole transaction: the tenant client runs it again (db/tenant.ts, db/retry.ts).
  const result = await ctx.db.$transaction(async (tx) => {
    // Two merges of the same customers run one after the other (the second then finds the duplicate deleted).
    await tx.$queryRawUnsafe(
      `SELECT id FROM "Customer" WHERE id = ANY($1::uuid[]) AND "organizationId" = $2::uuid ORDER BY id FOR UPDATE`,
      [primaryId, duplicateId],
      ctx.organizationId,
    );
    const primary = await tx.customer.findUnique({ where: { id: primaryId } });
    if (!primary) throw notFound('Customer', 'primaryId');
    const duplicate = await tx.customer.findUnique({ where: { id: duplicateId } });
    if (!duplicate) throw notFound('Customer', 'duplicateId');

    const identities = await tx.customerIdentity.findMany({ where: { customerId: duplicate.id }, select: { id: true } });
    const threads = await tx.thread.findMany({ where: { customerId: duplicate.id, deletedAt: undefined }, select: { id: true, status: true } });
    const threadIds = threads.map((t) => t.id);
    const [tasks, notes] = threadIds.length
      ? await Promise.all([
          tx.task.findMany({ where: { threadId: { in: threadIds } }, select: { id: true } }),
          tx.message.findMany({ where: { threadId: { in: threadIds }, type: 'INTERNAL_NOTE' }, select: { id: true } }),
        ])
      : [[], []];

    if (identities.length) await tx.customerIdentity.updateMany({ where: { id: { in: identities.map((i) => i.id) } }, data: { customerId: primary.id } });
    if (threadIds.length) await tx.thread.updateMany({ where: { id: { in: threadIds }, deletedAt: undefined }, data: { customerId: primary.id } });

    const filled: CustomerMergeRecord['filled'] = {};
    for (const k of FILLABLE) if (!primary[k] && duplicate[k]) filled[k] = duplicate[k];
    const customAttributes = mergeCustomAttributes(duplicate.customAttributes, primary.customAttributes as Record<string, unknown>);
    // The duplicate leaves first: it stops counting as a holder of its e-mail and phone.
    await tx.customer.update({ where: { id: duplicate.id }, data: { deletedAt: now, mergedIntoId: primary.id } });
    const customer = await tx.customer.update({
      where: { id: primary.id },
      data: { ...(filled as Prisma.CustomerUncheckedUpdateInput), customAttributes: customAttributes as Prisma.InputJsonValue },
    });

    for (const t of threads) if (SLA_RUNNING_STATUSES.includes(t.status)) await syncThreadSla(ctx, tx, t.id);

    const merge: CustomerMergeRecord = {
      primaryId: primary.id,
      duplicateId: duplicate.id,
      identityIds: identities.map((i) => i.id),
      threadIds,
      taskIds: tasks.map((t) => t.id),
      noteIds: notes.map((n) => n.id),
      filled,
      primaryCustomAttributesBefore: primary.customAttributes,
    };
    const before = {
      primary: { ...Object.fromEntries(Object.keys(filled).map((k) => [k, null])), customAttributes: primary.customAttributes },
      duplicate: { deletedAt: null, mergedIntoId: null },
    };
    await writeAudit(ctx, tx, { action: 'customer.merge', entityType: 'Customer', entityId: primary.id, before, after: { role: 'primary', ...merge, customAttributes } });
    await writeAudit(ctx, tx, {
      action: 'customer.merge',
      entityType: 'Customer',
      entityId: duplicate.id,
      before,
      after: { role: 'duplicate', ...merge, deletedAt: now, mergedIntoId: primary.id },
    });
    return { customer, primary, merge };
  });
  await scheduleContactSync(ctx, result.primary, result.customer);
  for (const id of result.merge.threadIds) await publishThreadUpdated(ctx, id, ['customer']);
  return { customer: result.customer, merge: result.merge };
}
