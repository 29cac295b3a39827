/**
 * HTTP endpoints Meta calls for the WhatsApp Business Cloud API:
 *
 * - `GET  /webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
 *   Verification handshake when the webhook URL is configured in the Meta app:
 *   200 text/plain with the challenge when the token equals the verifyToken of
 *   ANY active WhatsApp channel, else 403.
 * - `POST /webhooks/whatsapp` with a `messages` webhook, signed with
 *   `X-Hub-Signature-256` (see signature.ts). The body is read as raw bytes
 *   (express.raw, 1 MB limit) and JSON is parsed only after the signature
 *   verified:
 *     - missing or wrong signature → 401, nothing stored
 *     - signed but malformed → 400, nothing stored
 *     - otherwise every message/status is stored as an InboundEvent (raw body,
 *       dedupe key `whatsapp:msg:<wamid>` / `whatsapp:status:<wamid>:<status>`),
 *       then ingested (ingestInbound / applyDeliveryStatus) → 200.
 *       A redelivered event already processed is skipped. When processing
 *       throws, the error is recorded on the InboundEvent and the answer is
 *       500 so Meta redelivers; the redelivery reprocesses only the events
 *       without processedAt.
 *
 * Routing: each change names its business number in
 * `metadata.phone_number_id` = Channel.externalId (type WHATSAPP_BUSINESS).
 * Because the app secret depends on the channel and JSON must not be parsed
 * before authentication, the body is first checked against the app secrets of
 * the active WhatsApp channels; after parsing, the signature must also verify
 * with the appSecret of every channel the payload routes to (so one tenant's
 * app secret cannot post into another tenant's channel). Changes for an
 * unknown phone_number_id are logged and acknowledged (Meta would otherwise
 * retry them for days).
 *
 * Mount at the application root: `app.use(createWhatsAppWebhookRouter(deps))`.
 *
 * Sources: Meta for Developers, Graph API "Webhooks – Getting started"
 * (verification requests, validating payloads) and WhatsApp Cloud API
 * "Webhooks" / messages webhook reference.
 */
import express, { type Request, type Response } from 'express';
import type { Channel } from '../../generated/prisma/client.js';
import { ingestInbound } from '../../modules/conversation/ingest.service.js';
import { listActiveChannels, openChannelConfig } from '../../modules/channel/channel.service.js';
import { applyDeliveryStatus } from '../../modules/message/message.service.js';
import type { AppDeps } from '../../shared/app.js';
import { constantTimeEqual } from '../../shared/crypto.js';
import { isUniqueViolation } from '../../shared/errors.js';
import type { WhatsAppChannelConfig } from './adapter.js';
import { parseWhatsAppWebhookRaw, whatsappDedupeKey, WhatsAppPayloadError, type WhatsAppWebhookEvent } from './parse.js';
import { verifyWhatsAppSignature, WHATSAPP_SIGNATURE_HEADER } from './signature.js';

export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';

interface ChannelWithConfig {
  channel: Channel;
  config: Partial<WhatsAppChannelConfig>;
}

/** Active WhatsApp channels with opened configuration; channels whose secrets cannot be opened are skipped. */
async function activeWhatsAppChannels(deps: AppDeps): Promise<ChannelWithConfig[]> {
  const channels = await listActiveChannels(deps, 'WHATSAPP_BUSINESS');
  const out: ChannelWithConfig[] = [];
  for (const channel of channels) {
    try {
      out.push({ channel, config: openChannelConfig<Partial<WhatsAppChannelConfig>>(deps, channel) });
    } catch (err) {
      deps.logger.error({ channelId: channel.id, err }, 'whatsapp channel configuration cannot be opened');
    }
  }
  return out;
}

/** The external id a channel routes by: Channel.externalId, else configuration.phoneNumberId. */
function phoneNumberIdOf(c: ChannelWithConfig): string | undefined {
  return c.channel.externalId ?? c.config.phoneNumberId;
}

/**
 * Builds the router for `GET` and `POST /webhooks/whatsapp`.
 * @param deps process dependencies (db, secrets for opening channel configs, logger)
 */
