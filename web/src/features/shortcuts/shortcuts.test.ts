import { describe, expect, it } from 'vitest';
import { i18n } from '../../i18n';
import { ariaKeyShortcuts, isInOverlay, isTypingTarget, overlayOpen, SHORTCUT_SCOPES, SHORTCUTS, type ShortcutId, shortcutLabel, shortcutsIn } from './shortcuts';

describe('shortcut registry', () => {
  it('every shortcut has a label in en, nl and it, and belongs to a listed scope', async () => {
    const ids = Object.keys(SHORTCUTS) as ShortcutId[];
    for (const lng of ['en', 'nl', 'it']) {
      await i18n.changeLanguage(lng);
      for (const id of ids) {
        const label = shortcutLabel(id);
        expect(label, `${lng} ${id}`).not.toMatch(/^shortcuts\./);
        expect(label.length).toBeGreaterThan(2);
      }
    }
    await i18n.changeLanguage('en');
    expect(SHORTCUT_SCOPES.flatMap((s) => shortcutsIn(s)).sort()).toEqual([...ids].sort());
  });

  it('lists the list keys (j/k/Enter/x) and the thread keys of issue 10', () => {
    expect(shortcutsIn('list')).toEqual(['listNext', 'listPrevious', 'listOpen', 'listSelect']);
    expect(shortcutsIn('thread')).toEqual(['reply', 'note', 'assign', 'status', 'snooze', 'templates', 'send', 'back']);
    expect(SHORTCUTS.listNext.keys).toContain('j');
    expect(ariaKeyShortcuts('listNext')).toBe('j ArrowDown');
    expect(ariaKeyShortcuts('send')).toBe('Control+Enter Meta+Enter');
  });

  it('knows typing targets and overlays', () => {
    const input = document.createElement('input');
    const div = document.createElement('div');
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true);
    expect(isTypingTarget(div)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'dialog');
    dialog.append(div);
    expect(isInOverlay(div)).toBe(true);
    input.setAttribute('aria-expanded', 'true');
    expect(isInOverlay(input)).toBe(true);
    expect(isInOverlay(document.createElement('button'))).toBe(false);
  });

  it('overlayOpen: a menu open anywhere in the document, wherever the focus is (Esc closes it, not the conversation)', () => {
    expect(overlayOpen()).toBe(false);
    const menu = document.createElement('div');
    menu.setAttribute('role', 'menu');
    document.body.append(menu);
    try {
      // jsdom lays nothing out: a mounted but hidden menu has no boxes; a shown one has.
      expect(overlayOpen()).toBe(false);
      menu.getClientRects = () => [new DOMRect(0, 0, 100, 40)] as unknown as DOMRectList;
      expect(overlayOpen()).toBe(true);
      expect(isInOverlay(document.body)).toBe(false);
    } finally {
      menu.remove();
    }
    expect(overlayOpen()).toBe(false);
  });
});
