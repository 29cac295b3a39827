/**
 * Benchmark (issue 8 §2, §5): one inbound WhatsApp message fanned out to
 * 1,000 open `messageAdded` subscriptions (one graphql-ws socket each, as
 * 1,000 open inboxes), through the real server started in-process (createApp +
 * startServer + jobs.start()). The subscribers live in a child process
 * (bench/fanout-clients.ts) so the memory figures are the server's own.
 *
 *   cd api && node --expose-gc --import tsx ../bench/fanout.ts                       (PGlite, one instance)
 *   cd api && BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test node --expose-gc --import tsx ../bench/fanout.ts
 *   cd api && BENCH_DATABASE_URL=… BENCH_REDIS_URL=redis://127.0.0.1:6379 BENCH_INSTANCES=2 node --expose-gc --import tsx ../bench/fanout.ts
 *
 * Environment: BENCH_SUBSCRIBERS (default 1000), BENCH_SAMPLES (messages, default 100: a p99 of
 * 20 messages, the default before stop 27, was their maximum, one hiccup of the machine),
 * BENCH_CPU_PROFILE (a .cpuprofile file: the server process's profile of the measured messages),
 * BENCH_INSTANCES (1 or 2; 2 needs PostgreSQL and Redis: the webhook goes to the first
 * instance, which runs the job queue; the second runs in a process of its own
 * (bench/fanout-instance.ts), as a second deployment would, and receives the events through Redis;
 * the subscribers are spread over both; the server figures below are the first instance's, and the
 * second's CPU per message is reported beside them), BENCH_RESULT_FILE
 * (the key figures as JSON for bench/targets.ts: last receipt p50/p99 in ms, RSS in MB).
 *
 * Measures: latency from the webhook's acknowledgement (the 200 arrives at the
 * poster) to each subscriber's receipt, p50/p99 over all receipts and the p99
 * of each message's last receipt (negative: delivered before the 200 reached
 * the poster — on PGlite the job runs at once and holds the event loop); from
 * the webhook request's start to each message's last receipt (never negative); split into inbound
 * processing (ack → the messageAdded event is published), the server's share of the fan-out
 * (published → its last frame handed to the socket, `ws` WebSocket#send) and the whole fan-out
 * (published → last receipt, which includes the one client process decoding 1,000 frames on the
 * same 2 cores); the server process's CPU time per measured message (process.cpuUsage: steadier
 * than the latencies on a loaded machine; includes the bench's own send/publish hooks); server RSS and heap (after a GC) before the sockets open and with them open,
 * per subscription. Percentiles are nearest-rank.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createApp } from '../api/src/app.js';
import { signWhatsAppBody } from '../api/src/channels/whatsapp/signature.js';
import { loadConfig } from '../api/src/config.js';
import { startServer } from '../api/src/server.js';
import { whatsappDemoChannel as wa } from '../api/test/fakes/fixtures.js';
import { createOrganization, createUser, createWhatsAppChannel, tokenFor } from '../api/test/harness.js';
import { createScratchDatabase } from '../api/test/scratch-database.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);
const AGENTS = 50;
const DEADLINE_MS = 120_000;

const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)]!;
const wall = () => performance.timeOrigin + performance.now();
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

const base = process.env.BENCH_DATABASE_URL;
const redis = process.env.BENCH_REDIS_URL;
if (INSTANCES > 1 && (!base || !redis)) throw new Error('BENCH_INSTANCES=2 needs BENCH_DATABASE_URL and BENCH_REDIS_URL');
const scratch = base ? await createScratchDatabase(base, 'bench_fanout') : null;
const env = { LOG_LEVEL: 'silent', ...(scratch ? { DATABASE_URL: scratch.url } : {}), ...(redis ? { REDIS_URL: redis } : {}) };
// The first instance runs in this process (the bench's hooks measure it); every further one in a
// process of its own (bench/fanout-instance.ts), as a second deployment would: two instances in one
// process would share one event loop and serve all 1,000 subscribers one after the other.
const app = await createApp({ config: loadConfig(env), inMemory: true });
const server = await startServer(app, { port: 0, host: '127.0.0.1' });
const instances: ChildProcess[] = [];
const ports = [server.port];
for (let i = 1; i < INSTANCES; i++) {
  const instance = fork(fileURLToPath(new URL('./fanout-instance.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  instances.push(instance);
  ports.push(
    await new Promise<number>((resolve, reject) => {
      instance.once('message', (m: { type: string; port: number }) => resolve(m.port));
      instance.once('exit', (code) => reject(new Error(`instance ${i + 1} exited (${code}) before it listened`)));
    }),
  );
}
/** A forked instance's CPU time so far (user + system), in µs. */
const instanceCpu = (instance: ChildProcess) =>
  new Promise<number>((resolve) => {
    instance.once('message', (m: { micros: number }) => resolve(m.micros));
    instance.send({ type: 'cpu' });
  });

