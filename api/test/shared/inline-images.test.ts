/**
 * Inline e-mail images (`<img src="cid:…">`): `resolveInlineImages` points them at a URL for their
 * part or drops the src (a browser cannot load cid: URLs; the web app's CSP refuses them with a
 * console error), and Message.contentHtml does so with the part's signed media path.
 */
import { describe, expect, it } from 'vitest';
import { resolveInlineImages, sanitizeHtml } from '../../src/shared/html.js';

describe('resolveInlineImages', () => {
  const html = sanitizeHtml(
    '<p>Zie foto:</p><img src="cid:image001.jpg@01DB3C2A.5F1E2D30" alt="meterkast"><img src="cid:onbekend@x" alt="weg"><img src="https://example.org/a.png"><a href="https://example.org">link</a>',
  );

  it('points a known Content-ID at its URL, drops the src of an unknown one, keeps the rest', () => {
    const seen: string[] = [];
    const out = resolveInlineImages(html, (cid) => {
      seen.push(cid);
      return cid === 'image001.jpg@01DB3C2A.5F1E2D30' ? '/media/m1/0?exp=1&sig=abc' : null;
    });
    expect(seen).toEqual(['image001.jpg@01DB3C2A.5F1E2D30', 'onbekend@x']);
    expect(out).toContain('<img alt="meterkast" src="/media/m1/0?exp=1&amp;sig=abc" />');
    expect(out).toContain('<img alt="weg" />');
    expect(out).not.toMatch(/cid:/i);
    expect(out).toContain('<img src="https://example.org/a.png" />');
    expect(out).toContain('<a href="https://example.org" target="_blank" rel="noopener noreferrer nofollow">link</a>');
  });

  it('reads angle brackets and URL-encoding in the reference; HTML without cid: comes back unchanged', () => {
    const out = resolveInlineImages('<img src="cid:%3Cpart%201%40x%3E" />', (cid) => (cid === 'part 1@x' ? '/media/m/1' : null));
    expect(out).toBe('<img src="/media/m/1" />');
    const plain = '<p>geen  plaatjes</p>';
    expect(resolveInlineImages(plain, () => 'unused')).toBe(plain);
  });

  it('a resolver cannot bring in a URL the sanitiser refuses', () => {
    expect(resolveInlineImages('<img src="cid:a@b" />', () => 'javascript:alert(1)')).toBe('<img />');
  });
});
