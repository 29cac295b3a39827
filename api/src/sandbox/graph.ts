/**
 * A loopback stand-in for Microsoft Graph (Outlook mail) and the Microsoft
 * identity platform token endpoint, for tests, the e2e suite and the demo's
 * provider sandbox. A real node:http server on 127.0.0.1 (ephemeral port)
 * speaking the real wire formats:
 *
 * Identity platform (MICROSOFT_LOGIN_BASE_URL = `url`):
 * - `POST /{tenantId}/oauth2/v2.0/token` (form: client_id, client_secret,
 *   scope=…/.default, grant_type=client_credentials)
 *   → 200 `{ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token }`;
 *   unknown tenant 400 `invalid_request` (AADSTS90002), unknown client 400
 *   `unauthorized_client` (AADSTS700016), wrong secret 401 `invalid_client`
 *   (AADSTS7000215), bad scope 400 `invalid_scope`, other grant 400 `unsupported_grant_type`.
 *
 * Graph v1.0 (GRAPH_BASE_URL = `graphUrl` = `url` + "/v1.0"), every call with
 * `Authorization: Bearer <token from above>` else 401
 * `{ error: { code: "InvalidAuthenticationToken", message, innerError } }`:
 * - `GET /users/{id}` → the user (`Request_ResourceNotFound` 404 if unknown)
 * - `GET /users/{id}/messages/{mid}[?$select=…]` → a registered message (only the
 *   selected properties); 404 `ErrorItemNotFound`; unknown user 404 `ErrorInvalidUser`
 * - `GET …/messages/{mid}/attachments[?$select=…]` → `{ value: [attachment metadata] }`
 * - `GET …/messages/{mid}/attachments/{aid}/$value` → the bytes with their Content-Type
 * - `POST …/messages/{mid}/reply` `{ comment? , message? }` → 202 (recorded in `sent`)
 * - `POST /users/{id}/sendMail` `{ message: { subject, body, toRecipients }, saveToSentItems }`
 *   → 202 (recorded); no recipients 400 `ErrorInvalidRecipients`
 * - `GET /users/{id}/mailFolders/inbox/messages/delta` (also `mailFolders('inbox')`)
 *   with `$select`, `$filter=receivedDateTime ge …`, `Prefer: odata.maxpagesize=N`
 *   → pages with `@odata.nextLink` (`$skiptoken`), the last with
 *   `@odata.deltaLink` (`$deltatoken`); following the deltaLink returns only
 *   messages registered after it was issued.
 * - `POST /subscriptions` → 201 subscription JSON (expiration checked against
 *   10 080 minutes; optionally validates notificationUrl with `?validationToken=`
 *   like Graph); `PATCH /subscriptions/{id}` → 200; `DELETE` → 204; unknown id 404 `ResourceNotFound`.
 *
 * Test hooks: `failNext(status, { retryAfter })` answers the next Graph call
 * (or token call) with that status and a Graph error envelope; `revokeTokens()`
 * invalidates issued tokens; `deliverNewMail(message)` registers a message and
 * POSTs a `created` change notification to the hub (to `opts.notify`, else to
 * the notificationUrl of a subscription created through this fake);
 * `sendLifecycle(event)` POSTs a lifecycle notification.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_PROVIDERS } from '../demo/data/channels.js';

/** A Graph message as `GET /users/{id}/messages/{id}` returns it (see test/fixtures/providers/graph/message-*.json). */
export type GraphMessageJson = { id: string } & Record<string, unknown>;

/** An attachment the fake serves: Graph metadata plus the bytes. */
export interface SandboxAttachment {
  id: string;
  name: string;
  contentType: string;
  bytes: Buffer;
  isInline?: boolean;
  contentId?: string | null;
  /** Default "#microsoft.graph.fileAttachment". */
  odataType?: string;
}

export interface GraphSandboxUser {
  id: string;
  mail: string;
  displayName?: string;
}

