/**
 * The provider contract: everything the hub knows about a provider lives behind
 * one {@link ChannelAdapter} in `api/src/channels/<provider>/`, registered with
 * one line in `registry.ts`. The domain (`api/src/modules/`) sees only the
 * shapes in this file and never imports a provider folder.
 *
 * Lifecycle of an inbound webhook (see api/src/http/webhooks.ts):
 *   1. `webhook.handshake` answers verification requests (nothing stored);
 *   2. `webhook.authenticate` checks the signature on the raw bytes and routes
 *      the request to channel(s); a rejection stores nothing;
 *   3. the edge stores one InboundEvent per (delivery, channel) plus a job in
 *      one transaction and answers `webhook.acknowledge`;
 *   4. the job runs `parse` and hands each {@link ChannelEvent} to the domain.
 */
import type { z } from 'zod';
import type { ChannelType, DeliveryStatus, IdentityKind, ThreadStatus } from '../generated/prisma/enums.js';

// ------------------------------------------------------------------ inbound shapes

/** One attachment as the hub stores it in Message.attachments. */
export interface NormalizedAttachment {
  /** image | document | audio | video | sticker | location | contacts | file */
  kind: string;
  mimeType?: string;
  /** Provider media id (WhatsApp media id, Graph attachment id, Twilio media URL) to fetch the bytes later through `fetchMedia`. */
  providerMediaId?: string;
  url?: string;
  fileName?: string;
  /** Size in bytes when the provider says so. */
  size?: number;
  caption?: string;
  sha256?: string;
  /** Inline part of an HTML e-mail (Content-ID), shown within the body rather than as a file. */
  contentId?: string;
  /** For kind=location. */
  latitude?: number;
  longitude?: number;
  name?: string;
  address?: string;
}

/** One way a provider identifies a customer; `value` is normalised (e-mail lower case, phone E.164, WhatsApp id digits). */
export interface IdentityRef {
  kind: IdentityKind;
  value: string;
}

/**
 * The customer as the provider identifies them. Matching (modules/customer)
 * tries `identities` in order; `email`/`phone` also fill the customer's
 * profile when a new customer is created.
 */
export interface InboundCustomer {
  name?: string;
  identities: IdentityRef[];
  email?: string;
  /** E.164. */
  phone?: string;
}

