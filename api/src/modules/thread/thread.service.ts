/**
 * Threads: the inbox query (filters and orderings), creation, updates and
 * assignment. Every write records an AuditLog row in its transaction and
 * publishes `threadUpdated` after commit.
 */
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Channel, Prisma, Thread } from '../../generated/prisma/client.js';
import { Priority, ThreadStatus, ThreadType } from '../../generated/prisma/enums.js';
import type { AppDeps } from '../../shared/app.js';
import { NO_MATCH_ID, systemContext, type HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { withoutUndefined } from '../../shared/objects.js';
import { assertReferences } from '../../shared/references.js';
import { writeAudit, diff } from '../audit/audit.service.js';
import { enqueueDrain, enqueueRouting, freesAgent, manualAssignmentData } from '../assignment/enqueue.js';
import { SLA_RUNNING_STATUSES, syncThreadSla } from '../sla/engine.js';
import { MESSAGE_ERRORS } from '../message/message.errors.js';
import { planSurvey } from '../analytics/survey.js';
import { snoozedWhere, unreadWhere } from './triage.service.js';

/** Statuses in which a thread still needs the team's attention. */
export const ACTIVE_STATUSES: ThreadStatus[] = ['OPEN', 'IN_PROGRESS', 'WAITING_CUSTOMER', 'WAITING_INTERNAL', 'ESCALATED'];
export { SLA_RUNNING_STATUSES };

/** SLA states a thread list can be filtered by (threads(filter: { sla })). */
export type SlaState = 'AT_RISK' | 'BREACHED' | 'PAUSED';

/**
 * Prisma `where` of an SLA state at `now`. BREACHED: a running clock is past
 * its due date (a thread without a policy: its plain responseDueAt passed);
 * AT_RISK: a running clock has used at least 75 % of its business time but is
 * not breached; PAUSED: waiting on the customer. Paused, resolved and closed
 * threads are never BREACHED or AT_RISK.
 */
export function slaStateWhere(state: SlaState, now: Date): Prisma.ThreadWhereInput {
  const running = { status: { in: SLA_RUNNING_STATUSES } };
  const breached: Prisma.ThreadWhereInput = { OR: [{ slaDueAt: { lte: now } }, { slaPolicyId: null, responseDueAt: { lt: now } }] };
  if (state === 'BREACHED') return { ...running, ...breached };
  if (state === 'AT_RISK') return { ...running, slaAtRiskAt: { lte: now }, ...dueNotPassed(now) };
  return { status: 'WAITING_CUSTOMER', slaPausedAt: { not: null } };
}

/**
 * The complement of BREACHED, spelled out: SQL's NOT over comparisons with
 * NULL due dates would drop the threads that have none.
 */
export function notBreachedWhere(now: Date): Prisma.ThreadWhereInput {
  return { OR: [{ status: { notIn: SLA_RUNNING_STATUSES } }, dueNotPassed(now)] };
}

/** No running clock past its due date (threads without a due date included). */
function dueNotPassed(now: Date): Prisma.ThreadWhereInput {
  return {
    AND: [{ OR: [{ slaDueAt: null }, { slaDueAt: { gt: now } }] }, { OR: [{ slaPolicyId: { not: null } }, { responseDueAt: null }, { responseDueAt: { gte: now } }] }],
  };
}

export interface ThreadFilter {
  status?: ThreadStatus[] | null;
  priority?: Priority[] | null;
  channelType?: string[] | null;
  assigneeId?: string | null;
  teamId?: string | null;
  mine?: boolean | null;
  unassigned?: boolean | null;
  overdue?: boolean | null;
  /** Any of these SLA states. */
  sla?: SlaState[] | null;
  hasOpenTasks?: boolean | null;
  search?: string | null;
  customerId?: string | null;
  /** Unread (true) or read (false) for the viewer (triage.service.ts unreadWhere). */
  unread?: boolean | null;
  /** Snoozed now (true) or not (false). */
  snoozed?: boolean | null;
  /** Threads of any team the viewer belongs to. */
  myTeams?: boolean | null;
}

export type ThreadOrder = 'LAST_MESSAGE_AT_DESC' | 'RESPONSE_DUE_AT_ASC' | 'PRIORITY_DESC' | 'CREATED_AT_DESC' | 'WAITING_LONGEST';

/**
 * Prisma `where` for the inbox filter (ids already decoded), except `search`:
 * the search needs a raw statement first (`resolveThreadFilter`), so a filter
 * with a non-blank search throws here (a programming error, not user input).
 */
export function threadWhere(ctx: HubContext, f: ThreadFilter = {}): Prisma.ThreadWhereInput {
  if (f.search?.trim()) throw new Error('threadWhere: resolve ThreadFilter.search with resolveThreadFilter (thread.service.ts).');
  const and: Prisma.ThreadWhereInput[] = [];
  if (f.status?.length) and.push({ status: { in: f.status } });
  if (f.priority?.length) and.push({ priority: { in: f.priority } });
  if (f.channelType?.length) and.push({ channel: { type: { in: f.channelType as never } } });
  if (f.assigneeId) and.push({ assigneeId: f.assigneeId });
  if (f.teamId) and.push({ teamId: f.teamId });
  if (f.mine) and.push({ assigneeId: ctx.viewer?.id ?? NO_MATCH_ID });
  if (f.unassigned) and.push({ assigneeId: null });
  if (f.customerId) and.push({ customerId: f.customerId });
  if (f.overdue === true) and.push(slaStateWhere('BREACHED', ctx.deps.clock.now()));
  if (f.overdue === false) and.push(notBreachedWhere(ctx.deps.clock.now()));
  if (f.sla?.length) and.push({ OR: f.sla.map((s) => slaStateWhere(s, ctx.deps.clock.now())) });
  if (f.unread != null) and.push(unreadWhere(ctx, f.unread));
  if (f.snoozed != null) and.push(snoozedWhere(f.snoozed, ctx.deps.clock.now()));
  if (f.myTeams) and.push({ team: { members: { some: { userId: ctx.actor.userId ?? NO_MATCH_ID } } } });
  // Thread.hasOpenTasks is kept by a trigger on Task (migration 20261204100000_thread_open_task_count).
  if (f.hasOpenTasks) and.push({ hasOpenTasks: true });
  return and.length ? { AND: and } : {};
}

/** The longest `ThreadFilter.search` accepted, in characters after trimming. */
export const SEARCH_MAX_LENGTH = 200;
/** The most words a `ThreadFilter.search` may have (each is one more index lookup). */
export const SEARCH_MAX_WORDS = 32;

/** The threads a search matched: their ids (newest activity first, at most the limit) and how many matched in all. */
export interface ThreadSearchResult {
  /** Ids of the matching threads, newest `lastMessageAt` first, at most `limit` (10,000). */
  ids: string[];
  /** How many of the organization's (not deleted) threads match, counted beyond the limit. */
  total: number;
  /** `total > ids.length`: only the newest `limit` matches are in `ids`. */
  capped: boolean;
}

/**
 * Checks a search's size: at most SEARCH_MAX_LENGTH characters (after
 * trimming) and SEARCH_MAX_WORDS different words (runs of letters and digits;
 * the index splits the same way, and also at - + / _ . @ :).
 * Errors: VALIDATION_FAILED, field `filter.search`.
 */
export function assertSearchSize(search: string): void {
  const q = search.trim();
  if (q.length > SEARCH_MAX_LENGTH) throw new DomainError('VALIDATION_FAILED', `Search at most ${SEARCH_MAX_LENGTH} characters.`, 'filter.search');
  const words = new Set(
    q
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean),
  );
  if (words.size > SEARCH_MAX_WORDS) throw new DomainError('VALIDATION_FAILED', `Search at most ${SEARCH_MAX_WORDS} different words.`, 'filter.search');
}