export interface GraphSandboxOptions {
  /** Accepted app credentials; default the demo channel's (api/src/demo/data/channels.ts). */
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Known mailbox users; default the demo mailbox. */
  users?: GraphSandboxUser[];
  /** Token lifetime in seconds; default 3599. */
  tokenLifetimeSeconds?: number;
  /**
   * Where `deliverNewMail` / `sendLifecycle` post when given (demo): the hub's
   * real `/webhooks/outlook` URL and the channel's clientState and subscription id.
   * Without it they post to the URLs of a subscription created through this fake.
   */
  notify?: { hubWebhookUrl: string; clientState: string; subscriptionId: string; tenantId?: string };
  /** Like Graph, POST `?validationToken=` to notificationUrl/lifecycleNotificationUrl when a subscription is created; default false. */
  validateNotificationUrls?: boolean;
}

export interface RecordedGraphRequest {
  method: string;
  /** Path and query as received, e.g. "/v1.0/users/8f14…/messages/AAMk…?$select=…" */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON or form (object), raw text otherwise, undefined when empty. */
  body: unknown;
}

export interface SandboxSentMail {
  kind: 'reply' | 'sendMail';
  userId: string;
  /** The message replied to (reply only). */
  replyTo?: string;
  /** The request body as sent. */
  body: Record<string, unknown>;
}

export interface SandboxSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expirationDateTime: string;
}

export interface SandboxNotification {
  url: string;
  body: unknown;
  /** The hub's HTTP status, 0 when it could not be reached. */
  status: number;
}

export interface GraphSandbox {
  /** Origin, e.g. "http://127.0.0.1:53111": use as MICROSOFT_LOGIN_BASE_URL. */
  url: string;
  /** `url` + "/v1.0": use as GRAPH_BASE_URL. */
  graphUrl: string;
  /** Every request received, in order, including refused ones. */
  requests: RecordedGraphRequest[];
  /** Replies and sendMail calls accepted, in order. */
  sent: SandboxSentMail[];
  /** Live subscriptions by id. */
  subscriptions: Map<string, SandboxSubscription>;
  /** Notifications posted to the hub, in order. */
  notifications: SandboxNotification[];
  /** Tokens issued so far. */
  readonly tokenRequests: number;
  /** Registers (or replaces) a message in a user's inbox; default user the first one. */
  addMessage(message: GraphMessageJson, opts?: { userId?: string; attachments?: SandboxAttachment[] }): void;
  removeMessage(id: string): void;
  /** Answers the next Graph call (target 'graph', default) or token call with this status and error envelope. */
  failNext(status: number, opts?: { retryAfter?: number; code?: string; message?: string; target?: 'graph' | 'token' }): void;
  /** Every issued token stops working (Graph answers 401). */
  revokeTokens(): void;
  /** Removes a subscription as if Graph had dropped it (PATCH answers 404 afterwards). */
  dropSubscription(id: string): void;
  /** Registers the message and POSTs a `created` notification for it; null when there is nowhere to post. */
  deliverNewMail(message: GraphMessageJson, opts?: { userId?: string; attachments?: SandboxAttachment[] }): Promise<SandboxNotification | null>;
  /** POSTs a lifecycle notification (reauthorizationRequired | subscriptionRemoved | missed). */
  sendLifecycle(event: string, opts?: { subscriptionId?: string }): Promise<SandboxNotification | null>;
  close(): Promise<void>;
}

/** Input of {@link buildGraphMessage}. */
export interface GraphMessageInput {
  id?: string;
  from: { address: string; name?: string };
  to?: { address: string; name?: string };
  subject: string;
  /** HTML body; when absent `text` is sent as a text body. */
  html?: string;
  text?: string;
  /** The new part of the body (Graph uniqueBody); default the body. */
  uniqueHtml?: string;
  conversationId?: string;
  internetMessageId?: string;
  inReplyTo?: string;
  references?: string[];
  receivedDateTime?: string;
  hasAttachments?: boolean;
}

function graphId(prefix = 'AAMkAGI2'): string {
  return `${prefix}${randomBytes(12).toString('base64url')}AAA=`;
}