export function createWhatsAppWebhookRouter(deps: AppDeps): express.Router {
  const router = express.Router();

  router.get(WHATSAPP_WEBHOOK_PATH, async (req: Request, res: Response) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (mode !== 'subscribe' || typeof token !== 'string' || token === '' || typeof challenge !== 'string') {
      res.status(403).type('text/plain').send('Forbidden');
      return;
    }
    const channels = await activeWhatsAppChannels(deps);
    const ok = channels.some((c) => typeof c.config.verifyToken === 'string' && constantTimeEqual(c.config.verifyToken, token));
    if (!ok) {
      deps.logger.warn('whatsapp webhook verification with an unknown verify token');
      res.status(403).type('text/plain').send('Forbidden');
      return;
    }
    res.status(200).type('text/plain').send(challenge);
  });

  router.post(
    WHATSAPP_WEBHOOK_PATH,
    express.raw({ type: '*/*', limit: '1mb' }),
    async (req: Request, res: Response) => {
      const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.get(WHATSAPP_SIGNATURE_HEADER);
      if (!header) {
        res.status(401).json({ error: 'missing X-Hub-Signature-256' });
        return;
      }

      // 1. Authenticate before parsing: some active channel's app secret must verify.
      const channels = await activeWhatsAppChannels(deps);
      const signedBy = channels.filter(
        (c) => typeof c.config.appSecret === 'string' && verifyWhatsAppSignature(raw, header, c.config.appSecret),
      );
      if (signedBy.length === 0) {
        deps.logger.warn({ bytes: raw.length }, 'whatsapp webhook with an invalid signature');
        res.status(401).json({ error: 'invalid signature' });
        return;
      }

      // 2. Parse.
      let events: WhatsAppWebhookEvent[];
      try {
        const parsed = parseWhatsAppWebhookRaw(raw);
        events = parsed.events;
        for (const s of parsed.skipped) deps.logger.info({ ...s }, 'whatsapp webhook item skipped');
      } catch (err) {
        if (err instanceof WhatsAppPayloadError) {
          deps.logger.warn({ issues: err.issues }, 'malformed whatsapp webhook');
          res.status(400).json({ error: err.message });
          return;
        }
        throw err;
      }

      // 3. Route every event and require the routed channel's own secret to verify.
      const byPhone = new Map<string, ChannelWithConfig>();
      for (const c of channels) {
        const id = phoneNumberIdOf(c);
        if (id) byPhone.set(id, c);
      }
      const routed: Array<{ event: WhatsAppWebhookEvent; target: ChannelWithConfig }> = [];
      for (const event of events) {
        const target = byPhone.get(event.phoneNumberId);
        if (!target) {
          deps.logger.warn({ phoneNumberId: event.phoneNumberId }, 'whatsapp webhook for an unknown phone number id');
          continue;
        }
        if (!signedBy.includes(target)) {
          deps.logger.warn({ channelId: target.channel.id }, 'whatsapp webhook not signed with the routed channel app secret');
          res.status(401).json({ error: 'invalid signature for the addressed phone number' });
          return;
        }
        routed.push({ event, target });
      }

      // 4. Store, then process, each event in payload order.
      const rawText = raw.toString('utf8');
      const headers = {
        [WHATSAPP_SIGNATURE_HEADER]: header,
        ...(req.get('user-agent') ? { 'user-agent': req.get('user-agent') } : {}),
      };
      let failures = 0;
      for (const { event, target } of routed) {
        const dedupeKey = whatsappDedupeKey(event);
        let eventId: string;
        try {
          const row = await deps.db.prisma.inboundEvent.create({
            data: {
              organizationId: target.channel.organizationId,
              channelId: target.channel.id,
              provider: 'whatsapp',
              dedupeKey,
              rawBody: rawText,
              headers,
            },
          });
          eventId = row.id;
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          const existing = await deps.db.prisma.inboundEvent.findUnique({ where: { dedupeKey } });
          if (!existing || existing.processedAt) continue; // redelivery of a processed event
          eventId = existing.id; // an earlier attempt failed: process again
        }
        try {
          if (event.kind === 'message') await ingestInbound(deps, target.channel, event.inbound);
          else await applyDeliveryStatus(deps, target.channel, event.status);
          await deps.db.prisma.inboundEvent.update({ where: { id: eventId }, data: { processedAt: deps.clock.now(), error: null } });
        } catch (err) {
          failures++;
          deps.logger.error({ err, dedupeKey }, 'whatsapp webhook event failed');
          await deps.db.prisma.inboundEvent
            .update({ where: { id: eventId }, data: { error: String((err as Error)?.message ?? err).slice(0, 2000) } })
            .catch(() => undefined);
        }
      }
      if (failures > 0) {
        res.status(500).json({ error: `${failures} event(s) failed; redeliver` });
        return;
      }
      res.status(200).json({ ok: true });
    },
  );

  return router;
}
