/**
 * Web weight and speed (issue 10 §6), measured in Chromium against a real demo server that this
 * script starts on a free port with a fresh PGlite DATA_DIR (never the shared demo):
 *
 *   (a) JavaScript transferred (encoded bytes, gzip from the hub) on the login page, and on the
 *       way login → inbox (its first thread row), from the DevTools network events;
 *   (b) time from submitting the login form to the first thread row visible (performance.now()
 *       in the page), median of RUNS cold loads (fresh browser context each);
 *   (c) DOM nodes (document.getElementsByTagName('*').length) after scrolling the inbox list
 *       through 1,000 threads: 1,000 threads are added first with `createThread` as Sarah.
 *
 * Needs web/dist (`pnpm run build`) and /usr/bin/chromium (or CHROMIUM_PATH). Run from api/ (tsx):
 *
 *   cd api && node --import tsx ../bench/web/measure.ts
 *
 * With (b) it prints the median run's timeline, ms after submit: each GraphQL request (operation,
 * start → end of its body), each file fetched after submit, the page's long tasks (≥ 50 ms of
 * main thread) and the first row. Options: RUNS (default 5), EXTRA_THREADS (default 1000; 0 skips
 * (c)), TIMELINES=1 (every run's timeline), PROFILE=<file> (a .cpuprofile of the page from submit
 * to the first row, last run), TRACE=<file> (a Chromium performance trace of the same span),
 * HUB_URL=<url> (measure a hub already running instead of starting one: quick comparisons only;
 * the figures in docs/web.md come from a fresh demo).
 *
 * Prints a JSON summary; docs/web.md keeps the figures with date, machine and command.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const { chromium } = createRequire(path.join(repoRoot, 'web/package.json'))('playwright-core') as typeof import('playwright-core');

const RUNS = Number(process.env.RUNS ?? 5);
const EXTRA_THREADS = Number(process.env.EXTRA_THREADS ?? 1000);
const SARAH = { email: 'sarah@chargecars.nl', password: 'chargecars-demo' };

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Starts the demo (seed + fixture replay) on a fresh PGlite dir; resolves with its URL and a stop function. */
async function startDemo(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-measure-'));
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', PORT: String(await freePort()), DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo/run.ts'], { cwd: path.join(repoRoot, 'api'), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${out}`)), 180_000);
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      const m = /Hub demo running at (\S+)[\s\S]*Development logins/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('://localhost:', '://127.0.0.1:'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`demo exited (${code}):\n${out}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {}
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (json.errors?.length) throw new Error(json.errors.map((e) => e.message).join('; '));
  return json.data as T;
}

