/**
 * Channel lookups for the provider edge: active channels of one type with
 * their configuration opened, across organizations (routing happens before
 * any tenant is known). Opened configurations are cached per channel and
 * `updatedAt`, so a webhook does not decrypt every channel's secrets on every
 * request; an update of the channel invalidates its entry.
 */
import type { Channel } from '../../generated/prisma/client.js';
import type { ChannelType } from '../../generated/prisma/enums.js';
import type { AdapterChannel, ChannelDirectory } from '../../channels/types.js';
import type { AppDeps } from '../../shared/app.js';

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

/** Active channels of `type`, for an adapter's webhook handshake and authentication. */
export function channelDirectory<C>(deps: AppDeps, type: ChannelType): ChannelDirectory<C> {
  const open = (channels: Channel[]) => {
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
  return {
    byRoutingKey: async (key) => open(await deps.db.prisma.channel.findMany({ where: { type, externalId: key, isActive: true }, take: 1 }))[0] ?? null,
    all: async () => open(await deps.db.prisma.channel.findMany({ where: { type, isActive: true } })),
  };
}
