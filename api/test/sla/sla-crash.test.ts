/**
 * The SLA ladder across a real `kill -9` (issue 6 "Done when"): a hub process
 * (test/sla/sla-crash-server.ts) starts an 8-second first-response clock with
 * the ladder 75 % / 90 % / 100 % / +3 s, is killed with SIGKILL right after the
 * first step fired, and a second process on the same database (a scratch
 * PostgreSQL database with TEST_DATABASE_URL, else a PGlite DATA_DIR) fires
 * the rest: each of the four steps exactly once, at its planned moment
 * (steps due while no process ran fire as soon as the second one is up).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { testDatabaseKind } from '../harness.js';
import { createScratchDatabase, type ScratchDatabase } from '../scratch-database.js';

const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverScript = path.join(apiDir, 'test/sla/sla-crash-server.ts');

interface Hub {
  child: ChildProcess;
  threadId: string;
  fired: () => { action: string; firedAt: number; scheduledAt: number }[];
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let scratch: ScratchDatabase | null = null;
let dataDir: string | null = null;
let dbEnv: Record<string, string>;
const hubs: Hub[] = [];
const commonEnv = () => ({
  ...dbEnv,
  APP_SECRET_KEY: 'sla-crash-app-secret-key-0123456789abcdef',
  JWT_SECRET: 'sla-crash-jwt-secret-0123456789abcdef-xyz',
  ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
});

async function startHub(): Promise<Hub> {
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript], {
    cwd: apiDir,
    env: {
      ...(PATH ? { PATH } : {}),
      ...(HOME ? { HOME } : {}),
      ...(TMPDIR ? { TMPDIR } : {}),
      ...commonEnv(),
      PORT: '0',
      LOG_LEVEL: 'warn',
      JOB_LEASE_MS: '2000',
      SLA_TARGET_SECONDS: '8',
      SLA_AFTER_BREACH_SECONDS: '3',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const fired: { action: string; firedAt: number; scheduledAt: number }[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<{ threadId: string }>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      out += text;
      for (const m of text.matchAll(/^SLA_SERVER_FIRED (\w+) (\d+) (\d+)$/gm)) fired.push({ action: m[1]!, firedAt: Number(m[2]), scheduledAt: Number(m[3]) });
      const line = out.split('\n').find((l) => l.startsWith('SLA_SERVER_READY '));
      if (line) resolve(JSON.parse(line.slice('SLA_SERVER_READY '.length)));
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    void exited.then(({ code, signal }) => reject(new Error(`hub exited before it was ready (code ${code}, signal ${signal}):\n${out}`)));
  });
  const info = await ready;
  const hub = { child, threadId: info.threadId, fired: () => fired, output: () => out, exited };
  hubs.push(hub);
  return hub;
}

async function until(what: string, done: () => boolean, hub: Hub, ms = 120_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never reached: ${what}\n${hub.output()}`);
}

beforeAll(async () => {
  if (process.env.TEST_DATABASE_URL) {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL, 'hub_sla_crash');
    dbEnv = { DATABASE_URL: scratch.url };
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), 'hub-sla-crash-'));
    dbEnv = { DATA_DIR: dataDir };
  }
});
afterAll(async () => {
  for (const hub of hubs) {
    if (hub.child.exitCode === null && hub.child.signalCode === null) {
      hub.child.kill('SIGKILL');
      await hub.exited;
    }
  }
  await scratch?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe(`SLA ladder across kill -9 (${testDatabaseKind})`, () => {
  it('kill -9 after the first step and a restart: each of the four steps fires exactly once', { timeout: 300_000 }, async () => {
    const first = await startHub();
    await until('the first step fired', () => first.fired().length >= 1, first);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(first.fired().map((f) => f.action)).toEqual(['REMIND']);

    const second = await startHub();
    expect(second.threadId).toBe(first.threadId);
    await until('the remaining three steps fired', () => second.fired().length >= 3, second);
    await new Promise((r) => setTimeout(r, 3000)); // and nothing more comes
    second.child.kill('SIGTERM');
    await second.exited;
    // Steps that came due while no hub ran fire together after the restart, in any order (several workers).
    const all = [...first.fired(), ...second.fired()].sort((a, b) => a.scheduledAt - b.scheduledAt);
    expect(all.map((f) => f.action)).toEqual(['REMIND', 'ALERT', 'ESCALATE', 'EXECUTIVE_ALERT']);
    const lateness = all.map((f) => f.firedAt - f.scheduledAt);
    console.info(`[sla crash ${testDatabaseKind}] fired − planned (ms): ${lateness.join(', ')} (steps due while no hub ran fire when the second starts)`);
    expect(lateness.every((l) => l >= 0)).toBe(true);
    // Planned at 75 %, 90 %, 100 % of 8 s and 3 s after the breach, from one start.
    const start = all[2]!.scheduledAt - 8000;
    expect(all.map((f) => f.scheduledAt - start)).toEqual([6000, 7200, 8000, 11000]);

    const check = await createApp({ config: loadConfig({ ...commonEnv(), LOG_LEVEL: 'silent' }) });
    try {
      const events = await check.db.prisma.slaEvent.findMany({ where: { threadId: first.threadId } });
      expect(events.map((e) => e.action).sort()).toEqual(['ALERT', 'ESCALATE', 'EXECUTIVE_ALERT', 'REMIND']);
      expect(await check.db.prisma.auditLog.count({ where: { entityId: first.threadId, action: 'thread.fireSlaStep' } })).toBe(4);
    } finally {
      await check.close();
    }
  });
});
