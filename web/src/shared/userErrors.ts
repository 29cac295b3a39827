import { currentLanguage, i18n } from '../i18n';

/** Typed, non-null view of a payload's `errors { code message field }` list. */
export interface UserErrorView {
  code: string;
  message: string;
  field?: string | null;
}

type RawUserError = { code?: string | null; message?: string | null; field?: string | null };

/**
 * The payload errors with a message for people: in English the API's own
 * message (it is specific, e.g. "Name is required."); in Dutch and Italian the
 * sentence of the error code (i18n `errors.<CODE>`), the API's message when
 * the code has none, and for VALIDATION_FAILED on a field (the API's sentence
 * names what is wrong with that field; a generic one would not).
 */
export function toUserErrors(errors: ReadonlyArray<RawUserError> | null | undefined): UserErrorView[] {
  const translate = currentLanguage() !== 'en';
  return (errors ?? []).map((e) => {
    const code = e.code ?? 'UNKNOWN';
    const own = e.message ?? e.code ?? i18n.t('errors.UNKNOWN');
    return {
      code,
      message: translate && !(code === 'VALIDATION_FAILED' && e.field) && i18n.exists(`errors.${code}`) ? i18n.t(`errors.${code}`) : own,
      field: e.field ?? null,
    };
  });
}
