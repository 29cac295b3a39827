/**
 * Production refuses to start without its secrets: loadConfig in production
 * mode names the missing (short, or development) variable, and `pnpm start`
 * (main.ts; here under tsx, the bundle in build.test.ts) exits non-zero saying which one to set.
 * Development mode (`pnpm demo`, the tests) keeps the development defaults.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEV_APP_SECRET_KEY, DEV_JWT_SECRET, loadConfig } from '../src/config.js';

const JWT = 'a-production-jwt-secret-of-enough-length-01';
const APP = 'a-production-app-secret-of-enough-length-01';

describe('loadConfig in production mode', () => {
  it('throws naming each missing secret', () => {
    expect(() => loadConfig({}, { mode: 'production' })).toThrow(/JWT_SECRET is not set[\s\S]*APP_SECRET_KEY is not set/);
    expect(() => loadConfig({ JWT_SECRET: JWT }, { mode: 'production' })).toThrow(/APP_SECRET_KEY is not set/);
    expect(() => loadConfig({ JWT_SECRET: JWT }, { mode: 'production' })).not.toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ APP_SECRET_KEY: APP }, { mode: 'production' })).toThrow(/JWT_SECRET is not set/);
  });

  it('refuses a short secret and the development values', () => {
    expect(() => loadConfig({ JWT_SECRET: 'short', APP_SECRET_KEY: APP }, { mode: 'production' })).toThrow(/JWT_SECRET must be at least 32 characters/);
    expect(() => loadConfig({ JWT_SECRET: DEV_JWT_SECRET, APP_SECRET_KEY: APP }, { mode: 'production' })).toThrow(/JWT_SECRET is the development value/);
    expect(() => loadConfig({ JWT_SECRET: JWT, APP_SECRET_KEY: DEV_APP_SECRET_KEY }, { mode: 'production' })).toThrow(/APP_SECRET_KEY is the development value/);
  });

  it('NODE_ENV=production selects production mode; with both secrets it loads', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is not set/);
    const c = loadConfig({ NODE_ENV: 'production', JWT_SECRET: JWT, APP_SECRET_KEY: APP });
    expect(c).toMatchObject({ mode: 'production', jwtSecret: JWT, appSecretKey: APP });
  });

  it('development mode fills in the development secrets (explicit mode wins over NODE_ENV)', () => {
    expect(loadConfig({})).toMatchObject({ mode: 'development', jwtSecret: DEV_JWT_SECRET, appSecretKey: DEV_APP_SECRET_KEY });
    expect(loadConfig({ NODE_ENV: 'production' }, { mode: 'development' })).toMatchObject({ mode: 'development', jwtSecret: DEV_JWT_SECRET });
  });
});

describe('pnpm start without secrets', () => {
  it('exits non-zero and names the missing variable on stderr', async () => {
    const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const env = { ...process.env, APP_SECRET_KEY: APP, PORT: '0', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv;
    delete env.JWT_SECRET;
    delete env.NODE_ENV; // production whatever NODE_ENV says
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: apiDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).not.toBe(0);
    expect(stderr).toContain('JWT_SECRET');
    expect(stderr).not.toContain('APP_SECRET_KEY is not set');
    expect(stderr).toMatch(/refusing to start/);
  }, 60_000);
});
