/**
 * Multi-row INSERTs without Prisma's query compiler, for the hot bulk writes of inbound ingestion.
 *
 * Why: Prisma 7 caches the query plan of every operation except `createMany` and
 * `createManyAndReturn`, whose plans it compiles anew on every call (the client skips its plan
 * cache for them). That compilation costs ~2 ms of CPU per call plus ~0.2–0.3 ms per row: a
 * 50-row `thread.createManyAndReturn` took 17 ms of CPU where a 50-row `findMany` took 1.3 ms
 * (docs/measurements.md, "§3 lag and processing (stop 20)"). Ingestion made six such calls per
 * batch, 2 ms of CPU per message. `insertRows` sends one raw
 * `INSERT … SELECT … FROM jsonb_populate_recordset(NULL::"Table", $1)` instead: one parameter,
 * the rows as JSON, converted by PostgreSQL to the columns' types.
 *
 * Values are those of Prisma's create data: strings, numbers, booleans, null, Date (stored as its
 * UTC wall time in the `timestamp(3)` columns, Prisma's convention), plain objects and arrays
 * (Json columns, or arrays of a scalar list column). A key whose value is `undefined` is left
 * out, so the column's database default applies, as with Prisma. Prisma's own client-side
 * defaults (`@default(uuid(7))`, `@updatedAt`) are not known here: the caller passes them
 * (`withIdAndStamps`).
 */
import { v7 as uuidv7 } from 'uuid';

/** A client that can run raw SQL (Prisma client, tenant client or transaction). */
interface RawSql {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

function assertPlain(table: string, key: string, v: unknown): void {
  if (v === null || typeof v !== 'object' || v instanceof Date || Array.isArray(v)) return;
  const proto = Object.getPrototypeOf(v);
  // Prisma.JsonNull / DbNull, Decimal and the like would not survive JSON: refuse them.
  if (proto !== Object.prototype && proto !== null) throw new Error(`insertRows(${table}): ${key} is not a plain value`);
}

/**
 * Inserts `rows` into `table` in one statement per set of present columns (one in practice), in
 * the order given (`INSERT … SELECT` over the rows as they come), and returns the ids of the
 * inserted rows (as text). `onConflictDoNothing`: rows that violate a unique constraint are
 * skipped (Prisma's `skipDuplicates`) and their ids are not returned. Every row needs an `id`
 * (see withIdAndStamps).
 * @throws Error for a table or column name that is not a plain identifier, a row without id or a value that is not plain; database errors as they come
 */
export async function insertRows(db: RawSql, table: string, rows: readonly Record<string, unknown>[], opts: { onConflictDoNothing?: boolean } = {}): Promise<string[]> {
  if (!IDENTIFIER.test(table)) throw new Error(`insertRows: not a table name: ${table}`);
  const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
  for (const row of rows) {
    const columns = Object.keys(row)
      .filter((k) => row[k] !== undefined)
      .sort();
    if (row.id === undefined || row.id === null) throw new Error(`insertRows(${table}): a row without id`);
    for (const k of columns) {
      if (!IDENTIFIER.test(k)) throw new Error(`insertRows(${table}): not a column name: ${k}`);
      assertPlain(table, k, row[k]);
    }
    const sig = columns.join(',');
    const g = groups.get(sig) ?? { columns, rows: [] };
    g.rows.push(row);
    groups.set(sig, g);
  }
  const ids: string[] = [];
  for (const g of groups.values()) {
    const list = g.columns.map((c) => `"${c}"`).join(', ');
    const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO "${table}" (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::"${table}", $1::jsonb)${opts.onConflictDoNothing ? ' ON CONFLICT DO NOTHING' : ''} RETURNING id::text AS id`,
      JSON.stringify(g.rows),
    );
    for (const r of inserted) ids.push(r.id);
  }
  return ids;
}

/**
 * `row` with what Prisma's client fills in on create when the data leaves it out: a UUIDv7 `id`
 * (`@default(uuid(7))`), and `createdAt` / `updatedAt` set to `now` (`@default(now())`,
 * `@updatedAt`) for the names in `stamps` (the model's such columns).
 */
export function withIdAndStamps<T extends Record<string, unknown>>(row: T, now: Date, stamps: readonly ('createdAt' | 'updatedAt')[]): T & { id: string } {
  const out: Record<string, unknown> = { ...row };
  if (out.id === undefined) out.id = uuidv7();
  for (const s of stamps) if (out[s] === undefined) out[s] = now;
  return out as T & { id: string };
}
