/**
 * Which language a template goes out in for a thread: the customer's language
 * (Customer.language), else the language detected in the customer's latest
 * messages of the thread (franc, trigram statistics), else the organization's
 * locale. The web picker and partners both get it from here.
 */
import { franc } from 'franc-min';
import type { HubContext } from '../../shared/context.js';
import { notFound } from '../../shared/errors.js';

/** Where a suggested language came from. */
export type LanguageSource = 'CUSTOMER' | 'THREAD' | 'ORGANIZATION';

export interface LanguageSuggestion {
  /** Primary BCP 47 subtag, lower case, e.g. "it". */
  language: string;
  source: LanguageSource;
}

/** ISO 639-3 codes franc returns → the BCP 47 tags templates use. Only these are considered. */
const FRANC_TO_BCP47: Record<string, string> = { nld: 'nl', eng: 'en', ita: 'it', deu: 'de', fra: 'fr', spa: 'es' };
/** Fewer letters than this are too little to tell a language by. */
const MIN_DETECT_CHARS = 20;
/** How many of the customer's latest messages are read, and at most how many characters of them. */
const DETECT_MESSAGES = 5;
const DETECT_MAX_CHARS = 2_000;

/** Primary subtag of a BCP 47 tag, lower case ("it-CH" → "it"); null for none. */
export const primaryLanguage = (tag: string | null | undefined) => (tag?.trim() ? tag.trim().toLowerCase().split(/[-_]/)[0]! : null);

/**
 * The language of a text among nl, en, it, de, fr, es; null when the text is
 * too short (under 20 characters) or franc cannot tell.
 */
export function detectLanguage(text: string): string | null {
  const sample = text.replace(/\s+/g, ' ').trim().slice(0, DETECT_MAX_CHARS);
  if (sample.length < MIN_DETECT_CHARS) return null;
  const code = franc(sample, { only: Object.keys(FRANC_TO_BCP47), minLength: MIN_DETECT_CHARS });
  return FRANC_TO_BCP47[code] ?? null;
}

/**
 * The language to answer a thread in (see the module comment). Reads the
 * thread's customer, up to 5 of the customer's latest messages and the
 * organization. Errors: NOT_FOUND (thread, field `threadId`).
 */
export async function suggestTemplateLanguage(ctx: HubContext, threadId: string): Promise<LanguageSuggestion> {
  const thread = await ctx.db.thread.findUnique({ where: { id: threadId }, select: { id: true, customer: { select: { language: true } } } });
  if (!thread) throw notFound('Thread', 'threadId');
  const customer = primaryLanguage(thread.customer?.language);
  if (customer) return { language: customer, source: 'CUSTOMER' };
  const latest = await ctx.db.message.findMany({
    where: { threadId, type: 'INCOMING' },
    orderBy: { createdAt: 'desc' },
    take: DETECT_MESSAGES,
    select: { content: true },
  });
  const detected = detectLanguage(latest.map((m) => m.content ?? '').join('\n'));
  if (detected) return { language: detected, source: 'THREAD' };
  const org = await ctx.deps.db.prisma.organization.findUnique({ where: { id: ctx.organizationId }, select: { locale: true } });
  return { language: primaryLanguage(org?.locale) ?? 'nl', source: 'ORGANIZATION' };
}

/**
 * Picks the variant of a template family for a language: the exact language,
 * else the organization's locale, else English, else the first variant.
 */
export function pickVariant<T extends { locale: string }>(variants: readonly T[], language: string | null, orgLocale: string | null): T | undefined {
  const by = (lang: string | null) => (lang ? variants.find((v) => primaryLanguage(v.locale) === lang) : undefined);
  return by(primaryLanguage(language)) ?? by(primaryLanguage(orgLocale)) ?? by('en') ?? variants[0];
}
