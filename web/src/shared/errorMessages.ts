import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client/errors';
import { currentLanguage, i18n } from '../i18n';

/**
 * Every error the agent can see, as a human sentence keyed by a stable code, in the user's
 * language: each code's text is i18n `errors.<CODE>`
 * (web/src/i18n/{en,nl,it}.ts, issue 10 §2). Two kinds of codes:
 *
 * - client codes for failures that never reached the API or came back unreadable
 *   (`NETWORK`, `OFFLINE`, `SERVER_ERROR`, `RATE_LIMITED`, `BAD_RESPONSE`, `UNKNOWN`);
 * - the API's codes: the `ErrorCode` enum of payload `errors { code message field }` and the
 *   `extensions.code` of top-level GraphQL errors (`UNAUTHENTICATED`, `FORBIDDEN`, `THROTTLED`…).
 *
 * Raw transport texts such as "Failed to fetch" or "NetworkError when attempting to fetch
 * resource" are never shown: `describeError` maps them to `NETWORK` / `OFFLINE`.
 */
/** The codes with a sentence of their own in every language (their texts: i18n `errors.<CODE>`). */
const KNOWN_CODES = [
  'NETWORK',
  'OFFLINE',
  'SERVER_ERROR',
  'BAD_RESPONSE',
  'RATE_LIMITED',
  'UNKNOWN',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'THROTTLED',
  'MAX_COST_EXCEEDED',
  'INTERNAL_SERVER_ERROR',
  'CHANNEL_INACTIVE',
  'CHANNEL_NOT_SUPPORTED',
  'CHANNEL_SEND_FAILED',
  'WHATSAPP_WINDOW_CLOSED',
  'SMS_OPTED_OUT',
  'MESSAGE_NOT_RETRYABLE',
  'OUTBOX_GAVE_UP',
  'NOT_TEAM_MEMBER',
] as const;

const KNOWN = new Set<string>(KNOWN_CODES);

/**
 * The English sentence of each known code, read from the English UI texts (`en.errors`; one
 * source of truth) when a property is read. The languages are lazily loaded chunks: this needs
 * the English texts loaded (tests load all three); the UI itself uses `errorMessage`.
 */
export const ERROR_MESSAGES = {} as Record<(typeof KNOWN_CODES)[number], string>;
for (const c of KNOWN_CODES) Object.defineProperty(ERROR_MESSAGES, c, { enumerable: true, get: () => i18n.getResource('en', 'translation', `errors.${c}`) as string });

/** A code with a sentence in `ERROR_MESSAGES`. */
export type KnownErrorCode = keyof typeof ERROR_MESSAGES;

/** What the UI shows for an error: a stable `code` (for translation, tests, `data-error-code`) and a sentence. */
export interface DescribedError {
  code: string;
  message: string;
  /** Whether trying the same thing again may succeed (transport failures, rate limits, 5xx). */
  retryable: boolean;
}

const RETRYABLE = new Set<string>(['NETWORK', 'OFFLINE', 'SERVER_ERROR', 'BAD_RESPONSE', 'RATE_LIMITED', 'THROTTLED', 'INTERNAL_SERVER_ERROR', 'CHANNEL_SEND_FAILED', 'UNKNOWN']);

/**
 * The sentence for `code` in the UI language (i18n `errors.<CODE>`); `fallback` (else the
 * UNKNOWN sentence) when the code has none. In English a code outside ERROR_MESSAGES keeps the
 * API's own message (`fallback`); in Dutch and Italian every code with a translation gets it.
 */
export function errorMessage(code: string, fallback?: string): string {
  const key = `errors.${code}`;
  if (KNOWN.has(code) || (currentLanguage() !== 'en' && i18n.exists(key))) return i18n.t(key);
  return fallback ?? i18n.t('errors.UNKNOWN');
}

/** Whether an error of `code` is worth retrying as is. */
export function isRetryableError(code: string): boolean {
  return RETRYABLE.has(code);
}

/** Texts browsers and fetch polyfills use when a request never got an answer. */
const TRANSPORT_FAILURE =
  /failed to fetch|networkerror|network request failed|load failed|fetch failed|econnrefused|econnreset|socket hang up|the internet connection appears to be offline/i;

function isBrowserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

function described(code: string, fallback?: string): DescribedError {
  return { code, message: errorMessage(code, fallback), retryable: isRetryableError(code) };
}

/**
 * Turns anything an Apollo call can throw into a code and a human sentence:
 * - `CombinedGraphQLErrors`: the first error's `extensions.code` (sentence from the table,
 *   else the server's own message, which is written for people);
 * - `ServerError` (HTTP status without a GraphQL body): 429 → RATE_LIMITED, 401 → UNAUTHENTICATED,
 *   403 → FORBIDDEN, else SERVER_ERROR; `ServerParseError` → BAD_RESPONSE;
 * - a fetch that never got an answer (`TypeError: Failed to fetch` and friends) → OFFLINE when the
 *   browser says it is offline, else NETWORK;
 * - anything else → UNKNOWN (its raw text is never shown).
 * Never throws.
 */
export function describeError(error: unknown): DescribedError {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'UNKNOWN';
    return described(code, first?.message);
  }
  if (ServerError.is(error)) {
    const status = error.statusCode;
    if (status === 429) return described('RATE_LIMITED');
    if (status === 401) return described('UNAUTHENTICATED');
    if (status === 403) return described('FORBIDDEN');
    return described('SERVER_ERROR');
  }
  if (ServerParseError.is(error)) return described('BAD_RESPONSE');
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  if (isBrowserOffline()) return described('OFFLINE');
  if (TRANSPORT_FAILURE.test(text) || (error instanceof Error && error.name === 'AbortError')) return described('NETWORK');
  return described('UNKNOWN');
}
