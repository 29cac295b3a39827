/**
 * Demo analytics: what the seed's history lacks for the dashboard's KPIs.
 * Surveys are switched on for the demo organization, about half of the
 * resolved threads carry a rating (mostly 4–5, a few low ones with a comment
 * in the thread's language), and about 60 % of the agents' replies are marked
 * as sent from one of the organization's templates. Deterministic: choices
 * come from md5 of the row id. Call before `backfillReporting`, which turns
 * the history into reporting events.
 */
import type { PrismaClient } from '../generated/prisma/client.js';

/** Rating per md5 bucket 0–99 (of the threads that rated): 60 % 5, 25 % 4, 8 % 3, 4 % 2, 3 % 1. */
const SCORE_SQL = `CASE WHEN b < 60 THEN 5 WHEN b < 85 THEN 4 WHEN b < 93 THEN 3 WHEN b < 97 THEN 2 ELSE 1 END`;
const bucket = (col: string, salt: string) => `(('x' || substr(md5(${col}::text || '${salt}'), 1, 8))::bit(32)::bigint % 100)`;

export async function seedDemoAnalytics(prisma: PrismaClient, organizationId: string, now: Date): Promise<{ rated: number; templateReplies: number }> {
  await prisma.organization.update({ where: { id: organizationId }, data: { surveySettings: { enabled: true, scale: 'CSAT', delayMinutes: 0, linkTtlDays: 14 } } });
  const rated = await prisma.$executeRawUnsafe(
    `UPDATE "Thread" t SET "csatScore" = s.score,
            "csatAt" = LEAST(t."resolvedAt" + ((1 + s.b % 20) * interval '1 hour'), ($2::timestamptz AT TIME ZONE 'UTC')),
            "csatComment" = CASE WHEN s.score <= 2 THEN 'Het duurde te lang voordat iemand reageerde.' WHEN s.score = 5 AND s.b % 3 = 0 THEN 'Snel en vriendelijk geholpen, dank!' ELSE NULL END
       FROM (SELECT id, ${bucket('id', 'score')} AS b FROM "Thread" WHERE "organizationId" = $1::uuid) s0
       CROSS JOIN LATERAL (SELECT s0.b, ${SCORE_SQL} AS score) s
      WHERE t.id = s0.id AND t."organizationId" = $1::uuid AND t.status IN ('RESOLVED', 'CLOSED') AND t."resolvedAt" IS NOT NULL
        AND ${bucket('t.id', 'rated')} < 50`,
    organizationId,
    now.toISOString(),
  );
  const templates = (await prisma.template.findMany({ where: { organizationId, isActive: true }, select: { id: true }, orderBy: { id: 'asc' } })).map((t) => t.id);
  const templateReplies = templates.length
    ? await prisma.$executeRawUnsafe(
        `UPDATE "Message" m SET metadata = m.metadata || jsonb_build_object('templateId', ($2::text[])[1 + ${bucket('m.id', 'tpl')}::int % array_length($2::text[], 1)])
          WHERE m."organizationId" = $1::uuid AND m.type = 'OUTGOING' AND m."senderUserId" IS NOT NULL AND ${bucket('m.id', 'uses')} < 60`,
        organizationId,
        templates,
      )
    : 0;
  return { rated, templateReplies };
}
