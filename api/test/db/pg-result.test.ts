/**
 * `pg`'s result rows (issue 8 §1; patches/pg@8.23.1.patch): Prisma's pg adapter reads rows as
 * arrays, for which `pg` built an empty row object per statement (the template of rows as
 * objects) and never read it. The patch builds it only for rows as objects; both row modes must
 * parse exactly as before.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';

type FieldDescription = { name: string; dataTypeID: number; format: string };
interface ResultInternals {
  addFields(fields: FieldDescription[]): void;
  parseRow(values: (string | null)[]): unknown;
  _prebuiltEmptyResultObject?: object | null;
}
const Result = (pg as unknown as { Result: new (rowMode?: string) => ResultInternals }).Result;
// int4, text, bool, timestamptz: the text-format parsers of pg-types.
const FIELDS: FieldDescription[] = [
  { name: 'id', dataTypeID: 23, format: 'text' },
  { name: 'name', dataTypeID: 25, format: 'text' },
  { name: 'open', dataTypeID: 16, format: 'text' },
  { name: 'at', dataTypeID: 1184, format: 'text' },
];
const VALUES = ['42', 'Anna', 't', '2026-12-03 07:15:00.123+00'];

describe("pg's Result", () => {
  it('rows as arrays: parsed per column type, and no row-object template is built', () => {
    const result = new Result('array');
    result.addFields(FIELDS);
    expect(result.parseRow(VALUES)).toEqual([42, 'Anna', true, new Date('2026-12-03T07:15:00.123Z')]);
    expect(result.parseRow([null, null, 'f', null])).toEqual([null, null, false, null]);
    expect(result._prebuiltEmptyResultObject).toBeNull();
  });

  it('rows as objects: keyed by column name from the template, as before', () => {
    const result = new Result();
    result.addFields(FIELDS);
    expect(result._prebuiltEmptyResultObject).toEqual({ id: null, name: null, open: null, at: null });
    expect(result.parseRow(VALUES)).toEqual({ id: 42, name: 'Anna', open: true, at: new Date('2026-12-03T07:15:00.123Z') });
    // A second row description (several statements in one query) replaces the first.
    result.addFields([{ name: 'n', dataTypeID: 23, format: 'text' }]);
    expect(result.parseRow(['7'])).toEqual({ n: 7 });
  });
});
