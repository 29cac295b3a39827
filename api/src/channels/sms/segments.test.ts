import { describe, expect, it } from 'vitest';
import { smsSegments } from './segments.js';

describe('smsSegments', () => {
  it('empty text is no segment', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', segments: 0, charactersPerSegment: 160, units: 0 });
  });

  it('GSM-7: 160 characters fit one SMS, 161 take two of 153', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, charactersPerSegment: 160, units: 160 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, charactersPerSegment: 153, units: 161 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('Dutch and Italian accents of the GSM alphabet stay GSM-7', () => {
    const r = smsSegments('Hoi! De monteur komt om 14:00. Perché è già là? Ça va, Ørsted & Ñoño §¿¡');
    expect(r.encoding).toBe('GSM-7');
    expect(smsSegments('Ñandú').encoding).toBe('UCS-2'); // ú is not in the GSM alphabet (ù is)
  });

  it('extension characters count two septets', () => {
    expect(smsSegments('€')).toMatchObject({ encoding: 'GSM-7', units: 2, segments: 1 });
    expect(smsSegments('{}[]~^|\\€')).toMatchObject({ encoding: 'GSM-7', units: 18 });
    expect(smsSegments('€'.repeat(80)).segments).toBe(1); // 160 septets
    expect(smsSegments('€'.repeat(81))).toMatchObject({ segments: 2, units: 162, charactersPerSegment: 153 });
  });

  it('an escape pair is not split across segments', () => {
    // 152 plain + '€' would straddle the 153-septet boundary: it moves to segment 2.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    expect(smsSegments(text).units).toBe(306); // fits 2×153 arithmetically…
    expect(smsSegments(text).segments).toBe(3); // …but not when packed
  });

  it('any other character switches to UCS-2: 70, then 67 per segment', () => {
    expect(smsSegments('Ciao ç')).toMatchObject({ encoding: 'UCS-2', segments: 1, charactersPerSegment: 70 }); // ç is not GSM (Ç is)
    expect(smsSegments('x'.repeat(69) + 'ł')).toMatchObject({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(smsSegments('x'.repeat(70) + 'ł')).toMatchObject({ encoding: 'UCS-2', segments: 2, charactersPerSegment: 67 });
    expect(smsSegments('“quotes”').encoding).toBe('UCS-2');
  });

  it('an emoji is a surrogate pair: two UCS-2 units, never split', () => {
    expect(smsSegments('Grazie 🙏')).toEqual({ encoding: 'UCS-2', segments: 1, charactersPerSegment: 70, units: 9 });
    expect(smsSegments('🙏'.repeat(35)).segments).toBe(1);
    expect(smsSegments('🙏'.repeat(36))).toMatchObject({ segments: 2, units: 72 });
    // 66 units then an emoji that would straddle 67: it opens segment 2.
    expect(smsSegments('x'.repeat(66) + '🙏' + 'x'.repeat(66)).segments).toBe(3);
  });
});
