/**
 * Channels and their provider configuration. Secrets named by the adapter's
 * `secretKeys` are sealed at rest (shared/crypto.ts), opened only on the
 * server, and write-only through the API: reads show them masked
 * ("••••" + last 4 characters), and a masked value sent back on update keeps
 * the stored secret.
 */
import { z, ZodError } from 'zod';
import type { Channel, Prisma } from '../../generated/prisma/client.js';
import { ChannelType } from '../../generated/prisma/enums.js';
import { adapterIO } from '../../channels/io.js';
import { adapterFor } from '../../channels/registry.js';
import type { ChannelAdapter, ChannelTestResult } from '../../channels/types.js';
import type { AppDeps } from '../../shared/app.js';
import type { HubContext } from '../../shared/context.js';
import { SecretBox } from '../../shared/crypto.js';
import { DomainError, isUniqueViolation, notFound } from '../../shared/errors.js';
import { diff, writeAudit } from '../audit/audit.service.js';
import { invalidateChannelLookups } from './channel.directory.js';
import { CHANNEL_ERRORS } from './channel.errors.js';

// biome-ignore lint/suspicious/noExplicitAny: one list of adapters with different config types
type AnyAdapter = ChannelAdapter<any>;
type Config = Record<string, unknown>;

/** Prefix of a masked secret. */
export const SECRET_MASK = '••••';

// ------------------------------------------------------------------ reading

/** The channel's configuration with every sealed secret opened. */
export function openChannelConfig<T = Record<string, unknown>>(deps: AppDeps, channel: Pick<Channel, 'configuration'>): T {
  return deps.secrets.openAll((channel.configuration ?? {}) as Record<string, unknown>) as T;
}

/** The masked form of a secret value: "••••" + its last 4 characters ("••••" alone for short values). */
export function maskSecret(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return s.length >= 8 ? SECRET_MASK + s.slice(-4) : SECRET_MASK;
}

/** Configuration keys that are secrets for a channel type (empty for types without an adapter). */
export function channelSecretKeys(type: ChannelType): readonly string[] {
  return adapterFor(type)?.secretKeys ?? [];
}

/**
 * Opens a stored configuration key by key; a sealed value that cannot be
 * opened (wrong APP_SECRET_KEY, tampering) is left out and listed in `unreadable`.
 */
function openSafely(deps: AppDeps, stored: unknown): { config: Config; unreadable: Set<string> } {
  const raw = (stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {}) as Config;
  try {
    return { config: openChannelConfig(deps, { configuration: raw as Prisma.JsonValue }), unreadable: new Set() };
  } catch {
    const config: Config = {};
    const unreadable = new Set<string>();
    for (const [k, v] of Object.entries(raw)) {
      if (!SecretBox.isSealed(v)) config[k] = v;
      else {
        try {
          config[k] = deps.secrets.open(v);
        } catch {
          unreadable.add(k);
        }
      }
    }
    return { config, unreadable };
  }
}

/** Keys to mask: the adapter's secret keys, plus any key stored sealed. */
function keysToMask(type: ChannelType, stored: unknown): Set<string> {
  const keys = new Set(channelSecretKeys(type));
  if (stored && typeof stored === 'object') for (const [k, v] of Object.entries(stored)) if (SecretBox.isSealed(v)) keys.add(k);
  return keys;
}

/** An opened configuration with its secrets masked. */
function maskConfig(config: Config, secretKeys: Iterable<string>, unreadable: Set<string> = new Set()): Config {
  const out: Config = { ...config };
  for (const k of secretKeys) {
    if (unreadable.has(k)) out[k] = SECRET_MASK;
    else if (out[k] !== undefined && out[k] !== null) out[k] = maskSecret(out[k]);
  }
  return out;
}

/** The channel's configuration as an administrator reads it: secrets masked. */
export function maskedChannelConfig(deps: AppDeps, channel: Pick<Channel, 'type' | 'configuration'>): Config {
  const { config, unreadable } = openSafely(deps, channel.configuration);
  return maskConfig(config, keysToMask(channel.type, channel.configuration), unreadable);
}

