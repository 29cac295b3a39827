/**
 * API keys: how partners' systems call the hub (ingestion, reading, replying).
 * The secret ("hub_" + 32 random bytes, base64url) is shown once when the key
 * is created; the database keeps its first characters (`prefix`, to recognise
 * a key in lists) and its hex SHA-256 (`secretHash`). A lookup by hash needs
 * no constant-time comparison: an attacker cannot steer the hash byte by byte.
 *
 * ApiKey rows are not tenant-scoped by db/tenant.ts, so every query here
 * filters on the organization itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ApiKey, Prisma } from '../../generated/prisma/client.js';
import { ApiKeyScope } from '../../generated/prisma/enums.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext, type Viewer } from '../../shared/context.js';
import { notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';

/** Every secret starts with this. */
export const API_KEY_PREFIX = 'hub_';
/** Characters of the secret kept in ApiKey.prefix. */
export const API_KEY_PREFIX_LENGTH = 12;
/** Audit action of a key's first use of each (UTC) day. */
export const API_KEY_USED_ACTION = 'apiKey.use';
/** lastUsedAt is written at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export const CreateApiKeyInput = z.object({
  name: z.string().trim().min(1, 'Name is required.').max(100, 'Name is at most 100 characters.'),
  scopes: z
    .array(z.enum(ApiKeyScope))
    .min(1, 'Choose at least one scope.')
    .transform((s) => [...new Set(s)]),
  channelId: z.string().nullish(),
});

/** Hex SHA-256 of a secret, as stored in ApiKey.secretHash. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new secret: "hub_" + 32 random bytes in base64url (47 characters). */
export function generateApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** What the audit trail keeps of a key: never the secret nor its hash. */
const auditView = (k: ApiKey) => ({ name: k.name, prefix: k.prefix, scopes: k.scopes, channelId: k.channelId, revokedAt: k.revokedAt });

/**
 * Creates a key and returns its secret (shown once). Errors: VALIDATION_FAILED
 * (name, scopes), NOT_FOUND (channel not in the organization).
 */
export async function createApiKey(ctx: HubContext, raw: z.input<typeof CreateApiKeyInput>): Promise<{ apiKey: ApiKey; secret: string }> {
  const input = CreateApiKeyInput.parse(raw);
  const secret = generateApiKeySecret();
  const apiKey = await ctx.db.$transaction(async (tx) => {
    if (input.channelId && !(await tx.channel.findUnique({ where: { id: input.channelId }, select: { id: true } }))) {
      throw notFound('Channel', 'input.channelId');
    }
    const apiKey = await tx.apiKey.create({
      data: {
        organizationId: ctx.organizationId,
        name: input.name,
        prefix: secret.slice(0, API_KEY_PREFIX_LENGTH),
        secretHash: hashApiKeySecret(secret),
        scopes: input.scopes,
        channelId: input.channelId ?? null,
        createdById: ctx.viewer?.kind === 'USER' ? ctx.viewer.id : null,
      },
    });
    await writeAudit(ctx, tx, { action: 'apiKey.create', entityType: 'ApiKey', entityId: apiKey.id, after: auditView(apiKey) });
    return apiKey;
  });
  return { apiKey, secret };
}

/** Revokes a key (at once: the next request with it is anonymous). Revoking a revoked key changes nothing. Errors: NOT_FOUND. */
export async function revokeApiKey(ctx: HubContext, id: string): Promise<{ apiKey: ApiKey }> {
  const apiKey = await ctx.db.$transaction(async (tx) => {
    const before = await tx.apiKey.findFirst({ where: { id, organizationId: ctx.organizationId } });
    if (!before) throw notFound('API key', 'input.apiKeyId');
    if (before.revokedAt) return before;
    const apiKey = await tx.apiKey.update({ where: { id, organizationId: ctx.organizationId }, data: { revokedAt: ctx.deps.clock.now() } });
    await writeAudit(ctx, tx, { action: 'apiKey.revoke', entityType: 'ApiKey', entityId: id, before: { revokedAt: null }, after: { revokedAt: apiKey.revokedAt } });
    return apiKey;
  });
  return { apiKey };
}

/** The organization's keys, newest first (revoked ones included). */
export function listApiKeys(ctx: HubContext, query: Pick<Prisma.ApiKeyFindManyArgs, 'include' | 'select'> = {}): Promise<ApiKey[]> {
  return ctx.db.apiKey.findMany({ ...(query as object), where: { organizationId: ctx.organizationId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/**
 * Resolves an API key secret ("hub_…") to its viewer: the AGENT role limited
 * by the key's scopes (and channel). Returns null for anything else, an
 * unknown or a revoked key. Records `lastUsedAt`, at most once a minute per key,
 * and an `apiKey.use` audit row on the key's first use of each UTC day.
 */
export async function authenticateApiKey(deps: AppDeps, secret: string): Promise<Viewer | null> {
  if (typeof secret !== 'string' || !secret.startsWith(API_KEY_PREFIX) || secret.length > 200) return null;
  const key = await deps.db.prisma.apiKey.findUnique({ where: { secretHash: hashApiKeySecret(secret) } });
  if (!key || key.revokedAt) return null;
  const now = deps.clock.now();
  // The first use of a UTC day is audited (apiKey.use), later ones only move lastUsedAt.
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const firstToday = !key.lastUsedAt || key.lastUsedAt < dayStart;
  if (firstToday || now.getTime() - key.lastUsedAt!.getTime() >= LAST_USED_RESOLUTION_MS) {
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    try {
      // Conditional: of concurrent requests in the same minute (or the first of a day) only one writes.
      const { count } = await deps.db.prisma.apiKey.updateMany({
        where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: staleBefore } }, { lastUsedAt: { lt: dayStart } }] },
        data: { lastUsedAt: now },
      });
      if (firstToday && count === 1) {
        const ctx = { ...systemContext(deps, key.organizationId, 'API_KEY'), actor: { type: 'API_KEY' as const, userId: null, apiKeyId: key.id } };
        await writeAudit(ctx, ctx.db, {
          action: API_KEY_USED_ACTION,
          entityType: 'ApiKey',
          entityId: key.id,
          after: { name: key.name, prefix: key.prefix, day: dayStart.toISOString().slice(0, 10) },
        });
      }
    } catch (err) {
      deps.logger.warn({ apiKeyId: key.id, err }, 'api key lastUsedAt not recorded');
    }
  }
  return {
    kind: 'API_KEY',
    id: key.id,
    organizationId: key.organizationId,
    role: 'AGENT',
    name: key.name,
    email: '',
    scopes: key.scopes,
    channelId: key.channelId,
  };
}
