/**
 * One conversation's messages processed at the same time (the job queue runs several jobs at
 * once on PostgreSQL): whatever order their transactions commit in, the thread's preview
 * (lastMessage), lastMessageAt and lastInboundAt end at the newest message, and every message
 * lands in the one thread. Found by the reconnect e2e on PostgreSQL, where three messages sent
 * during a network cut left the list showing the second as the preview.
 * On PGlite (one connection) the transactions run one after the other: the test still checks the result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import type { NormalizedInbound } from '../../src/channels/types.js';
import { createChannel, createOrganization, createTestApp, testDatabaseKind, type TestApp } from '../harness.js';

let app: TestApp;
const p = () => app.deps.db.prisma;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

function inbound(key: string, n: number, at: Date): NormalizedInbound {
  return {
    externalMessageId: `${key}-${n}`,
    customer: { name: 'Gelijktijdig Klant', email: `${key}@example.test`, identities: [{ kind: 'EMAIL', value: `${key}@example.test` }] },
    content: `Bericht ${n}`,
    subject: 'Gelijktijdig',
    attachments: [],
    occurredAt: at,
    conversationKey: key,
    metadata: {},
  };
}

describe(`concurrent ingestion of one conversation (${testDatabaseKind})`, () => {
  it('the newest message is the preview whatever order the transactions commit in', async () => {
    const org = await createOrganization(app.deps);
    const channel = await createChannel(app.deps, org.id, { type: 'EMAIL_OUTLOOK' });
    for (let round = 0; round < 5; round++) {
      const key = `conv-${round}-${Date.now()}`;
      const t0 = new Date(Date.UTC(2026, 10, 20, 9, 0, 0));
      const first = await ingestInbound(app.deps, channel, inbound(key, 0, t0));
      const count = 6;
      // Sent in reverse, all at once: the newest starts first and usually commits first.
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) => count - i).map((n) => ingestInbound(app.deps, channel, inbound(key, n, new Date(t0.getTime() + n * 1000)))),
      );
      expect(new Set(results.map((r) => r.thread.id))).toEqual(new Set([first.thread.id]));
      const thread = await p().thread.findUniqueOrThrow({ where: { id: first.thread.id }, include: { lastMessage: true } });
      expect(thread.lastMessage?.content, `round ${round}`).toBe(`Bericht ${count}`);
      expect(thread.lastMessageAt.getTime()).toBe(t0.getTime() + count * 1000);
      expect(thread.lastInboundAt?.getTime()).toBe(t0.getTime() + count * 1000);
      expect(await p().message.count({ where: { threadId: first.thread.id } })).toBe(count + 1);
    }
  });
});
