/**
 * A real hub process for crash.test.ts: createApp() + runHub() with the
 * configuration from the environment (DATABASE_URL, or a PGlite DATA_DIR),
 * plus a WhatsApp channel (demo identity) of a fresh organization, created on
 * the first start and found again on the next one.
 *
 * Prints one line `CRASH_SERVER_READY {"url", "statusUrl", "channelId"}` on
 * stdout when it serves. `statusUrl` is a small loopback side server that
 * reports, as JSON, the channel's INCOMING message count, its inbound events
 * and the inbound.process jobs (PGlite is one in-process database: the test
 * cannot read it while this process owns the data directory).
 *
 * While a batch is processed it also prints `CRASH_SERVER_STORED <n>` for
 * every `messageAdded` event of the organization (published after each
 * message's commit, so at least n messages are stored). The test watches these
 * lines rather than polling over HTTP because on PGlite the inbound job keeps
 * the event loop busy: an HTTP request waits until the whole batch is done,
 * whereas stdout writes to a pipe are synchronous on Linux.
 *
 *   node --import tsx test/jobs/crash-server.ts
 */
import http from 'node:http';
import { createApp } from '../../src/app.js';
import { JOB } from '../../src/jobs/names.js';
import { runHub } from '../../src/server.js';
import { whatsappDemoChannel } from '../fakes/fixtures.js';
import { createOrganization, createWhatsAppChannel } from '../harness.js';

const app = await createApp();
const existing = await app.db.prisma.channel.findFirst({ where: { type: 'WHATSAPP_BUSINESS', externalId: whatsappDemoChannel.phoneNumberId } });
const channel = existing ?? (await createWhatsAppChannel(app, (await createOrganization(app, `crash-${process.pid}`)).id));

const hub = await runHub(app);

let stored = 0;
void (async () => {
  for await (const _event of app.pubsub.subscribe('messageAdded', channel.organizationId)) {
    stored++;
    process.stdout.write(`CRASH_SERVER_STORED ${stored}\n`);
  }
})();

const status = http.createServer((_req, res) => {
  void (async () => {
    const messages = await app.db.prisma.message.count({ where: { channelId: channel.id, type: 'INCOMING' } });
    const inboundEvents = await app.db.prisma.inboundEvent.findMany({
      where: { channelId: channel.id },
      select: { id: true, status: true, attempts: true },
      orderBy: { receivedAt: 'asc' },
    });
    const jobs = await app.db.prisma.$queryRawUnsafe<{ status: string; attempts: number }[]>(
      `SELECT status::text AS status, attempts FROM "Job" WHERE queue = $1 ORDER BY "createdAt"`,
      JOB.inboundProcess,
    );
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ messages, inboundEvents, jobs: jobs.map((j) => ({ status: j.status, attempts: Number(j.attempts) })) }));
  })().catch((err: unknown) => {
    res.statusCode = 500;
    res.end(JSON.stringify({ error: String(err) }));
  });
});
await new Promise<void>((resolve) => status.listen(0, '127.0.0.1', () => resolve()));
status.unref();

console.log(
  `CRASH_SERVER_READY ${JSON.stringify({
    url: `http://127.0.0.1:${hub.port}`,
    statusUrl: `http://127.0.0.1:${(status.address() as { port: number }).port}`,
    channelId: channel.id,
  })}`,
);
