/**
 * The context every service and resolver receives. `db` is already scoped to
 * `organizationId` (db/tenant.ts); services never add the tenant filter by hand.
 */
import type { ActorType, ApiKeyScope, UserRole } from '../generated/prisma/enums.js';
import { tenantClient, type TenantDb } from '../db/tenant.js';
import type { AppDeps } from './app.js';

/**
 * Who is calling: a signed-in user, or a partner's API key. An API key acts
 * with the AGENT role for reading rules and is limited further by its scopes
 * (READ: queries and subscriptions; WRITE: agent mutations; INGEST:
 * ingestMessage and updateDeliveryStatus, only for `channelId` when set;
 * ANALYTICS: reports).
 */
export interface Viewer {
  kind: 'USER' | 'API_KEY';
  /** User id, or ApiKey id. */
  id: string;
  organizationId: string;
  role: UserRole;
  name: string;
  /** The user's e-mail; '' for API keys. */
  email: string;
  /** API keys only. */
  scopes?: ApiKeyScope[];
  /** API keys only: the one channel an INGEST key may feed. */
  channelId?: string | null;
}

export interface HubContext {
  deps: AppDeps;
  organizationId: string;
  /** The signed-in agent; null for anonymous requests and system actors (webhooks, jobs). */
  viewer: Viewer | null;
  actor: { type: ActorType; userId: string | null; apiKeyId?: string | null };
  db: TenantDb;
  request: { ip?: string; userAgent?: string };
}

/**
 * A uuid no row has. Filtering on it matches nothing: the organization of an
 * anonymous context, `mine` without a viewer, a filter id that does not decode.
 */
export const NO_MATCH_ID = '00000000-0000-0000-0000-000000000000';

export function viewerContext(deps: AppDeps, viewer: Viewer | null, request: HubContext['request'] = {}): HubContext {
  const organizationId = viewer?.organizationId ?? NO_MATCH_ID;
  return {
    deps,
    organizationId,
    viewer,
    actor: viewer?.kind === 'API_KEY' ? { type: 'API_KEY', userId: null, apiKeyId: viewer.id } : { type: 'USER', userId: viewer?.id ?? null },
    db: tenantClient(deps.db.prisma, organizationId),
    request,
  };
}

/** Context for webhooks and background jobs acting inside one organization. */
export function systemContext(deps: AppDeps, organizationId: string, type: ActorType = 'SYSTEM', request: HubContext['request'] = {}): HubContext {
  return { deps, organizationId, viewer: null, actor: { type, userId: null }, db: tenantClient(deps.db.prisma, organizationId), request };
}

/** True when the viewer is an API key holding `scope`. */
export function hasScope(viewer: Viewer | null, scope: ApiKeyScope): boolean {
  return viewer?.kind === 'API_KEY' && (viewer.scopes ?? []).includes(scope);
}
