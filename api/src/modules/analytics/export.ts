/**
 * The CSV export of threads (`exportThreads`): one row per thread started in
 * the range, streamed page by page (keyset over thread ids, 2,000 rows per
 * page, one statement each: the threads with their reporting facts
 * aggregated per thread; the next page is fetched while one is written), so
 * any size costs constant memory. ~20,000–28,000 rows/s at 100,000 threads
 * (docs/performance.md).
 *
 * `exportUrl` signs the validated query into a short-lived link (JWT, jose,
 * HS256 with a key derived from APP_SECRET_KEY for this purpose only,
 * audience "analytics-export", 5 minutes) that a browser can open without an
 * Authorization header; `streamThreadsCsv` writes the rows.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { TZDate } from '@date-fns/tz';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { stringify } from 'csv-stringify/sync';
import { format } from 'date-fns/format'; // not the index: it loads all of date-fns (analytics.service.ts)
import { SignJWT, jwtVerify } from 'jose';
import type { AppDeps } from '../../shared/app.js';
import { deriveKey } from '../../shared/crypto.js';
import type { HubContext } from '../../shared/context.js';
import type { AnalyticsFilter, AnalyticsQuery } from './analytics.service.js';

/** Lifetime of an export link, in seconds. */
export const EXPORT_LINK_TTL_SECONDS = 5 * 60;
/** Threads per page of the stream (one statement each). */
const PAGE = 2000;
const AUDIENCE = 'analytics-export';

/** The export's columns, in order (docs/analytics.md explains each). Times are local to the query's time zone. */
export const EXPORT_COLUMNS = [
  'thread_id',
  'subject',
  'channel_type',
  'channel',
  'team',
  'assignee',
  'status',
  'priority',
  'customer',
  'customer_tier',
  'created_at',
  'first_response_at',
  'first_response_seconds',
  'first_response_business_seconds',
  'resolved_at',
  'resolution_seconds',
  'resolution_business_seconds',
  'agent_replies',
  'reopens',
  'sla_first_response',
  'sla_next_response_met',
  'sla_next_response_breached',
  'sla_resolution',
  'escalations',
  'csat_score',
  'csat_comment',
] as const;

const keyCache = new WeakMap<object, Uint8Array>();
function exportKey(deps: AppDeps): Uint8Array {
  let key = keyCache.get(deps.config);
  if (!key) {
    key = new Uint8Array(deriveKey(deps.config.appSecretKey, 'hub-analytics-export', 'jwt hs256 export links v1'));
    keyCache.set(deps.config, key);
  }
  return key;
}

interface ExportClaims {
  org: string;
  from: string;
  to: string;
  tz: string;
  filter: AnalyticsFilter;
}

/** Signs a validated query into a link valid 5 minutes: `/analytics/export.csv?token=…`. */
export async function exportUrl(ctx: HubContext, q: AnalyticsQuery): Promise<{ url: string; expiresAt: Date; fileName: string }> {
  const now = ctx.deps.clock.now();
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_TTL_SECONDS * 1000);
  const claims: ExportClaims = { org: ctx.organizationId, from: q.from.toISOString(), to: q.to.toISOString(), tz: q.timezone, filter: q.filter };
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(AUDIENCE)
    .setSubject(ctx.viewer?.id ?? 'system')
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(exportKey(ctx.deps));
  return { url: `/analytics/export.csv?token=${encodeURIComponent(token)}`, expiresAt, fileName: exportFileName(claims) };
}

/** `threads-<first day>-<last day>.csv`, local days of the range in its time zone. */
export function exportFileName(claims: Pick<ExportClaims, 'from' | 'to' | 'tz'>): string {
  const day = (ms: number) => format(new TZDate(ms, claims.tz), 'yyyy-MM-dd');
  return `threads-${day(Date.parse(claims.from))}-${day(Date.parse(claims.to) - 1)}.csv`;
}

/** The claims of a valid export link; null when the signature, audience or expiry is wrong. */
export async function verifyExportToken(deps: AppDeps, token: string): Promise<ExportClaims | null> {
  try {
    const { payload } = await jwtVerify(token, exportKey(deps), { audience: AUDIENCE, algorithms: ['HS256'], currentDate: deps.clock.now() });
    return payload as unknown as ExportClaims;
  } catch {
    return null;
  }
}

/** One thread of the export with its reporting facts aggregated in SQL (one row per thread). */
interface ThreadRow {
  id: string;
  subject: string;
  channelType: string;
  channelName: string;
  team: string | null;
  assignee: string | null;
  status: string;
  priority: string;
  customer: string | null;
  tier: string | null;
  createdAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  csatScore: number | null;
  csatComment: string | null;
  /** The first FIRST_RESPONSE fact (by time): wall-clock and business seconds. */
  frSeconds: number | null;
  frBusiness: number | null;
  /** The latest RESOLVED fact: wall-clock and business seconds. */
  resSeconds: number | null;
  resBusiness: number | null;
  replies: number;
  reopens: number;
  escalations: number;
  /** The first outcome of each SLA target (null: none recorded). */
  slaFirst: boolean | null;
  slaResolution: boolean | null;
  nextMet: number;
  nextBreached: number;
}

