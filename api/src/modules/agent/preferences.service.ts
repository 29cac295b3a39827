/**
 * A user's own preferences (issue 10 §2): the UI language and the time zone
 * the inbox shows times in. Null follows the organization's locale / timezone.
 */
import { z } from 'zod';
import type { User } from '../../generated/prisma/client.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';

/** UI languages the web app is translated into. */
export const UI_LOCALES = ['nl', 'en', 'it'] as const;
export type UiLocale = (typeof UI_LOCALES)[number];

/**
 * True when `zone` is an IANA time-zone name the runtime knows (e.g.
 * "Europe/Rome", "UTC"); false for offsets ("+01:00") and unknown names.
 */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const PreferencesInput = z.object({
  locale: z.enum(UI_LOCALES, { error: 'Choose nl, en or it.' }).nullish(),
  timezone: z.string().trim().refine(isIanaTimeZone, 'Unknown time zone: use an IANA name such as Europe/Amsterdam.').nullish(),
});

/**
 * Changes the signed-in user's own locale and/or timezone. A field left out
 * stays as it is; null clears it (back to the organization's). Audited as
 * `user.updatePreferences` (before / after of the changed fields; no row when
 * nothing changed). Errors: VALIDATION_FAILED (locale not nl/en/it, unknown
 * time zone; nothing is changed), FORBIDDEN without a user session.
 */
export async function updateMyPreferences(ctx: HubContext, raw: { locale?: string | null; timezone?: string | null }): Promise<{ user: User }> {
  const userId = ctx.viewer?.kind === 'USER' ? ctx.viewer.id : null;
  if (!userId) throw new DomainError('FORBIDDEN', 'Only a signed-in user has preferences.');
  const input = PreferencesInput.parse(raw);
  const data: { locale?: string | null; timezone?: string | null } = {};
  if (input.locale !== undefined) data.locale = input.locale;
  if (input.timezone !== undefined) data.timezone = input.timezone;
  const user = await ctx.db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw notFound('User');
    const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => before[k] !== data[k]);
    if (changed.length === 0) return before;
    const user = await tx.user.update({ where: { id: userId }, data });
    await writeAudit(ctx, tx, {
      action: 'user.updatePreferences',
      entityType: 'User',
      entityId: userId,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, user[k]])),
    });
    return user;
  });
  return { user };
}
