/**
 * A real hub process for sla-crash.test.ts: createApp() + runHub() with the
 * configuration from the environment (DATABASE_URL, or a PGlite DATA_DIR). On
 * the first start it creates an organization with a WhatsApp channel, an SLA
 * policy (SLA_TARGET_SECONDS first response, 24/7, ladder 75 % / 90 % / 100 % /
 * +SLA_AFTER_BREACH_SECONDS) and one customer message that starts the clock.
 * Prints `SLA_SERVER_READY {"threadId"}` when it serves and
 * `SLA_SERVER_FIRED <action> <firedAt ms> <scheduledAt ms>` for each slaAlert
 * it publishes (after the commit of its SlaEvent).
 *
 *   node --import tsx test/sla/sla-crash-server.ts
 */
import { createApp } from '../../src/app.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { runHub } from '../../src/server.js';
import { createOrganization, createWhatsAppChannel } from '../harness.js';

const TARGET = Number(process.env.SLA_TARGET_SECONDS ?? 8);
const AFTER = Number(process.env.SLA_AFTER_BREACH_SECONDS ?? 3);
const app = await createApp();
let thread = await app.db.prisma.thread.findFirst({ where: { subject: { startsWith: 'SLA crash' } } });
if (!thread) {
  const org = await createOrganization(app, `sla-crash-${process.pid}`);
  const channel = await createWhatsAppChannel(app, org.id);
  await app.db.prisma.slaPolicy.create({
    data: {
      organizationId: org.id,
      name: 'Crash test',
      firstResponseSeconds: TARGET,
      escalation: [
        { atPercent: 75, afterBreachSeconds: null, action: 'REMIND', notify: [] },
        { atPercent: 90, afterBreachSeconds: null, action: 'ALERT', notify: [] },
        { atPercent: 100, afterBreachSeconds: null, action: 'ESCALATE', notify: [] },
        { atPercent: null, afterBreachSeconds: AFTER, action: 'EXECUTIVE_ALERT', notify: [] },
      ],
    },
  });
  const r = await ingestInbound(app, channel, {
    externalMessageId: `wamid.sla-crash-${process.pid}`,
    customer: { name: 'Crash Klant', identities: [{ kind: 'WHATSAPP_ID', value: '31600000999' }] } as never,
    content: 'Hallo?',
    subject: 'SLA crash',
    attachments: [],
    occurredAt: new Date(),
    conversationKey: '31600000999',
    metadata: {},
  });
  thread = await app.db.prisma.thread.update({ where: { id: r.thread.id }, data: { subject: 'SLA crash' } });
}
const orgId = thread.organizationId;
void (async () => {
  for await (const e of app.pubsub.subscribe('slaAlert', orgId)) {
    const ev = await app.db.prisma.slaEvent.findUnique({ where: { id: e.slaEventId } });
    if (ev) process.stdout.write(`SLA_SERVER_FIRED ${ev.action} ${ev.firedAt.getTime()} ${ev.scheduledAt.getTime()}\n`);
  }
})();
await runHub(app);
process.stdout.write(`SLA_SERVER_READY ${JSON.stringify({ threadId: thread.id })}\n`);
