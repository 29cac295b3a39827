/**
 * Outbound SMS and the credentials check, through the Twilio REST API
 * (Twilio Docs, "Messages resource" → "Create a Message resource" and
 * "Accounts resource", https://www.twilio.com/docs/messaging/api/message-resource).
 *
 * ```
 * POST {twilio}/2010-04-01/Accounts/{AccountSid}/Messages.json
 * Authorization: Basic base64(AccountSid:AuthToken)
 * Content-Type: application/x-www-form-urlencoded
 * To=+31655512345&From=+3197010250466&Body=…&StatusCallback={public}/webhooks/sms/status
 * ```
 * 201 → the Message resource `{ sid: "SM…", status: "queued"|"accepted"|…, to, from, body,
 * num_segments, error_code, error_message, date_created, uri, … }`.
 * Errors → `{ code, message, more_info, status }` with the HTTP status
 * (Twilio Docs, "Error and Warning Dictionary"): 20003 Authenticate (401),
 * 21211 invalid To, 21606 From not on the account, 21610 unsubscribed recipient,
 * 21617 body over 1600 characters, 20429 Too Many Requests (429).
 *
 * Twilio takes no idempotency key on Messages: an outbox retry after a
 * network error can, rarely, send twice.
 */
import { DeliveryStatus } from '../../generated/prisma/enums.js';
import { CHANNEL_SEND_FAILED, ChannelSendError, type AdapterChannel, type AdapterIO, type ChannelTestResult, type OutboundRequest, type OutboundResult } from '../types.js';
import { retryAfterSeconds } from '../http.js';
import type { SmsConfig } from './config.js';
import { mapTwilioStatus, TWILIO_ERROR_UNSUBSCRIBED } from './parse.js';

/** Twilio's REST API version path segment. */
export const TWILIO_API_VERSION = '2010-04-01';
/** Default API host (TWILIO_API_BASE_URL overrides it). */
export const DEFAULT_TWILIO_API_BASE_URL = 'https://api.twilio.com';
/** Longest Body Twilio accepts, in characters (error 21617). */
export const TWILIO_BODY_MAX_LENGTH = 1600;
/** ChannelSendError code when the recipient replied STOP. */
export const SMS_OPTED_OUT = 'SMS_OPTED_OUT';
/** User-facing messages of the adapter's error codes. */
export const SMS_ERRORS = {
  [SMS_OPTED_OUT]: 'This customer has opted out of SMS (replied STOP); they must text START before you can message them.',
} as const;

/** Twilio's REST error body. */
export interface TwilioApiError {
  code: number;
  message: string;
  more_info?: string;
  status?: number;
}