/** A complete Graph message JSON (as Graph returns it), for the demo and tests. */
export function buildGraphMessage(input: GraphMessageInput): GraphMessageJson {
  const id = input.id ?? graphId();
  const internetMessageId = input.internetMessageId ?? `<${randomBytes(8).toString('hex').toUpperCase()}@sandbox.mail.example>`;
  const received = input.receivedDateTime ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = input.html !== undefined ? { contentType: 'html', content: input.html } : { contentType: 'text', content: input.text ?? '' };
  const uniqueBody = input.uniqueHtml !== undefined ? { contentType: 'html', content: input.uniqueHtml } : body;
  const headers = [
    { name: 'Message-ID', value: internetMessageId },
    ...(input.inReplyTo ? [{ name: 'In-Reply-To', value: input.inReplyTo }] : []),
    ...(input.references?.length ? [{ name: 'References', value: input.references.join(' ') }] : []),
    { name: 'Subject', value: input.subject },
  ];
  const from = { emailAddress: { name: input.from.name ?? input.from.address, address: input.from.address } };
  const to = input.to ?? { address: DEMO_PROVIDERS.outlook.mailboxAddress, name: 'ChargeCars Klantenservice' };
  return {
    id,
    receivedDateTime: received,
    sentDateTime: received,
    hasAttachments: input.hasAttachments ?? false,
    internetMessageId,
    subject: input.subject,
    conversationId: input.conversationId ?? `AAQkAGI2${randomBytes(9).toString('base64url')}`,
    body,
    uniqueBody,
    sender: from,
    from,
    toRecipients: [{ emailAddress: { name: to.name ?? to.address, address: to.address } }],
    internetMessageHeaders: headers,
  };
}

const MAX_EXPIRATION_MINUTES = 10_080;

interface StoredMessage {
  userId: string;
  message: GraphMessageJson;
  attachments: SandboxAttachment[];
  seq: number;
}

interface Failure {
  status: number;
  retryAfter?: number;
  code?: string;
  message?: string;
  target: 'graph' | 'token';
}

function defaultCode(status: number): { code: string; message: string } {
  if (status === 429) return { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' };
  if (status === 503) return { code: 'ServiceUnavailable', message: 'Service Unavailable' };
  if (status === 401) return { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' };
  if (status === 403) return { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' };
  if (status === 404) return { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' };
  if (status >= 500) return { code: 'InternalServerError', message: 'An internal server error occurred.' };
  return { code: 'BadRequest', message: 'Bad request.' };
}

function selectProps(obj: Record<string, unknown>, select: string | null): Record<string, unknown> {
  if (!select) return obj;
  const keep = new Set(select.split(',').map((s) => s.trim().toLowerCase()));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'id' || k.startsWith('@odata.') || keep.has(k.toLowerCase())) out[k] = v;
  }
  return out;
}

/** Path segments after the version, decoded; `mailFolders('inbox')` becomes `mailFolders`, `inbox`. */
function segmentsOf(pathname: string): string[] | null {
  const out: string[] = [];
  for (const raw of pathname.split('/').filter((s) => s !== '')) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return null;
    }
    const folder = /^mailFolders\('([^']+)'\)$/i.exec(s);
    if (folder) out.push('mailFolders', folder[1]!);
    else out.push(s);
  }
  return out;
}

/**
 * Starts the fake on 127.0.0.1:0.
 * @returns the handle; call `close()` when done (cancels nothing else: the fake keeps no timers)
 */
