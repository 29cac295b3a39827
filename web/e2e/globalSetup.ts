/**
 * Global setup of the browser e2e suite (runs once, in the vitest main process):
 *
 * 1. makes sure a Chromium binary exists (Debian's /usr/bin/chromium; installs it
 *    with apt-get on a fresh machine; override with CHROMIUM_PATH),
 * 2. starts the fake WhatsApp Cloud API (api/src/sandbox/whatsapp.ts) plus a
 *    tiny inspection endpoint so the spec workers can read what it received,
 * 3. with TEST_DATABASE_URL: creates a scratch PostgreSQL database (dropped in
 *    teardown); otherwise a fresh PGlite DATA_DIR in a temp folder,
 * 4. starts the REAL demo server (`node --import tsx src/demo/run.ts` in api/) on a
 *    free port and waits for "Hub demo running at" (seed + fixture replay).
 *
 * The specs get the URLs through vitest's provide/inject (see helpers.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startFakeWhatsAppCloud } from '../../api/src/sandbox/whatsapp';
import { createScratchDatabase } from '../../api/test/scratch-database';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const apiDir = path.join(repoRoot, 'api');
const SERVER_START_TIMEOUT_MS = 120_000;

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    fakeCloudInspectUrl: string;
    chromiumPath: string;
    databaseKind: string;
    /** Provider sandbox of the demo, from its banner: { whatsapp, graph, twilio, chatwoot, partner } → URL. */
    sandboxUrls: Record<string, string>;
  }
}

const log = (msg: string) => process.stderr.write(`[e2e] ${msg}\n`);

