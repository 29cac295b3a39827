/**
 * Microsoft Graph change notifications at `/webhooks/outlook` (created mail)
 * and `/webhooks/outlook/lifecycle` (subscription lifecycle).
 *
 * Wire format (Microsoft Graph "Receive change notifications through webhooks",
 * "Reduce missing subscriptions and change notifications" (lifecycle),
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks):
 *
 * - Validation when a subscription is created: `POST {url}?validationToken=<token>`
 *   (Content-Type text/plain, empty body) → answer 200 `text/plain` with the
 *   token (URL-decoded), within 10 seconds.
 * - Notification: `POST {url}` with `{ value: [{ subscriptionId, subscriptionExpirationDateTime,
 *   clientState, changeType: "created", resource: "Users/{userId}/Messages/{messageId}",
 *   tenantId, resourceData: { "@odata.type": "#Microsoft.Graph.Message", id } }] }`
 *   → answer 202 within 3 seconds, else Graph retries (for up to 4 hours).
 * - Lifecycle notification: `{ value: [{ subscriptionId, subscriptionExpirationDateTime,
 *   tenantId, clientState, lifecycleEvent: "reauthorizationRequired" | "subscriptionRemoved" | "missed" }] }`.
 *
 * Graph signs nothing: the only proof of origin is `clientState`, the secret
 * the subscription was created with. So the JSON is parsed before
 * authentication (bounded: 1 MiB, zod-validated, at most 1000 notifications),
 * each notification is routed to a channel by `subscriptionId` (else by the
 * user id in `resource`, else for lifecycle events by `tenantId`), and every
 * routed notification's clientState must equal that channel's (constant-time)
 * or the whole request is rejected with 401. Notifications that route to no
 * channel are dropped (a request in which none routes is accepted with no
 * channel: the edge acknowledges it and stores nothing, so Graph stops retrying
 * for a deleted channel).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { constantTimeEqual } from '../../shared/crypto.js';
import type { AdapterChannel, ChannelDirectory, WebhookAccepted, WebhookHandler, WebhookRequest, WebhookResponse } from '../types.js';
import type { OutlookConfig } from './config.js';

/** Largest accepted notification body (Graph batches at most a few hundred notifications). */
export const OUTLOOK_MAX_BODY_BYTES = 1024 * 1024;
/** Longest validation token echoed back; Graph's are far shorter. */
export const VALIDATION_TOKEN_MAX_LENGTH = 1024;
export const OUTLOOK_LIFECYCLE_SUBPATH = '/lifecycle';

export const graphNotificationSchema = z.looseObject({
  id: z.string().max(500).optional(),
  subscriptionId: z.string().min(1).max(200),
  subscriptionExpirationDateTime: z.string().max(100).optional(),
  clientState: z.string().max(1000).nullish(),
  changeType: z.string().max(100).optional(),
  resource: z.string().max(4000).optional(),
  tenantId: z.string().max(200).optional(),
  resourceData: z.looseObject({ id: z.string().max(1000).optional(), '@odata.type': z.string().max(200).optional() }).nullish(),
  lifecycleEvent: z.string().max(100).optional(),
});
export type GraphNotification = z.infer<typeof graphNotificationSchema>;

export const graphNotificationBodySchema = z.looseObject({
  value: z.array(graphNotificationSchema).min(1).max(1000),
});

/**
 * Parses a notification body.
 * @throws Error when it is not JSON or not `{ value: [notification, …] }`
 */
