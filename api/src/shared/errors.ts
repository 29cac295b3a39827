/**
 * Expected failures. Services throw DomainError; mutation resolvers turn it into
 * `errors: [UserError]` in the payload (see schema/payload.ts). Anything else
 * thrown is unexpected and reaches the client masked, with extensions.code.
 */
export const ERROR_MESSAGES = {
  NOT_FOUND: 'The requested record does not exist.',
  VALIDATION_FAILED: 'The input is not valid.',
  FORBIDDEN: 'You are not allowed to do this.',
  UNAUTHENTICATED: 'Sign in first.',
  INVALID_CREDENTIALS: 'E-mail address or password is incorrect.',
  WHATSAPP_WINDOW_CLOSED:
    'The 24-hour WhatsApp customer-service window has closed: only an approved template message can be sent until the customer writes again.',
  CHANNEL_INACTIVE: 'This channel is inactive.',
  CHANNEL_SEND_FAILED: 'The provider refused the message.',
  CONFLICT: 'The record was changed or already exists.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;
export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];

export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string = ERROR_MESSAGES[code],
    /** Input field the error refers to, e.g. "input.email". */
    public readonly field?: string,
    /** What was done anyway, returned beside the error in the payload (e.g. a reply kept as FAILED). */
    public readonly partial?: object,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** True for Prisma's unique-constraint violation (P2002), e.g. two deliveries of one provider message racing. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}

export const notFound = (what: string, field?: string) => new DomainError('NOT_FOUND', `${what} not found.`, field);
