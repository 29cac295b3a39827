/**
 * The Twilio webhook edge: `POST /webhooks/sms` (incoming SMS/MMS) and
 * `POST /webhooks/sms/status` (status callbacks of messages the hub sent).
 *
 * authenticate (runs before anything is stored):
 *   1. POST only (405), known subpath only (404), body ≤ {@link TWILIO_MAX_BODY_BYTES} (413);
 *   2. `X-Twilio-Signature` present, else 403;
 *   3. the form is parsed with `URLSearchParams` (parsing a form runs no code,
 *      and routing needs the number before the auth token is known);
 *   4. route by our number: `To` for an incoming message, `From` for a status
 *      callback → the active SMS channel whose routing key (Channel.externalId)
 *      is that E.164 number; none → 404;
 *   5. `AccountSid` must equal the channel's accountSid, else 403;
 *   6. the signature must verify with the channel's auth token over the URL
 *      Twilio signed: the channel's configured `webhookUrl` for '' (Twilio
 *      signs the URL as configured on the number, not the one the server sees
 *      behind a proxy), and `req.publicUrl` (PUBLIC_URL + path + query) for
 *      '/status', which is the `StatusCallback` URL send() gave Twilio;
 *      else 403;
 *   7. signed but without MessageSid (or MessageStatus) → 400.
 * Accepted: dedupeKey `sms:<MessageSid>` / `sms:status:<MessageSid>:<MessageStatus>`.
 *
 * acknowledge: 200 `text/xml` empty TwiML, so Twilio sends no auto-reply
 * (Twilio Docs, "TwiML for Programmable Messaging").
 */
import type { ChannelDirectory, WebhookAccepted, WebhookHandler, WebhookRequest, WebhookResponse } from '../types.js';
import type { SmsConfig } from './config.js';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from './signature.js';

/** Largest accepted webhook body: Twilio forms are a few KiB (Body ≤ 1600 chars, ≤ 10 media URLs). */
export const TWILIO_MAX_BODY_BYTES = 64 * 1024;

/** Sub-paths served besides ''. */
export const SMS_WEBHOOK_SUBPATHS = ['/status'] as const;

/** Empty TwiML: "received, no reply". */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const reject = (status: number, message: string): WebhookResponse => ({ status, contentType: 'text/plain', body: message });

/** Headers kept with the stored body. */
const KEEP = [TWILIO_SIGNATURE_HEADER, 'i-twilio-idempotency-token', 'content-type', 'user-agent'];

/** `webhook.authenticate` of the SMS adapter (see the module comment). */
export async function authenticateTwilioWebhook(req: WebhookRequest, channels: ChannelDirectory<SmsConfig>): Promise<WebhookAccepted | WebhookResponse> {
  if (req.method !== 'POST') return reject(405, 'method not allowed');
  const isStatus = req.subpath === '/status';
  if (!isStatus && req.subpath !== '') return reject(404, 'not found');
  if (req.rawBody.length > TWILIO_MAX_BODY_BYTES) return reject(413, 'body too large');
  const signature = req.headers[TWILIO_SIGNATURE_HEADER];
  if (!signature) return reject(403, 'missing X-Twilio-Signature');

  const form = new URLSearchParams(req.rawBody.toString('utf8'));
  const ourNumber = form.get(isStatus ? 'From' : 'To');
  if (!ourNumber) return reject(403, 'invalid signature');
  const channel = await channels.byRoutingKey(ourNumber);
  if (!channel) return reject(404, 'unknown number');
  const { config } = channel;

  if (form.get('AccountSid') !== config.accountSid) return reject(403, 'invalid signature');
  const url = isStatus ? req.publicUrl : config.webhookUrl;
  if (!verifyTwilioSignature(config.authToken, signature, url, form)) return reject(403, 'invalid signature');

  const sid = form.get('MessageSid');
  if (!sid) return reject(400, 'MessageSid missing');
  let dedupeKey = `sms:${sid}`;
  if (isStatus) {
    const status = form.get('MessageStatus') || form.get('SmsStatus');
    if (!status) return reject(400, 'MessageStatus missing');
    dedupeKey = `sms:status:${sid}:${status}`;
  }

  const keepHeaders: Record<string, string> = {};
  for (const h of KEEP) {
    const v = req.headers[h];
    if (v) keepHeaders[h] = v;
  }
  return { channelIds: [channel.id], dedupeKey, keepHeaders };
}

export const smsWebhook: WebhookHandler<SmsConfig> = {
  subpaths: SMS_WEBHOOK_SUBPATHS,
  maxBodyBytes: TWILIO_MAX_BODY_BYTES,
  authenticate: authenticateTwilioWebhook,
  acknowledge: { status: 200, contentType: 'text/xml', body: EMPTY_TWIML },
};
