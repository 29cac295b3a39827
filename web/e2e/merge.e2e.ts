/**
 * Merged threads (issue 10 §5): a customer who wrote by e-mail (the replayed Outlook fixture,
 * Marieke Visser) and now by WhatsApp (a signed webhook from a new number, folded into her
 * customer record with mergeCustomers) gets one conversation: the WhatsApp thread is merged into
 * the e-mail thread through "Merge into…", the timeline shows each message's channel, "Reply via"
 * offers both channels (e-mail, her latest, by default), and a reply "via Outlook e-mail" goes out through the Graph sandbox (stored SENT, one SUCCEEDED
 * delivery: the fake Graph accepted it) while the WhatsApp fake receives nothing.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, fakeCloudSends, graphqlAs, launchBrowser, loginAsSarah, newPage, newWaId, postWhatsAppWebhook, screenshot, tag, whatsappTextWebhook } from './helpers';

const OUTLOOK_SUBJECT = 'Offerte thuislader aangevraagd - nog geen reactie'; // graph/message-AAMkAGI2TG93AAA.json

describe(`merged threads: one timeline, reply via the chosen channel (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let token: string;
  let mailThreadId: string;
  let waThreadId: string;
  const id = tag();
  const waText = `Hoi, ik stuur het ook even via WhatsApp: is de offerte er al? (e2e ${id})`;
  const replyText = `Beste Marieke, de offerte komt vandaag per e-mail. (e2e ${id})`;

  const messages = (): Locator => page.locator('[data-testid="message"]');
  const composerInput = (): Locator => page.getByRole('textbox', { name: 'Message', exact: true });

  async function threadsMatching(search: string) {
    const data = await graphqlAs<{ threads: { edges: { node: { id: string; customer: { id: string } | null; channel: { type: string } } }[] } }>(
      token,
      'query($s: String!) { threads(first: 10, filter: { search: $s }) { edges { node { id customer { id } channel { type } } } } }',
      { s: search },
    );
    return data.threads.edges.map((e) => e.node);
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page } = await newPage(browser));
    await loginAsSarah(page);
    token = (await page.evaluate(() => localStorage.getItem('hub.token')))!;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('Marieke writes by WhatsApp too; her two customer records are merged', async () => {
    const mail = (await threadsMatching(OUTLOOK_SUBJECT)).find((t) => t.channel.type === 'EMAIL_OUTLOOK');
    expect(mail?.customer).toBeTruthy();
    mailThreadId = mail!.id;

    // Written two days ago: her latest message stays the e-mail, so the e-mail thread keeps replying
    // by e-mail by default (providers.e2e.ts replies there too, in whatever order the specs run).
    const twoDaysAgo = Math.floor(Date.now() / 1000) - 2 * 86_400;
    const body = whatsappTextWebhook({ waId: newWaId(), name: 'Marieke Visser', text: waText }).replace(/"timestamp":"\d+"/, `"timestamp":"${twoDaysAgo}"`);
    expect(body).toContain(`"timestamp":"${twoDaysAgo}"`);
    const res = await postWhatsAppWebhook(body);
    expect(res.status).toBe(200);
    await expect.poll(async () => (await threadsMatching(waText)).length, { timeout: 10_000 }).toBe(1);
    const wa = (await threadsMatching(waText))[0]!;
    expect(wa.channel.type).toBe('WHATSAPP_BUSINESS');
    waThreadId = wa.id;

    if (wa.customer!.id !== mail!.customer!.id) {
      const merged = await graphqlAs<{ mergeCustomers: { errors: { code: string }[] } }>(
        token,
        'mutation($p: ID!, $d: ID!) { mergeCustomers(primaryId: $p, duplicateId: $d) { errors { code } } }',
        { p: mail!.customer!.id, d: wa.customer!.id },
      );
      expect(merged.mergeCustomers.errors).toEqual([]);
    }
  });

  it('"Merge into…" the e-mail thread: one timeline, each message with its channel', async () => {
    await page.goto(`/threads/${encodeURIComponent(waThreadId)}`);
    await page.locator(`[data-testid="thread-view"][data-thread-id="${waThreadId}"]`).waitFor();
    await messages().filter({ hasText: waText }).waitFor();
    // A single-channel thread: no channel marks, no "Reply via".
    expect(await page.getByTestId('message-channel').count()).toBe(0);
    expect(await page.getByRole('radiogroup', { name: 'Reply via' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Merge into…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Merge into', { exact: true }).click();
    await page.getByRole('option', { name: new RegExp(OUTLOOK_SUBJECT) }).click();
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();

    await page.waitForURL(new RegExp(`/threads/${encodeURIComponent(mailThreadId)}$`));
    await page.locator(`[data-testid="thread-view"][data-thread-id="${mailThreadId}"]`).waitFor();
    const waBubble = messages().filter({ hasText: waText });
    await waBubble.getByRole('img', { name: 'via WhatsApp' }).waitFor();
    const mailBubble = messages().filter({ hasText: 'Twee weken geleden heb ik via de website een offerte aangevraagd' }).first();
    await mailBubble.getByRole('img', { name: 'via Outlook e-mail' }).waitFor();
    await screenshot(page, 'merge-timeline');
  });

  it('replies via Outlook e-mail: sent through Graph with a subject, nothing to WhatsApp', async () => {
    const replyVia = page.getByRole('radiogroup', { name: 'Reply via' });
    await replyVia.waitFor();
    const subject = page.getByRole('textbox', { name: /^Subject/ });
    // The customer's latest message came by e-mail: that is the default, with a subject line.
    expect(await page.getByRole('radio', { name: 'Outlook e-mail' }).isChecked()).toBe(true);
    expect(await subject.inputValue()).toBe(`Re: ${OUTLOOK_SUBJECT}`);
    // Via WhatsApp: no subject line; back to e-mail: the subject line again.
    await replyVia.getByText('WhatsApp', { exact: true }).click();
    expect(await page.getByRole('radio', { name: 'WhatsApp' }).isChecked()).toBe(true);
    await subject.waitFor({ state: 'detached' });
    await replyVia.getByText('Outlook e-mail', { exact: true }).click();
    expect(await page.getByRole('radio', { name: 'Outlook e-mail' }).isChecked()).toBe(true);
    expect(await subject.inputValue()).toBe(`Re: ${OUTLOOK_SUBJECT}`);

    const whatsappBefore = (await fakeCloudSends()).length;
    await composerInput().fill(replyText);
    await page.getByTestId('composer').getByRole('button', { name: 'Send', exact: true }).click();
    const bubble = messages().filter({ hasText: replyText });
    await bubble.getByRole('img', { name: 'via Outlook e-mail' }).waitFor({ timeout: 10_000 });

    type Stored = { content: string; subject: string | null; deliveryStatus: string; channel: { type: string }; deliveries: { status: string }[] };
    const stored = async () => {
      const data = await graphqlAs<{ node: { messages: { edges: { node: Stored }[] } } }>(
        token,
        `query($id: ID!) { node(id: $id) { ... on Thread { messages(last: 20) { edges { node {
          content subject deliveryStatus channel { type } deliveries { status } } } } } } }`,
        { id: mailThreadId },
      );
      return data.node.messages.edges.map((e) => e.node).find((m) => m.content === replyText);
    };
    await expect.poll(async () => (await stored())?.deliveryStatus, { timeout: 15_000 }).toBe('SENT');
    const sent = (await stored())!;
    expect(sent.channel.type).toBe('EMAIL_OUTLOOK');
    expect(sent.subject).toBe(`Re: ${OUTLOOK_SUBJECT}`);
    expect(sent.deliveries.map((d) => d.status)).toEqual(['SUCCEEDED']);
    expect((await fakeCloudSends()).length).toBe(whatsappBefore);
    await screenshot(page, 'merge-reply-via-email');
  });
});
