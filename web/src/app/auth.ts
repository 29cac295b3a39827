const TOKEN_KEY = 'hub.token';

type Listener = (token: string | null) => void;
const listeners = new Set<Listener>();

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** True from a sign-in (a new token) until `takeJustSignedIn` reads it; kept here, in the eager entry, so a lazily loaded shell still sees a sign-in that happened before it loaded. */
let justSignedIn = false;

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
  justSignedIn = token != null;
  for (const l of listeners) l(token);
}

/** Whether a sign-in happened since the last call (and clears it): the first landing after login. */
export function takeJustSignedIn(): boolean {
  const value = justSignedIn;
  justSignedIn = false;
  return value;
}

/** For tests: as if a sign-in just happened (or not). */
export function setJustSignedIn(value: boolean): void {
  justSignedIn = value;
}

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
