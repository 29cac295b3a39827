import { createDatabase } from './client.js';
import { migrate } from './migrate.js';
import { seedDemo } from './seed.js';
import { SecretBox } from '../shared/crypto.js';
const db = await createDatabase({});
await migrate(db.sql);
const t0 = performance.now();
const r = await seedDemo(db.prisma, { secrets: new SecretBox('x'.repeat(40)), now: new Date('2026-11-20T10:30:00Z') });
console.log('ms', performance.now() - t0, r.counts);
const q = (s: string) => db.sql.query(s);
console.table(await q(`select case when now_age < 1 then 'a<1' when now_age < 3 then 'b<3' when now_age < 10 then 'c<10' else 'd>=10' end as age, status, count(*)::int from (select status, extract(epoch from (timestamptz '2026-11-20T10:30:00Z' - "createdAt"))/86400 as now_age from "Thread") x group by 1,2 order by 1,2`));
console.table(await q(`select c.type, count(*)::int from "Thread" t join "Channel" c on c.id=t."channelId" group by 1 order by 2 desc`));
console.table(await q(`select priority, count(*)::int from "Thread" group by 1 order by 2 desc`));
console.table(await q(`select type, "deliveryStatus", count(*)::int from "Message" group by 1,2 order by 1,2`));
console.table(await q(`select n, count(*)::int from (select count(*) n from "Message" group by "threadId") x group by 1 order by 1`));
console.table(await q(`select (assigneeid is null) unassigned, count(*)::int from (select "assigneeId" assigneeid from "Thread") x group by 1`));
console.table(await q(`select status, count(*)::int, sum(case when "dueAt" < timestamptz '2026-11-20T10:30:00Z' then 1 else 0 end)::int overdue from "Task" group by 1`));
const threads = await db.prisma.thread.findMany({ take: 6, orderBy: { createdAt: 'desc' }, skip: 20, include: { messages: { orderBy: { createdAt: 'asc' } }, channel: true, customer: true, assignee: true } });
const email = await db.prisma.thread.findFirst({ where: { channel: { type: 'EMAIL_OUTLOOK' }, status: 'CLOSED' }, include: { messages: { orderBy: { createdAt: 'asc' } }, channel: true, customer: true, assignee: true } });
const it = await db.prisma.thread.findFirst({ where: { customer: { partitaIva: { not: null } }, status: 'RESOLVED' }, include: { messages: { orderBy: { createdAt: 'asc' } }, channel: true, customer: true, assignee: true } });
for (const t of [...threads, email!, it!]) {
  console.log(`\n=== [${t.channel.type}] ${t.subject} | ${t.status} ${t.priority} | ${t.customer?.name} | ${t.assignee?.name} | ${t.orderReference} | tags ${t.tags} | created ${t.createdAt.toISOString()} due ${t.responseDueAt?.toISOString()} first ${t.firstResponseAt?.toISOString()}`);
  for (const m of t.messages) console.log(`  ${m.createdAt.toISOString()} ${m.type} ${m.deliveryStatus} ${m.externalMessageId ?? ''} ${m.subject ?? ''}\n     ${m.content.replace(/\n/g, ' ⏎ ').slice(0, 260)} ${JSON.stringify(m.attachments) !== '[]' ? JSON.stringify(m.attachments) : ''}`);
}
console.log(await db.prisma.customer.findMany({ where: { partitaIva: { not: null } }, take: 3 }));
console.log(await db.prisma.customer.findMany({ take: 2 }));
console.log(await db.prisma.task.findMany({ take: 4, orderBy: { createdAt: 'desc' } }));
await db.close();
