/**
 * The CSV export holds exactly the conversations the CONVERSATIONS metric
 * counts for the range: a thread belongs to the range of its THREAD_OPENED
 * fact, not of its createdAt. An agent's quote created before the range and
 * answered by the customer inside it is one such thread once the reporting is
 * rebuilt from history (the backfill opens it at the first customer message);
 * the e2e dashboard test found the two numbers one apart on the demo.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summary, analyticsQuery } from '../../src/modules/analytics/analytics.service.js';
import { backfillReporting } from '../../src/modules/analytics/backfill.js';
import { streamThreadsCsv } from '../../src/modules/analytics/export.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { createThread } from '../../src/modules/thread/thread.service.js';
import { createOrganization, createTestApp, createUser, createWhatsAppChannel, orgContext, type TestApp } from '../harness.js';

let app: TestApp;
let orgId: string;
const RANGE = { from: '2026-11-10T00:00:00.000Z', to: '2026-11-12T00:00:00.000Z' };

async function csvRows(): Promise<string[]> {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) });
  await streamThreadsCsv(app.deps, { org: orgId, from: RANGE.from, to: RANGE.to, tz: 'UTC', filter: {} }, sink);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .slice(1);
}

async function conversations(): Promise<number> {
  const ctx = orgContext(app.deps, orgId);
  const q = await analyticsQuery(ctx, { from: new Date(RANGE.from), to: new Date(RANGE.to) }, {}, 'UTC');
  const [r] = await summary(ctx, q, ['CONVERSATIONS']);
  return r!.current.count;
}

beforeAll(async () => {
  app = await createTestApp();
  orgId = (await createOrganization(app.deps)).id;
  const agent = await createUser(app.deps, orgId);
  const channel = await createWhatsAppChannel(app.deps, orgId);
  const ctx = orgContext(app.deps, orgId);
  // Before the range: the agent opens a quote thread for a customer who writes inside the range.
  app.clock.set(new Date('2026-11-08T10:00:00Z'));
  const customer = await app.deps.db.prisma.customer.create({ data: { organizationId: orgId, name: 'Bedrijfspand Apeldoorn' } });
  await app.deps.db.prisma.customerIdentity.create({ data: { organizationId: orgId, customerId: customer.id, kind: 'WHATSAPP_ID', value: '31611112222' } });
  const { thread: quote } = await createThread({ ...ctx, actor: { type: 'USER', userId: agent.id } } as never, {
    subject: 'Offerte 7 laadpunten',
    channelId: channel.id,
    customerId: customer.id,
  });
  // The customer's WhatsApp conversation is this thread (as after an outbound template message).
  await app.deps.db.prisma.thread.update({ where: { id: quote.id }, data: { conversationKey: '31611112222' } });
  // Inside the range: a new customer's thread, and the quote customer's answer.
  for (const [from, when] of [
    ['31633334444', '2026-11-10T09:00:00Z'],
    ['31611112222', '2026-11-10T11:00:00Z'],
  ] as const) {
    app.clock.set(new Date(when));
    await ingestInbound(app.deps, channel, {
      externalMessageId: `wamid.range-${from}`,
      customer: { name: `Klant ${from}`, identities: [{ kind: 'WHATSAPP_ID', value: from }] } as never,
      content: 'Hoe staat het ermee?',
      attachments: [],
      occurredAt: app.clock.now(),
      conversationKey: from,
      metadata: {},
    });
  }
  await app.deps.jobs.settle();
  app.clock.set(new Date('2026-11-13T00:00:00Z'));
}, 60_000);

afterAll(async () => app?.close());

describe('export rows = CONVERSATIONS of the range', () => {
  it('live and after the backfill, the file has one row per conversation counted', async () => {
    const live = await conversations();
    expect(await csvRows()).toHaveLength(live);
    await backfillReporting(app.deps, orgId);
    const rebuilt = await conversations();
    expect(await csvRows()).toHaveLength(rebuilt);
    expect(rebuilt).toBe(2); // the new customer's thread and the quote answered inside the range
  });
});
