/**
 * The data of the comparison (run.ts): the demo seed, plus 70 customer messages on its longest
 * thread so the thread view has a full page of 64. Returns the signed-in agent's session token
 * (sarah, an AGENT) and that thread's global id.
 */
import { seedDemo } from '../../api/src/demo/seed.js';
import { issueToken } from '../../api/src/modules/auth/auth.service.js';
import type { AppDeps } from '../../api/src/shared/app.js';

export async function prepareBenchData(app: AppDeps): Promise<{ token: string; threadId: string }> {
  const prisma = app.db.prisma;
  await seedDemo(prisma, { secrets: app.secrets });
  const sarah = await prisma.user.findFirstOrThrow({ where: { email: 'sarah@chargecars.nl' } });
  const [longest] = await prisma.message.groupBy({ by: ['threadId'], _count: true, orderBy: [{ _count: { threadId: 'desc' } }, { threadId: 'asc' }], take: 1 });
  const thread = await prisma.thread.findUniqueOrThrow({ where: { id: longest!.threadId }, include: { customer: true } });
  const start = Date.now() - 70 * 60_000;
  await prisma.message.createMany({
    data: Array.from({ length: 70 }, (_, i) => ({
      organizationId: thread.organizationId,
      threadId: thread.id,
      channelId: thread.channelId,
      type: 'INCOMING' as const,
      senderExternal: { name: thread.customer?.name ?? 'Klant' },
      content: `Bench bericht ${i + 1}: de laadpaal geeft nog steeds een rode lamp, wat kan ik nog proberen?`,
      deliveryStatus: 'DELIVERED' as const,
      externalMessageId: `bench-${thread.id}-${i}`,
      createdAt: new Date(start + i * 60_000),
    })),
  });
  // Statistics for the 70 new messages (seedDemo analyzed what it wrote), for both servers alike.
  await prisma.$executeRawUnsafe('ANALYZE "Message"');
  return { token: await issueToken(app, sarah), threadId: Buffer.from(`Thread:${thread.id}`).toString('base64') };
}
