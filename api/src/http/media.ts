/**
 * Viewing message attachments whose bytes stay at the provider (WhatsApp
 * media ids, Graph attachments, Twilio MMS): signed, short-lived links served by the hub itself.
 *
 * - {@link mediaUrl} issues `/media/<messageId>/<index>?exp=<unix s>&sig=<sig>`
 *   where `sig` = base64url(HMAC-SHA256(key, "<messageId>|<index>|<exp>")) and
 *   `key` = HKDF-SHA256(APP_SECRET_KEY, salt "hub-media-urls"), never the raw
 *   secret. GraphQL `Attachment.url` issues these only while resolving a
 *   message the viewer may read (tenant-scoped), so the signature is the
 *   authorization: the route needs no session token (an <img src> sends none).
 * - {@link createMediaRouter} serves `GET /media/:messageId/:index`:
 *   bad/missing signature or expired → 403; unknown message, index out of
 *   range, attachment without providerMediaId, or channel without
 *   fetchMedia → 404; provider failure → 502; otherwise 200 with the bytes
 *   streamed from the provider.
 *
 * Response headers: Content-Type from the provider, `Cache-Control: private,
 * max-age=300`, `X-Content-Type-Options: nosniff`. Types a browser can show
 * safely (raster images, audio, video, PDF, plain text) are `inline`
 * (with the attachment's file name when it has one, always for documents);
 * every other type (HTML, SVG, archives, …) is `attachment` so a customer's
 * file never renders as a page on the hub's origin.
 *
 * Mount at the application root: `app.use(createMediaRouter(deps))`.
 */
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import express, { type Request, type Response } from 'express';
import { constantTimeEqual, deriveKey } from '../shared/crypto.js';
import { adapterIO } from '../channels/io.js';
import { adapterFor } from '../channels/registry.js';
import { ChannelMediaError, type FetchedMedia, type NormalizedAttachment } from '../channels/types.js';
import type { Channel, Prisma } from '../generated/prisma/client.js';
import type { Config } from '../config.js';
import { toAdapterChannel } from '../modules/channel/channel.directory.js';
import type { AppDeps } from '../shared/app.js';

/** How long a link from {@link mediaUrl} stays valid, in seconds (15 minutes). */
export const MEDIA_URL_TTL_SECONDS = 15 * 60;
/** Route path of the media endpoint. */
export const MEDIA_ROUTE = '/media/:messageId/:index';
/** Browser cache lifetime of a served file, in seconds. */
const MEDIA_CACHE_SECONDS = 300;

const keys = new WeakMap<Config, Buffer>();

/** The HMAC key for media links, derived from APP_SECRET_KEY (cached per config object). */
function mediaKey(config: Config): Buffer {
  let key = keys.get(config);
  if (!key) {
    key = deriveKey(config.appSecretKey, 'hub-media-urls', 'hmac-sha256 media links v1');
    keys.set(config, key);
  }
  return key;
}

function sign(config: Config, messageId: string, index: number, exp: number): Buffer {
  return createHmac('sha256', mediaKey(config)).update(`${messageId}|${index}|${exp}`).digest();
}

/**
 * A signed link to attachment `index` of message `messageId`, valid
 * {@link MEDIA_URL_TTL_SECONDS} from `now`.
 * @returns a path relative to the API origin:
 *   `/media/<messageId>/<index>?exp=<unix seconds>&sig=<base64url HMAC-SHA256>`
 */
export function mediaUrl(deps: Pick<AppDeps, 'config'>, messageId: string, index: number, now: Date): string {
  const exp = Math.floor(now.getTime() / 1000) + MEDIA_URL_TTL_SECONDS;
  const sig = sign(deps.config, messageId, index, exp).toString('base64url');
  return `/media/${encodeURIComponent(messageId)}/${index}?exp=${exp}&sig=${sig}`;
}

/**
 * Whether `sig` signs (messageId, index, exp) and `exp` (unix seconds) is
 * still in the future at `now`. Comparison is constant-time.
 */
export function verifyMediaSignature(deps: Pick<AppDeps, 'config'>, messageId: string, index: number, exp: number, sig: string, now: Date): boolean {
  if (!/^[A-Za-z0-9_-]{43}$/.test(sig)) return false;
  const expected = sign(deps.config, messageId, index, exp);
  const given = Buffer.from(sig, 'base64url');
  if (!constantTimeEqual(given, expected)) return false;
  return now.getTime() < exp * 1000;
}

