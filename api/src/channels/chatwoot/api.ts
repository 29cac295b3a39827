/**
 * Calls to the Chatwoot Application API (https://developers.chatwoot.com/api-reference):
 * every request carries the header `api_access_token: <token>` of the agent
 * (or agent bot) the hub acts as; paths are under the channel's `baseUrl`.
 *
 * | what | request | success |
 * | --- | --- | --- |
 * | reply | `POST /api/v1/accounts/{accountId}/conversations/{conversationId}/messages` `{ content, message_type: "outgoing", private: false }` | 200 message `{ id, content, message_type: 1, status: "sent", conversation_id, created_at, … }` |
 * | test | `GET /api/v1/profile` | 200 `{ id, name, email, accounts: [{ id, name, role }], … }` |
 * | contact sync | `PUT /api/v1/accounts/{accountId}/contacts/{contactId}` `{ name, email, phone_number, custom_attributes }` | 200 `{ payload: contact }` |
 * | media | `GET <attachment data_url>` (an ActiveStorage URL on the installation, redirecting to storage) | the file |
 *
 * Errors: 401 `{ "error": "Invalid Access Token" }` (also for an account the
 * token has no access to), 404 `{ "error": "Resource could not be found" }`,
 * 422 `{ "message": "…", "attributes": [...] }` or `{ "error": "…" }`, 429
 * (rack-attack, with Retry-After) and 5xx.
 *
 * A reply is not idempotent: a POST that timed out may have been accepted, so
 * a retry can post it twice. Chatwoot has no idempotency key for messages.
 */
import { z } from 'zod';
import {
  CHANNEL_SEND_FAILED,
  ChannelMediaError,
  ChannelSendError,
  type AdapterChannel,
  type AdapterIO,
  type ChannelTestResult,
  type ContactProfile,
  type FetchedMedia,
  type OutboundRequest,
  type OutboundResult,
} from '../types.js';
import type { ChatwootConfig } from './config.js';
import { retryAfterSeconds } from '../http.js';

/** ChannelSendError / ChannelTestResult codes of this adapter, with user-facing messages. */
export const CHATWOOT_ERRORS = {
  CHATWOOT_AUTH_FAILED: 'Chatwoot refused the API access token (or it has no access to this account).',
  CHATWOOT_CONVERSATION_NOT_FOUND: 'The Chatwoot conversation of this thread no longer exists.',
  CHATWOOT_NO_CONVERSATION: 'This thread has no Chatwoot conversation to reply in.',
  CHATWOOT_ACCOUNT_NOT_FOUND: 'The API access token works, but its user is not a member of the configured Chatwoot account.',
  CHATWOOT_UNREACHABLE: 'The Chatwoot installation could not be reached.',
} as const;

const API_TOKEN_HEADER = 'api_access_token';

function apiUrl(config: ChatwootConfig, path: string): string {
  return `${config.baseUrl.replace(/\/+$/, '')}${path}`;
}

/** The error text of a Chatwoot error body (`error`, `message`, `errors[]`), else the start of the body. */
function chatwootErrorText(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown; errors?: unknown };
    if (typeof j.error === 'string') return j.error;
    if (typeof j.message === 'string') return j.message;
    if (Array.isArray(j.errors)) return j.errors.map(String).join('; ');
  } catch {
    /* not JSON */
  }
  return text.slice(0, 200);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

const sentMessageSchema = z.looseObject({ id: z.union([z.number().int(), z.string().min(1)]) });

/**
 * Posts a reply into the thread's Chatwoot conversation.
 * @param request `conversationKey` (else `to`) is the conversation's display id
 * @returns `{ externalMessageId: String(response.id), status: SENT, raw: response }`
 * @throws ChannelSendError
 *   - CHATWOOT_NO_CONVERSATION: no numeric conversation id (not retryable)
 *   - CHATWOOT_AUTH_FAILED: 401/403 (not retryable)
 *   - CHATWOOT_CONVERSATION_NOT_FOUND: 404 (not retryable)
 *   - CHANNEL_SEND_FAILED retryable: network error/timeout, 429 (with Retry-After seconds), 5xx
 *   - CHANNEL_SEND_FAILED not retryable: other 4xx, empty content, a 2xx without an id
 */
