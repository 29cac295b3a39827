/**
 * The acknowledgement side of acknowledge-then-process: a verified webhook
 * delivery is stored (InboundEvent, one per routed channel, deduplicated by
 * the adapter's key) with its `inbound.process` job before the provider gets
 * its 200. Processing runs from the queue (inbound.service.ts).
 *
 * One statement stores a delivery and its job (a data-modifying CTE: atomic
 * without BEGIN/COMMIT), and concurrent webhooks share that statement (group
 * commit, shared/group-commit.ts): while one group is being written, the
 * deliveries that arrive wait and are written together next. A webhook is
 * answered only after the statement holding its delivery has committed. When
 * a group's statement fails, its deliveries are written again one by one, so
 * only a delivery that fails alone is answered 500 (the provider redelivers)
 * and nothing of it is stored.
 */
import type { WebhookAccepted, WebhookRequest } from '../../channels/types.js';
import { JOB } from '../../jobs/names.js';
import { TS } from '../../jobs/queue.js';
import type { AppDeps } from '../../shared/app.js';
import { GroupCommit } from '../../shared/group-commit.js';

/** One webhook's delivery, as queued for a group. */
interface Delivery {
  provider: string;
  subpath: string;
  /** JSON text of the query parameters. */
  query: string;
  /** The body, UTF-8 decoded. */
  rawBody: string;
  /** JSON text of the headers kept. */
  headers: string;
  /** Body bytes times routed channels (the group's byte bound). */
  bytes: number;
  /** The rows of this delivery: one per routed channel. */
  rows: { channelId: string; dedupeKey: string }[];
}

/**
 * Bounds of one group: 128 webhooks and 4 MiB of bodies (counted once per
 * routed channel). Larger statements would hold the connection longer
 * (PGlite has one) for little gain: at 128 per statement the statement's
 * round trip is no longer what limits acknowledgements.
 */
export const DELIVERY_GROUP_MAX = 128;
export const DELIVERY_GROUP_MAX_BYTES = 4 * 1024 * 1024;

const groups = new WeakMap<AppDeps, GroupCommit<Delivery, string[]>>();

function groupOf(deps: AppDeps): GroupCommit<Delivery, string[]> {
  let g = groups.get(deps);
  if (!g) {
    g = new GroupCommit<Delivery, string[]>((items) => writeDeliveries(deps, items), {
      maxItems: DELIVERY_GROUP_MAX,
      maxBytes: DELIVERY_GROUP_MAX_BYTES,
      sizeOf: (d) => d.bytes,
      // A delivery the database refuses every time (say, a body PostgreSQL cannot store) must not 500 its neighbours on every redelivery.
      retryAlone: true,
    });
    groups.set(deps, g);
  }
  return g;
}

/**
 * Stores a verified delivery for each routed channel with its processing job,
 * in the group statement of concurrent webhooks; resolves after it committed.
 * A channel deleted or disabled since authentication (the edge may have used
 * a remembered row: channel.directory.ts) gets no row.
 * @returns the ids of newly stored events (empty for a redelivery, also one
 *   within the same group)
 * @throws the database error of the group's statement (nothing of the group is stored)
 */
export function storeDelivery(deps: AppDeps, provider: string, req: WebhookRequest, accepted: WebhookAccepted): Promise<string[]> {
  const ids = [...new Set(accepted.channelIds)];
  const headers = { ...(accepted.keepHeaders ?? {}), ...(req.headers['user-agent'] ? { 'user-agent': req.headers['user-agent'] } : {}) };
  return groupOf(deps).add({
    provider,
    subpath: req.subpath,
    query: JSON.stringify(req.query),
    rawBody: req.rawBody.toString('utf8'),
    headers: JSON.stringify(headers),
    bytes: req.rawBody.length * ids.length,
    rows: ids.map((channelId) => ({ channelId, dedupeKey: ids.length === 1 ? accepted.dedupeKey : `${accepted.dedupeKey}:${channelId}` })),
  });
}

/**
 * Writes a group in one statement: the InboundEvent rows (organization taken
 * from the Channel row in the same statement, active channels only; ON CONFLICT on `dedupeKey`
 * skips a redelivery) and a job per row actually inserted; then kicks the
 * queue. A dedupeKey repeated within the group is written once, for its
 * first delivery. Rows go in `dedupeKey` order, so two instances writing
 * overlapping groups take the unique-index locks in the same order.
 * @returns per delivery, the ids of its newly stored events
 */
async function writeDeliveries(deps: AppDeps, items: readonly Delivery[]): Promise<string[][]> {
  // Each dedupe key's first delivery (its index) and channel.
  const owner = new Map<string, { i: number; channelId: string }>();
  items.forEach((d, i) => {
    for (const r of d.rows) if (!owner.has(r.dedupeKey)) owner.set(r.dedupeKey, { i, channelId: r.channelId });
  });
  const keys = [...owner.keys()].sort();
  if (keys.length === 0) return items.map(() => []);
  const params: unknown[] = [JOB.inboundProcess, deps.clock.now().toISOString()];
  const values = keys.map((key) => {
    const { i, channelId } = owner.get(key)!;
    const d = items[i]!;
    const at = params.length;
    params.push(d.provider, channelId, key, d.subpath, d.query, d.rawBody, d.headers);
    const p = (i: number) => `$${at + i}`;
    return `(${p(1)}, ${p(2)}::uuid, ${p(3)}, ${p(4)}, ${p(5)}::jsonb, ${p(6)}, ${p(7)}::jsonb)`;
  });
  const job = deps.jobs.selectSql(JOB.inboundProcess, {
    queue: '$1',
    payload: `jsonb_build_object('inboundEventId', stored.id::text)`,
    from: 'stored',
    now: '$2',
    maxAttempts: 10,
  });
  const rows = await deps.db.raw<{ id: string; dedupeKey: string }>(
    `WITH input (provider, "channelId", "dedupeKey", subpath, query, "rawBody", headers) AS (VALUES ${values.join(', ')}),
     stored AS (
       INSERT INTO "InboundEvent" (id, "organizationId", "channelId", provider, "dedupeKey", subpath, query, "rawBody", headers, "receivedAt")
       SELECT gen_random_uuid(), c."organizationId", i."channelId", i.provider, i."dedupeKey", i.subpath, i.query, i."rawBody", i.headers, ${TS('$2')}
         FROM input i JOIN "Channel" c ON c.id = i."channelId" AND c."isActive"
        ORDER BY i."dedupeKey"
       ON CONFLICT ("dedupeKey") DO NOTHING
       RETURNING id, "dedupeKey"),
     jobs AS (${job})
     SELECT id::text AS id, "dedupeKey" FROM stored`,
    ...params,
  );
  // Named: while the inbound queue runs its most batches, the kick waits for one of them to end.
  if (rows.length) deps.jobs.kick(JOB.inboundProcess);
  const stored = new Map(rows.map((r) => [r.dedupeKey, r.id]));
  return items.map((d, i) => d.rows.flatMap((r) => (owner.get(r.dedupeKey)!.i === i && stored.has(r.dedupeKey) ? [stored.get(r.dedupeKey)!] : [])));
}
