/**
 * pino loggers. Every line written while an HTTP request is handled carries
 * that request's id (`reqId`, from `X-Request-Id` when the client sent one,
 * see http/request-log.ts), and once known its GraphQL `operationName` and
 * `viewer`: the request-log middleware opens an AsyncLocalStorage scope and
 * the logger's mixin reads it, so services logging through `deps.logger` need
 * no request object.
 *
 * Formats (config.ts LOG_FORMAT): `json`, one JSON object per line (production
 * default), or `pretty`, human-readable through pino-pretty (the demo's default).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream } from 'pino';
import type PinoPretty from 'pino-pretty';
import { lazyRequire } from './lazy-require.js';

/** pino-pretty, loaded only for pretty logs (the demo). */
const pinoPretty = lazyRequire<typeof PinoPretty>('pino-pretty');

/** What every log line of one HTTP request carries. Mutable: GraphQL fills in the operation and the viewer. */
export interface RequestLogScope {
  reqId: string;
  operationName?: string;
  /** `USER:<id>` or `API_KEY:<id>`; absent for anonymous requests. */
  viewer?: string;
}

/** The scope of the request being handled (none in jobs and at start-up). */
export const requestLogScope = new AsyncLocalStorage<RequestLogScope>();

export type LogFormat = 'json' | 'pretty';

function scopeFields(): Record<string, string> {
  const s = requestLogScope.getStore();
  if (!s) return {};
  const out: Record<string, string> = { reqId: s.reqId };
  if (s.operationName) out.operationName = s.operationName;
  if (s.viewer) out.viewer = s.viewer;
  return out;
}

/** A pino logger at `level` (config.ts LOG_LEVEL) writing `format` (LOG_FORMAT) to stdout, or JSON lines to `destination` (tests). */
export function createLogger(level: string, format: LogFormat = 'json', destination?: DestinationStream) {
  const options = {
    level,
    base: undefined,
    // Fields of the log call win over the scope's (one object: no duplicate keys).
    mixin: scopeFields,
  };
  if (destination) return pino(options, destination);
  if (format === 'pretty' && level !== 'silent') {
    return pino(options, pinoPretty()({ sync: true, colorize: Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(options);
}
export type Logger = ReturnType<typeof createLogger>;

/** The bootstrap logger, for the few lines written before the configuration is read (silent under vitest). */
export const logger: Logger = createLogger(process.env.VITEST ? 'silent' : 'info');
