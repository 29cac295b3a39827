import type { MessageType } from '../gql/graphql';
import { i18n } from '../i18n';

export interface PreviewMessage {
  type: MessageType;
  content: string | null;
  metadata?: unknown;
  attachments?: ReadonlyArray<{ kind: string; fileName?: string | null; name?: string | null }> | null;
}

function reactionEmoji(metadata: unknown): string | null {
  if (!metadata || typeof metadata !== 'object') return null;
  const reaction = (metadata as { reaction?: unknown }).reaction;
  if (!reaction || typeof reaction !== 'object') return null;
  const emoji = (reaction as { emoji?: unknown }).emoji;
  return typeof emoji === 'string' ? emoji : '';
}

/** "📷 Photo", "📄 invoice.pdf", "📍 Location", … (in the UI language) for a message that has attachments but no text. */
export function attachmentPreview(a: { kind: string; fileName?: string | null; name?: string | null }): string {
  switch (a.kind.toLowerCase()) {
    case 'image':
      return `📷 ${i18n.t('preview.photo')}`;
    case 'sticker':
      return `💟 ${i18n.t('preview.sticker')}`;
    case 'video':
      return `🎥 ${i18n.t('preview.video')}`;
    case 'audio':
      return `🎵 ${i18n.t('preview.audio')}`;
    case 'location':
      return a.name ? `📍 ${a.name}` : `📍 ${i18n.t('preview.location')}`;
    case 'contacts':
      return a.name ? `👤 ${a.name}` : `👤 ${i18n.t('preview.contact')}`;
    default:
      return `📄 ${a.fileName || i18n.t('preview.document')}`;
  }
}

/**
 * One-line inbox preview of the last message: "You: "/"Note: " prefix, then its text, or a
 * readable stand-in for reactions ("Reacted 👍") and text-less media ("📷 Photo", "📄 file.pdf").
 */
export function messagePreview(m: PreviewMessage | null | undefined): string {
  if (!m) return '';
  const prefix = m.type === 'INTERNAL_NOTE' ? i18n.t('preview.note') : m.type === 'OUTGOING' ? i18n.t('preview.you') : '';
  const emoji = reactionEmoji(m.metadata);
  if (emoji !== null) return `${prefix}${emoji ? i18n.t('preview.reacted', { emoji }) : i18n.t('preview.removedReaction')}`;
  const text = m.content?.trim() ?? '';
  if (text) return `${prefix}${text}`;
  const attachments = m.attachments ?? [];
  if (attachments.length === 0) return prefix.trim();
  const first = attachmentPreview(attachments[0]!);
  return `${prefix}${first}${attachments.length > 1 ? ` +${attachments.length - 1}` : ''}`;
}
