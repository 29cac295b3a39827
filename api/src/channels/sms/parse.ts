/**
 * Turns stored Twilio Programmable Messaging webhooks into {@link ChannelEvent}s.
 *
 * Wire format: `POST application/x-www-form-urlencoded` (Twilio Docs,
 * "Messaging webhooks" → "Incoming message webhook" and "Outbound message
 * status callback", https://www.twilio.com/docs/messaging/guides/webhook-request).
 *
 * Incoming message (`/webhooks/sms`):
 * ```
 * MessageSid=SM…|MM…  SmsSid  SmsMessageSid  AccountSid=AC…  MessagingServiceSid?
 * From=+31655512345  To=+3197010250466  Body=<text, ≤1600 chars>  NumSegments=1
 * NumMedia=<0..10>  MediaUrl{N}=https://api.twilio.com/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…
 * MediaContentType{N}=image/jpeg  FromCountry/FromCity/FromState/FromZip  To…  SmsStatus=received
 * OptOutType=STOP|START|HELP  (only with Advanced Opt-Out on a Messaging Service)
 * ApiVersion=2010-04-01
 * ```
 * The request carries no timestamp: `occurredAt` is when the hub received it.
 *
 * Status callback (`/webhooks/sms/status`, the `StatusCallback` given on send):
 * ```
 * MessageSid  SmsSid  MessageStatus=queued|sending|sent|delivered|undelivered|failed|read|…
 * SmsStatus  ErrorCode=<number, for undelivered/failed>  ErrorMessage?  To  From  AccountSid  ApiVersion
 * ```
 *
 * Opt-out: Twilio's default opt-out keywords (STOP, STOPALL, UNSUBSCRIBE,
 * CANCEL, END, QUIT) and opt-in keywords (START, YES, UNSTOP) count only as
 * the whole message, trimmed and case-insensitive (Twilio Support, "Twilio
 * support for opt-out keywords (SMS STOP filtering)"). Twilio blocks the
 * number itself; the hub records it so agents see why replies fail. Error
 * 21610 ("Attempt to send to unsubscribed recipient") on a status callback
 * also means the recipient opted out.
 */
import { DeliveryStatus } from '../../generated/prisma/enums.js';
import type { ChannelEvent, DeliveryStatusUpdate, NormalizedAttachment, NormalizedInbound, StoredWebhook } from '../types.js';

/** Twilio error: "Attempt to send to unsubscribed recipient" (the recipient replied STOP). */
export const TWILIO_ERROR_UNSUBSCRIBED = 21610;

/** Whole-message keywords that opt the sender out (Twilio defaults). */
export const OPT_OUT_KEYWORDS: readonly string[] = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'];
/** Whole-message keywords that opt the sender back in (Twilio defaults). */
export const OPT_IN_KEYWORDS: readonly string[] = ['START', 'YES', 'UNSTOP'];

/** The largest NumMedia Twilio sends (an MMS carries at most 10 media). */
const MAX_MEDIA = 10;

/** Titles of the Twilio error codes a status callback commonly carries (Twilio Docs, "Error and Warning Dictionary"). */
export const TWILIO_ERROR_TITLES: Readonly<Record<number, string>> = {
  21211: "Invalid 'To' Phone Number",
  21408: 'Permission to send an SMS has not been enabled for the region',
  21610: 'Attempt to send to unsubscribed recipient',
  21612: "The 'To' phone number is not currently reachable via SMS",
  21614: "'To' number is not a valid mobile number",
  30001: 'Queue overflow',
  30002: 'Account suspended',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
  30034: 'Message from an unregistered number',
};

/**
 * Whether a message body is an opt-out or opt-in keyword.
 * @returns true (opt-out), false (opt-in) or null (neither: e.g. "stop please")
 */
export function optOutKeyword(body: string): boolean | null {
  const word = body.trim().toUpperCase();
  if (OPT_OUT_KEYWORDS.includes(word)) return true;
  if (OPT_IN_KEYWORDS.includes(word)) return false;
  return null;
}

/**
 * The hub's delivery status for a Twilio `MessageStatus`.
 * @returns null for statuses that say nothing about an outbound message (receiving, received, unknown values)
 */
export function mapTwilioStatus(status: string): DeliveryStatus | null {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return DeliveryStatus.PENDING;
    case 'sent':
      return DeliveryStatus.SENT;
    case 'delivered':
    case 'partially_delivered':
      return DeliveryStatus.DELIVERED;
    case 'read':
      return DeliveryStatus.READ;
    case 'undelivered':
    case 'failed':
    case 'canceled':
      return DeliveryStatus.FAILED;
    default:
      return null;
  }
}

/** Attachment kind for a MIME type. */
function kindOf(mimeType: string): string {
  const t = mimeType.toLowerCase();
  if (t.startsWith('image/')) return 'image';
  if (t.startsWith('video/')) return 'video';
  if (t.startsWith('audio/')) return 'audio';
  if (t === 'text/vcard' || t === 'text/x-vcard' || t === 'text/directory') return 'contacts';
  if (t.startsWith('application/') || t.startsWith('text/')) return 'document';
  return 'file';
}

const PLACEHOLDER: Record<string, string> = {
  image: '📷 Image',
  video: '🎥 Video',
  audio: '🎵 Audio',
  contacts: '👤 Contact',
  document: '📄 Document',
  file: '📎 File',
};