const MIME_RE = /^[A-Za-z0-9][\w.+-]*\/[\w.+-]+(?:\s*;\s*[\w.+-]+=(?:"[^"\r\n]*"|[\w.+-]+))*$/;
/** Base types browsers display without running script. */
const INLINE_SAFE = /^(?:image\/(?:png|jpeg|gif|webp|avif|bmp)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf|text\/plain)$/;

/** `inline`/`attachment` plus the file name (ASCII fallback and RFC 5987 UTF-8 form). */
function contentDisposition(type: 'inline' | 'attachment', fileName: string | undefined): string {
  if (!fileName) return type;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = fileName.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || 'file';
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Builds the router for `GET /media/:messageId/:index?exp=…&sig=…` (see the
 * module comment). Expiry is checked against `deps.clock`.
 */
export function createMediaRouter(deps: AppDeps): express.Router {
  const router = express.Router();

  router.get(MEDIA_ROUTE, async (req: Request, res: Response) => {
    const messageId = String(req.params.messageId ?? '');
    const indexText = String(req.params.index ?? '');
    const expText = typeof req.query.exp === 'string' ? req.query.exp : '';
    const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
    if (!/^\d{1,6}$/.test(indexText) || !/^\d{1,12}$/.test(expText) || !messageId) {
      res.status(403).type('text/plain').send('Forbidden: invalid media link');
      return;
    }
    const index = Number(indexText);
    if (!verifyMediaSignature(deps, messageId, index, Number(expText), sig, deps.clock.now())) {
      res.status(403).type('text/plain').send('Forbidden: invalid or expired media link');
      return;
    }

    // The signature authorizes this exact (message, index): look it up in any organization.
    let message: { attachments: Prisma.JsonValue; channel: Channel } | null;
    try {
      message = await deps.db.prisma.message.findUnique({ where: { id: messageId }, select: { attachments: true, channel: true } });
    } catch (err) {
      deps.logger.error({ err, messageId }, 'media: message lookup failed');
      res.status(500).type('text/plain').send('Internal error');
      return;
    }
    const attachments = (Array.isArray(message?.attachments) ? message.attachments : []) as unknown as NormalizedAttachment[];
    const attachment = attachments[index];
    const adapter = message ? adapterFor(message.channel.type) : undefined;
    if (!message || !attachment || typeof attachment.providerMediaId !== 'string' || !attachment.providerMediaId || !adapter?.fetchMedia) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }

    let media: FetchedMedia;
    try {
      media = await adapter.fetchMedia(toAdapterChannel(deps, message.channel), attachment.providerMediaId, adapterIO(deps));
    } catch (err) {
      const known = err instanceof ChannelMediaError;
      deps.logger.warn({ messageId, index, channelId: message.channel.id, err: known ? err.message : err }, 'media: provider could not deliver the file');
      res.status(502).type('text/plain').send('The file is not available from the provider (it may have expired).');
      return;
    }

    const mimeType = MIME_RE.test(media.mimeType) ? media.mimeType : 'application/octet-stream';
    const baseType = mimeType.split(';')[0]!.trim().toLowerCase();
    const inline = INLINE_SAFE.test(baseType);
    const fileName = attachment.fileName || (attachment.kind === 'document' ? 'document' : undefined);
    res.status(200);
    res.setHeader('Content-Type', mimeType);
    res.setHeader('Cache-Control', `private, max-age=${MEDIA_CACHE_SECONDS}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!inline || fileName) res.setHeader('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', fileName));

    if (Buffer.isBuffer(media.body)) {
      res.setHeader('Content-Length', String(media.body.length));
      res.end(req.method === 'HEAD' ? undefined : media.body);
      return;
    }
    if (media.contentLength !== undefined) res.setHeader('Content-Length', String(media.contentLength));
    if (req.method === 'HEAD') {
      await media.body.cancel().catch(() => undefined);
      res.end();
      return;
    }
    try {
      await pipeline(Readable.fromWeb(media.body as NodeReadableStream<Uint8Array>), res);
    } catch (err) {
      // Client went away or the provider stream broke mid-way; headers are sent, so just drop the connection.
      deps.logger.info({ messageId, index, err: (err as Error)?.message }, 'media: stream ended early');
      res.destroy();
    }
  });

  return router;
}
