/**
 * A loopback stand-in for a Chatwoot installation, for tests, the e2e suite
 * and the demo's provider sandbox: a real node:http server on 127.0.0.1 with
 * an ephemeral port, speaking the Chatwoot Application API's wire format.
 *
 * Served (every API call needs the header `api_access_token: <apiAccessToken>`):
 * - `POST /api/v1/accounts/{accountId}/conversations/{conversationId}/messages`
 *   `{ content, message_type: "outgoing"|"incoming", private?, content_type? }`
 *   → 200 the message `{ id, content, inbox_id, conversation_id, message_type: 1,
 *   content_type: "text", status: "sent", content_attributes: {}, created_at: <unix s>,
 *   private, source_id: null, sender: { id, name, type: "user", … } }`;
 *   empty content → 422 `{ error: "Content can't be blank" }`.
 * - `GET /api/v1/profile` → 200 `{ id, name, email, accounts: [{ id, name, role, status }], … }`.
 * - `PUT /api/v1/accounts/{accountId}/contacts/{contactId}` `{ name?, email?, phone_number?, custom_attributes? }`
 *   → 200 `{ payload: contact }` (custom_attributes merged into the stored ones);
 *   an invalid email → 422 `{ message: "Email Invalid email", attributes: ["email"] }`.
 * - `GET /rails/active_storage/blobs/redirect/{key}/{file name}` → the bytes of a
 *   file registered with `addMedia` (no token, like a signed ActiveStorage URL).
 * - missing/wrong token → 401 `{ error: "Invalid Access Token" }`; another account
 *   → 401 `{ error: "You are not authorized to do this action" }`; non-numeric ids or
 *   unknown paths → 404 `{ error: "Resource could not be found" }`; bad JSON → 400.
 *
 * `failNext(status, { count, body, retryAfter })` makes the next API calls
 * answer that status (429 with Retry-After, 5xx …); `requests` records every call.
 *
 * Receipts (`opts.receipts`): after each outgoing message, `delayMs` later
 * the fake POSTs a signed `message_updated` with status "delivered" to the
 * hub's webhook, and `delayMs` after that one with "read" (Chatwoot ≥ 3.x
 * reports channel delivery states this way). `postWebhook` signs and posts
 * any body; `postIncomingMessage` posts a `message_created` like a customer's.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatwootWebhookHeaders } from '../channels/chatwoot/signature.js';

export interface ChatwootReceiptsOptions {
  /** The hub's webhook, e.g. `http://127.0.0.1:4000/webhooks/chatwoot`. */
  hubWebhookUrl: string;
  webhookSecret: string;
  accountId: number;
  /** Delay before "delivered", and again before "read", in milliseconds. */
  delayMs: number;
}

export interface ChatwootSandboxOptions {
  accountId?: number;
  apiAccessToken?: string;
  /** The account's name in payloads (default "ChargeCars"). */
  accountName?: string;
  inboxId?: number;
  /** Identity of the token's user (the agent the hub acts as). */
  agent?: { id: number; name: string; email: string };
  receipts?: ChatwootReceiptsOptions;
}

/** One recorded API call. */
export interface ChatwootSandboxRequest {
  method: string;
  /** Path without the query. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body, undefined when none or not JSON. */
  body: unknown;
  /** The status the fake answered. */
  status: number;
}

/** One webhook the fake posted to the hub (receipts, postWebhook). */
export interface ChatwootPostedWebhook {
  url: string;
  headers: Record<string, string>;
  rawBody: string;
  /** Hub's answer; 0 when the request failed (error set). */
  status: number;
  responseBody: string;
  error?: string;
}

