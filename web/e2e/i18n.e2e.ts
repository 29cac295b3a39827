/**
 * Issue 10 §2, nl/en/it: Sarah (no language of her own) sees the demo organization's Dutch,
 * switches to Italian and then English from the account menu; each choice applies at once,
 * is saved (viewer.locale) and survives a reload. The other specs run in English
 * (globalSetup.ts gives the spec users locale en); this one clears Sarah's and restores it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SARAH, baseUrl, graphqlAs, launchBrowser, newPage, screenshot } from './helpers';

let browser: Browser;
let token: string;

async function sarahToken(): Promise<string> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
      variables: { e: SARAH.email, p: SARAH.password },
    }),
  });
  const json = (await res.json()) as { data: { login: { token: string } } };
  return json.data.login.token;
}

const setLocale = (locale: string | null) =>
  graphqlAs<{ updateMyPreferences: { user: { locale: string | null } } }>(
    token,
    'mutation($l: String) { updateMyPreferences(input: { locale: $l }) { user { locale } errors { code } } }',
    { l: locale },
  );

const savedLocale = async () => (await graphqlAs<{ viewer: { locale: string | null } }>(token, '{ viewer { locale } }')).viewer.locale;

/** Signs in through the login page (the page is English until the viewer's language is known). */
async function signIn(page: Page): Promise<void> {
  await page.goto('/login');
  await page.locator('input[type="email"]').fill(SARAH.email);
  await page.locator('input[type="password"]').fill(SARAH.password);
  await page.locator('button[type="submit"]').click();
  await page.locator('[data-testid="thread-row"]').first().waitFor({ timeout: 15_000 });
}

async function chooseLanguage(page: Page, name: 'Nederlands' | 'English' | 'Italiano'): Promise<void> {
  // The account menu's button holds the viewer's name (its label is translated too).
  await page.getByTestId('viewer-name').click();
  await page.getByRole('menuitem', { name }).click();
}

beforeAll(async () => {
  browser = await launchBrowser();
  token = await sarahToken();
  // Follow the organization (nl), as a new user does.
  await setLocale(null);
});

afterAll(async () => {
  // The other specs expect Sarah in English.
  if (token) await setLocale('en');
  await browser?.close();
});

/** A tab by its label; the name may go on with its unread count ("Alle", "3", ", 3 ongelezen"): no letter may follow the label. */
const tabNamed = (page: Page, label: string) => page.getByRole('tab', { name: new RegExp(`^${label}(?!\\p{L})`, 'u') });

describe('nl, en, it from the account menu', () => {
  it('Sarah sees Dutch, switches to Italian and English at once, and each choice survives a reload', async () => {
    const { page, consoleErrors } = await newPage(browser);
    await signIn(page);

    // Dutch: the organization's language.
    const tabs = page.getByRole('tab');
    await tabNamed(page, 'Alle').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    await tabNamed(page, 'Te laat').waitFor();
    await page.getByPlaceholder('Zoek op klant, onderwerp, bericht…').waitFor();
    expect(await page.getByTestId('thread-total-count').textContent()).toMatch(/gesprek/);
    expect(await page.getByRole('button', { name: /Accountmenu/ }).count()).toBe(1);
    await screenshot(page, 'i18n-nl');

    // Italian, at once (no reload), and saved.
    await chooseLanguage(page, 'Italiano');
    await tabNamed(page, 'Tutte').waitFor();
    await tabNamed(page, 'In ritardo').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    expect(await page.getByTestId('thread-total-count').textContent()).toMatch(/conversazion/);
    await expect.poll(savedLocale, { timeout: 5_000 }).toBe('it');
    await page.reload();
    await tabNamed(page, 'Tutte').waitFor({ timeout: 15_000 });
    expect(await tabs.allInnerTexts()).not.toContain('Alle');
    await screenshot(page, 'i18n-it');

    // English, at once, and after a reload.
    await chooseLanguage(page, 'English');
    await tabNamed(page, 'All').waitFor();
    await tabNamed(page, 'Overdue').waitFor();
    await expect.poll(savedLocale, { timeout: 5_000 }).toBe('en');
    await page.reload();
    await tabNamed(page, 'All').waitFor({ timeout: 15_000 });
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('button', { name: /Account menu/ }).count()).toBe(1);

    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
