/**
 * Triage in the thread list (issue 10 §4), as sarah at 1280 × 900: unread dots and tab counts
 * driven by real WhatsApp webhooks, sort, the filter kept in the URL across a reload, bulk assign
 * and bulk snooze, j/k/Enter, and the compact density (≥ 15 whole rows in the list).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, graphqlAs, launchBrowser, loginAsSarah, newPage, newWaId, postWhatsAppWebhook, screenshot, tag, whatsappTextWebhook } from './helpers';

/** localStorage key of the session token (web/src/app/auth.ts). */
const TOKEN_KEY = 'hub.token';

describe(`triage in the inbox list (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let token: string;
  let consoleErrors: string[];
  const id = tag();
  const reader = { waId: newWaId(), name: `Triage Lezer ${id}` };
  const bulkA = { waId: newWaId(), name: `Bulk ${id} Anna` };
  const bulkB = { waId: newWaId(), name: `Bulk ${id} Bruno` };

  const rows = (): Locator => page.locator('[data-testid="thread-row"]');
  const rowOf = (name: string): Locator => rows().filter({ has: page.locator('[data-testid="thread-customer"]', { hasText: name }) });
  const tab = (view: string): Locator => page.getByTestId(`tab-${view}`);
  /** The unread count shown on a tab (0 when it shows none). */
  const tabCount = async (view: string): Promise<number> => {
    const badge = tab(view).locator('[data-testid="tab-unread-count"]');
    if ((await badge.count()) === 0) return 0;
    return Number(((await badge.textContent()) ?? '').replace(/\D/g, ''));
  };
  const apiUnread = async (filter: Record<string, unknown>): Promise<number> =>
    (await graphqlAs<{ threads: { unreadCount: number } }>(token, 'query($f: ThreadFilter) { threads(first: 0, filter: $f) { unreadCount } }', { f: filter })).threads.unreadCount;
  const uiIds = (): Promise<string[]> => rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-thread-id') ?? ''));
  const search = (): Locator => page.getByRole('textbox', { name: 'Search conversations' });

  async function searchFor(q: string): Promise<void> {
    await search().fill(q);
    await page.waitForURL((u) => (u.searchParams.get('q') ?? '') === q);
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page, consoleErrors } = await newPage(browser));
    await page.setViewportSize({ width: 1280, height: 900 });
    await loginAsSarah(page);
    token = (await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY))!;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a customer message makes a thread unread; opening it reads it; the next message makes it unread again, tab count +1', async () => {
    expect((await postWhatsAppWebhook(whatsappTextWebhook({ ...reader, text: `Mijn laadpaal knippert rood (${id})` }))).status).toBe(200);
    const row = rowOf(reader.name);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-unread')).toBe('true');
    expect(await row.locator('[data-testid="unread-dot"]').count()).toBe(1);
    // The All tab's count is the API's unread count of the view.
    await expect.poll(() => tabCount('all'), { timeout: 10_000 }).toBe(await apiUnread({ snoozed: false }));

    const threadId = (await row.getAttribute('data-thread-id'))!;
    await row.click();
    await page.locator(`[data-testid="thread-view"][data-thread-id="${threadId}"]`).waitFor();
    // Opening marks it read (markThreadRead): the dot goes, the count follows.
    await expect.poll(async () => row.getAttribute('data-unread'), { timeout: 10_000 }).toBeNull();
    expect(await row.locator('[data-testid="unread-dot"]').count()).toBe(0);

    // Back to the list (no thread open: an open thread would be read at once).
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/');
    const readCount = await apiUnread({ snoozed: false });
    await expect.poll(() => tabCount('all'), { timeout: 10_000 }).toBe(readCount);

    expect((await postWhatsAppWebhook(whatsappTextWebhook({ ...reader, text: `Nog steeds rood (${id})` }))).status).toBe(200);
    await expect.poll(async () => rowOf(reader.name).getAttribute('data-unread'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => tabCount('all'), { timeout: 10_000 }).toBe(readCount + 1);
    await screenshot(page, 'triage-unread');
  });

  it('sorting by due soonest reorders the list as the API orders it', async () => {
    const newest = (await uiIds()).slice(0, 8);
    await page.getByRole('combobox', { name: 'Sort' }).click();
    await page.getByRole('option', { name: 'Due soonest' }).click();
    await page.waitForURL((u) => u.searchParams.get('sort') === 'due');
    const api = await graphqlAs<{ threads: { edges: { node: { id: string } }[] } }>(
      token,
      '{ threads(first: 8, filter: { snoozed: false }, orderBy: RESPONSE_DUE_AT_ASC) { edges { node { id } } } }',
    );
    const due = api.threads.edges.map((e) => e.node.id);
    await expect.poll(async () => (await uiIds()).slice(0, 8), { timeout: 10_000 }).toEqual(due);
    expect(due).not.toEqual(newest);
  });

  it('a reload keeps view, sort and status filter (they live in the URL)', async () => {
    await tab('unassigned').click();
    await page.getByTestId('status-filter').click();
    // The boxes follow the URL (a router navigation), so click and wait for it rather than check().
    await page.getByRole('checkbox', { name: 'Open', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('status') === 'open');
    await page.getByRole('checkbox', { name: 'Escalated', exact: true }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => u.searchParams.get('status') === 'open,escalated' && u.searchParams.get('view') === 'unassigned' && u.searchParams.get('sort') === 'due');
    const url = page.url();

    await page.reload();
    await rows().first().waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(url);
    expect(await tab('unassigned').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('combobox', { name: 'Sort' }).inputValue()).toBe('Due soonest');
    await page.getByTestId('status-filter').click();
    expect(await page.getByRole('checkbox', { name: 'Open', exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Escalated', exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Resolved', exact: true }).isChecked()).toBe(false);
    await page.keyboard.press('Escape');
    // The rows obey the restored filter.
    const statuses = await rows()
      .locator('[data-testid="status-badge"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 'OPEN' && s !== 'ESCALATED')).toEqual([]);
    expect(await rows().filter({ hasText: 'Unassigned' }).count()).toBe(await rows().count());
  });

  it('bulk-assigns two threads to sarah: they show in her Mine view', async () => {
    await page.goto('/');
    await rows().first().waitFor();
    for (const c of [bulkA, bulkB]) expect((await postWhatsAppWebhook(whatsappTextWebhook({ ...c, text: `Vraag over mijn factuur (${id})` }))).status).toBe(200);
    await searchFor(`Bulk ${id}`);
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(2);
    const ids = await uiIds();

    const me = (await graphqlAs<{ viewer: { id: string; name: string } }>(token, '{ viewer { id name } }')).viewer;
    await page.getByRole('checkbox', { name: 'Select all loaded conversations' }).check();
    expect(await page.getByTestId('bulk-count').textContent()).toBe('2 selected');
    await page.getByTestId('bulk-assign').click();
    await page.getByRole('menuitem', { name: me.name, exact: true }).click();
    // Success clears the selection.
    await page.getByTestId('bulk-bar').waitFor({ state: 'detached', timeout: 10_000 });

    const assigned = await graphqlAs<{ nodes: ({ assignee: { id: string } | null } | null)[] }>(
      token,
      'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Thread { assignee { id } } } }',
      { ids },
    );
    expect(assigned.nodes.map((n) => n?.assignee?.id)).toEqual([me.id, me.id]);

    await tab('mine').click();
    await page.waitForURL((u) => u.searchParams.get('view') === 'mine');
    await expect.poll(async () => (await uiIds()).sort(), { timeout: 10_000 }).toEqual([...ids].sort());
  });

  it('bulk snooze moves a thread out of the view into Snoozed', async () => {
    await tab('all').click();
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(2);
    const row = rowOf(bulkA.name);
    const threadId = (await row.getAttribute('data-thread-id'))!;
    await row.locator('[data-testid="thread-check"]').check();
    await page.getByTestId('bulk-snooze').click();
    await page.getByRole('menuitem', { name: /For 1 hour/ }).click();
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(1);
    expect(await rowOf(bulkA.name).count()).toBe(0);

    await tab('snoozed').click();
    await page.locator(`[data-testid="thread-row"][data-thread-id="${threadId}"]`).waitFor({ timeout: 10_000 });
    const api = await graphqlAs<{ node: { snoozedUntil: string | null } }>(token, 'query($id: ID!) { node(id: $id) { ... on Thread { snoozedUntil } } }', { id: threadId });
    const minutes = (new Date(api.node.snoozedUntil!).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(50);
    expect(minutes).toBeLessThanOrEqual(61);
    // Leave the demo as found for the other specs (the All view hides snoozed threads).
    await graphqlAs(token, 'mutation($id: ID!) { unsnoozeThread(threadId: $id) { errors { code } } }', { id: threadId });
    await searchFor('');
  });

  it('j/k move through the list and Enter opens the active thread', async () => {
    await page.goto('/');
    await rows().first().waitFor();
    const ids = await uiIds();
    await page.locator('body').click({ position: { x: 900, y: 500 } });
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    // Roving focus: the second row's button has focus, and is the one in the Tab order.
    const focused = () => page.evaluate(() => document.activeElement?.closest('[data-testid="thread-row"]')?.getAttribute('data-thread-id') ?? null);
    await expect.poll(focused).toBe(ids[1]);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/threads/${encodeURIComponent(ids[1]!)}$`));
    await page.locator(`[data-testid="thread-view"][data-thread-id="${ids[1]}"]`).waitFor();
  });

  it('compact density fits ≥ 15 whole rows in the list at 1280 × 900, no badge clipped', async () => {
    await page.goto('/');
    await rows().first().waitFor();
    await page.getByTestId('density-toggle').click();
    await page.waitForURL((u) => u.searchParams.get('density') === 'compact');
    await page.locator('[data-testid="thread-row"][data-density="compact"]').first().waitFor();
    const fit = await page.evaluate(() => {
      const viewport = document.querySelector('[data-testid="thread-list-viewport"]')!.getBoundingClientRect();
      const inside = Array.from(document.querySelectorAll('[data-testid="thread-row"]')).filter((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= viewport.top - 0.5 && b.bottom <= viewport.bottom + 0.5;
      });
      const clipped = Array.from(document.querySelectorAll('[data-testid="thread-row"] .mantine-Badge-root')).filter((b) => {
        const label = b.querySelector('.mantine-Badge-label') ?? b;
        const row = b.closest('[data-testid="thread-row"]')!.getBoundingClientRect();
        const box = b.getBoundingClientRect();
        return label.scrollWidth > label.clientWidth + 1 || box.right > row.right + 0.5;
      });
      return {
        rows: inside.length,
        clipped: clipped.map((b) => b.textContent),
        viewport: [viewport.top, viewport.bottom],
        heights: Array.from(document.querySelectorAll('[data-testid="thread-row"]'))
          .slice(0, 20)
          .map((r) => Math.round(r.getBoundingClientRect().height)),
      };
    });
    await screenshot(page, 'triage-compact');
    console.info(`[triage] compact rows fully inside the list at 1280 × 900: ${fit.rows}`);
    expect(fit.rows, `whole rows in the list: ${JSON.stringify(fit)}`).toBeGreaterThanOrEqual(15);
    expect(fit.clipped).toEqual([]);
    // The density is remembered for the next visit without the URL param.
    expect(await page.evaluate(() => localStorage.getItem('hub.inbox.density'))).toBe('compact');
    expect(consoleErrors.filter((e) => !/401|Unauthorized|Failed to load resource/i.test(e))).toEqual([]);
  });
  it('scrolling through 300 threads keeps the DOM small (virtualised list, pages loaded on the way)', async () => {
    await page.goto('/?density=comfortable');
    await rows().first().waitFor();
    const viewport = page.getByTestId('thread-list-viewport');
    const lastIndex = () =>
      page.evaluate(() => Math.max(-1, ...Array.from(document.querySelectorAll('[data-testid="thread-list"] > li')).map((li) => Number(li.getAttribute('data-index')))));
    for (let i = 0; i < 200 && (await lastIndex()) < 299; i++) {
      await viewport.evaluate((el) => el.scrollBy(0, el.clientHeight));
      await page.waitForTimeout(50);
    }
    expect(await lastIndex()).toBeGreaterThanOrEqual(299);
    const dom = await page.evaluate(() => ({ nodes: document.getElementsByTagName('*').length, rows: document.querySelectorAll('[data-testid="thread-row"]').length }));
    console.info(`[triage] after scrolling to row 300: ${dom.nodes} DOM nodes, ${dom.rows} rows rendered`);
    expect(dom.rows).toBeLessThan(40);
    expect(dom.nodes).toBeLessThan(3000);
  });
});
