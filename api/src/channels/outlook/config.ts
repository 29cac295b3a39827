/**
 * Configuration of an Outlook (Microsoft 365 mailbox) channel, read through
 * Microsoft Graph with an app registration (client credentials, application
 * permissions Mail.Read + Mail.Send + User.Read.All, usually restricted to the
 * one mailbox with an Exchange application access policy).
 *
 * Channel.configuration holds an {@link OutlookConfig}; `clientSecret` and
 * `clientState` are sealed at rest. Channel.externalId is `mailboxUserId`, so
 * change notifications route by the user id in their `resource`
 * (`Users/{id}/Messages/{id}`) when the subscription id is not (yet) known.
 *
 * Sources: Microsoft identity platform "OAuth 2.0 client credentials flow";
 * Microsoft Graph "Change notifications for Outlook resources" and
 * "subscription resource type" (https://learn.microsoft.com/graph/).
 */
import { z } from 'zod';

/** Graph accepts a clientState of at most 128 characters. */
export const GRAPH_CLIENT_STATE_MAX = 128;

export const outlookConfigSchema = z.object({
  /** Directory (tenant) id, a GUID (or the tenant's verified domain). */
  tenantId: z.string().trim().min(1).max(200),
  /** Application (client) id of the app registration, a GUID. */
  clientId: z.string().trim().min(1).max(200),
  /** Client secret of the app registration. Secret. */
  clientSecret: z.string().min(1).max(1000),
  /**
   * Object id (GUID) of the mailbox user; also Channel.externalId. Use the GUID rather
   * than the UPN: Graph names the user by GUID in notification resources.
   */
  mailboxUserId: z.string().trim().min(1).max(200),
  /** The mailbox's SMTP address, e.g. "klantenservice@chargecars.nl"; mail from it is ignored. */
  mailboxAddress: z.email(),
  /** Shared secret Graph echoes in every notification (1–128 chars; at least 16 here). Secret. */
  clientState: z.string().min(16).max(GRAPH_CLIENT_STATE_MAX),
  /** Id of the current Graph subscription (filled by `subscriptions.ensure`). */
  subscriptionId: z.string().min(1).max(200).optional(),
  /** When the subscription expires, ISO 8601 (filled by `subscriptions.ensure`). */
  subscriptionExpiresAt: z.iso.datetime({ offset: true }).optional(),
  /** The inbox delta link of the last catch-up (absolute Graph URL, opaque). */
  deltaLink: z.url().max(8000).optional(),
});

export type OutlookConfig = z.infer<typeof outlookConfigSchema>;

/** Configuration keys encrypted at rest. */
export const OUTLOOK_SECRET_KEYS = ['clientSecret', 'clientState'] as const;
