/**
 * Builds the {@link AdapterIO} adapters receive from the process dependencies:
 * provider base URLs from config.ts, `fetch` with PROVIDER_TIMEOUT_MS, the
 * clock, the logger and a per-process cache (OAuth tokens).
 */
import type { Config } from '../config.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AdapterIO, ProviderUrls } from './types.js';

/** The provider URLs of a configuration. */
export function providerUrls(config: Config): ProviderUrls {
  return {
    whatsappGraph: config.WHATSAPP_GRAPH_BASE_URL.replace(/\/+$/, ''),
    graph: config.GRAPH_BASE_URL.replace(/\/+$/, ''),
    microsoftLogin: config.MICROSOFT_LOGIN_BASE_URL.replace(/\/+$/, ''),
    twilio: config.TWILIO_API_BASE_URL.replace(/\/+$/, ''),
    public: config.publicUrl,
  };
}

const caches = new WeakMap<object, AdapterIO['cache']>();

/**
 * The adapter IO of a process. The cache is shared per `deps` object, so an
 * OAuth token taken for one request serves the next.
 */
export function adapterIO(deps: { config: Config; clock: Clock; logger: Logger }): AdapterIO {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new Map();
    caches.set(deps, cache);
  }
  const timeoutMs = deps.config.PROVIDER_TIMEOUT_MS;
  return {
    urls: providerUrls(deps.config),
    fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) }),
    now: () => deps.clock.now(),
    logger: deps.logger,
    cache,
  };
}
