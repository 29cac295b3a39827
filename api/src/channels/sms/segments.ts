/**
 * SMS segment counting, as the composer shows it ("2 messages, GSM-7").
 *
 * An SMS carries 140 octets. Text that uses only the GSM 03.38 default
 * alphabet (3GPP TS 23.038 §6.2.1) travels as 7-bit septets: 160 characters in
 * one SMS; characters of the extension table (`^ { } \ [ ~ ] | €` and form
 * feed) take two septets (ESC + char). Anything else forces UCS-2 (UTF-16):
 * 70 code units in one SMS; an emoji outside the BMP is a surrogate pair and
 * takes two. A longer text is split into concatenated segments whose User
 * Data Header takes 6 octets: 153 septets or 67 UCS-2 units per segment; an
 * escape pair or a surrogate pair is never split across segments (so a
 * segment may carry one fewer). Twilio counts the same way
 * (Twilio Docs, "What the Heck is a Segment?" and "Encoding").
 *
 * Pure and dependency-free so the web composer can copy it.
 */

/** GSM 03.38 default alphabet (one septet each). ESC (0x1B) itself is not a character. */
const GSM7_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** GSM 03.38 extension table (two septets each: ESC + char). */
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export interface SmsSegmentInfo {
  /** GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2. */
  encoding: 'GSM-7' | 'UCS-2';
  /** Number of SMS segments the text is sent as; 0 for the empty text. */
  segments: number;
  /** Capacity of one segment in this encoding: 160/153 (GSM-7) or 70/67 (UCS-2); the single-SMS value while the text fits in one. */
  charactersPerSegment: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
}

/**
 * Counts the SMS segments of a text.
 *
 * @param text the message body as the agent typed it
 * @returns encoding, number of segments, characters per segment and the units used
 * @example smsSegments('Hoi!')        // { encoding: 'GSM-7', segments: 1, charactersPerSegment: 160, units: 4 }
 * @example smsSegments('€'.repeat(81)) // GSM-7, 162 septets → 2 segments of 153
 * @example smsSegments('Grazie 🙏')    // UCS-2, 9 code units → 1 segment of 70
 */
export function smsSegments(text: string): SmsSegmentInfo {
  const chars = Array.from(text); // code points
  const gsm = chars.every((c) => BASIC.has(c) || EXTENSION.has(c));
  // Width of each code point in the chosen encoding's units.
  const widths = gsm ? chars.map((c) => (EXTENSION.has(c) ? 2 : 1)) : chars.map((c) => c.length);
  const units = widths.reduce((a, b) => a + b, 0);
  const single = gsm ? 160 : 70;
  const multi = gsm ? 153 : 67;
  const encoding = gsm ? 'GSM-7' : 'UCS-2';
  if (units === 0) return { encoding, segments: 0, charactersPerSegment: single, units };
  if (units <= single) return { encoding, segments: 1, charactersPerSegment: single, units };
  // Greedy packing: a two-unit character that does not fit opens the next segment.
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > multi) {
      segments++;
      used = 0;
    }
    used += w;
  }
  return { encoding, segments, charactersPerSegment: multi, units };
}
