/**
 * The web app's languages (issue 10 §2): i18next with react-i18next (./en.ts is
 * the source of the keys; ./nl.ts and ./it.ts must have the same keys, checked by
 * the compiler through `Messages` and by i18n.test.ts).
 *
 * Each language is its own chunk, loaded when it is first used (issue 10 §6
 * weight: a page carries one language, not three): `i18nReady` resolves once
 * the first one is in; `changeLanguage` loads the next before it switches. No
 * fallback language: every key exists in all three (the compiler checks).
 *
 * Language: the user's setting (User.locale), else the organization's
 * (Organization.locale), else the browser's, else nl. Until the viewer is
 * known the last language used in this browser (localStorage) is shown.
 * Time zone: User.timezone, else Organization.timezone, else the browser's.
 * `applyPreferences` sets both; `usePreferencesKey` re-renders on a change.
 */
import i18n from 'i18next';
import { useSyncExternalStore } from 'react';
import resourcesToBackend from 'i18next-resources-to-backend';
import { initReactI18next } from 'react-i18next';
import type { Messages } from './en';

export type { Messages } from './en';

/** UI languages, in the order of the language switch. */
export const UI_LANGUAGES = ['nl', 'en', 'it'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/** Each language's name in itself (the language switch). */
export const LANGUAGE_NAMES: Record<UiLanguage, string> = { nl: 'Nederlands', en: 'English', it: 'Italiano' };

/** Language when nothing else decides. */
export const DEFAULT_LANGUAGE: UiLanguage = 'nl';

const STORAGE_KEY = 'hub.language';

/** `tag` ("it-IT", "NL", "en") as a UI language, or null when it is none of them. */
export function asUiLanguage(tag: string | null | undefined): UiLanguage | null {
  const base = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (UI_LANGUAGES as readonly string[]).includes(base ?? '') ? (base as UiLanguage) : null;
}

/**
 * The UI language: the user's setting, else the organization's locale, else
 * the first browser language we have, else nl.
 */
export function pickLanguage(sources: { user?: string | null; organization?: string | null; browser?: readonly string[] }): UiLanguage {
  return asUiLanguage(sources.user) ?? asUiLanguage(sources.organization) ?? (sources.browser ?? []).map(asUiLanguage).find((l): l is UiLanguage => l !== null) ?? DEFAULT_LANGUAGE;
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

function storedLanguage(): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The texts of each language, a chunk apiece. */
const LOADERS: Record<UiLanguage, () => Promise<Messages>> = {
  en: () => import('./en').then((m) => m.en),
  nl: () => import('./nl').then((m) => m.nl),
  it: () => import('./it').then((m) => m.it),
};

/**
 * Fetches every language's texts without switching or registering them (the login page, while
 * the form is filled: the viewer's language is known only after the login, and then its texts
 * are in the browser already, instead of one more request before the inbox renders).
 */
export function preloadLanguages(): void {
  for (const lng of UI_LANGUAGES) LOADERS[lng]().catch(() => undefined);
}

/** Resolves when the first language's texts are loaded (render after it: no flash of keys). */
export const i18nReady: Promise<unknown> = i18n
  .use(resourcesToBackend((lng: string) => LOADERS[asUiLanguage(lng) ?? DEFAULT_LANGUAGE]()))
  .use(initReactI18next)
  .init({
    partialBundledLanguages: true,
    resources: {},
    lng: pickLanguage({ user: storedLanguage(), browser: browserLanguages() }),
    fallbackLng: false,
    supportedLngs: [...UI_LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });

let timeZone: string | undefined;
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};
i18n.on('languageChanged', (lng) => {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
  emit();
});
if (typeof document !== 'undefined') document.documentElement.lang = i18n.language;

/** The current UI language. */
export function currentLanguage(): UiLanguage {
  return asUiLanguage(i18n.language) ?? DEFAULT_LANGUAGE;
}

/** The IANA time zone times are shown in; undefined: the browser's. */
export function currentTimeZone(): string | undefined {
  return timeZone;
}

/** A time zone the runtime knows, else undefined (the browser's). */
function knownZone(zone: string | null | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/**
 * Applies the viewer's preferences: language (user, else organization, else
 * browser, else nl) and time zone (user, else organization, else browser).
 * Remembers the language for the next page load. Resolves once the language
 * is switched (its texts may have to load first).
 */
export function applyPreferences(p: {
  locale?: string | null;
  timezone?: string | null;
  organization?: { locale?: string | null; timezone?: string | null } | null;
}): Promise<void> {
  const lng = pickLanguage({ user: p.locale, organization: p.organization?.locale, browser: browserLanguages() });
  const zone = knownZone(p.timezone) ?? knownZone(p.organization?.timezone);
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // private mode: the next load falls back to the browser language until the viewer is known
  }
  if (zone !== timeZone) {
    timeZone = zone;
    if (lng === i18n.language) emit();
  }
  if (lng === i18n.language) return Promise.resolve();
  return i18n.changeLanguage(lng).then(
    () => undefined,
    () => undefined,
  );
}

/**
 * Loads the texts of the language `applyPreferences(p)` will switch to, without switching (the
 * sign-in starts it as soon as the viewer's preferences are in, beside the inbox's first page).
 */
export function preloadLanguageFor(p: { locale?: string | null; organization?: { locale?: string | null } | null }): void {
  const lng = pickLanguage({ user: p.locale, organization: p.organization?.locale, browser: browserLanguages() });
  if (lng !== i18n.language) void i18n.loadLanguages(lng);
}

/** Sets the time zone alone (tests). */
export function setTimeZone(zone: string | undefined): void {
  timeZone = zone;
  emit();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** "nl|Europe/Amsterdam": changes whenever the language or the time zone does (a React key that re-renders everything below). */
export function usePreferencesKey(): string {
  return useSyncExternalStore(subscribe, () => `${i18n.language}|${timeZone ?? ''}`);
}

/**
 * A record whose values are looked up in the current UI language on every read
 * (`translated(['LOW', …], 'priority')`.LOW → i18n.t('priority.LOW')), so the
 * existing `LABEL[value]` reads and `Object.keys(LABEL)` keep working.
 */
export function translated<K extends string>(keys: readonly K[], prefix: string): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of keys) Object.defineProperty(out, k, { enumerable: true, get: () => i18n.t(`${prefix}.${k}` as string) });
  return out;
}

export { i18n };
export default i18n;
