/**
 * The route chunks of the signed-in app, as import functions: App.tsx makes its lazy routes
 * from them, and the login page starts them while the user types (`preloadSignedInChunks`),
 * so the shell and the inbox are in the browser's cache when the login succeeds, instead of
 * loading one after the other (login → shell → inbox → first row). Each import runs once;
 * a failed preload is retried by the route itself.
 */
export const loadAppLayout = () => import('./AppLayout');
export const loadInboxPage = () => import('../features/inbox/InboxPage');
export const loadThreadView = () => import('../features/thread/ThreadView');
export const loadNoThreadSelected = () => import('../features/thread/NoThreadSelected');
export const loadSettingsPage = () => import('../features/settings/SettingsPage');
export const loadAnalyticsPage = () => import('../features/analytics/AnalyticsPage');

let preloaded = false;
/** Starts loading the chunks the first screen after login needs (shell, inbox, empty thread pane); once. */
export function preloadSignedInChunks(): void {
  if (preloaded) return;
  preloaded = true;
  for (const load of [loadAppLayout, loadInboxPage, loadNoThreadSelected]) load().catch(() => undefined);
}
