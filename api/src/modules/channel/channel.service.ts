/**
 * Channels and their provider configuration. Secrets named by the adapter's
 * `secretKeys` are sealed at rest (shared/crypto.ts) and opened only here.
 */
import type { Channel } from '../../generated/prisma/client.js';
import type { ChannelType } from '../../generated/prisma/enums.js';
import type { AppDeps } from '../../shared/app.js';

/** The channel's configuration with every sealed secret opened. */
export function openChannelConfig<T = Record<string, unknown>>(deps: AppDeps, channel: Pick<Channel, 'configuration'>): T {
  return deps.secrets.openAll((channel.configuration ?? {}) as Record<string, unknown>) as T;
}

/**
 * Finds the active channel a provider webhook is addressed to, across
 * organizations (routing happens before any tenant is known), e.g.
 * (WHATSAPP_BUSINESS, metadata.phone_number_id). Returns null when none matches.
 */
export async function findChannelByExternalId(deps: AppDeps, type: ChannelType, externalId: string): Promise<Channel | null> {
  return deps.db.prisma.channel.findFirst({ where: { type, externalId, isActive: true } });
}

/** Every active channel of a type, across organizations (e.g. to match a WhatsApp verify token). */
export async function listActiveChannels(deps: AppDeps, type: ChannelType): Promise<Channel[]> {
  return deps.db.prisma.channel.findMany({ where: { type, isActive: true } });
}
