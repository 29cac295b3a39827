/**
 * The session viewer lookup, cached (issue 8 §1: one of the three SQL statements of every inbox
 * request was `SELECT … FROM "User"` for the JWT's subject).
 *
 * What is cached: per user id, the columns a session check needs (organizationId, isActive,
 * tokenVersion, role, name, email) — never the password hash. Entries live at most
 * `VIEWER_CACHE_TTL_MS` (5,000 ms) in an LRU of at most `VIEWER_CACHE_MAX` (10,000) users per app.
 *
 * Revocation is honoured at once, not after the TTL: `logout`, `revokeSessions` and
 * `deactivateUser` (auth.service.ts bumpSessions) drop the user's entry on this instance right
 * after their commit, and every other instance drops it when the `sessionsRevoked` event reaches
 * it (server.ts; Redis pub/sub when configured). A lookup that started before a revocation is not
 * cached (it may have read the row from before the commit). A change made behind the hub's back
 * (SQL by hand) is seen within the TTL.
 *
 * Also cached: session tokens whose signature was verified (`verifiedToken`), so a client's
 * repeated requests do not redo the HS256 check (WebCrypto, ~0.15 ms of CPU per request in the
 * inbox profile). Only the claims a session check uses are kept, at most
 * `VERIFIED_TOKEN_CACHE_MAX` tokens for at most `VERIFIED_TOKEN_CACHE_TTL_MS`; every hit checks
 * `exp` and `nbf` against the hub clock again, and revocation is unaffected (it is the user's
 * tokenVersion, checked on every request).
 */
import { LRUCache } from 'lru-cache';
import type { UserRole } from '../../generated/prisma/enums.js';
import type { AppDeps } from '../../shared/app.js';

/** How long a user row read for a session check is reused, in ms. */
export const VIEWER_CACHE_TTL_MS = 5_000;
/** Most users kept per app. */
export const VIEWER_CACHE_MAX = 10_000;

/** How long a verified session token's claims are reused, in ms (each use still checks exp). */
export const VERIFIED_TOKEN_CACHE_TTL_MS = 60_000;
/** Most verified tokens kept per app. */
export const VERIFIED_TOKEN_CACHE_MAX = 10_000;

/** The claims of a session token a session check reads; `exp` and `nbf` in seconds since the epoch. */
export interface SessionClaims {
  sub: string;
  org: string;
  ver: number;
  exp?: number;
  nbf?: number;
}

/** The columns of User a session check reads. */
export interface SessionUser {
  id: string;
  organizationId: string;
  isActive: boolean;
  tokenVersion: number;
  role: UserRole;
  name: string;
  email: string;
}

interface ViewerCache {
  users: LRUCache<string, SessionUser>;
  /** userId → when it was last revoked (ms, performance clock); kept as long as entries can live. */
  revokedAt: LRUCache<string, number>;
  /** token → its verified claims. */
  tokens: LRUCache<string, SessionClaims>;
}

const caches = new WeakMap<AppDeps, ViewerCache>();

function cacheOf(deps: AppDeps): ViewerCache {
  let cache = caches.get(deps);
  if (!cache) {
    cache = {
      users: new LRUCache({ max: VIEWER_CACHE_MAX, ttl: VIEWER_CACHE_TTL_MS }),
      revokedAt: new LRUCache({ max: VIEWER_CACHE_MAX, ttl: VIEWER_CACHE_TTL_MS * 2 }),
      tokens: new LRUCache({ max: VERIFIED_TOKEN_CACHE_MAX, ttl: VERIFIED_TOKEN_CACHE_TTL_MS }),
    };
    caches.set(deps, cache);
  }
  return cache;
}

/**
 * The session columns of user `userId`, from the cache or one `findUnique` by primary key.
 * Returns null when no such user exists (inactive users are returned: the caller decides).
 */
export async function sessionUser(deps: AppDeps, userId: string): Promise<SessionUser | null> {
  const cache = cacheOf(deps);
  const hit = cache.users.get(userId);
  if (hit) return hit;
  const started = performance.now();
  const user = await deps.db.prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, organizationId: true, isActive: true, tokenVersion: true, role: true, name: true, email: true },
  });
  const revoked = cache.revokedAt.get(userId);
  if (user && (revoked === undefined || revoked < started)) cache.users.set(userId, user);
  return user;
}

/** Drops `userId`'s cached row on this instance (its sessions were revoked or the user changed). */
export function forgetSessionUser(deps: AppDeps, userId: string): void {
  const cache = cacheOf(deps);
  cache.revokedAt.set(userId, performance.now());
  cache.users.delete(userId);
}

/**
 * The claims of session token `token`: from the cache when its signature was verified before and
 * it is still within `exp`/`nbf` on the hub clock, else from `verify` (the full check, e.g. jose's
 * jwtVerify), whose result is cached. Returns null when `verify` returns null; what `verify`
 * throws is thrown.
 */
export async function verifiedToken(deps: AppDeps, token: string, verify: () => Promise<SessionClaims | null>): Promise<SessionClaims | null> {
  const cache = cacheOf(deps);
  const hit = cache.tokens.get(token);
  if (hit) {
    const now = deps.clock.now().getTime() / 1000;
    if ((hit.exp === undefined || now < hit.exp) && (hit.nbf === undefined || now >= hit.nbf)) return hit;
    cache.tokens.delete(token);
  }
  const claims = await verify();
  if (claims) cache.tokens.set(token, claims);
  return claims;
}
