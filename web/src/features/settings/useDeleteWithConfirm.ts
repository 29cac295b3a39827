import { useState } from 'react';
import { notifications } from '@mantine/notifications';
import { mutateOrNotify, type PayloadErrors } from './notifyErrors';

/**
 * Delete (or revoke) a list item after a confirmation dialog. `ask(item)` opens the dialog;
 * confirming runs `mutate(item)` (resolving to the payload's `errors`), then shows
 * `doneMessage(item)` in teal, or the errors in red under `failTitle`. The dialog closes
 * afterwards; with `keepOpenOnError` it stays open when the mutation failed.
 * Spread `modal` onto a `ConfirmModal`.
 */
export function useDeleteWithConfirm<T>(options: { mutate: (item: T) => Promise<PayloadErrors>; failTitle: string; doneMessage: (item: T) => string; keepOpenOnError?: boolean }) {
  const [target, setTarget] = useState<T | null>(null);
  const [loading, setLoading] = useState(false);
  const onConfirm = async () => {
    if (target === null) return;
    setLoading(true);
    const ok = await mutateOrNotify(options.failTitle, () => options.mutate(target));
    setLoading(false);
    if (ok) notifications.show({ color: 'teal', message: options.doneMessage(target) });
    if (ok || !options.keepOpenOnError) setTarget(null);
  };
  return {
    /** The item waiting for confirmation (null: dialog closed). */
    target,
    ask: (item: T) => setTarget(item),
    modal: { opened: target !== null, onClose: () => setTarget(null), onConfirm, loading },
  };
}
