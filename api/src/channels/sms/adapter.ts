/**
 * The SMS channel adapter: Twilio Programmable Messaging (ChannelType SMS,
 * webhooks at `/webhooks/sms` and `/webhooks/sms/status`).
 *
 * - config.ts    configuration schema ({@link SmsConfig}); `authToken` is secret;
 *                routing key (Channel.externalId) = the E.164 `phoneNumber`
 * - signature.ts `X-Twilio-Signature` (HMAC-SHA1 over URL + sorted params)
 * - webhook.ts   authenticate/route/dedupe; acknowledge with empty TwiML
 * - parse.ts     incoming SMS/MMS → message (+ opt-out on STOP/START);
 *                status callbacks → status (+ opt-out on error 21610)
 * - send.ts      Messages.json with StatusCallback; credentials test (Accounts/{sid}.json)
 * - media.ts     MMS media download behind an SSRF guard
 * - segments.ts  GSM-7 / UCS-2 segment counting for the composer
 *
 * Sources: Twilio Docs, "Messaging webhooks", "Message resource", "Media
 * resource", "Webhooks security", "Error and Warning Dictionary".
 */
import { ChannelType } from '../../generated/prisma/enums.js';
import type { ChannelAdapter, RecipientContext } from '../types.js';
import { E164_RE, SMS_SECRET_KEYS, smsConfigSchema, type SmsConfig } from './config.js';
import { fetchTwilioMedia } from './media.js';
import { parseTwilioWebhook } from './parse.js';
import { SMS_ERRORS, sendTwilioSms, testTwilioChannel } from './send.js';
import { smsWebhook } from './webhook.js';

/**
 * The number a reply goes to: the customer's first PHONE identity, else
 * their profile phone, else the thread's conversation key when it is an E.164
 * number (SMS threads are keyed by the sender's number); null otherwise.
 */
export function smsRecipient(ctx: RecipientContext): string | null {
  const identity = ctx.customer?.identities.find((i) => i.kind === 'PHONE' && i.value);
  if (identity) return identity.value;
  if (ctx.customer?.phone) return ctx.customer.phone;
  if (ctx.conversationKey && E164_RE.test(ctx.conversationKey)) return ctx.conversationKey;
  return null;
}

import { SMS_OPTED_OUT } from './send.js';

export const smsAdapter: ChannelAdapter<SmsConfig> = {
  channelType: ChannelType.SMS,
  provider: 'sms',
  configSchema: smsConfigSchema,
  secretKeys: SMS_SECRET_KEYS,
  routingKey: (config) => config.phoneNumber,
  errors: SMS_ERRORS,
  optOut: { kind: 'PHONE', code: SMS_OPTED_OUT },
  webhook: smsWebhook,
  parse: async (delivery) => parseTwilioWebhook(delivery),
  recipient: smsRecipient,
  send: sendTwilioSms,
  fetchMedia: fetchTwilioMedia,
  test: testTwilioChannel,
};

export type { SmsConfig } from './config.js';
export { smsConfigSchema, SMS_SECRET_KEYS } from './config.js';
export { SMS_OPTED_OUT, SMS_ERRORS, statusCallbackUrl } from './send.js';
export { smsSegments, type SmsSegmentInfo } from './segments.js';
export { computeTwilioSignature, verifyTwilioSignature, TWILIO_SIGNATURE_HEADER } from './signature.js';
export { EMPTY_TWIML } from './webhook.js';
