/**
 * E-mail bodies as the hub stores them: `contentHtml` is the HTML body run
 * through sanitize-html (an allow-list: no script/style/iframe/form, no event
 * handler or style attributes, links only http(s)/mailto/tel, images only
 * https or `cid:` inline parts), and `content` is its plain text (html-to-text)
 * without the quoted history and the signature.
 *
 * Graph's `uniqueBody` is the part of the message that is new in this
 * conversation (Graph "message resource type"); when it is present it is used
 * as is. Otherwise the quoted history is cut at the markers common clients
 * leave in the HTML (Outlook `#appendonsend` / `#divRplyFwdMsg`, Gmail
 * `.gmail_quote`, Thunderbird `.moz-cite-prefix`, Apple Mail
 * `blockquote[type=cite]`) and, in the text, at the first reply header
 * ("Op … schreef …:", "Il giorno … ha scritto:", "On … wrote:",
 * "-----Original Message-----", an Outlook "Van:/From:" block) or signature
 * delimiter ("-- ", "Verstuurd vanaf mijn iPhone", …).
 */
import { convert } from 'html-to-text';
import { sanitizeHtml } from '../../shared/html.js';

/** A Graph itemBody. `contentType` is "html" or "text" (Graph spells it in any case). */
export interface GraphItemBody {
  contentType?: string;
  content?: string | null;
}

/**
 * Sanitises an e-mail's HTML body for display in the agent's browser, with the
 * hub's allow-list (api/src/shared/html.ts).
 * @returns a fragment (no html/head/body), safe to render as innerHTML
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html);
}

/** Plain text of an HTML body: paragraphs separated by a blank line, no wrapping, images and link targets left out. */
export function htmlToPlainText(html: string): string {
  const text = convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'hr', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'h5', options: { uppercase: false } },
      { selector: 'h6', options: { uppercase: false } },
      { selector: 'table', format: 'block' },
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'inline' },
      { selector: 'th', format: 'inline' },
    ],
  });
  return normalizeText(text);
}

function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Where the quoted history starts in an HTML body, by the markers mail
 * clients put there; -1 when none is found.
 */
export function quotedHtmlStart(html: string): number {
  const m =
    /<(?:div|blockquote|hr)\b[^>]*?(?:\bid\s*=\s*["']?(?:appendonsend|divRplyFwdMsg|stopSpelling)\b|\bclass\s*=\s*["'][^"']*\b(?:gmail_quote|moz-cite-prefix|yahoo_quoted)\b|\btype\s*=\s*["']?cite\b)[^>]*>/i.exec(
      html,
    );
  return m ? m.index : -1;
}

/** A complete reply header line ("Op … schreef …:", "Il giorno … ha scritto:", "On … wrote:", …). */
const REPLY_HEADER = [
  /^Op\s.+\sschreef\b.*:$/i, // Dutch: "Op ma 23 nov. 2026 om 10:12 schreef Jan <jan@x.nl>:"
  /^Il\s.+\sha scritto\s?:$/i, // Italian: "Il giorno lun 23 nov 2026 alle ore 10:12 Mario <m@x.it> ha scritto:"
  /^On\s.+\swrote:$/i, // English
  /^Am\s.+\sschrieb\b.*:$/i, // German
  /^Le\s.+\sa écrit\s?:$/i, // French
];
/** A line that may start a reply header wrapped over two lines. */
const REPLY_HEADER_START = /^(?:Op|Il|On|Am|Le)\s/i;
const ORIGINAL_MESSAGE =
  /^-{2,}\s*(?:Original Message|Oorspronkelijk bericht|Origineel bericht|Messaggio originale|Ursprüngliche Nachricht|Message d'origine|Forwarded message|Doorgestuurd bericht|Messaggio inoltrato)\s*-{2,}$/i;
/** First line of an Outlook header block ("Van: …", "From: …", "Da: …"). */
const HEADER_FROM = /^\*?(?:From|Van|Da|Von|De)\s?\*?:\s*\S/i;
/** A following line of that block. */
const HEADER_FIELD = /^\*?(?:Sent|Date|To|Cc|Subject|Verzonden|Datum|Aan|Onderwerp|Inviato|Data|A|Oggetto|Gesendet|An|Betreff|Envoyé|À|Objet)\s?\*?:/i;
/** Signature delimiter (RFC 3676 "-- ") and mobile client footers. */
const SIGNATURE = [/^--\s?$/, /^(?:Sent from my|Get Outlook for|Verzonden (?:vanaf|met) mijn|Verstuurd vanaf mijn|Inviato da(?:l mio)?|Von meinem)\b/i];

/**
 * The new text of a plain-text e-mail: cut at the first reply header,
 * "Original Message" line, Outlook "Van:/From:" header block or signature
 * delimiter; trailing "> " quoted lines and separator lines removed.
 * @returns the text without history, or the whole (trimmed) text when cutting would leave nothing
 */
export function stripQuotedText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const next = (lines[i + 1] ?? '').trim();
    if (SIGNATURE.some((r) => r.test(line))) {
      cut = i;
      break;
    }
    if (line === '') continue;
    if (REPLY_HEADER.some((r) => r.test(line))) {
      cut = i;
      break;
    }
    if (REPLY_HEADER_START.test(line) && !line.endsWith(':') && next && REPLY_HEADER.some((r) => r.test(`${line} ${next}`))) {
      cut = i;
      break;
    }
    if (ORIGINAL_MESSAGE.test(line)) {
      cut = i;
      break;
    }
    if (HEADER_FROM.test(line)) {
      const following = lines
        .slice(i + 1, i + 6)
        .map((l) => l.trim())
        .filter((l) => l !== '');
      if (following.some((l) => HEADER_FIELD.test(l))) {
        cut = i;
        break;
      }
    }
  }
  const kept = lines.slice(0, cut);
  // Trailing quoted lines, separators and blank lines.
  while (kept.length > 0 && /^\s*(?:>.*|[-_*=]{3,}\s*|)$/.test(kept[kept.length - 1]!)) kept.pop();
  const result = normalizeText(kept.join('\n'));
  return result || normalizeText(text);
}

/**
 * The hub's content of an e-mail from Graph's `body` and `uniqueBody`.
 * @returns `content` (plain text, new part only) and `contentHtml` (sanitised, for HTML bodies only)
 */
export function emailContent(body: GraphItemBody | undefined, uniqueBody?: GraphItemBody | null): { content: string; contentHtml?: string } {
  const unique = uniqueBody?.content?.trim() ? uniqueBody : undefined;
  const source = unique ?? body;
  const raw = source?.content ?? '';
  if (!raw.trim()) return { content: '' };
  if ((source?.contentType ?? 'text').toLowerCase() !== 'html') {
    return { content: stripQuotedText(raw) };
  }
  let html = raw;
  if (!unique) {
    const at = quotedHtmlStart(raw);
    if (at >= 0) {
      const before = raw.slice(0, at);
      if (htmlToPlainText(sanitizeEmailHtml(before))) html = before;
    }
  }
  const contentHtml = sanitizeEmailHtml(html);
  const text = htmlToPlainText(contentHtml);
  return { content: stripQuotedText(text), contentHtml };
}
