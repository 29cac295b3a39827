/**
 * Test harness: a real hub (real services, real schema, real database) per
 * test file. PGlite in memory by default; when TEST_DATABASE_URL is set, a
 * throwaway PostgreSQL database created from it and dropped afterwards.
 */
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { ChannelType, UserRole } from '../src/generated/prisma/enums.js';
import { hashPassword, issueToken } from '../src/modules/auth/auth.service.js';
import { invalidateChannelLookups } from '../src/modules/channel/channel.directory.js';
import { startServer, type RunningServer } from '../src/server.js';
import type { AppDeps } from '../src/shared/app.js';
import { FakeClock } from '../src/shared/clock.js';
import { systemContext } from '../src/shared/context.js';
import { whatsappAdapter } from '../src/channels/whatsapp/adapter.js';
import { whatsappDemoChannel } from './fakes/fixtures.js';
import { createScratchDatabase } from './scratch-database.js';

export interface TestApp {
  deps: AppDeps;
  clock: FakeClock;
  close(): Promise<void>;
}

/** Which database (and pub/sub) the tests run on, for test names. */
export const testDatabaseKind = (process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite') + (process.env.TEST_REDIS_URL ? '+redis' : '');

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const scratch = process.env.TEST_DATABASE_URL ? await createScratchDatabase(process.env.TEST_DATABASE_URL, 'hub_test') : null;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    // Suites send many requests per user in a few seconds: a bucket they never
    // empty, unless a test sets RATE_LIMIT_BUCKET_POINTS itself (graphql/limits.test.ts).
    RATE_LIMIT_BUCKET_POINTS: '1000000',
    RATE_LIMIT_RESTORE_RATE: '50000',
    ...env,
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    // With TEST_REDIS_URL, events travel through Redis as between scaled instances.
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
  });
  const clock = new FakeClock(new Date('2026-11-20T09:30:00Z'));
  const app = await createApp({ config, clock, inMemory: true });
  return {
    deps: app,
    clock,
    close: async () => {
      await app.close();
      await scratch?.drop();
    },
  };
}

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

export async function createOrganization(deps: AppDeps, slug = `org-${uniq()}`) {
  return deps.db.prisma.organization.create({ data: { slug, name: slug.toUpperCase() } });
}

export const TEST_PASSWORD = 'correct horse battery staple';
let cachedHash: string | undefined;

export async function createUser(deps: AppDeps, organizationId: string, opts: { role?: UserRole; email?: string; name?: string } = {}) {
  cachedHash ??= await hashPassword(TEST_PASSWORD);
  return deps.db.prisma.user.create({
    data: {
      organizationId,
      email: opts.email ?? `agent-${uniq()}@example.test`,
      name: opts.name ?? 'Test Agent',
      role: opts.role ?? 'AGENT',
      passwordHash: cachedHash,
    },
  });
}

export async function createChannel(
  deps: AppDeps,
  organizationId: string,
  opts: { type?: ChannelType; externalId?: string | null; configuration?: Record<string, unknown>; secretKeys?: string[]; responseSlaHours?: number | null } = {},
) {
  const channel = await deps.db.prisma.channel.create({
    data: {
      organizationId,
      type: opts.type ?? 'EMAIL_OUTLOOK',
      name: `${opts.type ?? 'EMAIL_OUTLOOK'} ${uniq()}`,
      externalId: opts.externalId ?? null,
      configuration: deps.secrets.sealKeys(opts.configuration ?? {}, opts.secretKeys ?? []) as object,
      responseSlaHours: opts.responseSlaHours === undefined ? 4 : opts.responseSlaHours,
    },
  });
  // As channel.service's createChannel does: the webhook edge's remembered lookups are dropped.
  invalidateChannelLookups(deps);
  return channel;
}

/**
 * A WhatsApp channel with the demo identity from channels.json (phone number id,
 * app secret, verify token, access token), secrets sealed as the adapter declares.
 */
export async function createWhatsAppChannel(
  deps: AppDeps,
  organizationId: string,
  opts: { externalId?: string; configuration?: Record<string, unknown>; responseSlaHours?: number | null } = {},
) {
  const { phoneNumberId, appSecret, verifyToken, accessToken } = whatsappDemoChannel;
  return createChannel(deps, organizationId, {
    type: 'WHATSAPP_BUSINESS',
    externalId: opts.externalId ?? phoneNumberId,
    configuration: { phoneNumberId, appSecret, verifyToken, accessToken, ...opts.configuration },
    secretKeys: [...whatsappAdapter.secretKeys],
    responseSlaHours: opts.responseSlaHours,
  });
}

/** A system context of the organization, for calling services directly. */
export const orgContext = (deps: AppDeps, organizationId: string) => systemContext(deps, organizationId);

export async function tokenFor(deps: AppDeps, user: { id: string; organizationId: string }) {
  return issueToken(deps, user);
}

export interface TestServer extends RunningServer {
  /** POST /graphql; returns the parsed JSON body ({ data, errors }). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ data: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
}

export async function createTestServer(deps: AppDeps): Promise<TestServer> {
  const server = await startServer(deps, { port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${server.port}`;
  return Object.assign(server, {
    url: base,
    gql: async (query: string, variables?: Record<string, unknown>, token?: string) => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return res.json() as never;
    },
  });
}

/**
 * An API key of the organization with `scopes` (bound to `channelId` when
 * given), made through the real service; returns its secret for
 * `Authorization: Bearer <secret>`.
 */
export async function createApiKeyFor(deps: AppDeps, organizationId: string, scopes: ('INGEST' | 'READ' | 'WRITE' | 'ANALYTICS')[], channelId?: string): Promise<string> {
  const { createApiKey } = await import('../src/modules/apikey/apikey.service.js');
  const { secret } = await createApiKey(systemContext(deps, organizationId), { name: `key ${uniq()}`, scopes, channelId });
  return secret;
}
