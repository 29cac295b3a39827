/**
 * Channel lookups for the provider edge: active channels of one type with
 * their configuration opened, across organizations (routing happens before
 * any tenant is known). Opened configurations are cached per channel and
 * `updatedAt`, so a webhook does not decrypt every channel's secrets on every
 * request; an update of the channel invalidates its entry.
 *
 * The rows a lookup read answer the same lookups on this instance for
 * `CHANNEL_LOOKUP_TTL_MS` (config; default 2,000 ms, 0: every lookup reads),
 * unknown routing keys included, so a burst of webhooks of one channel (or a
 * flood naming channels that do not exist) costs one query per TTL instead of
 * one per request. A change made through this instance (channel.service's
 * create and update, a subscription job's configuration patch) calls
 * {@link invalidateChannelLookups} after its commit: the next lookup reads
 * again, and a lookup whose query started before the change does not store
 * its rows. A change made by another instance is seen within the TTL; until
 * then a webhook of a channel disabled there is still authenticated with the
 * old row, and the delivery store's insert, which only takes deliveries of
 * active channels, stores nothing for it (delivery.store.ts). A rotated
 * secret verifies signatures on other instances within the TTL.
 *
 * Misses of one type share a query (shared/group-commit.ts): a lookup made
 * while a query is running waits for it and joins the next one, never one that
 * started before it, so it sees every change committed before it was made.
 */
import type { Channel } from '../../generated/prisma/client.js';
import type { ChannelType } from '../../generated/prisma/enums.js';
import type { AdapterChannel, ChannelDirectory } from '../../channels/types.js';
import type { AppDeps } from '../../shared/app.js';
import { LRUCache } from 'lru-cache';
import { GroupCommit } from '../../shared/group-commit.js';

const opened = new WeakMap<AppDeps, Map<string, { updatedAt: number; config: Record<string, unknown> }>>();

/** The channel as an adapter sees it, with its configuration opened (cached by channel id and updatedAt). */
export function toAdapterChannel<C = Record<string, unknown>>(deps: AppDeps, channel: Channel): AdapterChannel<C> {
  let cache = opened.get(deps);
  if (!cache) opened.set(deps, (cache = new Map()));
  const stamp = channel.updatedAt.getTime();
  let hit = cache.get(channel.id);
  if (!hit || hit.updatedAt !== stamp) {
    hit = { updatedAt: stamp, config: deps.secrets.openAll((channel.configuration ?? {}) as Record<string, unknown>) };
    cache.set(channel.id, hit);
  }
  return { id: channel.id, organizationId: channel.organizationId, externalId: channel.externalId, config: hit.config as C };
}

/** Lookups of one channel type, grouped: `all` returns every active channel, `byKey` the active one per routing key. */
interface Lookups {
  all: GroupCommit<null, Channel[]>;
  byKey: GroupCommit<string, Channel | null>;
  /** Rows of recent lookups by routing key (null: no active channel has it), for CHANNEL_LOOKUP_TTL_MS. */
  keyRows: LRUCache<string, { channel: Channel | null }>;
  /** The last `all` answer, for CHANNEL_LOOKUP_TTL_MS. */
  allRows: LRUCache<'all', { channels: Channel[] }>;
}

interface DirectoryState {
  byType: Map<ChannelType, Lookups>;
  /** Bumped by every invalidation: a query that started under an older generation does not fill the cache. */
  generation: number;
}

const states = new WeakMap<AppDeps, DirectoryState>();
/** Most lookups answered by one query (routing keys in one `IN` list). */
const LOOKUP_GROUP_MAX = 256;
/** Most routing keys remembered per channel type (least recently used go first). */
const KEY_ROWS_MAX = 10_000;

function stateOf(deps: AppDeps): DirectoryState {
  let state = states.get(deps);
  if (!state) states.set(deps, (state = { byType: new Map(), generation: 0 }));
  return state;
}

function lookupsOf(deps: AppDeps, type: ChannelType): Lookups {
  const state = stateOf(deps);
  let l = state.byType.get(type);
  if (!l) {
    const sizes = { maxItems: LOOKUP_GROUP_MAX, maxBytes: Number.MAX_SAFE_INTEGER, sizeOf: () => 0 };
    // ttl 0 would mean "never expires" to lru-cache: with CHANNEL_LOOKUP_TTL_MS=0 nothing is stored.
    const ttl = deps.config.CHANNEL_LOOKUP_TTL_MS;
    const keyRows = new LRUCache<string, { channel: Channel | null }>({ max: KEY_ROWS_MAX, ttl: Math.max(1, ttl), ttlAutopurge: false });
    const allRows = new LRUCache<'all', { channels: Channel[] }>({ max: 1, ttl: Math.max(1, ttl), ttlAutopurge: false });
    const lookups: Lookups = {
      keyRows,
      allRows,
      all: new GroupCommit(async (items) => {
        const generation = state.generation;
        const channels = await deps.db.prisma.channel.findMany({ where: { type, isActive: true } });
        if (ttl > 0 && generation === state.generation) allRows.set('all', { channels });
        return items.map(() => channels);
      }, sizes),
      byKey: new GroupCommit(async (keys) => {
        const generation = state.generation;
        const unique = [...new Set(keys)];
        const channels = await deps.db.prisma.channel.findMany({ where: { type, externalId: { in: unique }, isActive: true } });
        const byExternalId = new Map<string | null, Channel>();
        for (const c of channels) if (!byExternalId.has(c.externalId)) byExternalId.set(c.externalId, c);
        if (ttl > 0 && generation === state.generation) for (const k of unique) keyRows.set(k, { channel: byExternalId.get(k) ?? null });
        return keys.map((k) => byExternalId.get(k) ?? null);
      }, sizes),
    };
    l = lookups;
    state.byType.set(type, l);
  }
  return l;
}

/**
 * Forgets every channel row the lookups of this instance remember: call it
 * after a change of a channel's type, routing key, activity or configuration
 * has committed. Lookups under way when it is called do not store their rows.
 */
export function invalidateChannelLookups(deps: AppDeps): void {
  const state = stateOf(deps);
  state.generation++;
  for (const l of state.byType.values()) {
    l.keyRows.clear();
    l.allRows.clear();
  }
}

/**
 * Active channels of `type`, for an adapter's webhook handshake and
 * authentication: remembered for CHANNEL_LOOKUP_TTL_MS, else read when asked
 * (concurrent lookups share one query). Lookups reject with the database
 * error of their query.
 */
export function channelDirectory<C>(deps: AppDeps, type: ChannelType): ChannelDirectory<C> {
  const open = (channels: readonly Channel[]) => {
    const out: AdapterChannel<C>[] = [];
    for (const c of channels) {
      try {
        out.push(toAdapterChannel<C>(deps, c));
      } catch (err) {
        deps.logger.error({ channelId: c.id, err }, 'channel configuration cannot be opened');
      }
    }
    return out;
  };
  const l = lookupsOf(deps, type);
  return {
    byRoutingKey: async (key) => {
      const hit = l.keyRows.get(key);
      const channel = hit ? hit.channel : await l.byKey.add(key);
      return channel ? (open([channel])[0] ?? null) : null;
    },
    all: async () => open(l.allRows.get('all')?.channels ?? (await l.all.add(null))),
  };
}
