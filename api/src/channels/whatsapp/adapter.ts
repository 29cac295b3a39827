/**
 * The WhatsApp Business Cloud API channel adapter (ChannelType WHATSAPP_BUSINESS).
 *
 * Channel.configuration holds a {@link WhatsAppChannelConfig}; the keys in
 * `secretKeys` are sealed at rest (api/src/shared/crypto.ts) and must be
 * opened before calling `send`. Channel.externalId is the phone number id, so
 * webhooks route by `metadata.phone_number_id`.
 *
 * Source: Meta for Developers, WhatsApp Cloud API "Get started", "Messages"
 * reference and "Webhooks" (https://developers.facebook.com/documentation/business-messaging/whatsapp/).
 */
import { ChannelType } from '../../generated/prisma/enums.js';
import type { ChannelAdapter, FetchedMedia, OutboundRequest, OutboundResult } from '../types.js';
import { fetchWhatsAppMedia } from './media.js';
import { sendWhatsAppText } from './send.js';

export interface WhatsAppChannelConfig {
  /** Business phone number id (Graph object id), e.g. "106540352242922"; also Channel.externalId. */
  phoneNumberId: string;
  /** Business number in international format without '+', e.g. "31202152900" (display only). */
  displayPhoneNumber?: string;
  /** WhatsApp Business Account id (entry[].id in webhooks). */
  businessAccountId?: string;
  /** Meta app secret: key of the X-Hub-Signature-256 HMAC. Secret. */
  appSecret: string;
  /** Token expected in the GET verification handshake (hub.verify_token). Secret. */
  verifyToken: string;
  /** System-user access token for the Graph API. Secret. */
  accessToken: string;
  /**
   * Graph API base URL including the version, e.g. "https://graph.facebook.com/v21.0".
   * The caller fills it from config WHATSAPP_GRAPH_BASE_URL when the channel has none;
   * falls back to https://graph.facebook.com/v21.0.
   */
  graphBaseUrl?: string;
}

/** Configuration keys encrypted at rest. */
export const WHATSAPP_SECRET_KEYS = ['appSecret', 'verifyToken', 'accessToken'] as const;

export const whatsappAdapter: ChannelAdapter<WhatsAppChannelConfig> = {
  channelType: ChannelType.WHATSAPP_BUSINESS,
  secretKeys: WHATSAPP_SECRET_KEYS,
  /**
   * Sends `request.content` as a text message to `request.to` (wa_id), quoting
   * `request.replyToExternalId` when set. Resolves to the wamid.
   * @throws ChannelSendError WHATSAPP_WINDOW_CLOSED (Graph 131047) or CHANNEL_SEND_FAILED
   */
  send(config: WhatsAppChannelConfig, request: OutboundRequest): Promise<OutboundResult> {
    return sendWhatsAppText(config, request);
  },
  /**
   * Downloads an inbound image/document/audio/video/sticker by its media id:
   * Graph `GET /{media-id}` for a short-lived URL, then `GET` that URL, both
   * with the access token (see media.ts).
   * @throws ChannelMediaError CHANNEL_MEDIA_UNAVAILABLE
   */
  fetchMedia(config: WhatsAppChannelConfig, providerMediaId: string): Promise<FetchedMedia> {
    return fetchWhatsAppMedia(config, providerMediaId);
  },
};

export {
  WHATSAPP_WINDOW_MS,
  isWithinCustomerServiceWindow,
  WHATSAPP_WINDOW_CLOSED,
  CHANNEL_SEND_FAILED,
  DEFAULT_WHATSAPP_GRAPH_BASE_URL,
} from './send.js';
export { fetchWhatsAppMedia, isAllowedMediaUrl } from './media.js';