function ensureChromium(): string {
  const wanted = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(wanted)) return wanted;
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${wanted} does not exist`);
  log('Chromium not found at /usr/bin/chromium: installing it with apt-get (fresh machine)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  for (const args of [
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', 'chromium'],
  ]) {
    const cmd = [...sudo, ...args];
    const r = spawnSync(cmd[0]!, cmd.slice(1), { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`"${cmd.join(' ')}" failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})`);
  }
  if (!existsSync(wanted)) throw new Error(`apt-get installed chromium but ${wanted} is still missing`);
  return wanted;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function startDemo(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo/run.ts'], {
    cwd: apiDir,
    env,
    detached: true, // own process group, killed as a whole in teardown
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  // Keep forwarding server warnings/errors once it is up (LOG_LEVEL=warn keeps this quiet).
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`demo server did not print "Hub demo running at" within ${SERVER_START_TIMEOUT_MS / 1000}s`));
    }, SERVER_START_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      reject(new Error(`${err.message}\n--- demo output ---\n${out}`));
    };
    const onData = () => {
      // The whole banner (URL, provider sandbox, logins) is one write; wait for its end anyway.
      const m = /Hub demo running at (\S+)[\s\S]*Development logins/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      // Its log (pino, stdout) too: a failed spec's warnings (e.g. a delivery attempt that failed) show in the run's output.
      const forward = (c: Buffer) => process.stderr.write(`[demo] ${c.toString('utf8')}`);
      child.stdout!.on('data', forward);
      child.stderr!.on('data', forward);
      resolve({ child, url: m[1]!, output: () => out });
    };
    const onExit = (code: number | null, signal: string | null) => fail(new Error(`demo server exited before it was ready (code ${code}, signal ${signal})`));
    child.stdout!.on('data', onData);
    child.on('exit', onExit);
    child.on('error', (e) => fail(e));
  });
}

/** The demo users the specs sign in as (api/src/demo/data/people.ts, password chargecars-demo). */
const SPEC_USERS = ['admin@chargecars.nl', 'manager@chargecars.nl', 'sarah@chargecars.nl', 'alex@chargecars.nl'];

/**
 * The demo organization's locale is nl, so its users see Dutch; the specs assert English texts.
 * Each spec user gets User.locale = en (updateMyPreferences); i18n.e2e.ts clears Sarah's for its
 * own run (back to the organization's Dutch) and sets it to en again at its end.
 */
async function englishForTheSpecs(baseUrl: string): Promise<void> {
  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
  };
  for (const email of SPEC_USERS) {
    const login = await gql('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token errors { code } } }', { e: email, p: 'chargecars-demo' });
    const token = login.data?.login?.token as string | undefined;
    if (!token) throw new Error(`e2e setup: cannot sign in as ${email}: ${JSON.stringify(login)}`);
    const set = await gql('mutation { updateMyPreferences(input: { locale: "en" }) { user { locale } errors { code } } }', {}, token);
    if (set.data?.updateMyPreferences?.user?.locale !== 'en') throw new Error(`e2e setup: cannot set ${email} to English: ${JSON.stringify(set)}`);
  }
}

/** The "PROVIDER SANDBOX" lines of the demo banner ("    twilio     http://127.0.0.1:…"). */
export function parseSandboxUrls(output: string): Record<string, string> {
  const urls: Record<string, string> = {};
  const block = /PROVIDER SANDBOX[^\n]*\n((?:[ \t]+\S+[ \t]+\S.*\n)+)/.exec(output)?.[1] ?? '';
  for (const m of block.matchAll(/^[ \t]+(\S+)[ \t]+(\S+)/gm)) urls[m[1]!] = m[2]!;
  return urls;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function stopDemo(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    killGroup(child, 'SIGKILL');
    await exited;
  }
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const cleanups: (() => Promise<void> | void)[] = [];
  const teardown = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (e) {
        log(`teardown step failed: ${(e as Error).message}`);
      }
    }
  };

  try {
    if (!existsSync(path.join(repoRoot, 'web/dist/index.html'))) {
      throw new Error('web/dist/index.html is missing: run `pnpm run build` first (or `pnpm test:e2e`, which builds)');
    }
    const chromiumPath = ensureChromium();

    // Fake WhatsApp Cloud API + inspection endpoint (the fake lives in this process).
    const cloud = await startFakeWhatsAppCloud();
    cleanups.push(() => cloud.close());
    // The media of the replayed fixtures (image-caption.json, document-reply-context.json), so thumbnails load.
    cloud.addMedia('1402765830391278', { mimeType: 'image/png' });
    cloud.addMedia('884712093385511', { mimeType: 'application/pdf' });
    const inspect: Server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/requests') {
        const rows = cloud.requests.map((r) => ({ method: r.method, path: r.path, body: r.body }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ requests: rows, sentIds: cloud.sentIds }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => inspect.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => inspect.close(() => resolve())));
    const inspectUrl = `http://127.0.0.1:${(inspect.address() as AddressInfo).port}`;

    // Database: scratch PostgreSQL when TEST_DATABASE_URL is set, else PGlite in a temp dir.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: 'warn',
      WHATSAPP_GRAPH_BASE_URL: cloud.baseUrl,
      PORT: String(await freePort()),
    };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    // With TEST_REDIS_URL the server publishes its events through Redis, as scaled instances do.
    if (process.env.TEST_REDIS_URL) env.REDIS_URL = process.env.TEST_REDIS_URL;
    let databaseKind = 'pglite';
    if (process.env.TEST_DATABASE_URL) {
      const db = await createScratchDatabase(process.env.TEST_DATABASE_URL, 'e2e');
      cleanups.push(() => db.drop());
      env.DATABASE_URL = db.url;
      databaseKind = 'postgres';
      delete env.DATA_DIR;
    } else {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-e2e-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      env.DATA_DIR = dataDir;
    }

    const demo = await startDemo(env);
    cleanups.push(() => stopDemo(demo.child));
    // The server prints http://localhost:<port>; use the IPv4 loopback explicitly.
    const baseUrl = demo.url.replace('://localhost:', '://127.0.0.1:');
    log(`demo server ready at ${baseUrl} (${databaseKind}) in ${((Date.now() - started) / 1000).toFixed(1)}s`);

    await englishForTheSpecs(baseUrl);

    project.provide('baseUrl', baseUrl);
    project.provide('fakeCloudInspectUrl', inspectUrl);
    project.provide('chromiumPath', chromiumPath);
    project.provide('databaseKind', databaseKind);
    project.provide('sandboxUrls', parseSandboxUrls(demo.output()));
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}
