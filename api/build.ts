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
 * script (the one place they are written), e.g. `['--heap-growing-percent=30']`.
 * The benchmarks start their servers with the same flags. Why (issue 8 §5, docs/measurements.md
 * "Memory: the production build and two V8 flags"): a heap growth of 30 % (V8 lets it reach 300 %
 * when the mutator is busy) runs the old generation's collection at ~1.3× the live heap instead of
 * letting garbage grow it to ~4×: peak RSS under the inbox load ~250 MB instead of ~550 MB.
 * @throws Error when the start script does not run `node … dist/main.js`
 */
export function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(path.join(apiDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const m = /\bnode((?: --?[\w-]+(?:=\S+)?)*) dist\/main\.js\b/.exec(start);
  if (!m) throw new Error(`api/package.json "start" does not run node … dist/main.js: ${start}`);
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}

/** `dist/main.js` and `dist/cli.js`, after emptying `dist/`. */
export async function buildApi(): Promise<void> {
  rmSync(distDir, { recursive: true, force: true });
  await bundle({ entryPoints: { main: 'src/main.ts', cli: 'src/cli.ts' } });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildApi();
