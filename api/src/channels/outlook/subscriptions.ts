/**
 * The Graph subscription that makes Graph notify `/webhooks/outlook` of new
 * inbox mail, and the delta query that fetches what notifications missed.
 *
 * Create (Graph "Create subscription", https://learn.microsoft.com/graph/api/subscription-post-subscriptions):
 * ```
 * POST {graph}/subscriptions
 * { changeType: "created", notificationUrl: "{public}/webhooks/outlook",
 *   lifecycleNotificationUrl: "{public}/webhooks/outlook/lifecycle",
 *   resource: "/users/{mailboxUserId}/mailFolders('inbox')/messages",
 *   expirationDateTime: now + 10 070 min, clientState, latestSupportedTlsVersion: "v1_2" }
 * → 201 { id, resource, changeType, clientState, notificationUrl, expirationDateTime, … }
 * ```
 * Graph validates notificationUrl (and lifecycleNotificationUrl) with a
 * `?validationToken=` POST before answering. Outlook message subscriptions
 * live at most 10 080 minutes (under 7 days).
 *
 * Renew (Graph "Update subscription"): `PATCH {graph}/subscriptions/{id} { expirationDateTime }`
 * → 200 subscription; 404 when Graph already removed it (then a new one is created).
 *
 * Catch-up (Graph "message: delta", "Get incremental changes to messages in a folder"):
 * `GET {graph}/users/{id}/mailFolders/inbox/messages/delta?changeType=created&$select=id,from,receivedDateTime&$filter=receivedDateTime ge {since}`
 * the first time, the stored `@odata.deltaLink` afterwards; pages follow
 * `@odata.nextLink` until a page carries `@odata.deltaLink`. A delta token
 * Graph no longer knows (410 Gone) starts a new round.
 */
import { z } from 'zod';
import type { AdapterChannel, AdapterIO, ChannelEvent, SubscriptionHooks } from '../types.js';
import { GraphApiError, graphFetch, graphJson, graphUrl, userPath } from './client.js';
import type { OutlookConfig } from './config.js';
import { fetchGraphMessage, graphMessageToInbound, outlookMessageDedupeKey } from './message.js';

/** Lifetime asked for a new or renewed subscription, in minutes (Graph's maximum for messages is 10 080). */
export const SUBSCRIPTION_LIFETIME_MINUTES = 10_070;
/** Renew this long before the subscription expires. */
export const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;
/**
 * The first catch-up (no delta link yet) reads mail received in the last
 * this many days, not the whole inbox history.
 */
export const INITIAL_SYNC_DAYS = 3;
/** Page size asked of the delta query (Prefer: odata.maxpagesize). */
export const DELTA_PAGE_SIZE = 50;
/** Pages read per catch-up; beyond that the nextLink is stored and the next catch-up goes on from it. */
export const DELTA_MAX_PAGES = 40;

const subscriptionSchema = z.looseObject({ id: z.string().min(1), expirationDateTime: z.string().min(1) });

