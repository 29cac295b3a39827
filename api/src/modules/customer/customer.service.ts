/**
 * Customers: create, update, matching an inbound identity to a customer, and
 * the provider-side changes of identities (contact updates, opt-outs).
 */
import { insertRows } from '../../db/insert-rows.js';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { Prisma, type Channel, type Customer, type CustomerIdentity } from '../../generated/prisma/client.js';
import type { IdentityKind } from '../../generated/prisma/enums.js';
import { adapterFor, channelScopedIdentityKinds } from '../../channels/registry.js';
import type { IdentityRef, InboundCustomer } from '../../channels/types.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { withoutUndefined } from '../../shared/objects.js';
import { writeAudit, diff } from '../audit/audit.service.js';
import type { Tx } from '../../db/tenant.js';
import { CreateCustomerInput, UpdateCustomerInput, toE164 } from './customer.validation.js';

/** The unique-key scope of an identity: the channel id for the kinds an adapter declares channel-scoped (registry), else ''. */
export function identityScope(kind: IdentityKind, channelId: string | null | undefined): string {
  return channelScopedIdentityKinds.has(kind) ? (channelId ?? '') : '';
}

/** Normalises an identity value: e-mail lower case, phone E.164 (null when not a phone number), others trimmed. */
export function normalizeIdentity(ref: IdentityRef): IdentityRef | null {
  const v = ref.value.trim();
  if (!v) return null;
  if (ref.kind === 'EMAIL') return { kind: 'EMAIL', value: v.toLowerCase() };
  if (ref.kind === 'PHONE') {
    const e164 = toE164(v);
    return e164 ? { kind: 'PHONE', value: e164 } : null;
  }
  return { kind: ref.kind, value: v };
}

/** The identities a customer's own e-mail and phone fields stand for. */
function profileIdentities(c: { email?: string | null; phone?: string | null }): IdentityRef[] {
  const out: IdentityRef[] = [];
  if (c.email) out.push({ kind: 'EMAIL', value: c.email.toLowerCase() });
  if (c.phone) out.push({ kind: 'PHONE', value: c.phone });
  return out;
}

/**
 * CONFLICT when another (not deleted) customer of the organization already
 * uses one of these e-mail addresses or phone numbers, as an identity or in
 * its own e-mail / phone field. The error's `partial` carries
 * `existingCustomerId` (the other customer's uuid), which the payload exposes.
 */
async function assertIdentitiesFree(tx: Tx, refs: IdentityRef[], exceptCustomerId?: string): Promise<void> {
  if (refs.length === 0) return;
  const other = exceptCustomerId ? { not: exceptCustomerId } : undefined;
  const taken = await tx.customerIdentity.findFirst({
    where: { OR: refs.map((r) => ({ kind: r.kind, value: r.value, scope: '' })), customerId: other, customer: { deletedAt: null } },
    orderBy: { createdAt: 'asc' },
  });
  const byField = taken
    ? null
    : await tx.customer.findFirst({
        where: { id: other, OR: refs.map((r) => (r.kind === 'EMAIL' ? { email: { equals: r.value, mode: 'insensitive' as const } } : { phone: r.value })) },
        orderBy: { createdAt: 'asc' },
      });
  const existingCustomerId = taken?.customerId ?? byField?.id;
  if (!existingCustomerId) return;
  const isEmail = taken ? taken.kind === 'EMAIL' : refs.some((r) => r.kind === 'EMAIL' && r.value === byField?.email?.toLowerCase());
  throw new DomainError(
    'CONFLICT',
    `Another customer (${existingCustomerId}) already has this ${isEmail ? 'e-mail address' : 'phone number'}.`,
    isEmail ? 'input.email' : 'input.phone',
    { existingCustomerId },
  );
}

/**
 * Identities of deleted customers with these values: they pass to the customer
 * being written (as ingestion does), so the unique identity key never blocks a
 * value the conflict check let through.
 */