export interface ChannelHealth {
  lastInboundAt: Date | null;
  lastSendAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  subscriptionExpiresAt: Date | null;
}

/** Health of a channel: the health columns, and the provider subscription's expiry when the configuration has one. */
export function channelHealth(deps: AppDeps, channel: Pick<Channel, 'configuration' | 'lastInboundAt' | 'lastSendAt' | 'lastError' | 'lastErrorAt'>): ChannelHealth {
  const raw = (channel.configuration ?? {}) as Config;
  let expires: unknown = raw.subscriptionExpiresAt;
  if (SecretBox.isSealed(expires)) expires = openSafely(deps, raw).config.subscriptionExpiresAt;
  const at = typeof expires === 'string' || typeof expires === 'number' || expires instanceof Date ? new Date(expires) : null;
  return {
    lastInboundAt: channel.lastInboundAt,
    lastSendAt: channel.lastSendAt,
    lastError: channel.lastError,
    lastErrorAt: channel.lastErrorAt,
    subscriptionExpiresAt: at && !Number.isNaN(at.getTime()) ? at : null,
  };
}

/** `PUBLIC_URL/webhooks/<provider>` when the channel type's provider calls a webhook, else null. */
export function channelWebhookUrl(deps: AppDeps, type: ChannelType): string | null {
  const adapter = adapterFor(type);
  return adapter?.webhook ? `${deps.config.publicUrl}/webhooks/${adapter.provider}` : null;
}

/** What the API says about a channel type's provider: whether it can send, its reply window, its name. */
export function channelCapabilities(type: ChannelType): { canSend: boolean; replyWindowSeconds: number | null; provider: string | null } {
  const adapter = adapterFor(type);
  return {
    canSend: typeof adapter?.send === 'function',
    replyWindowSeconds: adapter?.replyWindow ? Math.round(adapter.replyWindow.ms / 1000) : null,
    provider: adapter?.provider ?? null,
  };
}

/** A channel row for AuditLog.changes: no configuration secret, masked. */
function auditSnapshot(deps: AppDeps, channel: Channel) {
  return {
    type: channel.type,
    name: channel.name,
    isActive: channel.isActive,
    externalId: channel.externalId,
    responseSlaHours: channel.responseSlaHours,
    configuration: maskedChannelConfig(deps, channel),
  };
}

// ------------------------------------------------------------------ writing

const name = z.string().trim().min(1, 'Name is required.').max(100, 'Name is at most 100 characters.');
const responseSlaHours = z
  .number()
  .int()
  .min(1, 'The response target is at least 1 hour.')
  .max(24 * 365);
const configuration = z.record(z.string(), z.unknown(), { error: 'The configuration is a JSON object.' });

export const CreateChannelInput = z.object({
  type: z.enum(ChannelType),
  name,
  configuration,
  responseSlaHours: responseSlaHours.nullish(),
});

export const UpdateChannelInput = z.object({
  name: name.nullish(),
  isActive: z.boolean().nullish(),
  /** Merged key by key into the stored configuration; a key set to null is removed. */
  configuration: configuration.nullish(),
  responseSlaHours: responseSlaHours.nullish(),
});

function requireAdapter(type: ChannelType, field: string): AnyAdapter {
  const adapter = adapterFor(type);
  if (!adapter) throw new DomainError('CHANNEL_NOT_SUPPORTED', CHANNEL_ERRORS.CHANNEL_NOT_SUPPORTED, field);
  return adapter;
}

/**
 * Validates a configuration with the adapter's schema. Failures are a
 * ZodError on `configuration.<key>` (runMutation reports them as
 * VALIDATION_FAILED `input.configuration.<key>`).
 */
