/**
 * Every keyboard shortcut of the inbox in one table (issue 10 §4): the `?` dialog lists them,
 * the components register them with Mantine's `useHotkeys` using `hotkeys`, and buttons show
 * `keys` (aria-keyshortcuts / hints). Labels are i18n keys under `shortcuts.labels`.
 */
import { i18n } from '../../i18n';

/** Where a shortcut works: anywhere in the app, in the conversation list, or in an open conversation. */
export type ShortcutScope = 'global' | 'list' | 'thread';

export interface ShortcutDef {
  /** Where it works. */
  scope: ShortcutScope;
  /** Keys as shown to people, one entry per alternative ("j" or "↓"); "Ctrl/⌘ + Enter" style. */
  keys: readonly string[];
  /** Mantine `useHotkeys` / `getHotkeyHandler` strings, one per alternative. */
  hotkeys: readonly string[];
}

/** The shortcuts, in the order the `?` dialog lists them per scope. */
export const SHORTCUTS = {
  help: { scope: 'global', keys: ['?'], hotkeys: ['shift+?', '?'] },
  newConversation: { scope: 'global', keys: ['c'], hotkeys: ['c'] },
  listNext: { scope: 'list', keys: ['j', '↓'], hotkeys: ['j', 'ArrowDown'] },
  listPrevious: { scope: 'list', keys: ['k', '↑'], hotkeys: ['k', 'ArrowUp'] },
  listOpen: { scope: 'list', keys: ['Enter'], hotkeys: ['Enter'] },
  listSelect: { scope: 'list', keys: ['x'], hotkeys: ['x'] },
  reply: { scope: 'thread', keys: ['r'], hotkeys: ['r'] },
  note: { scope: 'thread', keys: ['n'], hotkeys: ['n'] },
  assign: { scope: 'thread', keys: ['a'], hotkeys: ['a'] },
  status: { scope: 'thread', keys: ['s'], hotkeys: ['s'] },
  snooze: { scope: 'thread', keys: ['z'], hotkeys: ['z'] },
  templates: { scope: 'thread', keys: ['/'], hotkeys: ['/', 'shift+/'] },
  send: { scope: 'thread', keys: ['Ctrl/⌘ + Enter'], hotkeys: ['mod+Enter'] },
  back: { scope: 'thread', keys: ['Esc'], hotkeys: ['Escape'] },
} as const satisfies Record<string, ShortcutDef>;

export type ShortcutId = keyof typeof SHORTCUTS;

/** Scopes in the order the dialog shows them. */
export const SHORTCUT_SCOPES: readonly ShortcutScope[] = ['global', 'list', 'thread'];

/** What shortcut `id` does, in the UI language (e.g. "Open the conversation and write a reply"). */
export function shortcutLabel(id: ShortcutId): string {
  return i18n.t(`shortcuts.labels.${id}`);
}

/** The keys of shortcut `id` for `aria-keyshortcuts` (e.g. "r", "Control+Enter Meta+Enter"). */
export function ariaKeyShortcuts(id: ShortcutId): string {
  if (id === 'send') return 'Control+Enter Meta+Enter';
  if (id === 'back') return 'Escape';
  const names: Record<string, string> = { '↓': 'ArrowDown', '↑': 'ArrowUp' };
  return (SHORTCUTS[id].keys as readonly string[]).map((k) => names[k] ?? k).join(' ');
}

/** The shortcuts of one scope, in table order. */
export function shortcutsIn(scope: ShortcutScope): ShortcutId[] {
  return (Object.keys(SHORTCUTS) as ShortcutId[]).filter((id) => SHORTCUTS[id].scope === scope);
}

/**
 * Whether a key press happened while typing (input, textarea, select, contenteditable), where
 * single-letter shortcuts must not fire; Esc is the only shortcut handled there.
 */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Whether an open overlay (dialog, menu, listbox, open combobox) owns the key press: Esc closes
 * it rather than leaving the conversation.
 */
export function isInOverlay(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest(OVERLAY_ROLES)) return true;
  return target.getAttribute('aria-expanded') === 'true';
}

const OVERLAY_ROLES = '[role="dialog"], [role="menu"], [role="listbox"], [role="alertdialog"]';

/**
 * Whether an overlay (dialog, menu, listbox) is shown anywhere in `doc`, wherever the focus is. A menu
 * opened by a shortcut (z, s, a) gets the focus a moment after it shows: an Esc pressed in between
 * targets the page, yet closes the menu (its own window listener) and must not also leave the
 * conversation.
 */
export function overlayOpen(doc: Document = document): boolean {
  // Rendered boxes only: a closed combobox may keep its listbox mounted but hidden.
  for (const el of doc.querySelectorAll(OVERLAY_ROLES)) if (el.getClientRects().length > 0) return true;
  return false;
}
