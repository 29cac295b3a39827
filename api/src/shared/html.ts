/**
 * HTML that reaches an agent's browser or a customer's mailbox is sanitised
 * with an allow-list (sanitize-html): no script, style, iframe, form, event
 * handlers or javascript: URLs; links open in a new tab without referrer;
 * images only over https or as inline parts (cid:).
 */
import sanitize from 'sanitize-html';

export const SANITIZE_OPTIONS: sanitize.IOptions = {
  allowedTags: [...sanitize.defaults.allowedTags, 'img', 'h1', 'h2', 'span', 'font', 'center', 'u', 's', 'del', 'ins', 'sub', 'sup'],
  allowedAttributes: {
    a: ['href', 'name', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    table: ['border', 'cellpadding', 'cellspacing', 'width'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    ol: ['start', 'type'],
    '*': ['dir', 'lang'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  // Remote images are tracking pixels more often than not: only https, and inline parts by Content-ID.
  allowedSchemesByTag: { img: ['https', 'cid'] },
  allowProtocolRelative: false,
  // Dropped with their content (sanitize-html keeps the text of other removed tags).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'iframe', 'object', 'template', 'svg', 'math'],
  transformTags: {
    a: sanitize.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }),
  },
};

/**
 * Sanitises an HTML fragment (e-mail bodies, partner messages, agent replies).
 * @returns a fragment (no html/head/body), safe to render as innerHTML
 */
export function sanitizeHtml(html: string): string {
  return sanitize(html, SANITIZE_OPTIONS).trim();
}
