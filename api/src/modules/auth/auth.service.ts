/**
 * Sign-in and session tokens. Passwords: argon2id (@node-rs/argon2). Tokens:
 * HS256 JWTs (jose) with `sub` = user id, `org` = organization id and `ver` =
 * the user's session version (User.tokenVersion), lifetime JWT_TTL_SECONDS
 * (default 43200 s = 12 h), counted on the hub's clock.
 *
 * Sessions end early when the version moves on: `logout` (the user's own
 * sessions), `revokeSessions(userId)` and `deactivateUser(userId)` (ADMIN).
 * Each publishes `sessionsRevoked`, on which every instance closes the
 * user's open graphql-ws sockets (server.ts).
 *
 * Logins are guarded by ./login-guard.ts (failures per e-mail and per IP,
 * exponential lockout). Unknown e-mail, wrong password, locked account or
 * address and an e-mail shared by several organizations all get the same
 * INVALID_CREDENTIALS answer after the same work: one argon2 verify (against
 * a dummy hash when there is no single user), the same counters, and the
 * audit rows written after the answer.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import type { User } from '../../generated/prisma/client.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext, type Viewer } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { AUTH_ERRORS } from './auth.errors.js';
import { authenticateApiKey } from '../apikey/apikey.service.js';
import { writeAudit } from '../audit/audit.service.js';
import type { AuditAction } from '../audit/actions.js';
import { forgetSessionUser, sessionUser, verifiedToken } from './viewer-cache.js';

const ISSUER = 'hub';

export const LoginInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('Enter a valid e-mail address.')),
  password: z.string().min(1, 'Enter your password.'),
  organizationSlug: z.string().trim().min(1).nullish(),
});

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

function key(deps: AppDeps) {
  return new TextEncoder().encode(deps.config.jwtSecret);
}

/** Issues a session token for `user` (its current tokenVersion, read from the database when not given). */
export async function issueToken(deps: AppDeps, user: Pick<User, 'id' | 'organizationId'> & { tokenVersion?: number }): Promise<string> {
  const iat = Math.floor(deps.clock.now().getTime() / 1000);
  const ver = user.tokenVersion ?? (await deps.db.prisma.user.findUnique({ where: { id: user.id }, select: { tokenVersion: true } }))?.tokenVersion ?? 0;
  return new SignJWT({ org: user.organizationId, ver })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + deps.config.JWT_TTL_SECONDS)
    .sign(key(deps));
}

/** Audit actions of sign-in and sessions (see audit/actions.ts). */
export const AUTH_AUDIT = {
  login: 'user.login',
  loginFailed: 'user.refuseLogin',
  lockout: 'user.lock',
  logout: 'user.logout',
  sessionsRevoked: 'user.revokeSessions',
  userDeactivated: 'user.deactivate',
} as const;

/** A context of `organizationId` acting as `userId` (or the system when null), carrying the request's ip and user agent. */
function actingContext(ctx: HubContext, organizationId: string, userId: string | null): HubContext {
  const c = systemContext(ctx.deps, organizationId, userId ? 'USER' : 'SYSTEM', ctx.request);
  return { ...c, actor: { type: userId ? 'USER' : 'SYSTEM', userId } };
}

/** Writes an audit row outside any transaction; never fails the caller. */
function auditLater(ctx: HubContext, organizationId: string, userId: string | null, entry: Parameters<typeof writeAudit>[2]): Promise<void> {
  const c = actingContext(ctx, organizationId, userId);
  return writeAudit(c, c.db, entry).catch((err) => ctx.deps.logger.warn({ err, action: entry.action }, 'audit row not written'));
}

/**
 * Checks e-mail and password. When the same e-mail exists in several
 * organizations, `organizationSlug` picks one (without it, the answer is the
 * same INVALID_CREDENTIALS as for a wrong password: nothing tells that the
 * address exists). Throws DomainError INVALID_CREDENTIALS for an unknown
 * e-mail, a wrong password, a locked e-mail or IP alike.
 */
export async function login(ctx: HubContext, raw: z.input<typeof LoginInput>): Promise<{ token: string; user: User }> {
  const deps = ctx.deps;
  const input = LoginInput.parse(raw);
  const ip = ctx.request.ip;
  const guard = deps.loginGuard;
  const check = await guard.check(input.email, ip);
  const candidates = await deps.db.prisma.user.findMany({
    where: { email: input.email, isActive: true, ...(input.organizationSlug ? { organization: { slug: input.organizationSlug } } : {}) },
    orderBy: { id: 'asc' },
    take: 2,
  });
  const user = candidates.length === 1 ? candidates[0] : undefined;
  // Always exactly one argon2 verify: against the user's hash, or a dummy one, locked or not.
  const verified = await verify(user?.passwordHash ?? (await dummyHash()), input.password).catch(() => false);
  if (user && verified && !check.emailLocked && !check.ipLocked) {
    await guard.success(input.email);
    await auditLater(ctx, user.organizationId, user.id, { action: AUTH_AUDIT.login, entityType: 'User', entityId: user.id });
    return { token: await issueToken(deps, user), user };
  }
  const failure = await guard.failure(input.email, ip, check);
  const reason = check.ipLocked ? 'IP_LOCKED' : check.emailLocked ? 'LOCKED' : !user ? (candidates.length > 1 ? 'AMBIGUOUS' : 'UNKNOWN') : 'WRONG_PASSWORD';
  // Audit rows after the answer: an unknown address (no organization, no row) must not answer faster.
  guard.track(
    new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      Promise.all(
        candidates.flatMap((u) => [
          auditLater(ctx, u.organizationId, null, { action: AUTH_AUDIT.loginFailed, entityType: 'User', entityId: u.id, after: { email: input.email, reason } }),
          ...(failure.emailLockedForSeconds
            ? [
                auditLater(ctx, u.organizationId, null, {
                  action: AUTH_AUDIT.lockout,
                  entityType: 'User',
                  entityId: u.id,
                  after: { email: input.email, lockedForSeconds: failure.emailLockedForSeconds },
                }),
              ]
            : []),
        ]),
      ),
    ),
  );
  if (failure.emailLockedForSeconds || failure.ipLockedForSeconds) {
    deps.logger.warn({ email: input.email, ip, emailLockedForSeconds: failure.emailLockedForSeconds, ipLockedForSeconds: failure.ipLockedForSeconds }, 'login lockout');
  }
  throw new DomainError('INVALID_CREDENTIALS', AUTH_ERRORS.INVALID_CREDENTIALS, 'email');
}