/**
 * Resolves `ThreadFilter.search` with the word index (Thread.searchDocument,
 * GIN; migration 20261202090000_thread_search): the organization's
 * not-deleted threads whose subject, order reference, customer name or any
 * message has every word of the search as a word prefix ("meter" finds
 * "meterkast"; "kast" does not), case and accents ignored. One raw statement
 * (`hub_search_thread_ids`: the words become a prefix tsquery in SQL, each
 * quoted, so tsquery syntax in the input is only text), scoped to
 * `ctx.organizationId` explicitly (raw SQL bypasses the tenant Proxy): the
 * ids of the newest `limit` matches by `lastMessageAt` and the number of all
 * matches. A search without words (only punctuation) matches nothing.
 * Errors: as `assertSearchSize`.
 */
export async function searchThreads(ctx: HubContext, search: string, limit = EXACT_COUNT_LIMIT): Promise<ThreadSearchResult> {
  assertSearchSize(search);
  const rows = await ctx.db.$queryRaw<{ id: string; total: bigint }[]>`
    SELECT id, total FROM hub_search_thread_ids(${ctx.organizationId}::uuid, ${search.trim()}, ${limit}::int)`;
  const total = rows.length ? Number(rows[0]!.total) : 0;
  return { ids: rows.map((r) => r.id), total, capped: total > rows.length };
}