async function adoptOrphanedIdentities(tx: Tx, refs: IdentityRef[], customerId: string): Promise<IdentityRef[]> {
  if (refs.length === 0) return refs;
  const orphaned = await tx.customerIdentity.findMany({
    where: { OR: refs.map((r) => ({ kind: r.kind, value: r.value, scope: '' })), customerId: { not: customerId }, customer: { deletedAt: { not: null } } },
  });
  if (orphaned.length) await tx.customerIdentity.updateMany({ where: { id: { in: orphaned.map((o) => o.id) } }, data: { customerId } });
  return refs.filter((r) => !orphaned.some((o) => o.kind === r.kind && o.value === r.value));
}

/**
 * The customAttributes after an update: the given keys are set, a key given
 * as null is removed, keys not given stay. A null `patch` clears them all;
 * undefined leaves them as they are.
 */
export function mergeCustomAttributes(current: unknown, patch: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const base = current && typeof current === 'object' && !Array.isArray(current) ? { ...(current as Record<string, unknown>) } : {};
  if (patch === null) return {};
  if (patch === undefined) return base;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else base[k] = v;
  }
  return base;
}

/**
 * Creates a customer and the EMAIL / PHONE identities of its e-mail and phone.
 * Errors (DomainError): VALIDATION_FAILED (zod, field says which), CONFLICT
 * when another customer already uses the e-mail or phone (partial
 * `{ existingCustomerId }`); nothing is stored then.
 */
export async function createCustomer(ctx: HubContext, raw: z.input<typeof CreateCustomerInput>): Promise<{ customer: Customer }> {
  const input = CreateCustomerInput.parse(raw);
  return ctx.db.$transaction(async (tx) => {
    const refs = profileIdentities(input);
    await assertIdentitiesFree(tx, refs);
    const customer = await tx.customer.create({
      data: {
        ...(withoutUndefined(input) as Prisma.CustomerUncheckedCreateInput),
        organizationId: ctx.organizationId,
        customAttributes: mergeCustomAttributes({}, input.customAttributes) as Prisma.InputJsonValue,
      },
    });
    const fresh = await adoptOrphanedIdentities(tx, refs, customer.id);
    if (fresh.length) {
      await tx.customerIdentity.createMany({ data: fresh.map((r) => ({ organizationId: ctx.organizationId, customerId: customer.id, kind: r.kind, value: r.value })) });
    }
    await writeAudit(ctx, tx, { action: 'customer.create', entityType: 'Customer', entityId: customer.id, after: customer });
    return { customer };
  });
}

/**
 * Updates a customer: only the fields given change, null clears an optional
 * field; `customAttributes` is merged key by key ({@link mergeCustomAttributes}).
 * Errors (DomainError), nothing stored: NOT_FOUND, VALIDATION_FAILED, CONFLICT
 * when the new e-mail or phone is used by another customer (partial
 * `{ existingCustomerId }`).
 */
export async function updateCustomer(ctx: HubContext, id: string, raw: z.input<typeof UpdateCustomerInput>): Promise<{ customer: Customer }> {
  const input = UpdateCustomerInput.parse(raw);
  const result = await ctx.db.$transaction(async (tx) => {
    const before = await tx.customer.findUnique({ where: { id } });
    if (!before) throw notFound('Customer', 'input.customerId');
    const data = withoutUndefined(input) as Prisma.CustomerUncheckedUpdateInput;
    if (input.name === null) throw new DomainError('VALIDATION_FAILED', 'Name is required.', 'input.name');
    if (input.tier === null) throw new DomainError('VALIDATION_FAILED', 'Tier cannot be cleared.', 'input.tier');
    if (input.customAttributes !== undefined) data.customAttributes = mergeCustomAttributes(before.customAttributes, input.customAttributes) as Prisma.InputJsonValue;
    const added = profileIdentities({
      email: input.email && input.email !== before.email ? input.email : null,
      phone: input.phone && input.phone !== before.phone ? input.phone : null,
    });
    await assertIdentitiesFree(tx, added, id);
    const customer = await tx.customer.update({ where: { id }, data });
    const fresh = await adoptOrphanedIdentities(tx, added, id);
    if (fresh.length) {
      await tx.customerIdentity.createMany({
        data: fresh.map((r) => ({ organizationId: ctx.organizationId, customerId: id, kind: r.kind, value: r.value })),
        skipDuplicates: true,
      });
    }
    await writeAudit(ctx, tx, { action: 'customer.update', entityType: 'Customer', entityId: id, ...diff(before, customer) });
    return { customer, before };
  });
  await scheduleContactSync(ctx, result.before, result.customer);
  return { customer: result.customer };
}

