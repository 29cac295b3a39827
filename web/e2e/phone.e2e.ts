/**
 * The inbox on a phone and a tablet (issue 10 §6): at 390 × 844 the list fills the screen, an open
 * thread replaces it (composer visible and typeable), Back returns to the list, never a sideways
 * scroll; at 768 × 1024 list and thread sit side by side.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, launchBrowser, loginAsSarah, newPage, screenshot } from './helpers';

describe(`phone and tablet layout (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;

  const rows = (): Locator => page.locator('[data-testid="thread-row"]');
  const listPane = (): Locator => page.getByTestId('list-pane');
  const threadPane = (): Locator => page.getByTestId('thread-pane');
  // exact: a plain getByLabel('Message') also matches the "Message kind" radiogroup.
  const composerInput = (): Locator => page.getByRole('textbox', { name: 'Message', exact: true });
  const scrollWidth = (): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page } = await newPage(browser));
    await loginAsSarah(page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('390 × 844: list → thread → composer → back, without horizontal scroll', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    await rows().first().waitFor({ timeout: 15_000 });

    // The list fills the width; the (empty) thread pane is hidden.
    const list = (await listPane().boundingBox())!;
    expect(list.x).toBeLessThanOrEqual(1);
    expect(list.width).toBeGreaterThanOrEqual(388);
    expect(await threadPane().isVisible()).toBe(false);
    expect(await scrollWidth()).toBeLessThanOrEqual(390);
    await screenshot(page, 'phone-list');

    const row = rows().first();
    const threadId = (await row.getAttribute('data-thread-id'))!;
    await row.click();
    await page.waitForURL(new RegExp(`/threads/${encodeURIComponent(threadId)}$`));
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    // Only the thread shows now, across the whole width.
    expect(await listPane().isVisible()).toBe(false);
    const thread = (await threadPane().boundingBox())!;
    expect(thread.width).toBeGreaterThanOrEqual(388);

    const input = composerInput();
    await input.waitFor();
    await input.scrollIntoViewIfNeeded();
    const box = (await input.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await input.click();
    await page.keyboard.type('Ik bel u morgen terug');
    expect(await input.inputValue()).toBe('Ik bel u morgen terug');
    expect(await scrollWidth()).toBeLessThanOrEqual(390);
    await screenshot(page, 'phone-thread');

    await page.getByTestId('thread-back').click();
    await page.waitForURL((u) => u.pathname === '/');
    await rows().first().waitFor();
    expect(await listPane().isVisible()).toBe(true);
    expect(await threadPane().isVisible()).toBe(false);
    expect(await scrollWidth()).toBeLessThanOrEqual(390);
  });

  it('768 × 1024: list and thread side by side', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto('/');
    await rows().first().waitFor({ timeout: 15_000 });
    const row = rows().first();
    const threadId = (await row.getAttribute('data-thread-id'))!;
    await row.click();
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();

    const list = (await listPane().boundingBox())!;
    const thread = (await threadPane().boundingBox())!;
    expect(await listPane().isVisible()).toBe(true);
    expect(await threadPane().isVisible()).toBe(true);
    expect(list.width).toBeGreaterThanOrEqual(280);
    expect(thread.width).toBeGreaterThanOrEqual(360);
    // Side by side: the thread starts where the list ends.
    expect(thread.x).toBeGreaterThanOrEqual(list.x + list.width - 1);
    expect(await composerInput().isVisible()).toBe(true);
    expect(await scrollWidth()).toBeLessThanOrEqual(768);
    await screenshot(page, 'tablet-split');
  });
});
