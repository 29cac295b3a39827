/**
 * Spec 1: sign in as the demo agent and land on a populated inbox.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, databaseKind, graphqlAs, launchBrowser, loginAsSarah, newPage, screenshot } from './helpers';

describe(`inbox (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page, consoleErrors } = await newPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('redirects an anonymous visitor to /login', async () => {
    await page.goto('/');
    await page.waitForURL(/\/login$/);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('rejects a wrong password with a visible error', async () => {
    await page.getByLabel('Email').fill('sarah@chargecars.nl');
    await page.getByLabel(/^Password/).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').first().waitFor({ timeout: 5_000 });
    expect(page.url()).toMatch(/\/login$/);
  });

  it('logs in as sarah and shows the inbox with ≥ 300 conversations', async () => {
    await loginAsSarah(page);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByTestId('viewer-name').waitFor();
    expect(await page.getByTestId('viewer-name').textContent()).toMatch(/sarah/i);

    const rows = page.locator('[data-testid="thread-row"]');
    expect(await rows.count()).toBeGreaterThan(10);

    // The list header shows the connection's totalCount ("320 conversations").
    const totalText = (await page.getByTestId('thread-total-count').textContent()) ?? '';
    const total = Number(/(\d+)\s+conversations?/.exec(totalText)?.[1]);
    expect(total, `total shown: "${totalText}"`).toBeGreaterThanOrEqual(300);

    // The UI total agrees with the API, queried with the browser's own session token.
    const token = await page.evaluate(() => localStorage.getItem('hub.token'));
    expect(token).toBeTruthy();
    const data = await graphqlAs<{ threads: { totalCount: number } }>(token!, 'query { threads(first: 1) { totalCount } }');
    expect(data.threads.totalCount).toBe(total);

    // The newest threads are the replayed WhatsApp fixtures (seed history ends 2 h ago).
    const firstNames = await page.locator('[data-testid="thread-row"] [data-testid="thread-customer"]').allTextContents();
    expect(firstNames.slice(0, 10)).toContain('Joost de Vries');

    await screenshot(page, 'inbox');
    expect(consoleErrors.filter((e) => !/401|Unauthorized|Failed to load resource/i.test(e))).toEqual([]);
  });

  it('keeps the session across a reload (token in localStorage)', async () => {
    await page.reload();
    await page.locator('[data-testid="thread-row"]').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
