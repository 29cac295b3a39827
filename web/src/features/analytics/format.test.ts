import { describe, expect, it } from 'vitest';
import { changeTone, formatChange, formatDuration, formatPercent, formatTarget, formatValue } from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [42, '42 s'],
    [60, '1 min'],
    [89, '1 min'],
    [90, '2 min'],
    [59 * 60, '59 min'],
    [3599.9, '1 h'],
    [3600, '1 h'],
    [4320, '1 h 12 min'],
    [4 * 3600 + 59, '4 h 1 min'],
    [23 * 3600 + 30 * 60, '23 h 30 min'],
    [86_400, '1 d'],
    [3 * 86_400 + 4 * 3600, '3 d 4 h'],
    [-300, '-5 min'],
  ])('%s s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('is a dash for a non-number', () => {
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatPercent', () => {
  it.each([
    [93.4, '93.4 %'],
    [93.44, '93.4 %'],
    [93.46, '93.5 %'],
    [100, '100 %'],
    [0, '0 %'],
    [95, '95 %'],
  ])('%s → %s', (value, text) => {
    expect(formatPercent(value)).toBe(text);
  });
});

describe('formatValue', () => {
  it('formats every unit', () => {
    expect(formatValue('SECONDS', 4320)).toBe('1 h 12 min');
    expect(formatValue('PERCENT', 93.44)).toBe('93.4 %');
    expect(formatValue('SCORE', 4.63)).toBe('4.6 / 5');
    expect(formatValue('SCORE', 4)).toBe('4.0 / 5');
    expect(formatValue('RATIO', 5.24)).toBe('5.2');
    expect(formatValue('COUNT', 1234)).toBe('1,234');
  });

  it('shows a dash when there is nothing to measure', () => {
    expect(formatValue('PERCENT', null)).toBe('—');
    expect(formatValue('SECONDS', undefined)).toBe('—');
  });
});

describe('formatChange', () => {
  it('percentages change in points, durations in time, counts in numbers', () => {
    expect(formatChange('PERCENT', 93.4, 95.1)).toBe('-1.7 pp');
    expect(formatChange('PERCENT', 96, 95)).toBe('+1 pp');
    expect(formatChange('SECONDS', 3600, 4320)).toBe('-12 min');
    expect(formatChange('SECONDS', 7200, 3600)).toBe('+1 h');
    expect(formatChange('SCORE', 4.6, 4.4)).toBe('+0.2');
    expect(formatChange('COUNT', 140, 126)).toBe('+14');
    expect(formatChange('COUNT', 5, 5)).toBe('±0');
  });

  it('is null without a previous value', () => {
    expect(formatChange('PERCENT', 93, null)).toBeNull();
    expect(formatChange('PERCENT', null, 93)).toBeNull();
  });
});

describe('formatTarget', () => {
  it('names the direction', () => {
    expect(formatTarget('PERCENT', 95, 'AT_LEAST')).toBe('≥ 95 %');
    expect(formatTarget('SECONDS', 14_400, 'AT_MOST')).toBe('≤ 4 h');
    expect(formatTarget('SCORE', 4.5, 'AT_LEAST')).toBe('≥ 4.5 / 5');
    expect(formatTarget('PERCENT', null, null)).toBeNull();
  });
});

describe('changeTone', () => {
  it('is better when the value moved the good way', () => {
    expect(changeTone(96, 95, 'HIGHER')).toBe('better');
    expect(changeTone(94, 95, 'HIGHER')).toBe('worse');
    expect(changeTone(3000, 3600, 'LOWER')).toBe('better');
    expect(changeTone(10, 5, null)).toBe('neutral');
    expect(changeTone(5, null, 'HIGHER')).toBe('neutral');
  });
});
