/**
 * The server side of bench/webhooks.ts: the hub (createApp + startServer + jobs.start()) with one
 * organization, agent and WhatsApp channel, and the operations the benchmark asks of it. Run
 * in-process (BENCH_INPROCESS=1: the load generator and the subscriber share the server's JS
 * thread) or in a child process (webhooks-child.ts, bundled and run as `pnpm start` runs the hub).
 */
import { createApp } from '../api/src/app.js';
import { loadConfig } from '../api/src/config.js';
import { JOB } from '../api/src/jobs/names.js';
import { startServer } from '../api/src/server.js';
import { whatsappAdapter } from '../api/src/channels/whatsapp/adapter.js';
import { issueToken } from '../api/src/modules/auth/auth.service.js';

/** The WhatsApp channel's identity and secrets (test/fakes/fixtures.ts whatsappDemoChannel, passed in: the bundled child cannot read the fixtures relative to its own file). */
export interface WhatsAppFixture {
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  accessToken: string;
}

/** What the benchmark asks of the hub; every method is answered the same in-process and over IPC. */
export interface WebhookHub {
  port: number;
  /** An agent's token, for the graphql-ws subscriber. */
  token: string;
  dbKind: string;
  jobConcurrency: number;
  jobsStart(): Promise<void>;
  jobsStop(): Promise<void>;
  /** Deletes the queued `inbound.process` jobs and the unprocessed deliveries (a backlog left unprocessed). */
  deleteBacklog(): Promise<void>;
  /** Messages stored in the organization. */
  messageCount(): Promise<number>;
  /** `messageAdded` events published for the organization so far. */
  addedCount(): Promise<number>;
  /** Resolves once `n` `messageAdded` events were published; rejects after `timeoutMs` (ms). */
  untilAdded(n: number, timeoutMs: number): Promise<void>;
  /** SQL statements Prisma sent so far. */
  statements(): Promise<number>;
  /** BENCH_SQL_KINDS=1: statements so far by their first 70 characters (whitespace collapsed), most frequent first; else empty. */
  statementKinds(): Promise<[string, number][]>;
  /** The server process's CPU time so far (user + system), in µs. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the hub on `env` (DATABASE_URL: PostgreSQL; unset: PGlite in memory), on a loopback port,
 * with an organization, an agent and a WhatsApp channel of identity `wa` (as test/harness.ts
 * createWhatsAppChannel makes it: secrets sealed, response SLA 4 h).
 */
export async function startWebhookHub(env: Record<string, string | undefined>, wa: WhatsAppFixture): Promise<WebhookHub> {
  const app = await createApp({ config: loadConfig({ ...env, LOG_LEVEL: 'silent' }), inMemory: true });
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  const slug = `bench-${Date.now().toString(36)}`;
  const org = await app.db.prisma.organization.create({ data: { slug, name: slug.toUpperCase() } });
  const agent = await app.db.prisma.user.create({
    data: { organizationId: org.id, email: `agent-${slug}@example.test`, name: 'Bench Agent', role: 'AGENT', passwordHash: 'x' },
  });
  const { phoneNumberId, appSecret, verifyToken, accessToken } = wa;
  await app.db.prisma.channel.create({
    data: {
      organizationId: org.id,
      type: 'WHATSAPP_BUSINESS',
      name: `WhatsApp ${slug}`,
      externalId: phoneNumberId,
      configuration: app.secrets.sealKeys({ phoneNumberId, appSecret, verifyToken, accessToken }, [...whatsappAdapter.secretKeys]) as object,
      responseSlaHours: 4,
    },
  });
  const token = await issueToken(app, agent);
  let statements = 0;
  app.db.onQuery.add(() => void statements++);
  const kinds = new Map<string, number>();
  if (env.BENCH_SQL_KINDS === '1')
    app.db.onQuery.add((sql) => {
      const k = sql.replace(/\s+/g, ' ').slice(0, 70);
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    });

  // The organization's `messageAdded` events, counted in-process (published after each commit).
  let added = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const iterator = app.pubsub.subscribe('messageAdded', org.id)[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const r = await iterator.next();
      if (r.done) return;
      added++;
      for (const w of [...waiters]) if (added >= w.n) waiters.splice(waiters.indexOf(w), 1), w.resolve();
    }
  })();
  await app.jobs.start();

  return {
    port: server.port,
    token,
    dbKind: app.db.kind,
    jobConcurrency: app.config.JOB_CONCURRENCY,
    jobsStart: () => app.jobs.start(),
    jobsStop: () => app.jobs.stop(),
    async deleteBacklog() {
      await app.db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE queue = $1 AND status = 'QUEUED'`, JOB.inboundProcess);
      await app.db.prisma.inboundEvent.deleteMany({ where: { organizationId: org.id, status: 'RECEIVED' } });
    },
    messageCount: () => app.db.prisma.message.count({ where: { organizationId: org.id } }),
    addedCount: async () => added,
    untilAdded(n, timeoutMs) {
      if (added >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`only ${added} of ${n} messageAdded events`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    statements: async () => statements,
    statementKinds: async () => [...kinds].sort((a, b) => b[1] - a[1]),
    cpuMicros: async () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
    async close() {
      void iterator.return?.();
      await server.close();
      await app.close();
    },
  };
}
