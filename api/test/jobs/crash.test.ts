/**
 * Durability across a real `kill -9`: a hub process (test/jobs/crash-server.ts,
 * createApp + runHub, JOB_CONCURRENCY=1, JOB_LEASE_MS=3000) acknowledges one
 * signed WhatsApp batch of 500 text messages, is killed with SIGKILL while the
 * inbound.process job is still storing them, and a second process on the same
 * database (a scratch PostgreSQL database with TEST_DATABASE_URL, else a PGlite
 * DATA_DIR in a temp folder) takes the job over once its lease has run out and
 * finishes it: exactly 500 INCOMING messages, no duplicates, the InboundEvent
 * PROCESSED, and a redelivery of the same body adds nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { signWhatsAppBody } from '../../src/channels/whatsapp/signature.js';
import { loadConfig } from '../../src/config.js';
import { whatsappDemoChannel } from '../fakes/fixtures.js';
import { testDatabaseKind } from '../harness.js';
import { createScratchDatabase, type ScratchDatabase } from '../scratch-database.js';

const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverScript = path.join(apiDir, 'test/jobs/crash-server.ts');
const BATCH = 500;
/** Kill the first hub once it reports this many messages committed. */
const KILL_AFTER = 50;

interface Status {
  messages: number;
  inboundEvents: { id: string; status: string; attempts: number }[];
  jobs: { status: string; attempts: number }[];
}
interface Hub {
  child: ChildProcess;
  url: string;
  statusUrl: string;
  channelId: string;
  output: () => string;
  /** The highest `CRASH_SERVER_STORED <n>` the process printed: at least n messages are committed. */
  stored: () => number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let scratch: ScratchDatabase | null = null;
let dataDir: string | null = null;
let dbEnv: Record<string, string>;
const hubs: Hub[] = [];

/** Environment shared by both hub processes and the final check: same database, same secrets. */
const commonEnv = () => ({
  ...dbEnv,
  APP_SECRET_KEY: 'crash-test-app-secret-key-0123456789abcdef',
  JWT_SECRET: 'crash-test-jwt-secret-0123456789abcdef-xyz',
  ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
});

/** Starts crash-server.ts as a child `node --import tsx` process and waits for its READY line. */
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
      JOB_CONCURRENCY: '1',
      JOB_LEASE_MS: '3000',
      JOB_POLL_INTERVAL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stored = 0;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<{ url: string; statusUrl: string; channelId: string }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      out += text;
      for (const m of text.matchAll(/^CRASH_SERVER_STORED (\d+)$/gm)) stored = Math.max(stored, Number(m[1]));
      const line = out.split('\n').find((l) => l.startsWith('CRASH_SERVER_READY '));
      if (line) resolve(JSON.parse(line.slice('CRASH_SERVER_READY '.length)));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    void exited.then(({ code, signal }) => reject(new Error(`hub exited before it was ready (code ${code}, signal ${signal}):\n${out}`)));
  });
  const info = await ready;
  const hub = { child, ...info, output: () => out.replace(/^CRASH_SERVER_STORED \d+\n/gm, ''), stored: () => stored, exited };
  hubs.push(hub);
  return hub;
}

async function status(hub: Hub): Promise<Status> {
  // A kept-alive socket the status server closes (its 5 s keep-alive timeout) just as a poll reuses it
  // resets the connection: that poll is asked again on a new one.
  const res = await fetch(hub.statusUrl).catch(() => fetch(hub.statusUrl));
  if (!res.ok) throw new Error(`status ${res.status}: ${await res.text()}`);
  return (await res.json()) as Status;
}

/** Polls until `done(status)`; fails only when the generous deadline passes without it. */
async function waitFor(hub: Hub, done: (s: Status) => boolean, what: string, deadlineMs = 300_000): Promise<Status> {
  const until = Date.now() + deadlineMs;
  let last: Status | undefined;
  while (Date.now() < until) {
    last = await status(hub);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never reached: ${what}; last status ${JSON.stringify(last)}\n${hub.output()}`);
}

/** One Cloud API `messages` webhook with `n` text messages from `n` distinct contacts. */
function batchBody(n: number): Buffer {
  const now = Math.floor(Date.now() / 1000) - 60;
  const contacts = [];
  const messages = [];
  for (let i = 0; i < n; i++) {
    const waId = `3162${String(i).padStart(7, '0')}`;
    contacts.push({ profile: { name: `Crash Klant ${i}` }, wa_id: waId });
    messages.push({
      from: waId,
      id: `wamid.CRASH${String(i).padStart(4, '0')}${'A'.repeat(24)}=`,
      timestamp: String(now + (i % 60)),
      text: { body: `Bericht ${i}: wanneer komt de monteur?` },
      type: 'text',
    });
  }
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: whatsappDemoChannel.businessAccountId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: whatsappDemoChannel.displayPhoneNumber, phone_number_id: whatsappDemoChannel.phoneNumberId },
              contacts,
              messages,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

const post = (hub: Hub, body: Buffer) =>
  fetch(`${hub.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(body, whatsappDemoChannel.appSecret) },
    body,
  });