/** Thrown for a delivery that lacks what it needs (cannot be processed, ever). */
export class TwilioPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TwilioPayloadError';
  }
}

function required(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  if (!v) throw new TwilioPayloadError(`Twilio webhook without ${name}`);
  return v;
}

/**
 * Parses an incoming SMS/MMS form into its events: one `message`, plus an
 * `opt-out` event when the body is exactly an opt-out/opt-in keyword or
 * Twilio's Advanced Opt-Out reports `OptOutType` STOP/START.
 *
 * @param form the decoded form body
 * @param receivedAt when the hub received it (becomes occurredAt)
 * @throws TwilioPayloadError without MessageSid or From
 */
export function parseIncomingSms(form: URLSearchParams, receivedAt: Date): ChannelEvent[] {
  const sid = required(form, 'MessageSid');
  const from = required(form, 'From');
  const body = form.get('Body') ?? '';

  const attachments: NormalizedAttachment[] = [];
  const numMedia = Math.min(Number.parseInt(form.get('NumMedia') ?? '0', 10) || 0, MAX_MEDIA);
  for (let i = 0; i < numMedia; i++) {
    const url = form.get(`MediaUrl${i}`);
    if (!url) continue;
    const mimeType = form.get(`MediaContentType${i}`) || 'application/octet-stream';
    attachments.push({ kind: kindOf(mimeType), mimeType, providerMediaId: url });
  }

  const metadata: Record<string, unknown> = {};
  const numSegments = form.get('NumSegments');
  if (numSegments && /^\d+$/.test(numSegments)) metadata.numSegments = Number(numSegments);
  if (numMedia) metadata.numMedia = numMedia;
  const to = form.get('To');
  if (to) metadata.to = to;
  const fromCountry = form.get('FromCountry');
  if (fromCountry) metadata.fromCountry = fromCountry;
  const fromCity = form.get('FromCity');
  if (fromCity) metadata.fromCity = fromCity;
  const service = form.get('MessagingServiceSid');
  if (service) metadata.messagingServiceSid = service;

  const content = body !== '' ? body : attachments.map((a) => PLACEHOLDER[a.kind] ?? PLACEHOLDER.file).join(' ');
  const inbound: NormalizedInbound = {
    externalMessageId: sid,
    customer: { phone: from, identities: [{ kind: 'PHONE', value: from }] },
    content,
    attachments,
    occurredAt: receivedAt,
    conversationKey: from,
    metadata,
  };
  const events: ChannelEvent[] = [{ kind: 'message', dedupeKey: `sms:${sid}`, inbound }];

  const optOutType = form.get('OptOutType')?.toUpperCase();
  const optedOut = optOutType === 'STOP' ? true : optOutType === 'START' ? false : optOutKeyword(body);
  if (optedOut !== null) {
    events.push({
      kind: 'opt-out',
      dedupeKey: `sms:opt-out:${sid}`,
      identity: { kind: 'PHONE', value: from },
      optedOut,
      occurredAt: receivedAt,
    });
  }
  return events;
}

/**
 * Parses a status callback into a `status` event (and an `opt-out` event for
 * the recipient when the error is 21610).
 *
 * @returns [] for a MessageStatus that does not concern an outbound message
 * @throws TwilioPayloadError without MessageSid or MessageStatus
 */
export function parseStatusCallback(form: URLSearchParams, receivedAt: Date): ChannelEvent[] {
  const sid = required(form, 'MessageSid');
  const raw = form.get('MessageStatus') || required(form, 'SmsStatus');
  const status = mapTwilioStatus(raw);
  if (!status) return [];
  const update: DeliveryStatusUpdate = { externalMessageId: sid, status, occurredAt: receivedAt };
  const errorCode = form.get('ErrorCode');
  let code: number | string | undefined;
  if (status === DeliveryStatus.FAILED) {
    code = errorCode && /^\d+$/.test(errorCode) ? Number(errorCode) : errorCode || undefined;
    const title =
      form.get('ErrorMessage') || (typeof code === 'number' ? TWILIO_ERROR_TITLES[code] : undefined) || (code !== undefined ? `Twilio error ${code}` : `Message ${raw}`);
    update.error = { code: code ?? raw, title };
  }
  const events: ChannelEvent[] = [{ kind: 'status', dedupeKey: `sms:status:${sid}:${raw}`, status: update }];
  const to = form.get('To');
  if (code === TWILIO_ERROR_UNSUBSCRIBED && to) {
    events.push({
      kind: 'opt-out',
      dedupeKey: `sms:opt-out:${sid}:${TWILIO_ERROR_UNSUBSCRIBED}`,
      identity: { kind: 'PHONE', value: to },
      optedOut: true,
      occurredAt: receivedAt,
    });
  }
  return events;
}

/**
 * `adapter.parse` for a stored Twilio delivery: '' → incoming message, '/status' → status callback.
 * @throws TwilioPayloadError for an unknown subpath or a form without its ids
 */
export function parseTwilioWebhook(delivery: StoredWebhook): ChannelEvent[] {
  const form = new URLSearchParams(delivery.rawBody);
  if (delivery.subpath === '') return parseIncomingSms(form, delivery.receivedAt);
  if (delivery.subpath === '/status') return parseStatusCallback(form, delivery.receivedAt);
  throw new TwilioPayloadError(`Twilio webhook on an unknown subpath ${JSON.stringify(delivery.subpath)}`);
}