/**
 * `yyyy-MM-dd HH:mm:ss` in a time zone. The zone's UTC offset comes from one
 * cached `Intl.DateTimeFormat`, once per UTC hour (kept when the offset is the
 * same at both ends of the hour, i.e. no transition inside it; otherwise
 * every instant of that hour asks Intl): ~1 µs a date where date-fns
 * `format` of a `TZDate` takes ~60 µs, which capped the export at ~5,000 rows/s.
 */
export function localTimeFormatter(tz: string): (d: Date | null) => string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  /** Offset of the zone at an instant, in ms (local wall time − UTC), at whole-second precision. */
  const offsetAt = (ms: number) => {
    const p: Record<string, string> = {};
    for (const { type, value } of f.formatToParts(ms)) p[type] = value;
    const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
    return wall - Math.floor(ms / 1000) * 1000;
  };
  const hourOffsets = new Map<number, number | null>();
  return (d) => {
    if (!d) return '';
    const ms = d.getTime();
    const hour = Math.floor(ms / 3_600_000);
    let offset = hourOffsets.get(hour);
    if (offset === undefined) {
      const a = offsetAt(hour * 3_600_000);
      offset = a === offsetAt(hour * 3_600_000 + 3_599_999) ? a : null;
      if (hourOffsets.size > 10_000) hourOffsets.clear();
      hourOffsets.set(hour, offset);
    }
    const iso = new Date(Math.floor(ms / 1000) * 1000 + (offset ?? offsetAt(ms))).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  };
}

/** Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection). */
const safeText = (s: string | null) => (s && /^[=+\-@\t\r]/.test(s) ? `'${s}` : (s ?? ''));

/**
 * Writes the CSV (UTF-8 with BOM, header row) of the threads whose
 * conversation started in [from, to) (their THREAD_OPENED fact, what the
 * CONVERSATIONS metric counts: one row per conversation counted) that match the filter (the threads' current channel, team,
 * assignee, priority and customer tier) to `out`. Returns the rows written.
 */
