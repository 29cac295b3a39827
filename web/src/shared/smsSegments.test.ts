import { describe, expect, it } from 'vitest';
import { isGsm7, smsCount, smsCountLabel } from './smsSegments';

describe('smsCount', () => {
  it('GSM-7: 160 characters fit in one SMS, 161 need two segments of 153', () => {
    expect(smsCount('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', length: 160, segments: 1 });
    expect(smsCount('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', length: 161, segments: 2, perSegment: 153 });
    expect(smsCount('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(smsCount('a'.repeat(307))).toMatchObject({ segments: 3 });
    expect(smsCount('')).toMatchObject({ length: 0, segments: 0 });
  });

  it('characters of the GSM extension table count 2', () => {
    expect(isGsm7('Prezzo: 10€ [IVA] {x} ~ | ^ \\')).toBe(true);
    expect(smsCount('€')).toMatchObject({ encoding: 'GSM-7', length: 2, segments: 1 });
    // 159 + € = 161 septets → two segments.
    expect(smsCount('a'.repeat(159) + '€')).toMatchObject({ length: 161, segments: 2 });
    // An escape pair is never split: 152 + € does not fit in the first 153-septet segment.
    expect(smsCount('a'.repeat(152) + '€' + 'a'.repeat(10))).toMatchObject({ length: 164, segments: 2 });
  });

  it('anything outside GSM-7 (an emoji) switches to UCS-2: 70 / 67', () => {
    expect(smsCount('Grazie 👍')).toMatchObject({ encoding: 'UCS-2', length: 9, segments: 1 });
    expect(smsCount('ç'.repeat(70))).toMatchObject({ encoding: 'UCS-2', length: 70, segments: 1 });
    expect(smsCount('ç'.repeat(71))).toMatchObject({ encoding: 'UCS-2', length: 71, segments: 2, perSegment: 67 });
    expect(smsCount('a'.repeat(69) + '👍')).toMatchObject({ encoding: 'UCS-2', length: 71, segments: 2 });
  });

  it('formats "N characters · M segments"', () => {
    expect(smsCountLabel(smsCount('a'.repeat(161)))).toBe('161 characters · 2 segments');
    expect(smsCountLabel(smsCount('a'))).toBe('1 character · 1 segment');
  });
});
