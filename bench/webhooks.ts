/**
 * Benchmark: the WhatsApp webhook edge and inbound processing through the real
 * HTTP server (createApp + startServer + jobs.start(), the default
 * JOB_CONCURRENCY and JOB_POLL_INTERVAL_MS; webhooks-hub.ts), on PGlite (in
 * memory) or, when BENCH_DATABASE_URL is set, on PostgreSQL (a scratch database
 * is created and dropped). Loopback only; every wait is bounded.
 *
 * The server runs in a child process as `pnpm start` runs the hub
 * (webhooks-child.ts bundled by api/build.ts, plain node with the start
 * script's flags, NODE_ENV=production), so the load generator's and the
 * subscriber's CPU is not the server's; BENCH_INPROCESS=1 runs it in this
 * process under tsx instead (the method before stop 20). "Server CPU" figures
 * are the server process's (in-process: the whole process, client included).
 * BENCH_LAG_ONLY=1 runs (c) and (e) alone; BENCH_SQL_KINDS=1 lists the lag
 * run's statements by kind; BENCH_CPU_PROF_DIR: the child writes a CPU profile.
 *
 *   cd api && npx tsx ../bench/webhooks.ts        (or: pnpm bench:webhooks)
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pnpm bench:webhooks
 *
 * Measures, with signed Cloud API bodies (every message from a new contact, so
 * each one creates a customer and a thread):
 *  (a) acknowledgement latency, request start → 200: 1-message webhooks
 *      (200 sequential, with the queue paused and with it processing them as
 *      they come) and 500-message batches (20 sequential, queue paused: the
 *      edge alone; those deliveries are then deleted unprocessed);
 *  (b) inbound messages processed per second: 5 × 500-message batches, from
 *      the first POST until the 2,500th `messageAdded` event, and the SQL
 *      statements Prisma sent per message meanwhile;
 *  (c) webhook → graphql-ws `messageAdded` latency: 50 sequential 1-message
 *      webhooks, from request start until the subscriber (an agent token)
 *      receives that message.
 *  (d) sustained acknowledgements: autocannon, BENCH_ACK_CONNECTIONS (10)
 *      connections for BENCH_ACK_SECONDS (10; 0 skips d and e), every request a
 *      new signed 1-message webhook, the queue processing meanwhile: webhooks
 *      acknowledged per second and messages processed in the same window (the
 *      backlog is then deleted unprocessed); BENCH_ACK_ONLY=1 runs the warm-up
 *      and (d) alone (a quick look at the edge, e.g. before/after a change of it;
 *      with BENCH_ACK_QUEUE=0 the queue is paused meanwhile: the edge alone);
 *  (e) lag at a fixed rate: BENCH_LAG_RATE (300) 1-message webhooks per second
 *      for BENCH_LAG_SECONDS (10), sent open-loop (not waiting for answers),
 *      from request start until the graphql-ws subscriber receives the message;
 *      messages delivered per second end to end (first send → last receipt: below
 *      the offered rate by the last message's lag, whatever the hub's speed) and
 *      messages processed per second (first receipt → last receipt: the hub's
 *      processing rate; its capacity when the offered rate is above it);
 *  (f) a redelivery storm: 50 webhooks, each POSTed 20 times (up to 200 at
 *      once, in a shuffled order): messages stored and duplicates (must be 0).
 * BENCH_RESULT_FILE=<file> writes the key figures as JSON (bench/targets.ts).
 * Percentiles are nearest-rank (p99 of 20 samples is the maximum).
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { bundle, distDir, startEnv, startFlags } from '../api/build.js';
import { signWhatsAppBody } from '../api/src/channels/whatsapp/signature.js';
import { whatsappDemoChannel as wa } from '../api/test/fakes/fixtures.js';
// graphql-ws and ws are dependencies of api/ (not resolvable from bench/): the tests' client factory.
import { wsClient } from '../api/test/graphql/helpers.js';
import { createScratchDatabase } from '../api/test/scratch-database.js';
import type { WebhookHub } from './webhooks-hub.js';

const SINGLE_ACKS = 200;
const BATCH_ACKS = 20;
const BATCH = 500;
const THROUGHPUT_BATCHES = 5;
const SUBSCRIPTION_SAMPLES = 50;
const DEADLINE_MS = 600_000;
const ACK_CONNECTIONS = Number(process.env.BENCH_ACK_CONNECTIONS ?? 10);
const ACK_SECONDS = Number(process.env.BENCH_ACK_SECONDS ?? 10);
const LAG_RATE = Number(process.env.BENCH_LAG_RATE ?? 300);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 10);
const ACK_ONLY = process.env.BENCH_ACK_ONLY === '1';
const IN_PROCESS = process.env.BENCH_INPROCESS === '1';
const LAG_ONLY = process.env.BENCH_LAG_ONLY === '1';
const DRAIN = Number(process.env.BENCH_DRAIN ?? 0);
const STORM_DISTINCT = 50;
const STORM_COPIES = 20;

/** BENCH_RESULT_FILE: the run's key figures as JSON (for bench/targets.ts), with the database kind. */
function writeResult(figures: Record<string, unknown>) {
  if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify({ database: hub.dbKind, ...figures }));
}

