/**
 * Expected failures. Services throw DomainError; mutation resolvers turn it into
 * `errors: [UserError]` in the payload (see schema/payload.ts). Anything else
 * thrown is unexpected and reaches the client masked, with extensions.code.
 */
/**
 * Codes every domain uses. Each domain adds its own in `<domain>.errors.ts`,
 * and each provider adapter its own `errors`; schema/errors.ts gathers them
 * all into the GraphQL `ErrorCode` enum.
 */
export const COMMON_ERRORS = {
  NOT_FOUND: 'The requested record does not exist.',
  VALIDATION_FAILED: 'The input is not valid.',
  FORBIDDEN: 'You are not allowed to do this.',
  UNAUTHENTICATED: 'Sign in first.',
  CONFLICT: 'The record was changed or already exists.',
} as const;

export type ErrorCode = string;

export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string = (COMMON_ERRORS as Record<string, string>)[code] ?? code,
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