export async function startGraphSandbox(opts: GraphSandboxOptions = {}): Promise<GraphSandbox> {
  const demo = DEMO_PROVIDERS.outlook;
  const tenantId = opts.tenantId ?? demo.tenantId;
  const clientId = opts.clientId ?? demo.clientId;
  const clientSecret = opts.clientSecret ?? demo.clientSecret;
  const users = opts.users ?? [{ id: demo.mailboxUserId, mail: demo.mailboxAddress, displayName: 'ChargeCars Klantenservice' }];
  const lifetime = opts.tokenLifetimeSeconds ?? 3599;

  const requests: RecordedGraphRequest[] = [];
  const sent: SandboxSentMail[] = [];
  const subscriptions = new Map<string, SandboxSubscription>();
  const notifications: SandboxNotification[] = [];
  const messages = new Map<string, StoredMessage>();
  const tokens = new Map<string, number>();
  const failures: Failure[] = [];
  let tokenCount = 0;
  let seq = 0;
  let origin = '';
  let graphBase = '';

  const findUser = (id: string) => users.find((u) => u.id.toLowerCase() === id.toLowerCase() || u.mail.toLowerCase() === id.toLowerCase());

  function json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8', ...headers });
    res.end(JSON.stringify(payload));
  }
  function graphError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    json(
      res,
      status,
      { error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } },
      headers,
    );
  }
  function identityError(res: ServerResponse, status: number, error: string, code: number, description: string): void {
    const trace = randomUUID();
    json(res, status, {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString().replace('T', ' ').replace('Z', 'Z')}`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace('T', ' '),
      trace_id: trace,
      correlation_id: randomUUID(),
      error_uri: `${origin}/error?code=${code}`,
    });
  }
  function accepted(res: ServerResponse): void {
    if (res.destroyed) return;
    res.writeHead(202, { 'content-length': '0' });
    res.end();
  }

  function handleToken(res: ServerResponse, tenant: string, body: unknown): void {
    const forced = failures[0]?.target === 'token' ? failures.shift() : undefined;
    if (forced) {
      const headers: Record<string, string> = forced.retryAfter !== undefined ? { 'retry-after': String(forced.retryAfter) } : {};
      json(
        res,
        forced.status,
        { error: forced.code ?? 'temporarily_unavailable', error_description: forced.message ?? 'AADSTS50196: The server is temporarily unavailable.' },
        headers,
      );
      return;
    }
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, string>;
    if (tenant.toLowerCase() !== tenantId.toLowerCase()) {
      identityError(res, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
      return;
    }
    if (form.grant_type !== 'client_credentials') {
      identityError(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      return;
    }
    if (form.client_id !== clientId) {
      identityError(res, 400, 'unauthorized_client', 700016, `Application with identifier '${form.client_id ?? ''}' was not found in the directory '${tenant}'.`);
      return;
    }
    if (form.client_secret !== clientSecret) {
      identityError(
        res,
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
      return;
    }
    if (!form.scope || !/\/\.default$/.test(form.scope)) {
      identityError(
        res,
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${form.scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
      return;
    }
    const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.${randomBytes(24).toString('base64url')}.sandbox`;
    tokens.set(token, Date.now() + lifetime * 1000);
    tokenCount++;
    json(res, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
  }

  async function validateUrl(url: string): Promise<boolean> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    try {
      const u = new URL(url);
      u.searchParams.set('validationToken', token);
      const r = await fetch(u, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '', signal: AbortSignal.timeout(10_000) });
      return r.status === 200 && (await r.text()) === token;
    } catch {
      return false;
    }
  }

  async function handleGraph(method: string, url: URL, segs: string[], headers: IncomingHttpHeaders, body: unknown, res: ServerResponse): Promise<void> {
    const forced = failures[0]?.target === 'graph' ? failures.shift() : undefined;
    if (forced) {
      const d = defaultCode(forced.status);
      const h: Record<string, string> = forced.retryAfter !== undefined ? { 'retry-after': String(forced.retryAfter) } : {};
      return graphError(res, forced.status, forced.code ?? d.code, forced.message ?? d.message, h);
    }
    const auth = headers.authorization;
    if (!auth || !/^Bearer\s+/i.test(auth)) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const expires = tokens.get(auth.replace(/^Bearer\s+/i, ''));
    if (expires === undefined) return graphError(res, 401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.).');
    if (expires < Date.now()) return graphError(res, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');

    const [root, userIdSeg, ...rest] = segs;
    const lower = rest.map((s) => s.toLowerCase());

    // Subscriptions.
    if (root?.toLowerCase() === 'subscriptions') {
      return handleSubscriptions(method, userIdSeg, body, res);
    }
    if (root?.toLowerCase() !== 'users' || !userIdSeg) {
      return graphError(res, 400, 'BadRequest', `Resource not found for the segment '${root ?? ''}'.`);
    }
    const user = findUser(userIdSeg);
    if (rest.length === 0 && method === 'GET') {
      if (!user)
        return graphError(res, 404, 'Request_ResourceNotFound', `Resource '${userIdSeg}' does not exist or one of its queried reference-property objects are not present.`);
      return json(
        res,
        200,
        selectProps(
          {
            '@odata.context': `${graphBase}/$metadata#users/$entity`,
            businessPhones: [],
            displayName: user.displayName ?? user.mail,
            mail: user.mail,
            userPrincipalName: user.mail,
            preferredLanguage: 'nl-NL',
            id: user.id,
          },
          url.searchParams.get('$select'),
        ),
      );
    }
    if (!user) return graphError(res, 404, 'ErrorInvalidUser', `The requested user '${userIdSeg}' is invalid.`);

    // sendMail
    if (lower.length === 1 && lower[0] === 'sendmail' && method === 'POST') {
      const b = body as { message?: { toRecipients?: Array<{ emailAddress?: { address?: string } }>; body?: { contentType?: string; content?: string } } } | undefined;
      if (typeof body !== 'object' || body === null || !b?.message) return graphError(res, 400, 'ErrorInvalidRequest', 'Empty Payload. JSON content expected.');
      const recipients = b.message.toRecipients ?? [];
      if (recipients.length === 0)
        return graphError(res, 400, 'ErrorInvalidRecipients', "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
      const bad = recipients.find((r) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(r.emailAddress?.address ?? ''));
      if (bad)
        return graphError(
          res,
          400,
          'ErrorInvalidRecipients',
          `At least one recipient is not valid., Recipient '${bad.emailAddress?.address ?? ''}' is not resolved. All recipients must be resolved before a message can be submitted.`,
        );
      if (b.message.body && !/^(html|text)$/i.test(b.message.body.contentType ?? 'text')) {
        return graphError(res, 400, 'RequestBodyRead', `Requested value '${b.message.body.contentType}' was not found.`);
      }
      sent.push({ kind: 'sendMail', userId: user.id, body: body as Record<string, unknown> });
      return accepted(res);
    }

    // Delta.
    if (lower[0] === 'mailfolders' && lower[1] === 'inbox' && lower[2] === 'messages' && lower[3] === 'delta' && lower.length === 4 && method === 'GET') {
      return handleDelta(user, url, headers, res);
    }

    if (lower[0] !== 'messages' || rest.length < 2) return graphError(res, 400, 'BadRequest', `Resource not found for the segment '${rest[0] ?? ''}'.`);
    const mid = rest[1]!;
    const stored = messages.get(mid);
    if (!stored || stored.userId !== user.id) return graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

    if (rest.length === 2 && method === 'GET') {
      return json(res, 200, {
        '@odata.context': `${graphBase}/$metadata#users('${user.id}')/messages/$entity`,
        ...selectProps(stored.message, url.searchParams.get('$select')),
      });
    }
    if (lower[2] === 'reply' && rest.length === 3 && method === 'POST') {
      if (typeof body !== 'object' || body === null) return graphError(res, 400, 'ErrorInvalidRequest', 'Empty Payload. JSON content expected.');
      const b = body as { comment?: unknown; message?: { body?: { contentType?: string; content?: unknown } } };
      if (b.comment === undefined && b.message === undefined) return graphError(res, 400, 'ErrorInvalidRequest', 'The request must contain either a comment or a message.');
      if (b.comment !== undefined && b.message?.body !== undefined) {
        return graphError(res, 400, 'ErrorInvalidRequest', 'Comment and message body cannot both be specified.');
      }
      if (b.message?.body && (!/^(html|text)$/i.test(b.message.body.contentType ?? 'text') || typeof b.message.body.content !== 'string')) {
        return graphError(res, 400, 'RequestBodyRead', 'Invalid message body.');
      }
      sent.push({ kind: 'reply', userId: user.id, replyTo: mid, body: body as Record<string, unknown> });
      return accepted(res);
    }
    if (lower[2] === 'attachments' && method === 'GET') {
      if (rest.length === 3) {
        return json(res, 200, {
          '@odata.context': `${graphBase}/$metadata#users('${user.id}')/messages('${mid}')/attachments`,
          value: stored.attachments.map((a) =>
            selectProps(
              {
                '@odata.type': a.odataType ?? '#microsoft.graph.fileAttachment',
                '@odata.mediaContentType': a.contentType,
                id: a.id,
                lastModifiedDateTime: stored.message.receivedDateTime ?? new Date().toISOString(),
                name: a.name,
                contentType: a.contentType,
                size: a.bytes.length,
                isInline: a.isInline ?? false,
                contentId: a.contentId ?? null,
              },
              url.searchParams.get('$select'),
            ),
          ),
        });
      }
      const att = stored.attachments.find((a) => a.id === rest[3]);
      if (!att) return graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      if (rest.length === 5 && rest[4] === '$value') {
        if (res.destroyed) return;
        res.writeHead(200, {
          'content-type': att.contentType,
          'content-length': String(att.bytes.length),
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(att.name)}`,
        });
        res.end(att.bytes);
        return;
      }
      if (rest.length === 4) {
        return json(res, 200, {
          '@odata.type': att.odataType ?? '#microsoft.graph.fileAttachment',
          id: att.id,
          name: att.name,
          contentType: att.contentType,
          size: att.bytes.length,
          isInline: att.isInline ?? false,
          contentId: att.contentId ?? null,
          contentBytes: att.bytes.toString('base64'),
        });
      }
    }
    return graphError(res, 405, 'ErrorInvalidRequest', `The OData request is not supported: ${method} ${url.pathname}`);
  }

  function handleDelta(user: GraphSandboxUser, url: URL, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const pageSize = Number(/odata\.maxpagesize=(\d+)/i.exec(String(headers.prefer ?? ''))?.[1] ?? 10) || 10;
    let state: { low: number; high: number; since?: string; select?: string | null; offset: number };
    const skip = url.searchParams.get('$skiptoken');
    const delta = url.searchParams.get('$deltatoken');
    try {
      if (skip) state = JSON.parse(Buffer.from(skip, 'base64url').toString('utf8'));
      else if (delta) state = { ...JSON.parse(Buffer.from(delta, 'base64url').toString('utf8')), high: seq, offset: 0 };
      else {
        const filter = url.searchParams.get('$filter');
        let since: string | undefined;
        if (filter) {
          const m = /^receivedDateTime\s+(ge|gt)\s+(\S+)$/i.exec(filter.trim());
          if (!m || Number.isNaN(Date.parse(m[2]!))) {
            graphError(res, 400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
            return;
          }
          since = new Date(m[2]!).toISOString();
        }
        state = { low: 0, high: seq, since, select: url.searchParams.get('$select'), offset: 0 };
      }
    } catch {
      graphError(res, 410, 'SyncStateNotFound', 'The sync state generation is not found. Please retry without the sync state.');
      return;
    }
    const items = [...messages.values()]
      .filter((m) => m.userId === user.id && m.seq > state.low && m.seq <= state.high)
      .filter((m) => !state.since || Date.parse(String(m.message.receivedDateTime ?? 0)) >= Date.parse(state.since))
      .sort((a, b) => a.seq - b.seq);
    const page = items.slice(state.offset, state.offset + pageSize);
    const base = `${graphBase}/users/${user.id}/mailFolders('inbox')/messages/delta`;
    const payload: Record<string, unknown> = {
      '@odata.context': `${graphBase}/$metadata#Collection(message)`,
      value: page.map((m) => ({ '@odata.type': '#microsoft.graph.message', ...selectProps(m.message, state.select ?? null) })),
    };
    if (state.offset + pageSize < items.length) {
      const next = { ...state, offset: state.offset + pageSize };
      payload['@odata.nextLink'] = `${base}?$skiptoken=${Buffer.from(JSON.stringify(next)).toString('base64url')}`;
    } else {
      const token = { low: state.high, since: state.since, select: state.select };
      payload['@odata.deltaLink'] = `${base}?$deltatoken=${Buffer.from(JSON.stringify(token)).toString('base64url')}`;
    }
    json(res, 200, payload, { 'preference-applied': `odata.maxpagesize=${pageSize}` });
  }

  function subscriptionJson(s: SandboxSubscription): Record<string, unknown> {
    return {
      '@odata.context': `${graphBase}/$metadata#subscriptions/$entity`,
      id: s.id,
      resource: s.resource,
      applicationId: clientId,
      changeType: s.changeType,
      clientState: s.clientState ?? null,
      notificationUrl: s.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
      expirationDateTime: s.expirationDateTime,
      creatorId: clientId,
      includeResourceData: null,
      latestSupportedTlsVersion: 'v1_2',
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }

  function checkExpiration(value: unknown): string | null {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return 'expirationDateTime is required and must be a date.';
    const at = Date.parse(value);
    if (at <= Date.now()) return 'Subscription expiration must be in the future.';
    if (at > Date.now() + MAX_EXPIRATION_MINUTES * 60_000 + 60_000) return `Subscription expiration can only be ${MAX_EXPIRATION_MINUTES} minutes in the future.`;
    return null;
  }

  async function handleSubscriptions(method: string, id: string | undefined, body: unknown, res: ServerResponse): Promise<void> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (!id && method === 'POST') {
      const invalid = (m: string) => graphError(res, 400, 'InvalidRequest', m);
      if (typeof b.changeType !== 'string' || !b.changeType.split(',').every((c) => ['created', 'updated', 'deleted'].includes(c.trim()))) return invalid('Invalid changeType.');
      if (typeof b.notificationUrl !== 'string' || !/^https?:\/\//.test(b.notificationUrl)) return invalid('Invalid notification URL.');
      if (b.lifecycleNotificationUrl !== undefined && (typeof b.lifecycleNotificationUrl !== 'string' || !/^https?:\/\//.test(b.lifecycleNotificationUrl)))
        return invalid('Invalid lifecycle notification URL.');
      if (typeof b.clientState === 'string' && b.clientState.length > 128) return invalid('clientState must be at most 128 characters.');
      const m =
        typeof b.resource === 'string'
          ? (/^\/?users\/([^/]+)\/mailFolders\('inbox'\)\/messages$/i.exec(b.resource) ?? /^\/?users\/([^/]+)\/mailFolders\/inbox\/messages$/i.exec(b.resource))
          : null;
      if (!m || !findUser(m[1]!))
        return graphError(res, 404, 'ResourceNotFound', `Resource '${String(b.resource)}' does not exist or one of its queried reference-property objects are not present.`);
      const expErr = checkExpiration(b.expirationDateTime);
      if (expErr) return invalid(expErr);
      if (opts.validateNotificationUrls) {
        for (const u of [b.notificationUrl, b.lifecycleNotificationUrl]) {
          if (typeof u === 'string' && !(await validateUrl(u))) {
            return invalid('Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.');
          }
        }
      }
      const s: SandboxSubscription = {
        id: randomUUID(),
        resource: b.resource as string,
        changeType: b.changeType,
        notificationUrl: b.notificationUrl,
        ...(typeof b.lifecycleNotificationUrl === 'string' ? { lifecycleNotificationUrl: b.lifecycleNotificationUrl } : {}),
        ...(typeof b.clientState === 'string' ? { clientState: b.clientState } : {}),
        expirationDateTime: new Date(b.expirationDateTime as string).toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}0000Z`),
      };
      subscriptions.set(s.id, s);
      return json(res, 201, subscriptionJson(s));
    }
    if (id) {
      const s = subscriptions.get(id);
      if (!s) return graphError(res, 404, 'ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
      if (method === 'GET') return json(res, 200, subscriptionJson(s));
      if (method === 'DELETE') {
        subscriptions.delete(id);
        if (!res.destroyed) {
          res.writeHead(204);
          res.end();
        }
        return;
      }
      if (method === 'PATCH') {
        const expErr = checkExpiration(b.expirationDateTime);
        if (expErr) return graphError(res, 400, 'InvalidRequest', expErr);
        s.expirationDateTime = new Date(b.expirationDateTime as string).toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}0000Z`);
        return json(res, 200, subscriptionJson(s));
      }
    }
    return graphError(res, 405, 'ErrorInvalidRequest', `The OData request is not supported: ${method} /subscriptions`);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const type = String(req.headers['content-type'] ?? '');
      let body: unknown = raw === '' ? undefined : raw;
      if (raw !== '' && type.includes('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(raw));
      else if (raw !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          /* keep the text */
        }
      }
      const path = req.url ?? '/';
      const method = req.method ?? 'GET';
      requests.push({ method, path, headers: req.headers, body });
      const url = new URL(path, 'http://sandbox.invalid');
      const segs = segmentsOf(url.pathname);
      const done = (p: Promise<void> | void) =>
        Promise.resolve(p).catch((err) => {
          if (!res.headersSent) graphError(res, 500, 'InternalServerError', String((err as Error)?.message ?? err));
        });
      if (!segs) return done(graphError(res, 400, 'BadRequest', 'Malformed path.'));
      if (method === 'POST' && segs.length === 4 && segs[1] === 'oauth2' && segs[2] === 'v2.0' && segs[3] === 'token') {
        return done(handleToken(res, segs[0]!, body));
      }
      if (segs[0] === 'v1.0') return done(handleGraph(method, url, segs.slice(1), req.headers, body, res));
      return done(graphError(res, 404, 'UnknownError', `No such endpoint: ${method} ${url.pathname}`));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  graphBase = `${origin}/v1.0`;

  function addMessage(message: GraphMessageJson, o: { userId?: string; attachments?: SandboxAttachment[] } = {}): void {
    const userId = o.userId ? (findUser(o.userId)?.id ?? o.userId) : users[0]!.id;
    const attachments = o.attachments ?? messages.get(message.id)?.attachments ?? [];
    const msg = attachments.length > 0 && message.hasAttachments === undefined ? { ...message, hasAttachments: true } : message;
    messages.set(message.id, { userId, message: msg, attachments, seq: ++seq });
  }

  async function post(url: string, payload: unknown): Promise<SandboxNotification> {
    let status = 0;
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      status = r.status;
      await r.arrayBuffer().catch(() => undefined);
    } catch {
      status = 0;
    }
    const n = { url, body: payload, status };
    notifications.push(n);
    return n;
  }

  function targetFor(userId: string, subscriptionId?: string): { url: string; lifecycleUrl: string; clientState: string; subscriptionId: string; expiration: string } | null {
    if (opts.notify) {
      return {
        url: opts.notify.hubWebhookUrl,
        lifecycleUrl: `${opts.notify.hubWebhookUrl.replace(/\/+$/, '')}/lifecycle`,
        clientState: opts.notify.clientState,
        subscriptionId: subscriptionId ?? opts.notify.subscriptionId,
        expiration: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
      };
    }
    const subs = [...subscriptions.values()].filter((s) => (subscriptionId ? s.id === subscriptionId : s.resource.toLowerCase().includes(userId.toLowerCase())));
    const s = subs[subs.length - 1];
    if (!s) return null;
    return {
      url: s.notificationUrl,
      lifecycleUrl: s.lifecycleNotificationUrl ?? s.notificationUrl,
      clientState: s.clientState ?? '',
      subscriptionId: s.id,
      expiration: s.expirationDateTime,
    };
  }

  return {
    url: origin,
    graphUrl: graphBase,
    requests,
    sent,
    subscriptions,
    notifications,
    get tokenRequests() {
      return tokenCount;
    },
    addMessage,
    removeMessage(id) {
      messages.delete(id);
    },
    failNext(status, o = {}) {
      failures.push({ status, retryAfter: o.retryAfter, code: o.code, message: o.message, target: o.target ?? 'graph' });
    },
    revokeTokens() {
      tokens.clear();
    },
    dropSubscription(id) {
      subscriptions.delete(id);
    },
    async deliverNewMail(message, o = {}) {
      addMessage(message, o);
      const stored = messages.get(message.id)!;
      const target = targetFor(stored.userId);
      if (!target) return null;
      const resource = `Users/${stored.userId}/Messages/${message.id}`;
      return post(target.url, {
        value: [
          {
            id: randomBytes(9).toString('base64url'),
            subscriptionId: target.subscriptionId,
            subscriptionExpirationDateTime: target.expiration,
            clientState: target.clientState,
            changeType: 'created',
            resource,
            tenantId: opts.notify?.tenantId ?? tenantId,
            resourceData: {
              '@odata.type': '#Microsoft.Graph.Message',
              '@odata.id': resource,
              '@odata.etag': String(message['@odata.etag'] ?? `W/"${randomBytes(12).toString('base64')}"`),
              id: message.id,
            },
          },
        ],
      });
    },
    async sendLifecycle(event, o = {}) {
      const target = targetFor(users[0]!.id, o.subscriptionId);
      if (!target) return null;
      return post(target.lifecycleUrl, {
        value: [
          {
            subscriptionId: target.subscriptionId,
            subscriptionExpirationDateTime: target.expiration,
            tenantId: opts.notify?.tenantId ?? tenantId,
            clientState: target.clientState,
            lifecycleEvent: event,
          },
        ],
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
