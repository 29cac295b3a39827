/**
 * The API channel adapter (ChannelType API, provider `api`): the partners'
 * own provider.
 *
 * Inbound: partners call the GraphQL `ingestMessage` mutation (the hub's
 * own API), so there is no incoming webhook and no routing key.
 * Outbound: each reply is POSTed to the partner's `webhookUrl`, signed with
 * X-Hub-Signature-256 over "{X-Hub-Timestamp}.{body}" (signature.ts, send.ts).
 */
import { ChannelType, IdentityKind } from '../../generated/prisma/enums.js';
import type { ChannelAdapter } from '../types.js';
import { API_SECRET_KEYS, apiChannelConfigSchema, type ApiChannelConfig } from './config.js';
import { API_ERRORS, sendPartnerMessage, testPartnerChannel } from './send.js';

export type { ApiChannelConfig } from './config.js';

export const apiAdapter: ChannelAdapter<ApiChannelConfig> = {
  channelType: ChannelType.API,
  provider: 'api',
  configSchema: apiChannelConfigSchema,
  secretKeys: API_SECRET_KEYS,
  routingKey: () => null,
  errors: API_ERRORS,
  /** A partner's customer ids are its own. */
  channelScopedIdentities: [IdentityKind.PARTNER],
  /** The thread's conversation key, else the customer's PARTNER identity, else null. */
  recipient: (ctx) => ctx.conversationKey ?? ctx.customer?.identities.find((i) => i.kind === IdentityKind.PARTNER)?.value ?? null,
  send: sendPartnerMessage,
  test: testPartnerChannel,
};

export {
  signPartnerWebhook,
  verifyPartnerWebhook,
  PARTNER_SIGNATURE_HEADER,
  PARTNER_TIMESTAMP_HEADER,
  PARTNER_DELIVERY_HEADER,
  type PartnerVerification,
} from './signature.js';
export { partnerMessageBody, type PartnerMessageWebhook } from './send.js';