export interface ChatwootSandbox {
  /** Base URL of the fake installation (the channel's `baseUrl`), no trailing slash. */
  url: string;
  accountId: number;
  apiAccessToken: string;
  requests: ChatwootSandboxRequest[];
  /** Messages created through the API, by id. */
  messages: Map<number, Record<string, unknown>>;
  /** Contacts updated through the API, by id. */
  contacts: Map<number, Record<string, unknown>>;
  /** Webhooks posted to the hub, in order. */
  webhooks: ChatwootPostedWebhook[];
  /** The next `count` (default 1) API calls answer `status` with `body` (default a Chatwoot error) and Retry-After when given. */
  failNext(status: number, opts?: { count?: number; body?: unknown; retryAfter?: number }): void;
  /** Registers a file; returns its data_url on this fake (`/rails/active_storage/blobs/redirect/<key>/<fileName>`). */
  addMedia(fileName: string, bytes: Buffer, mimeType: string): string;
  /**
   * Signs `body` like Chatwoot (timestamp default now, delivery id default a UUID) and POSTs it.
   * @param opts.url default receipts.hubWebhookUrl; opts.secret default receipts.webhookSecret
   */
  postWebhook(body: object | string | Buffer, opts?: { url?: string; secret?: string; timestampSeconds?: number; deliveryId?: string }): Promise<ChatwootPostedWebhook>;
  /** POSTs a `message_created` of an incoming customer message (see {@link chatwootIncomingMessagePayload}). */
  postIncomingMessage(input: ChatwootIncomingInput, opts?: { url?: string; secret?: string }): Promise<ChatwootPostedWebhook>;
  /** Resolves when every scheduled receipt has been posted. */
  receiptsSettled(): Promise<void>;
  close(): Promise<void>;
}

export interface ChatwootIncomingInput {
  conversationId: number;
  content: string;
  messageId?: number;
  accountId?: number;
  inboxId?: number;
  contact?: { id: number; name: string; email?: string | null; phone_number?: string | null };
  createdAt?: Date;
}