/** An inbound customer message, normalized. */
export interface NormalizedInbound {
  /** Provider message id (wamid, Graph message id, Twilio MessageSid, Chatwoot message id); unique per channel. */
  externalMessageId: string;
  customer: InboundCustomer;
  /** Plain-text content; for e-mail the new text without quoted history; for non-text messages a readable summary. */
  content: string;
  /** Sanitised HTML body (e-mail), safe to render. */
  contentHtml?: string;
  subject?: string;
  attachments: NormalizedAttachment[];
  /** When the customer sent it (provider timestamp). */
  occurredAt: Date;
  /**
   * Provider conversation key that threads inbound messages on this channel
   * (WhatsApp: the wa_id; Graph: conversationId; Twilio: the sender's number;
   * Chatwoot: the conversation id; API: the partner's conversation id).
   */
  conversationKey: string;
  /** RFC 5322 Message-ID of this message (e-mail), kept to thread later replies. */
  internetMessageId?: string;
  /** RFC 5322 In-Reply-To and References ids (e-mail), newest last: a fallback when conversationKey matches no open thread. */
  references?: string[];
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

/**
 * What a parsed webhook yields. Every event has a `dedupeKey` unique per
 * provider (e.g. `whatsapp:msg:<wamid>`); processing an event twice changes
 * nothing (ingestion is idempotent on externalMessageId, statuses only move
 * forward).
 */
export type ChannelEvent =
  | { kind: 'message'; dedupeKey: string; inbound: NormalizedInbound }
  | { kind: 'status'; dedupeKey: string; status: DeliveryStatusUpdate }
  /** The provider changed a conversation's state (Chatwoot resolved/open/pending). */
  | { kind: 'thread-status'; dedupeKey: string; conversationKey: string; status: ThreadStatus; occurredAt: Date }
  /** The provider's contact record changed (Chatwoot contact_updated): identity and profile fields to store. */
  | { kind: 'customer-updated'; dedupeKey: string; customer: InboundCustomer }
  /** The customer opted out of (or back into) messages on this identity (SMS STOP/START). */
  | { kind: 'opt-out'; dedupeKey: string; identity: IdentityRef; optedOut: boolean; occurredAt: Date }
  /**
   * A provider lifecycle event (Graph subscription reauthorizationRequired,
   * subscriptionRemoved, missed): the edge runs the adapter's
   * `subscriptions.onLifecycle` from the job queue.
   */
  | { kind: 'lifecycle'; dedupeKey: string; event: string; data?: Record<string, unknown> };

// ------------------------------------------------------------------ outbound shapes

/** A reply the hub sends through a channel. */
export interface OutboundRequest {
  /** The hub's message id: the idempotency key where the provider takes one. */
  messageId: string;
  /** Recipient address from `adapter.recipient` (WhatsApp: wa_id; e-mail address; E.164 phone; Chatwoot conversation id). */
  to: string;
  /** The thread's conversation key (Graph conversationId, Chatwoot conversation id, partner conversation id). */
  conversationKey: string | null;
  content: string;
  /** HTML body, sanitised (e-mail). */
  contentHtml?: string;
  subject?: string;
  /** Provider id of the customer message being answered (Graph: the message to POST /reply to); null when the agent starts the thread. */
  replyToExternalId?: string;
  /** Display name of the customer, when known. */
  recipientName?: string;
}

export interface OutboundResult {
  /** Provider id of the sent message (wamid, Twilio MessageSid, Chatwoot message id, Graph: the hub's message id when the API gives none). */
  externalMessageId: string;
  /** Status the provider reports at acceptance; default SENT. */
  status?: DeliveryStatus;
  /** RFC 5322 Message-ID, when the provider tells it. */
  internetMessageId?: string;
  /** Provider response kept in Message.metadata.provider. */
  raw?: unknown;
}

/**
 * Thrown by an adapter's send(); `code` becomes the mutation's typed error code
 * (one of the adapter's `errors` keys or CHANNEL_SEND_FAILED). `retryable`
 * tells the outbox to try again later (network errors, 429, 5xx) rather than
 * fail the message at once.
 */
export class ChannelSendError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly providerError?: unknown,
    public readonly retryable = false,
    /** Seconds the provider asked us to wait (Retry-After). */
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}

/** Error code of a provider refusal without a more specific code. */
export const CHANNEL_SEND_FAILED = 'CHANNEL_SEND_FAILED';
/** Error code of {@link ChannelMediaError}: the provider could not deliver the file. */
export const CHANNEL_MEDIA_UNAVAILABLE = 'CHANNEL_MEDIA_UNAVAILABLE';

/**
 * Thrown by an adapter's fetchMedia(): the media id is unknown or expired, the
 * provider refused the token, timed out, or answered something unexpected.
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
  fileName?: string;
}

// ------------------------------------------------------------------ what adapters receive

/** Base URLs of the providers' APIs (config.ts; loopback fakes in tests and the demo sandbox). */
export interface ProviderUrls {
  /** WHATSAPP_GRAPH_BASE_URL, e.g. https://graph.facebook.com/v21.0 */
  whatsappGraph: string;
  /** GRAPH_BASE_URL, e.g. https://graph.microsoft.com/v1.0 */
  graph: string;
  /** MICROSOFT_LOGIN_BASE_URL, e.g. https://login.microsoftonline.com */
  microsoftLogin: string;
  /** TWILIO_API_BASE_URL, e.g. https://api.twilio.com */
  twilio: string;
  /** PUBLIC_URL: the base of every URL the hub gives a provider (webhooks, status callbacks), no trailing slash. */
  public: string;
}

/** Process services an adapter may use; never the database. */
export interface AdapterIO {
  urls: ProviderUrls;
  /** `fetch` with the hub's timeout; tests point URLs at loopback fakes. */
  fetch: typeof fetch;
  now(): Date;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** A small per-process cache (e.g. OAuth tokens until they expire). */
  cache: Map<string, { value: unknown; expiresAt: number }>;
}

/** A channel as adapters see it: its id, routing key and opened (decrypted) configuration. */
export interface AdapterChannel<Config> {
  id: string;
  organizationId: string;
  externalId: string | null;
  config: Config;
}

/** The customer and thread a reply goes to, as `recipient` sees them. */
export interface RecipientContext {
  conversationKey: string | null;
  customer: { name: string; email: string | null; phone: string | null; identities: IdentityRef[] } | null;
}

