/**
 * Microsoft Graph calls for Outlook channels: an app-only access token taken
 * with the OAuth 2.0 client credentials flow and cached in `io.cache`, and a
 * small request helper that turns Graph's error envelope into
 * {@link GraphApiError}.
 *
 * Token (Microsoft identity platform, "OAuth 2.0 client credentials flow",
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow):
 *
 * ```
 * POST {microsoftLogin}/{tenantId}/oauth2/v2.0/token
 * Content-Type: application/x-www-form-urlencoded
 * client_id=…&client_secret=…&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials
 * → 200 { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: "eyJ0…" }
 * → 400/401 { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided. …",
 *             error_codes: [7000215], timestamp, trace_id, correlation_id, error_uri }
 * ```
 *
 * Graph errors ("Microsoft Graph error responses and resource types",
 * https://learn.microsoft.com/graph/errors): any non-2xx status with
 * `{ error: { code: "ErrorItemNotFound", message: "…", innerError: { date, request-id, client-request-id } } }`;
 * 429 and 503 carry `Retry-After` in seconds ("Microsoft Graph throttling guidance").
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AdapterIO } from '../types.js';
import type { OutlookConfig } from './config.js';
import { retryAfterSeconds } from '../http.js';

/** Scope of an app-only Graph token. */
export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
/** A cached token is dropped this many seconds before it expires (never more than half its lifetime). */
export const TOKEN_EXPIRY_MARGIN_SECONDS = 300;

/**
 * A failed Graph or token call.
 * `status` is the HTTP status, 0 when no answer came (network error, timeout).
 * `code` is Graph's `error.code` (e.g. "ErrorItemNotFound", "ApplicationThrottled")
 * or the identity platform's `error` (e.g. "invalid_client"); null when the body had none.
 */
export class GraphApiError extends Error {
  constructor(
    message: string,
    public readonly status: number,
    public readonly code: string | null,
    public readonly providerError?: unknown,
    /** Seconds from `Retry-After`, when given. */
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GraphApiError';
  }

