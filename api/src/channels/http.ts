/**
 * HTTP details every provider shares.
 */

/**
 * Seconds to wait from a `Retry-After` header: delta-seconds ("120") or an
 * HTTP date (RFC 9110 §10.2.3), counted from `now`.
 * @returns undefined when absent or unreadable; never negative
 */
export function retryAfterSeconds(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const h = header.trim();
  if (/^\d+$/.test(h)) return Number(h);
  const at = Date.parse(h);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
