/**
 * The production build (api/build.ts): `pnpm start` runs `node dist/main.js`, the bundle, not the
 * TypeScript sources. Built here, then started as a new user would start it: it refuses to start
 * without its secrets, and with them it migrates an empty PGlite directory, answers readiness and
 * GraphQL, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDir, buildApi, distDir, parseStartScript, startEnv, startFlags } from '../build.js';

const JWT = 'a-production-jwt-secret-of-enough-length-01';
const APP = 'a-production-app-secret-of-enough-length-01';

function startBundle(env: NodeJS.ProcessEnv) {
  // With the flags of `pnpm start` (an unknown V8 flag would stop node here).
  const child = spawn(process.execPath, [...startFlags(), 'dist/main.js'], { cwd: apiDir, env: { ...startEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

/** The environment of a production start: no NODE_ENV or database from the test run. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, PORT: '0', ...extra } as NodeJS.ProcessEnv;
  for (const k of ['NODE_ENV', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'APP_SECRET_KEY', 'VITEST', 'VITEST_WORKER_ID']) if (!(k in extra)) delete env[k];
  return env;
}

describe('parseStartScript (the flags and environment of `pnpm start`, for the benchmarks)', () => {
  it('reads the NAME=value words before node and the flags before dist/main.js', () => {
    expect(parseStartScript('tsx build.ts && MALLOC_A_=131072 B=x node --heap-growing-percent=30 --y dist/main.js')).toEqual({
      env: { MALLOC_A_: '131072', B: 'x' },
      flags: ['--heap-growing-percent=30', '--y'],
    });
    expect(parseStartScript('node dist/main.js')).toEqual({ env: {}, flags: [] });
  });

  it('refuses a script that does not run dist/main.js with node', () => {
    expect(() => parseStartScript('tsx src/main.ts')).toThrow(/does not run/);
  });

  it('is what api/package.json gives: glibc malloc thresholds and the heap growth flag', () => {
    expect(startEnv()).toMatchObject({ MALLOC_MMAP_THRESHOLD_: expect.stringMatching(/^\d+$/), MALLOC_TRIM_THRESHOLD_: expect.stringMatching(/^\d+$/) });
    expect(startFlags()).toContain('--heap-growing-percent=60');
  });
});

describe('the production build', () => {
  let dataDir: string;
  beforeAll(async () => {
    await buildApi();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-build-'));
  }, 60_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes dist/main.js and dist/cli.js', () => {
    expect(existsSync(path.join(distDir, 'main.js'))).toBe(true);
    expect(existsSync(path.join(distDir, 'cli.js'))).toBe(true);
  });

  it('refuses to start without JWT_SECRET, naming it', async () => {
    const run = startBundle(productionEnv({ APP_SECRET_KEY: APP, LOG_LEVEL: 'silent' }));
    expect(await run.exited).not.toBe(0);
    expect(run.err()).toMatch(/refusing to start[\s\S]*JWT_SECRET/);
  }, 30_000);

  it('starts on an empty PGlite directory, answers readiness and GraphQL, stops on SIGTERM', async () => {
    const run = startBundle(productionEnv({ JWT_SECRET: JWT, APP_SECRET_KEY: APP, DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_FORMAT: 'json' }));
    try {
      // The "hub listening" log line carries the URL (PORT=0: a free port).
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "hub listening" line within 60 s; stderr: ${run.err()}`)), 60_000);
        const look = () => {
          const line = run
            .out()
            .split('\n')
            .find((l) => l.includes('hub listening'));
          if (line) {
            clearTimeout(timer);
            resolve((JSON.parse(line) as { url: string }).url);
          }
        };
        run.child.stdout.on('data', look);
        run.exited.then((code) => reject(new Error(`exited with ${code} before listening; stderr: ${run.err()}`)));
      });
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      const gql = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(await gql.json()).toMatchObject({ data: { __typename: 'Query' } });
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  }, 90_000);
});
