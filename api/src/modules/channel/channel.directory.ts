/**
 * Channel lookups for the provider edge: active channels of one type with
 * their configuration opened, across organizations (routing happens before
 * any tenant is known). Opened configurations are cached per channel and
 * `updatedAt`, so a webhook does not decrypt every channel's secrets on every
 * request; an update of the channel invalidates its entry.
 *
 * The channel rows themselves are not cached: each lookup reads them, but
 * concurrent lookups of one type share a query (shared/group-commit.ts): a
 * lookup made while a query is running waits for it and joins the next one,
 * never one that started before it, so it sees every change committed before
 * it was made (a disabled or deleted channel is not returned), as with a
 * query of its own. Under a burst of webhooks that is one query per
 * query-time instead of one per request.
 */
import type { Channel } from '../../generated/prisma/client.js';
import type { ChannelType } from '../../generated/prisma/enums.js';
import type { AdapterChannel, ChannelDirectory } from '../../channels/types.js';
import type { AppDeps } from '../../shared/app.js';
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
}

const lookups = new WeakMap<AppDeps, Map<ChannelType, Lookups>>();
/** Most lookups answered by one query (routing keys in one `IN` list). */
const LOOKUP_GROUP_MAX = 256;

function lookupsOf(deps: AppDeps, type: ChannelType): Lookups {
  let byType = lookups.get(deps);
  if (!byType) lookups.set(deps, (byType = new Map()));
  let l = byType.get(type);
  if (!l) {
    const sizes = { maxItems: LOOKUP_GROUP_MAX, maxBytes: Number.MAX_SAFE_INTEGER, sizeOf: () => 0 };
    l = {
      all: new GroupCommit(async (items) => {
        const channels = await deps.db.prisma.channel.findMany({ where: { type, isActive: true } });
        return items.map(() => channels);
      }, sizes),
      byKey: new GroupCommit(async (keys) => {
        const channels = await deps.db.prisma.channel.findMany({ where: { type, externalId: { in: [...new Set(keys)] }, isActive: true } });
        const byExternalId = new Map<string | null, Channel>();
        for (const c of channels) if (!byExternalId.has(c.externalId)) byExternalId.set(c.externalId, c);
        return keys.map((k) => byExternalId.get(k) ?? null);
      }, sizes),
    };
    byType.set(type, l);
  }
  return l;
}

/**
 * Active channels of `type`, for an adapter's webhook handshake and
 * authentication, read when asked (concurrent lookups share one query).
 * Lookups reject with the database error of their query.
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
      const channel = await l.byKey.add(key);
      return channel ? (open([channel])[0] ?? null) : null;
    },
    all: async () => open(await l.all.add(null)),
  };
}