export async function sendChatwootMessage(channel: AdapterChannel<ChatwootConfig>, request: OutboundRequest, io: AdapterIO): Promise<OutboundResult> {
  const config = channel.config;
  const conversation = request.conversationKey ?? request.to;
  if (!conversation || !/^\d{1,15}$/.test(conversation)) {
    throw new ChannelSendError('CHATWOOT_NO_CONVERSATION', CHATWOOT_ERRORS.CHATWOOT_NO_CONVERSATION);
  }
  if (!request.content.trim()) throw new ChannelSendError(CHANNEL_SEND_FAILED, 'Chatwoot send: message text is empty');

  const url = apiUrl(config, `/api/v1/accounts/${config.accountId}/conversations/${conversation}/messages`);
  let res: Response;
  let text: string;
  try {
    res = await io.fetch(url, {
      method: 'POST',
      headers: { [API_TOKEN_HEADER]: config.apiAccessToken, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ content: request.content, message_type: 'outgoing', private: false }),
    });
    text = await res.text();
  } catch (err) {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `Chatwoot send failed: ${(err as Error).message}`, undefined, true);
  }

  if (!res.ok) {
    const detail = chatwootErrorText(text);
    const providerError = { status: res.status, body: parseJson(text) ?? text.slice(0, 500) };
    if (res.status === 429) {
      throw new ChannelSendError(
        CHANNEL_SEND_FAILED,
        `Chatwoot rate limit (HTTP 429): ${detail}`,
        providerError,
        true,
        retryAfterSeconds(res.headers.get('retry-after'), io.now()),
      );
    }
    if (res.status >= 500) throw new ChannelSendError(CHANNEL_SEND_FAILED, `Chatwoot HTTP ${res.status}: ${detail}`, providerError, true);
    if (res.status === 401 || res.status === 403) {
      throw new ChannelSendError('CHATWOOT_AUTH_FAILED', `${CHATWOOT_ERRORS.CHATWOOT_AUTH_FAILED} (${detail})`, providerError);
    }
    if (res.status === 404) {
      throw new ChannelSendError('CHATWOOT_CONVERSATION_NOT_FOUND', `${CHATWOOT_ERRORS.CHATWOOT_CONVERSATION_NOT_FOUND} (${detail})`, providerError);
    }
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `Chatwoot refused the message (HTTP ${res.status}): ${detail}`, providerError);
  }

  const json = parseJson(text);
  const ok = sentMessageSchema.safeParse(json);
  if (!ok.success) {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `Chatwoot answered HTTP ${res.status} without a message id: ${text.slice(0, 200)}`, json);
  }
  return { externalMessageId: String(ok.data.id), status: 'SENT', raw: json };
}

const profileSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  name: z.string().nullish(),
  email: z.string().nullish(),
  accounts: z.array(z.looseObject({ id: z.union([z.number(), z.string()]), name: z.string().nullish() })).nullish(),
});

/**
 * `GET /api/v1/profile` with the channel's token.
 * @returns ok when the token works and (when the profile lists accounts) its
 *   user belongs to `accountId`; otherwise a code from {@link CHATWOOT_ERRORS}
 *   or CHANNEL_SEND_FAILED for an unexpected answer. Never throws.
 */
export async function testChatwootChannel(channel: AdapterChannel<ChatwootConfig>, io: AdapterIO): Promise<ChannelTestResult> {
  const config = channel.config;
  let res: Response;
  let text: string;
  try {
    res = await io.fetch(apiUrl(config, '/api/v1/profile'), {
      headers: { [API_TOKEN_HEADER]: config.apiAccessToken, accept: 'application/json' },
    });
    text = await res.text();
  } catch (err) {
    return { ok: false, code: 'CHATWOOT_UNREACHABLE', message: `${CHATWOOT_ERRORS.CHATWOOT_UNREACHABLE} (${(err as Error).message})` };
  }
  if (res.status === 401 || res.status === 403) {
    return { ok: false, code: 'CHATWOOT_AUTH_FAILED', message: `${CHATWOOT_ERRORS.CHATWOOT_AUTH_FAILED} (${chatwootErrorText(text)})` };
  }
  const profile = profileSchema.safeParse(parseJson(text));
  if (!res.ok || !profile.success) {
    return { ok: false, code: CHANNEL_SEND_FAILED, message: `Chatwoot answered HTTP ${res.status}: ${chatwootErrorText(text)}` };
  }
  const accounts = profile.data.accounts;
  const account = accounts?.find((a) => String(a.id) === String(config.accountId));
  if (accounts && !account) {
    return { ok: false, code: 'CHATWOOT_ACCOUNT_NOT_FOUND', message: CHATWOOT_ERRORS.CHATWOOT_ACCOUNT_NOT_FOUND };
  }
  const who = profile.data.name ?? profile.data.email ?? `user ${profile.data.id}`;
  return { ok: true, code: null, message: `Connected to Chatwoot as ${who}${account?.name ? ` (account ${account.name})` : ''}.` };
}

