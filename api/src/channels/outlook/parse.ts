/**
 * Turns a stored Graph notification delivery into channel events (runs in the
 * job queue). `created` notifications carry only ids, so each message is
 * fetched from Graph (message.ts); lifecycle notifications become `lifecycle`
 * events for `subscriptions.onLifecycle`.
 */
import { createHash } from 'node:crypto';
import type { AdapterChannel, AdapterIO, ChannelEvent, StoredWebhook } from '../types.js';
import type { OutlookConfig } from './config.js';
import { fetchGraphMessage, graphMessageToInbound, outlookMessageDedupeKey } from './message.js';
import { clientStateMatches, notificationMessageId, notificationRoutesTo, parseGraphNotifications } from './webhook.js';

/**
 * Events of one delivery for one channel: a `message` per created mail (not
 * sent from the mailbox itself, not deleted before we read it), a `lifecycle`
 * per lifecycle notification. Notifications for other channels or with a
 * wrong clientState are skipped (authenticate already refused the latter).
 * @throws Error for a body that is not a notification batch; GraphApiError when
 *   Graph cannot be read now (the job retries; messages already stored are deduplicated)
 */
export async function parseOutlookDelivery(delivery: StoredWebhook, channel: AdapterChannel<OutlookConfig>, io: AdapterIO): Promise<ChannelEvent[]> {
  const notifications = parseGraphNotifications(delivery.rawBody);
  const bodyHash = createHash('sha256').update(delivery.rawBody).digest('hex').slice(0, 32);
  const events: ChannelEvent[] = [];
  const seen = new Set<string>();
  for (const [index, n] of notifications.entries()) {
    if (!notificationRoutesTo(n, channel.config) || !clientStateMatches(n, channel.config)) continue;
    if (n.lifecycleEvent) {
      events.push({
        kind: 'lifecycle',
        dedupeKey: `outlook:lifecycle:${n.subscriptionId}:${n.lifecycleEvent}:${bodyHash}:${index}`,
        event: n.lifecycleEvent,
        data: {
          subscriptionId: n.subscriptionId,
          ...(n.subscriptionExpirationDateTime ? { subscriptionExpirationDateTime: n.subscriptionExpirationDateTime } : {}),
          ...(n.tenantId ? { tenantId: n.tenantId } : {}),
        },
      });
      continue;
    }
    const changeTypes = (n.changeType ?? '').split(',').map((s) => s.trim().toLowerCase());
    if (!changeTypes.includes('created')) continue;
    const messageId = notificationMessageId(n);
    if (!messageId || seen.has(messageId)) continue;
    seen.add(messageId);
    const fetched = await fetchGraphMessage(channel.config, io, messageId);
    if (!fetched) {
      io.logger.info({ channelId: channel.id, messageId }, 'outlook message gone before it was read');
      continue;
    }
    const inbound = graphMessageToInbound(channel.config, fetched.message, fetched.attachments, io.now());
    if (!inbound) continue;
    events.push({ kind: 'message', dedupeKey: outlookMessageDedupeKey(inbound.externalMessageId), inbound });
  }
  return events;
}
