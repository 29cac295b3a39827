import type { UserErrorView } from '../../shared/userErrors';

/**
 * Sorts payload errors `{ code message field }` onto form fields. `field` is an input path
 * such as "input.hours.2.closes"; an error belongs to the longest known key that equals its
 * path (without "input.") or is a prefix of it ("hours.2" takes "hours.2.closes").
 * Errors without a known key are general (shown above the form).
 */
export function sortErrors(errors: readonly UserErrorView[], knownKeys: readonly string[]) {
  const byField: Record<string, UserErrorView> = {};
  const general: UserErrorView[] = [];
  const keys = [...knownKeys].sort((a, b) => b.length - a.length);
  for (const e of errors) {
    const path = (e.field ?? '').replace(/^input\./, '');
    const key = path ? keys.find((k) => path === k || path.startsWith(`${k}.`)) : undefined;
    if (key !== undefined) byField[key] ??= e;
    else general.push(e);
  }
  return { byField, general };
}

/** Props for a Mantine input showing `error` (with its code for tests and styling). */
export function errorProps(error: UserErrorView | undefined) {
  return error ? { error: error.message, errorProps: { 'data-error-code': error.code } } : {};
}
