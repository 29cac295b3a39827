/** Error codes of sign-in and sessions. */
export const AUTH_ERRORS = {
  INVALID_CREDENTIALS: 'E-mail address or password is incorrect.',
} as const;
