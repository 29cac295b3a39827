import { describe, expect, it } from 'vitest';
import { messagePreview } from './messagePreview';

describe('messagePreview', () => {
  it('uses the text with a "You: " / "Note: " prefix', () => {
    expect(messagePreview({ type: 'INCOMING', content: 'Hello' })).toBe('Hello');
    expect(messagePreview({ type: 'OUTGOING', content: 'On our way' })).toBe('You: On our way');
    expect(messagePreview({ type: 'INTERNAL_NOTE', content: 'VIP' })).toBe('Note: VIP');
    expect(messagePreview(null)).toBe('');
  });

  it('describes reactions from metadata.reaction', () => {
    expect(messagePreview({ type: 'INCOMING', content: '👍', metadata: { whatsappType: 'reaction', reaction: { messageId: 'w1', emoji: '👍' } } })).toBe('Reacted 👍');
    expect(messagePreview({ type: 'INCOMING', content: '', metadata: { reaction: { messageId: 'w1', emoji: '' } } })).toBe('Removed a reaction');
  });

  it('describes text-less media by its first attachment', () => {
    const att = (kind: string, extra: { fileName?: string; name?: string } = {}) => ({ type: 'INCOMING' as const, content: '', metadata: {}, attachments: [{ kind, ...extra }] });
    expect(messagePreview(att('image'))).toBe('📷 Photo');
    expect(messagePreview(att('document', { fileName: 'document.pdf' }))).toBe('📄 document.pdf');
    expect(messagePreview(att('document'))).toBe('📄 Document');
    expect(messagePreview(att('location'))).toBe('📍 Location');
    expect(messagePreview(att('video'))).toBe('🎥 Video');
    expect(messagePreview(att('audio'))).toBe('🎵 Audio');
    expect(messagePreview({ type: 'OUTGOING', content: '  ', attachments: [{ kind: 'image' }, { kind: 'image' }, { kind: 'file', fileName: 'a.zip' }] })).toBe('You: 📷 Photo +2');
  });

  it('prefers the text (e.g. a caption) over the attachment stand-in', () => {
    expect(messagePreview({ type: 'INCOMING', content: 'My meter', attachments: [{ kind: 'image' }] })).toBe('My meter');
  });
});
