/**
 * The production build of the api: esbuild bundles `src/main.ts` (the server, `pnpm start`) and
 * `src/cli.ts` (`node dist/cli.js …`, the operations CLI) into `api/dist/` as ES modules, split
 * into shared chunks so a dynamic `import()` stays lazy (main.ts checks the configuration and
 * sets NODE_ENV before graphql-js and the rest load). npm packages stay external (resolved from
 * api/node_modules at run time, as under tsx).
 *
 * Why a build at all (issue 8 §5): under `node --import tsx` every process carries tsx's module
 * loader (a loader thread with its own V8 isolate and every transformed source): ~90 MB of RSS
 * outside the server's heap. The server runs as plain JavaScript instead; `pnpm demo`, the tests
 * and the scripts keep running the TypeScript sources through tsx.
 *
 * `dist/` sits two levels below the repository root, like `src/`, so paths derived from a
 * module's own location (config.ts `repoRoot`: migrations, web/dist) are the same in both.
 *
 *   cd api && npx tsx build.ts        (or: pnpm --filter @hub/api run build)
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildResult } from 'esbuild';

/** The api package's directory (absolute). */
export const apiDir = path.dirname(fileURLToPath(import.meta.url));
/** Where bundles go: `api/dist` (gitignored). */
export const distDir = path.join(apiDir, 'dist');

export interface BundleOptions {
  /** Output name (without `.js`) → entry file, relative to api/ or absolute. */
  entryPoints: Record<string, string>;
  /** Prefix of chunk file names, so several builds can share `dist/` (default `chunk`). */
  chunkPrefix?: string;
}

/**
 * Bundles `entryPoints` into `dist/<name>.js` (+ `<prefix>-<hash>.js` chunks and linked source
 * maps). Resolves when written; throws esbuild's error (with file and line) when a file does not
 * compile.
 */
export function bundle(opts: BundleOptions): Promise<BuildResult> {
  return build({
    absWorkingDir: apiDir,
    entryPoints: opts.entryPoints,
    outdir: distDir,
    entryNames: '[name]',
    chunkNames: `${opts.chunkPrefix ?? 'chunk'}-[hash]`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

/**
 * The Node/V8 flags `pnpm start` runs `dist/main.js` with, read from api/package.json's `start`
 * script (the one place they are written), e.g. `['--heap-growing-percent=60']`.
 * The benchmarks start their servers with the same flags. Why (issue 8 §5, docs/measurements.md
 * "Memory: the production build and two V8 flags"): a heap growth of 30 % (V8 lets it reach 300 %
 * when the mutator is busy) runs the old generation's collection at ~1.3× the live heap instead of
 * letting garbage grow it to ~4×: peak RSS under the inbox load ~250 MB instead of ~550 MB.
 * @throws Error when the start script does not run `node … dist/main.js`
 */
export function startFlags(): string[] {
  return startCommand().flags;
}

/**
 * The environment variables `pnpm start` sets for node (the `NAME=value` words before `node` in
 * api/package.json's `start` script), e.g. `{ MALLOC_MMAP_THRESHOLD_: '131072', … }`. The
 * benchmarks and the build test start their bundled servers with them, as with {@link startFlags}.
 * Why glibc's malloc thresholds (issue 8 §5, docs/measurements.md "Stop 22"): with its default
 * dynamic mmap threshold, glibc serves the ~40–60 MB V8 mallocs and frees while compiling at
 * start-up (Prisma's wasm query compiler) from an arena that keeps the freed pages; fixed at
 * 128 KiB, larger blocks are mmapped and returned when freed, and a free arena top above 128 KiB
 * is trimmed. Ignored where node does not run on glibc (e.g. musl).
 * @throws Error as {@link startFlags}
 */
export function startEnv(): Record<string, string> {
  return startCommand().env;
}

function startCommand(): { env: Record<string, string>; flags: string[] } {
  return parseStartScript((JSON.parse(readFileSync(path.join(apiDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '');
}

/**
 * The environment (`NAME=value` words right before `node`) and the node flags of a start script
 * that runs `dist/main.js`: `"tsx build.ts && A_=1 node --x=2 dist/main.js"` →
 * `{ env: { A_: '1' }, flags: ['--x=2'] }`.
 * @throws Error when the script does not run `[NAME=value …] node [flags] dist/main.js`
 */
export function parseStartScript(start: string): { env: Record<string, string>; flags: string[] } {
  const m = /((?:\b[A-Z_][A-Z0-9_]*=\S+ )*)node((?: --?[\w-]+(?:=\S+)?)*) dist\/main\.js\b/.exec(start);
  if (!m) throw new Error(`api/package.json "start" does not run [NAME=value …] node … dist/main.js: ${start}`);
  const env = Object.fromEntries(
    m[1]!
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  );
  return { env, flags: m[2]!.trim().split(/\s+/).filter(Boolean) };
}

/** `dist/main.js` and `dist/cli.js`, after emptying `dist/`. */
export async function buildApi(): Promise<void> {
  rmSync(distDir, { recursive: true, force: true });
  await bundle({ entryPoints: { main: 'src/main.ts', cli: 'src/cli.ts' } });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildApi();
