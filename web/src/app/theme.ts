import { createTheme, DEFAULT_THEME, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

/** Contrast every text colour of the light scheme reaches (AA for normal text is 4.5:1; a margin for rounding). */
export const MIN_CONTRAST = 4.6;

const rgb = (hex: string): [number, number, number] => {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
};
const toHex = (c: [number, number, number]) =>
  `#${c
    .map((v) =>
      Math.round(Math.max(0, Math.min(255, v)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
const luminance = (hex: string) => {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

/** WCAG contrast ratio of two #rrggbb colours (1–21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `color` (#rrggbb) darkened in 4 % steps until it reaches {@link MIN_CONTRAST} against every colour of `backgrounds`. */
export function readableOn(color: string, backgrounds: readonly string[]): string {
  let c = rgb(color);
  for (let i = 0; i < 40 && backgrounds.some((bg) => contrastRatio(toHex(c), bg) < MIN_CONTRAST); i++) c = c.map((v) => v * 0.96) as [number, number, number];
  return toHex(c);
}

const GRAY = DEFAULT_THEME.colors.gray;
/** Where text sits: white (cards, panels), the gray-0 page, gray-1 hovers and stripes. */
const SURFACES = ['#ffffff', GRAY[0], GRAY[1]];

/** Mantine's palette with shades 8 and 9 (the text shades: `c="red.8"`, light-variant text) readable on {@link SURFACES}. */
const READABLE_COLORS = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors)
    .filter(([name]) => name !== 'dark')
    .map(([name, shades]) => [name, shades.map((c, i) => (i >= 8 ? readableOn(c, SURFACES) : c)) as unknown as MantineColorsTuple]),
) as Record<string, MantineColorsTuple>;

/**
 * The app's Mantine theme and colour variables, made for WCAG 2.2 AA contrast (issue 10 §6):
 * every text colour reaches 4.5:1 against the backgrounds it sits on. Mantine's defaults do
 * not (dimmed grey 3.3:1 on white, white on indigo-6 4.3:1, orange text on light-orange badges
 * 3.6:1), so the fixes are made here, once, not per component:
 *
 * - the palette: shades 8 and 9, the ones used for text (`c="red.8"`), darkened where they fall short;
 * - filled: the primary colour at shade 7 (white on indigo-7: 5.0:1), and `autoContrast` with
 *   the WCAG crossover luminance (0.179), so a filled badge of any colour gets black or white text,
 *   whichever is readable;
 * - `cssVariablesResolver` (light scheme): dimmed text, error, colour text (`c="red"`), outline
 *   and light-variant text colours darkened until they reach {@link MIN_CONTRAST} on their
 *   backgrounds (white, the app's gray-0 body, the light variant's shade-1 and shade-2 hover).
 */
export const theme = createTheme({
  colors: READABLE_COLORS,
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 8 },
  autoContrast: true,
  luminanceThreshold: 0.179,
  defaultRadius: 'md',
  fontFamily: 'Inter, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '600' },
});

/** Light-scheme colour variables with AA contrast (see {@link theme}); pass to `MantineProvider cssVariablesResolver`. */
export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const white = SURFACES[0]!;
  const surfaces = SURFACES;
  const gray = t.colors.gray ?? GRAY;
  const light: Record<string, string> = {
    '--mantine-color-dimmed': readableOn(gray[6], surfaces),
    '--mantine-color-error': readableOn((t.colors.red ?? DEFAULT_THEME.colors.red)[6], surfaces),
  };
  for (const [name, shades] of Object.entries(t.colors)) {
    if (name === 'dark' || !shades[9].startsWith('#')) continue;
    const text = readableOn(shades[7], surfaces);
    light[`--mantine-color-${name}-text`] = text;
    light[`--mantine-color-${name}-outline`] = text;
    light[`--mantine-color-${name}-light-color`] = readableOn(shades[9], [shades[1], shades[2], white]);
  }
  light['--mantine-color-anchor'] = light[`--mantine-color-${t.primaryColor}-text`] ?? readableOn(t.colors[t.primaryColor]![7], surfaces);
  return { variables: {}, light, dark: {} };
};
