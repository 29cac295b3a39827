/**
 * The Outlook (Microsoft 365 mailbox through Microsoft Graph) channel adapter,
 * ChannelType EMAIL_OUTLOOK, served at `/webhooks/outlook` and
 * `/webhooks/outlook/lifecycle`.
 *
 * - webhook (webhook.ts): validation handshake, clientState check and routing
 *   of Graph change notifications; acknowledged with 202.
 * - parse (parse.ts): fetches each notified message from Graph (message.ts)
 *   and maps it (content.ts: sanitised HTML, text without quoted history).
 * - send (send.ts): `/reply` to the customer's message, else `/sendMail`.
 * - fetchMedia (media.ts): attachment bytes by `${messageId}/${attachmentId}`.
 * - subscriptions (subscriptions.ts): create/renew the Graph subscription,
 *   react to lifecycle events, delta catch-up.
 * Tokens: client credentials, cached in `io.cache` (client.ts).
 *
 * Sources: Microsoft Graph v1.0 reference, "Change notifications for Outlook
 * resources", Microsoft identity platform "client credentials flow"
 * (https://learn.microsoft.com/graph/, https://learn.microsoft.com/entra/identity-platform/).
 */
import { z } from 'zod';
import { ChannelType, IdentityKind } from '../../generated/prisma/enums.js';
import { CHANNEL_SEND_FAILED, type ChannelAdapter, type ChannelTestResult } from '../types.js';
import { GraphApiError, graphJson, userPath } from './client.js';
import { OUTLOOK_SECRET_KEYS, outlookConfigSchema, type OutlookConfig } from './config.js';
import { fetchOutlookMedia } from './media.js';
import { parseOutlookDelivery } from './parse.js';
import { sendOutlookMail } from './send.js';
import { outlookSubscriptions } from './subscriptions.js';
import { outlookWebhook } from './webhook.js';

export type { OutlookConfig } from './config.js';

const userSchema = z.looseObject({
  id: z.string().optional(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  displayName: z.string().nullish(),
});

export const outlookAdapter: ChannelAdapter<OutlookConfig> = {
  channelType: ChannelType.EMAIL_OUTLOOK,
  // Seed 001: answered within 4 hours of business time.
  responseGoalSeconds: 4 * 3600,
  provider: 'outlook',
  configSchema: outlookConfigSchema,
  secretKeys: OUTLOOK_SECRET_KEYS,
  routingKey: (config) => config.mailboxUserId,
  errors: {},
  webhook: outlookWebhook,
  parse: parseOutlookDelivery,

  /** The customer's EMAIL identity, else their profile e-mail. */
  recipient(ctx) {
    const identity = ctx.customer?.identities.find((i) => i.kind === IdentityKind.EMAIL)?.value;
    return identity || ctx.customer?.email || null;
  },

  send: sendOutlookMail,
  fetchMedia: fetchOutlookMedia,

  /**
   * `GET {graph}/users/{mailboxUserId}` with the app token: proves the tenant,
   * client id and secret and that the app may read the mailbox user.
   * Codes: null when ok; the identity platform's error (e.g. "invalid_client")
   * or Graph's (e.g. "Request_ResourceNotFound", "Authorization_RequestDenied"); CHANNEL_SEND_FAILED otherwise.
   */
  async test(channel, io): Promise<ChannelTestResult> {
    try {
      const json = await graphJson(channel.config, io, `${userPath(channel.config)}?$select=id,mail,userPrincipalName,displayName`);
      const user = userSchema.safeParse(json);
      const address = user.success ? user.data.mail || user.data.userPrincipalName : undefined;
      const name = user.success ? user.data.displayName : undefined;
      if (address && address.toLowerCase() !== channel.config.mailboxAddress.toLowerCase()) {
        return { ok: true, code: null, message: `Connected to ${name ? `${name} ` : ''}<${address}>; note: the configured address is ${channel.config.mailboxAddress}` };
      }
      return { ok: true, code: null, message: `Connected to ${name ? `${name} ` : ''}<${address ?? channel.config.mailboxAddress}>` };
    } catch (err) {
      if (err instanceof GraphApiError) return { ok: false, code: err.code ?? CHANNEL_SEND_FAILED, message: err.message };
      return { ok: false, code: CHANNEL_SEND_FAILED, message: (err as Error)?.message ?? String(err) };
    }
  },

  subscriptions: outlookSubscriptions,
};
