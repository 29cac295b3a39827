/**
 * Every environment variable the api reads, validated once with zod.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | PORT | 4000 | HTTP port for GraphQL (/graphql, HTTP and graphql-ws), webhooks and the web app |
 * | DATA_DIR | .data | PGlite data directory when DATABASE_URL is unset |
 * | DATABASE_URL | (unset) | PostgreSQL URL; when set, PGlite is not used |
 * | REDIS_URL | (unset) | Redis for pub/sub and the GraphQL cost buckets across instances; in-process when unset |
 * | RATE_LIMIT_BUCKET_POINTS | 1000 | GraphQL query-cost points in the bucket of each API key, user and anonymous IP (http/graphql-limits.ts) |
 * | RATE_LIMIT_RESTORE_RATE | 50 | points given back per second on average (the bucket refills in full every POINTS / RATE seconds) |
 * | APP_SECRET_KEY | dev key | 32+ character secret; channel secrets are encrypted with a key derived from it |
 * | JWT_SECRET | dev secret | HMAC secret for session tokens (HS256) |
 * | JWT_TTL_SECONDS | 43200 | session token lifetime in seconds (12 h) |
 * | WHATSAPP_GRAPH_BASE_URL | https://graph.facebook.com/v21.0 | WhatsApp Cloud API base |
 * | GRAPH_BASE_URL | https://graph.microsoft.com/v1.0 | Microsoft Graph base (Outlook channels) |
 * | MICROSOFT_LOGIN_BASE_URL | https://login.microsoftonline.com | Microsoft identity platform (client-credentials tokens) |
 * | TWILIO_API_BASE_URL | https://api.twilio.com | Twilio REST API base (SMS channels) |
 * | PUBLIC_URL | http://localhost:$PORT | base of every URL the hub gives a provider (webhooks, status callbacks) |
 * | PROVIDER_TIMEOUT_MS | 15000 | timeout of one provider API call, in ms |
 * | JOB_POLL_INTERVAL_MS | 1000 | how often an idle job worker looks for due jobs, in ms |
 * | JOB_CONCURRENCY | 4 | jobs one instance runs at once on PostgreSQL (PGlite: always 1, it is one connection) |
 * | JOB_LEASE_MS | 120000 | how long a claimed job belongs to its worker, in ms; a job of a crashed instance runs again after it |
 * | LOG_LEVEL | info | pino level |
 * | WEB_DIST | ../web/dist | built web app served at / when present |
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const DEV_APP_SECRET_KEY = 'dev-app-secret-key-do-not-use-in-production-0001';
export const DEV_JWT_SECRET = 'dev-jwt-secret-do-not-use-in-production-0001';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  RATE_LIMIT_BUCKET_POINTS: z.coerce.number().int().min(1).default(1000),
  RATE_LIMIT_RESTORE_RATE: z.coerce.number().positive().default(50),
  APP_SECRET_KEY: z.string().min(32, 'APP_SECRET_KEY must be at least 32 characters').optional(),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).default(43_200),
  WHATSAPP_GRAPH_BASE_URL: z.string().url().default('https://graph.facebook.com/v21.0'),
  GRAPH_BASE_URL: z.string().url().default('https://graph.microsoft.com/v1.0'),
  MICROSOFT_LOGIN_BASE_URL: z.string().url().default('https://login.microsoftonline.com'),
  TWILIO_API_BASE_URL: z.string().url().default('https://api.twilio.com'),
  PUBLIC_URL: z.string().url().optional(),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  JOB_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  JOB_LEASE_MS: z.coerce.number().int().min(1000).default(120_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST: z.string().default(path.join(repoRoot, 'web/dist')),
});

export type Config = z.infer<typeof schema> & {
  appSecretKey: string;
  jwtSecret: string;
  /** PUBLIC_URL without a trailing slash, defaulting to http://localhost:$PORT. */
  publicUrl: string;
};

/** Parses the environment; throws a readable error listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const c = parsed.data;
  return {
    ...c,
    // A relative DATA_DIR is relative to the repository root (pnpm runs scripts inside api/).
    DATA_DIR: path.resolve(repoRoot, c.DATA_DIR),
    appSecretKey: c.APP_SECRET_KEY ?? DEV_APP_SECRET_KEY,
    jwtSecret: c.JWT_SECRET ?? DEV_JWT_SECRET,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
  };
}
