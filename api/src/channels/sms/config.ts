/**
 * Configuration of an SMS channel (Twilio Programmable Messaging), stored in
 * Channel.configuration; `authToken` is sealed at rest.
 *
 * Source: Twilio Docs, "Auth Tokens and how to change them" (account SID
 * `AC` + 32 hex digits) and "Configure a phone number's messaging webhook".
 */
import { z } from 'zod';

/** Account SID: "AC" followed by 32 hex digits. */
export const ACCOUNT_SID_RE = /^AC[0-9a-fA-F]{32}$/;
/** E.164: '+', a non-zero digit, up to 15 digits in all. */
export const E164_RE = /^\+[1-9]\d{1,14}$/;

export const smsConfigSchema = z.object({
  /** Twilio account SID, e.g. "AC4f2b8e1d9c7a6b5e3f1d0c9b8a7e6d5c"; basic-auth user and `AccountSid` of every webhook. */
  accountSid: z.string().regex(ACCOUNT_SID_RE, 'must be "AC" followed by 32 hex digits'),
  /** Auth token: basic-auth password and HMAC key of `X-Twilio-Signature`. Secret. */
  authToken: z.string().min(1).max(256),
  /** The channel's Twilio number in E.164, e.g. "+3197010250466"; the routing key (Channel.externalId) and `From` of replies. */
  phoneNumber: z.string().regex(E164_RE, 'must be an E.164 number such as +3197010250466'),
  /**
   * The incoming-message webhook URL exactly as configured on the number in
   * Twilio, query string included, e.g. "https://hub.example.com/webhooks/sms".
   * Twilio signs this URL, not the one the server sees behind a proxy.
   */
  webhookUrl: z.url({ protocol: /^https?$/ }),
});

/** Configuration of an SMS channel (opened: authToken in clear). */
export type SmsConfig = z.infer<typeof smsConfigSchema>;

/** Configuration keys encrypted at rest. */
export const SMS_SECRET_KEYS = ['authToken'] as const;