let dummy: Promise<string> | undefined;
/** An argon2id hash of a random password, with the same parameters as real ones (so verifying it takes as long). */
function dummyHash(): Promise<string> {
  return (dummy ??= hash(randomBytes(24).toString('base64url')));
}
// Made at start, so the first unknown address is not the one login that also hashes.
void dummyHash();

/** Raises the user's session version (ending every session issued before) and tells every instance to close their sockets. */
async function bumpSessions(ctx: HubContext, userId: string, data: { isActive?: false }, audit: { action: AuditAction; after?: unknown }): Promise<User> {
  const user = await ctx.db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw notFound('User', 'userId');
    const user = await tx.user.update({ where: { id: userId }, data: { ...data, tokenVersion: { increment: 1 } } });
    await writeAudit(ctx, tx, {
      action: audit.action,
      entityType: 'User',
      entityId: userId,
      before: data.isActive === false ? { isActive: before.isActive } : undefined,
      after: audit.after ?? { tokenVersion: user.tokenVersion },
    });
    return user;
  });
  // This instance forgets the cached session row now; the others when the event reaches them (server.ts).
  forgetSessionUser(ctx.deps, user.id);
  ctx.deps.pubsub.publish('sessionsRevoked', { organizationId: user.organizationId, userId: user.id, tokenVersion: user.tokenVersion });
  return user;
}

/** Ends the viewer's session (with every other session of the same user: sessions are versioned per user). */
export async function logout(ctx: HubContext): Promise<{ ok: boolean }> {
  const v = ctx.viewer;
  if (v?.kind !== 'USER') throw new DomainError('UNAUTHENTICATED');
  await bumpSessions(ctx, v.id, {}, { action: AUTH_AUDIT.logout });
  return { ok: true };
}

/** ADMIN: ends every session of `userId` (its open sockets close within a second). Errors: NOT_FOUND. */
export async function revokeSessions(ctx: HubContext, userId: string): Promise<{ user: User }> {
  return { user: await bumpSessions(ctx, userId, {}, { action: AUTH_AUDIT.sessionsRevoked }) };
}

/** ADMIN: deactivates `userId` (no more logins; every session ends, sockets close). Errors: NOT_FOUND, VALIDATION_FAILED (oneself). */
export async function deactivateUser(ctx: HubContext, userId: string): Promise<{ user: User }> {
  if (ctx.viewer?.kind === 'USER' && ctx.viewer.id === userId) throw new DomainError('VALIDATION_FAILED', 'You cannot deactivate yourself.', 'userId');
  return { user: await bumpSessions(ctx, userId, { isActive: false }, { action: AUTH_AUDIT.userDeactivated, after: { isActive: false } }) };
}

/**
 * Resolves "Bearer <token>" (or a bare token) to the viewer: a session JWT to
 * its user, a `hub_…` secret to its API key. Returns null for a missing,
 * malformed, expired or revoked token or key, an inactive user, or a session
 * revoked since (its `ver` behind User.tokenVersion).
 */
export async function authenticate(deps: AppDeps, authorization: string | undefined | null): Promise<Viewer | null> {
  if (!authorization) return null;
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  if (!token) return null;
  // Partner API keys ("hub_…") are not JWTs.
  if (token.startsWith('hub_')) return authenticateApiKey(deps, token);
  try {
    // The signature check is cached per token (viewer-cache.ts); exp and nbf are checked on every use.
    const claims = await verifiedToken(deps, token, async () => {
      const { payload } = await jwtVerify(token, key(deps), {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: deps.clock.now(),
      });
      if (typeof payload.sub !== 'string' || typeof payload.org !== 'string') return null;
      const ver = payload.ver ?? 0;
      if (typeof ver !== 'number') return null;
      return { sub: payload.sub, org: payload.org, ver, exp: payload.exp, nbf: payload.nbf };
    });
    if (!claims) return null;
    // Cached for VIEWER_CACHE_TTL_MS; revocations drop the entry at once (viewer-cache.ts).
    const user = await sessionUser(deps, claims.sub);
    // A session issued before logout / revokeSessions / deactivateUser is void.
    if (!user || user.organizationId !== claims.org || !user.isActive || user.tokenVersion !== claims.ver) return null;
    return { kind: 'USER', id: user.id, organizationId: user.organizationId, role: user.role, name: user.name, email: user.email };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
}
