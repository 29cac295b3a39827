/**
 * Configuration of a Chatwoot channel (Channel.configuration, ChannelType CHATWOOT).
 *
 * One hub channel mirrors one Chatwoot account on one Chatwoot installation
 * (Chatwoot Cloud `https://app.chatwoot.com` or self-hosted). The account's
 * webhook (Settings → Integrations → Webhooks) points at
 * `{PUBLIC_URL}/webhooks/chatwoot` and signs with `webhookSecret`; replies and
 * contact updates go through the Chatwoot Application API with an agent's
 * (or agent bot's) `api_access_token`.
 *
 * Channel.externalId (the routing key) is `String(accountId)`. Two
 * self-hosted installations can both have an account 1: routing therefore
 * also requires the webhook to verify with the routed channel's own secret
 * (see webhook.ts), so such channels never receive each other's deliveries.
 */
import { z } from 'zod';

/** A positive integer id, as a JSON number or a decimal string ("12"). */
const positiveId = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d{1,15}$/, 'expected a positive integer')
      .transform(Number),
  ])
  .pipe(z.number().int().positive());

/** http(s) URL without a trailing slash. */
const baseUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://app.chatwoot.com' }).transform((u) => u.replace(/\/+$/, ''));

export const chatwootConfigSchema = z.object({
  /** Chatwoot account id (`account.id` in webhooks, `{account_id}` in API paths); also Channel.externalId. */
  accountId: positiveId,
  /** Secret of the account webhook: key of the X-Chatwoot-Signature HMAC. Secret. */
  webhookSecret: z.string().min(1, 'webhookSecret is required'),
  /** Chatwoot installation, e.g. "https://app.chatwoot.com" (no trailing slash; one is removed). */
  baseUrl,
  /** `api_access_token` of the agent or agent bot the hub replies as. Secret. */
  apiAccessToken: z.string().min(1, 'apiAccessToken is required'),
  /** Inbox the hub handles (informational; webhooks of every inbox of the account are accepted). */
  inboxId: positiveId.optional(),
});

/** The opened (decrypted) configuration of a Chatwoot channel. */
export type ChatwootConfig = z.infer<typeof chatwootConfigSchema>;

/** Configuration keys sealed at rest. */
export const CHATWOOT_SECRET_KEYS = ['webhookSecret', 'apiAccessToken'] as const;

/** The routing key (Channel.externalId) of a configuration: the account id as a decimal string. */
export function chatwootRoutingKey(config: Pick<ChatwootConfig, 'accountId'>): string {
  return String(config.accountId);
}
