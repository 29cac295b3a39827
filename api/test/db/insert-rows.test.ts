/**
 * insertRows (db/insert-rows.ts): the raw multi-row INSERT that replaces Prisma's createMany on
 * the ingestion path stores what Prisma's create stores: dates as UTC, Json values, enums, left-out
 * keys as the column default; skips duplicates when asked and returns only the inserted ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, withIdAndStamps } from '../../src/db/insert-rows.js';
import { createOrganization, createTestApp, testDatabaseKind, type TestApp } from '../harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe(`insertRows (${testDatabaseKind})`, () => {
  it('stores the values Prisma would store: a Date as its UTC instant, Json, enums, an undefined key as the default', async () => {
    const org = await createOrganization(app.deps);
    const p = app.deps.db.prisma;
    const at = new Date('2026-03-29T01:30:00.123Z'); // a DST night in Europe: the instant must not move
    const now = new Date('2026-11-20T09:30:00.000Z');
    const rows = [
      withIdAndStamps(
        { organizationId: org.id, name: 'A', email: 'a@example.test', phone: null, tier: 'PREMIUM', customAttributes: { vip: true, tags: ['x'] }, createdAt: at },
        now,
        ['createdAt', 'updatedAt'],
      ),
      withIdAndStamps({ organizationId: org.id, name: 'B', email: null, phone: '+31612345678', tier: undefined, customAttributes: { n: 1 }, createdAt: at }, now, [
        'createdAt',
        'updatedAt',
      ]),
    ];
    const ids = await insertRows(p, 'Customer', rows);
    expect(ids.sort()).toEqual(rows.map((r) => r.id).sort());
    const stored = await p.customer.findMany({ where: { id: { in: ids } }, orderBy: { name: 'asc' } });
    expect(
      stored.map((c) => ({ name: c.name, email: c.email, phone: c.phone, tier: c.tier, customAttributes: c.customAttributes, createdAt: c.createdAt, updatedAt: c.updatedAt })),
    ).toEqual([
      { name: 'A', email: 'a@example.test', phone: null, tier: 'PREMIUM', customAttributes: { vip: true, tags: ['x'] }, createdAt: at, updatedAt: now },
      // tier left out (undefined): the column's default, as Prisma's create.
      { name: 'B', email: null, phone: '+31612345678', tier: 'STANDARD', customAttributes: { n: 1 }, createdAt: at, updatedAt: now },
    ]);
    expect(stored[0]!.id).toBe(rows[0]!.id);
  });

  it('onConflictDoNothing: a row that violates a unique constraint is skipped and its id not returned', async () => {
    const org = await createOrganization(app.deps);
    const p = app.deps.db.prisma;
    const customer = await p.customer.create({ data: { organizationId: org.id, name: 'C' } });
    const now = new Date();
    const identity = (value: string) =>
      withIdAndStamps({ organizationId: org.id, customerId: customer.id, kind: 'EMAIL', value, scope: '', channelId: null }, now, ['createdAt', 'updatedAt']);
    const first = identity('c@example.test');
    expect(await insertRows(p, 'CustomerIdentity', [first])).toEqual([first.id]);
    const again = identity('c@example.test');
    const other = identity('d@example.test');
    expect(await insertRows(p, 'CustomerIdentity', [again, other], { onConflictDoNothing: true })).toEqual([other.id]);
    await expect(insertRows(p, 'CustomerIdentity', [identity('c@example.test')])).rejects.toThrow();
    expect(await p.customerIdentity.count({ where: { customerId: customer.id } })).toBe(2);
  });

  it('refuses what JSON would not carry or SQL would not quote: class instances, odd names, rows without id', async () => {
    const p = app.deps.db.prisma;
    await expect(insertRows(p, 'Customer', [{ id: 'x', customAttributes: new Map() }])).rejects.toThrow(/not a plain value/);
    await expect(insertRows(p, 'Customer"; DROP', [{ id: 'x' }])).rejects.toThrow(/not a table name/);
    await expect(insertRows(p, 'Customer', [{ id: 'x', 'name"': 'y' }])).rejects.toThrow(/not a column name/);
    await expect(insertRows(p, 'Customer', [{ name: 'y' }])).rejects.toThrow(/without id/);
  });
});