export async function streamThreadsCsv(deps: AppDeps, claims: ExportClaims, out: Writable, pageSize = PAGE): Promise<number> {
  // A page is stringified at once (csv-stringify's sync API) and written as one chunk: one write per
  // 2,000 rows instead of one per row through the response's compression stream.
  let first = true;
  const write = async (records: unknown[][]) => {
    const text = stringify(records, { header: first, columns: [...EXPORT_COLUMNS], bom: first });
    first = false;
    if (out.destroyed) throw new Error('export: the client went away');
    if (!out.write(text)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  };
  const local = localTimeFormatter(claims.tz);
  const f = claims.filter ?? {};
  const params: unknown[] = [claims.org, claims.from, claims.to];
  const cond: string[] = [];
  const add = (expr: string, values: readonly string[] | null | undefined) => {
    if (values?.length) {
      params.push([...values]);
      cond.push(`${expr} = ANY($${params.length}::text[])`);
    }
  };
  add('c.type::text', f.channelTypes);
  add('t."teamId"::text', f.teamIds);
  add('t."assigneeId"::text', f.assigneeIds);
  add('t.priority::text', f.priorities);
  add('cu.tier::text', f.customerTiers);
  let after = '00000000-0000-0000-0000-000000000000';
  let rows = 0;
  const n = (v: unknown) => (v == null ? '' : Math.round(Number(v)));
  const outcome = (met: boolean | null) => (met == null ? '' : met ? 'MET' : 'BREACHED');
  // One statement per page: the page of threads (keyset over ids) and their facts aggregated per thread,
  // through the driver (deps.db.sql), not Prisma: one row per thread instead of ~17 event rows.
  const pageSql = `WITH page AS (
      SELECT t.id, t.subject, c.type::text AS "channelType", c.name AS "channelName", tm.name AS team, u.name AS assignee, t.status::text AS status,
             t.priority::text AS priority, cu.name AS customer, cu.tier::text AS tier,
             -- timestamptz: the driver reads these as instants whatever the process time zone
             (t."createdAt" AT TIME ZONE 'UTC') AS "createdAt", (t."firstResponseAt" AT TIME ZONE 'UTC') AS "firstResponseAt",
             (t."resolvedAt" AT TIME ZONE 'UTC') AS "resolvedAt", t."csatScore", t."csatComment"
        FROM "Thread" t
        JOIN "Channel" c ON c.id = t."channelId"
        LEFT JOIN "Team" tm ON tm.id = t."teamId"
        LEFT JOIN "User" u ON u.id = t."assigneeId"
        LEFT JOIN "Customer" cu ON cu.id = t."customerId"
       WHERE t."organizationId" = $1::uuid AND t."deletedAt" IS NULL
         -- Started in the range as the CONVERSATIONS metric counts it: the thread's THREAD_OPENED fact
         -- (its first customer message, else its creation), not createdAt (an agent's quote created
         -- before the range that the customer answered inside it is a conversation of the range).
         AND EXISTS (SELECT 1 FROM "ReportingEvent" o
                      WHERE o."threadId" = t.id AND o."organizationId" = $1::uuid AND o.kind = 'THREAD_OPENED'
                        AND o."occurredAt" >= ($2::timestamptz AT TIME ZONE 'UTC') AND o."occurredAt" < ($3::timestamptz AT TIME ZONE 'UTC'))
         AND t.id > $${params.length + 1}::uuid ${cond.length ? `AND ${cond.join(' AND ')}` : ''}
       ORDER BY t.id LIMIT ${pageSize})
    SELECT page.*, page.id::text AS id, f.*
      FROM page LEFT JOIN LATERAL (
        SELECT (array_agg(e.seconds ORDER BY e."occurredAt") FILTER (WHERE e.kind = 'FIRST_RESPONSE'))[1] AS "frSeconds",
               (array_agg(e."businessSeconds" ORDER BY e."occurredAt") FILTER (WHERE e.kind = 'FIRST_RESPONSE'))[1] AS "frBusiness",
               (array_agg(e.seconds ORDER BY e."occurredAt" DESC) FILTER (WHERE e.kind = 'RESOLVED'))[1] AS "resSeconds",
               (array_agg(e."businessSeconds" ORDER BY e."occurredAt" DESC) FILTER (WHERE e.kind = 'RESOLVED'))[1] AS "resBusiness",
               count(*) FILTER (WHERE e.kind = 'REPLY')::int AS replies,
               count(*) FILTER (WHERE e.kind = 'REOPENED')::int AS reopens,
               count(*) FILTER (WHERE e.kind = 'ESCALATED')::int AS escalations,
               (array_agg(e.met ORDER BY e."occurredAt") FILTER (WHERE e.kind = 'SLA_TARGET' AND e.target = 'FIRST_RESPONSE'))[1] AS "slaFirst",
               (array_agg(e.met ORDER BY e."occurredAt") FILTER (WHERE e.kind = 'SLA_TARGET' AND e.target = 'RESOLUTION'))[1] AS "slaResolution",
               count(*) FILTER (WHERE e.kind = 'SLA_TARGET' AND e.target = 'NEXT_RESPONSE' AND e.met)::int AS "nextMet",
               count(*) FILTER (WHERE e.kind = 'SLA_TARGET' AND e.target = 'NEXT_RESPONSE' AND NOT e.met)::int AS "nextBreached"
          FROM "ReportingEvent" e
         WHERE e."threadId" = page.id AND e.kind IN ('FIRST_RESPONSE', 'RESOLVED', 'SLA_TARGET', 'ESCALATED', 'REOPENED', 'REPLY')
      ) f ON true
     ORDER BY page.id`;
  // The next page is fetched while this one is written (the database and the CSV work overlap).
  const fetchPage = (from: string) => {
    const p = deps.db.sql.query<ThreadRow>(pageSql, [...params, from]);
    p.catch(() => undefined); // awaited below; never an unhandled rejection while a page is being written
    return p;
  };
  try {
    let next = fetchPage(after);
    for (;;) {
      const page = await next;
      if (!page.length) break;
      after = page[page.length - 1]!.id;
      next = page.length < pageSize ? Promise.resolve([]) : fetchPage(after);
      const records = page.map((t) => [
        encodeGlobalID('Thread', t.id),
        safeText(t.subject),
        t.channelType,
        safeText(t.channelName),
        safeText(t.team),
        safeText(t.assignee),
        t.status,
        t.priority,
        safeText(t.customer),
        t.tier ?? '',
        local(t.createdAt),
        local(t.firstResponseAt),
        n(t.frSeconds),
        n(t.frBusiness),
        local(t.resolvedAt),
        n(t.resSeconds),
        n(t.resBusiness),
        t.replies,
        t.reopens,
        outcome(t.slaFirst),
        t.nextMet,
        t.nextBreached,
        outcome(t.slaResolution),
        t.escalations,
        t.csatScore ?? '',
        safeText(t.csatComment),
      ]);
      await write(records);
      rows += records.length;
    }
    if (first) await write([]); // header only
  } catch (err) {
    // A failed export must not look complete: the stream is broken off, never ended.
    out.destroy(err as Error);
    throw err;
  }
  out.end();
  await finished(out);
  return rows;
}
