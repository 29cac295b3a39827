/**
 * Helpers shared by the large-data generator (generate.ts) and benchmark
 * (run.ts): command-line options, a seeded PRNG, UUIDv7 ids, multi-row
 * INSERTs over `unnest` arrays, timings and percentiles.
 */
import type pg from 'pg';

// ------------------------------------------------------------------ command line

/**
 * `--name value` / `--name=value` / `--flag` options of `argv` (a leading `--`
 * from `pnpm run x -- …` is skipped). Unknown options throw, listing the known ones.
 */
export function parseOptions<K extends string>(argv: string[], known: Record<K, { default?: string; flag?: boolean; help: string }>): Record<K, string | undefined> {
  const out = {} as Record<K, string | undefined>;
  for (const [k, spec] of Object.entries(known) as [K, { default?: string }][]) out[k] = spec.default;
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') continue;
    if (a === '--help' || a === '-h') {
      const lines = (Object.entries(known) as [K, { default?: string; flag?: boolean; help: string }][]).map(
        ([k, s]) => `  --${k}${s.flag ? '' : ' <value>'}  ${s.help}${s.default !== undefined ? ` (default ${s.default})` : ''}`,
      );
      process.stdout.write(`options:\n${lines.join('\n')}\n`);
      process.exit(0);
    }
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(a);
    if (!m || !(m[1]! in known))
      throw new Error(
        `unknown option ${a}; known: ${Object.keys(known)
          .map((k) => `--${k}`)
          .join(' ')}`,
      );
    const key = m[1] as K;
    if ((known[key] as { flag?: boolean }).flag) out[key] = m[2] ?? 'true';
    else {
      const v = m[2] ?? args[++i];
      if (v === undefined) throw new Error(`option --${key} needs a value`);
      out[key] = v;
    }
  }
  return out;
}

/** The URL with another database name (path). */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The database name of a PostgreSQL URL. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

// ------------------------------------------------------------------ randomness

/** mulberry32: a small, fast, seeded PRNG (deterministic for a seed). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }
  next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** [0, 1). */
  float(): number {
    return this.next32() / 4294967296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }
  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.float() * xs.length)]!;
  }
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = this.float() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1]![0];
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** UUID v7 ids whose time part is the row's createdAt (as the database default would give), random bits from a seeded Rng. */
export class Ids {
  constructor(private readonly rng: Rng) {}
  uuidv7(ms: number): string {
    const t = Math.floor(ms);
    const hi = Math.floor(t / 0x10000);
    const lo = t % 0x10000;
    const a = this.rng.next32();
    const b = this.rng.next32();
    const c = this.rng.next32();
    const h8 = hi.toString(16).padStart(8, '0');
    const l4 = lo.toString(16).padStart(4, '0');
    const ver = (0x7000 | (a & 0x0fff)).toString(16);
    const variant = (0x8000 | ((a >>> 16) & 0x3fff)).toString(16);
    const tail = HEX[b & 0xff]! + HEX[(b >>> 8) & 0xff]! + HEX[(b >>> 16) & 0xff]! + HEX[b >>> 24]! + HEX[c & 0xff]! + HEX[(c >>> 8) & 0xff]!;
    return `${h8}-${l4}-${ver}-${variant}-${tail}`;
  }
}

// ------------------------------------------------------------------ bulk inserts

export interface BulkColumn {
  name: string;
  /** Element type of the unnest array parameter: uuid, text, int4, float8, bool, jsonb, timestamp(3). */
  type: 'uuid' | 'text' | 'int4' | 'float8' | 'bool' | 'jsonb' | 'timestamp(3)';
  /** Cast applied in the SELECT, e.g. '"ThreadStatus"' for enums or 'text[]' for an array literal passed as text. */
  cast?: string;
}

/**
 * Collects rows of one table and inserts them as ONE statement per flush:
 * `INSERT INTO t (cols) SELECT … FROM unnest($1::uuid[], $2::text[], …)`,
 * one array parameter per column, whatever the number of rows.
 * Dates are passed as ISO strings (the columns are `timestamp(3)` in UTC).
 */
export class BulkTable {
  private cols: unknown[][];
  rows = 0;
  total = 0;
  private readonly sql: string;
  constructor(
    readonly table: string,
    readonly columns: BulkColumn[],
    onConflict = '',
  ) {
    this.cols = columns.map(() => []);
    const names = columns.map((c) => `"${c.name}"`).join(', ');
    const params = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
    const aliases = columns.map((_, i) => `c${i}`);
    const select = columns.map((c, i) => (c.cast ? `${aliases[i]}::${c.cast}` : aliases[i])).join(', ');
    this.sql = `INSERT INTO "${table}" (${names}) SELECT ${select} FROM unnest(${params}) AS u(${aliases.join(', ')}) ${onConflict}`;
  }
  add(row: unknown[]): void {
    for (let i = 0; i < this.cols.length; i++) {
      const v = row[i];
      this.cols[i]!.push(v instanceof Date ? v.toISOString() : v === undefined ? null : v);
    }
    this.rows++;
  }
  /** The collected rows as one batch (null when none); the next rows start a new batch. */
  take(): { cols: unknown[][]; rows: number } | null {
    if (!this.rows) return null;
    const batch = { cols: this.cols, rows: this.rows };
    this.cols = this.columns.map(() => []);
    this.rows = 0;
    return batch;
  }
  /** Inserts a batch from `take()` on `client`. */
  async send(client: pg.ClientBase, batch: { cols: unknown[][]; rows: number } | null): Promise<number> {
    if (!batch) return 0;
    await client.query(this.sql, batch.cols);
    this.total += batch.rows;
    return batch.rows;
  }
  /** Sends the collected rows (if any) on `client` and starts a new batch. */
  flush(client: pg.ClientBase): Promise<number> {
    return this.send(client, this.take());
  }
}

/** A PostgreSQL array literal of strings ('{"a","b"}'), for text[] columns passed through a text parameter. */
export function arrayLiteral(xs: readonly string[]): string {
  return `{${xs.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

// ------------------------------------------------------------------ timing and statistics

/** Runs `fn`, prints `label … N s` and returns its result. */
export async function timed<T>(label: string, fn: () => Promise<T>, detail?: (r: T) => string): Promise<T> {
  const t = performance.now();
  process.stdout.write(`${label} …`);
  const r = await fn();
  const s = (performance.now() - t) / 1000;
  process.stdout.write(` ${s.toFixed(1)} s${detail ? `  (${detail(r)})` : ''}\n`);
  return r;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)]!;
}

export const fmtInt = (n: number) => n.toLocaleString('en-US');
