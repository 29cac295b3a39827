/**
 * Issue 10 §4, keyboard-first: the whole reply flow without the mouse. A new customer writes on
 * WhatsApp (so their thread is at the top of the virtualised list, whatever other specs did before,
 * with the 24-hour window open); the list has the focus, `j`/`k` moves to that thread, Enter opens it with the
 * composer focused, the reply is typed and sent with Ctrl+Enter (it appears in the timeline and
 * reaches the fake WhatsApp Cloud API), Esc goes back to the list (search params kept); `r`, `n`,
 * `s`, `a`, `z` and `/` work in the thread, and `?` lists every shortcut, the list's j/k/Enter/x included.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, launchBrowser, loginAsSarah, newPage, newWaId, postWhatsAppWebhook, screenshot, tag, waitForCloudRequest, whatsappTextWebhook } from './helpers';

const CUSTOMER = `Toetsenbord Klant ${tag()}`;

describe(`keyboard-only reply flow (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let threadId: string;
  const reply = `Dag Joost, alles via het toetsenbord verstuurd. [e2e kb ${tag()}]`;

  const rows = (): Locator => page.locator('[data-testid="thread-row"]');
  const composerInput = (): Locator => page.getByRole('textbox', { name: 'Message', exact: true });
  /** Nothing focused (as after a click on empty space): single-key shortcuts apply. */
  const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const focusedIsComposer = () => page.evaluate(() => document.activeElement?.matches('[data-composer-input]') ?? false);

  beforeAll(async () => {
    const res = await postWhatsAppWebhook(whatsappTextWebhook({ waId: newWaId(), name: CUSTOMER, text: 'Goedemiddag, komt de monteur vandaag nog?' }));
    expect(res.status).toBe(200);
    browser = await launchBrowser();
    ({ page } = await newPage(browser));
    await loginAsSarah(page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('focus in the list, j, Enter: the thread opens with the composer focused', async () => {
    const joost = rows().filter({ hasText: CUSTOMER }).first();
    await joost.waitFor();
    const ids = await rows().evaluateAll((els) => els.map((el) => el.getAttribute('data-thread-id')!));
    threadId = (await joost.getAttribute('data-thread-id'))!;
    const index = ids.indexOf(threadId);
    expect(index).toBeGreaterThanOrEqual(0);
    // Focus the row above Joost's (or below, with k), as Tab or a click into the list would.
    const startId = index > 0 ? ids[index - 1]! : ids[index + 1]!;
    await page.locator(`[data-testid="thread-row"][data-thread-id="${startId}"] [data-row-main]`).focus();
    await page.keyboard.press(index > 0 ? 'j' : 'k');
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid="thread-row"]')?.getAttribute('data-thread-id'))).toBe(threadId);

    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/threads/${encodeURIComponent(threadId)}`));
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    await page.locator('[data-testid="reply-window"][data-open="true"]').waitFor();
    await expect.poll(focusedIsComposer).toBe(true);
  });

  it('types and sends with Ctrl+Enter: the reply appears and reaches WhatsApp', async () => {
    await page.keyboard.type(reply);
    expect(await composerInput().inputValue()).toBe(reply);
    await page.keyboard.press('Control+Enter');
    const bubble = page.locator('[data-testid="message"]').filter({ hasText: reply });
    await bubble.waitFor({ timeout: 10_000 });
    expect(await bubble.getAttribute('data-message-type')).toBe('OUTGOING');
    await expect.poll(() => composerInput().inputValue(), { timeout: 5_000 }).toBe('');
    await waitForCloudRequest((r) => (r.body as { text?: { body?: string } } | undefined)?.text?.body === reply);
    await screenshot(page, 'keyboard-reply-sent');
  });

  it('Esc in the empty composer goes back to the list, keeping the search params', async () => {
    expect(await focusedIsComposer()).toBe(true);
    const search = new URL(page.url()).search;
    await page.keyboard.press('Escape');
    await page.waitForURL((url) => url.pathname === '/');
    expect(new URL(page.url()).search).toBe(search);
    await page.locator('[data-testid="thread-view"]').waitFor({ state: 'detached' });
  });

  it('in a thread: r and n focus the composer in Reply / Note mode, Esc leaves a draft, s/a open their selects, z the snooze menu, / the templates', async () => {
    await page.goto(`/threads/${encodeURIComponent(threadId)}`);
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    await blur();
    await page.keyboard.press('n');
    await expect.poll(focusedIsComposer).toBe(true);
    expect(await page.getByRole('radio', { name: 'Internal note' }).isChecked()).toBe(true);
    await page.keyboard.type('draft');
    // Esc with a draft: out of the composer (the draft stays), the thread stays open.
    await page.keyboard.press('Escape');
    await expect.poll(focusedIsComposer).toBe(false);
    expect(await composerInput().inputValue()).toBe('draft');
    expect(new URL(page.url()).pathname).toContain('/threads/');

    await page.keyboard.press('r');
    await expect.poll(focusedIsComposer).toBe(true);
    expect(await page.getByRole('radio', { name: 'Reply' }).isChecked()).toBe(true);
    await composerInput().fill('');
    await page.keyboard.press('Escape');
    await page.waitForURL((url) => url.pathname === '/');

    await page.goto(`/threads/${encodeURIComponent(threadId)}`);
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    await page.keyboard.press('s');
    await page.getByRole('option', { name: 'Waiting on customer' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('option', { name: 'Waiting on customer' }).waitFor({ state: 'detached' });
    // Esc closed the dropdown only: still in the thread.
    expect(new URL(page.url()).pathname).toContain('/threads/');
    await blur();
    await page.keyboard.press('a');
    await page.getByRole('option', { name: 'Unassigned' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('option', { name: 'Unassigned' }).waitFor({ state: 'detached' });

    // z: the snooze menu; Esc closes it.
    await blur();
    await page.keyboard.press('z');
    await page.getByRole('menuitem', { name: /Tomorrow 09:00/ }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('menuitem', { name: /Tomorrow 09:00/ }).waitFor({ state: 'detached' });

    // /: the composer with the template picker open; Esc closes the picker, the thread stays.
    await blur();
    await page.keyboard.press('/');
    await page.getByRole('listbox').waitFor();
    await expect.poll(focusedIsComposer).toBe(true);
    expect(await composerInput().inputValue()).toBe('/');
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toContain('/threads/');
    await composerInput().fill('');
  });

  it('? shows every shortcut, the list’s j/k/Enter/x included', async () => {
    await blur();
    await page.keyboard.press('Shift+Slash');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    for (const id of [
      'listNext',
      'listPrevious',
      'listOpen',
      'listSelect',
      'reply',
      'note',
      'assign',
      'status',
      'snooze',
      'templates',
      'send',
      'back',
      'help',
      'newConversation',
    ]) {
      expect(await dialog.locator(`[data-shortcut="${id}"]`).count(), id).toBe(1);
    }
    expect(await dialog.locator('[data-shortcut="listNext"]').innerText()).toMatch(/j[\s\S]*Next conversation/);
    expect(await dialog.locator('[data-shortcut="reply"]').innerText()).toMatch(/r[\s\S]*Write a reply/);
    await screenshot(page, 'keyboard-shortcuts-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
