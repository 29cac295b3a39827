/**
 * The hub's ioredis clients (REDIS_URL: pub/sub, GraphQL cost buckets, login protection).
 * ioredis reconnects by itself and emits `error` for every failed attempt; a client without an
 * `error` listener prints "[ioredis] Unhandled error event" and a stack trace to stderr for each
 * one (every ~2 s during an outage), outside the JSON logs. Every client made here has one.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { lazyRequire } from './lazy-require.js';

/** ioredis (~10 MB of resident memory), loaded by the first client: only with REDIS_URL. */
const ioredis = lazyRequire<typeof import('ioredis')>('ioredis');

/**
 * An ioredis client for `url` (redis:// or rediss://) with `options`; its connection errors go to
 * `onError`. The default ignores them: the pub/sub's clients (same REDIS_URL, shared/pubsub.ts)
 * log an outage through the app's logger, throttled.
 */
export function createRedisClient(url: string, options: RedisOptions = {}, onError: (err: Error) => void = () => {}): Redis {
  const client = new (ioredis().Redis)(url, options);
  client.on('error', onError);
  return client;
}
