/**
 * Templates that never send blanks (issue 10 §3), on the demo: "/" in the
 * composer of an Italian customer's thread offers each template once, in
 * Italian; the inserted text keeps its gaps visible as {{placeholders}} with a
 * badge each, and Send stays disabled until every gap is filled.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, launchBrowser, loginAsSarah, newPage, screenshot } from './helpers';

interface ThreadInfo {
  id: string;
  suggestedTemplateLanguage: string;
  channel: { type: string; canSend: boolean };
}

/** Runs a GraphQL query in the page with the signed-in session. */
async function gql<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return page.evaluate(
    async ({ query, variables }) => {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${localStorage.getItem('hub.token')}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = await res.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    { query, variables },
  ) as Promise<T>;
}

describe(`template picker (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let thread: ThreadInfo;
  const composerInput = (): Locator => page.getByRole('textbox', { name: 'Message', exact: true });
  const send = (): Locator => page.getByTestId('composer').getByRole('button', { name: 'Send', exact: true });

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page } = await newPage(browser));
    await loginAsSarah(page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("an Italian customer's e-mail thread gets the Italian variant from /fattura, one entry per template", async () => {
    const data = await gql<{ threads: { edges: { node: ThreadInfo }[] } }>(
      page,
      `{ threads(first: 100) { edges { node { id suggestedTemplateLanguage channel { type canSend } } } } }`,
    );
    const found = data.threads.edges.map((e) => e.node).find((t) => t.suggestedTemplateLanguage === 'it' && t.channel.type === 'EMAIL_OUTLOOK' && t.channel.canSend);
    expect(found, 'the demo has an Italian customer writing by e-mail').toBeDefined();
    thread = found!;
    await page.goto(`/threads/${encodeURIComponent(thread.id)}`);
    await composerInput().waitFor();

    await composerInput().click();
    await page.keyboard.type('/');
    const picker = page.getByTestId('template-picker');
    await picker.waitFor({ state: 'visible' });
    // One entry per template, not one per language.
    const names = await picker.getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    const bare = names.map((n) => n!.replace(/ \(\w+\)$/, ''));
    expect(new Set(bare).size).toBe(bare.length);

    await page.keyboard.type('fattura');
    const option = picker.getByRole('option', { name: 'Invoice question (it)' });
    await option.waitFor();
    expect(await picker.getByRole('option').count()).toBe(1);
    await screenshot(page, 'template-picker');
    await page.keyboard.press('Enter');

    await expect.poll(() => composerInput().inputValue(), { timeout: 10_000 }).toMatch(/^Gentile /);
    await expect.poll(async () => (await picker.isVisible()) === false).toBe(true);
  });

  it('gaps stay visible with a badge each and Send stays disabled until they are filled', async () => {
    const text = await composerInput().inputValue();
    const gaps = [...new Set([...text.matchAll(/\{\{([\w.]+)\}\}/g)].map((m) => m[1]!))];
    // The demo threads carry no order reference and the amounts are the agent's to type.
    expect(gaps).toEqual(expect.arrayContaining(['input.invoiceAmount', 'input.invoiceDueDate']));
    const alert = page.getByTestId('template-missing-variables');
    for (const g of gaps) await alert.getByRole('button', { name: `${g} missing` }).waitFor();
    expect(await send().isDisabled()).toBe(true);
    await screenshot(page, 'template-missing-variables');

    // A badge selects its placeholder (in the message, else in the subject); typing replaces it. Until none is left.
    const value = (g: string) => (g === 'thread.orderReference' ? 'CC-2026-10452' : g === 'input.invoiceAmount' ? '€ 1.249,00' : '15 dicembre');
    for (let i = 0; i < 10 && (await alert.isVisible()); i++) {
      const badge = alert.getByRole('button', { name: / missing$/ }).first();
      const g = ((await badge.textContent()) ?? '').replace(/ missing$/, '').trim();
      await badge.click();
      await page.keyboard.type(value(g));
    }
    await expect.poll(() => composerInput().inputValue()).not.toContain('{{');
    await alert.waitFor({ state: 'detached' });
    expect(await send().isDisabled()).toBe(false);
  });
});