/** Nearest-rank percentile of sorted samples. */
const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)]!;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

const runId = Date.now().toString(36);
let seq = 0;
/** A Cloud API `messages` webhook with `n` text messages from `n` new contacts; returns the body and its wamids. */
function webhookBody(n: number): { body: Buffer; wamids: string[] } {
  const ts = String(Math.floor(Date.now() / 1000) - 5);
  const contacts = [];
  const messages = [];
  for (let i = 0; i < n; i++) {
    const k = seq++;
    const from = `316${String(10_000_000 + k)}`;
    contacts.push({ profile: { name: `Bench Klant ${k}` }, wa_id: from });
    messages.push({ from, id: `wamid.BENCH${runId}${k}`, timestamp: ts, text: { body: `Bericht ${k}: wanneer komt de monteur langs?` }, type: 'text' });
  }
  const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: wa.displayPhoneNumber, phone_number_id: wa.phoneNumberId }, contacts, messages };
  const payload = { object: 'whatsapp_business_account', entry: [{ id: wa.businessAccountId, changes: [{ value, field: 'messages' }] }] };
  return { body: Buffer.from(JSON.stringify(payload), 'utf8'), wamids: messages.map((m) => m.id) };
}

const base = process.env.BENCH_DATABASE_URL;
const scratch = base ? await createScratchDatabase(base, 'bench_webhooks') : null;
const hubEnv = { ...(scratch ? { DATABASE_URL: scratch.url } : {}) };

/**
 * The hub in a child process, as `pnpm start` runs it: webhooks-child.ts bundled by api/build.ts,
 * plain node with the start script's flags, NODE_ENV=production (BENCH_CPU_PROF_DIR: it writes a
 * V8 CPU profile there when it stops). Every WebhookHub method is a message to the child.
 */
async function forkHub(): Promise<WebhookHub> {
  await bundle({ entryPoints: { 'bench-webhooks-child': fileURLToPath(new URL('./webhooks-child.ts', import.meta.url)) }, chunkPrefix: 'bench-webhooks-chunk' });
  const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const proc = fork(path.join(distDir, 'bench-webhooks-child.js'), [], {
    execArgv: [...startFlags(), ...prof],
    env: {
      ...process.env,
      ...startEnv(),
      ...hubEnv,
      NODE_ENV: 'production',
      BENCH_WA: JSON.stringify(wa),
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      APP_SECRET_KEY: 'bench-app-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    },
    stdio: 'inherit',
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  const ready = await new Promise<{ port: number; token: string; dbKind: string; jobConcurrency: number }>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`the hub child exited with ${code}`)));
    proc.once('message', (m) => resolve(m as never));
  });
  proc.removeAllListeners('exit');
  proc.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`the hub child exited with ${code}`));
    pending.clear();
  });
  proc.on('message', (m: { type: string; id: number; value?: unknown; error?: string }) => {
    if (m.type !== 'result') return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.value);
  });
  const call =
    (method: keyof WebhookHub) =>
    (...args: unknown[]): Promise<never> =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.send({ type: 'call', id, method, args });
      });
  return {
    ...ready,
    jobsStart: call('jobsStart'),
    jobsStop: call('jobsStop'),
    deleteBacklog: call('deleteBacklog'),
    messageCount: call('messageCount'),
    addedCount: call('addedCount'),
    untilAdded: call('untilAdded'),
    statements: call('statements'),
    statementKinds: call('statementKinds'),
    cpuMicros: call('cpuMicros'),
    async close() {
      const exited = new Promise((r) => proc.once('exit', r));
      await call('close')();
      await exited;
    },
  };
}