/** A search that is the whole inbox filter, apart from `snoozed: false` (which the web app's tabs send). */
export interface SearchOnly {
  /** The search, trimmed. */
  search: string;
  /** `snoozed: false`: the threads not snoozed at this moment (the hub clock's now); null: snoozed or not. */
  notSnoozedAt: Date | null;
}

/** A filter with a search split in two: the search (with `snoozed: false`) and the other conditions. */
export interface SplitSearch {
  search: SearchOnly;
  /** `threadWhere` of the other conditions; `{}` when the search is the whole filter. */
  rest: Prisma.ThreadWhereInput;
  /** When the other conditions are only "assigned to this user" (`mine: true` or `assigneeId`: the Mine tab): the user's id. */
  assigneeId: string | null;
  /** Chunks of matches already asked for with this split (`searchChunk`), by cursor and size. */
  chunks: Map<string, Promise<string[]>>;
}

/** The filter's search and its other conditions (`snoozed: false` goes with the search); null without a (non-blank) search. */
export function splitSearch(ctx: HubContext, f: ThreadFilter = {}): SplitSearch | null {
  const q = f.search?.trim();
  if (!q) return null;
  const notSnoozed = f.snoozed === false;
  const others = { ...f, search: null, snoozed: notSnoozed ? null : f.snoozed };
  const rest = threadWhere(ctx, others);
  const assignee = f.mine ? (ctx.viewer?.id ?? null) : (f.assigneeId ?? null);
  const onlyAssignee =
    assignee !== null && !(f.mine && f.assigneeId && f.assigneeId !== assignee) && Object.keys(threadWhere(ctx, { ...others, mine: null, assigneeId: null })).length === 0;
  return { search: { search: q, notSnoozedAt: notSnoozed ? ctx.deps.clock.now() : null }, rest, assigneeId: onlyAssignee ? assignee : null, chunks: new Map() };
}

/**
 * The search when it is the whole filter (every other condition absent or
 * empty, except `snoozed: false`, which every tab of the web app adds), null
 * otherwise. Such a filter takes the fast path: one page at a time
 * (`searchPageIds`) and its own count (`countSearch`).
 */
export function searchOnly(ctx: HubContext, f: ThreadFilter = {}): SearchOnly | null {
  const split = splitSearch(ctx, f);
  return split && Object.keys(split.rest).length === 0 ? split.search : null;
}

/** Search matches taken at a time by `searchWithRestPageIds`, and the sample of `countSearchWithRest`. */
export const SEARCH_CHUNK = 500;
/** Chunks `searchWithRestPageIds` tries before leaving the page to the general path. */
const SEARCH_CHUNKS_MAX = 4;

/**
 * `searchPageIds` of a split search, once per split (one connection field's execution: the
 * schema memoises `splitSearch` on its args) and cursor and size: the page's first chunk is the
 * count's sample (`countSearchWithRest`), one statement for both.
 */
function searchChunk(ctx: HubContext, split: SplitSearch, after: string | null, size: number): Promise<string[]> {
  const key = `${after ?? ''}:${size}`;
  let chunk = split.chunks.get(key);
  if (!chunk) {
    chunk = searchPageIds(ctx, split.search.search, after, size, split.search.notSnoozedAt);
    split.chunks.set(key, chunk);
  }
  return chunk;
}

