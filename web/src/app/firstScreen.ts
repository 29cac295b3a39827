import { useSyncExternalStore } from 'react';

/**
 * The first screen after a sign-in: until the inbox shows its first rows, requests the first row
 * does not need (the unread count of each tab, the notification bell) wait, so they do not
 * compete with the first page for the server and the browser. Only after a sign-in (a reload of
 * a signed-in page loads everything at once, as before), and never longer than HOLD_MAX_MS (a
 * sign-in that does not land on the inbox list, or a first page that fails).
 */
export const HOLD_MAX_MS = 2000;

let held = false;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

/** Holds the secondary requests until `firstRowsShown` (or HOLD_MAX_MS). */
export function holdUntilFirstRows(): void {
  held = true;
  clearTimeout(timer);
  timer = setTimeout(firstRowsShown, HOLD_MAX_MS);
}

/** The inbox list has its first page on screen (or gave up): the held requests go. */
export function firstRowsShown(): void {
  clearTimeout(timer);
  if (!held) return;
  held = false;
  for (const l of listeners) l();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** False while requests the first rows do not need should wait. */
export function useFirstRowsShown(): boolean {
  return useSyncExternalStore(subscribe, () => !held);
}
