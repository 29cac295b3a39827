import { i18n } from '../i18n';
/**
 * SMS length and segment count (3GPP TS 23.038):
 * - GSM-7: 160 septets in a single SMS, 153 per segment when multipart (the UDH takes 7);
 *   characters of the extension table (^ { } [ ] ~ \ | € and form feed) take 2 septets (ESC + char).
 * - Any character outside GSM-7 switches the whole message to UCS-2: 70 UTF-16 units in a
 *   single SMS, 67 per segment when multipart; characters outside the BMP (emoji) take 2.
 * An escape pair or a surrogate pair is never split across two segments.
 */

const GSM7_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsCount {
  encoding: SmsEncoding;
  /** Length in the encoding's units: septets for GSM-7 (extension characters count 2), UTF-16 units for UCS-2. */
  length: number;
  segments: number;
  /** Units per segment for the current count (160/153 or 70/67). */
  perSegment: number;
  /** Units left in the last segment before another one is needed. */
  remaining: number;
}

export const SMS_LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

/** The size of each character (code point) in the chosen encoding. */
function unitSizes(text: string, encoding: SmsEncoding): number[] {
  const sizes: number[] = [];
  for (const ch of text) sizes.push(encoding === 'GSM-7' ? (EXTENSION.has(ch) ? 2 : 1) : ch.length);
  return sizes;
}

export function smsCount(text: string): SmsCount {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const { single, multi } = SMS_LIMITS[encoding];
  const sizes = unitSizes(text, encoding);
  const length = sizes.reduce((a, b) => a + b, 0);
  if (length === 0) return { encoding, length, segments: 0, perSegment: single, remaining: single };
  if (length <= single) return { encoding, length, segments: 1, perSegment: single, remaining: single - length };
  // Multipart: pack characters greedily without splitting a 2-unit character.
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, length, segments, perSegment: multi, remaining: multi - used };
}

/** "N characters · M segments" */
export function smsCountLabel(c: Pick<SmsCount, 'length' | 'segments'>): string {
  return `${i18n.t('composer.sms.characters', { count: c.length })} · ${i18n.t('composer.sms.segments', { count: c.segments })}`;
}