/**
 * One page (default order, forward) of a search with other conditions (a tab's: mine, a team,
 * a channel...): the search's matches in order, SEARCH_CHUNK at a time (`searchPageIds`), each
 * chunk narrowed to the other conditions by one Prisma query (`id IN chunk AND rest`), until `take`
 * ids are found or the matches end. Null when SEARCH_CHUNKS_MAX chunks did not fill the page (the
 * other conditions keep few of the matches): the caller then lists through `resolveThreadFilter`.
 * Why: the general path lists the newest 10,000 matches first (a word in 35 % of 100,000 threads
 * in the Mine tab: 227 ms per page).
 * `chunkSize` and `maxChunks` exist for tests. Errors: as `assertSearchSize`.
 */
export async function searchWithRestPageIds(
  ctx: HubContext,
  split: SplitSearch,
  afterId: string | null,
  take: number,
  chunkSize = SEARCH_CHUNK,
  maxChunks = SEARCH_CHUNKS_MAX,
): Promise<string[] | null> {
  const out: string[] = [];
  let after = afterId;
  for (let round = 0; round < maxChunks; round++) {
    const chunk = await searchChunk(ctx, split, after, chunkSize);
    if (chunk.length === 0) return out;
    const kept = new Set((await ctx.db.thread.findMany({ where: { AND: [split.rest, { id: { in: chunk } }] }, select: { id: true } })).map((r) => r.id));
    for (const id of chunk) {
      if (!kept.has(id)) continue;
      out.push(id);
      if (out.length === take) return out;
    }
    if (chunk.length < chunkSize) return out;
    after = chunk[chunk.length - 1]!;
  }
  return null;
}

/**
 * The count of a search with other conditions when the search alone has more matches than the
 * exact limit (`countSearch` inexact): the search's count × the share of the newest SEARCH_CHUNK
 * matches that meet the other conditions, `exact` false. Null when the search's own count is
 * exact: the caller counts through `resolveThreadFilter` (at most 10,000 ids), exactly.
 * `limit` exists for tests. Errors: as `assertSearchSize`.
 */
export async function countSearchWithRest(ctx: HubContext, split: SplitSearch, limit = EXACT_COUNT_LIMIT): Promise<{ count: number; exact: boolean } | null> {
  const all = await countSearch(ctx, split.search.search, limit, split.search.notSnoozedAt);
  if (all.exact) return null;
  const sample = await searchChunk(ctx, split, null, SEARCH_CHUNK);
  if (sample.length === 0) return { count: 0, exact: false };
  const kept = await ctx.db.thread.count({ where: { AND: [split.rest, { id: { in: sample } }] } });
  return { count: Math.round((all.count * kept) / sample.length), exact: false };
}

/**
 * One page of a search-only filter (`searchOnly`) in the default order
 * (newest `lastMessageAt` first), or of a search within one user's threads
 * (`assigneeId`: the Mine tab with a search, `SplitSearch.assigneeId`): the
 * ids of at most `take` matching threads after the thread `afterId` (null:
 * from the newest), not snoozed at `notSnoozedAt` when given. One raw
 * statement (`hub_search_thread_page`, migrations 20261203090000_search_estimates
 * and 20261204110000_search_assignee_page: when the planner estimates that at
 * least 1 thread in 20 matches, it walks the newest `take` × 20 threads (the
 * user's own with `assigneeId`) along `lastMessageAt` testing each document;
 * otherwise, or when that walk does not fill the page, a bitmap of the matches
 * through the GIN index, sorted), tenant-scoped explicitly. Semantics as
 * `searchThreads`. Errors: as `assertSearchSize`.
 */
