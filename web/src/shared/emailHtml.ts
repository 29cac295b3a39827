import DOMPurify, { type DOMPurify as Purifier } from 'dompurify';

/**
 * Client-side sanitising of e-mail HTML (`Message.contentHtml`). The API sanitises too; this is
 * the second line of defence right before the HTML reaches the DOM.
 */

let purifier: Purifier | null = null;

function getPurifier(): Purifier {
  if (purifier) return purifier;
  const p = DOMPurify(window);
  // Every link opens outside the app, without handing it `window.opener` or the referrer.
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node instanceof Element && (node.tagName === 'A' || node.tagName === 'AREA')) {
      if (node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      } else {
        node.removeAttribute('target');
      }
    }
  });
  purifier = p;
  return p;
}

const CONFIG = {
  USE_PROFILES: { html: true },
  // No active content, no forms, no document-level styles that would restyle the app.
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'frameset', 'object', 'embed', 'base', 'meta', 'link'],
  FORBID_ATTR: ['srcset', 'formaction', 'action'],
  ALLOW_DATA_ATTR: false,
};

/** Sanitised HTML string (scripts, event handlers, javascript: URLs removed; links get target/rel). */
export function sanitizeEmailHtml(html: string): string {
  return getPurifier().sanitize(html, CONFIG);
}

export interface SplitEmailHtml {
  /** The new part of the message (sanitised). */
  body: string;
  /** Quoted history (sanitised), null when there is none. */
  quoted: string | null;
}

/** Outlook's reply/forward header: it and everything after it is history. */
const OUTLOOK_HISTORY = '#divRplyFwdMsg, #divRplyFwdMsgHeader, #appendonsend';
/** Quoted blocks: Gmail's quote wrapper and any blockquote. */
const QUOTE_BLOCKS = '.gmail_quote, blockquote';

function serialize(nodes: DocumentFragment | Element): string {
  const div = document.createElement('div');
  div.appendChild(nodes instanceof DocumentFragment ? nodes : nodes.cloneNode(true));
  return div.innerHTML;
}

/**
 * Sanitises e-mail HTML and separates the quoted history (Outlook `#divRplyFwdMsg` and what
 * follows it, Gmail `.gmail_quote`, `blockquote`) so it can be collapsed.
 */
export function splitEmailHtml(html: string): SplitEmailHtml {
  const p = getPurifier();
  const root = p.sanitize(html, { ...CONFIG, RETURN_DOM: true }) as HTMLElement;
  const quotedParts: string[] = [];

  const outlook = root.querySelector(OUTLOOK_HISTORY);
  if (outlook) {
    // Outlook puts an <hr> right before the header; it belongs to the history too.
    let start: Element = outlook;
    const prev = outlook.previousElementSibling;
    if (prev?.tagName === 'HR') start = prev;
    const range = document.createRange();
    range.setStartBefore(start);
    range.setEndAfter(root.lastChild!);
    quotedParts.push(serialize(range.extractContents()));
  }

  // Outermost quote blocks still in the body (those before an Outlook header, or Gmail/other clients).
  const blocks = Array.from(root.querySelectorAll(QUOTE_BLOCKS)).filter((el) => !el.parentElement?.closest(QUOTE_BLOCKS));
  if (blocks.length > 0) {
    const parts = blocks.map((el) => {
      const s = serialize(el);
      el.remove();
      return s;
    });
    quotedParts.unshift(...parts);
  }

  const body = p.sanitize(root.innerHTML, CONFIG);
  const quotedHtml = quotedParts.join('');
  const quoted = quotedHtml.trim() ? p.sanitize(quotedHtml, CONFIG) : null;
  return { body, quoted };
}