/** `Authorization: Basic …` for an account. */
export function twilioBasicAuth(config: Pick<SmsConfig, 'accountSid' | 'authToken'>): string {
  return `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`, 'utf8').toString('base64')}`;
}

/** `{io.urls.twilio}/2010-04-01/Accounts/{sid}` */
export function accountBaseUrl(io: AdapterIO, accountSid: string): string {
  const base = (io.urls.twilio || DEFAULT_TWILIO_API_BASE_URL).replace(/\/+$/, '');
  return `${base}/${TWILIO_API_VERSION}/Accounts/${encodeURIComponent(accountSid)}`;
}

/** The StatusCallback URL the hub gives Twilio: `{PUBLIC_URL}/webhooks/sms/status`. */
export function statusCallbackUrl(io: AdapterIO): string {
  return `${io.urls.public.replace(/\/+$/, '')}/webhooks/sms/status`;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function asTwilioError(json: unknown): TwilioApiError | null {
  if (!json || typeof json !== 'object') return null;
  const o = json as Record<string, unknown>;
  if (typeof o.code !== 'number' || typeof o.message !== 'string') return null;
  return {
    code: o.code,
    message: o.message,
    ...(typeof o.more_info === 'string' ? { more_info: o.more_info } : {}),
    ...(typeof o.status === 'number' ? { status: o.status } : {}),
  };
}

/**
 * Sends `request.content` as an SMS from the channel's number to `request.to`.
 *
 * @returns `{ externalMessageId: sid, status: <mapped Twilio status, e.g. queued → PENDING>, raw: <resource> }`
 * @throws ChannelSendError
 *   - `SMS_OPTED_OUT` (not retryable) for Twilio error 21610;
 *   - `CHANNEL_SEND_FAILED` retryable for 429 (with Retry-After seconds), 5xx and network errors/timeouts;
 *   - `CHANNEL_SEND_FAILED` not retryable for every other refusal (4xx, bad recipient, empty or > 1600-character body,
 *     unexpected answer). The message carries Twilio's code and message; `providerError` the error JSON.
 */
export async function sendTwilioSms(channel: AdapterChannel<SmsConfig>, request: OutboundRequest, io: AdapterIO): Promise<OutboundResult> {
  const { config } = channel;
  if (!request.to) throw new ChannelSendError(CHANNEL_SEND_FAILED, 'SMS send: recipient (to) is empty');
  if (!request.content.trim()) throw new ChannelSendError(CHANNEL_SEND_FAILED, 'SMS send: message text is empty');
  if (request.content.length > TWILIO_BODY_MAX_LENGTH) {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `SMS send: text is ${request.content.length} characters, Twilio accepts at most ${TWILIO_BODY_MAX_LENGTH}`);
  }
  const form = new URLSearchParams({
    To: request.to,
    From: config.phoneNumber,
    Body: request.content,
    StatusCallback: statusCallbackUrl(io),
  });

  let res: Response;
  let text: string;
  try {
    res = await io.fetch(`${accountBaseUrl(io, config.accountSid)}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: twilioBasicAuth(config),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
    });
    text = await res.text();
  } catch (err) {
    const e = err as Error;
    const reason = e?.name === 'TimeoutError' ? 'timed out' : `failed: ${e?.message ?? String(err)}`;
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `Twilio send ${reason}`, undefined, true);
  }

  const json = parseJson(text);
  if (!res.ok) {
    const te = asTwilioError(json);
    const what = te ? `Twilio error ${te.code}: ${te.message}` : `Twilio answered HTTP ${res.status}`;
    if (te?.code === TWILIO_ERROR_UNSUBSCRIBED) throw new ChannelSendError(SMS_OPTED_OUT, SMS_ERRORS[SMS_OPTED_OUT], te);
    if (res.status === 429 || res.status >= 500) {
      throw new ChannelSendError(CHANNEL_SEND_FAILED, what, te ?? undefined, true, retryAfterSeconds(res.headers.get('retry-after'), io.now()));
    }
    throw new ChannelSendError(CHANNEL_SEND_FAILED, what, te ?? undefined);
  }

  const resource = json as { sid?: unknown; status?: unknown } | undefined;
  if (!resource || typeof resource.sid !== 'string' || resource.sid === '') {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `Twilio answered HTTP ${res.status} without a message sid: ${text.slice(0, 200)}`);
  }
  const status = (typeof resource.status === 'string' && mapTwilioStatus(resource.status)) || DeliveryStatus.PENDING;
  if (status === DeliveryStatus.FAILED) {
    throw new ChannelSendError(CHANNEL_SEND_FAILED, `Twilio accepted message ${resource.sid} as ${String(resource.status)}`, json);
  }
  return { externalMessageId: resource.sid, status, raw: json };
}

/**
 * Checks the credentials: `GET /2010-04-01/Accounts/{sid}.json`.
 * @returns ok for an active account; else the Twilio error code (e.g. "20003" for a wrong token),
 *   `ACCOUNT_<STATUS>` for a suspended/closed account, or `NETWORK_ERROR`. Never throws.
 */
export async function testTwilioChannel(channel: AdapterChannel<SmsConfig>, io: AdapterIO): Promise<ChannelTestResult> {
  const { config } = channel;
  let res: Response;
  let text: string;
  try {
    res = await io.fetch(`${accountBaseUrl(io, config.accountSid)}.json`, {
      headers: { authorization: twilioBasicAuth(config), accept: 'application/json' },
    });
    text = await res.text();
  } catch (err) {
    return { ok: false, code: 'NETWORK_ERROR', message: `Twilio could not be reached: ${(err as Error)?.message ?? String(err)}` };
  }
  const json = parseJson(text);
  if (!res.ok) {
    const te = asTwilioError(json);
    return te
      ? { ok: false, code: String(te.code), message: `Twilio error ${te.code}: ${te.message}` }
      : { ok: false, code: `HTTP_${res.status}`, message: `Twilio answered HTTP ${res.status}` };
  }
  const account = (json ?? {}) as { friendly_name?: unknown; status?: unknown };
  const name = typeof account.friendly_name === 'string' ? account.friendly_name : config.accountSid;
  const status = typeof account.status === 'string' ? account.status : 'active';
  if (status !== 'active') {
    return { ok: false, code: `ACCOUNT_${status.toUpperCase()}`, message: `Twilio account "${name}" is ${status}` };
  }
  return { ok: true, code: null, message: `Connected to Twilio account "${name}"` };
}