export async function searchPageIds(
  ctx: HubContext,
  search: string,
  afterId: string | null,
  take: number,
  notSnoozedAt: Date | null = null,
  assigneeId: string | null = null,
): Promise<string[]> {
  assertSearchSize(search);
  const rows = await ctx.db.$queryRaw<{ id: string }[]>`
    SELECT id FROM hub_search_thread_page(${ctx.organizationId}::uuid, ${search.trim()}, ${afterId}::uuid, ${take}::int, ${utcTimestamp(notSnoozedAt)}::timestamp,
      assignee_id => ${assigneeId}::uuid) AS id`;
  return rows.map((r) => r.id);
}

/**
 * How many of the organization's not-deleted threads match a search (not
 * snoozed at `notSnoozedAt` when given): exact up to `limit` (10,000), counted
 * through the GIN index and stopping at the next match; beyond, PostgreSQL's
 * estimate from the column's statistics (`exact` false). When the planner
 * estimates more than 3 × `limit` matches, the estimate is answered without
 * counting. One raw statement (`hub_search_thread_count`).
 * Errors: as `assertSearchSize`.
 */
export async function countSearch(ctx: HubContext, search: string, limit = EXACT_COUNT_LIMIT, notSnoozedAt: Date | null = null): Promise<{ count: number; exact: boolean }> {
  assertSearchSize(search);
  const rows = await ctx.db.$queryRaw<{ total: bigint; exact: boolean }[]>`
    SELECT total, exact FROM hub_search_thread_count(${ctx.organizationId}::uuid, ${search.trim()}, ${limit}::int, ${utcTimestamp(notSnoozedAt)}::timestamp)`;
  return { count: Number(rows[0]!.total), exact: rows[0]!.exact };
}

/** A moment as the text of a `timestamp(3)` column in UTC (Prisma's DateTime convention), e.g. `2026-12-01 23:30:00.000`; null stays null. */
function utcTimestamp(d: Date | null): string | null {
  return d ? d.toISOString().replace('T', ' ').replace('Z', '') : null;
}

/** An inbox filter made into a Prisma `where`, with the search's result when the filter has one. */
export interface ResolvedThreadFilter {
  where: Prisma.ThreadWhereInput;
  /** The conditions other than the search (`threadWhere`): `{}` when the search is the whole filter. */
  rest: Prisma.ThreadWhereInput;
  /** Null without a (non-blank) search. */
  search: ThreadSearchResult | null;
}

/**
 * The Prisma `where` of a whole inbox filter, search included: `threadWhere`
 * for the plain conditions and, for `search`, `id IN (the ids of
 * searchThreads)` — so with more than 10,000 matches only the newest 10,000
 * can be listed. Count with `countThreadFilter`. Errors: as `assertSearchSize`.
 */
export async function resolveThreadFilter(ctx: HubContext, f: ThreadFilter = {}): Promise<ResolvedThreadFilter> {
  const q = f.search?.trim();
  const where = threadWhere(ctx, { ...f, search: null });
  if (!q) return { where, rest: where, search: null };
  const search = await searchThreads(ctx, q);
  return { where: { AND: [where, { id: { in: search.ids } }] }, rest: where, search };
}

/**
 * `countThreads` of a resolved filter (`extra` ANDed, e.g. unread). A search
 * alone is counted by its own statement (`ThreadSearchResult.total`, no
 * second query). With other conditions and a capped search, the threads
 * counted are among the newest 10,000 matches only: the count is scaled by
 * all matches / 10,000. Either way a capped search's count is marked inexact.
 */
export async function countThreadFilter(ctx: HubContext, resolved: ResolvedThreadFilter, extra?: Prisma.ThreadWhereInput): Promise<{ count: number; exact: boolean }> {
  if (resolved.search && !extra && Object.keys(resolved.rest).length === 0) return { count: resolved.search.total, exact: !resolved.search.capped };
  const counted = await countThreads(ctx, extra ? { AND: [resolved.where, extra] } : resolved.where);
  const search = resolved.search;
  if (!search?.capped || !search.ids.length) return counted;
  return { count: Math.max(counted.count, Math.round((counted.count * search.total) / search.ids.length)), exact: false };
}

