/**
 * Sign-in and session tokens. Passwords: argon2id (@node-rs/argon2). Tokens:
 * HS256 JWTs (jose) with `sub` = user id and `org` = organization id, lifetime
 * JWT_TTL_SECONDS (default 43200 s = 12 h), counted on the hub's clock.
 */
import { hash, verify } from '@node-rs/argon2';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import type { User } from '../../generated/prisma/client.js';
import type { AppDeps } from '../../shared/app.js';
import type { Viewer } from '../../shared/context.js';
import { DomainError } from '../../shared/errors.js';
import { AUTH_ERRORS } from './auth.errors.js';
import { authenticateApiKey } from '../apikey/apikey.service.js';

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

/** Issues a session token for `user`. */
export async function issueToken(deps: AppDeps, user: Pick<User, 'id' | 'organizationId'>): Promise<string> {
  const iat = Math.floor(deps.clock.now().getTime() / 1000);
  return new SignJWT({ org: user.organizationId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + deps.config.JWT_TTL_SECONDS)
    .sign(key(deps));
}

/**
 * Checks e-mail and password. When the same e-mail exists in several
 * organizations, `organizationSlug` picks one. Throws DomainError
 * INVALID_CREDENTIALS (same message for unknown e-mail and wrong password).
 */
export async function login(deps: AppDeps, raw: z.input<typeof LoginInput>): Promise<{ token: string; user: User }> {
  const input = LoginInput.parse(raw);
  const candidates = await deps.db.prisma.user.findMany({
    where: { email: input.email, isActive: true, ...(input.organizationSlug ? { organization: { slug: input.organizationSlug } } : {}) },
    take: 2,
  });
  const user = candidates.length === 1 ? candidates[0] : undefined;
  // Verify against a hash even when the user is unknown, so timing does not reveal which e-mails exist.
  const ok = await verify(user?.passwordHash ?? DUMMY_HASH, input.password).catch(() => false);
  if (!user || !ok) {
    throw new DomainError(
      'INVALID_CREDENTIALS',
      candidates.length > 1 ? 'This e-mail address exists in several organizations: give the organization too.' : AUTH_ERRORS.INVALID_CREDENTIALS,
      'email',
    );
  }
  return { token: await issueToken(deps, user), user };
}

const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0tGL2X9fVvHxL0bS3Lz0yH3zI3Gx9xJkM2i9ZkzXk2s';

/**
 * Resolves "Bearer <token>" (or a bare token) to the viewer: a session JWT to
 * its user, a `hub_…` secret to its API key. Returns null for a missing,
 * malformed, expired or revoked token or key, or an inactive user.
 */
export async function authenticate(deps: AppDeps, authorization: string | undefined | null): Promise<Viewer | null> {
  if (!authorization) return null;
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  if (!token) return null;
  // Partner API keys ("hub_…") are not JWTs.
  if (token.startsWith('hub_')) return authenticateApiKey(deps, token);
  try {
    const { payload } = await jwtVerify(token, key(deps), {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: deps.clock.now(),
    });
    if (typeof payload.sub !== 'string' || typeof payload.org !== 'string') return null;
    const user = await deps.db.prisma.user.findFirst({ where: { id: payload.sub, organizationId: payload.org, isActive: true } });
    if (!user) return null;
    return { kind: 'USER', id: user.id, organizationId: user.organizationId, role: user.role, name: user.name, email: user.email };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
}
