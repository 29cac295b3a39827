/**
 * `pnpm hub rotate-secrets --from OLD` (issue 7, section 2), run as the
 * operator runs it (the CLI in its own process) on the suite's database
 * (PostgreSQL with TEST_DATABASE_URL, else a PGlite DATA_DIR).
 *
 * The demo channels (every provider, their secrets sealed with OLD) are
 * re-sealed under NEW: afterwards every secret opens with NEW and no longer
 * with OLD, with one audit row per channel naming only the keys. A second run
 * skips them all; a wrong --from and the development key change nothing and
 * say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { seedDemo } from '../../src/demo/seed.js';
import { maskedChannelConfig, maskSecret, openChannelConfig } from '../../src/modules/channel/channel.service.js';
import { SecretBox } from '../../src/shared/crypto.js';
import { FakeClock } from '../../src/shared/clock.js';
import { newHubDatabase, opsDatabaseKind, runHubCli, type HubDatabase } from './ops-helpers.js';

const OLD = 'rotate-test-old-app-secret-key-0123456789abcdef';
const NEW = 'rotate-test-new-app-secret-key-fedcba9876543210';
const WRONG = 'rotate-test-wrong-app-secret-key-000000000000000';
const NOW = new Date('2026-11-20T09:30:00Z');

let hub: HubDatabase;
/** Each channel's configuration as opened with OLD before the rotation. */
let plain: Record<string, Record<string, unknown>>;
/** How many sealed values there are in all. */
let sealedCount = 0;
let channelsWithSecrets = 0;
/** The hub as the previous test left it (read with OLD until the rotation, then with NEW). */
let state: Awaited<ReturnType<typeof readHub>>;

/** The stored (sealed) configurations and the rotation audit rows, read with an app on `key`. */
async function readHub(key: string) {
  const app = await createApp({ config: hub.config({ APP_SECRET_KEY: key }), clock: new FakeClock(NOW) });
  try {
    const channels = await app.db.prisma.channel.findMany({ orderBy: { id: 'asc' } });
    const audits = await app.db.prisma.auditLog.findMany({ where: { action: 'channel.rotateSecrets' }, orderBy: { entityId: 'asc' } });
    return {
      stored: Object.fromEntries(channels.map((c) => [c.id, c.configuration as Record<string, unknown>])),
      opened: (() => {
        try {
          return Object.fromEntries(channels.map((c) => [c.id, openChannelConfig(app, c)]));
        } catch {
          return null;
        }
      })(),
      masked: Object.fromEntries(channels.map((c) => [c.id, maskedChannelConfig(app, c)])),
      audits,
    };
  } finally {
    await app.close();
  }
}

beforeAll(async () => {
  hub = await newHubDatabase();
  const app = await createApp({ config: hub.config({ APP_SECRET_KEY: OLD }), clock: new FakeClock(NOW) });
  try {
    await seedDemo(app.db.prisma, { secrets: app.secrets, now: NOW, threads: 3 });
  } finally {
    await app.close();
  }
  state = await readHub(OLD);
  plain = state.opened!;
  for (const config of Object.values(state.stored)) {
    const sealed = Object.values(config).filter((v) => SecretBox.isSealed(v)).length;
    sealedCount += sealed;
    if (sealed) channelsWithSecrets++;
  }
}, 180_000);

afterAll(async () => {
  await hub?.drop();
});

describe(`pnpm hub rotate-secrets (${opsDatabaseKind})`, () => {
  it('the demo channels hold secrets sealed with OLD', () => {
    expect(channelsWithSecrets).toBeGreaterThanOrEqual(4);
    expect(sealedCount).toBeGreaterThanOrEqual(8);
  });

  it('a wrong --from changes nothing and says so', { timeout: 120_000 }, async () => {
    const before = state;
    const run = await runHubCli(['rotate-secrets', '--from', WRONG], { ...hub.env, APP_SECRET_KEY: NEW });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`0 secrets re-sealed in 0 channels, 0 already sealed with the current key (skipped), ${sealedCount} opened with neither key`);
    expect(run.stderr).toMatch(/open neither with --from nor with the current APP_SECRET_KEY .*is --from the right key\? Nothing changed\./);
    state = await readHub(OLD);
    expect(state.stored).toEqual(before.stored);
    expect(state.opened).toEqual(plain);
    expect(state.audits).toHaveLength(0);
  });

  it('refuses to re-seal under the development key outside development, and changes nothing', { timeout: 120_000 }, async () => {
    const before = state;
    const run = await runHubCli(['rotate-secrets', '--from', OLD], { ...hub.env, NODE_ENV: 'production' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/APP_SECRET_KEY is not set \(or is the development key\): refusing/);
    expect(run.stdout).toBe('');
    state = await readHub(OLD);
    expect(state.stored).toEqual(before.stored);
  });

  it('re-seals every channel secret from OLD to NEW: they open with NEW, no longer with OLD', { timeout: 120_000 }, async () => {
    const before = state;
    const run = await runHubCli(['rotate-secrets', '--from', OLD], { ...hub.env, APP_SECRET_KEY: NEW });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${sealedCount} secrets re-sealed in ${channelsWithSecrets} channels, 0 already sealed with the current key (skipped), 0 opened with neither key`);

    const after = (state = await readHub(NEW));
    // The hub running on NEW reads every channel exactly as it was.
    expect(after.opened).toEqual(plain);
    const old = new SecretBox(OLD);
    for (const [id, config] of Object.entries(after.stored)) {
      for (const [key, value] of Object.entries(config)) {
        const was = before.stored[id]![key];
        if (!SecretBox.isSealed(was)) {
          expect(value, `${id}.${key} (not a secret) is untouched`).toEqual(was);
          continue;
        }
        expect(SecretBox.isSealed(value)).toBe(true);
        expect(value).not.toBe(was);
        expect(() => old.open(value as string), `${id}.${key} no longer opens with OLD`).toThrow(/cannot be decrypted/);
        // What an ADMIN sees: the masked secret of the real value, not the "unreadable" mask.
        expect(after.masked[id]![key]).toBe(maskSecret(plain[id]![key]));
      }
    }
    // One audit row per changed channel, naming the keys, never a value.
    expect(after.audits).toHaveLength(channelsWithSecrets);
    for (const audit of after.audits) {
      expect(audit.actorType).toBe('SYSTEM');
      const text = JSON.stringify(audit.changes);
      for (const value of Object.values(plain[audit.entityId]!)) if (typeof value === 'string' && value.length >= 8) expect(text).not.toContain(value);
    }
  });

  it('is idempotent: a second run skips every secret already sealed with NEW', { timeout: 120_000 }, async () => {
    const before = state;
    const run = await runHubCli(['rotate-secrets', '--from', OLD], { ...hub.env, APP_SECRET_KEY: NEW });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`0 secrets re-sealed in 0 channels, ${sealedCount} already sealed with the current key (skipped), 0 opened with neither key`);
    const after = await readHub(NEW);
    expect(after.stored).toEqual(before.stored);
    expect(after.audits).toHaveLength(channelsWithSecrets);
  });
});