/** Adds `count` threads as Sarah (createThread), 8 at a time. */
async function addThreads(url: string, count: number): Promise<void> {
  const { login } = await gql<{ login: { token: string } }>(url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
    e: SARAH.email,
    p: SARAH.password,
  });
  const d = await gql<{ channels: { id: string }[]; customers: { edges: { node: { id: string } }[] } }>(
    url,
    '{ channels { id } customers(first: 50) { edges { node { id } } } }',
    {},
    login.token,
  );
  const customers = d.customers.edges.map((e) => e.node.id);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const r = await gql<{ createThread: { errors: { code: string; message: string }[] } }>(
        url,
        'mutation($input: CreateThreadInput!) { createThread(input: $input) { errors { code message } } }',
        { input: { subject: `Meetthread ${i + 1}`, channelId: d.channels[i % d.channels.length]!.id, customerId: customers[i % customers.length] } },
        login.token,
      );
      if (r.createThread.errors.length) throw new Error(`createThread: ${JSON.stringify(r.createThread.errors)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** A fresh context (cold cache) whose JS/CSS transfers are counted from the DevTools network events. */
async function countedPage(browser: Browser, url: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: url });
  // tsx (esbuild keepNames) wraps named functions in evaluate() bodies with __name(): give the page one.
  await context.addInitScript({ content: 'window.__name = (f) => f;' });
  // Timeline of the GraphQL requests (operation name, start and end in performance.now() ms), for the breakdown.
  await context.addInitScript({
    content: `(() => {
      const log = (window.__gql = []);
      const tasks = (window.__longtasks = []);
      try { new PerformanceObserver((l) => tasks.push(...l.getEntries().map((e) => [e.startTime, e.duration]))).observe({ type: 'longtask', buffered: true }); } catch {}
      const orig = window.fetch.bind(window);
      window.fetch = (input, init) => {
        let op = '?';
        try { op = JSON.parse(init && typeof init.body === 'string' ? init.body : '{}').operationName || '?'; } catch {}
        const e = { op, start: performance.now(), end: -1 };
        log.push(e);
        const p = orig(input, init);
        p.then((r) => r.clone().text()).then(() => (e.end = performance.now()), () => (e.end = performance.now()));
        return p;
      };
    })();`,
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const types = new Map<string, string>();
  const bytes = { script: 0, stylesheet: 0, scripts: [] as string[] };
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, `${e.type}|${e.response.url}`));
  cdp.on('Network.loadingFinished', (e) => {
    const [type, u] = (types.get(e.requestId) ?? '').split('|');
    if (type === 'Script') {
      bytes.script += e.encodedDataLength;
      bytes.scripts.push(path.basename(u ?? ''));
    } else if (type === 'Stylesheet') bytes.stylesheet += e.encodedDataLength;
  });
  return { context, page, bytes };
}

/** Submits the login form (by input type: the UI language does not matter) and waits for the first thread row. */
interface Breakdown {
  ms: number;
  /** ms after submit: each GraphQL request and each JS/CSS/other file fetched after submit. */
  events: string[];
}
async function login(page: Page): Promise<Breakdown> {
  if (!page.url().endsWith('/login')) await page.goto('/login');
  await page.locator('input[type="email"]').fill(SARAH.email);
  await page.locator('input[type="password"]').fill(SARAH.password);
  // performance.now() at submit and when the first row is in the DOM and visible (a MutationObserver, in the page).
  await page.evaluate(() => {
    const w = window as unknown as { __t0?: number; __t1?: Promise<number> };
    document.querySelector('form')!.addEventListener('submit', () => (w.__t0 = performance.now()), { capture: true, once: true });
    w.__t1 = new Promise<number>((resolve) => {
      const check = () => {
        const row = document.querySelector<HTMLElement>('[data-testid="thread-row"]');
        if (row && row.offsetParent !== null) {
          obs.disconnect();
          resolve(performance.now());
        }
      };
      const obs = new MutationObserver(check);
      obs.observe(document.documentElement, { childList: true, subtree: true });
    });
  });
  // PROFILE=<file>: a CPU profile of the page from submit to the first row (DevTools' .cpuprofile).
  const cdp = process.env.PROFILE ? await page.context().newCDPSession(page) : null;
  // TRACE=<file>: a Chromium performance trace (DevTools' Performance panel) of the same span.
  const browser = page.context().browser();
  if (process.env.TRACE && browser) await browser.startTracing(page, { path: process.env.TRACE, screenshots: false });
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await page.locator('input[type="password"]').press('Enter');
  const t1 = await page.evaluate(() => (window as unknown as { __t1: Promise<number> }).__t1);
  const t0 = await page.evaluate(() => (window as unknown as { __t0: number }).__t0);
  if (process.env.TRACE && browser) await browser.stopTracing();
  if (cdp) writeFileSync(process.env.PROFILE!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  const events = await page.evaluate(
    ({ t0, t1 }) => {
      const f = (x: number) => Math.round(x - t0);
      const gqlLog = (window as unknown as { __gql: { op: string; start: number; end: number }[] }).__gql.filter((e) => e.start >= t0 - 1);
      const out: [number, string][] = gqlLog.map((e) => [e.start, `gql ${e.op} ${f(e.start)}→${e.end < 0 ? '…' : f(e.end)}`]);
      for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
        if (r.responseEnd < t0 || r.name.includes('/graphql')) continue;
        out.push([r.startTime, `file ${r.name.split('/').pop()} ${f(r.startTime)}→${f(r.responseEnd)}${r.transferSize === 0 ? ' (cache)' : ''}`]);
      }
      for (const [start, dur] of (window as unknown as { __longtasks: [number, number][] }).__longtasks)
        if (start + dur >= t0 && start <= t1) out.push([start, `long task ${f(start)}→${f(start + dur)}`]);
      out.push([t1, `first row ${f(t1)}`]);
      return out.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    },
    { t0, t1 },
  );
  return { ms: t1 - t0, events };
}

/** Scrolls the inbox list until `target` threads have been loaded (highest aria-posinset, else row count); returns the DOM figures. */
async function scrollThrough(page: Page, target: number) {
  let seen = 0;
  let stalled = 0;
  // Gives up after ~20 s without a new thread (the end of the list, or a page that never came).
  while (seen < target && stalled < 130) {
    const now = await page.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="thread-row"]')];
      const pos = Math.max(0, ...[...document.querySelectorAll('[aria-posinset]')].map((e) => Number(e.getAttribute('aria-posinset'))));
      // The scrolling ancestor of the rows.
      let el: HTMLElement | null = rows[rows.length - 1] ?? null;
      while (el && !(el.scrollHeight > el.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(el).overflowY))) el = el.parentElement;
      el?.scrollTo({ top: el.scrollHeight });
      return Math.max(pos, rows.length);
    });
    stalled = now > seen ? 0 : stalled + 1;
    seen = Math.max(seen, now);
    await page.waitForTimeout(150);
  }
  return page.evaluate(
    (loaded) => ({
      threadsScrolled: loaded,
      listTotal: document.querySelector('[data-testid="thread-total-count"]')?.textContent ?? null,
      domNodes: document.getElementsByTagName('*').length,
      rowsInDom: document.querySelectorAll('[data-testid="thread-row"]').length,
    }),
    seen,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// HUB_URL: measure an already running hub instead (quick iterations; the figures in docs/web.md use a fresh demo).
const demo = process.env.HUB_URL ? { url: process.env.HUB_URL, stop: async () => undefined } : await startDemo();
let browser: Browser | undefined;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });

  // (a) + (b): cold loads.
  const times: number[] = [];
  const breakdowns: Breakdown[] = [];
  let weight: Record<string, unknown> = {};
  for (let i = 0; i < RUNS; i++) {
    const { context, page, bytes } = await countedPage(browser, demo.url);
    await page.goto('/login');
    await page.locator('input[type="password"]').waitFor();
    await page.waitForLoadState('networkidle');
    const loginJs = bytes.script;
    const loginFiles = bytes.scripts.length;
    const b = await login(page);
    times.push(b.ms);
    breakdowns.push(b);
    await page.waitForLoadState('networkidle');
    if (i === 0)
      weight = {
        loginPageJsBytes: loginJs,
        loginPageJsFiles: loginFiles,
        loginToInboxJsBytes: bytes.script,
        loginToInboxJsFiles: bytes.scripts.length,
        loginToInboxCssBytes: bytes.stylesheet,
        files: bytes.scripts,
      };
    await context.close();
  }

  // (c): 1,000 more threads, then scroll the inbox through them.
  const started = Date.now();
  await addThreads(demo.url, EXTRA_THREADS);
  const addSeconds = (Date.now() - started) / 1000;
  const { context, page } = await countedPage(browser, demo.url);
  await login(page);
  const dom = await scrollThrough(page, EXTRA_THREADS);
  await context.close();

  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${await browser.version()}`,
        ...weight,
        loginToFirstRowMs: { median: Math.round(median(times)), runs: times.map(Math.round) },
        // The median run's timeline, ms after submit.
        medianRunTimeline: breakdowns.find((b) => b.ms === median(times))?.events,
        ...(process.env.TIMELINES ? { timelines: breakdowns.map((b) => b.events) } : {}),
        extraThreads: EXTRA_THREADS,
        addThreadsSeconds: addSeconds,
        ...dom,
      },
      null,
      2,
    ),
  );
} finally {
  await browser?.close();
  await demo.stop();
}
