/**
 * `pnpm hub rotate-secrets --from OLD` (see cli.ts): re-seals every channel
 * secret that was sealed with the key derived from OLD under the current
 * APP_SECRET_KEY (deps.secrets), in one transaction, with one audit row
 * (`channel.rotateSecrets`, key names only) per channel it changed.
 *
 * Idempotent: a value that already opens with the current key is left as it
 * is. A value that opens with neither key (a wrong --from, a third key) is left
 * as it is and reported; nothing is ever decrypted into the database.
 */
import type { AppDeps } from '../shared/app.js';
import { SecretBox } from '../shared/crypto.js';

export interface RotateSecretsResult {
  /** Channels looked at (every organization). */
  channels: number;
  /** Channels whose configuration was re-sealed. */
  channelsChanged: number;
  /** Sealed values re-sealed from OLD to the current key. */
  resealed: number;
  /** Sealed values that already open with the current key (skipped). */
  alreadyCurrent: number;
  /** Sealed values that open with neither key (left untouched). */
  unreadable: { channelId: string; key: string }[];
}

export async function rotateSecrets(deps: AppDeps, fromKey: string): Promise<RotateSecretsResult> {
  const old = new SecretBox(fromKey);
  const current = deps.secrets;
  const opens = (box: SecretBox, v: string) => {
    try {
      box.open(v);
      return true;
    } catch {
      return false;
    }
  };
  return deps.db.prisma.$transaction(
    async (tx) => {
      const channels = await tx.channel.findMany({ select: { id: true, organizationId: true, configuration: true }, orderBy: { id: 'asc' } });
      const result: RotateSecretsResult = { channels: channels.length, channelsChanged: 0, resealed: 0, alreadyCurrent: 0, unreadable: [] };
      for (const channel of channels) {
        const stored = channel.configuration;
        if (!stored || typeof stored !== 'object' || Array.isArray(stored)) continue;
        const next: Record<string, unknown> = { ...stored };
        const rotated: string[] = [];
        for (const [key, value] of Object.entries(stored)) {
          if (!SecretBox.isSealed(value)) continue;
          if (opens(current, value)) result.alreadyCurrent++;
          else if (opens(old, value)) {
            next[key] = current.seal(old.open(value));
            rotated.push(key);
          } else result.unreadable.push({ channelId: channel.id, key });
        }
        if (!rotated.length) continue;
        await tx.channel.update({ where: { id: channel.id }, data: { configuration: next as object } });
        // The audit row writeAudit() writes for a system actor (this transaction is not a tenant one).
        await tx.auditLog.create({
          data: {
            organizationId: channel.organizationId,
            actorType: 'SYSTEM',
            action: 'channel.rotateSecrets',
            entityType: 'Channel',
            entityId: channel.id,
            changes: { before: null, after: { resealedKeys: rotated } },
          },
        });
        result.resealed += rotated.length;
        result.channelsChanged++;
      }
      return result;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
