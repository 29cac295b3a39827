import { afterEach, describe, expect, it } from 'vitest';
import { en } from './en';
import { it as itMessages } from './it';
import { nl } from './nl';
import { describeError, errorMessage } from '../shared/errorMessages';
import { toUserErrors } from '../shared/userErrors';
import { applyPreferences, asUiLanguage, currentTimeZone, i18n, pickLanguage, setTimeZone } from '.';

type Tree = { [k: string]: string | Tree };

/** "inbox.views.all" → text, for every leaf. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const tags = (text: string) => [...text.matchAll(/<\/?(\w+)>/g)].map((m) => m[0]).sort();

const languages = { en, nl, it: itMessages } as unknown as Record<string, Tree>;
const source = flatten(languages.en!);

describe('translations', () => {
  it('has well over a hundred keys', () => {
    expect(source.size).toBeGreaterThan(150);
  });

  for (const lng of ['nl', 'it']) {
    it(`${lng}: every key of en exists, and no other`, () => {
      const keys = [...flatten(languages[lng]!).keys()].sort();
      expect(keys).toEqual([...source.keys()].sort());
    });

    it(`${lng}: no empty text, the same {{placeholders}} and <tags> as en`, () => {
      const texts = flatten(languages[lng]!);
      const wrong: string[] = [];
      for (const [key, text] of texts) {
        const english = source.get(key)!;
        if (!text.trim() && english.trim()) wrong.push(`${key}: empty`);
        if (placeholders(text).join() !== placeholders(english).join()) wrong.push(`${key}: placeholders ${placeholders(text)} ≠ ${placeholders(english)}`);
        if (tags(text).join() !== tags(english).join()) wrong.push(`${key}: tags`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('nl and it are translated, not copies of en (most texts differ)', () => {
    for (const lng of ['nl', 'it']) {
      const texts = flatten(languages[lng]!);
      // Names ("WhatsApp", "Partita IVA", "API / partner") stay as they are; anything more would be untranslated.
      const same = [...texts].filter(([k, v]) => v === source.get(k));
      expect(same.length / texts.size, `${lng}: ${same.map(([k]) => k).join(', ')}`).toBeLessThan(0.12);
    }
  });

  it('uses the support-desk vocabulary', () => {
    expect(nl.inbox.conversation).toBe('Gesprek');
    expect(nl.status.RESOLVED).toBe('Opgelost');
    expect(nl.common.unknownCustomer).toContain('klant');
    expect(nl.errors.NOT_TEAM_MEMBER).toContain('medewerker');
    expect(itMessages.inbox.conversation).toBe('Conversazione');
    expect(itMessages.status.RESOLVED).toBe('Risolta');
    expect(itMessages.common.unknownCustomer).toContain('Cliente');
  });
});

describe('keys used by the code', () => {
  it("every literal key in t('…'), i18n.t('…') and i18nKey=\"…\" exists in en (and so in nl and it)", () => {
    const sources = import.meta.glob(['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}', '!../gql/**'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    const keys = new Set([...source.keys()].map((k) => k.replace(/_(one|other)$/, '')));
    const missing: string[] = [];
    let used = 0;
    for (const [file, text] of Object.entries(sources)) {
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'|i18nKey="([\w.]+)"/g)) {
        used++;
        const key = m[1] ?? m[2]!;
        if (!keys.has(key)) missing.push(`${file}: ${key}`);
      }
    }
    expect(used).toBeGreaterThan(150);
    expect(missing).toEqual([]);
  });
});

describe('language choice', () => {
  afterEach(() => {
    void i18n.changeLanguage('en');
    setTimeZone(undefined);
  });

  it('user setting, else organization, else browser, else nl', () => {
    expect(pickLanguage({ user: 'it', organization: 'nl', browser: ['en-GB'] })).toBe('it');
    expect(pickLanguage({ user: null, organization: 'nl', browser: ['en-GB'] })).toBe('nl');
    expect(pickLanguage({ user: null, organization: 'de', browser: ['fr-FR', 'it-IT'] })).toBe('it');
    expect(pickLanguage({ user: 'xx', organization: null, browser: ['de'] })).toBe('nl');
    expect(asUiLanguage('EN_us')).toBe('en');
    expect(asUiLanguage('de-DE')).toBeNull();
  });

  it('applyPreferences switches language and time zone (user first, then the organization)', () => {
    applyPreferences({ locale: null, timezone: null, organization: { locale: 'nl', timezone: 'Europe/Amsterdam' } });
    expect(i18n.language).toBe('nl');
    expect(currentTimeZone()).toBe('Europe/Amsterdam');
    expect(document.documentElement.lang).toBe('nl');
    applyPreferences({ locale: 'it', timezone: 'Europe/Rome', organization: { locale: 'nl', timezone: 'Europe/Amsterdam' } });
    expect(i18n.language).toBe('it');
    expect(currentTimeZone()).toBe('Europe/Rome');
    expect(i18n.t('inbox.count', { count: 2, formatted: '2' })).toBe('2 conversazioni');
    // An unknown zone falls back to the organization's.
    applyPreferences({ locale: 'en', timezone: 'Mars/Base', organization: { locale: 'nl', timezone: 'Europe/Amsterdam' } });
    expect(currentTimeZone()).toBe('Europe/Amsterdam');
    expect(i18n.t('inbox.count', { count: 1, formatted: '1' })).toBe('1 conversation');
  });
});

describe('API error codes in the user language', () => {
  afterEach(() => void i18n.changeLanguage('en'));

  it('describeError and errorMessage give the sentence of the code in nl and it; English keeps its table', async () => {
    expect(describeError(new TypeError('Failed to fetch')).message).toBe(en.errors.NETWORK);
    expect(errorMessage('MERGE_SAME_RECORD', 'Server text')).toBe('Server text');
    await i18n.changeLanguage('nl');
    expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'NETWORK', message: nl.errors.NETWORK });
    expect(errorMessage('FORBIDDEN')).toBe('Je hebt geen toestemming om dit te doen.');
    expect(errorMessage('MERGE_SAME_RECORD', 'Server text')).toBe(nl.errors.MERGE_SAME_RECORD);
    expect(errorMessage('SOMETHING_NEW', 'Server text')).toBe('Server text');
    await i18n.changeLanguage('it');
    expect(errorMessage('WHATSAPP_WINDOW_CLOSED')).toContain('24 ore');
    // Payload errors: the code's sentence, except a field's own validation message.
    expect(
      toUserErrors([
        { code: 'NOT_FOUND', message: 'Thread not found.' },
        { code: 'VALIDATION_FAILED', message: 'Partita IVA: 11 digits.', field: 'input.partitaIva' },
      ]),
    ).toEqual([
      { code: 'NOT_FOUND', message: itMessages.errors.NOT_FOUND, field: null },
      { code: 'VALIDATION_FAILED', message: 'Partita IVA: 11 digits.', field: 'input.partitaIva' },
    ]);
  });
});
