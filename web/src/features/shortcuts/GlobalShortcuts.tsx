import { useHotkeys } from '@mantine/hooks';
import { useState } from 'react';
import { ShortcutsDialog } from './ShortcutsDialog';
import { isInOverlay, SHORTCUTS } from './shortcuts';

/**
 * The app-wide shortcuts, mounted once in the signed-in layout: `?` opens the list of all
 * shortcuts, `c` starts a new conversation (`onNewConversation`). Ignored while typing and while
 * a dialog or menu has the focus.
 */
export function GlobalShortcuts({ onNewConversation }: { onNewConversation: () => void }) {
  const [helpOpen, setHelpOpen] = useState(false);
  const bind = (hotkeys: readonly string[], run: () => void) =>
    hotkeys.map((h): [string, (e: KeyboardEvent) => void] => [
      h,
      (e) => {
        if (!isInOverlay(e.target)) run();
      },
    ]);
  useHotkeys([...bind(SHORTCUTS.help.hotkeys, () => setHelpOpen(true)), ...bind(SHORTCUTS.newConversation.hotkeys, onNewConversation)]);
  return <ShortcutsDialog opened={helpOpen} onClose={() => setHelpOpen(false)} />;
}
