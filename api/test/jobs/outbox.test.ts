import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { startFakeWhatsAppCloud } from '../../src/sandbox/whatsapp.js';
import { createOrganization, createTestApp, createWhatsAppChannel, testDatabaseKind, type TestApp } from '../harness.js';

let app: TestApp;
let cloud: Awaited<ReturnType<typeof startFakeWhatsAppCloud>>;
beforeAll(async () => {
  cloud = await startFakeWhatsAppCloud({ accessToken: 'outbox-token' });
  app = await createTestApp({ WHATSAPP_GRAPH_BASE_URL: cloud.baseUrl });
});
afterAll(async () => {
  await app?.close();
  await cloud?.close();
});

/** A reply as postMessage leaves it when the process stops between commit and send. */
async function strandedReply(channelId: string, organizationId: string, threadId: string, content: string) {
  return app.deps.db.prisma.message.create({
    data: {
      organizationId,
      threadId,
      channelId,
      type: 'OUTGOING',
      content,
      deliveryStatus: 'PENDING',
      recipient: { name: 'Joost', address: '31612345678' },
      createdAt: new Date(app.clock.now().getTime() - 60_000),
    },
  });
}

describe(`outbox worker (${testDatabaseKind})`, () => {
  it('delivers a reply stranded as PENDING exactly once, even with two workers racing', async () => {
    const org = await createOrganization(app.deps);
    const channel = await createWhatsAppChannel(app.deps, org.id, { externalId: `106540352242922-${org.id}`, configuration: { accessToken: 'outbox-token' } });
    const thread = await app.deps.db.prisma.thread.create({ data: { organizationId: org.id, channelId: channel.id, subject: 'Laadpaal' } });
    const stranded = await strandedReply(channel.id, org.id, thread.id, 'Stranded reply');
    const fresh = await app.deps.db.prisma.message.create({
      data: { organizationId: org.id, threadId: thread.id, channelId: channel.id, type: 'OUTGOING', content: 'Just posted', deliveryStatus: 'PENDING', recipient: { address: '31612345678' }, createdAt: app.clock.now() },
    });
    const before = cloud.requests.length;

    const [a, b] = await Promise.all([runOutboxOnce(app.deps), runOutboxOnce(app.deps)]);

    expect(a + b).toBe(1);
    const sent = cloud.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect((sent[0]!.body as { text: { body: string }; to: string }).text.body).toBe('Stranded reply');
    expect((sent[0]!.body as { to: string }).to).toBe('31612345678');
    const after = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: stranded.id } });
    expect(after.deliveryStatus).toBe('SENT');
    expect(after.externalMessageId).toMatch(/^wamid\./);
    // A reply still inside its own send window is left to postMessage.
    expect((await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: fresh.id } })).deliveryStatus).toBe('PENDING');
    // Nothing left to do: a second pass sends nothing.
    expect(await runOutboxOnce(app.deps)).toBe(0);
    expect(cloud.requests.length - before).toBe(1);
    await app.deps.db.prisma.message.delete({ where: { id: fresh.id } }); // keep the next test independent
  });

  it('backs off between attempts and gives up after maxAttempts, marking the reply FAILED', async () => {
    const org = await createOrganization(app.deps);
    const channel = await createWhatsAppChannel(app.deps, org.id, { externalId: `gone-${org.id}`, configuration: { accessToken: 'outbox-token' } });
    const thread = await app.deps.db.prisma.thread.create({ data: { organizationId: org.id, channelId: channel.id, subject: 'Retry' } });
    const msg = await strandedReply(channel.id, org.id, thread.id, 'Never recorded');
    // Simulate crashes during delivery: claim, then put the row back to PENDING as if the send never completed.
    for (let attempt = 1; attempt <= 2; attempt++) {
      await app.deps.db.prisma.message.update({ where: { id: msg.id }, data: { deliveryStatus: 'PENDING', externalMessageId: null } });
      expect(await runOutboxOnce(app.deps, { maxAttempts: 2 })).toBe(1);
      await app.deps.db.prisma.message.update({ where: { id: msg.id }, data: { deliveryStatus: 'PENDING', externalMessageId: null } });
      expect(await runOutboxOnce(app.deps, { maxAttempts: 2 })).toBe(0); // backing off
      app.clock.advance(30_000 * 2 ** (attempt - 1) + 1);
    }
    expect(await runOutboxOnce(app.deps, { maxAttempts: 2 })).toBe(0);
    const row = await app.deps.db.prisma.message.findUniqueOrThrow({ where: { id: msg.id } });
    expect(row.deliveryStatus).toBe('FAILED');
    expect((row.metadata as { error: { code: string } }).error.code).toBe('OUTBOX_GAVE_UP');
  });
});