function validateConfig(adapter: AnyAdapter, config: Config, removed: ReadonlySet<string> = new Set()): Config {
  const result = adapter.configSchema.safeParse(config);
  if (result.success) return result.data as Config;
  throw new ZodError(
    result.error.issues.map((issue) => {
      const key = issue.path[0];
      const message = typeof key === 'string' && removed.has(key) ? `${key} is required and cannot be removed.` : issue.message;
      return { ...issue, message, path: ['configuration', ...issue.path] };
    }),
  );
}

/** The routing key of a configuration, refused when another channel of the type already has it. */
async function routingKeyFor(ctx: HubContext, adapter: AnyAdapter, type: ChannelType, config: Config, exceptId?: string): Promise<string | null> {
  const key = adapter.routingKey(config) ?? null;
  if (key === null) return null;
  // Across organizations: Channel (type, externalId) is unique, webhooks route by it.
  const other = await ctx.deps.db.prisma.channel.findFirst({ where: { type, externalId: key, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { id: true } });
  if (other) throw routingConflict();
  return key;
}

const routingConflict = () => new DomainError('CONFLICT', 'Another channel is already connected to this provider account (same routing key).', 'input.configuration');

/**
 * Queues the provider subscription job (Graph change notifications) of a
 * channel whose adapter has subscriptions, after the change committed. A
 * failure is logged, not returned: the channel is saved, and the periodic
 * subscription sweep plants the job later.
 */
async function scheduleSubscription(ctx: HubContext, adapter: AnyAdapter, channelId: string): Promise<void> {
  if (!adapter.subscriptions) return;
  try {
    await ctx.deps.jobs.add(ctx.deps.db.prisma, 'channel.subscription', { channelId }, { singletonKey: `channel.subscription:${channelId}` });
    ctx.deps.jobs.kick();
  } catch (err) {
    ctx.deps.logger.error({ channelId, err }, 'channel subscription job not queued');
  }
}

/**
 * Creates a channel of a type that has a provider adapter: validates the
 * configuration with the adapter's schema, seals its secrets, stores the
 * routing key as externalId. Errors: CHANNEL_NOT_SUPPORTED, VALIDATION_FAILED
 * (input.configuration.<key>), CONFLICT (routing key in use).
 */
export async function createChannel(ctx: HubContext, raw: z.input<typeof CreateChannelInput>): Promise<{ channel: Channel }> {
  const input = CreateChannelInput.parse(raw);
  const adapter = requireAdapter(input.type, 'input.type');
  const config = validateConfig(adapter, input.configuration);
  const externalId = await routingKeyFor(ctx, adapter, input.type, config);
  let channel: Channel;
  try {
    channel = await ctx.db.$transaction(async (tx) => {
      const created = await tx.channel.create({
        data: {
          organizationId: ctx.organizationId,
          type: input.type,
          name: input.name,
          externalId,
          configuration: ctx.deps.secrets.sealKeys(config, adapter.secretKeys) as Prisma.InputJsonValue,
          responseSlaHours: input.responseSlaHours ?? null,
        },
      });
      await writeAudit(ctx, tx, { action: 'channel.create', entityType: 'Channel', entityId: created.id, after: auditSnapshot(ctx.deps, created) });
      return created;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw routingConflict();
    throw err;
  }
  invalidateChannelLookups(ctx.deps);
  await scheduleSubscription(ctx, adapter, channel.id);
  return { channel };
}

/**
 * Updates a channel. `configuration` is merged key by key into the stored
 * one: a key set to null is removed (a required key cannot be); a secret sent
 * back in its masked form ("••••abcd") keeps the stored secret. The result is
 * validated again, re-sealed and its routing key stored. Errors: NOT_FOUND,
 * CHANNEL_NOT_SUPPORTED (configuration of a type without adapter),
 * VALIDATION_FAILED, CONFLICT.
 */
export async function updateChannel(ctx: HubContext, id: string, raw: z.input<typeof UpdateChannelInput>): Promise<{ channel: Channel }> {
  const input = UpdateChannelInput.parse(raw);
  const before = await ctx.db.channel.findUnique({ where: { id } });
  if (!before) throw notFound('Channel', 'input.channelId');
  const adapter = adapterFor(before.type);

  const data: Prisma.ChannelUncheckedUpdateInput = {};
  if (input.name != null) data.name = input.name;
  if (input.isActive != null) data.isActive = input.isActive;
  if (input.responseSlaHours !== undefined) data.responseSlaHours = input.responseSlaHours;
  const secretsChanged: string[] = [];

  if (input.configuration) {
    const withAdapter = requireAdapter(before.type, 'input.configuration');
    const secretKeys = new Set(withAdapter.secretKeys);
    const { config: current } = openSafely(ctx.deps, before.configuration);
    const merged: Config = { ...current };
    const removed = new Set<string>();
    for (const [k, v] of Object.entries(input.configuration)) {
      if (v === null || v === undefined) {
        delete merged[k];
        removed.add(k);
      } else if (secretKeys.has(k) && typeof v === 'string' && v.startsWith(SECRET_MASK)) {
      } else {
        if (secretKeys.has(k) && current[k] !== v) secretsChanged.push(k);
        merged[k] = v;
      }
    }
    const config = validateConfig(withAdapter, merged, removed);
    // Keys the schema does not declare but the hub stored (e.g. provider state a job patched in) stay.
    for (const [k, v] of Object.entries(current)) if (!(k in config) && !(k in input.configuration)) config[k] = v;
    data.configuration = ctx.deps.secrets.sealKeys(config, withAdapter.secretKeys) as Prisma.InputJsonValue;
    data.externalId = await routingKeyFor(ctx, withAdapter, before.type, config, before.id);
  }

  let channel: Channel;
  try {
    channel = await ctx.db.$transaction(async (tx) => {
      const updated = await tx.channel.update({ where: { id }, data });
      const changes = diff(auditSnapshot(ctx.deps, before), auditSnapshot(ctx.deps, updated));
      await writeAudit(ctx, tx, {
        action: 'channel.update',
        entityType: 'Channel',
        entityId: id,
        before: changes.before,
        // Names only: a rotated secret may keep its last 4 characters, so the masks alone can hide the change.
        after: secretsChanged.length ? { ...changes.after, secretsChanged } : changes.after,
      });
      return updated;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw routingConflict();
    throw err;
  }
  invalidateChannelLookups(ctx.deps);
  if (adapter) await scheduleSubscription(ctx, adapter, channel.id);
  return { channel };
}

/**
 * Calls the provider once with the channel's credentials. Never throws for a
 * provider failure: the result says what went wrong.
 */
export async function testChannel(ctx: HubContext, id: string): Promise<ChannelTestResult> {
  const channel = await ctx.db.channel.findUnique({ where: { id } });
  if (!channel) return { ok: false, code: 'NOT_FOUND', message: 'Channel not found.' };
  const adapter = adapterFor(channel.type);
  if (!adapter?.test) return { ok: false, code: 'CHANNEL_NOT_SUPPORTED', message: 'This channel type has no provider connection to test.' };
  const { config, unreadable } = openSafely(ctx.deps, channel.configuration);
  if (unreadable.size) {
    return { ok: false, code: 'CONFIGURATION_UNREADABLE', message: `Stored secrets cannot be decrypted (${[...unreadable].join(', ')}): enter them again.` };
  }
  try {
    const result = await adapter.test({ id: channel.id, organizationId: channel.organizationId, externalId: channel.externalId, config }, adapterIO(ctx.deps));
    return { ok: !!result.ok, code: result.code ?? null, message: result.message };
  } catch (err) {
    ctx.deps.logger.warn({ channelId: channel.id, err }, 'channel test failed');
    return { ok: false, code: 'TEST_FAILED', message: (err as Error)?.message || 'The provider could not be reached.' };
  }
}
