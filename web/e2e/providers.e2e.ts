/**
 * Spec 4: the provider fixtures replayed by the demo (api/src/demo/replay.ts) through the
 * real webhooks show up in the inbox, one thread per provider, and replies go out through
 * the provider sandbox (api/src/demo/sandbox.ts) with delivery receipts coming back
 * through the real webhooks (Twilio status callbacks, Chatwoot message_updated).
 *
 * WhatsApp is the exception: the e2e global setup points it at its own fake (no receipts),
 * so this spec only checks the replayed WhatsApp thread in the inbox (reply.e2e.ts covers
 * the WhatsApp send).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, databaseKind, graphqlAs, launchBrowser, loginAsSarah, newPage, screenshot, tag } from './helpers';

/** The replayed fixtures (api/test/fixtures/providers/…) and what identifies their thread. */
const OUTLOOK = {
  // graph/message-AAMkAGI2TG93AAA.json (notification-created.json), answered by message-AAMkAGI2TG94BBB.json
  subject: 'Offerte thuislader aangevraagd - nog geen reactie',
  bodyText: 'Twee weken geleden heb ik via de website een offerte aangevraagd',
  customer: 'Marieke Visser',
  icon: 'Outlook e-mail',
} as const;
const SMS = {
  // twilio/inbound-sms.form: From=+31655512345, no name → the customer is named by the number
  text: 'Hoi, de monteur staat voor de deur maar niemand neemt op bij jullie. Wat nu?',
  customer: '+31655512345',
  icon: 'SMS',
} as const;
const CHATWOOT = {
  // chatwoot/message_created.json
  text: 'Hallo, ik wil mijn afspraak voor de installatie verzetten naar volgende week.',
  customer: 'Ruben Mulder',
  icon: 'Chatwoot chat',
} as const;
const WHATSAPP = {
  // whatsapp/text-nl.json
  customer: 'Joost de Vries',
  icon: 'WhatsApp',
} as const;

/** Receipts come 2 s apart (DEMO_RECEIPT_DELAY_MS); the brief allows ~15 s. */
const RECEIPT_TIMEOUT_MS = 15_000;