/** Counts up to this many matching threads exactly; beyond it `countThreads` estimates. */
export const EXACT_COUNT_LIMIT = 10_000;
const ORG_COUNT_TTL_MS = 60_000;
const orgCounts = new Map<string, { count: number; at: number }>();
/**
 * Estimates reused for ESTIMATE_TTL_MS per organization and filter (the `where`'s JSON, the viewer's
 * id included where the filter depends on it), only when they are at least twice the exact limit:
 * such a count cannot fall to the limit within the minute, so an exact count is never replaced by a
 * stale estimate. Computing one counts 10,001 matches, finds the 10,001st and counts the threads up
 * to it (the WhatsApp tab at 100,000 threads: ~200 ms of the request).
 */
const ESTIMATE_TTL_MS = 60_000;
const estimates = new LRUCache<string, { count: number }>({ max: 2_000, ttl: ESTIMATE_TTL_MS });

/**
 * The estimate cache's key of a `where`: its JSON with every Date as the word `clock`. A filter's
 * dates are the hub clock's now or derived from it (snoozed: false, the SLA states), so with the
 * dates in the key every request missed the cache: the web app's tabs all send snoozed: false,
 * and each of them recomputed its estimate (~200 ms at 100,000 threads). Within the cache's
 * minute the clock moves a count of at least 20,000 by far less than it would take to reach the
 * exact limit.
 */
function estimateKey(where: Prisma.ThreadWhereInput): string {
  return JSON.stringify(where, function (this: Record<string, unknown>, k: string, v: unknown) {
    return this[k] instanceof Date ? 'clock' : v;
  });
}

/**
 * The number of threads matching `where`: exact up to 10,000, estimated
 * beyond. One evaluation of the filter: a count of at most 10,001 matches.
 * Beyond the limit, the 10,001st match in id order (UUIDv7: creation order)
 * is looked up, and with X the number of
 * the organization's threads up to the 10,001st match's id, estimate =
 * 10,001 × (the organization's threads) / X — the matches are assumed to
 * spread over the older threads as over the newer ones. The organization's
 * thread count is cached per process for 60 s, and so is an estimate of at
 * least 20,000 for the same organization and `where` (ESTIMATE_TTL_MS).
 * `limit` exists for tests.
 */
export async function countThreads(ctx: HubContext, where: Prisma.ThreadWhereInput, limit = EXACT_COUNT_LIMIT): Promise<{ count: number; exact: boolean }> {
  const key = `${ctx.organizationId}:${limit}:${estimateKey(where)}`;
  const known = estimates.get(key);
  if (known) return { count: known.count, exact: false };
  // Counted in SQL (`count(*)` over at most limit + 1 matches), not by fetching their ids: ~9,000
  // ids through Prisma cost more than the statement itself.
  const counted = await ctx.db.thread.count({ where, take: limit + 1 });
  if (counted <= limit) return { count: counted, exact: true };
  const last = await ctx.db.thread.findFirst({ where, orderBy: { id: 'asc' }, skip: limit, select: { id: true } });
  if (!last) return { count: limit + 1, exact: false }; // threads deleted between the two statements
  const now = Date.now();
  let all = orgCounts.get(ctx.organizationId);
  if (!all || now - all.at > ORG_COUNT_TTL_MS) {
    all = { count: await ctx.db.thread.count(), at: now };
    if (orgCounts.size > 1000) orgCounts.clear();
    orgCounts.set(ctx.organizationId, all);
  }
  const scanned = await ctx.db.thread.count({ where: { id: { lte: last.id } } });
  const estimate = scanned > 0 ? Math.round(((limit + 1) * all.count) / scanned) : limit + 1;
  const count = Math.max(limit + 1, Math.min(estimate, all.count));
  if (count >= 2 * limit) estimates.set(key, { count });
  return { count, exact: false };
}

/** Prisma `orderBy` for an inbox ordering; `id` breaks ties so cursors are stable. */
export function threadOrderBy(order: ThreadOrder = 'LAST_MESSAGE_AT_DESC'): Prisma.ThreadOrderByWithRelationInput[] {
  switch (order) {
    case 'RESPONSE_DUE_AT_ASC':
      return [{ responseDueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }];
    case 'PRIORITY_DESC':
      return [{ priority: 'desc' }, { lastMessageAt: 'desc' }, { id: 'desc' }];
    case 'CREATED_AT_DESC':
      return [{ createdAt: 'desc' }, { id: 'desc' }];
    case 'WAITING_LONGEST':
      // The customer who wrote longest ago first; threads where the customer never wrote last.
      return [{ lastInboundAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }];
    default:
      return [{ lastMessageAt: 'desc' }, { id: 'desc' }];
  }
}

