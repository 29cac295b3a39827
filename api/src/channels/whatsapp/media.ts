/**
 * Downloading inbound media (image, document, audio, video, sticker) from the
 * WhatsApp Business Cloud API. Webhooks carry only a media id
 * (NormalizedAttachment.providerMediaId); the bytes take two calls
 * (Meta for Developers, WhatsApp Cloud API "Media",
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media/):
 *
 * 1. `GET {graphBaseUrl}/{media-id}?phone_number_id={phoneNumberId}` with
 *    `Authorization: Bearer {accessToken}` →
 *    `{ messaging_product: "whatsapp", url, mime_type, sha256, file_size, id }`.
 *    `phone_number_id` is optional; when given Meta checks the media belongs
 *    to that number. An unknown or expired id (webhook media ids live 7 days)
 *    answers the Graph error envelope (code 100, subcode 33).
 * 2. `GET {url}` with the same bearer token → the file. The URL expires after
 *    about 5 minutes, so it is used at once and never stored.
 *
 * The access token travels to the URL Graph returned, so that URL must be
 * https, or else on the configured Graph host itself (tests and the demo run
 * the fake Cloud API on http://127.0.0.1).
 */
import { z } from 'zod';
import { ChannelMediaError, type FetchedMedia } from '../types.js';
import { DEFAULT_WHATSAPP_GRAPH_BASE_URL } from './send.js';

/** Timeout of the media-id lookup (step 1), in milliseconds. */
export const DEFAULT_WHATSAPP_MEDIA_LOOKUP_TIMEOUT_MS = 10_000;
/**
 * Timeout of the download (step 2), in milliseconds. It covers reading the
 * whole body, so it is generous: WhatsApp documents may be up to 100 MB.
 */
export const DEFAULT_WHATSAPP_MEDIA_DOWNLOAD_TIMEOUT_MS = 120_000;

/** What {@link fetchWhatsAppMedia} needs from a channel's configuration (decrypted). */
export interface WhatsAppMediaConfig {
  accessToken: string;
  /** Sent as `phone_number_id` so Meta checks the media belongs to this number; optional. */
  phoneNumberId?: string;
  /** e.g. "https://graph.facebook.com/v21.0"; default {@link DEFAULT_WHATSAPP_GRAPH_BASE_URL}. */
  graphBaseUrl?: string;
}

export interface WhatsAppMediaOptions {
  lookupTimeoutMs?: number;
  downloadTimeoutMs?: number;
  /** Injected fetch (tests); default global fetch. */
  fetch?: typeof fetch;
}

const mediaInfoSchema = z.looseObject({
  url: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  file_size: z.union([z.number(), z.string()]).optional(),
  id: z.string().optional(),
});
export type WhatsAppMediaInfo = z.infer<typeof mediaInfoSchema>;

const graphErrorSchema = z.looseObject({
  error: z.looseObject({ message: z.string(), code: z.number().int().optional() }),
});

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function requestFailure(step: string, err: unknown, timeoutMs: number): ChannelMediaError {
  const e = err as Error;
  const reason = e?.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : `failed: ${e?.message ?? String(err)}`;
  return new ChannelMediaError(`WhatsApp media ${step} ${reason}`);
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Whether the access token may be sent to `url`: https anywhere, or the exact
 * origin of the Graph base URL (so a plain-http fake or proxy works in tests).
 */
export function isAllowedMediaUrl(url: string, graphBaseUrl: string): boolean {
  let u: URL;
  let base: URL;
  try {
    u = new URL(url);
    base = new URL(graphBaseUrl);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === 'https:') return true;
  return u.origin === base.origin;
}

/**
 * Fetches one media file by its WhatsApp media id.
 *
 * @returns the MIME type (Graph's `mime_type`, else the download's
 *   Content-Type, else application/octet-stream), the body as a stream
 *   (consume it once), `contentLength` (the download's Content-Length when
 *   the body is not content-encoded) and Graph's `sha256`
 * @throws ChannelMediaError (code CHANNEL_MEDIA_UNAVAILABLE) when the config
 *   lacks an access token, Graph answers an error (unknown/expired id, bad
 *   token), the answer has no usable URL, the URL is not allowed (see
 *   {@link isAllowedMediaUrl}), the download is not 2xx, or a step times out
 *   or fails on the network. The message never contains the token.
 */
export async function fetchWhatsAppMedia(config: WhatsAppMediaConfig, mediaId: string, options: WhatsAppMediaOptions = {}): Promise<FetchedMedia> {
  if (!config.accessToken) throw new ChannelMediaError('WhatsApp channel is missing accessToken');
  if (!mediaId) throw new ChannelMediaError('WhatsApp media id is empty');
  const base = (config.graphBaseUrl || DEFAULT_WHATSAPP_GRAPH_BASE_URL).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const lookupTimeoutMs = options.lookupTimeoutMs ?? DEFAULT_WHATSAPP_MEDIA_LOOKUP_TIMEOUT_MS;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? DEFAULT_WHATSAPP_MEDIA_DOWNLOAD_TIMEOUT_MS;
  const authorization = `Bearer ${config.accessToken}`;

  // 1. media id → short-lived URL.
  const lookup = new URL(`${base}/${encodeURIComponent(mediaId)}`);
  if (config.phoneNumberId) lookup.searchParams.set('phone_number_id', config.phoneNumberId);
  let res: Response;
  let text: string;
  try {
    res = await doFetch(lookup, {
      headers: { authorization, accept: 'application/json' },
      signal: AbortSignal.timeout(lookupTimeoutMs),
    });
    text = await res.text();
  } catch (err) {
    throw requestFailure('lookup', err, lookupTimeoutMs);
  }
  const json = parseJson(text);
  const graphError = graphErrorSchema.safeParse(json);
  if (!res.ok || graphError.success) {
    if (graphError.success) {
      const ge = graphError.data.error;
      throw new ChannelMediaError(`WhatsApp API error ${ge.code ?? res.status}: ${ge.message}`, ge);
    }
    throw new ChannelMediaError(`WhatsApp media lookup answered HTTP ${res.status}`);
  }
  const info = mediaInfoSchema.safeParse(json);
  if (!info.success) throw new ChannelMediaError(`WhatsApp media lookup answered HTTP ${res.status} with an unexpected body`);
  const { url, mime_type, sha256 } = info.data;
  if (!isAllowedMediaUrl(url, base)) {
    throw new ChannelMediaError('WhatsApp media URL is neither https nor on the configured Graph host; not followed');
  }

  // 2. download with the same token. Cross-origin redirects drop the Authorization header (fetch spec).
  let download: Response;
  try {
    download = await doFetch(url, { headers: { authorization }, signal: AbortSignal.timeout(downloadTimeoutMs) });
  } catch (err) {
    throw requestFailure('download', err, downloadTimeoutMs);
  }
  if (!download.ok || !download.body) {
    const body = await download.text().catch(() => '');
    const ge = graphErrorSchema.safeParse(parseJson(body));
    throw new ChannelMediaError(
      ge.success ? `WhatsApp media download error ${ge.data.error.code ?? download.status}: ${ge.data.error.message}` : `WhatsApp media download answered HTTP ${download.status}`,
      ge.success ? ge.data.error : undefined,
    );
  }
  const headerType = download.headers.get('content-type')?.split(';')[0]?.trim();
  return {
    mimeType: mime_type || headerType || 'application/octet-stream',
    body: download.body,
    // Only a Content-Length of an unencoded body is the number of bytes the stream yields.
    contentLength: download.headers.get('content-encoding') ? undefined : positiveInt(download.headers.get('content-length') ?? undefined),
    sha256,
  };
}
