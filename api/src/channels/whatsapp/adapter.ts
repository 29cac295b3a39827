/**
 * The WhatsApp Business Cloud API channel adapter (ChannelType WHATSAPP_BUSINESS),
 * served at `/webhooks/whatsapp`.
 *
 * - `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: the
 *   verification handshake; 200 text/plain with the challenge when the token
 *   equals the verifyToken of any active WhatsApp channel, else 403.
 * - `POST` signed with `X-Hub-Signature-256` (signature.ts) on the raw bytes:
 *   missing or wrong → 401; signed but malformed → 400; both store nothing.
 *   Because the app secret depends on the channel and JSON must not be parsed
 *   before authentication, the body is first checked against the app secrets
 *   of the active WhatsApp channels; after parsing, every channel the payload
 *   routes to (`metadata.phone_number_id` = Channel.externalId) must be one
 *   whose secret verified, so one tenant's app secret cannot post into another
 *   tenant's channel. Changes for an unknown phone_number_id are acknowledged
 *   and dropped (Meta would otherwise retry them for days).
 *
 * Sources: Meta for Developers, Graph API "Webhooks – Getting started"
 * (verification requests, validating payloads), WhatsApp Cloud API "Webhooks",
 * "Messages" reference and "customer service windows".
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ChannelType } from '../../generated/prisma/enums.js';
import { constantTimeEqual } from '../../shared/crypto.js';
import type { AdapterChannel, ChannelAdapter, ChannelEvent, WebhookResponse } from '../types.js';
import { fetchWhatsAppMedia } from './media.js';
import { parseWhatsAppWebhookRaw, whatsappDedupeKey, WhatsAppPayloadError } from './parse.js';
import { sendWhatsAppText, WHATSAPP_WINDOW_CLOSED, WHATSAPP_WINDOW_MS } from './send.js';
import { verifyWhatsAppSignature, WHATSAPP_SIGNATURE_HEADER } from './signature.js';

export const WhatsAppChannelConfig = z.object({
  /** Business phone number id (Graph object id), e.g. "106540352242922"; the routing key. */
  phoneNumberId: z.string().regex(/^\d{5,20}$/, 'The phone number id is the numeric Graph id of the business number.'),
  /** Business number in international format without '+', e.g. "31202152900" (display only). */
  displayPhoneNumber: z.string().optional(),
  /** WhatsApp Business Account id (entry[].id in webhooks). */
  businessAccountId: z.string().optional(),
  /** Meta app secret: key of the X-Hub-Signature-256 HMAC. Secret. */
  appSecret: z.string().min(8),
  /** Token expected in the GET verification handshake (hub.verify_token). Secret. */
  verifyToken: z.string().min(8),
  /** System-user access token for the Graph API. Secret. */
  accessToken: z.string().min(8),
});
export type WhatsAppChannelConfig = z.infer<typeof WhatsAppChannelConfig>;

/** Configuration keys encrypted at rest. */
export const WHATSAPP_SECRET_KEYS = ['appSecret', 'verifyToken', 'accessToken'] as const;

const json = (status: number, body: object): WebhookResponse => ({ status, body });

