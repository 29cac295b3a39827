import { notifications } from '@mantine/notifications';
import { toUserErrors } from '../../shared/userErrors';

/** A payload's raw `errors { code message field }` list, as `toUserErrors` takes it. */
export type PayloadErrors = Parameters<typeof toUserErrors>[0];

/**
 * Runs a mutation whose result is its payload's `errors`. Payload errors (joined) or a thrown
 * error become one red notification titled `failTitle`. Resolves true when it went through.
 */
export async function mutateOrNotify(failTitle: string, run: () => Promise<PayloadErrors>): Promise<boolean> {
  try {
    const errors = toUserErrors(await run());
    if (errors.length === 0) return true;
    notifications.show({ color: 'red', title: failTitle, message: errors.map((e) => e.message).join('\n') });
  } catch (e) {
    notifications.show({ color: 'red', title: failTitle, message: (e as Error).message });
  }
  return false;
}
