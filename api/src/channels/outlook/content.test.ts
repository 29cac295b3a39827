import { describe, expect, it } from 'vitest';
import { emailContent, quotedHtmlStart, sanitizeEmailHtml, stripQuotedText } from './content.js';

describe('stripQuotedText', () => {
  it('cuts at a Dutch "Op … schreef …:" header, also when wrapped over two lines', () => {
    const one = 'Prima, dinsdag om 10:00 is goed.\n\nOp ma 23 nov. 2026 om 09:12 schreef ChargeCars <klantenservice@chargecars.nl>:\n> Kunnen we dinsdag langskomen?';
    expect(stripQuotedText(one)).toBe('Prima, dinsdag om 10:00 is goed.');
    const wrapped = 'Prima, dinsdag om 10:00 is goed.\n\nOp ma 23 nov. 2026 om 09:12 schreef ChargeCars <\nklantenservice@chargecars.nl>:\n> Kunnen we dinsdag langskomen?';
    expect(stripQuotedText(wrapped)).toBe('Prima, dinsdag om 10:00 is goed.');
  });

  it('cuts at an Italian "Il giorno … ha scritto:" header', () => {
    const text =
      'Va bene giovedì mattina.\nGrazie\n\nIl giorno gio 19 nov 2026 alle ore 14:02 ChargeCars Klantenservice <klantenservice@chargecars.nl> ha scritto:\n> Gentile cliente, ...';
    expect(stripQuotedText(text)).toBe('Va bene giovedì mattina.\nGrazie');
  });

  it('cuts at "On … wrote:" and at "-----Original Message-----"', () => {
    expect(stripQuotedText('Thanks!\n\nOn Mon, Nov 23, 2026 at 9:12 AM ChargeCars <k@chargecars.nl> wrote:\n> hello')).toBe('Thanks!');
    expect(stripQuotedText('Zie bijlage.\n\n-----Original Message-----\nFrom: ChargeCars\nSent: maandag\n\nTekst')).toBe('Zie bijlage.');
    expect(stripQuotedText('Zie bijlage.\n-----Oorspronkelijk bericht-----\nVan: ChargeCars')).toBe('Zie bijlage.');
  });

  it('cuts at an Outlook "Van:/From:" header block but keeps a line that merely starts with "Van:"', () => {
    const block =
      'Dinsdag past goed.\n\n________________________________\nVan: ChargeCars Klantenservice <klantenservice@chargecars.nl>\nVerzonden: zondag 22 november 2026 09:30\nAan: Marieke Visser\nOnderwerp: RE: Offerte';
    expect(stripQuotedText(block)).toBe('Dinsdag past goed.');
    const notABlock = 'Route\nVan: Amsterdam naar Utrecht, de laadpaal staat in Utrecht.\nGroet';
    expect(stripQuotedText(notABlock)).toBe(notABlock);
  });

  it('drops the "-- " signature and mobile footers', () => {
    expect(stripQuotedText('Graag een nieuwe afspraak.\n\n-- \nJan Bakker\nBakker Installaties BV')).toBe('Graag een nieuwe afspraak.');
    expect(stripQuotedText('Ok, prima.\n\nVerstuurd vanaf mijn iPhone')).toBe('Ok, prima.');
    expect(stripQuotedText('Va bene.\n\nInviato da iPhone')).toBe('Va bene.');
  });

  it('removes a trailing "> " quoted block', () => {
    expect(stripQuotedText('Ja, dat klopt.\n\n> Is uw adres nog Dorpsstraat 4?\n> Groet')).toBe('Ja, dat klopt.');
  });

  it('keeps the whole text when cutting would leave nothing', () => {
    const text = '-----Original Message-----\nFrom: Jan\nSent: vandaag\nDoorgestuurd ter info';
    expect(stripQuotedText(text)).toBe(text);
  });
});

describe('sanitizeEmailHtml', () => {
  it('removes scripts, styles, event handlers and javascript: links, keeps safe markup', () => {
    const html =
      '<html><head><title>x</title><style>body{color:red}</style><script>alert(1)</script></head><body>' +
      '<p style="color:red" onclick="x()">Hallo <b>Jan</b></p>' +
      '<img src="x" onerror="alert(1)"><img src="http://tracker.example/p.gif"><img src="cid:logo@01">' +
      '<a href="javascript:alert(1)">a</a><a href="https://chargecars.nl">b</a>' +
      '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="p"></form></body></html>';
    const out = sanitizeEmailHtml(html);
    expect(out).not.toMatch(/<script|alert\(|onerror|onclick|style=|<style|<iframe|<form|<input|javascript:|tracker\.example|<title/i);
    expect(out).toContain('<p>Hallo <b>Jan</b></p>');
    expect(out).toContain('<img src="cid:logo@01" />');
    expect(out).toContain('<a href="https://chargecars.nl" target="_blank" rel="noopener noreferrer nofollow">b</a>');
  });
});

describe('emailContent', () => {
  it('uses uniqueBody when present', () => {
    const r = emailContent({ contentType: 'html', content: '<p>Nieuw</p><div id="appendonsend"></div><p>Oud</p>' }, { contentType: 'html', content: '<p>Alleen nieuw</p>' });
    expect(r).toEqual({ content: 'Alleen nieuw', contentHtml: '<p>Alleen nieuw</p>' });
  });

  it('cuts the HTML body at the quote marker without uniqueBody', () => {
    expect(quotedHtmlStart('<p>a</p><div class="gmail_quote">q</div>')).toBe(8);
    expect(quotedHtmlStart('<p>a</p><blockquote type="cite">q</blockquote>')).toBe(8);
    expect(quotedHtmlStart('<p>a</p>')).toBe(-1);
    const r = emailContent({ contentType: 'html', content: '<p>Nieuw</p><div id="divRplyFwdMsg"><b>Van:</b> X</div><p>Oud</p>' }, null);
    expect(r.contentHtml).toBe('<p>Nieuw</p>');
    expect(r.content).toBe('Nieuw');
  });

  it('handles a text body (no contentHtml)', () => {
    expect(emailContent({ contentType: 'text', content: 'Hoi\r\n\r\nOn Mon, X wrote:\r\n> y' }, undefined)).toEqual({ content: 'Hoi' });
  });
});
