import { DEFAULT_THEME, mergeMantineTheme } from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { contrastRatio, cssVariablesResolver, readableOn, theme } from './theme';

const merged = mergeMantineTheme(DEFAULT_THEME, theme);
const light = cssVariablesResolver(merged).light;

describe('theme contrast (WCAG AA, issue 10 §6)', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#868e96', '#ffffff')).toBeCloseTo(3.32, 2); // Mantine's dimmed grey: too light
  });

  it('darkens a colour only as far as needed', () => {
    expect(readableOn('#000000', ['#ffffff'])).toBe('#000000');
    const c = readableOn('#868e96', ['#ffffff']);
    expect(contrastRatio(c, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(c, '#ffffff')).toBeLessThan(5.5);
  });

  it('dimmed, error, anchor and every colour text reach 4.5:1 on white, gray-0 and gray-1', () => {
    const texts = Object.entries(light).filter(([k]) => k === '--mantine-color-dimmed' || k === '--mantine-color-error' || k === '--mantine-color-anchor' || k.endsWith('-text'));
    expect(texts.length).toBeGreaterThan(10);
    for (const [k, v] of texts)
      for (const bg of ['#ffffff', merged.colors.gray[0], merged.colors.gray[1]]) expect(contrastRatio(v, bg), `${k} on ${bg}`).toBeGreaterThanOrEqual(4.5);
  });

  it('light-variant text (badges, alerts) reaches 4.5:1 on its shade-1 background', () => {
    for (const name of Object.keys(merged.colors).filter((n) => n !== 'dark')) {
      const text = light[`--mantine-color-${name}-light-color`]!;
      expect(contrastRatio(text, merged.colors[name]![1]), name).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('palette shades 8 and 9 (c="red.8") are readable on the page background', () => {
    for (const name of Object.keys(merged.colors).filter((n) => n !== 'dark'))
      for (const shade of [8, 9]) expect(contrastRatio(merged.colors[name]![shade]!, merged.colors.gray[0]), `${name}.${shade}`).toBeGreaterThanOrEqual(4.5);
  });

  it('white text on the primary filled colour reaches 4.5:1', () => {
    const primary = merged.colors[merged.primaryColor]![7]!;
    expect(contrastRatio('#ffffff', primary)).toBeGreaterThanOrEqual(4.5);
  });
});
