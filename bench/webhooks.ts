/**
 * Benchmark: the WhatsApp webhook edge and inbound processing through the real
 * HTTP server, started in-process (createApp + startServer + jobs.start(), the
 * default JOB_CONCURRENCY and JOB_POLL_INTERVAL_MS), on PGlite (in memory) or,
 * when BENCH_DATABASE_URL is set, on PostgreSQL (a scratch database is created
 * and dropped). Loopback only; every wait is bounded.
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
 *      from request start until the graphql-ws subscriber receives the message.
 * Percentiles are nearest-rank (p99 of 20 samples is the maximum).
 */
import http from 'node:http';
import os from 'node:os';
import autocannon from 'autocannon';
import { createApp } from '../api/src/app.js';
import { signWhatsAppBody } from '../api/src/channels/whatsapp/signature.js';
import { loadConfig } from '../api/src/config.js';
import { JOB } from '../api/src/jobs/names.js';
import { startServer } from '../api/src/server.js';
import { whatsappDemoChannel as wa } from '../api/test/fakes/fixtures.js';
// graphql-ws and ws are dependencies of api/ (not resolvable from bench/): the tests' client factory.
import { wsClient } from '../api/test/graphql/helpers.js';
import { createOrganization, createUser, createWhatsAppChannel, tokenFor } from '../api/test/harness.js';
import { createScratchDatabase } from '../api/test/scratch-database.js';

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
const app = await createApp({ config: loadConfig({ LOG_LEVEL: 'silent', ...(scratch ? { DATABASE_URL: scratch.url } : {}) }), inMemory: true });
const server = await startServer(app, { port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${server.port}`;
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

/** Counts this organization's `messageAdded` events in-process (published after each commit). */
function countMessageAdded(organizationId: string) {
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const iterator = app.pubsub.subscribe('messageAdded', organizationId)[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const r = await iterator.next();
      if (r.done) return;
      count++;
      for (const w of [...waiters]) if (count >= w.n) waiters.splice(waiters.indexOf(w), 1), w.resolve();
    }
  })();
  return {
    get count() {
      return count;
    },
    /** Resolves once `n` events have arrived; rejects after the deadline. */
    until(n: number): Promise<void> {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`only ${count} of ${n} messageAdded events`)), DEADLINE_MS);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    close: () => void iterator.return?.(),
  };
}

const rows: string[] = [];
try {
  const org = await createOrganization(app);
  const agent = await createUser(app, org.id, { name: 'Bench Agent' });
  await createWhatsAppChannel(app, org.id);
  const token = await tokenFor(app, agent);
  const added = countMessageAdded(org.id);
  await app.jobs.start();

  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(`database: ${app.db.kind}; ${os.cpus().length} cores; node ${process.version}; JOB_CONCURRENCY ${app.config.JOB_CONCURRENCY}; load average at start ${load}`);

  // Warm-up: 10 single-message webhooks, processed.
  for (let i = 0; i < 10; i++) await post(webhookBody(1).body);
  await added.until(10);

  /** (d): autocannon for ACK_SECONDS; the backlog is then deleted unprocessed. */
  async function sustainedAcks() {
    const processedBefore = added.count;
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
    const processed = added.count - processedBefore;
    // The backlog is not processed: delete it unprocessed, as after (a3).
    await app.jobs.stop();
    await app.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE queue = $1 AND status = 'QUEUED'`, JOB.inboundProcess);
    await app.db.prisma.inboundEvent.deleteMany({ where: { organizationId: org.id, status: 'RECEIVED' } });
    await app.jobs.start();
    return { acked: r['2xx'], rps: r['2xx'] / ACK_SECONDS, processed, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
  }
  const sustainedLine = (s: NonNullable<Awaited<ReturnType<typeof sustainedAcks>>>) =>
    `sustained acknowledgements (${app.db.kind}, ${ACK_CONNECTIONS} connections, ${ACK_SECONDS} s, queue processing): **${s.rps.toFixed(0)} webhooks/s** acknowledged (${s.acked}; p50 ${s.p50} ms, p99 ${s.p99} ms; ${s.non2xx} errors or non-2xx), ${(s.processed / ACK_SECONDS).toFixed(0)} messages/s processed meanwhile`;
  if (ACK_ONLY) {
    // BENCH_ACK_QUEUE=0: the queue paused during (d), the edge alone (e.g. to profile it).
    const paused = process.env.BENCH_ACK_QUEUE === '0';
    if (paused) await app.jobs.stop();
    console.log(sustainedLine(await sustainedAcks()).replace('queue processing', paused ? 'queue paused' : 'queue processing'));
    console.log(
      `load average at end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    process.exitCode = 0;
  } else {
    // (a1) 1-message acks, queue paused (edge only), then processed before the next stage.
    await app.jobs.stop();
    const singleIdle: number[] = [];
    for (let i = 0; i < SINGLE_ACKS; i++) singleIdle.push(await post(webhookBody(1).body));
    await app.jobs.start();
    await added.until(10 + SINGLE_ACKS);

    // (a2) 1-message acks while the queue processes each delivery as it comes.
    const singleBusy: number[] = [];
    for (let i = 0; i < SINGLE_ACKS; i++) singleBusy.push(await post(webhookBody(1).body));
    await added.until(10 + 2 * SINGLE_ACKS);

    // (a3) 500-message batch acks, queue paused; the stored deliveries are then deleted unprocessed.
    await app.jobs.stop();
    const batchIdle: number[] = [];
    for (let i = 0; i < BATCH_ACKS; i++) batchIdle.push(await post(webhookBody(BATCH).body));
    await app.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE queue = $1 AND status = 'QUEUED'`, JOB.inboundProcess);
    await app.db.prisma.inboundEvent.deleteMany({ where: { organizationId: org.id, status: 'RECEIVED' } });
    await app.jobs.start();

    // (b) throughput: 5 × 500 messages, first POST → last messageAdded.
    const before = added.count;
    const stored = await app.db.prisma.message.count({ where: { organizationId: org.id } });
    const bodies = Array.from({ length: THROUGHPUT_BATCHES }, () => webhookBody(BATCH).body);
    let statements = 0;
    const countStatement = () => void statements++;
    app.db.onQuery.add(countStatement);
    const t0 = performance.now();
    const throughputAcks: number[] = [];
    for (const body of bodies) throughputAcks.push(await post(body));
    await added.until(before + THROUGHPUT_BATCHES * BATCH);
    const elapsed = performance.now() - t0;
    app.db.onQuery.delete(countStatement);
    const storedAfter = await app.db.prisma.message.count({ where: { organizationId: org.id } });
    if (storedAfter - stored !== THROUGHPUT_BATCHES * BATCH) throw new Error(`stored ${storedAfter - stored} messages, expected ${THROUGHPUT_BATCHES * BATCH}`);

    // (c) webhook → messageAdded over graphql-ws, as an agent.
    const client = wsClient(server.port, token);
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
    console.error(`(a)–(c) done; (d) ${ACK_SECONDS} s of sustained acknowledgements`);
    // (d) sustained acknowledgements under concurrency, the queue processing.
    const sustained = ACK_SECONDS > 0 ? await sustainedAcks() : null;

    console.error(`(e) ${LAG_RATE} webhooks/s for ${LAG_SECONDS} s`);
    // (e) webhook → graphql-ws lag at a fixed rate, sent open-loop.
    const lag: number[] = [];
    let lagAcks = 0;
    const lagErrors: string[] = [];
    if (ACK_SECONDS > 0 && LAG_RATE > 0) {
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
    }
    unsubscribe();
    await client.dispose();
    added.close();

    const line = (label: string, samples: number[]) => {
      const s = [...samples].sort((a, b) => a - b);
      rows.push(`| ${label} | ${s.length} | ${ms(pct(s, 0.5))} | ${ms(pct(s, 0.99))} |`);
    };
    line('ack, 1 message, queue paused', singleIdle);
    line('ack, 1 message, queue processing', singleBusy);
    line(`ack, ${BATCH}-message batch, queue paused`, batchIdle);
    line(`ack, ${BATCH}-message batch, during (b)`, throughputAcks);
    line('webhook → graphql-ws messageAdded', live);
    if (lag.length) line(`webhook → graphql-ws messageAdded, ${LAG_RATE} webhooks/s for ${LAG_SECONDS} s (open loop)`, lag);
    const perSecond = (THROUGHPUT_BATCHES * BATCH) / (elapsed / 1000);
    console.log(`\n| measurement (${app.db.kind}) | n | p50 | p99 |\n| --- | --- | --- | --- |\n${rows.join('\n')}`);
    console.log(
      `\ninbound processing: ${THROUGHPUT_BATCHES} × ${BATCH} messages in ${(elapsed / 1000).toFixed(1)} s = **${perSecond.toFixed(0)} messages/s** (first POST → last messageAdded); ${(statements / (THROUGHPUT_BATCHES * BATCH)).toFixed(1)} SQL statements per message`,
    );
    if (sustained) console.log(sustainedLine(sustained));
    if (lag.length || lagErrors.length)
      console.log(
        `lag run: ${lagAcks} of ${Math.round(LAG_RATE * LAG_SECONDS)} webhooks acknowledged, each of their messages received by the subscriber; ${lagErrors.length} requests failed${lagErrors.length ? ` (${[...new Set(lagErrors)].join(', ')})` : ''}`,
      );
    console.log(
      `load average at end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  }
} finally {
  unsubscribe();
  await server.close();
  await app.close();
  await scratch?.drop();
}
