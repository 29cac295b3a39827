/**
 * Downloading inbound MMS media. An incoming MMS names each file by its
 * `MediaUrl{N}` (NormalizedAttachment.providerMediaId):
 * `https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}`.
 * A `GET` of that URL (with HTTP basic auth when the account enforces
 * "HTTP Basic Authentication for media access") answers a redirect to the
 * file on Twilio's CDN (Twilio Docs, "Media resource" → "Fetch a Media
 * resource", https://www.twilio.com/docs/messaging/api/media-resource).
 *
 * SSRF guard: the credentials are only ever sent to a URL whose origin equals
 * that of TWILIO_API_BASE_URL (a loopback fake in tests) or
 * https://api.twilio.com, and whose path is a media resource of this
 * channel's own account; anything else is refused before any request.
 * Redirects are followed; `fetch` drops the Authorization header when a
 * redirect leaves the origin (Fetch standard, HTTP-redirect fetch step 13).
 */
import { ChannelMediaError, type AdapterChannel, type AdapterIO, type FetchedMedia } from '../types.js';
import type { SmsConfig } from './config.js';
import { DEFAULT_TWILIO_API_BASE_URL, TWILIO_API_VERSION, twilioBasicAuth } from './send.js';

/** Largest file accepted (Twilio MMS media are at most 5 MB), in bytes. */
export const TWILIO_MEDIA_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Whether `mediaUrl` is a media resource of `accountSid` on an allowed Twilio origin.
 * @param twilioBaseUrl io.urls.twilio
 */
export function isAllowedTwilioMediaUrl(mediaUrl: string, twilioBaseUrl: string, accountSid: string): boolean {
  let u: URL;
  try {
    u = new URL(mediaUrl);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  const origins = new Set([new URL(DEFAULT_TWILIO_API_BASE_URL).origin]);
  try {
    origins.add(new URL(twilioBaseUrl).origin);
  } catch {
    // an unparsable base allows only the default origin
  }
  if (!origins.has(u.origin)) return false;
  const prefix = `/${TWILIO_API_VERSION}/Accounts/${accountSid}/Messages/`;
  return u.pathname.startsWith(prefix) && /^[A-Za-z0-9]+\/Media\/[A-Za-z0-9]+$/.test(u.pathname.slice(prefix.length));
}

/**
 * Fetches an MMS file by its media URL.
 *
 * @returns `{ mimeType: Content-Type (parameters dropped) or application/octet-stream, body: Buffer, contentLength }`
 * @throws ChannelMediaError for a URL that fails the SSRF guard (no request is made), a non-2xx answer
 *   (Twilio error code in the message when there is one; 404 once the media was deleted), a file over
 *   {@link TWILIO_MEDIA_MAX_BYTES}, or a network failure. The message never contains the auth token.
 */
export async function fetchTwilioMedia(channel: AdapterChannel<SmsConfig>, mediaUrl: string, io: AdapterIO): Promise<FetchedMedia> {
  const { config } = channel;
  if (!isAllowedTwilioMediaUrl(mediaUrl, io.urls.twilio, config.accountSid)) {
    throw new ChannelMediaError("Twilio media URL is not a media resource of this account on Twilio's API host; not fetched");
  }
  let res: Response;
  try {
    res = await io.fetch(mediaUrl, { headers: { authorization: twilioBasicAuth(config) }, redirect: 'follow' });
  } catch (err) {
    throw new ChannelMediaError(`Twilio media download failed: ${(err as Error)?.message ?? String(err)}`);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let detail = '';
    try {
      const j = JSON.parse(text) as { code?: unknown; message?: unknown };
      if (typeof j.code === 'number') detail = `: Twilio error ${j.code} ${String(j.message ?? '')}`.trimEnd();
    } catch {
      // not JSON
    }
    throw new ChannelMediaError(`Twilio media download answered HTTP ${res.status}${detail}`, { status: res.status });
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > TWILIO_MEDIA_MAX_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw new ChannelMediaError(`Twilio media is ${declared} bytes, more than ${TWILIO_MEDIA_MAX_BYTES}`);
  }
  let body: Buffer;
  try {
    body = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw new ChannelMediaError(`Twilio media download failed: ${(err as Error)?.message ?? String(err)}`);
  }
  if (body.length > TWILIO_MEDIA_MAX_BYTES) throw new ChannelMediaError(`Twilio media is more than ${TWILIO_MEDIA_MAX_BYTES} bytes`);
  const mimeType = res.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
  return { mimeType, body, contentLength: body.length };
}