/** A `message_created` body like Chatwoot's for a customer's message in a web widget conversation. */
export function chatwootIncomingMessagePayload(input: ChatwootIncomingInput, accountName = 'ChargeCars'): Record<string, unknown> {
  const contact = input.contact ?? { id: 9021, name: 'Ruben Mulder', email: 'ruben.mulder@kpnmail.nl', phone_number: '+31611122233' };
  const inboxId = input.inboxId ?? 31;
  const created = input.createdAt ?? new Date();
  const sender = { id: contact.id, name: contact.name, email: contact.email ?? null, phone_number: contact.phone_number ?? null, type: 'contact' };
  return {
    event: 'message_created',
    id: input.messageId ?? 40_000 + Math.floor(Math.random() * 1_000_000),
    content: input.content,
    content_type: 'text',
    content_attributes: {},
    additional_attributes: {},
    message_type: 'incoming',
    private: false,
    source_id: null,
    created_at: created.toISOString(),
    sender: { ...sender, avatar: '' },
    inbox: { id: inboxId, name: 'Website chat' },
    account: { id: input.accountId ?? 12, name: accountName },
    conversation: {
      id: input.conversationId,
      inbox_id: inboxId,
      status: 'open',
      channel: 'Channel::WebWidget',
      can_reply: true,
      meta: { sender, assignee: null, team: null, hmac_verified: false },
      labels: [],
      custom_attributes: {},
      timestamp: Math.floor(created.getTime() / 1000),
    },
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

const NOT_FOUND = { error: 'Resource could not be found' };

/**
 * Starts the fake on 127.0.0.1 (ephemeral port).
 * Defaults: account 12 "ChargeCars", token "dev-chatwoot-api-token-8c1d3f", inbox 31
 * (the demo channel of test/fixtures/providers/channels.json).
 */
export async function startChatwootSandbox(opts: ChatwootSandboxOptions = {}): Promise<ChatwootSandbox> {
  const accountId = opts.accountId ?? 12;
  const accountName = opts.accountName ?? 'ChargeCars';
  const apiAccessToken = opts.apiAccessToken ?? 'dev-chatwoot-api-token-8c1d3f';
  const inboxId = opts.inboxId ?? 31;
  const agent = opts.agent ?? { id: 41, name: 'Sarah de Boer', email: 'sarah@chargecars.nl' };

  const requests: ChatwootSandboxRequest[] = [];
  const messages = new Map<number, Record<string, unknown>>();
  const contacts = new Map<number, Record<string, unknown>>();
  const media = new Map<string, { bytes: Buffer; mimeType: string; fileName: string }>();
  const webhooks: ChatwootPostedWebhook[] = [];
  const failures: Array<{ status: number; body: unknown; retryAfter?: number }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const pending = new Set<Promise<unknown>>();
  let nextMessageId = 90_001;
  let closed = false;

  const agentJson = {
    id: agent.id,
    name: agent.name,
    available_name: agent.name,
    avatar_url: '',
    type: 'user',
    availability_status: 'online',
    thumbnail: '',
  };

  async function postWebhook(
    body: object | string | Buffer,
    o: { url?: string; secret?: string; timestampSeconds?: number; deliveryId?: string } = {},
  ): Promise<ChatwootPostedWebhook> {
    const url = o.url ?? opts.receipts?.hubWebhookUrl;
    const secret = o.secret ?? opts.receipts?.webhookSecret;
    if (!url || !secret) throw new Error('postWebhook needs a url and secret (or opts.receipts)');
    const raw = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : JSON.stringify(body);
    const headers = chatwootWebhookHeaders(raw, secret, o.deliveryId ?? randomUUID(), o.timestampSeconds);
    const posted: ChatwootPostedWebhook = { url, headers, rawBody: raw, status: 0, responseBody: '' };
    try {
      const res = await fetch(url, { method: 'POST', headers: { ...headers, 'user-agent': 'rest-client/2.1.0 (Chatwoot sandbox)' }, body: raw });
      posted.status = res.status;
      posted.responseBody = await res.text();
    } catch (err) {
      posted.error = (err as Error).message;
    }
    webhooks.push(posted);
    return posted;
  }

  function scheduleReceipts(message: Record<string, unknown>, conversationId: number): void {
    const r = opts.receipts;
    if (!r) return;
    const payload = (status: string) => ({
      event: 'message_updated',
      ...message,
      message_type: 'outgoing',
      status,
      sender: { id: agent.id, name: agent.name, email: agent.email, type: 'user' },
      inbox: { id: inboxId, name: 'Website chat' },
      account: { id: r.accountId, name: accountName },
      conversation: { id: conversationId, inbox_id: inboxId, status: 'open', channel: 'Channel::WebWidget' },
    });
    const at = (delay: number, status: string) => {
      const t = setTimeout(() => {
        timers.delete(t);
        if (closed) return;
        const p = postWebhook(payload(status), { url: r.hubWebhookUrl, secret: r.webhookSecret }).finally(() => pending.delete(p));
        pending.add(p);
      }, delay);
      t.unref();
      timers.add(t);
    };
    at(r.delayMs, 'delivered');
    at(2 * r.delayMs, 'read');
  }

  function handle(req: IncomingMessage, raw: string, res: ServerResponse): number {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        json(res, 400, { error: 'Invalid JSON' });
        return 400;
      }
    }

    const mediaMatch = /^\/rails\/active_storage\/blobs\/redirect\/([^/]+)\/[^/]+$/.exec(path);
    if (req.method === 'GET' && mediaMatch) {
      const m = media.get(mediaMatch[1]!);
      if (!m) {
        json(res, 404, NOT_FOUND);
        return 404;
      }
      res.writeHead(200, {
        'content-type': m.mimeType,
        'content-length': String(m.bytes.length),
        'content-disposition': `inline; filename="${m.fileName}"; filename*=UTF-8''${encodeURIComponent(m.fileName)}`,
      });
      res.end(m.bytes);
      return 200;
    }

    if (req.headers['api_access_token'] !== apiAccessToken) {
      json(res, 401, { error: 'Invalid Access Token' });
      return 401;
    }
    const failure = failures.shift();
    if (failure) {
      json(res, failure.status, failure.body, failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {});
      return failure.status;
    }

    if (req.method === 'GET' && path === '/api/v1/profile') {
      json(res, 200, {
        id: agent.id,
        provider: 'email',
        uid: agent.email,
        name: agent.name,
        display_name: null,
        email: agent.email,
        account_id: accountId,
        pubsub_token: 'sandbox-pubsub-token',
        role: 'administrator',
        confirmed: true,
        avatar_url: '',
        available_name: agent.name,
        accounts: [{ id: accountId, name: accountName, status: 'active', active_at: null, role: 'administrator', availability: 'online', auto_offline: true }],
        ui_settings: {},
        type: 'User',
      });
      return 200;
    }

    const account = /^\/api\/v1\/accounts\/([^/]+)(\/.*)$/.exec(path);
    if (!account) {
      json(res, 404, NOT_FOUND);
      return 404;
    }
    if (account[1] !== String(accountId)) {
      json(res, 401, { error: 'You are not authorized to do this action' });
      return 401;
    }
    const rest = account[2]!;

    const msg = /^\/conversations\/([^/]+)\/messages$/.exec(rest);
    if (msg && req.method === 'POST') {
      if (!/^\d+$/.test(msg[1]!)) {
        json(res, 404, NOT_FOUND);
        return 404;
      }
      const b = (body ?? {}) as { content?: unknown; message_type?: unknown; private?: unknown; content_type?: unknown };
      if (typeof b.content !== 'string' || !b.content.trim()) {
        json(res, 422, { error: "Content can't be blank" });
        return 422;
      }
      const conversationId = Number(msg[1]);
      const outgoing = b.message_type !== 'incoming';
      const message = {
        id: nextMessageId++,
        content: b.content,
        inbox_id: inboxId,
        echo_id: null,
        conversation_id: conversationId,
        message_type: outgoing ? 1 : 0,
        content_type: typeof b.content_type === 'string' ? b.content_type : 'text',
        status: 'sent',
        content_attributes: {},
        created_at: Math.floor(Date.now() / 1000),
        private: b.private === true,
        source_id: null,
        sender: agentJson,
      };
      messages.set(message.id, message);
      json(res, 200, message);
      if (outgoing && !message.private) {
        scheduleReceipts(
          {
            id: message.id,
            content: message.content,
            content_type: message.content_type,
            content_attributes: {},
            source_id: null,
            private: false,
            created_at: new Date(message.created_at * 1000).toISOString(),
          },
          conversationId,
        );
      }
      return 200;
    }

    const contact = /^\/contacts\/([^/]+)$/.exec(rest);
    if (contact && (req.method === 'PUT' || req.method === 'PATCH')) {
      if (!/^\d+$/.test(contact[1]!)) {
        json(res, 404, NOT_FOUND);
        return 404;
      }
      const id = Number(contact[1]);
      const b = (body ?? {}) as Record<string, unknown>;
      if (b.email !== undefined && b.email !== null && (typeof b.email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(b.email))) {
        json(res, 422, { message: 'Email Invalid email', attributes: ['email'] });
        return 422;
      }
      const before = contacts.get(id) ?? { id, name: null, email: null, phone_number: null, identifier: null, custom_attributes: {}, additional_attributes: {} };
      const next: Record<string, unknown> = { ...before };
      for (const k of ['name', 'email', 'phone_number', 'identifier'] as const) if (b[k] !== undefined) next[k] = b[k];
      if (b.custom_attributes && typeof b.custom_attributes === 'object') {
        next.custom_attributes = { ...(before.custom_attributes as object), ...(b.custom_attributes as object) };
      }
      contacts.set(id, next);
      json(res, 200, { payload: { ...next, availability_status: 'offline', thumbnail: '', last_activity_at: null, created_at: 1795341480 } });
      return 200;
    }

    json(res, 404, NOT_FOUND);
    return 404;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown;
      try {
        parsed = raw ? JSON.parse(raw) : undefined;
      } catch {
        parsed = undefined;
      }
      const status = handle(req, raw, res);
      requests.push({ method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://x').pathname, headers: req.headers, rawBody: raw, body: parsed, status });
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    accountId,
    apiAccessToken,
    requests,
    messages,
    contacts,
    webhooks,
    failNext(status, o = {}) {
      const body = o.body ?? (status === 429 ? { error: 'Too many requests' } : status >= 500 ? { error: 'Internal Server Error' } : { error: `HTTP ${status}` });
      for (let i = 0; i < (o.count ?? 1); i++) failures.push({ status, body, ...(o.retryAfter !== undefined ? { retryAfter: o.retryAfter } : {}) });
    },
    addMedia(fileName, bytes, mimeType) {
      const key = randomBytes(12).toString('base64url');
      media.set(key, { bytes, mimeType, fileName });
      return `${url}/rails/active_storage/blobs/redirect/${key}/${encodeURIComponent(fileName)}`;
    },
    postWebhook,
    postIncomingMessage(input, o = {}) {
      return postWebhook(chatwootIncomingMessagePayload({ accountId: opts.receipts?.accountId ?? accountId, inboxId, ...input }, accountName), o);
    },
    async receiptsSettled() {
      while (timers.size > 0 || pending.size > 0) {
        if (pending.size > 0) await Promise.allSettled([...pending]);
        else await new Promise((r) => setTimeout(r, Math.min(opts.receipts?.delayMs ?? 10, 50)));
      }
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
