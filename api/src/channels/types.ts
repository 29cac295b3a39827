/**
 * The boundary between provider adapters (api/src/channels/<provider>/) and the
 * domain. Adapters turn provider payloads into these shapes; nothing
 * provider-specific crosses it.
 */
import type { ChannelType, DeliveryStatus } from '../generated/prisma/enums.js';

/** One attachment as the hub stores it in Message.attachments. */
export interface NormalizedAttachment {
  /** image | document | audio | video | sticker | location | contacts | file */
  kind: string;
  mimeType?: string;
  /** Provider media id (WhatsApp media id) to fetch the bytes later. */
  providerMediaId?: string;
  url?: string;
  fileName?: string;
  caption?: string;
  sha256?: string;
  /** For kind=location. */
  latitude?: number;
  longitude?: number;
  name?: string;
  address?: string;
}

/** The customer as the provider identifies them. At least one identifier is set. */
export interface CustomerIdentity {
  name?: string;
  /** WhatsApp wa_id (digits, no '+'). */
  waId?: string;
  /** WhatsApp business-scoped user id. */
  waBsuid?: string;
  email?: string;
  /** E.164. */
  phone?: string;
}

/** An inbound customer message, normalized. */
export interface NormalizedInbound {
  /** Provider message id, e.g. the WhatsApp wamid; unique per channel. */
  externalMessageId: string;
  customer: CustomerIdentity;
  /** Plain-text content; for non-text messages a readable summary, e.g. "📍 Location: Damrak 1". */
  content: string;
  contentHtml?: string;
  subject?: string;
  attachments: NormalizedAttachment[];
  /** When the customer sent it (provider timestamp). */
  occurredAt: Date;
  /** Provider conversation key used to find the thread (WhatsApp: the wa_id). */
  conversationKey?: string;
  /** Provider id of the message this one replies or reacts to (WhatsApp context.id). */
  inReplyToExternalId?: string;
  /** Provider-specific details kept in Message.metadata, e.g. { whatsappType: 'interactive', buttonId }. */
  metadata: Record<string, unknown>;
}

/** A delivery receipt for a message the hub sent. */
export interface DeliveryStatusUpdate {
  externalMessageId: string;
  status: DeliveryStatus;
  occurredAt: Date;
  /** Provider error, e.g. { code: 131047, title: 'Re-engagement message' }. */
  error?: { code: number | string; title: string; details?: string };
}

/** A reply the hub sends through a channel. */
export interface OutboundRequest {
  /** Recipient address in the provider's terms (WhatsApp: wa_id). */
  to: string;
  content: string;
  subject?: string;
  /** Provider id of the message replied to, when the provider supports quoting. */
  replyToExternalId?: string;
}

export interface OutboundResult {
  /** Provider id of the sent message (WhatsApp wamid). */
  externalMessageId: string;
  /** Provider response kept in Message.metadata. */
  raw?: unknown;
}

/** Thrown by an adapter's send(); `code` becomes the mutation's typed error code. */
export class ChannelSendError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly providerError?: unknown,
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}

/** Error code of {@link ChannelMediaError}: the provider could not deliver the file. */
export const CHANNEL_MEDIA_UNAVAILABLE = 'CHANNEL_MEDIA_UNAVAILABLE';

/**
 * Thrown by an adapter's fetchMedia(): the media id is unknown or expired, the
 * provider refused the token, timed out, or answered something unexpected.
 * `code` is always {@link CHANNEL_MEDIA_UNAVAILABLE}; `providerError` holds the
 * provider's error object when there is one.
 */
export class ChannelMediaError extends Error {
  readonly code = CHANNEL_MEDIA_UNAVAILABLE;
  constructor(
    message: string,
    public readonly providerError?: unknown,
  ) {
    super(message);
    this.name = 'ChannelMediaError';
  }
}

/** The bytes of one attachment, as fetched from the provider. */
export interface FetchedMedia {
  mimeType: string;
  /** The file; a stream is consumed once. */
  body: ReadableStream<Uint8Array> | Buffer;
  /** Size in bytes when the provider said so. */
  contentLength?: number;
  /** Provider checksum (WhatsApp: hex SHA-256 of the file). */
  sha256?: string;
}

/** What every channel adapter provides. */
export interface ChannelAdapter<Config = Record<string, unknown>> {
  readonly channelType: ChannelType;
  /** Configuration keys that are encrypted at rest. */
  readonly secretKeys: readonly string[];
  send(config: Config, request: OutboundRequest): Promise<OutboundResult>;
  /**
   * Downloads an inbound attachment by its provider media id
   * (NormalizedAttachment.providerMediaId), for channels whose provider keeps
   * the file. Absent when the channel has no such files.
   * @throws ChannelMediaError
   */
  fetchMedia?(config: Config, providerMediaId: string): Promise<FetchedMedia>;
}
