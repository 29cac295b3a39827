import { describe, expect, it } from 'vitest';
import { sanitizeEmailHtml, splitEmailHtml } from './emailHtml';

describe('e-mail HTML', () => {
  it('removes scripts, event handlers and javascript: links; links open in a new tab', () => {
    const out = sanitizeEmailHtml(
      '<p onclick="x()">Hi<script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">bad</a><a href="https://example.com">ok</a></p>',
    );
    expect(out).not.toMatch(/script|onerror|onclick|javascript:/i);
    expect(out).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer">ok</a>');
  });

  it('splits Outlook history (#divRplyFwdMsg and everything after it)', () => {
    const { body, quoted } = splitEmailHtml('<div><p>New text</p><hr><div id="divRplyFwdMsg"><b>From:</b> Mario</div><div>Old text</div></div>');
    expect(body).toContain('New text');
    expect(body).not.toContain('Old text');
    expect(body).not.toContain('divRplyFwdMsg');
    expect(quoted).toContain('From:');
    expect(quoted).toContain('Old text');
  });

  it('splits Gmail quotes and blockquotes', () => {
    const gmail = splitEmailHtml('<div>Thanks!</div><div class="gmail_quote">On Mon, Mario wrote:<blockquote>Old</blockquote></div>');
    expect(gmail.body).toBe('<div>Thanks!</div>');
    expect(gmail.quoted).toContain('Old');
    expect(splitEmailHtml('<p>Only new</p>').quoted).toBeNull();
  });
});
