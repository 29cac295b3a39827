/**
 * Issue 10 §4, customer sidebar, snooze and new conversation: a customer's custom attributes are
 * added, edited and removed key by key (the other keys stay, checked through the API), the
 * customer's previous conversations across channels are listed with links, snoozing from the
 * header takes the thread out of the All view until Unsnooze brings it back, and a new
 * conversation by e-mail is created and its first message accepted by the Graph sandbox.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, graphqlAs, launchBrowser, loginAsSarah, newPage, newWaId, postWhatsAppWebhook, screenshot, tag, whatsappTextWebhook } from './helpers';

type CustomerRow = {
  id: string;
  name: string;
  email: string | null;
  customAttributes: Record<string, unknown>;
  threads: { totalCount: number; edges: { node: { id: string; subject: string; status: string } }[] };
};

describe(`customer sidebar, snooze, new conversation (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let token: string;
  let customer: CustomerRow;
  let threadId: string;
  let subject: string;
  const id = tag();
  const keyA = `e2e_${id}_a`;
  const keyB = `e2e_${id}_b`;

  const sidebar = (): Locator => page.getByTestId('customer-sidebar');
  const attributes = async () =>
    (
      await graphqlAs<{ node: { customAttributes: Record<string, unknown> } }>(token, 'query($id: ID!) { node(id: $id) { ... on Customer { customAttributes } } }', {
        id: customer.id,
      })
    ).node.customAttributes;

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page } = await newPage(browser));
    await loginAsSarah(page);
    token = (await page.evaluate(() => localStorage.getItem('hub.token')))!;
    // A customer with an e-mail address, some custom attributes and several conversations.
    const data = await graphqlAs<{ customers: { edges: { node: CustomerRow }[] } }>(
      token,
      `{ customers(first: 40) { edges { node { id name email customAttributes
          threads(first: 10) { totalCount edges { node { id subject status } } } } } } }`,
    );
    const candidates = data.customers.edges.map((e) => e.node).filter((c) => c.email && c.threads.totalCount >= 2);
    customer = candidates.find((c) => Object.keys(c.customAttributes ?? {}).length > 0) ?? candidates[0]!;
    expect(customer).toBeTruthy();
    const open = customer.threads.edges.find((e) => !['RESOLVED', 'CLOSED'].includes(e.node.status)) ?? customer.threads.edges[0]!;
    threadId = open.node.id;
    subject = open.node.subject;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('adds two custom attributes, edits one and removes the other, key by key', async () => {
    const before = await attributes();
    await page.goto(`/threads/${encodeURIComponent(threadId)}`);
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    await sidebar().getByTestId('customer-panel').waitFor();
    expect(await sidebar().getByTestId('sidebar-customer-name').innerText()).toBe(customer.name);

    const add = async (key: string, value: string) => {
      await sidebar().getByRole('textbox', { name: 'Attribute name' }).fill(key);
      await sidebar().getByRole('textbox', { name: 'Value', exact: true }).fill(value);
      await sidebar().getByRole('button', { name: 'Add attribute' }).click();
      await sidebar().locator(`[data-attribute-key="${key}"]`).waitFor();
    };
    await add(keyA, 'first');
    await add(keyB, 'second');
    await expect.poll(attributes).toEqual({ ...before, [keyA]: 'first', [keyB]: 'second' });

    await sidebar()
      .getByRole('button', { name: `Edit ${keyB}` })
      .click();
    const input = sidebar().getByRole('textbox', { name: `Value of ${keyB}` });
    await input.fill('changed');
    await sidebar()
      .getByRole('button', { name: `Save ${keyB}` })
      .click();
    await sidebar().locator(`[data-attribute-key="${keyB}"] [data-testid="attribute-value"]`, { hasText: 'changed' }).waitFor();
    await expect.poll(attributes).toEqual({ ...before, [keyA]: 'first', [keyB]: 'changed' });

    await sidebar()
      .getByRole('button', { name: `Remove ${keyA}` })
      .click();
    await sidebar().locator(`[data-attribute-key="${keyA}"]`).waitFor({ state: 'detached' });
    // Only keyA went: the customer's other attributes and keyB are untouched.
    await expect.poll(attributes).toEqual({ ...before, [keyB]: 'changed' });
    await screenshot(page, 'sidebar-attributes');

    await sidebar()
      .getByRole('button', { name: `Remove ${keyB}` })
      .click();
    await expect.poll(attributes).toEqual(before);
  });

  it('lists the customer’s previous conversations with channel, status and a link', async () => {
    await sidebar()
      .getByRole('tab', { name: /Conversations/ })
      .click();
    const list = sidebar().getByTestId('previous-conversations');
    await list.getByTestId('previous-conversation').first().waitFor();
    const ids = await list.getByTestId('previous-conversation').evaluateAll((els) => els.map((el) => el.getAttribute('data-thread-id')));
    expect(ids).toEqual(customer.threads.edges.map((e) => e.node.id));
    const other = customer.threads.edges.find((e) => e.node.id !== threadId)!.node;
    // Within its own row: another of the customer's conversations may share (part of) the subject.
    const link = list.locator(`[data-thread-id="${other.id}"]`).getByRole('link', { name: other.subject, exact: true });
    expect(await link.count()).toBe(1);
    expect(await list.locator(`[data-thread-id="${other.id}"] [role="img"]`).count()).toBe(1);
    await link.click();
    await page.locator(`[data-testid="thread-view"][data-thread-id="${other.id}"]`).waitFor();
    await screenshot(page, 'sidebar-previous-conversations');
  });

  it('snooze from the header takes the thread out of the All view; Unsnooze brings it back', async () => {
    // The demo's scripted conversations repeat their subjects (20-odd threads share one), and the
    // list is virtualised: with the subject alone the thread can sit below the rendered rows,
    // depending on the time of day the demo was seeded. Its customer's name narrows it to them.
    const search = `${subject.slice(0, 40)} ${customer.name}`;
    await page.goto(`/threads/${encodeURIComponent(threadId)}`);
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    await page.getByRole('textbox', { name: 'Search conversations' }).fill(search);
    const row = page.locator(`[data-testid="thread-row"][data-thread-id="${threadId}"]`);
    await row.waitFor({ timeout: 10_000 });

    await page.getByTestId('snooze-button').click();
    await page.getByRole('menuitem', { name: /In 1 hour/ }).click();
    await page.getByTestId('snoozed-until').waitFor();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    const snoozed = await graphqlAs<{ node: { snoozedUntil: string | null } }>(token, 'query($id: ID!) { node(id: $id) { ... on Thread { snoozedUntil } } }', { id: threadId });
    const minutes = (new Date(snoozed.node.snoozedUntil!).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(50);
    expect(minutes).toBeLessThanOrEqual(60);
    await screenshot(page, 'thread-snoozed');

    await page.getByRole('button', { name: 'Unsnooze' }).click();
    await page.getByTestId('snooze-button').waitFor();
    await row.waitFor({ timeout: 10_000 });
    const after = await graphqlAs<{ node: { snoozedUntil: string | null } }>(token, 'query($id: ID!) { node(id: $id) { ... on Thread { snoozedUntil } } }', { id: threadId });
    expect(after.node.snoozedUntil).toBeNull();
  });

  it('≤ 1100 px the customer panel is a drawer opened from the header; at 390 px a Back button returns to the list', async () => {
    await page.setViewportSize({ width: 1000, height: 800 });
    await page.goto(`/threads/${encodeURIComponent(threadId)}?q=${id}`);
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    expect(await sidebar().count()).toBe(0);
    await page.getByRole('button', { name: 'Customer details' }).click();
    const drawer = page.getByRole('dialog', { name: 'Customer and tasks' });
    await drawer.getByTestId('sidebar-customer-name').waitFor();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(await page.getByTestId('thread-back').isVisible()).toBe(false);

    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await phoneBack();
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  async function phoneBack() {
    const back = page.getByRole('button', { name: 'Back to the conversations' });
    await back.waitFor();
    // The composer is on screen, under the timeline.
    const box = await page.getByRole('textbox', { name: 'Message', exact: true }).boundingBox();
    expect(box).toBeTruthy();
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
    await screenshot(page, 'thread-phone');
    await back.click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(new URL(page.url()).searchParams.get('q')).toBe(id);
  }

  it('read state: opening marks read, a customer message while open is read at once, "Mark as unread" undoes it', async () => {
    const waId = newWaId();
    const first = `Goedemorgen, mijn laadpaal knippert rood. (e2e ${id} 1)`;
    const second = `Nu doet hij helemaal niets meer. (e2e ${id} 2)`;
    type ReadState = { threads: { edges: { node: { id: string; unread: boolean } }[] } };
    const find = async (text: string) =>
      (await graphqlAs<ReadState>(token, 'query($s: String!) { threads(first: 1, filter: { search: $s }) { edges { node { id unread } } } }', { s: text })).threads.edges[0]?.node;
    expect((await postWhatsAppWebhook(whatsappTextWebhook({ waId, name: `Read ${id}`, text: first }))).status).toBe(200);
    await expect.poll(async () => (await find(first))?.unread, { timeout: 10_000 }).toBe(true);
    const waThread = (await find(first))!.id;

    await page.goto(`/threads/${encodeURIComponent(waThread)}`);
    await page.locator('[data-testid="message"]').filter({ hasText: first }).waitFor();
    await expect.poll(async () => (await find(first))?.unread, { timeout: 10_000 }).toBe(false);

    // The customer writes again while the thread is open: it shows up and is read for Sarah.
    expect((await postWhatsAppWebhook(whatsappTextWebhook({ waId, name: `Read ${id}`, text: second }))).status).toBe(200);
    await page.locator('[data-testid="message"]').filter({ hasText: second }).waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await find(second))?.unread, { timeout: 10_000 }).toBe(false);

    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Mark as unread' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(async () => (await find(second))?.unread, { timeout: 10_000 }).toBe(true);
  });

  it('starts a new conversation by e-mail: created, opened, and accepted by the Graph sandbox', async () => {
    const newSubject = `Uw laadpaal: planning (e2e ${id})`;
    const text = `Beste ${customer.name}, wij plannen de installatie graag met u in. (e2e ${id})`;
    await page.getByTestId('new-conversation').click();
    const dialog = page.getByRole('dialog', { name: 'New conversation' });
    await dialog.waitFor();
    await dialog.getByLabel(/^Customer/).fill(customer.email!);
    await page
      .getByRole('option', { name: new RegExp(customer.name) })
      .first()
      .click();
    await dialog.getByLabel(/^Channel/).click();
    await page
      .getByRole('option', { name: /Outlook e-mail/ })
      .first()
      .click();
    await dialog.getByLabel(/^Subject/).fill(newSubject);
    await dialog.getByLabel(/^Message/).fill(text);
    await dialog.getByRole('button', { name: 'Start conversation' }).click();

    // From the thread that was open to the new one.
    await page.waitForURL((url) => url.pathname.startsWith('/threads/') && url.pathname !== `/threads/${encodeURIComponent(threadId)}`, { timeout: 15_000 });
    const newId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(newId).not.toBe(threadId);
    await page.locator(`[data-testid="thread-view"][data-thread-id="${newId}"]`).waitFor();
    await page.locator('[data-testid="message"]').filter({ hasText: text }).waitFor({ timeout: 10_000 });

    type Stored = { content: string; subject: string | null; deliveryStatus: string; channel: { type: string }; deliveries: { status: string; error: string | null }[] };
    const stored = async () => {
      const data = await graphqlAs<{ node: { subject: string; customer: { id: string }; messages: { edges: { node: Stored }[] } } }>(
        token,
        `query($id: ID!) { node(id: $id) { ... on Thread { subject customer { id } messages(last: 5) { edges { node {
          content subject deliveryStatus channel { type } deliveries { status error } } } } } } }`,
        { id: newId },
      );
      return data.node;
    };
    // The status with its attempts (status, error), so that a failure says why the message is not SENT.
    const delivery = async () => {
      const m = (await stored()).messages.edges.find((e) => e.node.content === text)?.node;
      return m && { status: m.deliveryStatus, attempts: m.deliveries.map((d) => [d.status, d.error ?? null]) };
    };
    await expect.poll(delivery, { timeout: 15_000 }).toEqual({ status: 'SENT', attempts: [['SUCCEEDED', null]] });
    const thread = await stored();
    expect(thread.subject).toBe(newSubject);
    expect(thread.customer.id).toBe(customer.id);
    const sent = thread.messages.edges.find((e) => e.node.content === text)!.node;
    expect(sent.channel.type).toBe('EMAIL_OUTLOOK');
    expect(sent.subject).toBe(newSubject);
    // One delivery attempt, SUCCEEDED: the Graph sandbox accepted the e-mail.
    expect(sent.deliveries.map((d) => d.status)).toEqual(['SUCCEEDED']);
    await screenshot(page, 'new-conversation-email');
  });
});
