/** Typed, non-null view of a payload's `errors { code message field }` list. */
export interface UserErrorView {
  code: string;
  message: string;
  field?: string | null;
}

type RawUserError = { code?: string | null; message?: string | null; field?: string | null };

export function toUserErrors(errors: ReadonlyArray<RawUserError> | null | undefined): UserErrorView[] {
  return (errors ?? []).map((e) => ({
    code: e.code ?? 'UNKNOWN',
    message: e.message ?? e.code ?? 'Unknown error',
    field: e.field ?? null,
  }));
}