export function parseGraphNotifications(raw: Buffer | string): GraphNotification[] {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new Error('Graph notification body is not JSON');
  }
  const parsed = graphNotificationBodySchema.safeParse(json);
  if (!parsed.success) throw new Error(`Graph notification body is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data.value;
}

/** The user id in a notification resource ("Users/{id}/Messages/{id}"), lower case. */
export function resourceUserId(resource: string | undefined): string | undefined {
  const m = /^\/?users\/([^/]+)\//i.exec(resource ?? '');
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!).replace(/^'|'$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

/** The message id of a `created` notification: resourceData.id, else the last resource segment. */
export function notificationMessageId(n: GraphNotification): string | undefined {
  if (n.resourceData?.id) return n.resourceData.id;
  const m = /\/messages\/([^/]+)$/i.exec(n.resource ?? '');
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!).replace(/^'|'$/g, '');
  } catch {
    return undefined;
  }
}

function sameId(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}

/**
 * Whether a notification addresses this channel: its subscription, else the
 * mailbox user in `resource`, else (lifecycle notifications carry no
 * resource) the tenant together with a matching clientState.
 */
export function notificationRoutesTo(n: GraphNotification, config: Partial<OutlookConfig>): boolean {
  if (sameId(n.subscriptionId, config.subscriptionId)) return true;
  const user = resourceUserId(n.resource);
  if (user) return sameId(user, config.mailboxUserId);
  return !!n.lifecycleEvent && sameId(n.tenantId, config.tenantId) && clientStateMatches(n, config);
}

/** Constant-time clientState check; false when either side is missing. */
export function clientStateMatches(n: GraphNotification, config: Partial<OutlookConfig>): boolean {
  return typeof n.clientState === 'string' && typeof config.clientState === 'string' && config.clientState !== '' && constantTimeEqual(n.clientState, config.clientState);
}

const text = (status: number, body: string): WebhookResponse => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body,
  headers: { 'x-content-type-options': 'nosniff' },
});

/**
 * Answers Graph's validation request (`?validationToken=`) on '' and
 * '/lifecycle'; null for any other request.
 */
export async function outlookHandshake(req: WebhookRequest): Promise<WebhookResponse | null> {
  const token = req.query.validationToken;
  if (token === undefined) return null;
  if (req.subpath !== '' && req.subpath !== OUTLOOK_LIFECYCLE_SUBPATH) return null;
  if (token === '' || token.length > VALIDATION_TOKEN_MAX_LENGTH) return text(400, 'invalid validationToken');
  return text(200, token);
}

/**
 * dedupeKey of a delivery: `outlook:<sha256 of the raw body>:<channel id>` for
 * one channel; without the channel id for several (the edge appends each
 * channel's id then), so every stored event ends up keyed the same way.
 */
export function outlookDeliveryDedupeKey(rawBody: Buffer | string, channelIds: string[]): string {
  const hash = createHash('sha256').update(rawBody).digest('hex');
  return channelIds.length === 1 ? `outlook:${hash}:${channelIds[0]}` : `outlook:${hash}`;
}

/**
 * Authenticates and routes a notification delivery (see the file comment).
 * 413 over {@link OUTLOOK_MAX_BODY_BYTES}, 400 malformed, 401 a clientState
 * mismatch; `channelIds: []` when no notification is for a known channel.
 */
export async function outlookAuthenticate(req: WebhookRequest, channels: ChannelDirectory<OutlookConfig>): Promise<WebhookAccepted | WebhookResponse> {
  if (req.method !== 'POST') return { status: 405, body: { error: 'method not allowed' } };
  if (req.rawBody.length > OUTLOOK_MAX_BODY_BYTES) return { status: 413, body: { error: 'body too large' } };
  let notifications: GraphNotification[];
  try {
    notifications = parseGraphNotifications(req.rawBody);
  } catch (err) {
    return { status: 400, body: { error: (err as Error).message } };
  }

  const all = await channels.all();
  const byUser = new Map<string, AdapterChannel<OutlookConfig> | null>();
  const routed = new Map<string, AdapterChannel<OutlookConfig>>();
  for (const n of notifications) {
    let targets = all.filter((c) => sameId(n.subscriptionId, c.config.subscriptionId));
    if (targets.length === 0) {
      const user = resourceUserId(n.resource);
      if (user) {
        if (!byUser.has(user)) byUser.set(user, all.find((c) => sameId(c.config.mailboxUserId, user)) ?? (await channels.byRoutingKey(user)));
        const c = byUser.get(user);
        targets = c ? [c] : [];
      } else if (n.lifecycleEvent) {
        targets = all.filter((c) => notificationRoutesTo(n, c.config));
      }
    }
    for (const c of targets) {
      if (!clientStateMatches(n, c.config)) return { status: 401, body: { error: 'clientState does not match' } };
      routed.set(c.id, c);
    }
  }
  // None for a known channel (e.g. the channel was deleted while its subscription lives on):
  // acknowledged and dropped by the edge, so Graph stops retrying.
  const channelIds = [...routed.keys()];
  return { channelIds, dedupeKey: outlookDeliveryDedupeKey(req.rawBody, channelIds) };
}

export const outlookWebhook: WebhookHandler<OutlookConfig> = {
  subpaths: [OUTLOOK_LIFECYCLE_SUBPATH],
  maxBodyBytes: OUTLOOK_MAX_BODY_BYTES,
  handshake: (req) => outlookHandshake(req),
  authenticate: outlookAuthenticate,
  acknowledge: { status: 202 },
};
