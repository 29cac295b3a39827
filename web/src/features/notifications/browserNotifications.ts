/**
 * Browser (OS) notifications for the SLA alerts that need someone now. Permission is asked
 * once, on a user gesture (the first time the bell is opened), and that we asked is
 * remembered in localStorage so the prompt never comes back on its own.
 */

export const PERMISSION_ASKED_KEY = 'hub.notifications.permissionAsked';

/** SLA_ALERT actions worth an OS notification (REMIND stays in the bell). */
export const BROWSER_ALERT_ACTIONS: ReadonlySet<string> = new Set(['ALERT', 'ESCALATE', 'EXECUTIVE_ALERT']);

export interface NotificationLike {
  id: string;
  kind: string;
  title: string;
  body?: string | null;
  data?: unknown;
}

function browserNotificationApi(): typeof Notification | null {
  return typeof window !== 'undefined' && 'Notification' in window ? window.Notification : null;
}

function asked(): boolean {
  try {
    return localStorage.getItem(PERMISSION_ASKED_KEY) !== null;
  } catch {
    return true; // storage blocked: do not nag
  }
}

/**
 * Call from a click handler: asks for permission the first time only (and only while the
 * browser has no answer yet). Returns whether it asked.
 */
export function askPermissionOnce(): boolean {
  const api = browserNotificationApi();
  // biome-ignore lint/complexity/useOptionalChain: `!api` narrows `api` for the code below
  if (!api || api.permission !== 'default' || asked()) return false;
  try {
    localStorage.setItem(PERMISSION_ASKED_KEY, new Date().toISOString());
  } catch {
    /* ignore */
  }
  void Promise.resolve(api.requestPermission()).catch(() => undefined);
  return true;
}

/** An SLA_ALERT whose data.action is ALERT, ESCALATE or EXECUTIVE_ALERT. */
export function wantsBrowserNotification(n: NotificationLike): boolean {
  if (n.kind !== 'SLA_ALERT') return false;
  const action = n.data && typeof n.data === 'object' ? (n.data as Record<string, unknown>).action : undefined;
  return typeof action === 'string' && BROWSER_ALERT_ACTIONS.has(action);
}

/** Shows `n` as an OS notification when it qualifies and permission was granted; returns it (or null). */
export function showBrowserNotification(n: NotificationLike, onClick: () => void): Notification | null {
  const api = browserNotificationApi();
  // biome-ignore lint/complexity/useOptionalChain: `!api` narrows `api` for the code below
  if (!api || api.permission !== 'granted' || !wantsBrowserNotification(n)) return null;
  try {
    const shown = new api(n.title, { body: n.body ?? undefined, tag: n.id });
    shown.onclick = () => {
      window.focus();
      onClick();
      shown.close();
    };
    return shown;
  } catch {
    return null; // e.g. Chrome on Android only allows service-worker notifications
  }
}
