import { useEffect, useState, type KeyboardEvent, type ReactElement } from 'react';
import { Badge, Combobox, Group, Text, useCombobox } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { ComposerTemplatesQuery as ComposerTemplatesResult } from '../../gql/graphql';
import { i18n } from '../../i18n';

/**
 * Templates for the composer: one entry per template (its languages grouped),
 * each offered in the thread's suggested language (customer, else the
 * language of the thread, else the organization's; computed by the server).
 */
export const ComposerTemplatesQuery = graphql(`
  query ComposerTemplates($threadId: ID!) {
    templateFamilies(threadId: $threadId) {
      name
      shortcuts
      defaultLanguage
      variants {
        id
        locale
        shortcut
      }
    }
  }
`);

export type TemplateFamilyOption = ComposerTemplatesResult['templateFamilies'][number];

/** The "/query" typed at the caret: from a "/" at the start of the text or after whitespace, up to the caret. */
export interface SlashToken {
  /** Index of the "/". */
  start: number;
  /** Index after the query (the caret). */
  end: number;
  /** What follows the "/", e.g. "fattura". */
  query: string;
}

/** Longest query kept open (a longer run of text after a "/" is not a template search). */
const MAX_QUERY = 40;

/**
 * The slash command being typed at `caret`, or null: a "/" at the start or
 * after whitespace, followed by at most 40 characters without a line break
 * (spaces allowed, names have them) up to the caret.
 */
export function slashToken(text: string, caret: number): SlashToken | null {
  const before = text.slice(0, caret);
  const start = before.lastIndexOf('/');
  if (start < 0) return null;
  if (start > 0 && !/\s/.test(before[start - 1]!)) return null;
  const query = before.slice(start + 1);
  if (query.length > MAX_QUERY || /[\n/]/.test(query) || /^\s/.test(query)) return null;
  return { start, end: caret, query };
}

/**
 * The templates matching a type-ahead query, best first: a shortcut starting
 * with it, then a name starting with it, then a name or shortcut containing
 * it (case-insensitive); every template for an empty query.
 */
export function matchFamilies(families: readonly TemplateFamilyOption[], query: string): TemplateFamilyOption[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...families];
  const rank = (f: TemplateFamilyOption) => {
    const name = f.name.toLowerCase();
    if (f.shortcuts.some((s) => s.startsWith(q))) return 0;
    if (name.startsWith(q)) return 1;
    if (name.includes(q) || f.shortcuts.some((s) => s.includes(q))) return 2;
    return 3;
  };
  return families
    .map((f) => ({ f, r: rank(f) }))
    .filter((x) => x.r < 3)
    .sort((a, b) => a.r - b.r)
    .map((x) => x.f);
}

export interface TemplatePickerState {
  opened: boolean;
  loading: boolean;
  token: SlashToken | null;
  matches: TemplateFamilyOption[];
  active: number;
  setActive: (i: number) => void;
  languageOf: (f: TemplateFamilyOption) => string;
  pick: (f: TemplateFamilyOption, language?: string) => void;
  dismiss: () => void;
  /** Handles the keys of an open picker (↑ ↓ choose, ← → language, Enter insert, Esc close); true when it took the key. */
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => boolean;
}

/**
 * The state of the slash picker for a composer text and caret. `onPick`
 * gets the chosen variant's template id and the "/query" to replace.
 */