/** A webhook request as received, before anything is parsed. */
export interface WebhookRequest {
  method: 'GET' | 'POST';
  /** Path after `/webhooks/<provider>`: '' or e.g. '/status', '/lifecycle'. */
  subpath: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The body exactly as received. */
  rawBody: Buffer;
  /** `PUBLIC_URL` + the path and query the provider called (what Twilio signs). */
  publicUrl: string;
}

export interface WebhookResponse {
  status: number;
  /** Default application/json for objects, text/plain for strings. */
  contentType?: string;
  body?: string | object;
  headers?: Record<string, string>;
}

/** Looks up active channels of the adapter's type for routing (across organizations). */
export interface ChannelDirectory<Config> {
  /** The active channel whose `externalId` (routing key) is `key`. */
  byRoutingKey(key: string): Promise<AdapterChannel<Config> | null>;
  /** Every active channel of this type (e.g. to try WhatsApp app secrets before parsing). */
  all(): Promise<AdapterChannel<Config>[]>;
}

/** A verified delivery: store it for these channels, deduplicated by `dedupeKey`. */
export interface WebhookAccepted {
  /** Channels the delivery routes to (usually one). */
  channelIds: string[];
  /** Unique per provider delivery (Twilio MessageSid, Chatwoot X-Chatwoot-Delivery, else a hash of the body). */
  dedupeKey: string;
  /** Headers worth keeping with the raw body (signature, delivery id). */
  keepHeaders?: Record<string, string>;
}

/** The webhook side of a provider, served by api/src/http/webhooks.ts at `/webhooks/<provider><subpath>`. */
export interface WebhookHandler<Config> {
  /** Sub-paths served besides '' (e.g. ['/status'] for Twilio, ['/lifecycle'] for Graph). */
  subpaths?: readonly string[];
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Verification handshakes (WhatsApp GET hub.challenge, Graph ?validationToken=).
   * Returns the answer, or null when the request is not a handshake.
   */
  handshake?(req: WebhookRequest, channels: ChannelDirectory<Config>): Promise<WebhookResponse | null>;
  /**
   * Verifies the request on its raw bytes (signature, clientState, timestamp)
   * and routes it. A `WebhookResponse` rejects it (401/403/400) and nothing is stored.
   */
  authenticate(req: WebhookRequest, channels: ChannelDirectory<Config>): Promise<WebhookAccepted | WebhookResponse>;
  /** The answer once stored (default 200 `{"ok":true}`; Twilio: empty TwiML; Graph: 202). */
  acknowledge?: WebhookResponse;
}

/** What a stored delivery looks like to `parse` (from InboundEvent). */
export interface StoredWebhook {
  subpath: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
  receivedAt: Date;
}

/** Result of `testChannel`: one call to the provider with the channel's credentials. */
export interface ChannelTestResult {
  ok: boolean;
  code: string | null;
  message: string;
}

/** Provider subscriptions that must be created and renewed (Microsoft Graph change notifications). */
export interface SubscriptionHooks<Config> {
  /**
   * When the channel's subscription must next be renewed (or created: a date in
   * the past). The renewal job runs then.
   */
  renewAt(config: Config, now: Date): Date;
  /**
   * Creates the subscription when the channel has none or it expired, else
   * renews it. Returns the configuration keys to store (subscriptionId,
   * subscriptionExpiresAt, deltaLink ...) and whether a catch-up is needed.
   */
  ensure(channel: AdapterChannel<Config>, io: AdapterIO): Promise<{ patch: Partial<Config>; catchUp: boolean }>;
  /** Reacts to a lifecycle event; returns config keys to store and whether to catch up. */
  onLifecycle(channel: AdapterChannel<Config>, event: string, io: AdapterIO): Promise<{ patch: Partial<Config>; catchUp: boolean }>;
  /**
   * Fetches what arrived while notifications were missed (Graph delta query),
   * as events (duplicates are harmless), and the config keys to store (the new delta link).
   */
  catchUp(channel: AdapterChannel<Config>, io: AdapterIO): Promise<{ events: ChannelEvent[]; patch: Partial<Config> }>;
}

/** Free-form reply rule (WhatsApp: 24 h after the customer's last message). */
export interface ReplyWindow {
  /** Milliseconds after the customer's last message during which a free-form reply may be sent. */
  ms: number;
  /** Error code when closed, one of the adapter's `errors`. */
  code: string;
}

