import type { ApolloClient } from '@apollo/client';
import { holdUntilFirstRows } from './firstScreen';
import { preloadLanguages } from '../i18n';

/**
 * The route chunks of the signed-in app. App.tsx makes its routes from them, and the login page
 * starts them while the user types (`preloadSignedInChunks`), so the shell and the inbox are in
 * the browser when the login succeeds, instead of loading one after the other (login → shell →
 * inbox → first row). Each import runs once (a failed one is tried again on the next `load`).
 * `loaded` is the module once it is in: a route whose chunk is already in renders it at once,
 * without suspending (React holds a revealed Suspense boundary back for up to 300 ms).
 */
export interface Chunk<M> {
  load: () => Promise<M>;
  readonly loaded: M | undefined;
}

function chunk<M>(importer: () => Promise<M>): Chunk<M> {
  let module: M | undefined;
  let pending: Promise<M> | undefined;
  return {
    load: () =>
      (pending ??= importer().then(
        (m) => (module = m),
        (e: unknown) => {
          pending = undefined;
          throw e;
        },
      )),
    get loaded() {
      return module;
    },
  };
}

export const appLayoutChunk = chunk(() => import('./AppLayout'));
export const inboxPageChunk = chunk(() => import('../features/inbox/InboxPage'));
export const threadViewChunk = chunk(() => import('../features/thread/ThreadView'));
export const noThreadSelectedChunk = chunk(() => import('../features/thread/NoThreadSelected'));
export const settingsPageChunk = chunk(() => import('../features/settings/SettingsPage'));
export const analyticsPageChunk = chunk(() => import('../features/analytics/AnalyticsPage'));

let preloaded = false;
/**
 * Starts loading the chunks the first screen after login needs (shell, inbox, empty thread pane)
 * and the UI languages (the viewer's is known only after the login; ~10 kB each); once.
 */
export function preloadSignedInChunks(): void {
  if (preloaded) return;
  preloaded = true;
  for (const c of [appLayoutChunk, inboxPageChunk, noThreadSelectedChunk]) c.load().catch(() => undefined);
  preloadLanguages();
}

/**
 * Right after a sign-in (token stored, cache cleared): starts the requests of the first screen
 * (the viewer and its preferences for the shell, the inbox's first page) at once and side by
 * side, instead of each component asking when it mounts, one after the other. The components'
 * own queries join the requests still in flight (Apollo deduplicates) or read their answers
 * from the cache. Until the first rows are on screen, the tabs' unread counts and the
 * notification bell wait (firstScreen.ts). `role`: the signed-in user's (login payload);
 * MANAGER and ADMIN land on the analytics dashboard (AnalyticsLanding), not on the inbox.
 */
export function prefetchSignedIn(client: ApolloClient, role: string | null | undefined): void {
  preloadSignedInChunks();
  appLayoutChunk
    .load()
    .then((m) => m.prefetchShell(client))
    .catch(() => undefined);
  if (role === 'MANAGER' || role === 'ADMIN') return;
  holdUntilFirstRows();
  inboxPageChunk
    .load()
    .then((m) => m.prefetchInbox(client))
    .catch(() => undefined);
}