/** The JSON body of a contact update: profile fields and custom attributes, null/undefined values omitted. */
export function chatwootContactBody(customer: ContactProfile): Record<string, unknown> {
  const custom: Record<string, unknown> = {
    tier: customer.tier,
    company_name: customer.companyName,
    codice_fiscale: customer.codiceFiscale,
    partita_iva: customer.partitaIva,
    pec: customer.pec,
    sdi: customer.sdi,
    ...customer.customAttributes,
  };
  const body: Record<string, unknown> = {
    name: customer.name,
    email: customer.email,
    phone_number: customer.phone,
    custom_attributes: Object.fromEntries(Object.entries(custom).filter(([, v]) => v !== null && v !== undefined)),
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * Pushes the hub's customer profile to a Chatwoot contact.
 * @param contact.providerContactId the Chatwoot contact id (the CHATWOOT_CONTACT identity value)
 * @throws Error on a non-numeric contact id, a network error or any non-2xx
 *   answer (message names the status and Chatwoot's error), so the job retries
 */
export async function syncChatwootContact(channel: AdapterChannel<ChatwootConfig>, contact: { providerContactId: string; customer: ContactProfile }, io: AdapterIO): Promise<void> {
  const config = channel.config;
  if (!/^\d{1,15}$/.test(contact.providerContactId)) throw new Error(`Chatwoot contact id must be numeric: ${contact.providerContactId}`);
  const url = apiUrl(config, `/api/v1/accounts/${config.accountId}/contacts/${contact.providerContactId}`);
  const res = await io.fetch(url, {
    method: 'PUT',
    headers: { [API_TOKEN_HEADER]: config.apiAccessToken, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(chatwootContactBody(contact.customer)),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Chatwoot contact update ${contact.providerContactId} failed: HTTP ${res.status}: ${chatwootErrorText(text)}`);
}

/**
 * Downloads an attachment by its `data_url`.
 *
 * SSRF guard: the URL must be http(s) on the same origin as the channel's
 * `baseUrl` (the installation); anything else is refused without a request.
 * No credentials are sent: data_urls are signed ActiveStorage URLs that
 * redirect to the storage service (S3, GCS …), and those redirects are followed.
 * @throws ChannelMediaError for another origin, a network error or a non-2xx answer
 */
export async function fetchChatwootMedia(channel: AdapterChannel<ChatwootConfig>, providerMediaId: string, io: AdapterIO): Promise<FetchedMedia> {
  let url: URL;
  try {
    url = new URL(providerMediaId);
  } catch {
    throw new ChannelMediaError('Chatwoot attachment URL is not a URL');
  }
  if (!/^https?:$/.test(url.protocol) || url.origin !== new URL(channel.config.baseUrl).origin) {
    throw new ChannelMediaError(`Chatwoot attachment URL is not on the channel's installation (${url.origin})`);
  }
  let res: Response;
  try {
    res = await io.fetch(url, { redirect: 'follow' });
  } catch (err) {
    throw new ChannelMediaError(`Chatwoot attachment download failed: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    throw new ChannelMediaError(`Chatwoot attachment download answered HTTP ${res.status}`, { status: res.status, body: text.slice(0, 200) });
  }
  const media: FetchedMedia = {
    mimeType: res.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream',
    body: res.body as ReadableStream<Uint8Array>,
  };
  const length = Number(res.headers.get('content-length'));
  if (Number.isFinite(length) && length >= 0 && res.headers.get('content-length') !== null) media.contentLength = length;
  const disposition = res.headers.get('content-disposition');
  const star = disposition && /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = disposition && /filename="?([^";]+)"?/i.exec(disposition);
  const name = star ? safeDecode(star[1]!) : plain ? plain[1] : safeDecode(url.pathname.split('/').pop() ?? '');
  if (name) media.fileName = name;
  return media;
}
