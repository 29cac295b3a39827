/**
 * Every environment variable the api reads, validated once with zod.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | PORT | 4000 | HTTP port for GraphQL (/graphql, HTTP and graphql-ws), webhooks and the web app |
 * | DATA_DIR | .data | PGlite data directory when DATABASE_URL is unset |
 * | DATABASE_URL | (unset) | PostgreSQL URL; when set, PGlite is not used |
 * | REDIS_URL | (unset) | Redis for pub/sub across instances; in-process when unset |
 * | APP_SECRET_KEY | dev key | 32+ character secret; channel secrets are encrypted with a key derived from it |
 * | JWT_SECRET | dev secret | HMAC secret for session tokens (HS256) |
 * | JWT_TTL_SECONDS | 43200 | session token lifetime in seconds (12 h) |
 * | WHATSAPP_GRAPH_BASE_URL | https://graph.facebook.com/v21.0 | WhatsApp Cloud API base |
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
  APP_SECRET_KEY: z.string().min(32, 'APP_SECRET_KEY must be at least 32 characters').optional(),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).default(43_200),
  WHATSAPP_GRAPH_BASE_URL: z.string().url().default('https://graph.facebook.com/v21.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST: z.string().default(path.join(repoRoot, 'web/dist')),
});

export type Config = z.infer<typeof schema> & {
  appSecretKey: string;
  jwtSecret: string;
  /** true when APP_SECRET_KEY or JWT_SECRET fell back to a development value */
  usingDevSecrets: boolean;
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
    usingDevSecrets: !c.APP_SECRET_KEY || !c.JWT_SECRET,
  };
}
