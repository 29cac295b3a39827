/**
 * Issue 10 §1 "Never lose a message": the network between browser and hub is cut FOR REAL.
 *
 * The browser talks to the hub through a TCP proxy on 127.0.0.1 (node:net) that the test can
 * sever: every open socket (HTTP keep-alive and the graphql-ws socket) is destroyed and new
 * connections are refused until it is restored. While it is cut, customer messages arrive
 * through the hub's real inbound path (signed WhatsApp webhooks, posted straight to the hub).
 * The banner must say the connection is gone; once restored it must say so, and the open thread
 * must hold every message exactly once, in order, with the list showing the latest preview.
 * A reply the agent sends during the cut fails in words, keeps its text and goes out once on Retry.
 */
import net from 'node:net';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, databaseKind, fakeCloudSends, launchBrowser, newWaId, SARAH, postWhatsAppWebhook, screenshot, tag, waitForCloudRequest, whatsappTextWebhook } from './helpers';

/** How long the network stays cut: issue 10's Done-when, 20 s. */
const CUT_MS = 20_000;
/** How often the banner is sampled during the cut. */
const SAMPLE_MS = 500;

/** A TCP proxy that can be cut and restored: `url` is what the browser opens instead of the hub. */
class CuttableProxy {
  private server = net.createServer((client) => this.accept(client));
  private sockets = new Set<net.Socket>();
  private cut = false;
  /** Connections refused while cut (proof the browser tried). */
  refused = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  private track(socket: net.Socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private accept(client: net.Socket) {
    if (this.cut) {
      this.refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    this.track(client);
    this.track(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Destroys every open connection (with a TCP reset) and refuses new ones until `restore()`. */
  sever() {
    this.cut = true;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  restore() {
    this.cut = false;
  }

  async close() {
    this.sever();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Signs Sarah (an agent: she lands in the inbox) in through the login form, by input type and
 * keyboard only, so the UI language (hers is nl) does not matter.
 */
async function signIn(page: Page): Promise<void> {
  await page.goto('/login');
  await page.locator('input[type="email"]').fill(SARAH.email);
  await page.locator('input[type="password"]').fill(SARAH.password);
  await page.locator('input[type="password"]').press('Enter');
  await page.getByTestId('viewer-name').waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="thread-row"]').first().waitFor({ timeout: 15_000 });
}

/** A signed WhatsApp text webhook with an explicit provider timestamp (seconds), so the order is certain. */
function textAt(customer: { waId: string; name: string }, text: string, timestamp: number): string {
  const body = JSON.parse(whatsappTextWebhook({ ...customer, text })) as {
    entry: { changes: { value: { messages: { timestamp: string }[] } }[] }[];
  };
  body.entry[0]!.changes[0]!.value.messages[0]!.timestamp = String(timestamp);
  return JSON.stringify(body);
}

describe(`a real network cut loses nothing (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let proxy: CuttableProxy;
  const id = tag();
  const customer = { waId: newWaId(), name: `Verbinding Klant ${id}` };
  const start = Math.floor(Date.now() / 1000);
  const first = `Hallo, is mijn laadpaal al besteld? (${id})`;
  const missed = [1, 2, 3].map((n) => `Bericht ${n} tijdens de storing (${id})`);
  const operations: string[] = [];

  beforeAll(async () => {
    const target = new URL(baseUrl);
    proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port) });
    const proxyUrl = await proxy.start();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: proxyUrl });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('request', (r: Request) => {
      const op = /"operationName":"(\w+)"/.exec(r.postData() ?? '')?.[1];
      if (op) operations.push(op);
    });
    // The customer's conversation exists before the agent opens the inbox.
    expect((await postWhatsAppWebhook(textAt(customer, first, start))).status).toBe(200);
    await signIn(page);
    await page.evaluate(() => ((window as unknown as { __e2eNoReload: boolean }).__e2eNoReload = true));
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
  });

  it('says the connection is gone, then back, and the open thread and list have every message once, in order', async () => {
    const row = page.locator('[data-testid="thread-row"]', { hasText: customer.name });
    await row.waitFor({ timeout: 10_000 });
    const threadId = (await row.getAttribute('data-thread-id'))!;
    await row.click();
    const view = page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`);
    await view.waitFor();
    await view.locator('[data-testid="message"]', { hasText: first }).waitFor();
    const banner = page.getByTestId('connection-banner');
    expect(await banner.getAttribute('data-state')).toBe('hidden');
    expect(await banner.getAttribute('role')).toBe('status');

    // Cut the network for real.
    const cutAt = Date.now();
    proxy.sever();
    await page.locator('[data-testid="connection-banner"][data-state="reconnecting"], [data-testid="connection-banner"][data-state="offline"]').waitFor({ timeout: 5_000 });
    expect(((await banner.textContent()) ?? '').trim()).not.toBe('');

    // Meanwhile the customer writes three times, through the real webhook (straight to the hub).
    for (const [i, text] of missed.entries()) {
      expect((await postWhatsAppWebhook(textAt(customer, text, start + 1 + i))).status).toBe(200);
    }
    // The agent replies meanwhile: the send fails in words, the text stays, Retry is offered.
    const reply = `Uw laadpaal is besteld, hij komt volgende week (${id})`;
    // By test id and keyboard (the UI language is the agent's: nl for Sarah).
    const textbox = view.getByTestId('composer').locator('textarea');
    await textbox.fill(reply);
    await textbox.press('Control+Enter');
    const sendError = view.getByTestId('composer-error');
    await sendError.waitFor({ timeout: 5_000 });
    expect(await sendError.getAttribute('data-error-code')).toMatch(/^(NETWORK|OFFLINE)$/);
    expect((await sendError.textContent()) ?? '').not.toMatch(/failed to fetch/i);
    expect(await textbox.inputValue()).toBe(reply);
    expect(await view.locator('[data-testid="message"]', { hasText: reply }).count()).toBe(0);

    // The banner stays up for the whole cut (sampled every SAMPLE_MS until CUT_MS have passed).
    const states: string[] = [];
    while (Date.now() - cutAt < CUT_MS) {
      states.push((await banner.getAttribute('data-state')) ?? 'missing');
      expect(((await banner.textContent()) ?? '').trim()).not.toBe('');
      await page.waitForTimeout(Math.min(SAMPLE_MS, Math.max(0, CUT_MS - (Date.now() - cutAt))));
    }
    expect(states.length).toBeGreaterThanOrEqual(CUT_MS / SAMPLE_MS / 2);
    expect(states.filter((s) => !/^(reconnecting|offline)$/.test(s))).toEqual([]);
    // Nothing could reach the browser: the timeline still lacks them, the banner still says so.
    expect(await view.locator('[data-testid="message"]', { hasText: missed[0]! }).count()).toBe(0);
    expect(await banner.getAttribute('data-state')).toMatch(/reconnecting|offline/);
    expect(proxy.refused).toBeGreaterThan(0); // the client kept trying
    await screenshot(page, 'reconnect-cut');

    // Restore: back within a few seconds (capped backoff), and the hole is filled.
    const restoredAt = Date.now();
    proxy.restore();
    await page.locator('[data-testid="connection-banner"][data-state="back"]').waitFor({ timeout: 8_000 });
    expect(((await banner.textContent()) ?? '').trim()).not.toBe('');
    expect(Date.now() - restoredAt).toBeLessThan(8_000);

    const last = missed[missed.length - 1]!;
    await view.locator('[data-testid="message"]', { hasText: last }).waitFor({ timeout: 8_000 });
    const texts = await view.locator('[data-testid="message"]').allInnerTexts();
    const ours = [first, ...missed];
    for (const text of ours)
      expect(
        texts.filter((t) => t.includes(text)),
        text,
      ).toHaveLength(1);
    const order = ours.map((text) => texts.findIndex((t) => t.includes(text)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Caught up through the `after:` cursor query, not a reload.
    expect(operations).toContain('CatchUpMessages');
    expect(await page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload)).toBe(true);

    // The list shows the thread's latest message as its preview, once.
    await row.locator('[data-testid="thread-preview"]', { hasText: last }).waitFor({ timeout: 8_000 });
    expect(await page.locator('[data-testid="thread-row"]', { hasText: customer.name }).count()).toBe(1);
    await screenshot(page, 'reconnect-back');

    // Retry sends the kept reply, once, to the customer's WhatsApp.
    await sendError.getByTestId('composer-retry').click();
    await view.locator('[data-testid="message"]', { hasText: reply }).waitFor({ timeout: 5_000 });
    await waitForCloudRequest((r) => (JSON.stringify(r.body) ?? '').includes(reply));
    expect(await textbox.inputValue()).toBe('');
    expect(await view.locator('[data-testid="message"]', { hasText: reply }).count()).toBe(1);
    expect((await fakeCloudSends()).filter((r) => JSON.stringify(r.body).includes(reply))).toHaveLength(1);

    // Live again: a message after the reconnect arrives by subscription, once.
    const after = `Na de storing (${id})`;
    expect((await postWhatsAppWebhook(textAt(customer, after, start + 10))).status).toBe(200);
    await view.locator('[data-testid="message"]', { hasText: after }).waitFor({ timeout: 5_000 });
    expect(await view.locator('[data-testid="message"]', { hasText: after }).count()).toBe(1);
    await page.locator('[data-testid="connection-banner"][data-state="hidden"]').waitFor({ state: 'attached', timeout: 8_000 });
  }, 120_000);
});
