/**
 * Prisma's statements as prepared statements on PostgreSQL (db/client.ts `preparedStatementNames`, issue 8 §1):
 * a SQL text is named the second time it runs, at most DATABASE_PREPARED_STATEMENTS texts are named, and
 * PostgreSQL's own `pg_prepared_statements` shows the statement on the connection that ran it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, preparedStatementNames, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { createScratchDatabase } from '../scratch-database.js';

const BASE_URL = process.env.TEST_DATABASE_URL;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('preparedStatementNames', () => {
  it('names a SQL text on its second run, keeps the name, and names at most `max` texts', () => {
    const nameOf = preparedStatementNames(2);
    const [a, b, c] = ['SELECT 1', 'SELECT 2', 'SELECT 3'].map((sql) => ({ sql }));
    expect(nameOf(a!)).toBeUndefined();
    expect(nameOf(a!)).toBe('hub_1');
    expect(nameOf(a!)).toBe('hub_1');
    expect(nameOf(b!)).toBeUndefined();
    expect(nameOf(b!)).toBe('hub_2');
    // The cap is reached: a third text stays unnamed however often it runs; the named ones keep their names.
    for (let i = 0; i < 3; i++) expect(nameOf(c!)).toBeUndefined();
    expect(nameOf({ sql: 'SELECT 1' })).toBe('hub_1');
    expect(nameOf(b!)).toBe('hub_2');
  });

  it('0 names nothing', () => {
    const nameOf = preparedStatementNames(0);
    for (let i = 0; i < 3; i++) expect(nameOf({ sql: 'SELECT 1' })).toBeUndefined();
  });
});

describe.skipIf(!BASE_URL)('prepared statements on PostgreSQL', () => {
  /** A migrated scratch database on one connection, so that every statement runs on the connection we inspect. */
  async function open(preparedStatements: number): Promise<Database> {
    const scratch = await createScratchDatabase(BASE_URL!, 'hub_prepared');
    cleanups.push(() => scratch.drop());
    const db = await createDatabase({ databaseUrl: scratch.url, poolSize: 1, preparedStatements });
    cleanups.push(() => db.close());
    await migrate(db.sql);
    return db;
  }

  const prepared = (db: Database) =>
    // (This query is a Prisma statement too: it leaves itself out.)
    db.prisma.$queryRawUnsafe<{ name: string; statement: string }[]>(
      "SELECT name, statement FROM pg_prepared_statements WHERE name LIKE $1 AND statement NOT LIKE '%pg_prepared_statements%'",
      'hub\\_%',
    );

  it('a Prisma statement run twice is prepared on its connection under a hub_ name, and answers the same', async () => {
    const db = await open(256);
    const statements: string[] = [];
    db.onQuery.add((sql) => statements.push(sql));
    const find = () => db.prisma.organization.findMany({ where: { slug: 'no-such-organization' }, select: { id: true, slug: true } });
    expect(await find()).toEqual([]);
    expect(await prepared(db)).toEqual([]);
    expect(await find()).toEqual([]);
    expect(await find()).toEqual([]);
    const rows = await prepared(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toMatch(/^hub_\d+$/);
    expect(rows[0]!.statement).toBe(statements[0]);
    expect(rows[0]!.statement).toMatch(/FROM "public"\."Organization"/);
  });

  it('statements inside a transaction (the write paths) stay unnamed, however often they run', async () => {
    const db = await open(256);
    await db.prisma.$transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.organization.findMany({ where: { slug: 'in-a-transaction' }, select: { id: true } });
    });
    await db.prisma.$transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.organization.findMany({ where: { slug: 'in-a-transaction' }, select: { id: true } });
    });
    // (The adapter sends BEGIN before the transaction is handed over: that one may be prepared.)
    const onOrganization = async () => (await prepared(db)).filter((r) => r.statement.includes('"Organization"'));
    expect(await onOrganization()).toEqual([]);
    // The same statement outside a transaction is prepared on its second run.
    for (let i = 0; i < 2; i++) await db.prisma.organization.findMany({ where: { slug: 'in-a-transaction' }, select: { id: true } });
    expect(await onOrganization()).toHaveLength(1);
  });

  it('DATABASE_PREPARED_STATEMENTS=0: nothing is prepared', async () => {
    const db = await open(0);
    for (let i = 0; i < 3; i++) await db.prisma.organization.findMany({ where: { slug: 'no-such-organization' } });
    expect(await prepared(db)).toEqual([]);
  });
});
