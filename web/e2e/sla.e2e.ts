/**
 * Issue 6 in the browser: a manager sees the demo's SLA alerts arrive in the
 * notification bell (the demo puts four web-chat threads just before their
 * next step), the Overdue tab lists only running clocks, and the settings show
 * seed 001's policies with a live due-date preview.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, launchBrowser, loginAs, newPage, screenshot } from './helpers';

const MANAGER = { email: 'manager@chargecars.nl', password: 'chargecars-demo' } as const;

let browser: Browser;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
  ({ page, consoleErrors } = await newPage(browser));
  await loginAs(page, MANAGER);
});
afterAll(async () => {
  await browser?.close();
});

describe(`SLA in the inbox (${databaseKind})`, () => {
  it('the bell shows SLA alerts for the manager (escalations of the live web-chat threads)', { timeout: 150_000 }, async () => {
    const bell = page.getByTestId('notification-bell');
    // The demo's ESCALATE step comes due within ~30 s of its start; allow a slow machine.
    await expect.poll(async () => (await bell.getAttribute('aria-label')) ?? '', { timeout: 120_000, interval: 1000 }).toMatch(/\d+ unread/);
    await bell.click();
    const items = page.getByTestId('notification-item');
    await items.first().waitFor({ timeout: 10_000 });
    expect(await items.first().innerText()).toMatch(/Escalated|SLA alert|Reminder/);
    await screenshot(page, 'sla-bell');
    await page.keyboard.press('Escape');
  });

  it('the Overdue tab lists threads whose running clock is at risk or breached, never resolved ones', async () => {
    await page.getByRole('tab', { name: /Overdue/ }).click();
    const rows = page.locator('[data-testid="thread-row"]');
    const statusesNow = () => rows.locator('[data-testid="status-badge"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    // The All tab's rows give way to the Overdue list (loading in between): wait until it shows rows.
    await page.waitForTimeout(500);
    await expect.poll(async () => (await statusesNow()).length, { timeout: 15_000 }).toBeGreaterThan(0);
    const statuses = await statusesNow();
    // Running clocks only: never resolved, closed or waiting on the customer.
    expect(statuses.filter((s) => s === 'RESOLVED' || s === 'CLOSED' || s === 'WAITING_CUSTOMER')).toEqual([]);
  });

  it('the availability switch sets the viewer ONLINE for automatic assignment, and it sticks across a reload', async () => {
    const online = page.getByTestId('availability-switch').getByText('Online');
    await online.click();
    await page.reload();
    await page.getByTestId('availability-switch').waitFor({ timeout: 15_000 });
    await expect.poll(async () => page.locator('[data-testid="availability-switch"] input[value="ONLINE"]').isChecked(), { timeout: 10_000 }).toBe(true);
  });

  it("settings: seed 001's policies and a preview of when a message arriving now is due", async () => {
    await page.goto('/settings');
    await page.getByRole('tab', { name: /SLA/ }).click();
    await page.getByText('WhatsApp: 1 business hour').first().waitFor({ timeout: 15_000 });
    await expect.poll(async () => page.getByText('E-mail: 4 business hours').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Edit WhatsApp: 1 business hour' }).click();
    const preview = page.getByTestId('sla-preview-text');
    await preview.waitFor({ timeout: 15_000 });
    expect(await preview.innerText()).toMatch(/due/i);
    await screenshot(page, 'sla-settings');
    expect(consoleErrors).toEqual([]);
  });
});