beforeAll(async () => {
  if (process.env.TEST_DATABASE_URL) {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL, 'hub_crash');
    dbEnv = { DATABASE_URL: scratch.url };
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), 'hub-crash-'));
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

describe(`kill -9 while a 500-message webhook batch is processed (${testDatabaseKind})`, () => {
  it('a second process finishes the job after the lease: exactly 500 messages, event PROCESSED, redelivery adds nothing', { timeout: 600_000 }, async () => {
    const body = batchBody(BATCH);
    const first = await startHub();

    const res = await post(first, body);
    expect(res.status).toBe(200);

    // Kill while messages are being stored: 0 < stored < 500. The count is the
    // child's own report after each commit (see crash-server.ts: on PGlite an HTTP
    // poll would wait for the whole batch). If processing outran the watch, the
    // kill still comes right away (recorded below).
    const until = Date.now() + 120_000;
    while (first.stored() < KILL_AFTER && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    const atKill = first.stored();
    const midProcessing = atKill > 0 && atKill < BATCH;
    console.log(
      midProcessing
        ? `[crash ${testDatabaseKind}] killed mid-processing: at least ${atKill}/${BATCH} messages committed before SIGKILL`
        : `[crash ${testDatabaseKind}] not killed mid-processing: ${atKill}/${BATCH} committed when the SIGKILL came`,
    );
    expect(atKill).toBeLessThanOrEqual(BATCH);

    const second = await startHub();
    expect(second.channelId).toBe(first.channelId);
    const after = await waitFor(second, (s) => s.messages >= BATCH && s.inboundEvents.every((e) => e.status === 'PROCESSED'), `${BATCH} messages stored`);
    expect(after.messages).toBe(BATCH);

    // The same delivery again: acknowledged, deduplicated, nothing queued or stored.
    const again = await post(second, body);
    expect(again.status).toBe(200);
    const settled = await waitFor(second, (s) => s.jobs.every((j) => j.status === 'COMPLETED' || j.status === 'FAILED'), 'inbound jobs finished');
    expect(settled.messages).toBe(BATCH);
    expect(settled.inboundEvents).toHaveLength(1);
    expect(settled.jobs).toHaveLength(1);
    expect(settled.jobs[0]!.status).toBe('COMPLETED');
    if (midProcessing) {
      // Claimed by the killed process, then again by the second one after the lease ran out.
      expect(settled.jobs[0]!.attempts).toBe(2);
    }

    // Stop the second hub gracefully (SIGTERM) and read the database directly.
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const check = await createApp({ config: loadConfig({ ...commonEnv(), LOG_LEVEL: 'silent' }) });
    try {
      const prisma = check.db.prisma;
      const rows = await prisma.message.findMany({ where: { channelId: first.channelId }, select: { type: true, externalMessageId: true } });
      expect(rows).toHaveLength(BATCH);
      expect(rows.every((r) => r.type === 'INCOMING')).toBe(true);
      expect(new Set(rows.map((r) => r.externalMessageId)).size).toBe(BATCH);
      expect(await prisma.thread.count({ where: { channelId: first.channelId } })).toBe(BATCH);
      const events = await prisma.inboundEvent.findMany({ where: { channelId: first.channelId } });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ status: 'PROCESSED', error: null });
      const result = events[0]!.result as { events: number; messagesCreated: number };
      expect(result.events).toBe(BATCH);
      // The second run created only what the killed one had not committed.
      if (midProcessing) {
        expect(result.messagesCreated).toBeGreaterThan(0);
        expect(result.messagesCreated).toBeLessThanOrEqual(BATCH - atKill);
      }
    } finally {
      await check.close();
    }
  });
});
