/**
 * CommonJS packages loaded on first use instead of at start-up (issue 8 §5: the
 * server's resident memory). Each entry here costs megabytes of heap and code
 * that many deployments never touch: ioredis without REDIS_URL, date-holidays'
 * rules of every country before an SLA calendar asks for one, codice-fiscale-js
 * before an Italian tax code is checked, pino-pretty outside the demo's pretty
 * logs. The load is synchronous (Node's `require` through `createRequire`), so
 * callers stay synchronous; it happens once per process.
 */
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * Returns a function that loads CommonJS package `specifier` on its first call
 * (resolved from this file, as an import would be) and returns its
 * `module.exports` then and on every later call.
 * @throws Error (MODULE_NOT_FOUND) from the first call when the package is not installed
 */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: { exports: T } | undefined;
  return () => (loaded ??= { exports: requireHere(specifier) as T }).exports;
}