/** When the next response is due for a message at `from` on a channel with `slaHours`; null without SLA. */
export function responseDueFrom(from: Date, slaHours: number | null | undefined): Date | null {
  return slaHours ? new Date(from.getTime() + slaHours * 3_600_000) : null;
}

export async function publishThreadUpdated(ctx: HubContext, threadId: string, changed: string[]) {
  ctx.deps.pubsub.publish('threadUpdated', ctx.organizationId, { threadId, changed });
}

export const CreateThreadInput = z.object({
  subject: z.string().trim().min(1, 'Subject is required.').max(300),
  channelId: z.string(),
  type: z.enum(ThreadType).nullish(),
  priority: z.enum(Priority).nullish(),
  customerId: z.string().nullish(),
  assigneeId: z.string().nullish(),
  teamId: z.string().nullish(),
  orderReference: z.string().trim().max(100).nullish(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).nullish(),
  initialNote: z.string().trim().min(1).nullish(),
});

/** Creates a thread (optionally with a first internal note). Errors: NOT_FOUND for a missing channel/customer/agent/team. */
export async function createThread(ctx: HubContext, raw: z.input<typeof CreateThreadInput>): Promise<{ thread: Thread }> {
  const input = CreateThreadInput.parse(raw);
  const now = ctx.deps.clock.now();
  const thread = await ctx.db.$transaction(async (tx) => {
    const channel = await tx.channel.findUnique({ where: { id: input.channelId } });
    if (!channel) throw notFound('Channel', 'input.channelId');
    if (!channel.isActive) throw new DomainError('CHANNEL_INACTIVE', MESSAGE_ERRORS.CHANNEL_INACTIVE, 'input.channelId');
    await assertReferences(tx, input);
    let thread = await tx.thread.create({
      data: {
        organizationId: ctx.organizationId,
        subject: input.subject,
        channelId: channel.id,
        type: input.type ?? 'CUSTOMER_SUPPORT',
        priority: input.priority ?? 'NORMAL',
        customerId: input.customerId ?? null,
        assigneeId: input.assigneeId ?? null,
        teamId: input.teamId ?? null,
        creatorId: ctx.actor.userId,
        orderReference: input.orderReference ?? null,
        tags: input.tags ?? [],
        lastMessageAt: now,
        createdAt: now,
      },
    });
    if (input.initialNote) {
      const note = await tx.message.create({
        data: {
          organizationId: ctx.organizationId,
          threadId: thread.id,
          channelId: channel.id,
          type: 'INTERNAL_NOTE',
          senderUserId: ctx.actor.userId,
          content: input.initialNote,
          deliveryStatus: 'SENT',
          createdAt: now,
        },
      });
      thread = await tx.thread.update({ where: { id: thread.id }, data: { lastMessageId: note.id } });
    }
    await writeAudit(ctx, tx, { action: 'thread.create', entityType: 'Thread', entityId: thread.id, after: thread });
    await enqueueRouting(ctx.deps, tx, thread.id);
    return syncThreadSla(ctx, tx, thread.id);
  });
  await publishThreadUpdated(ctx, thread.id, ['created']);
  return { thread };
}