const deltaPageSchema = z.looseObject({
  value: z.array(
    z.looseObject({
      id: z.string().min(1),
      '@removed': z.unknown().optional(),
      from: z.looseObject({ emailAddress: z.looseObject({ address: z.string().nullish() }).nullish() }).nullish(),
    }),
  ),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

/** The subscribed resource: new mail in the mailbox's inbox. */
export function subscriptionResource(config: Pick<OutlookConfig, 'mailboxUserId'>): string {
  return `/users/${config.mailboxUserId}/mailFolders('inbox')/messages`;
}

function expiration(io: AdapterIO): string {
  return new Date(io.now().getTime() + SUBSCRIPTION_LIFETIME_MINUTES * 60_000).toISOString();
}

function subscriptionPatch(json: unknown): Partial<OutlookConfig> {
  const parsed = subscriptionSchema.safeParse(json);
  const at = parsed.success ? new Date(parsed.data.expirationDateTime) : undefined;
  if (!parsed.success || !at || Number.isNaN(at.getTime())) {
    throw new GraphApiError('Graph subscription answer without id/expirationDateTime', 200, null);
  }
  return { subscriptionId: parsed.data.id, subscriptionExpiresAt: at.toISOString() };
}

/**
 * Creates the subscription.
 * @returns the config keys to store
 * @throws GraphApiError (e.g. 400 when Graph could not validate the notification URL)
 */
export async function createSubscription(channel: AdapterChannel<OutlookConfig>, io: AdapterIO): Promise<Partial<OutlookConfig>> {
  const json = await graphJson(channel.config, io, '/subscriptions', {
    method: 'POST',
    json: {
      changeType: 'created',
      notificationUrl: `${io.urls.public}/webhooks/outlook`,
      lifecycleNotificationUrl: `${io.urls.public}/webhooks/outlook/lifecycle`,
      resource: subscriptionResource(channel.config),
      expirationDateTime: expiration(io),
      clientState: channel.config.clientState,
      latestSupportedTlsVersion: 'v1_2',
    },
  });
  io.logger.info({ channelId: channel.id }, 'outlook subscription created');
  return subscriptionPatch(json);
}

/**
 * Extends the subscription; creates a new one when Graph no longer has it.
 * @returns the keys to store and whether mail may have been missed (a new subscription)
 */
export async function renewSubscription(channel: AdapterChannel<OutlookConfig>, io: AdapterIO): Promise<{ patch: Partial<OutlookConfig>; catchUp: boolean }> {
  const id = channel.config.subscriptionId;
  if (!id) return { patch: await createSubscription(channel, io), catchUp: true };
  try {
    const json = await graphJson(channel.config, io, `/subscriptions/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      json: { expirationDateTime: expiration(io) },
    });
    return { patch: subscriptionPatch(json), catchUp: false };
  } catch (err) {
    if (err instanceof GraphApiError && err.status === 404) {
      io.logger.warn({ channelId: channel.id }, 'outlook subscription gone; creating a new one');
      return { patch: await createSubscription(channel, io), catchUp: true };
    }
    throw err;
  }
}

/** Deletes a subscription; a 404 (already gone) is fine. */
export async function deleteSubscription(channel: AdapterChannel<OutlookConfig>, io: AdapterIO, id: string): Promise<void> {
  try {
    const res = await graphFetch(channel.config, io, `/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' });
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    if (!(err instanceof GraphApiError && err.status === 404)) throw err;
  }
}

function firstDeltaPath(config: OutlookConfig, io: AdapterIO): string {
  const since = new Date(io.now().getTime() - INITIAL_SYNC_DAYS * 24 * 60 * 60 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const query = ['changeType=created', '$select=id,from,receivedDateTime', `$filter=${encodeURIComponent(`receivedDateTime ge ${since}`)}`].join('&');
  return `${userPath(config)}/mailFolders/inbox/messages/delta?${query}`;
}

function usableDeltaLink(link: string | undefined, io: AdapterIO): string | undefined {
  if (!link) return undefined;
  try {
    return graphUrl(io, link);
  } catch {
    return undefined;
  }
}

/**
 * Reads the inbox changes since the stored delta link (or the last
 * {@link INITIAL_SYNC_DAYS} days) and fetches each new message.
 * @returns `message` events (mail from the mailbox itself and deleted mail left out) and the new deltaLink
 * @throws GraphApiError when Graph cannot be read now
 */
export async function catchUpMailbox(channel: AdapterChannel<OutlookConfig>, io: AdapterIO): Promise<{ events: ChannelEvent[]; patch: Partial<OutlookConfig> }> {
  const config = channel.config;
  const mailbox = config.mailboxAddress.toLowerCase();
  const stored = usableDeltaLink(config.deltaLink, io);
  let url = stored ?? firstDeltaPath(config, io);
  let restarted = !stored;
  const ids: string[] = [];
  let next: string | undefined;
  let pages = 0;
  for (;;) {
    let json: unknown;
    try {
      json = await graphJson(config, io, url, { headers: { prefer: `odata.maxpagesize=${DELTA_PAGE_SIZE}` } });
    } catch (err) {
      // An expired or unknown delta token: start a new round (once).
      if (!restarted && err instanceof GraphApiError && (err.status === 410 || /syncstate|resyncrequired/i.test(err.code ?? ''))) {
        io.logger.warn({ channelId: channel.id, code: err.code }, 'outlook delta link expired; starting over');
        restarted = true;
        ids.length = 0;
        url = firstDeltaPath(config, io);
        continue;
      }
      throw err;
    }
    const page = deltaPageSchema.safeParse(json);
    if (!page.success) throw new GraphApiError('Graph delta page with an unexpected body', 200, null);
    for (const item of page.data.value) {
      if (item['@removed'] !== undefined) continue;
      if (item.from?.emailAddress?.address?.toLowerCase() === mailbox) continue;
      ids.push(item.id);
    }
    pages++;
    const deltaLink = page.data['@odata.deltaLink'];
    const nextLink = page.data['@odata.nextLink'];
    if (deltaLink) {
      next = usableDeltaLink(deltaLink, io);
      break;
    }
    if (!nextLink) break;
    const followed = usableDeltaLink(nextLink, io);
    if (!followed) throw new GraphApiError('Graph delta nextLink is not under the Graph base URL', 200, null);
    if (pages >= DELTA_MAX_PAGES) {
      next = followed; // resume from here next time
      break;
    }
    url = followed;
  }

  const events: ChannelEvent[] = [];
  for (const id of [...new Set(ids)]) {
    const fetched = await fetchGraphMessage(config, io, id);
    if (!fetched) continue;
    const inbound = graphMessageToInbound(config, fetched.message, fetched.attachments, io.now());
    if (inbound) events.push({ kind: 'message', dedupeKey: outlookMessageDedupeKey(inbound.externalMessageId), inbound });
  }
  return { events, patch: next ? { deltaLink: next } : {} };
}

export const outlookSubscriptions: SubscriptionHooks<OutlookConfig> = {
  renewAt(config, now) {
    const at = config.subscriptionExpiresAt ? new Date(config.subscriptionExpiresAt) : undefined;
    if (!config.subscriptionId || !at || Number.isNaN(at.getTime())) return new Date(now.getTime() - 1000);
    return new Date(at.getTime() - RENEW_BEFORE_MS);
  },

  async ensure(channel, io) {
    const at = channel.config.subscriptionExpiresAt ? new Date(channel.config.subscriptionExpiresAt) : undefined;
    if (!channel.config.subscriptionId || !at || Number.isNaN(at.getTime()) || at.getTime() <= io.now().getTime()) {
      return { patch: await createSubscription(channel, io), catchUp: true };
    }
    return renewSubscription(channel, io);
  },

  async onLifecycle(channel, event, io) {
    switch (event) {
      case 'reauthorizationRequired':
        return renewSubscription(channel, io);
      case 'subscriptionRemoved': {
        // Drop what is left of the old one so there is never more than one subscription per mailbox.
        if (channel.config.subscriptionId) await deleteSubscription(channel, io, channel.config.subscriptionId);
        return { patch: await createSubscription(channel, io), catchUp: true };
      }
      case 'missed':
        return { patch: {}, catchUp: true };
      default:
        io.logger.warn({ channelId: channel.id, event }, 'unknown outlook lifecycle event ignored');
        return { patch: {}, catchUp: false };
    }
  },

  catchUp: catchUpMailbox,
};