/** What every channel adapter provides. */
export interface ChannelAdapter<Config = Record<string, unknown>> {
  readonly channelType: ChannelType;
  /** URL segment and InboundEvent.provider: `/webhooks/<provider>` (whatsapp, outlook, sms, chatwoot, api). */
  readonly provider: string;
  /** Configuration schema (zod); `VALIDATION_FAILED` names the first failing key. */
  readonly configSchema: z.ZodType<Config>;
  /** Configuration keys that are secrets: sealed at rest, write-only, masked when read. */
  readonly secretKeys: readonly string[];
  /** The routing key of a configuration, stored as Channel.externalId (WhatsApp phoneNumberId, Twilio phone number, Chatwoot accountId, Graph mailboxUserId). */
  routingKey(config: Config): string | null;
  /** Provider error codes this adapter raises, with their user-facing messages (e.g. SMS_OPTED_OUT). */
  readonly errors: Readonly<Record<string, string>>;
  /** Free-form reply window, when the provider has one. */
  readonly replyWindow?: ReplyWindow;
  /**
   * Opt-out rule (SMS): a reply whose recipient identity of `kind` is opted
   * out is refused with `code` before anything is sent; a send that fails
   * with `code` marks that identity opted out.
   */
  readonly optOut?: { kind: IdentityKind; code: string };
  /**
   * Identity kinds this provider issues whose values are unique only within one channel (a Chatwoot account's
   * contact ids, a partner's own customer ids): they are matched and stored with the channel id as their scope.
   */
  readonly channelScopedIdentities?: readonly IdentityKind[];
  /**
   * An identity kind of this provider whose value is a phone number in another notation (WhatsApp's wa_id:
   * the E.164 number's digits without '+'). Duplicate suggestions (modules/customer/customer.merge.ts) count
   * such an identity as the customer's phone number and look for the number under this kind too.
   * `fromPhone('+31612345678')` → the value under this kind ("31612345678") or null;
   * `toPhone(value)` → the E.164 number, or null when the value is not one.
   */
  readonly phoneIdentity?: { kind: IdentityKind; fromPhone(e164: string): string | null; toPhone(value: string): string | null };
  /**
   * The response-time goal of this channel, in business seconds (seed 001: e-mail 4 h, WhatsApp 1 h): the analytics'
   * target for the first response and reply times per channel (modules/analytics/metrics.ts). None: no per-channel goal.
   */
  readonly responseGoalSeconds?: number;
  /** The incoming webhook, when the provider calls the hub. */
  readonly webhook?: WebhookHandler<Config>;
  /**
   * Turns a stored delivery into events (runs in the job queue, may call the
   * provider, e.g. Graph fetches the notified message).
   * @throws Error for a delivery that cannot be processed now (the job retries it)
   */
  parse?(delivery: StoredWebhook, channel: AdapterChannel<Config>, io: AdapterIO): Promise<ChannelEvent[]>;
  /** The address a reply on a thread goes to, or null when the thread has none. */
  recipient(ctx: RecipientContext): string | null;
  /**
   * Sends a reply. Absent: the channel cannot send (`CHANNEL_NOT_SUPPORTED`).
   * @throws ChannelSendError
   */
  send?(channel: AdapterChannel<Config>, request: OutboundRequest, io: AdapterIO): Promise<OutboundResult>;
  /**
   * Downloads an inbound attachment by its provider media id.
   * @throws ChannelMediaError
   */
  fetchMedia?(channel: AdapterChannel<Config>, providerMediaId: string, io: AdapterIO): Promise<FetchedMedia>;
  /** Calls the provider once with the channel's credentials (`testChannel`). */
  test?(channel: AdapterChannel<Config>, io: AdapterIO): Promise<ChannelTestResult>;
  /** Provider subscriptions (Graph). */
  readonly subscriptions?: SubscriptionHooks<Config>;
  /**
   * Pushes a customer's profile to the provider's contact record (Chatwoot
   * custom_attributes), run from the job queue with retries.
   * @throws Error to retry
   */
  syncContact?(channel: AdapterChannel<Config>, contact: { providerContactId: string; customer: ContactProfile }, io: AdapterIO): Promise<void>;
}

/** The customer fields a provider contact record mirrors. */
export interface ContactProfile {
  name: string;
  email: string | null;
  phone: string | null;
  tier: string;
  companyName: string | null;
  codiceFiscale: string | null;
  partitaIva: string | null;
  pec: string | null;
  sdi: string | null;
  customAttributes: Record<string, unknown>;
}