export function useTemplatePicker(opts: {
  threadId: string;
  enabled: boolean;
  text: string;
  caret: number;
  onPick: (templateId: string, token: SlashToken) => void;
}): TemplatePickerState {
  const { data, loading } = useQuery(ComposerTemplatesQuery, { variables: { threadId: opts.threadId }, skip: !opts.enabled });
  const families = data?.templateFamilies ?? [];
  const token = opts.enabled ? slashToken(opts.text, opts.caret) : null;
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [languages, setLanguages] = useState<Record<string, string>>({});
  const matches = token ? matchFamilies(families, token.query) : [];
  const opened = token !== null && token.start !== dismissedAt;

  // A new search starts at the best match; a "/" typed elsewhere opens again after Esc.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query text and its position are the triggers, not read in the effect
  useEffect(() => setActive(0), [token?.query, token?.start]);
  useEffect(() => {
    if (!token) setDismissedAt(null);
  }, [token]);

  const languageOf = (f: TemplateFamilyOption) => languages[f.name] ?? f.defaultLanguage;
  const pick = (f: TemplateFamilyOption, language?: string) => {
    if (!token) return;
    const lang = language ?? languageOf(f);
    const variant = f.variants.find((v) => v.locale === lang) ?? f.variants[0];
    if (!variant) return;
    setDismissedAt(token.start);
    opts.onPick(variant.id, token);
  };
  const cycleLanguage = (f: TemplateFamilyOption, step: number) => {
    const langs = f.variants.map((v) => v.locale);
    const i = langs.indexOf(languageOf(f));
    setLanguages((all) => ({ ...all, [f.name]: langs[(i + step + langs.length) % langs.length]! }));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (!opened || !token) return false;
    const n = matches.length;
    const current = matches[Math.min(active, n - 1)];
    switch (e.key) {
      case 'ArrowDown':
        if (n) setActive((a) => (a + 1) % n);
        break;
      case 'ArrowUp':
        if (n) setActive((a) => (a - 1 + n) % n);
        break;
      case 'ArrowRight':
      case 'ArrowLeft':
        if (!current) return false;
        cycleLanguage(current, e.key === 'ArrowRight' ? 1 : -1);
        break;
      case 'Enter':
        if (e.ctrlKey || e.metaKey || e.shiftKey || !current) return false;
        pick(current);
        break;
      case 'Escape':
        setDismissedAt(token.start);
        break;
      default:
        return false;
    }
    e.preventDefault();
    e.stopPropagation();
    return true;
  };

  return {
    opened,
    loading,
    token,
    matches,
    active: Math.min(active, Math.max(matches.length - 1, 0)),
    setActive,
    languageOf,
    pick,
    dismiss: () => token && setDismissedAt(token.start),
    onKeyDown,
  };
}

/**
 * The slash picker around the composer's textarea (`children`): a Mantine
 * Combobox dropdown under it while "/query" is typed. Each entry is one
 * template with its languages; the highlighted language is inserted
 * (← → or a click on another language changes it).
 */
export function TemplatePicker({ picker, children }: { picker: TemplatePickerState; children: ReactElement }) {
  const combobox = useCombobox({ opened: picker.opened, onDropdownClose: () => picker.dismiss() });
  return (
    <Combobox
      store={combobox}
      onOptionSubmit={(value) => {
        const f = picker.matches.find((m) => m.name === value);
        if (f) picker.pick(f);
      }}
      position="top-start"
      width="target"
      withinPortal={false}
      shadow="md"
    >
      <Combobox.Target withKeyboardNavigation={false}>{children}</Combobox.Target>
      <Combobox.Dropdown data-testid="template-picker" aria-label={i18n.t('composer.picker.templates')}>
        <Combobox.Options aria-label={i18n.t('composer.picker.templates')} mah={280} style={{ overflowY: 'auto' }}>
          {picker.matches.map((f, i) => {
            const lang = picker.languageOf(f);
            return (
              <Combobox.Option
                key={f.name}
                value={f.name}
                selected={i === picker.active}
                active={i === picker.active}
                aria-selected={i === picker.active}
                aria-label={`${f.name} (${lang})`}
                data-language={lang}
                onMouseEnter={() => picker.setActive(i)}
                onMouseDown={(e) => e.preventDefault()}
              >
                <Group justify="space-between" wrap="nowrap" gap="xs">
                  <div style={{ minWidth: 0 }}>
                    <Text size="sm" truncate>
                      {f.name}
                    </Text>
                    {f.shortcuts.length > 0 && (
                      <Text size="xs" truncate style={{ opacity: 0.75 }}>
                        {f.shortcuts.map((s) => `/${s}`).join(' ')}
                      </Text>
                    )}
                  </div>
                  <Group gap={4} wrap="nowrap">
                    {f.variants.map((v) => (
                      <Badge
                        key={v.id}
                        component="button"
                        type="button"
                        size="sm"
                        variant={v.locale === lang ? 'filled' : 'default'}
                        color={v.locale === lang ? 'dark' : undefined}
                        aria-label={i18n.t('composer.picker.insertIn', { name: f.name, locale: v.locale })}
                        aria-pressed={v.locale === lang}
                        style={{ cursor: 'pointer' }}
                        onMouseDown={(e) => e.preventDefault()}
                        onClick={(e) => {
                          e.stopPropagation();
                          picker.pick(f, v.locale);
                        }}
                      >
                        {v.locale.toUpperCase()}
                      </Badge>
                    ))}
                  </Group>
                </Group>
              </Combobox.Option>
            );
          })}
          {picker.matches.length === 0 && (
            <Combobox.Empty>{picker.loading ? i18n.t('composer.picker.loading') : i18n.t('composer.picker.noMatch', { query: picker.token?.query ?? '' })}</Combobox.Empty>
          )}
        </Combobox.Options>
        <Text size="xs" c="dimmed" px="xs" py={4} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
          ↑ ↓ choose · ← → language · Enter insert · Esc close
        </Text>
      </Combobox.Dropdown>
    </Combobox>
  );
}
