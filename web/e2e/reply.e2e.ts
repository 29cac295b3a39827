/**
 * Spec 2: reply to a WhatsApp customer (24-hour window open) and write an internal note.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WHATSAPP, databaseKind, fakeCloudSends, launchBrowser, loginAsSarah, newPage, screenshot, tag, waitForCloudRequest } from './helpers';

const CUSTOMER = 'Joost de Vries';
const CUSTOMER_WA_ID = '31612345678'; // text-nl.json

describe(`reply and internal note (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let threadId: string;
  const reply = `Hallo Joost, we sturen morgen een monteur langs. [e2e ${tag()}]`;
  const note = `Monteur ingepland voor morgen 09:00 [e2e note ${tag()}]`;

  const messages = (): Locator => page.locator('[data-testid="message"]');
  // exact: a plain getByLabel('Message') also matches the "Message kind" radiogroup.
  const composerInput = (): Locator => page.getByRole('textbox', { name: 'Message', exact: true });

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page } = await newPage(browser));
    await loginAsSarah(page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(`opens ${CUSTOMER}'s WhatsApp thread with the 24h window open`, async () => {
    // The list is virtualised (only the rows in view are in the DOM): find the thread with the search.
    await page.getByRole('textbox', { name: 'Search conversations' }).fill(CUSTOMER);
    await page.waitForURL((u) => u.searchParams.get('q') === CUSTOMER);
    const row = page.locator('[data-testid="thread-row"]', { hasText: CUSTOMER }).first();
    threadId = (await row.getAttribute('data-thread-id'))!;
    await row.click();
    await page.waitForURL(new RegExp(`/threads/${encodeURIComponent(threadId)}(\\?.*)?$`));
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    await page.locator('[data-testid="reply-window"][data-open="true"]').waitFor();
    await messages().filter({ hasText: 'Ordernummer CC-2026-10482' }).first().waitFor();
    expect(await row.getAttribute('aria-current')).toBe('true');
  });

  it('sends a reply: it appears in the timeline and reaches the WhatsApp Cloud API', async () => {
    const before = (await fakeCloudSends()).length;
    await composerInput().fill(reply);
    await page.getByTestId('composer').getByRole('button', { name: 'Send', exact: true }).click();

    const bubble = messages().filter({ hasText: reply });
    await bubble.waitFor({ timeout: 5_000 });
    expect(await bubble.count()).toBe(1);
    expect(await bubble.getAttribute('data-message-type')).toBe('OUTGOING');
    // The bubble can arrive (live subscription) before the mutation resolves and the composer resets.
    await expect.poll(() => composerInput().inputValue(), { timeout: 5_000 }).toBe('');

    const sent = await waitForCloudRequest((r) => (r.body as { text?: { body?: string } } | undefined)?.text?.body === reply);
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe(`/v21.0/${WHATSAPP.phoneNumberId}/messages`);
    expect(sent.body).toMatchObject({ messaging_product: 'whatsapp', to: CUSTOMER_WA_ID, type: 'text', text: { body: reply } });
    expect((await fakeCloudSends()).length).toBe(before + 1);

    // The inbox row previews the reply.
    const row = page.locator(`[data-testid="thread-row"][data-thread-id="${threadId}"]`);
    await row.locator('[data-testid="thread-preview"]', { hasText: reply }).waitFor({ timeout: 5_000 });
    await screenshot(page, 'thread-after-reply');
  });

  it('writes an internal note: shown as a note, never sent to WhatsApp', async () => {
    const before = (await fakeCloudSends()).length;
    await page.getByText('Internal note', { exact: true }).click();
    await page.getByPlaceholder(/internal note/i).waitFor();
    await composerInput().fill(note);
    await page.getByTestId('composer').getByRole('button', { name: 'Send', exact: true }).click();

    const bubble = messages().filter({ hasText: note });
    await bubble.waitFor({ timeout: 5_000 });
    expect(await bubble.getAttribute('data-message-type')).toBe('INTERNAL_NOTE');
    await bubble.getByText('internal note', { exact: true }).waitFor();
    await screenshot(page, 'thread-with-note');
    expect((await fakeCloudSends()).length).toBe(before);
  });

  it('reply and note are persisted (still there after a full reload)', async () => {
    await page.reload();
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    await messages().filter({ hasText: reply }).waitFor();
    await messages().filter({ hasText: note }).waitFor();
    expect(await messages().filter({ hasText: reply }).getAttribute('data-message-type')).toBe('OUTGOING');
    expect(await messages().filter({ hasText: note }).getAttribute('data-message-type')).toBe('INTERNAL_NOTE');
  });
});
