/**
 * Downloading an e-mail attachment (Graph "Get attachment", raw contents:
 * `GET {graph}/users/{mailboxUserId}/messages/{messageId}/attachments/{attachmentId}/$value`
 * → 200 the file bytes with its Content-Type; an item attachment answers its MIME
 * content, a reference attachment cannot be downloaded).
 * providerMediaId is `${messageId}/${attachmentId}` (message.ts).
 */
import { ChannelMediaError, type AdapterChannel, type AdapterIO, type FetchedMedia } from '../types.js';
import { GraphApiError, graphFetch } from './client.js';
import type { OutlookConfig } from './config.js';
import { messagePath } from './message.js';

/** Splits a providerMediaId into message and attachment ids (Graph ids contain no '/'). */
export function splitMediaId(providerMediaId: string): { messageId: string; attachmentId: string } | null {
  const at = providerMediaId.indexOf('/');
  if (at <= 0 || at === providerMediaId.length - 1) return null;
  return { messageId: providerMediaId.slice(0, at), attachmentId: providerMediaId.slice(at + 1) };
}

function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      /* fall through */
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/.exec(disposition)?.[1]?.trim();
}

/**
 * Fetches the bytes of one attachment.
 * @returns a stream (consume it once), its Content-Type and Content-Length when Graph gave them
 * @throws ChannelMediaError for a malformed id, a Graph error (404 ErrorItemNotFound, refused token), a network error
 */
export async function fetchOutlookMedia(channel: AdapterChannel<OutlookConfig>, providerMediaId: string, io: AdapterIO): Promise<FetchedMedia> {
  const ids = splitMediaId(providerMediaId);
  if (!ids) throw new ChannelMediaError(`Outlook media id "${providerMediaId.slice(0, 100)}" is not <messageId>/<attachmentId>`);
  let res: Response;
  try {
    res = await graphFetch(channel.config, io, `${messagePath(channel.config, ids.messageId)}/attachments/${encodeURIComponent(ids.attachmentId)}/$value`, {
      headers: { accept: '*/*' },
    });
  } catch (err) {
    if (err instanceof GraphApiError) throw new ChannelMediaError(`Outlook attachment: ${err.message}`, err.providerError ?? { status: err.status });
    throw new ChannelMediaError(`Outlook attachment: ${(err as Error)?.message ?? String(err)}`);
  }
  if (!res.body) throw new ChannelMediaError('Outlook attachment: empty answer');
  const length = res.headers.get('content-length');
  const fileName = fileNameOf(res.headers.get('content-disposition'));
  return {
    mimeType: res.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream',
    body: res.body,
    ...(length && /^\d+$/.test(length) && !res.headers.get('content-encoding') ? { contentLength: Number(length) } : {}),
    ...(fileName ? { fileName } : {}),
  };
}
