/**
 * Benchmark: SLA alert jitter. How late does an escalation step fire after
 * its planned moment, with BENCH_STEPS (1,000) steps scheduled? Real clock,
 * the real job queue (default JOB_CONCURRENCY and JOB_POLL_INTERVAL_MS) on
 * PGlite (in memory) or, with BENCH_DATABASE_URL, on PostgreSQL (a scratch
 * database, dropped afterwards).
 *
 *   cd api && npx tsx ../bench/sla-jitter.ts          (or: pnpm --filter @hub/api run bench:sla)
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pnpm --filter @hub/api run bench:sla
 *
 * Setup: a policy with a 20 s first-response target on a 24/7 calendar and
 * the ladder 75 % / 90 % / 100 % / +5 s; BENCH_STEPS / 4 customer messages
 * (each a new thread) spread evenly over BENCH_SPREAD_S (30) seconds, so the
 * steps come due at 15, 18, 20 and 25 s after each message. Prints the p50,
 * p99 and maximum of `SlaEvent.firedAt − scheduledAt` in ms, how many steps
 * fired (each must fire exactly once), and the setup time.
 */
import { createApp } from '../api/src/app.js';
import { loadConfig } from '../api/src/config.js';
import { ingestInbound } from '../api/src/modules/thread/ingest.service.js';
import { createOrganization, createUser, createWhatsAppChannel } from '../api/test/harness.js';
import { createScratchDatabase } from '../api/test/scratch-database.js';

const STEPS = Number(process.env.BENCH_STEPS ?? 1000);
const SPREAD_S = Number(process.env.BENCH_SPREAD_S ?? 30);
const THREADS = Math.ceil(STEPS / 4);
const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)]!;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

const base = process.env.BENCH_DATABASE_URL;
const db = base ? await createScratchDatabase(base, 'bench') : null;
const app = await createApp({ config: loadConfig({ LOG_LEVEL: 'silent', ...(db ? { DATABASE_URL: db.url } : {}) }), inMemory: true });
try {
  const org = await createOrganization(app);
  const agent = await createUser(app, org.id, { name: 'Bench Agent' });
  const channel = await createWhatsAppChannel(app, org.id);
  await app.db.prisma.slaPolicy.create({
    data: {
      organizationId: org.id,
      name: 'Bench 20 s',
      firstResponseSeconds: 20,
      escalation: [
        { atPercent: 75, afterBreachSeconds: null, action: 'REMIND', notify: ['ASSIGNEE'] },
        { atPercent: 90, afterBreachSeconds: null, action: 'ALERT', notify: ['ASSIGNEE'] },
        { atPercent: 100, afterBreachSeconds: null, action: 'ALERT', notify: ['ASSIGNEE'] },
        { atPercent: null, afterBreachSeconds: 5, action: 'EXECUTIVE_ALERT', notify: ['ASSIGNEE'] },
      ],
    },
  });
  await app.jobs.start();
  const t0 = Date.now();
  for (let i = 0; i < THREADS; i++) {
    const due = t0 + (i * SPREAD_S * 1000) / THREADS;
    if (due > Date.now()) await sleep(due - Date.now());
    const from = `3169${String(1_000_000 + i)}`;
    const r = await ingestInbound(app, channel, {
      externalMessageId: `wamid.bench-sla-${i}-${t0}`,
      customer: { name: `Klant ${i}`, identities: [{ kind: 'WHATSAPP_ID', value: from }] } as never,
      content: 'Bench',
      attachments: [],
      occurredAt: new Date(),
      conversationKey: from,
      metadata: {},
    });
    await app.db.prisma.thread.update({ where: { id: r.thread.id }, data: { assigneeId: agent.id } });
  }
  const setupS = (Date.now() - t0) / 1000;
  const deadline = Date.now() + (SPREAD_S + 25 + 120) * 1000;
  let fired = 0;
  while (Date.now() < deadline) {
    fired = await app.db.prisma.slaEvent.count({ where: { organizationId: org.id } });
    if (fired >= THREADS * 4) break;
    await sleep(500);
  }
  await sleep(3000); // nothing more may come
  const events = await app.db.prisma.slaEvent.findMany({ where: { organizationId: org.id }, select: { firedAt: true, scheduledAt: true, threadId: true, step: true } });
  const unique = new Set(events.map((e) => `${e.threadId}:${e.step}`)).size;
  const lag = events.map((e) => e.firedAt.getTime() - e.scheduledAt.getTime()).sort((a, b) => a - b);
  console.log(
    `SLA jitter (${db ? 'postgres' : 'pglite'}): ${events.length} of ${THREADS * 4} steps fired (${unique} distinct; ${THREADS} threads over ${setupS.toFixed(1)} s); ` +
      `fired − planned p50 ${pct(lag, 0.5)} ms, p99 ${pct(lag, 0.99)} ms, max ${lag.at(-1)} ms, min ${lag[0]} ms`,
  );
} finally {
  await app.jobs.stop();
  await app.close();
  await db?.drop();
}
