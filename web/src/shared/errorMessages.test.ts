import { afterEach, describe, expect, it, vi } from 'vitest';
import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client/errors';
import { ERROR_MESSAGES, describeError, errorMessage, isRetryableError } from './errorMessages';

describe('error messages', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('a fetch that never got an answer is a NETWORK sentence, never the raw browser text', () => {
    for (const raw of ['Failed to fetch', 'NetworkError when attempting to fetch resource.', 'Load failed']) {
      const d = describeError(new TypeError(raw));
      expect(d).toEqual({ code: 'NETWORK', message: ERROR_MESSAGES.NETWORK, retryable: true });
      expect(d.message).not.toContain(raw);
    }
  });

  it('says OFFLINE when the browser is offline', () => {
    vi.stubGlobal('navigator', { onLine: false });
    expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'OFFLINE', message: ERROR_MESSAGES.OFFLINE });
  });

  it('GraphQL errors by extensions.code; unknown codes keep the server sentence', () => {
    const forbidden = new CombinedGraphQLErrors({ errors: [{ message: 'Not authorised!', extensions: { code: 'FORBIDDEN' } }] });
    expect(describeError(forbidden)).toEqual({ code: 'FORBIDDEN', message: ERROR_MESSAGES.FORBIDDEN, retryable: false });
    const odd = new CombinedGraphQLErrors({ errors: [{ message: 'Das ging schief.', extensions: { code: 'SOMETHING_NEW' } }] });
    expect(describeError(odd)).toMatchObject({ code: 'SOMETHING_NEW', message: 'Das ging schief.' });
  });

  it('HTTP statuses without a GraphQL body', () => {
    const response = (status: number) => new Response('nope', { status });
    expect(describeError(new ServerError('x', { response: response(429), bodyText: 'nope' })).code).toBe('RATE_LIMITED');
    expect(describeError(new ServerError('x', { response: response(502), bodyText: 'nope' }))).toMatchObject({ code: 'SERVER_ERROR', retryable: true });
    expect(describeError(new ServerParseError(new Error('bad json'), { response: response(200), bodyText: '<html>' })).code).toBe('BAD_RESPONSE');
  });

  it('anything else is UNKNOWN with a generic sentence (its raw text hidden)', () => {
    const d = describeError(new Error('Cannot read properties of undefined (reading "x")'));
    expect(d).toEqual({ code: 'UNKNOWN', message: ERROR_MESSAGES.UNKNOWN, retryable: true });
    expect(describeError(undefined).code).toBe('UNKNOWN');
  });

  it('errorMessage by code with a fallback; retryable codes', () => {
    expect(errorMessage('WHATSAPP_WINDOW_CLOSED')).toBe(ERROR_MESSAGES.WHATSAPP_WINDOW_CLOSED);
    expect(errorMessage('NOPE', 'fallback')).toBe('fallback');
    expect(errorMessage('NOPE')).toBe(ERROR_MESSAGES.UNKNOWN);
    expect(isRetryableError('NETWORK')).toBe(true);
    expect(isRetryableError('WHATSAPP_WINDOW_CLOSED')).toBe(false);
  });
});
