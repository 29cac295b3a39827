/**
 * Demo SLA (issue 6 §7, seed 001 "SLA Management"): the NL office calendar
 * (Mon–Fri 08:30–12:30 and 13:30–17:30, Europe/Amsterdam, Dutch public
 * holidays), seed 001's targets as policies with its ladder (75 % reminder,
 * 90 % team-lead alert, 100 % manager escalation, 24 h executive alert), and a
 * 24/7 web-chat policy of 15 minutes so a manager sees alerts arrive live in
 * the first minutes of the demo.
 *
 * `seedDemoSla` runs once, right after `seedDemo` on an empty database: it
 * creates the settings, brings every active thread's clocks up to date
 * (engine.ts `syncThreadSla`), records the steps whose moment lies in the
 * seeded past as history (SlaEvent rows, no notifications: nothing fires
 * twenty times at start), and puts four open web-chat threads at the stages
 * just before their next step (REMIND, ALERT, ESCALATE within ~1–4 minutes).
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { JOB } from '../jobs/names.js';
import type { AppDeps } from '../shared/app.js';
import { systemContext } from '../shared/context.js';
import { syncThreadSla } from '../modules/sla/engine.js';
import { DEFAULT_ESCALATION } from '../modules/sla/policy.service.js';

const H = 3600;
const OFFICE_HOURS = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, opens: '08:30', closes: '12:30' },
  { weekday, opens: '13:30', closes: '17:30' },
]);

/** Seed 001's targets, lowest rank first wins. */
function demoPolicies(calendarId: string) {
  const ladder = DEFAULT_ESCALATION as unknown as object[];
  return [
    {
      name: 'Internal tasks, urgent: resolved within 4 business hours',
      rank: 5,
      resolutionSeconds: 4 * H,
      calendarId,
      conditions: { threadTypes: ['INTERNAL_TASK'], priorities: ['URGENT', 'CRITICAL'] },
    },
    { name: 'Internal tasks: resolved within 3 business days', rank: 6, resolutionSeconds: 24 * H, calendarId, conditions: { threadTypes: ['INTERNAL_TASK'] } },
    {
      name: 'Escalated issues: 30 minutes',
      rank: 10,
      firstResponseSeconds: 30 * 60,
      nextResponseSeconds: 30 * 60,
      calendarId: null,
      conditions: { priorities: ['URGENT', 'CRITICAL'] },
    },
    {
      name: 'Web chat: 15 minutes, around the clock',
      rank: 15,
      firstResponseSeconds: 15 * 60,
      nextResponseSeconds: 15 * 60,
      calendarId: null,
      conditions: { channelTypes: ['CHATWOOT'] },
    },
    {
      name: 'WhatsApp: 1 business hour',
      rank: 20,
      firstResponseSeconds: 1 * H,
      nextResponseSeconds: 1 * H,
      resolutionSeconds: 24 * H,
      calendarId,
      conditions: { channelTypes: ['WHATSAPP_BUSINESS'] },
    },
    {
      name: 'E-mail: 4 business hours',
      rank: 20,
      firstResponseSeconds: 4 * H,
      nextResponseSeconds: 4 * H,
      resolutionSeconds: 40 * H,
      calendarId,
      conditions: { channelTypes: ['EMAIL_OUTLOOK'] },
    },
    { name: 'SMS and partners: 4 business hours', rank: 50, firstResponseSeconds: 4 * H, nextResponseSeconds: 4 * H, calendarId, conditions: { channelTypes: ['SMS', 'API'] } },
  ].map((p) => ({ escalation: ladder, ...p }));
}

/** Minutes of the web-chat target used by the four live threads when the demo starts (just before 75 %, 90 %, 100 % and well before). */
const LIVE_STAGES_MIN = [10.8, 13.2, 14.6, 5];

/** Creates the demo's SLA settings and brings the seeded threads' clocks up to date. Returns counts. */
export async function seedDemoSla(deps: AppDeps, prisma: PrismaClient, organizationId: string): Promise<{ policies: number; threads: number; history: number; live: number }> {
  const calendar = await prisma.businessCalendar.create({
    data: { organizationId, name: 'NL kantoor (ma–vr, lunch 12:30–13:30)', timezone: 'Europe/Amsterdam', hours: OFFICE_HOURS, holidays: [], holidayCountry: 'NL' },
  });
  const policies = demoPolicies(calendar.id);
  await prisma.slaPolicy.createMany({ data: policies.map((p) => ({ organizationId, ...p })) as never });

  const now = deps.clock.now();
  // Four open web-chat threads at the stages just before a step, started "now minus n minutes".
  // Unanswered ones first; an answered one gets a new customer message (its next-response clock runs).
  const chat = await prisma.thread.findMany({
    where: { organizationId, deletedAt: null, status: { in: ['OPEN', 'IN_PROGRESS', 'WAITING_INTERNAL'] }, channel: { type: 'CHATWOOT' }, lastInboundAt: { not: null } },
    orderBy: [{ firstResponseAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
    take: LIVE_STAGES_MIN.length,
  });
  for (const [i, t] of chat.entries()) {
    const at = new Date(now.getTime() - LIVE_STAGES_MIN[i]! * 60_000);
    const answered = t.firstResponseAt && t.firstResponseAt < at;
    await prisma.thread.update({
      where: { id: t.id },
      data: { lastInboundAt: at, lastMessageAt: at, ...(answered ? { nextResponseStartedAt: at } : { slaStartedAt: at, firstResponseAt: null }) },
    });
  }

  const ctx = systemContext(deps, organizationId);
  const active = await prisma.thread.findMany({ where: { organizationId, deletedAt: null, status: { notIn: ['RESOLVED', 'CLOSED'] } }, select: { id: true } });
  for (const { id } of active) await ctx.db.$transaction((tx) => syncThreadSla(ctx, tx, id).then(() => undefined));

  // Steps whose moment lies in the seeded past become history, not a burst of alerts at start.
  const past = await prisma.job.findMany({ where: { queue: JOB.slaStep, status: 'QUEUED', runAt: { lt: now } } });
  const threads = new Map(
    (
      await prisma.thread.findMany({
        where: { id: { in: [...new Set(past.map((j) => String((j.payload as { threadId: string }).threadId)))] } },
        select: { id: true, slaPolicyId: true },
      })
    ).map((t) => [t.id, t]),
  );
  const history = past.map((j) => {
    const p = j.payload as { threadId: string; target: 'FIRST_RESPONSE' | 'NEXT_RESPONSE' | 'RESOLUTION'; step: number; dueAt: string };
    const step = (DEFAULT_ESCALATION as readonly { atPercent: number | null; action: string }[])[p.step]!;
    return {
      organizationId,
      threadId: p.threadId,
      policyId: threads.get(p.threadId)?.slaPolicyId ?? null,
      target: p.target,
      action: step.action as never,
      step: p.step,
      dueAt: new Date(p.dueAt),
      scheduledAt: j.runAt,
      firedAt: j.runAt,
      percentUsed: step.atPercent ?? 100,
    };
  });
  await prisma.slaEvent.createMany({ data: history, skipDuplicates: true });
  await prisma.job.deleteMany({ where: { id: { in: past.map((j) => j.id) } } });
  return { policies: policies.length, threads: active.length, history: history.length, live: chat.length };
}
