import { useSyncExternalStore } from 'react';

/**
 * The live connection as the agent should understand it: the graphql-ws socket's phase plus the
 * browser's own `navigator.onLine`. Written by the socket's event listeners (apollo.ts) and by
 * `online`/`offline` window events; read by the banner (ConnectionBanner.tsx).
 */

/**
 * - `idle`: no socket wanted (signed out, or the client gave up on a fatal close such as 4401),
 * - `connecting`: first connection of this page,
 * - `connected`: acknowledged by the server,
 * - `reconnecting`: the socket dropped and the client is retrying with backoff.
 */
export type SocketPhase = 'idle' | 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionSnapshot {
  socket: SocketPhase;
  /** `navigator.onLine` as last reported by the browser. */
  browserOnline: boolean;
  /** When the socket last dropped (ms since epoch); null until it does. */
  lostAt: number | null;
  /** When the socket last came back after a drop (ms since epoch); null until it does. */
  reconnectedAt: number | null;
}

export interface ConnectionStatus {
  /** The current snapshot (a new object after every change, stable otherwise). */
  get(): ConnectionSnapshot;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** graphql-ws `connecting` event: a new socket is being opened (`isRetry` after a drop). */
  connecting(isRetry: boolean): void;
  /** graphql-ws `connected` event (`wasRetry`: this ends a drop). */
  connected(wasRetry: boolean): void;
  /** graphql-ws `closed` event with the close code (undefined when unknown). */
  closed(code: number | undefined): void;
  /** Browser `online` / `offline` events. */
  setBrowserOnline(online: boolean): void;
}

/**
 * Close codes after which graphql-ws does not retry (see its `retryAttempts` docs): 1000 is the
 * lazy close when no subscription is left; 4xxx are the protocol's fatal codes (4401 also when
 * the server revokes the session).
 */
const NO_RETRY_CODES = new Set([1000, 4004, 4005, 4400, 4401, 4406, 4409, 4429, 4500]);

/** A fresh store; `now` is injectable for tests. */
export function createConnectionStatus(
  browserOnline: boolean = typeof navigator === 'undefined' ? true : navigator.onLine !== false,
  now: () => number = Date.now,
): ConnectionStatus {
  let snapshot: ConnectionSnapshot = { socket: 'idle', browserOnline, lostAt: null, reconnectedAt: null };
  const listeners = new Set<() => void>();
  const set = (patch: Partial<ConnectionSnapshot>) => {
    const next = { ...snapshot, ...patch };
    if ((Object.keys(patch) as (keyof ConnectionSnapshot)[]).every((k) => next[k] === snapshot[k])) return;
    snapshot = next;
    for (const l of [...listeners]) l();
  };
  return {
    get: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connecting(isRetry) {
      if (isRetry || snapshot.socket === 'reconnecting') set({ socket: 'reconnecting' });
      else set({ socket: 'connecting' });
    },
    connected(wasRetry) {
      const wasDown = wasRetry || snapshot.socket === 'reconnecting';
      set({ socket: 'connected', ...(wasDown ? { reconnectedAt: now() } : {}) });
    },
    closed(code) {
      if (code !== undefined && NO_RETRY_CODES.has(code)) {
        set({ socket: 'idle' });
        return;
      }
      if (snapshot.socket === 'reconnecting') return;
      set({ socket: 'reconnecting', lostAt: now() });
    },
    setBrowserOnline(online) {
      set({ browserOnline: online });
    },
  };
}

/** The app's one store (fed by createWsClient in apollo.ts). */
export const connectionStatus: ConnectionStatus = createConnectionStatus();

/** Re-renders on every change of `store` (default: the app's). */
export function useConnectionStatus(store: ConnectionStatus = connectionStatus): ConnectionSnapshot {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

export interface Backoff {
  /** The delay before attempt `retries` (0-based), in ms: exponential from `baseMs`, capped at `maxMs`, jittered down by up to half. */
  delayFor(retries: number): number;
  /** graphql-ws `retryWait`: resolves after `delayFor(retries)` ms, or at once when `wake()` is called meanwhile. */
  wait(retries: number): Promise<void>;
  /** Ends every pending `wait` now (the browser is back online, the agent asked to retry). */
  wake(): void;
}

/**
 * Reconnect backoff for graphql-ws. The cap keeps the time between the network coming back and
 * the next attempt short (at most `maxMs`), whatever the length of the outage.
 */
export function createBackoff({ baseMs = 500, maxMs = 3000, random = Math.random }: { baseMs?: number; maxMs?: number; random?: () => number } = {}): Backoff {
  const waiting = new Set<() => void>();
  const delayFor = (retries: number) => {
    const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(retries, 20)));
    return Math.round(full / 2 + (random() * full) / 2);
  };
  return {
    delayFor,
    wait(retries) {
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, delayFor(retries));
        waiting.add(done);
      });
    },
    wake() {
      for (const done of [...waiting]) done();
    },
  };
}