/** Fields a provider contact record mirrors (Chatwoot custom_attributes). */
const CONTACT_FIELDS = ['name', 'email', 'phone', 'tier', 'companyName', 'codiceFiscale', 'partitaIva', 'pec', 'sdi', 'customAttributes'] as const;

/**
 * When profile fields change, every provider contact of the customer (channels
 * whose adapter has `syncContact`) is updated from the job queue, with retries.
 */
export async function scheduleContactSync(ctx: HubContext, before: Customer, after: Customer): Promise<void> {
  const changed = CONTACT_FIELDS.some((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (!changed) return;
  // Channel-scoped identities are provider contact records; those whose adapter mirrors profiles get a sync job.
  const scoped = await ctx.db.customerIdentity.findMany({ where: { customerId: after.id, channelId: { not: null } }, include: { channel: true } });
  const contacts = scoped.filter((c) => c.channel && adapterFor(c.channel.type)?.syncContact);
  for (const c of contacts) {
    await ctx.deps.jobs.add(ctx.deps.db.prisma, 'contact.sync', { customerId: after.id, channelId: c.channelId, providerContactId: c.value });
  }
  if (contacts.length) ctx.deps.jobs.kick();
}

/** An identity row with its customer, as `matchOrCreateCustomer` reads them. */
export type IdentityWithCustomer = CustomerIdentity & { customer: Customer };

/** One identity lookup: kind, normalized value and scope ('' or the channel id for channel-scoped kinds). */
export interface IdentityKey {
  kind: IdentityKind;
  value: string;
  scope: string;
}

/** The identity lookups of an inbound customer on a channel (normalized; invalid identities left out), in the adapter's order. */
export function inboundIdentityKeys(inbound: InboundCustomer, channelId: string): IdentityKey[] {
  return inbound.identities
    .map(normalizeIdentity)
    .filter((r): r is IdentityRef => r !== null)
    .map((r) => ({ kind: r.kind, value: r.value, scope: identityScope(r.kind, channelId) }));
}

const IDENTITY_COLUMNS = Object.values(Prisma.CustomerIdentityScalarFieldEnum);
const CUSTOMER_COLUMNS = Object.values(Prisma.CustomerScalarFieldEnum);
/** The select list of findIdentities: the identity's columns, then the customer's as "customer.<column>". */
const IDENTITY_WITH_CUSTOMER = [...IDENTITY_COLUMNS.map((c) => `i."${c}"`), ...CUSTOMER_COLUMNS.map((c) => `c."${c}" AS "customer.${c}"`)].join(', ');

/**
 * The identities (with their customers, deleted ones included) of `organizationId` matching any of
 * `keys`, in one statement: what `matchOrCreateCustomer` reads for one customer, read for a whole
 * batch of inbound messages (pass the rows as `known`). Rows as Prisma's
 * `customerIdentity.findMany({ include: { customer: true } })` gives them. Empty `keys`: no
 * statement, no rows.
 *
 * Raw SQL: the keys arrive as three arrays joined to the unique index (organizationId, kind, scope,
 * value), one index probe per key. Prisma's `OR` of 100 `(kind, value, scope)` triples (300
 * parameters) took ~12 ms of PostgreSQL per inbound batch to plan and run
 * (docs/measurements.md "Stop 29").
 * @throws the database's error
 */
export async function findIdentities(tx: Tx, organizationId: string, keys: readonly IdentityKey[]): Promise<IdentityWithCustomer[]> {
  if (!keys.length) return [];
  const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT ${IDENTITY_WITH_CUSTOMER}
     FROM unnest($2::text[], $3::text[], $4::text[]) AS k(kind, value, scope)
     JOIN "CustomerIdentity" i ON i."organizationId" = $1::uuid AND i.kind = k.kind::"IdentityKind" AND i.scope = k.scope AND i.value = k.value
     JOIN "Customer" c ON c.id = i."customerId"`,
    organizationId,
    keys.map((k) => k.kind),
    keys.map((k) => k.value),
    keys.map((k) => k.scope),
  );
  return rows.map((r) => {
    const identity: Record<string, unknown> = {};
    const customer: Record<string, unknown> = {};
    for (const c of IDENTITY_COLUMNS) identity[c] = r[c];
    for (const c of CUSTOMER_COLUMNS) customer[c] = r[`customer.${c}`];
    return { ...identity, customer } as IdentityWithCustomer;
  });
}

/**
 * Finds the customer an inbound identity belongs to or creates one with all of
 * them. Adds identities the customer did not have yet, and fills a missing
 * name, e-mail or phone from the provider profile. Runs inside the caller's
 * transaction.
 *
 * Which customer, when the identities point at several (duplicates): an
 * identity is unique per organization (and channel for channel-scoped kinds),
 * so each identity names exactly one customer, and the match is the customer
 * of the first identity in the adapter's order, the most specific one (a
 * WhatsApp id or a Chatwoot contact before an e-mail or phone), never simply
 * the oldest customer. The other customers are left alone (their identities
 * are not moved, and an e-mail or phone another customer already uses is not
 * copied onto the match), so `Customer.duplicateSuggestions` shows them and an
 * agent can merge them (mergeCustomers).
 *
 * `opts.known`: identity rows read earlier in this transaction by
 * `findIdentities` for keys including this customer's, none of them written
 * since (a batch); then nothing is read here.
 * @throws DomainError VALIDATION_FAILED when the customer has no identity at all
 */
export async function matchOrCreateCustomer(
  ctx: HubContext,
  tx: Tx,
  inbound: InboundCustomer,
  channelId: string,
  opts: { known?: readonly IdentityWithCustomer[] } = {},
): Promise<Customer> {
  const email = inbound.email?.trim().toLowerCase() || null;
  const phone = inbound.phone ? toE164(inbound.phone) : null;
  const keyed = inboundIdentityKeys(inbound, channelId);
  if (keyed.length === 0) throw new DomainError('VALIDATION_FAILED', 'The customer needs at least one identity (e-mail, phone, WhatsApp id …).', 'input.customer');
  const refs: IdentityRef[] = keyed.map(({ kind, value }) => ({ kind, value }));
  const all = opts.known
    ? opts.known.filter((i) => keyed.some((r) => r.kind === i.kind && r.value === i.value && r.scope === i.scope))
    : await findIdentities(tx, ctx.organizationId, keyed);
  // Identities of a deleted customer pass to the new customer this message creates.
  const orphaned = all.filter((i) => i.customer.deletedAt !== null);
  const found = all.filter((i) => i.customer.deletedAt === null);
  const rank = (k: { kind: string; value: string }) => keyed.findIndex((r) => r.kind === k.kind && r.value === k.value);
  const best = found.sort((a, b) => rank(a) - rank(b))[0];
  const identityRows = (customerId: string) =>
    keyed.map((r) => ({ organizationId: ctx.organizationId, customerId, kind: r.kind, value: r.value, scope: r.scope, channelId: r.scope ? channelId : null }));

  if (best) {
    const existing = best.customer;
    const missing = identityRows(existing.id).filter((r) => !found.some((f) => f.kind === r.kind && f.value === r.value));
    if (missing.length) await tx.customerIdentity.createMany({ data: missing, skipDuplicates: true });
    const patch: Prisma.CustomerUncheckedUpdateInput = {};
    // Another customer holding the value (a duplicate) keeps it: no second customer gets the same e-mail or phone.
    const heldElsewhere = (kind: 'EMAIL' | 'PHONE') => all.some((i) => i.kind === kind && i.customerId !== existing.id && i.customer.deletedAt === null);
    if (phone && !existing.phone && !heldElsewhere('PHONE')) patch.phone = phone;
    if (email && !existing.email && !heldElsewhere('EMAIL')) patch.email = email;
    const placeholder = [existing.phone, existing.email, ...found.map((f) => f.value)];
    if (inbound.name?.trim() && placeholder.includes(existing.name)) patch.name = inbound.name.trim();
    if (!Object.keys(patch).length) return existing;
    const updated = await tx.customer.update({ where: { id: existing.id }, data: patch });
    await writeAudit(ctx, tx, { action: 'customer.update', entityType: 'Customer', entityId: existing.id, ...diff(existing, updated) });
    return updated;
  }
  const customer = await tx.customer.create({
    data: { organizationId: ctx.organizationId, name: inbound.name?.trim() || phone || email || refs[0]!.value, email, phone },
  });
  if (orphaned.length) await tx.customerIdentity.updateMany({ where: { id: { in: orphaned.map((i) => i.id) } }, data: { customerId: customer.id } });
  // No skipDuplicates: when two deliveries create the same new customer at once, the
  // loser's transaction fails on the unique identity and ingestion retries it (matching this time).
  const fresh = identityRows(customer.id).filter((r) => !orphaned.some((o) => o.kind === r.kind && o.value === r.value && o.scope === r.scope));
  if (fresh.length) await tx.customerIdentity.createMany({ data: fresh });
  await writeAudit(ctx, tx, {
    action: 'customer.create',
    entityType: 'Customer',
    entityId: customer.id,
    after: { name: customer.name, email, phone, identities: keyed.map((r) => r.kind), channelId },
  });
  return customer;
}

/**
 * Creates the customers of several inbound messages at once, inside the
 * caller's transaction: what `matchOrCreateCustomer` does for a customer none
 * of whose identities exists (same name, e-mail, phone, identities and
 * `customer.create` audit row), in one INSERT for the customers and one for
 * their identities (plus, only after a race, one DELETE each).
 *
 * The caller guarantees that no identity of `inbounds` was stored when it read
 * them in this transaction, that each has at least one identity, and that no
 * two of them (nor one twice) share an identity. Another transaction may still
 * have created one of these identities since (a concurrent delivery): its
 * identity row is skipped (ON CONFLICT DO NOTHING; the insert waits for the
 * other transaction's outcome), the customer created here for it is deleted
 * again with the identities it did get, and its entry is `null`: match it with
 * `matchOrCreateCustomer` (which now reads the other transaction's identity).
 * @returns per entry of `inbounds`, in order, the customer created with its identity rows (with the customer), or null after such a race
 */
export async function createNewCustomers(
  ctx: HubContext,
  tx: Tx,
  inbounds: readonly InboundCustomer[],
  channelId: string,
): Promise<({ customer: Customer; identities: IdentityWithCustomer[] } | null)[]> {
  if (!inbounds.length) return [];
  const planned = inbounds.map((inbound) => {
    const email = inbound.email?.trim().toLowerCase() || null;
    const phone = inbound.phone ? toE164(inbound.phone) : null;
    const keyed = inboundIdentityKeys(inbound, channelId);
    if (!keyed.length) throw new Error('createNewCustomers: a customer without identity');
    return { id: uuidv7(), name: inbound.name?.trim() || phone || email || keyed[0]!.value, email, phone, keyed };
  });
  // Raw INSERTs (Prisma compiles every createManyAndReturn anew, db/insert-rows.ts) of every column: the rows
  // returned are the values inserted, typed as the model (a column added to the schema fails the typecheck here).
  const now = new Date();
  const customers: Customer[] = planned.map((p) => ({
    id: p.id,
    organizationId: ctx.organizationId,
    name: p.name,
    email: p.email,
    phone: p.phone,
    companyName: null,
    codiceFiscale: null,
    partitaIva: null,
    pec: null,
    sdi: null,
    tier: 'STANDARD',
    customAttributes: {},
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
    language: null,
    mergedIntoId: null,
  }));
  await insertRows(tx, 'Customer', customers);
  // In key order: two transactions inserting overlapping identities wait for each other in the same order (no deadlock).
  const sortKey = (r: IdentityKey) => `${r.kind}\u0000${r.scope}\u0000${r.value}`;
  const rows = planned.flatMap((p) =>
    p.keyed.map((r) => ({ organizationId: ctx.organizationId, customerId: p.id, kind: r.kind, value: r.value, scope: r.scope, channelId: r.scope ? channelId : null })),
  );
  rows.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const candidates: CustomerIdentity[] = rows.map((r) => ({ ...r, id: uuidv7(), optedOutAt: null, createdAt: now, updatedAt: now }));
  const inserted = new Set(await insertRows(tx, 'CustomerIdentity', candidates, { onConflictDoNothing: true }));
  const identities = candidates.filter((i) => inserted.has(i.id));
  const stored = new Map<string, number>();
  for (const i of identities) stored.set(i.customerId, (stored.get(i.customerId) ?? 0) + 1);
  const lost = planned.filter((p) => (stored.get(p.id) ?? 0) < p.keyed.length).map((p) => p.id);
  if (lost.length) {
    await tx.customerIdentity.deleteMany({ where: { customerId: { in: lost } } });
    await tx.customer.deleteMany({ where: { id: { in: lost } } });
  }
  const byId = new Map(customers.map((c) => [c.id, c]));
  const out: ({ customer: Customer; identities: IdentityWithCustomer[] } | null)[] = [];
  for (const p of planned) {
    const customer = lost.includes(p.id) ? null : byId.get(p.id)!;
    out.push(customer && { customer, identities: identities.filter((i) => i.customerId === p.id).map((i) => ({ ...i, customer })) });
    if (customer)
      await writeAudit(ctx, tx, {
        action: 'customer.create',
        entityType: 'Customer',
        entityId: customer.id,
        after: { name: customer.name, email: p.email, phone: p.phone, identities: p.keyed.map((r) => r.kind), channelId },
      });
  }
  return out;
}

/**
 * A provider's contact record changed (Chatwoot contact_updated): adds the
 * identities and fills the profile fields it carries. Unknown contacts are ignored.
 */
export async function updateCustomerFromProvider(deps: AppDeps, channel: Channel, inbound: InboundCustomer): Promise<{ updated: boolean }> {
  const ctx = systemContext(deps, channel.organizationId, 'WEBHOOK');
  const refs = inbound.identities.map(normalizeIdentity).filter((r): r is IdentityRef => r !== null);
  const match = await ctx.db.customerIdentity.findFirst({
    where: { OR: refs.map((r) => ({ kind: r.kind, value: r.value, scope: identityScope(r.kind, channel.id) })) },
  });
  if (!match) return { updated: false };
  await ctx.db.$transaction(async (tx) => {
    const before = await tx.customer.findUniqueOrThrow({ where: { id: match.customerId } });
    const rows = refs.map((r) => ({
      organizationId: ctx.organizationId,
      customerId: before.id,
      kind: r.kind,
      value: r.value,
      scope: identityScope(r.kind, channel.id),
      channelId: identityScope(r.kind, channel.id) ? channel.id : null,
    }));
    await tx.customerIdentity.createMany({ data: rows, skipDuplicates: true });
    const data: Prisma.CustomerUncheckedUpdateInput = {};
    if (inbound.name?.trim() && inbound.name.trim() !== before.name) data.name = inbound.name.trim();
    const email = inbound.email?.trim().toLowerCase();
    if (email && email !== before.email) data.email = email;
    const phone = inbound.phone ? toE164(inbound.phone) : null;
    if (phone && phone !== before.phone) data.phone = phone;
    if (Object.keys(data).length === 0) return;
    const after = await tx.customer.update({ where: { id: before.id }, data });
    await writeAudit(ctx, tx, { action: 'customer.update', entityType: 'Customer', entityId: before.id, ...diff(before, after) });
  });
  return { updated: true };
}

/**
 * Marks an identity opted out (SMS STOP, provider error 21610) or back in
 * (START), with an audit row. Unknown identities are ignored.
 */
export async function setIdentityOptOut(deps: AppDeps, channel: Channel, ref: IdentityRef, optedOut: boolean, at: Date): Promise<{ updated: boolean }> {
  const norm = normalizeIdentity(ref);
  if (!norm) return { updated: false };
  const ctx = systemContext(deps, channel.organizationId, 'WEBHOOK');
  return ctx.db.$transaction(async (tx) => {
    const identity = await tx.customerIdentity.findFirst({ where: { kind: norm.kind, value: norm.value, scope: identityScope(norm.kind, channel.id) } });
    if (!identity || (identity.optedOutAt !== null) === optedOut) return { updated: false };
    await tx.customerIdentity.update({ where: { id: identity.id }, data: { optedOutAt: optedOut ? at : null } });
    await writeAudit(ctx, tx, {
      action: optedOut ? 'customer.optOut' : 'customer.optIn',
      entityType: 'Customer',
      entityId: identity.customerId,
      after: { kind: identity.kind, value: identity.value, channelId: channel.id },
    });
    return { updated: true };
  });
}