describe(`provider fixtures and replies through the sandbox (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];
  const id = tag();

  const rows = (): Locator => page.locator('[data-testid="thread-row"]');
  const rowOf = (customer: string, text: string): Locator =>
    rows()
      .filter({ has: page.locator('[data-testid="thread-customer"]', { hasText: customer }) })
      .filter({ hasText: text });
  const channelIcon = (scope: Locator, label: string): Locator => scope.locator(`svg[role="img"][aria-label="${label}"]`);
  const messages = (): Locator => page.locator('[data-testid="message"]');
  // exact: a plain getByLabel('Message') also matches the "Message kind" radiogroup.
  const composerInput = (): Locator => page.getByRole('textbox', { name: 'Message', exact: true });
  const sendButton = (): Locator => page.getByTestId('composer').getByRole('button', { name: 'Send', exact: true });
  const search = (): Locator => page.getByRole('textbox', { name: 'Search conversations' });

  /** Types `q` in the inbox search and waits for `row` (the list is re-queried, debounced 300 ms). */
  async function searchFor(q: string, row: Locator): Promise<void> {
    await search().fill(q);
    await page.waitForURL((u) => u.searchParams.get('q') === q);
    await row.first().waitFor();
  }

  async function clearSearch(): Promise<void> {
    await search().fill('');
    await page.waitForURL((u) => !u.searchParams.has('q'));
  }

  /** Opens a thread row and waits for its thread view. */
  async function open(row: Locator): Promise<string> {
    const threadId = (await row.getAttribute('data-thread-id'))!;
    await row.click();
    await page.waitForURL(new RegExp(`/threads/${encodeURIComponent(threadId)}(\\?|$)`));
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    return threadId;
  }

  /** Types and sends a reply through the composer; returns the OUTGOING bubble. */
  async function reply(text: string): Promise<Locator> {
    await composerInput().fill(text);
    await sendButton().click();
    const bubble = messages().filter({ hasText: text });
    await bubble.waitFor({ timeout: 10_000 });
    expect(await bubble.count()).toBe(1);
    expect(await bubble.getAttribute('data-message-type')).toBe('OUTGOING');
    await expect.poll(() => composerInput().inputValue(), { timeout: 5_000 }).toBe('');
    // The composer shows no error (provider refusal, validation…).
    expect(await page.getByTestId('composer-error').count()).toBe(0);
    return bubble;
  }

  /** Waits until the bubble's delivery tick has one of `statuses`; returns the one reached. */
  async function waitForTick(bubble: Locator, statuses: string[], timeout = RECEIPT_TIMEOUT_MS): Promise<string> {
    const selector = statuses.map((s) => `[data-testid="delivery-status"][data-status="${s}"]`).join(', ');
    await bubble.locator(selector).waitFor({ timeout });
    return (await bubble.getByTestId('delivery-status').getAttribute('data-status'))!;
  }

  /** The reply as stored by the API (status and the provider's answer to the send). */
  async function storedMessage(threadId: string, text: string) {
    const token = await page.evaluate(() => localStorage.getItem('hub.token'));
    const data = await graphqlAs<{
      node: {
        messages: {
          edges: {
            node: {
              content: string;
              type: string;
              subject: string | null;
              externalMessageId: string | null;
              deliveryStatus: string;
              deliveries: { status: string; error: string | null }[];
            };
          }[];
        };
      };
    }>(
      token!,
      `query($id: ID!) { node(id: $id) { ... on Thread { messages(last: 20) { edges { node {
        content type subject externalMessageId deliveryStatus deliveries { status error } } } } } } }`,
      { id: threadId },
    );
    return data.node.messages.edges.map((e) => e.node).find((m) => m.content === text);
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page, consoleErrors } = await newPage(browser));
    await loginAsSarah(page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the inbox shows the replayed threads of all four providers, each with its channel icon', async () => {
    // SMS, Chatwoot and WhatsApp fixtures arrive "a minute ago"; other specs may have added newer
    // threads above them in the (virtualised) list: find each with the inbox search.
    for (const t of [
      { q: SMS.customer, row: rowOf(SMS.customer, SMS.text), icon: SMS.icon },
      { q: CHATWOOT.customer, row: rowOf(CHATWOOT.customer, CHATWOOT.text), icon: CHATWOOT.icon },
      { q: WHATSAPP.customer, row: rows().filter({ has: page.locator('[data-testid="thread-customer"]', { hasText: WHATSAPP.customer }) }), icon: WHATSAPP.icon },
    ]) {
      await searchFor(t.q, t.row);
      expect(await t.row.count()).toBeGreaterThanOrEqual(1);
      await channelIcon(t.row.first(), t.icon).waitFor();
      expect(await t.row.first().getByRole('img', { name: t.icon, exact: true }).count()).toBe(1);
      if (t.icon === WHATSAPP.icon) await screenshot(page, 'providers-inbox');
      await clearSearch();
    }

    // The Outlook fixture is dated relative to the newest Graph fixture (about a day ago), below
    // the first page: find it with the inbox search.
    const outlook = rowOf(OUTLOOK.customer, OUTLOOK.subject);
    await searchFor('Offerte thuislader', outlook);
    expect(await outlook.count()).toBe(1);
    await channelIcon(outlook, OUTLOOK.icon).waitFor();
    expect(await outlook.locator('[data-testid="thread-subject"]').textContent()).toBe(OUTLOOK.subject);
    await clearSearch();
  });

  it('SMS: the composer counts segments; the reply reaches Twilio and is marked delivered by its status callbacks', async () => {
    await searchFor(SMS.customer, rowOf(SMS.customer, SMS.text));
    const threadId = await open(rowOf(SMS.customer, SMS.text));
    await messages().filter({ hasText: SMS.text }).first().waitFor();
    expect(await messages().filter({ hasText: SMS.text }).first().getAttribute('data-message-type')).toBe('INCOMING');

    const counter = page.getByTestId('sms-counter');
    await counter.waitFor();
    // GSM-7 only (no [ ] { } ~ ^ | € \ which count double): one segment up to 160 characters.
    const text = `Hallo, de monteur belt u binnen 10 minuten terug. Excuses voor het wachten! (e2e ${id})`;
    await composerInput().fill(text);
    await expect.poll(() => counter.textContent()).toBe(`${text.length} characters · 1 segment`);
    expect(await counter.getAttribute('data-encoding')).toBe('GSM-7');

    const bubble = await reply(text);
    // Twilio accepts the send ("queued" → Sent), then posts "sent" and "delivered" to /webhooks/sms/status.
    const reached = await waitForTick(bubble, ['DELIVERED']);
    expect(reached).toBe('DELIVERED');
    expect(await bubble.getByRole('img', { name: 'Delivered', exact: true }).count()).toBe(1);

    const stored = await storedMessage(threadId, text);
    expect(stored?.deliveryStatus).toBe('DELIVERED');
    // Handed to Twilio once, which answered with its Message resource: the sid is the provider id.
    expect(stored?.deliveries.map((d) => d.status)).toEqual(['SUCCEEDED']);
    expect(stored?.externalMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    await screenshot(page, 'providers-sms-delivered');
  });

  it('Outlook: the HTML e-mail is shown, the reply gets "Re: <subject>" and is sent through Graph', async () => {
    const outlook = rowOf(OUTLOOK.customer, OUTLOOK.subject);
    await searchFor('Offerte thuislader', outlook);
    const threadId = await open(outlook);

    const html = page.locator('[data-testid="message"] [data-testid="message-html"]', { hasText: OUTLOOK.bodyText });
    await html.first().waitFor();
    // Rendered as HTML (paragraphs, line breaks), not as escaped markup.
    expect(await html.first().locator('p').count()).toBeGreaterThan(1);
    expect(await html.first().textContent()).not.toContain('<p>');

    const subject = page.getByRole('textbox', { name: /^Subject/ });
    await subject.waitFor();
    expect(await subject.inputValue()).toBe(`Re: ${OUTLOOK.subject}`);

    const text = `Beste Marieke, excuses voor het wachten: u ontvangt de offerte vandaag nog. (e2e ${id})`;
    const bubble = await reply(text);
    // Graph sendMail / reply has no delivery receipts: the end state is Sent.
    const reached = await waitForTick(bubble, ['SENT']);
    expect(reached).toBe('SENT');
    expect(await bubble.getByRole('img', { name: 'Sent', exact: true }).count()).toBe(1);
    // The subject went with the reply (shown above its body) and the composer subject is reset.
    await bubble.getByText(`Re: ${OUTLOOK.subject}`, { exact: true }).waitFor();
    expect(await subject.inputValue()).toBe(`Re: ${OUTLOOK.subject}`);

    const stored = await storedMessage(threadId, text);
    expect(stored?.subject).toBe(`Re: ${OUTLOOK.subject}`);
    expect(stored?.deliveryStatus).toBe('SENT');
    expect(stored?.deliveries.map((d) => d.status)).toEqual(['SUCCEEDED']);
    await screenshot(page, 'providers-outlook-sent');
    await clearSearch();
  });

  it('Outlook: an inline image (cid:) of an e-mail is shown through its signed media link, without a CSP error', async () => {
    // graph/message-AAMkAGI2TG96DDD.json: <img src="cid:image001.jpg@01DB3C2A.5F1E2D30" alt="display wallbox">, its part in
    // attachments-….json. The demo put the mail in the Graph sandbox; its change notification brings it in.
    const notification = await readFile(fileURLToPath(new URL('../../api/test/fixtures/providers/graph/notification-created-it-attachments.json', import.meta.url)));
    const res = await fetch(`${baseUrl}/webhooks/outlook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: notification });
    expect(res.status).toBe(202);
    const row = rowOf('Giulia Romano', 'wallbox');
    await searchFor('Easee', row);
    await open(row.first());
    const img = page.locator('[data-testid="message-html"] img[alt="display wallbox"]').first();
    await img.waitFor({ state: 'attached' });
    const src = (await img.getAttribute('src')) ?? '';
    expect(src).toMatch(/^\/media\/[^/]+\/\d+\?exp=\d+&sig=/);
    expect(await page.evaluate(async (u) => (await fetch(u)).status, src)).toBe(200);
    expect(consoleErrors.filter((e) => /Content Security Policy|cid:/i.test(e))).toEqual([]);
    await clearSearch();
  });

  it('Chatwoot: the reply is posted to the conversation and its tick reaches delivered/read', async () => {
    await searchFor(CHATWOOT.customer, rowOf(CHATWOOT.customer, CHATWOOT.text));
    const threadId = await open(rowOf(CHATWOOT.customer, CHATWOOT.text));
    await messages().filter({ hasText: CHATWOOT.text }).first().waitFor();

    const text = `Hoi Ruben, dat kan: welke dag volgende week komt u het beste uit? (e2e ${id})`;
    const bubble = await reply(text);
    // The Chatwoot sandbox posts message_updated "delivered", then "read", to /webhooks/chatwoot.
    const reached = await waitForTick(bubble, ['DELIVERED', 'READ']);
    expect(['DELIVERED', 'READ']).toContain(reached);
    await waitForTick(bubble, ['READ']);
    expect(await bubble.getByRole('img', { name: 'Read', exact: true }).count()).toBe(1);

    const stored = await storedMessage(threadId, text);
    expect(stored?.deliveryStatus).toBe('READ');
    expect(stored?.deliveries.map((d) => d.status)).toEqual(['SUCCEEDED']);
    // The id the Chatwoot sandbox gave the posted message (its receipts refer to it).
    expect(stored?.externalMessageId).toBeTruthy();
    await screenshot(page, 'providers-chatwoot-read');

    expect(consoleErrors.filter((e) => !/401|Unauthorized|Failed to load resource/i.test(e))).toEqual([]);
  });
});
