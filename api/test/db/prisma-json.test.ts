/**
 * Json columns read through Prisma (issue 8 §1; patches/@prisma__client@7.10.0.patch): the
 * value arrives parsed (pg parses json/jsonb, a relation's rows are one parsed JSON document),
 * and Prisma's data mapper stringified it only for its deserializer to parse it again. The patch
 * hands the parsed value on. A value must read back as it was written, top-level and through a
 * relation, whatever its shape: objects, arrays, JSON strings, numbers, booleans, JSON null, and
 * keys Prisma itself uses for tagged values (`$type`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { createChannel, createOrganization, createTestApp, testDatabaseKind, type TestApp } from '../harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const VALUES: Prisma.InputJsonValue[] = [
  { order: 'A-1', lines: [1, 2.5, { sku: 'x', qty: 3 }], nested: { deep: { ok: true, none: null } } },
  ['a', 1, false, null, { b: [] }],
  'just a string',
  42,
  true,
  { $type: 'DateTime', value: '2026-12-03T07:15:00.000Z' },
  { $type: 'Json', value: '{"not":"parsed"}' },
];

describe(`Json columns read through Prisma (${testDatabaseKind})`, () => {
  it('read back as written: top-level, through a relation, and through a relation list', async () => {
    const org = await createOrganization(app.deps);
    const channel = await createChannel(app.deps, org.id, { type: 'API' });
    const p = app.deps.db.prisma;
    for (const value of VALUES) {
      const thread = await p.thread.create({
        data: { organizationId: org.id, channelId: channel.id, subject: 'json', externalReferences: value, lastMessageAt: new Date() },
      });
      await p.message.create({
        data: { organizationId: org.id, threadId: thread.id, channelId: channel.id, type: 'INCOMING', content: 'x', senderExternal: value },
      });
      const top = await p.thread.findUniqueOrThrow({ where: { id: thread.id }, select: { externalReferences: true } });
      expect(top.externalReferences).toEqual(value);
      const viaRelation = await p.message.findFirstOrThrow({ where: { threadId: thread.id }, select: { senderExternal: true, thread: { select: { externalReferences: true } } } });
      expect(viaRelation.senderExternal).toEqual(value);
      expect(viaRelation.thread.externalReferences).toEqual(value);
      const viaList = await p.thread.findUniqueOrThrow({ where: { id: thread.id }, select: { messages: { select: { senderExternal: true } } } });
      expect(viaList.messages.map((m) => m.senderExternal)).toEqual([value]);
    }
    // A nullable Json column: database NULL reads as null.
    const thread = await p.thread.create({ data: { organizationId: org.id, channelId: channel.id, subject: 'json null', lastMessageAt: new Date() } });
    await p.message.create({ data: { organizationId: org.id, threadId: thread.id, channelId: channel.id, type: 'INCOMING', content: 'y' } });
    const read = await p.thread.findUniqueOrThrow({ where: { id: thread.id }, select: { messages: { select: { senderExternal: true } } } });
    expect(read.messages[0]!.senderExternal).toBeNull();
  });

  it('two reads of the same row get objects of their own', async () => {
    const org = await createOrganization(app.deps);
    const channel = await createChannel(app.deps, org.id, { type: 'API' });
    const p = app.deps.db.prisma;
    const thread = await p.thread.create({ data: { organizationId: org.id, channelId: channel.id, subject: 'own', externalReferences: { n: 1 }, lastMessageAt: new Date() } });
    const a = await p.thread.findUniqueOrThrow({ where: { id: thread.id } });
    (a.externalReferences as { n: number }).n = 2;
    const b = await p.thread.findUniqueOrThrow({ where: { id: thread.id } });
    expect(b.externalReferences).toEqual({ n: 1 });
  });
});
