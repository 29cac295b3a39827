/**
 * Benchmark: CPU per multi-row insert, Prisma's `createMany` / `createManyAndReturn` against
 * db/insert-rows.ts (one raw `INSERT … FROM jsonb_populate_recordset`, the returned rows read
 * back with a `findMany` where the caller needs them), for 1, 10 and 50 rows, on PostgreSQL (a
 * scratch database is created and dropped). Why it matters (issue 8 §3): Prisma 7 compiles the
 * query plan of every createMany anew (its plan cache skips them), and ingestion wrote six such
 * inserts per batch. Each figure: process CPU (user + system) per call over 100 calls after 20
 * warm-up calls, in ms.
 *
 *   cd api && BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx ../bench/prisma-bulk-insert.ts
 */
import { createApp } from '../api/src/app.js';
import { loadConfig } from '../api/src/config.js';
import { insertRows, withIdAndStamps } from '../api/src/db/insert-rows.js';
import { createScratchDatabase } from '../api/test/scratch-database.js';

const base = process.env.BENCH_DATABASE_URL;
if (!base) throw new Error('BENCH_DATABASE_URL is required (PostgreSQL)');
const scratch = await createScratchDatabase(base, 'bench_bulk_insert');
const app = await createApp({ config: loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: scratch.url }), inMemory: true });
const p = app.db.prisma;
try {
  const org = await p.organization.create({ data: { slug: `bulk-${Date.now()}`, name: 'Bulk' } });
  const channel = await p.channel.create({ data: { organizationId: org.id, type: 'WHATSAPP_BUSINESS', name: 'c' } });
  let k = 0;
  /** CPU ms per call of `fn` (100 calls after 20 warm-up calls). */
  const cpu = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await fn();
    const u = process.cpuUsage();
    for (let i = 0; i < 100; i++) await fn();
    const d = process.cpuUsage(u);
    return (d.user + d.system) / 1000 / 100;
  };
  const rows: string[] = [];
  for (const n of [1, 10, 50]) {
    const threads = () =>
      Array.from({ length: n }, () => ({
        organizationId: org.id,
        channelId: channel.id,
        subject: `S ${k}`,
        conversationKey: `k${k++}`,
        lastMessageAt: new Date(),
        createdAt: new Date(),
      }));
    const audits = () =>
      Array.from({ length: n }, () => ({
        organizationId: org.id,
        actorType: 'SYSTEM' as const,
        action: 'message.ingest',
        entityType: 'Message',
        entityId: `m${k++}`,
        changes: { before: null, after: { a: 1 } },
        createdAt: new Date(),
      }));
    const prismaThread = await cpu(() => p.thread.createManyAndReturn({ data: threads() }));
    const rawThread = await cpu(async () => {
      const now = new Date();
      const ids = await insertRows(
        p,
        'Thread',
        threads().map((t) => withIdAndStamps(t, now, ['createdAt', 'updatedAt'])),
      );
      return p.thread.findMany({ where: { id: { in: ids } } });
    });
    const prismaAudit = await cpu(() => p.auditLog.createMany({ data: audits() }));
    const rawAudit = await cpu(() => {
      const now = new Date();
      return insertRows(
        p,
        'AuditLog',
        audits().map((a) => withIdAndStamps(a, now, ['createdAt'])),
      );
    });
    rows.push(`| ${n} | ${prismaThread.toFixed(2)} | ${rawThread.toFixed(2)} | ${prismaAudit.toFixed(2)} | ${rawAudit.toFixed(2)} |`);
  }
  console.log(
    `| rows | thread.createManyAndReturn | insertRows + findMany | auditLog.createMany | insertRows |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n(ms of CPU per call)`,
  );
} finally {
  await app.close();
  await scratch.drop();
}