export const UpdateThreadInput = z.object({
  subject: z.string().trim().min(1, 'Subject is required.').max(300).optional(),
  status: z.enum(ThreadStatus).optional(),
  priority: z.enum(Priority).optional(),
  type: z.enum(ThreadType).optional(),
  orderReference: z.string().trim().max(100).nullish(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  customerId: z.string().nullish(),
});

/** Updates a thread's fields. Resolving sets resolvedAt; reopening clears it. Errors: NOT_FOUND. */
export async function updateThread(ctx: HubContext, id: string, raw: z.input<typeof UpdateThreadInput>): Promise<{ thread: Thread }> {
  const input = UpdateThreadInput.parse(withoutUndefined(raw));
  const { thread, changed } = await ctx.db.$transaction(async (tx) => {
    const before = await tx.thread.findUnique({ where: { id } });
    if (!before) throw notFound('Thread', 'input.threadId');
    await assertReferences(tx, { customerId: input.customerId });
    const data: Prisma.ThreadUncheckedUpdateInput = { ...input };
    if (input.status && input.status !== before.status) {
      const resolving = input.status === 'RESOLVED' || input.status === 'CLOSED';
      data.resolvedAt = resolving ? (before.resolvedAt ?? ctx.deps.clock.now()) : null;
    }
    await tx.thread.update({ where: { id }, data });
    const thread = await syncThreadSla(ctx, tx, id);
    const d = diff(before, thread);
    await writeAudit(ctx, tx, { action: 'thread.update', entityType: 'Thread', entityId: id, ...d });
    if (freesAgent(before, thread)) await enqueueDrain(ctx.deps, tx, before.teamId, before.assigneeId);
    await planSurvey(ctx, tx, thread);
    return { thread, changed: Object.keys(d.after) };
  });
  await publishThreadUpdated(ctx, thread.id, changed);
  return { thread };
}

/**
 * Assigns a thread to an agent and/or a team; null clears. An agent of a
 * different team keeps the given team. Errors: NOT_FOUND.
 */
export async function assignThread(ctx: HubContext, id: string, input: { assigneeId?: string | null; teamId?: string | null }): Promise<{ thread: Thread }> {
  const thread = await ctx.db.$transaction(async (tx) => {
    const before = await tx.thread.findUnique({ where: { id } });
    if (!before) throw notFound('Thread', 'input.threadId');
    await assertReferences(tx, input);
    const data: Prisma.ThreadUncheckedUpdateInput = {};
    if (input.assigneeId !== undefined) data.assigneeId = input.assigneeId;
    if (input.teamId !== undefined) data.teamId = input.teamId;
    Object.assign(data, manualAssignmentData(ctx.deps.clock.now(), before, input));
    await tx.thread.update({ where: { id }, data });
    const thread = await syncThreadSla(ctx, tx, id);
    await writeAudit(ctx, tx, { action: 'thread.assign', entityType: 'Thread', entityId: id, ...diff(before, thread) });
    if (freesAgent(before, thread)) await enqueueDrain(ctx.deps, tx, before.teamId, before.assigneeId);
    return thread;
  });
  await publishThreadUpdated(ctx, thread.id, ['assigneeId', 'teamId']);
  return { thread };
}

/**
 * A provider moved a conversation's state (Chatwoot resolved / open / pending):
 * the open or latest thread of that conversation key on the channel follows,
 * with an audit row. Returns updated=false when no thread matches or nothing changes.
 */
export async function applyProviderThreadStatus(deps: AppDeps, channel: Channel, conversationKey: string, status: ThreadStatus): Promise<{ updated: boolean }> {
  const ctx = systemContext(deps, channel.organizationId, 'WEBHOOK');
  const thread = await ctx.db.$transaction(async (tx) => {
    const before = await tx.thread.findFirst({ where: { channelId: channel.id, conversationKey, deletedAt: null }, orderBy: { lastMessageAt: 'desc' } });
    if (!before || before.status === status) return null;
    const resolving = status === 'RESOLVED' || status === 'CLOSED';
    await tx.thread.update({
      where: { id: before.id },
      data: { status, resolvedAt: resolving ? (before.resolvedAt ?? deps.clock.now()) : null },
    });
    const thread = await syncThreadSla(ctx, tx, before.id);
    await writeAudit(ctx, tx, {
      action: 'thread.update',
      entityType: 'Thread',
      entityId: thread.id,
      before: { status: before.status },
      after: { status: thread.status, reason: `provider (${channel.type})` },
    });
    await planSurvey(ctx, tx, thread);
    return thread;
  });
  if (!thread) return { updated: false };
  await publishThreadUpdated(ctx, thread.id, ['status']);
  return { updated: true };
}
