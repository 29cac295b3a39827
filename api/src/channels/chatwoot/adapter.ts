/**
 * The Chatwoot channel adapter (ChannelType CHATWOOT, `/webhooks/chatwoot`).
 *
 * A Chatwoot account webhook delivers the account's conversations to the
 * hub; agents answer in the hub and the replies are posted into the same
 * Chatwoot conversation through the Application API, which delivers them on
 * the customer's channel (web widget, e-mail, WhatsApp … as Chatwoot inboxes).
 *
 * - config: {@link ChatwootConfig} (config.ts); routing key = String(accountId)
 * - webhook: signature + timestamp + routing (webhook.ts, signature.ts)
 * - parse: message_created / message_updated / conversation_status_changed /
 *   conversation_resolved / contact_updated (parse.ts)
 * - send, test, syncContact, fetchMedia: Application API (api.ts)
 *
 * Source: Chatwoot developer docs, "Webhooks" and the Application API
 * reference (https://developers.chatwoot.com/api-reference), and the Chatwoot
 * source (`app/listeners/webhook_listener.rb`, `Message#webhook_data`).
 */
import { ChannelType, IdentityKind } from '../../generated/prisma/enums.js';
import type { ChannelAdapter } from '../types.js';
import { CHATWOOT_ERRORS, fetchChatwootMedia, sendChatwootMessage, syncChatwootContact, testChatwootChannel } from './api.js';
import { CHATWOOT_SECRET_KEYS, chatwootConfigSchema, chatwootRoutingKey, type ChatwootConfig } from './config.js';
import { parseChatwootWebhook } from './parse.js';
import { authenticateChatwootWebhook } from './webhook.js';

export type { ChatwootConfig } from './config.js';

export const chatwootAdapter: ChannelAdapter<ChatwootConfig> = {
  channelType: ChannelType.CHATWOOT,
  provider: 'chatwoot',
  configSchema: chatwootConfigSchema,
  secretKeys: CHATWOOT_SECRET_KEYS,
  routingKey: chatwootRoutingKey,
  errors: CHATWOOT_ERRORS,
  /** Contact ids are per Chatwoot account, i.e. per channel. */
  channelScopedIdentities: [IdentityKind.CHATWOOT_CONTACT],
  webhook: {
    /**
     * Verifies X-Chatwoot-Signature/-Timestamp and routes by `account.id`
     * (webhook.ts). The timestamp window uses `Date.now()`: the contract gives
     * `authenticate` no clock.
     */
    authenticate: (req, channels) => authenticateChatwootWebhook(req, channels, Date.now()),
  },
  parse: async (delivery, channel) => parseChatwootWebhook(delivery, channel),
  /** The conversation display id; a Chatwoot reply cannot start a new conversation. */
  recipient: (ctx) => ctx.conversationKey,
  send: sendChatwootMessage,
  fetchMedia: fetchChatwootMedia,
  test: testChatwootChannel,
  syncContact: syncChatwootContact,
};

/** The identity kind whose value is the `providerContactId` of {@link ChannelAdapter.syncContact}. */
export const CHATWOOT_CONTACT_IDENTITY = IdentityKind.CHATWOOT_CONTACT;

export { signChatwootWebhook, verifyChatwootSignature, chatwootWebhookHeaders } from './signature.js';
