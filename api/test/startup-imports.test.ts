/**
 * Issue 8 §5 (resident memory): packages many deployments never use are loaded
 * on first use (src/shared/lazy-require.ts), not at start-up. Checked on the
 * import graph esbuild sees from what every server start loads (app.ts and
 * server.ts): a static `import` of one of them anywhere in that graph (a
 * type-only import is erased and fine) would load it in every process again.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const API = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Loaded on first use only; with the resident memory each costs when imported (node --expose-gc, after gc). */
const LAZY = ['ioredis', 'date-holidays', 'codice-fiscale-js', 'pino-pretty'];

/** The npm packages statically reachable from `entries` (dynamic `import()` edges are not followed), each with one importer. */
async function startupPackages(entries: string[]): Promise<Map<string, string>> {
  const { metafile } = await build({
    entryPoints: entries,
    absWorkingDir: API,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    outdir: 'dist-check',
    logLevel: 'silent',
  });
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const stack = [...entries];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of metafile.inputs[file]?.imports ?? []) {
      if (imp.kind === 'dynamic-import') continue;
      if (!imp.external) stack.push(imp.path);
      else if (!imp.path.startsWith('node:') && !packages.has(imp.path)) packages.set(imp.path, file);
    }
  }
  return packages;
}

describe('start-up imports', () => {
  it('a server start loads none of the lazily required packages', async () => {
    const packages = await startupPackages(['src/app.ts', 'src/server.ts']);
    // The graph is real: the server's own packages are in it.
    expect(packages.has('express')).toBe(true);
    expect(packages.has('@apollo/server')).toBe(true);
    const eager = LAZY.filter((p) => [...packages.keys()].some((k) => k === p || k.startsWith(`${p}/`))).map((p) => `${p} (imported by ${packages.get(p)})`);
    expect(eager).toEqual([]);
  });
});