const hub: WebhookHub = IN_PROCESS ? await (await import('./webhooks-hub.js')).startWebhookHub(hubEnv, wa) : await forkHub();
const url = `http://127.0.0.1:${hub.port}`;
let unsubscribe = () => {};

/**
 * POSTs a signed body on a new loopback connection (no keep-alive: a reused
 * socket can race the server's keep-alive timeout); resolves with the time to
 * the response headers (the 200), in ms.
 */
function post(body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = http.request(
      `${url}/webhooks/whatsapp`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-hub-signature-256': signWhatsAppBody(body, wa.appSecret) },
      },
      (res) => {
        const elapsed = performance.now() - t;
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(elapsed) : reject(new Error(`webhook answered ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.setTimeout(DEADLINE_MS, () => req.destroy(new Error('webhook request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const rows: string[] = [];
try {
  const token = hub.token;
  const until = (n: number) => hub.untilAdded(n, DEADLINE_MS);

  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `database: ${hub.dbKind}; ${os.cpus().length} cores; node ${process.version}; JOB_CONCURRENCY ${hub.jobConcurrency}; server ${IN_PROCESS ? 'in-process (tsx)' : 'child process (bundled, pnpm start flags)'}; load average at start ${load}`,
  );

  // Warm-up: 10 single-message webhooks, processed.
  for (let i = 0; i < 10; i++) await post(webhookBody(1).body);
  await until(10);

  /** (d): autocannon for ACK_SECONDS; the backlog is then deleted unprocessed. */
  async function sustainedAcks() {
    const processedBefore = await hub.addedCount();
    const cpuBefore = await hub.cpuMicros();
    const r = await autocannon({
      url: `${url}/webhooks/whatsapp`,
      method: 'POST',
      connections: ACK_CONNECTIONS,
      duration: ACK_SECONDS,
      requests: [
        {
          setupRequest: (req) => {
            const { body } = webhookBody(1);
            return { ...req, body, headers: { ...req.headers, 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(body, wa.appSecret) } };
          },
        },
      ],
    });
    const processed = (await hub.addedCount()) - processedBefore;
    const cpuMs = ((await hub.cpuMicros()) - cpuBefore) / 1000;
    // The backlog is not processed: delete it unprocessed, as after (a3).
    await hub.jobsStop();
    await hub.deleteBacklog();
    await hub.jobsStart();
    return { cpuMs, acked: r['2xx'], rps: r['2xx'] / ACK_SECONDS, processed, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
  }
  const sustainedLine = (s: NonNullable<Awaited<ReturnType<typeof sustainedAcks>>>) =>
    `sustained acknowledgements (${hub.dbKind}, ${ACK_CONNECTIONS} connections, ${ACK_SECONDS} s, queue processing): **${s.rps.toFixed(0)} webhooks/s** acknowledged (${s.acked}; p50 ${s.p50} ms, p99 ${s.p99} ms; ${s.non2xx} errors or non-2xx), ${(s.processed / ACK_SECONDS).toFixed(0)} messages/s processed meanwhile; server CPU ${((s.cpuMs / (ACK_SECONDS * 1000)) * 100).toFixed(0)} % of one core`;
  const sustainedResult = (s: NonNullable<Awaited<ReturnType<typeof sustainedAcks>>>) => ({
    connections: ACK_CONNECTIONS,
    seconds: ACK_SECONDS,
    acknowledged: s.acked,
    perSecond: s.rps,
    p99Ms: s.p99,
    errors: s.non2xx,
    processedPerSecond: s.processed / ACK_SECONDS,
  });
  if (DRAIN) {
    // BENCH_DRAIN=N: N one-message webhooks acknowledged with the queue paused, then the backlog
    // processed: the processing's own CPU and statements per message, without the edge's.
    await hub.jobsStop();
    const before = await hub.addedCount();
    for (let i = 0; i < DRAIN; i += 50) await Promise.all(Array.from({ length: Math.min(50, DRAIN - i) }, () => post(webhookBody(1).body)));
    const cpuBefore = await hub.cpuMicros();
    const statementsBefore = await hub.statements();
    const t0 = performance.now();
    await hub.jobsStart();
    await until(before + DRAIN);
    const ms = performance.now() - t0;
    const cpuMs = ((await hub.cpuMicros()) - cpuBefore) / 1000;
    const statements = (await hub.statements()) - statementsBefore;
    console.log(
      `backlog of ${DRAIN} one-message webhooks processed (${hub.dbKind}): **${((DRAIN / ms) * 1000).toFixed(0)} messages/s**, server CPU ${(cpuMs / DRAIN).toFixed(2)} ms and ${(statements / DRAIN).toFixed(2)} SQL statements per message`,
    );
    if (process.env.BENCH_SQL_KINDS === '1') for (const [k, n] of await hub.statementKinds()) console.log(`  ${n} ${k}`);
    process.exitCode = 0;
  } else if (ACK_ONLY) {
    // BENCH_ACK_QUEUE=0: the queue paused during (d), the edge alone (e.g. to profile it).
    const paused = process.env.BENCH_ACK_QUEUE === '0';
    if (paused) await hub.jobsStop();
    const sustained = await sustainedAcks();
    console.log(sustainedLine(sustained).replace('queue processing', paused ? 'queue paused' : 'queue processing'));
    writeResult({ sustained: sustainedResult(sustained) });
    console.log(
      `load average at end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    process.exitCode = 0;
  } else {
    const singleIdle: number[] = [];
    const singleBusy: number[] = [];
    const batchIdle: number[] = [];
    const throughputAcks: number[] = [];
    let elapsed = 0;
    let statements = 0;
    let cpuPerMessage = 0;
    // BENCH_LAG_ONLY=1: (c) and (e) alone.
    if (!LAG_ONLY) {
      // (a1) 1-message acks, queue paused (edge only), then processed before the next stage.
      await hub.jobsStop();
      for (let i = 0; i < SINGLE_ACKS; i++) singleIdle.push(await post(webhookBody(1).body));
      await hub.jobsStart();
      await until(10 + SINGLE_ACKS);

      // (a2) 1-message acks while the queue processes each delivery as it comes.
      for (let i = 0; i < SINGLE_ACKS; i++) singleBusy.push(await post(webhookBody(1).body));
      await until(10 + 2 * SINGLE_ACKS);

      // (a3) 500-message batch acks, queue paused; the stored deliveries are then deleted unprocessed.
      await hub.jobsStop();
      for (let i = 0; i < BATCH_ACKS; i++) batchIdle.push(await post(webhookBody(BATCH).body));
      await hub.deleteBacklog();
      await hub.jobsStart();

      // (b) throughput: 5 × 500 messages, first POST → last messageAdded.
      const before = await hub.addedCount();
      const stored = await hub.messageCount();
      const bodies = Array.from({ length: THROUGHPUT_BATCHES }, () => webhookBody(BATCH).body);
      const statementsBefore = await hub.statements();
      const cpuBefore = await hub.cpuMicros();
      const t0 = performance.now();
      for (const body of bodies) throughputAcks.push(await post(body));
      await until(before + THROUGHPUT_BATCHES * BATCH);
      elapsed = performance.now() - t0;
      statements = (await hub.statements()) - statementsBefore;
      cpuPerMessage = ((await hub.cpuMicros()) - cpuBefore) / 1000 / (THROUGHPUT_BATCHES * BATCH);
      const storedAfter = await hub.messageCount();
      if (storedAfter - stored !== THROUGHPUT_BATCHES * BATCH) throw new Error(`stored ${storedAfter - stored} messages, expected ${THROUGHPUT_BATCHES * BATCH}`);
    }

    // (c) webhook → messageAdded over graphql-ws, as an agent.
    const client = wsClient(hub.port, token);
    const arrived = new Map<string, number>();
    let wake: (() => void) | null = null;
    unsubscribe = client.subscribe<{ messageAdded: { externalMessageId: string } }>(
      { query: 'subscription { messageAdded { id externalMessageId } }' },
      {
        next: (v) => {
          const id = v.data?.messageAdded.externalMessageId;
          if (id) arrived.set(id, performance.now());
          wake?.();
        },
        error: (err) => console.error('subscription error', err),
        complete: () => undefined,
      },
    );
    const waitArrival = async (wamid: string): Promise<number> => {
      const until = Date.now() + 60_000;
      while (!arrived.has(wamid)) {
        if (Date.now() > until) throw new Error(`messageAdded for ${wamid} never arrived`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return arrived.get(wamid)!;
    };
    // Subscribed once a first webhook's message arrives (retried: the socket connects lazily).
    for (let i = 0; ; i++) {
      const { body, wamids } = webhookBody(1);
      await post(body);
      try {
        await Promise.race([waitArrival(wamids[0]!), sleep(5_000).then(() => Promise.reject(new Error('not yet')))]);
        break;
      } catch (err) {
        if (i >= 5) throw err;
      }
    }
    const live: number[] = [];
    for (let i = 0; i < SUBSCRIPTION_SAMPLES; i++) {
      const { body, wamids } = webhookBody(1);
      const t = performance.now();
      await post(body);
      live.push((await waitArrival(wamids[0]!)) - t);
    }
    // (f) redelivery storm: STORM_DISTINCT webhooks, each POSTed STORM_COPIES times, up to 200 at once
    // (as Meta redelivers a webhook it thinks unanswered): each message must be stored exactly once.
    let storm: { distinct: number; copies: number; acknowledged: number; stored: number; duplicates: number } | null = null;
    if (!LAG_ONLY) {
      const bodies = Array.from({ length: STORM_DISTINCT }, () => webhookBody(1));
      const storedBefore = await hub.messageCount();
      const order = bodies.flatMap((b) => Array.from({ length: STORM_COPIES }, () => b.body));
      for (let i = order.length - 1; i > 0; i--) {
        const j = (i * 7919) % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let acknowledged = 0;
      for (let i = 0; i < order.length; i += 200) await Promise.all(order.slice(i, i + 200).map((b) => post(b).then(() => acknowledged++)));
      for (const b of bodies) await waitArrival(b.wamids[0]!);
      await sleep(2000); // a duplicate would be processed by now
      const stored = (await hub.messageCount()) - storedBefore;
      storm = { distinct: STORM_DISTINCT, copies: STORM_COPIES, acknowledged, stored, duplicates: stored - STORM_DISTINCT };
    }

    console.error(`(a)–(c), (f) done; (d) ${ACK_SECONDS} s of sustained acknowledgements`);
    // (d) sustained acknowledgements under concurrency, the queue processing.
    const sustained = ACK_SECONDS > 0 && !LAG_ONLY ? await sustainedAcks() : null;

    console.error(`(e) ${LAG_RATE} webhooks/s for ${LAG_SECONDS} s`);
    // (e) webhook → graphql-ws lag at a fixed rate, sent open-loop.
    const lag: number[] = [];
    let lagAcks = 0;
    const lagErrors: string[] = [];
    let lagCpuMs = 0;
    let lagStatements = 0;
    let lagKinds: [string, number][] = [];
    let lagSpanMs = 0;
    let receiptSpanMs = 0;
    if (ACK_SECONDS > 0 && LAG_RATE > 0) {
      const cpuBefore = await hub.cpuMicros();
      const statementsBefore = await hub.statements();
      const kindsBefore = new Map(await hub.statementKinds());
      const total = Math.round(LAG_RATE * LAG_SECONDS);
      const sent: { wamid: string; at: number }[] = [];
      const posts: Promise<unknown>[] = [];
      const t = performance.now();
      for (let i = 0; i < total; i++) {
        const due = t + (i * 1000) / LAG_RATE;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        const { body, wamids } = webhookBody(1);
        const at = performance.now();
        posts.push(
          post(body).then(
            () => {
              lagAcks++;
              sent.push({ wamid: wamids[0]!, at });
            },
            (err: Error) => lagErrors.push(err.message),
          ),
        );
      }
      await Promise.all(posts);
      // Only acknowledged webhooks count (a refused connection was never the hub's to process).
      for (const s of sent) lag.push((await waitArrival(s.wamid)) - s.at);
      // End to end: the first send → the last message received.
      if (sent.length) {
        const receipts = sent.map((s) => arrived.get(s.wamid)!);
        const last = receipts.reduce((a, b) => Math.max(a, b));
        lagSpanMs = last - sent.reduce((a, s) => Math.min(a, s.at), Infinity);
        // The rate of processing itself: the first receipt → the last. At an offered rate above what the hub
        // processes, this is its capacity; first send → last receipt is always below the offered rate by the last lag.
        receiptSpanMs = last - receipts.reduce((a, b) => Math.min(a, b));
      }
      lagCpuMs = ((await hub.cpuMicros()) - cpuBefore) / 1000;
      lagStatements = (await hub.statements()) - statementsBefore;
      lagKinds = (await hub.statementKinds()).map(([k, n]): [string, number] => [k, n - (kindsBefore.get(k) ?? 0)]).filter(([, n]) => n > 0);
    }
    unsubscribe();
    await client.dispose();

    const line = (label: string, samples: number[]) => {
      const s = [...samples].sort((a, b) => a - b);
      rows.push(`| ${label} | ${s.length} | ${ms(pct(s, 0.5))} | ${ms(pct(s, 0.99))} |`);
    };
    if (!LAG_ONLY) {
      line('ack, 1 message, queue paused', singleIdle);
      line('ack, 1 message, queue processing', singleBusy);
      line(`ack, ${BATCH}-message batch, queue paused`, batchIdle);
      line(`ack, ${BATCH}-message batch, during (b)`, throughputAcks);
    }
    line('webhook → graphql-ws messageAdded', live);
    if (lag.length) line(`webhook → graphql-ws messageAdded, ${LAG_RATE} webhooks/s for ${LAG_SECONDS} s (open loop)`, lag);
    const perSecond = (THROUGHPUT_BATCHES * BATCH) / (elapsed / 1000);
    console.log(`\n| measurement (${hub.dbKind}) | n | p50 | p99 |\n| --- | --- | --- | --- |\n${rows.join('\n')}`);
    if (!LAG_ONLY)
      console.log(
        `\ninbound processing: ${THROUGHPUT_BATCHES} × ${BATCH} messages in ${(elapsed / 1000).toFixed(1)} s = **${perSecond.toFixed(0)} messages/s** (first POST → last messageAdded); ${(statements / (THROUGHPUT_BATCHES * BATCH)).toFixed(2)} SQL statements and ${cpuPerMessage.toFixed(2)} ms of server CPU per message`,
      );
    if (sustained) console.log(sustainedLine(sustained));
    if (lag.length || lagErrors.length)
      console.log(
        `lag run: ${lagAcks} of ${Math.round(LAG_RATE * LAG_SECONDS)} webhooks acknowledged, each of their messages received by the subscriber; ${lagErrors.length} requests failed${lagErrors.length ? ` (${[...new Set(lagErrors)].join(', ')})` : ''}; ${receiptSpanMs > 0 ? `${((lag.length - 1) / (receiptSpanMs / 1000)).toFixed(0)} messages/s processed (first → last receipt), ${(lag.length / (lagSpanMs / 1000)).toFixed(0)}/s end to end (first send → last receipt); ` : ''}server CPU ${(lagCpuMs / Math.max(1, lagAcks)).toFixed(2)} ms and ${(lagStatements / Math.max(1, lagAcks)).toFixed(2)} SQL statements per webhook (acknowledged and delivered)${lagKinds.length ? `\n${lagKinds.map(([k, n]) => `  ${n} ${k}`).join('\n')}` : ''}`,
      );
    if (storm)
      console.log(
        `redelivery storm: ${storm.distinct} webhooks × ${storm.copies} deliveries (up to 200 at once): ${storm.acknowledged} acknowledged, ${storm.stored} messages stored, **${storm.duplicates} duplicates**`,
      );
    console.log(
      `load average at end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const sorted = [...lag].sort((a, b) => a - b);
    writeResult({
      processing: LAG_ONLY
        ? null
        : {
            messages: THROUGHPUT_BATCHES * BATCH,
            batch: BATCH,
            messagesPerSecond: perSecond,
            statementsPerMessage: statements / (THROUGHPUT_BATCHES * BATCH),
            cpuMsPerMessage: cpuPerMessage,
          },
      sustained: sustained && sustainedResult(sustained),
      lag: lag.length
        ? {
            rate: LAG_RATE,
            seconds: LAG_SECONDS,
            sent: Math.round(LAG_RATE * LAG_SECONDS),
            acknowledged: lagAcks,
            received: lag.length,
            errors: lagErrors.length,
            p50Ms: pct(sorted, 0.5),
            p99Ms: pct(sorted, 0.99),
            deliveredPerSecond: lag.length / (lagSpanMs / 1000),
            processedPerSecond: receiptSpanMs > 0 ? (lag.length - 1) / (receiptSpanMs / 1000) : 0,
          }
        : null,
      storm,
    });
  }
} finally {
  unsubscribe();
  await hub.close();
  await scratch?.drop();
}
