import type { MessageType } from '../gql/graphql';

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

/** "📷 Photo", "📄 invoice.pdf", "📍 Location", … for a message that has attachments but no text. */
export function attachmentPreview(a: { kind: string; fileName?: string | null; name?: string | null }): string {
  switch (a.kind.toLowerCase()) {
    case 'image':
      return '📷 Photo';
    case 'sticker':
      return '💟 Sticker';
    case 'video':
      return '🎥 Video';
    case 'audio':
      return '🎵 Audio';
    case 'location':
      return a.name ? `📍 ${a.name}` : '📍 Location';
    case 'contacts':
      return a.name ? `👤 ${a.name}` : '👤 Contact';
    default:
      return `📄 ${a.fileName || 'Document'}`;
  }
}

/**
 * One-line inbox preview of the last message: "You: "/"Note: " prefix, then its text, or a
 * readable stand-in for reactions ("Reacted 👍") and text-less media ("📷 Photo", "📄 file.pdf").
 */
export function messagePreview(m: PreviewMessage | null | undefined): string {
  if (!m) return '';
  const prefix = m.type === 'INTERNAL_NOTE' ? 'Note: ' : m.type === 'OUTGOING' ? 'You: ' : '';
  const emoji = reactionEmoji(m.metadata);
  if (emoji !== null) return `${prefix}${emoji ? `Reacted ${emoji}` : 'Removed a reaction'}`;
  const text = m.content?.trim() ?? '';
  if (text) return `${prefix}${text}`;
  const attachments = m.attachments ?? [];
  if (attachments.length === 0) return prefix.trim();
  const first = attachmentPreview(attachments[0]!);
  return `${prefix}${first}${attachments.length > 1 ? ` +${attachments.length - 1}` : ''}`;
}
