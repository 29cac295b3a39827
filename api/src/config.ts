/**
 * Every environment variable the api reads, validated once with zod.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | PORT | 4000 | HTTP port for GraphQL (/graphql, HTTP and graphql-ws), webhooks and the web app |
 * | DATA_DIR | .data | PGlite data directory when DATABASE_URL is unset |
 * | DATABASE_URL | (unset) | PostgreSQL URL; when set, PGlite is not used |
 * | DATABASE_PREPARED_STATEMENTS | 256 | PostgreSQL: how many distinct Prisma statements each connection keeps prepared (named; a statement is named when it runs a second time); 0: none (PgBouncer in transaction mode before 1.21) |
 * | REDIS_URL | (unset) | Redis for pub/sub and the GraphQL cost buckets across instances; in-process when unset |
 * | RATE_LIMIT_BUCKET_POINTS | 1000 | GraphQL query-cost points in the bucket of each API key, user and anonymous IP (http/graphql-limits.ts) |
 * | RATE_LIMIT_RESTORE_RATE | 50 | points given back per second on average (the bucket refills in full every POINTS / RATE seconds) |
 * | APP_SECRET_KEY | dev key (development only) | 32+ character secret; channel secrets are encrypted with a key derived from it. Required in production |
 * | JWT_SECRET | dev secret (development only) | 32+ character HMAC secret for session tokens (HS256). Required in production |
 * | GRAPHQL_INTROSPECTION | auto | auto: introspection for signed-in users, and for API keys and anonymous requests in development only; on: everyone; off: nobody |
 * | JWT_TTL_SECONDS | 43200 | session token lifetime in seconds (12 h) |
 * | WHATSAPP_GRAPH_BASE_URL | https://graph.facebook.com/v21.0 | WhatsApp Cloud API base |
 * | GRAPH_BASE_URL | https://graph.microsoft.com/v1.0 | Microsoft Graph base (Outlook channels) |
 * | MICROSOFT_LOGIN_BASE_URL | https://login.microsoftonline.com | Microsoft identity platform (client-credentials tokens) |
 * | TWILIO_API_BASE_URL | https://api.twilio.com | Twilio REST API base (SMS channels) |
 * | PUBLIC_URL | http://localhost:$PORT | base of every URL the hub gives a provider (webhooks, status callbacks) |
 * | PROVIDER_TIMEOUT_MS | 15000 | timeout of one provider API call, in ms |
 * | CHANNEL_LOOKUP_TTL_MS | 2000 | how long the webhook edge reuses a channel row it read, in ms (0: every webhook reads it); changes made through another instance are seen within it (modules/channel/channel.directory.ts) |
 * | JOB_POLL_INTERVAL_MS | 1000 | how often an idle job worker looks for due jobs, in ms |
 * | JOB_CONCURRENCY | 4 | jobs one instance runs at once on PostgreSQL (PGlite: always 1, it is one connection) |
 * | JOB_LEASE_MS | 120000 | how long a claimed job belongs to its worker, in ms; a job of a crashed instance runs again after it |
 * | LOG_LEVEL | info | pino level |
 * | LOG_FORMAT | pretty in development (`pnpm demo`), json in production | json: one JSON object per line; pretty: human-readable (pino-pretty) |
 * | METRICS_TOKEN | (unset) | when set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise) |
 * | SHUTDOWN_TIMEOUT_MS | 10000 | on SIGINT/SIGTERM: how long running requests and jobs may take before connections are cut, ms |
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
  DATABASE_PREPARED_STATEMENTS: z.coerce.number().int().min(0).max(10_000).default(256),
  REDIS_URL: z.string().url().optional(),
  RATE_LIMIT_BUCKET_POINTS: z.coerce.number().int().min(1).default(1000),
  RATE_LIMIT_RESTORE_RATE: z.coerce.number().positive().default(50),
  APP_SECRET_KEY: z.string().min(32, 'APP_SECRET_KEY must be at least 32 characters').optional(),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).default(43_200),
  GRAPHQL_INTROSPECTION: z.enum(['auto', 'on', 'off']).default('auto'),
  WHATSAPP_GRAPH_BASE_URL: z.string().url().default('https://graph.facebook.com/v21.0'),
  GRAPH_BASE_URL: z.string().url().default('https://graph.microsoft.com/v1.0'),
  MICROSOFT_LOGIN_BASE_URL: z.string().url().default('https://login.microsoftonline.com'),
  TWILIO_API_BASE_URL: z.string().url().default('https://api.twilio.com'),
  PUBLIC_URL: z.string().url().optional(),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  CHANNEL_LOOKUP_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  JOB_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  JOB_LEASE_MS: z.coerce.number().int().min(1000).default(120_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  WEB_DIST: z.string().default(path.join(repoRoot, 'web/dist')),
});

/**
 * production: `pnpm start` (main.ts) and NODE_ENV=production. JWT_SECRET and
 * APP_SECRET_KEY are required (32+ characters, not the development values).
 * development: `pnpm demo` and the tests; the development secrets fill in.
 */
export type ConfigMode = 'production' | 'development';

export type Config = z.infer<typeof schema> & {
  mode: ConfigMode;
  appSecretKey: string;
  jwtSecret: string;
  /** PUBLIC_URL without a trailing slash, defaulting to http://localhost:$PORT. */
  publicUrl: string;
};

/** The secrets production refuses to start without. */
const REQUIRED_IN_PRODUCTION = [
  ['JWT_SECRET', DEV_JWT_SECRET],
  ['APP_SECRET_KEY', DEV_APP_SECRET_KEY],
] as const;

/**
 * Parses the environment; throws a readable error listing every invalid
 * variable. `mode` defaults to production when NODE_ENV=production; in
 * production a missing, short or development JWT_SECRET / APP_SECRET_KEY is
 * an error naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { mode?: ConfigMode } = {}): Config {
  const mode: ConfigMode = opts.mode ?? (env.NODE_ENV === 'production' ? 'production' : 'development');
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  const problems: string[] = parsed.success ? [] : [z.prettifyError(parsed.error)];
  if (mode === 'production') {
    for (const [name, devValue] of REQUIRED_IN_PRODUCTION) {
      const value = env[name];
      if (!value) problems.push(`✖ ${name} is not set: production needs a secret of at least 32 characters (e.g. \`openssl rand -base64 48\`).`);
      else if (value === devValue) problems.push(`✖ ${name} is the development value: set a secret of your own (at least 32 characters).`);
    }
  }
  if (problems.length || !parsed.success) {
    throw new Error(`Invalid configuration${mode === 'production' ? ' (production)' : ''}:\n${problems.join('\n')}`);
  }
  const c = parsed.data;
  return {
    ...c,
    mode,
    // A relative DATA_DIR is relative to the repository root (pnpm runs scripts inside api/).
    DATA_DIR: path.resolve(repoRoot, c.DATA_DIR),
    appSecretKey: c.APP_SECRET_KEY ?? DEV_APP_SECRET_KEY,
    jwtSecret: c.JWT_SECRET ?? DEV_JWT_SECRET,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
  };
}