let seq = 0;
/** Wall time the last webhook request started. */
let sentAt = 0;
const runId = Date.now().toString(36);
/** A signed Cloud API `messages` webhook with one text message "Fan-out <k>" from one contact. */
function webhook(k: number): Buffer {
  const ts = String(Math.floor(Date.now() / 1000));
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: wa.displayPhoneNumber, phone_number_id: wa.phoneNumberId },
    contacts: [{ profile: { name: 'Fan-out Klant' }, wa_id: '31699990000' }],
    messages: [{ from: '31699990000', id: `wamid.FANOUT${runId}${seq++}`, timestamp: ts, text: { body: `Fan-out ${k}` }, type: 'text' }],
  };
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: wa.businessAccountId, changes: [{ value, field: 'messages' }] }] }), 'utf8');
}

/** POSTs a signed webhook to the first instance; resolves with the wall time the 200 arrived. */
function post(body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    sentAt = wall();
    const req = http.request(
      `http://127.0.0.1:${server.port}/webhooks/whatsapp`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-hub-signature-256': signWhatsAppBody(body, wa.appSecret) },
      },
      (res) => {
        const at = wall();
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(at) : reject(new Error(`webhook answered ${res.statusCode}`))));
      },
    );
    req.setTimeout(DEADLINE_MS, () => req.destroy(new Error('webhook timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const rows: string[] = [];
try {
  const org = await createOrganization(app);
  await createWhatsAppChannel(app, org.id);
  const tokens: string[] = [];
  for (let i = 0; i < AGENTS; i++) tokens.push(await tokenFor(app, await createUser(app, org.id, { name: `Agent ${i}` })));
  await app.jobs.start();

  // Warm the server (first webhook, first query plans) before measuring its memory.
  await post(webhook(-1));
  await new Promise((r) => setTimeout(r, 1000));
  gc();
  const before = process.memoryUsage();

  const child = fork(fileURLToPath(new URL('./fanout-clients.ts', import.meta.url)), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const receipts = new Map<number, number[]>();
  const errors: string[] = [];
  let wake: (() => void) | null = null;
  child.on('message', (m: { type: string; k?: number; ats?: number[]; message?: string }) => {
    if (m.type === 'receipts') {
      receipts.set(m.k!, m.ats!);
      wake?.();
    } else if (m.type === 'error') errors.push(m.message!);
  });
  child.send({ ports, tokens, subscribers: SUBSCRIBERS });
  const allReceived = async (k: number) => {
    const until = Date.now() + DEADLINE_MS;
    while ((receipts.get(k)?.length ?? 0) < SUBSCRIBERS) {
      if (errors.length) throw new Error(`subscriber error: ${errors[0]}`);
      if (Date.now() > until) throw new Error(`message ${k}: ${receipts.get(k)?.length ?? 0} of ${SUBSCRIBERS} receipts`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  };
  // Sockets connect lazily: post until one message reaches every subscriber.
  let k = 0;
  for (;;) {
    await post(webhook(k));
    try {
      await Promise.race([allReceived(k), new Promise((_, reject) => setTimeout(() => reject(new Error('not yet')), 15_000))]);
      break;
    } catch (err) {
      if (k++ > 10) throw err;
    }
  }
  await new Promise((r) => setTimeout(r, 1000));
  gc();
  const open = process.memoryUsage();

  // The server's last frame of each message (the server's `ws`, the one its WebSocketServer uses).
  const lastFrame = new Map<number, number>();
  const WebSocket = createRequire(new URL('../api/package.json', import.meta.url))('ws') as { prototype: { send(data: unknown, ...rest: unknown[]): void } };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: unknown, data: unknown, ...rest: unknown[]) {
    const m = typeof data === 'string' ? /Fan-out (\d+)/.exec(data) : null;
    if (m) lastFrame.set(Number(m[1]), wall());
    return send.call(this, data, ...rest);
  };
  // When each messageAdded event leaves the server (the end of inbound processing), to split
  // ack → receipt into processing (ack → publish) and fan-out (publish → last receipt).
  const published: number[] = [];
  const publish = app.pubsub.publish.bind(app.pubsub);
  app.pubsub.publish = ((topic: string, ...rest: unknown[]) => {
    if (topic === 'messageAdded') published.push(wall());
    return (publish as (...a: unknown[]) => unknown)(topic, ...rest);
  }) as typeof app.pubsub.publish;
  const serverFanout: number[] = [];
  const all: number[] = [];
  const lasts: number[] = [];
  const fromSend: number[] = [];
  const processing: number[] = [];
  const fanout: number[] = [];
  // BENCH_CPU_PROFILE=<file.cpuprofile>: the server process's CPU profile of the measured messages only.
  const profiler = process.env.BENCH_CPU_PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  // CPU time over the measured messages, of this process (the first instance) and of each forked
  // instance: less sensitive to other load on the machine than the latencies.
  const cpuBefore = process.cpuUsage();
  const othersBefore = await Promise.all(instances.map(instanceCpu));
  for (let i = 0; i < SAMPLES; i++) {
    const key = 1000 + i;
    published.length = 0;
    const ackAt = await post(webhook(key));
    await allReceived(key);
    const publishedAt = published[0]!;
    processing.push(publishedAt - ackAt);
    fanout.push(Math.max(...receipts.get(key)!) - publishedAt);
    serverFanout.push(lastFrame.get(key)! - publishedAt);
    const lat = receipts.get(key)!.map((at) => at - ackAt);
    all.push(...lat);
    lasts.push(Math.max(...lat));
    fromSend.push(Math.max(...receipts.get(key)!) - sentAt);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const othersCpu = (await Promise.all(instances.map(instanceCpu))).map((micros, i) => micros - othersBefore[i]!);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.BENCH_CPU_PROFILE!, JSON.stringify(profile));
    profiler.disconnect();
  }
  child.send({ type: 'stop' });
  await new Promise((r) => child.once('exit', r));

  const s = [...all].sort((a, b) => a - b);
  const l = [...lasts].sort((a, b) => a - b);
  const where = `${scratch ? 'PostgreSQL' : 'PGlite'}${redis ? ' + Redis' : ''}, ${INSTANCES} instance${INSTANCES > 1 ? 's' : ''}`;
  rows.push(`Fan-out ${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version}, ${where}`);
  rows.push('');
  rows.push('| measurement | value |');
  rows.push('| --- | --- |');
  rows.push(`| subscribers (one socket each, ${AGENTS} agents) | ${SUBSCRIBERS} |`);
  rows.push(`| messages | ${SAMPLES} (${all.length} receipts) |`);
  rows.push(`| ack → receipt, all receipts p50 / p99 | ${s.length ? `${pct(s, 0.5).toFixed(1)} / ${pct(s, 0.99).toFixed(1)} ms` : '-'} |`);
  rows.push(`| ack → last subscriber's receipt per message p50 / p99 | ${pct(l, 0.5).toFixed(1)} / ${pct(l, 0.99).toFixed(1)} ms |`);
  const f = [...fromSend].sort((a, b) => a - b);
  rows.push(`| webhook request start → last subscriber's receipt per message p50 / p99 | ${pct(f, 0.5).toFixed(1)} / ${pct(f, 0.99).toFixed(1)} ms |`);
  const pr = [...processing].sort((a, b) => a - b);
  const fo = [...fanout].sort((a, b) => a - b);
  const sf = [...serverFanout].sort((a, b) => a - b);
  rows.push(`| of which ack → messageAdded published (inbound processing) p50 / p99 | ${pct(pr, 0.5).toFixed(1)} / ${pct(pr, 0.99).toFixed(1)} ms |`);
  rows.push(`| of which published → last subscriber's receipt (fan-out) p50 / p99 | ${pct(fo, 0.5).toFixed(1)} / ${pct(fo, 0.99).toFixed(1)} ms |`);
  rows.push(`| published → the server's last frame sent (the server's share of the fan-out) p50 / p99 | ${pct(sf, 0.5).toFixed(1)} / ${pct(sf, 0.99).toFixed(1)} ms |`);
  rows.push(
    `| server CPU per message (user + system, inbound processing and fan-out, the first instance's process) | ${((cpu.user + cpu.system) / 1000 / SAMPLES).toFixed(1)} ms (${(cpu.system / 1000 / SAMPLES).toFixed(1)} ms system) |`,
  );
  for (const [i, micros] of othersCpu.entries())
    rows.push(`| instance ${i + 2}'s CPU per message (its own process: events from Redis and its share of the fan-out) | ${(micros / 1000 / SAMPLES).toFixed(1)} ms |`);
  rows.push(
    `| server RSS before / with the sockets open | ${mb(before.rss)} / ${mb(open.rss)} (+${mb(open.rss - before.rss)}, ${((open.rss - before.rss) / SUBSCRIBERS / 1024).toFixed(1)} kB per subscription) |`,
  );
  rows.push(
    `| server heap after GC before / with the sockets open | ${mb(before.heapUsed)} / ${mb(open.heapUsed)} (${((open.heapUsed - before.heapUsed) / SUBSCRIBERS / 1024).toFixed(1)} kB per subscription) |`,
  );
  console.log(rows.join('\n'));
  if (process.env.BENCH_RESULT_FILE)
    writeFileSync(
      process.env.BENCH_RESULT_FILE,
      JSON.stringify({
        database: scratch ? 'postgresql' : 'pglite',
        redis: Boolean(redis),
        instances: INSTANCES,
        subscribers: SUBSCRIBERS,
        messages: SAMPLES,
        receipts: all.length,
        lastReceiptP50Ms: pct(l, 0.5),
        lastReceiptP99Ms: pct(l, 0.99),
        rssBeforeMb: before.rss / 2 ** 20,
        rssOpenMb: open.rss / 2 ** 20,
        heapPerSubscriptionKb: (open.heapUsed - before.heapUsed) / SUBSCRIBERS / 1024,
      }),
    );
} finally {
  await app.jobs.stop();
  for (const instance of instances) {
    const exited = new Promise((r) => instance.once('exit', r));
    instance.send({ type: 'stop' });
    await exited;
  }
  await server.close();
  await app.close();
  await scratch?.drop();
}
