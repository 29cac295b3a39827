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

/** A Content-ID without its angle brackets (`<a@b>` → `a@b`), as inline references and parts are compared. */
export function contentIdKey(contentId: string): string {
  return contentId.replace(/^<|>$/g, '');
}

/**
 * Points the inline images of sanitised HTML (`<img src="cid:…">`: e-mail parts by Content-ID,
 * RFC 2392) at `resolve(contentId)` (e.g. the part's signed media path) and drops the `src` of
 * those it cannot resolve: a browser cannot load a cid: URL (a Content-Security-Policy error and
 * a broken image). HTML without `cid:` is returned unchanged, without parsing it. The result is
 * sanitised again with SANITIZE_OPTIONS (a resolved URL must be https or a relative path).
 * @param html output of `sanitizeHtml`
 * @param resolve the Content-ID as `contentIdKey` gives it (URL-decoded) → a URL, or null
 */
export function resolveInlineImages(html: string, resolve: (contentId: string) => string | null): string {
  if (!/cid:/i.test(html)) return html;
  return sanitize(html, {
    ...SANITIZE_OPTIONS,
    transformTags: {
      ...SANITIZE_OPTIONS.transformTags,
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        if (!/^cid:/i.test(src)) return { tagName, attribs };
        const { src: _cid, ...rest } = attribs;
        let id = src.slice(4);
        try {
          id = decodeURIComponent(id);
        } catch {
          // not URL-encoded: as written
        }
        const url = resolve(contentIdKey(id));
        return { tagName, attribs: url ? { ...rest, src: url } : rest };
      },
    },
  }).trim();
}
