/**
 * A copy of `o` without the keys whose value is `undefined`. In a Prisma
 * `data` object an absent key leaves the column as it is, while `null` clears
 * it: this turns "field not given" inputs into "leave as is".
 */
export function withoutUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
