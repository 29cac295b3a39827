/**
 * Spec 3: live updates over graphql-ws — signed WhatsApp webhooks posted by the
 * test show up in the open inbox and in the open thread without a reload.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** localStorage key of the session token (web/src/app/auth.ts). */
const TOKEN_KEY = 'hub.token';
import { databaseKind, graphqlAs, launchBrowser, loginAsSarah, newPage, newWaId, postWhatsAppWebhook, screenshot, signWhatsApp, tag, whatsappTextWebhook } from './helpers';

describe(`live updates (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  const id = tag();
  const customer = { waId: newWaId(), name: `Live Klant ${id}` };
  const first = `Hoi, mijn laadpas werkt niet meer (${id})`;
  const second = `Nog een vraag: kan de monteur ook zaterdag komen? (${id})`;

  /** Set once after login; a full page reload would wipe it. */
  const markPage = () => page.evaluate(() => ((window as unknown as { __e2eNoReload: boolean }).__e2eNoReload = true));
  const stillSamePage = () => page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload === true);

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page } = await newPage(browser));
    await loginAsSarah(page);
    await markPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a webhook with a bad signature is rejected with 401 and stores nothing', async () => {
    const raw = whatsappTextWebhook({ waId: newWaId(), name: `Forged ${id}`, text: 'forged' });
    const wrongSecret = await postWhatsAppWebhook(raw, signWhatsApp(Buffer.from(raw), 'not-the-app-secret'));
    expect(wrongSecret.status).toBe(401);
    const garbage = await postWhatsAppWebhook(raw, 'sha256=' + '0'.repeat(64));
    expect(garbage.status).toBe(401);
    const missing = await fetch(new URL('/webhooks/whatsapp', page.url()), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect(missing.status).toBe(401);
    // Tampered body with the signature of the original bytes.
    const tampered = await postWhatsAppWebhook(raw.replace('forged', 'tampered'), signWhatsApp(Buffer.from(raw)));
    expect(tampered.status).toBe(401);
  });

  it('a new WhatsApp customer appears at the top of the open inbox without reload', async () => {
    const res = await postWhatsAppWebhook(whatsappTextWebhook({ ...customer, text: first }));
    expect(res.status).toBe(200);

    const row = page.locator('[data-testid="thread-row"]', { hasText: customer.name });
    await row.waitFor({ timeout: 5_000 });
    await row.locator('[data-testid="thread-preview"]', { hasText: first }).waitFor({ timeout: 5_000 });
    // Newest first, as the API orders it. A background job of the demo (a survey after a resolution, an SLA
    // step) may touch another thread in the same second as this webhook (its WhatsApp timestamp has whole
    // seconds), so the new thread must be among the API's newest and the UI's top row must be the API's.
    const token = (await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY))!;
    const api = await graphqlAs<{ threads: { edges: { node: { customer: { name: string } | null } }[] } }>(token, '{ threads(first: 3) { edges { node { customer { name } } } } }');
    const newest = api.threads.edges.map((e) => e.node.customer?.name);
    expect(newest).toContain(customer.name);
    const topName = () => page.locator('[data-testid="thread-row"] [data-testid="thread-customer"]').first().textContent();
    await expect.poll(topName, { timeout: 5_000 }).toBe(newest[0]);
    expect(await stillSamePage()).toBe(true);
    // No forged customer from the previous test.
    expect(await page.locator('[data-testid="thread-row"]', { hasText: `Forged ${id}` }).count()).toBe(0);
  });

  it('a second message for the open thread appears in its timeline live', async () => {
    const row = page.locator('[data-testid="thread-row"]', { hasText: customer.name });
    const threadId = (await row.getAttribute('data-thread-id'))!;
    await row.click();
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    await page.locator('[data-testid="message"]', { hasText: first }).waitFor();
    await page.locator('[data-testid="reply-window"][data-open="true"]').waitFor();
    const count = await page.locator('[data-testid="message"]').count();

    const res = await postWhatsAppWebhook(whatsappTextWebhook({ ...customer, text: second }));
    expect(res.status).toBe(200);

    const bubble = page.locator('[data-testid="message"]', { hasText: second });
    await bubble.waitFor({ timeout: 5_000 });
    expect(await bubble.getAttribute('data-message-type')).toBe('INCOMING');
    expect(await page.locator('[data-testid="message"]').count()).toBe(count + 1);
    // Same thread (no duplicate thread for the second message), row preview updated.
    expect(await page.locator('[data-testid="thread-row"]', { hasText: customer.name }).count()).toBe(1);
    await row.locator('[data-testid="thread-preview"]', { hasText: second }).waitFor({ timeout: 5_000 });
    expect(await stillSamePage()).toBe(true);
    await screenshot(page, 'thread-live');
  });

  it('a redelivered webhook (same wamid) does not duplicate the message', async () => {
    const raw = whatsappTextWebhook({ ...customer, text: `Dubbel? (${id})`, wamid: `wamid.e2e-dup-${id}` });
    expect((await postWhatsAppWebhook(raw)).status).toBe(200);
    const bubble = page.locator('[data-testid="message"]', { hasText: `Dubbel? (${id})` });
    await bubble.waitFor({ timeout: 5_000 });
    expect((await postWhatsAppWebhook(raw)).status).toBe(200);
    // Wait for a later, distinct message to arrive live; by then a duplicate would have too.
    const after = `Laatste bericht (${id})`;
    expect((await postWhatsAppWebhook(whatsappTextWebhook({ ...customer, text: after }))).status).toBe(200);
    await page.locator('[data-testid="message"]', { hasText: after }).waitFor({ timeout: 5_000 });
    expect(await bubble.count()).toBe(1);
  });
});