  /** Network errors, timeouts, 429 and 5xx may succeed later. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

const tokenResponseSchema = z.looseObject({
  token_type: z.string(),
  expires_in: z.coerce.number().int().positive(),
  access_token: z.string().min(1),
});

const identityErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
});

const graphErrorSchema = z.looseObject({
  error: z.looseObject({ code: z.string(), message: z.string().optional() }),
});

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkError(what: string, err: unknown): GraphApiError {
  const e = err as Error;
  const reason = e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 'timed out' : `failed: ${e?.message ?? String(err)}`;
  return new GraphApiError(`${what} ${reason}`, 0, null);
}

function tokenCacheKey(config: Pick<OutlookConfig, 'tenantId' | 'clientId' | 'clientSecret'>): string {
  // The secret's hash is part of the key so a rotated secret never reuses a token taken with the old one.
  const secretTag = createHash('sha256').update(config.clientSecret).digest('hex').slice(0, 16);
  return `outlook:token:${config.tenantId}:${config.clientId}:${secretTag}`;
}

/** Token requests in flight, per cache, so concurrent calls share one request. */
const inFlight = new WeakMap<AdapterIO['cache'], Map<string, Promise<string>>>();

type TokenConfig = Pick<OutlookConfig, 'tenantId' | 'clientId' | 'clientSecret'>;

/**
 * An app-only Graph access token for the channel's app registration: from
 * `io.cache` while it has more than the margin left, else a new one.
 * @throws GraphApiError when the identity platform refuses (e.g. 401 invalid_client) or cannot be reached
 */
export async function getAccessToken(config: TokenConfig, io: AdapterIO): Promise<string> {
  const key = tokenCacheKey(config);
  const cached = io.cache.get(key);
  if (cached && cached.expiresAt > io.now().getTime() && typeof cached.value === 'string') return cached.value;

  let pending = inFlight.get(io.cache);
  if (!pending) {
    pending = new Map();
    inFlight.set(io.cache, pending);
  }
  const running = pending.get(key);
  if (running) return running;
  const p = requestToken(config, io, key).finally(() => pending.delete(key));
  pending.set(key, p);
  return p;
}

async function requestToken(config: TokenConfig, io: AdapterIO, key: string): Promise<string> {
  const url = `${io.urls.microsoftLogin}/${encodeURIComponent(config.tenantId)}/oauth2/v2.0/token`;
  const form = new URLSearchParams({
    client_id: config.clientId,
    client_secret: config.clientSecret,
    scope: GRAPH_DEFAULT_SCOPE,
    grant_type: 'client_credentials',
  });
  let res: Response;
  let text: string;
  try {
    res = await io.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    text = await res.text();
  } catch (err) {
    throw networkError('Microsoft token request', err);
  }
  const json = parseJson(text);
  if (!res.ok) {
    const e = identityErrorSchema.safeParse(json);
    const retryAfter = retryAfterSeconds(res.headers.get('retry-after'), io.now());
    if (e.success) {
      // error_description starts with the AADSTS code and never contains the secret.
      const desc = (e.data.error_description ?? '').split(/\r?\n/)[0]!.slice(0, 300);
      throw new GraphApiError(`Microsoft token request refused (${e.data.error}): ${desc}`, res.status, e.data.error, e.data, retryAfter);
    }
    throw new GraphApiError(`Microsoft token request answered HTTP ${res.status}`, res.status, null, undefined, retryAfter);
  }
  const ok = tokenResponseSchema.safeParse(json);
  if (!ok.success || ok.data.token_type.toLowerCase() !== 'bearer') {
    throw new GraphApiError('Microsoft token request answered an unexpected body', res.status, null);
  }
  const lifetime = ok.data.expires_in;
  const margin = Math.min(TOKEN_EXPIRY_MARGIN_SECONDS, Math.floor(lifetime / 2));
  io.cache.set(key, { value: ok.data.access_token, expiresAt: io.now().getTime() + (lifetime - margin) * 1000 });
  return ok.data.access_token;
}

/** Forgets the channel's cached token (after Graph refused it with 401). */
export function clearAccessToken(config: TokenConfig, io: AdapterIO): void {
  io.cache.delete(tokenCacheKey(config));
}

/**
 * Resolves a Graph path (starting with '/') against `io.urls.graph`, or checks
 * that an absolute URL Graph gave us (nextLink, deltaLink) is under that same
 * base, so the bearer token never goes to another host.
 * @throws GraphApiError (status 0) for a URL outside the Graph base
 */
export function graphUrl(io: AdapterIO, pathOrUrl: string): string {
  if (pathOrUrl.startsWith('/')) return `${io.urls.graph}${pathOrUrl}`;
  let u: URL;
  let base: URL;
  try {
    u = new URL(pathOrUrl);
    base = new URL(io.urls.graph);
  } catch {
    throw new GraphApiError('not a Graph URL', 0, null);
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  if (u.origin !== base.origin || u.username || u.password || !(u.pathname === basePath || u.pathname.startsWith(`${basePath}/`))) {
    throw new GraphApiError(`URL ${u.origin}${u.pathname} is not under the configured Graph base; not followed`, 0, null);
  }
  return u.toString();
}

/** The path of a mailbox user, e.g. "/users/8f14e45f-…". */
export function userPath(config: Pick<OutlookConfig, 'mailboxUserId'>): string {
  return `/users/${encodeURIComponent(config.mailboxUserId)}`;
}

export interface GraphRequestInit {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
}

async function errorFromResponse(res: Response, what: string, io: AdapterIO): Promise<GraphApiError> {
  const text = await res.text().catch(() => '');
  const json = parseJson(text);
  const retryAfter = retryAfterSeconds(res.headers.get('retry-after'), io.now());
  const ge = graphErrorSchema.safeParse(json);
  if (ge.success) {
    const msg = ge.data.error.message ? `: ${ge.data.error.message.slice(0, 300)}` : '';
    return new GraphApiError(`${what} answered HTTP ${res.status} ${ge.data.error.code}${msg}`, res.status, ge.data.error.code, ge.data.error, retryAfter);
  }
  return new GraphApiError(`${what} answered HTTP ${res.status}`, res.status, null, undefined, retryAfter);
}

/**
 * One Graph call with the channel's app token. A 401 clears the cached token
 * and is tried once more with a new token (401 means nothing was done).
 * @returns the 2xx response, body unread
 * @throws GraphApiError for any other status, a token failure or a network error
 */
export async function graphFetch(config: OutlookConfig, io: AdapterIO, pathOrUrl: string, init: GraphRequestInit = {}): Promise<Response> {
  const url = graphUrl(io, pathOrUrl);
  const method = init.method ?? 'GET';
  const what = `Graph ${method} ${new URL(url).pathname}`;
  for (let attempt = 0; ; attempt++) {
    const token = await getAccessToken(config, io);
    let res: Response;
    try {
      res = await io.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
      });
    } catch (err) {
      throw networkError(what, err);
    }
    if (res.ok) return res;
    const error = await errorFromResponse(res, what, io);
    if (res.status === 401) {
      clearAccessToken(config, io);
      if (attempt === 0) continue;
    }
    throw error;
  }
}

/**
 * {@link graphFetch} and read the JSON answer (undefined for an empty body, e.g. 202/204).
 * @throws GraphApiError also when a non-empty body is not JSON
 */
export async function graphJson(config: OutlookConfig, io: AdapterIO, pathOrUrl: string, init: GraphRequestInit = {}): Promise<unknown> {
  const res = await graphFetch(config, io, pathOrUrl, init);
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw networkError(`Graph ${init.method ?? 'GET'} body`, err);
  }
  if (!text) return undefined;
  const json = parseJson(text);
  if (json === undefined) throw new GraphApiError(`Graph answered HTTP ${res.status} with a body that is not JSON`, res.status, null);
  return json;
}