export const whatsappAdapter: ChannelAdapter<WhatsAppChannelConfig> = {
  channelType: ChannelType.WHATSAPP_BUSINESS,
  // Seed 001: answered within 1 hour of business time.
  responseGoalSeconds: 3600,
  provider: 'whatsapp',
  configSchema: WhatsAppChannelConfig,
  secretKeys: WHATSAPP_SECRET_KEYS,
  routingKey: (config) => config.phoneNumberId,
  // A wa_id is the customer's E.164 number in digits, without '+' ("31612345678").
  phoneIdentity: {
    kind: 'WHATSAPP_ID',
    fromPhone: (e164) => (/^\+\d{6,15}$/.test(e164) ? e164.slice(1) : null),
    toPhone: (value) => (/^\d{6,15}$/.test(value) ? `+${value}` : null),
  },
  errors: {
    [WHATSAPP_WINDOW_CLOSED]: 'The 24-hour WhatsApp customer-service window has closed: only an approved template message can be sent until the customer writes again.',
  },
  replyWindow: { ms: WHATSAPP_WINDOW_MS, code: WHATSAPP_WINDOW_CLOSED },

  webhook: {
    async handshake(req, channels) {
      if (req.method !== 'GET') return null;
      const { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge } = req.query;
      const forbidden: WebhookResponse = { status: 403, body: 'Forbidden' };
      if (mode !== 'subscribe' || !token || challenge === undefined) return forbidden;
      const all = await channels.all();
      const ok = all.some((c) => typeof c.config.verifyToken === 'string' && constantTimeEqual(c.config.verifyToken, token));
      return ok ? { status: 200, body: challenge } : forbidden;
    },

    async authenticate(req, channels) {
      const header = req.headers[WHATSAPP_SIGNATURE_HEADER];
      if (!header) return json(401, { error: 'missing X-Hub-Signature-256' });
      const all = await channels.all();
      const signedBy = all.filter((c) => typeof c.config.appSecret === 'string' && verifyWhatsAppSignature(req.rawBody, header, c.config.appSecret));
      if (signedBy.length === 0) return json(401, { error: 'invalid signature' });
      let routingKeys: Set<string>;
      try {
        routingKeys = new Set(parseWhatsAppWebhookRaw(req.rawBody).events.map((e) => e.phoneNumberId));
      } catch (err) {
        if (err instanceof WhatsAppPayloadError) return json(400, { error: err.message });
        throw err;
      }
      const channelIds: string[] = [];
      for (const key of routingKeys) {
        const target = all.find((c) => c.externalId === key);
        if (!target) continue; // unknown number: acknowledged, dropped
        if (!signedBy.includes(target)) return json(401, { error: 'invalid signature for the addressed phone number' });
        channelIds.push(target.id);
      }
      // Meta has no delivery id: the body's hash identifies a redelivery.
      const dedupeKey = `whatsapp:${createHash('sha256').update(req.rawBody).digest('hex')}`;
      return { channelIds, dedupeKey, keepHeaders: { [WHATSAPP_SIGNATURE_HEADER]: header } };
    },
  },

  async parse(delivery, channel) {
    const parsed = parseWhatsAppWebhookRaw(delivery.rawBody);
    const events: ChannelEvent[] = [];
    for (const e of parsed.events) {
      if (e.phoneNumberId !== channel.externalId) continue;
      const dedupeKey = whatsappDedupeKey(e);
      events.push(e.kind === 'message' ? { kind: 'message', dedupeKey, inbound: e.inbound } : { kind: 'status', dedupeKey, status: e.status });
    }
    return events;
  },

  recipient({ customer, conversationKey }) {
    const waId = customer?.identities.find((i) => i.kind === 'WHATSAPP_ID')?.value;
    return waId ?? customer?.phone?.replace(/^\+/, '') ?? conversationKey ?? null;
  },

  /**
   * Sends `request.content` as a text message to `request.to` (wa_id), quoting
   * `request.replyToExternalId` when set. Resolves to the wamid.
   * @throws ChannelSendError WHATSAPP_WINDOW_CLOSED (Graph 131047) or CHANNEL_SEND_FAILED (retryable on 429/5xx/network)
   */
  send(channel, request, io) {
    return sendWhatsAppText({ ...channel.config, graphBaseUrl: io.urls.whatsappGraph }, request, { fetch: io.fetch });
  },

  /**
   * Downloads an inbound image/document/audio/video/sticker by its media id:
   * Graph `GET /{media-id}` for a short-lived URL, then `GET` that URL, both
   * with the access token (media.ts).
   * @throws ChannelMediaError CHANNEL_MEDIA_UNAVAILABLE
   */
  fetchMedia(channel, providerMediaId, io) {
    return fetchWhatsAppMedia({ ...channel.config, graphBaseUrl: io.urls.whatsappGraph }, providerMediaId);
  },

  /** `GET /{phone-number-id}` with the access token: the number's display name and quality rating. */
  async test(channel: AdapterChannel<WhatsAppChannelConfig>, io) {
    try {
      const res = await io.fetch(`${io.urls.whatsappGraph}/${encodeURIComponent(channel.config.phoneNumberId)}`, {
        headers: { authorization: `Bearer ${channel.config.accessToken}` },
      });
      const body = (await res.json().catch(() => ({}))) as { display_phone_number?: string; error?: { code?: number; message?: string } };
      if (res.ok) return { ok: true, code: null, message: `Connected to ${body.display_phone_number ?? channel.config.phoneNumberId}.` };
      return { ok: false, code: String(body.error?.code ?? res.status), message: body.error?.message ?? `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, code: 'NETWORK', message: (err as Error).message };
    }
  },
};
