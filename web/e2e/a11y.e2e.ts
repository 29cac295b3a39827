/**
 * Issue 10 §6 accessibility: axe-core (the engine, injected into the page) finds no critical or
 * serious violation on the screens an agent lives in: the login page, the inbox, an open thread,
 * the customer panel (sidebar and the edit-customer modal), settings and analytics, signed in as
 * the demo's Sarah. A failure prints each violation with its rule, impact, help and the first
 * offending elements.
 *
 * Besides axe: one `h1` per page, the `main`/`nav`/`header` landmarks, and a visible focus ring
 * (an outline on the keyboard-focused element).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, baseUrl, databaseKind, launchBrowser, loginAs, loginAsSarah } from './helpers';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe violation, shortened for the failure message. */
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string; summary: string }[];
}

/** Runs axe on the current page (WCAG 2.x A/AA rules and best practices); returns the critical and serious violations. */
async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  // Mantine's transitions (modals, menus) fade in: let them finish before colours are measured.
  await page.evaluate(() => {
    for (const a of document.getAnimations()) if (Number.isFinite(a.effect?.getComputedTiming().endTime ?? Number.POSITIVE_INFINITY)) a.finish();
  });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[]; html: string; failureSummary?: string }[];
    }[];
  });
  return violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, html: n.html.slice(0, 300), summary: (n.failureSummary ?? '').slice(0, 300) })),
    }));
}

/** Asserts no critical/serious axe violation on `screen`, printing them when there are. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await seriousViolations(page);
  if (violations.length) process.stderr.write(`[a11y] ${screen}: ${JSON.stringify(violations, null, 2)}\n`);
  const list = violations.map((v) => `${v.id} (${v.impact}): ${v.help} @ ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(list, `${screen}: see the [a11y] output above`).toEqual([]);
}

/** The page's h1 texts and landmarks. */
async function structure(page: Page) {
  return page.evaluate(() => ({
    h1: Array.from(document.querySelectorAll('h1')).map((h) => h.textContent?.trim() ?? ''),
    main: document.querySelectorAll('main, [role="main"]').length,
    nav: document.querySelectorAll('nav, [role="navigation"]').length,
    header: document.querySelectorAll('header, [role="banner"]').length,
  }));
}

describe(`accessibility, axe-core (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    // The hub's CSP (script-src 'self') refuses inline scripts: axe is injected past it, for the test only.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: baseUrl, bypassCSP: true });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('login page: no serious violation, one h1, main landmark, visible focus ring', async () => {
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'login');
    const s = await structure(page);
    expect(s.h1).toHaveLength(1);
    expect(s.main).toBe(1);

    // Keyboard focus shows a ring (global.css :focus-visible, Mantine's focus ring): Tab from the
    // password field to the Sign in button draws an outline of at least 2 px.
    await page.locator('input[type="password"]').focus();
    let ring: { tag: string; style: string; width: number } | null = null;
    for (let i = 0; i < 3 && ring?.tag !== 'BUTTON'; i++) {
      await page.keyboard.press('Tab');
      ring = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const cs = getComputedStyle(el);
        return { tag: el.tagName, style: cs.outlineStyle, width: Number.parseFloat(cs.outlineWidth) };
      });
    }
    expect(ring?.tag, 'Tab reaches the Sign in button').toBe('BUTTON');
    expect(ring!.style).not.toBe('none');
    expect(ring!.width).toBeGreaterThanOrEqual(2);
  });

  it('inbox: no serious violation, one h1, main, nav and header landmarks', async () => {
    await loginAsSarah(page);
    await expectAccessible(page, 'inbox');
    const s = await structure(page);
    expect(s.h1).toHaveLength(1);
    expect(s.main).toBe(1);
    expect(s.nav).toBeGreaterThanOrEqual(1);
    expect(s.header).toBeGreaterThanOrEqual(1);
  });

  it('open thread and its customer panel: no serious violation, one h1', async () => {
    await page.locator('[data-testid="thread-row"]').first().click();
    await page.getByTestId('thread-view').waitFor();
    await page.locator('[data-testid="message"]').first().waitFor();
    await expectAccessible(page, 'thread');
    expect((await structure(page)).h1).toHaveLength(1);

    // The customer sidebar, when the layout shows one.
    const sidebar = page.getByTestId('customer-sidebar');
    if (await sidebar.count()) {
      await sidebar.waitFor();
      await expectAccessible(page, 'thread + customer sidebar');
    }

    // The edit-customer modal (a dialog: it must have a name).
    await page.getByRole('button', { name: 'Edit customer' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectAccessible(page, 'edit-customer modal');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('settings: no serious violation, one h1', async () => {
    await page.goto('/settings');
    await page.getByTestId('viewer-name').waitFor();
    await page.waitForLoadState('networkidle');
    await expectAccessible(page, 'settings');
    expect((await structure(page)).h1).toHaveLength(1);
  });

  it('analytics (My performance): no serious violation, one h1', async () => {
    await page.locator('nav[aria-label="Main"]').getByTestId('nav-analytics').click();
    await page.waitForURL('**/analytics');
    await page.waitForLoadState('networkidle');
    await expectAccessible(page, 'analytics');
    expect((await structure(page)).h1).toHaveLength(1);
  });

  it("the admin's settings, every tab, and the manager dashboard: no serious violation, one h1", async () => {
    // A fresh context: the admin's own session (lands on the analytics dashboard).
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: baseUrl, bypassCSP: true });
    context.setDefaultTimeout(10_000);
    const admin = await context.newPage();
    try {
      await loginAs(admin, ADMIN);
      await admin.locator('nav[aria-label="Main"]').getByTestId('nav-analytics').click();
      await admin.waitForURL('**/analytics');
      await admin.waitForLoadState('networkidle');
      await expectAccessible(admin, 'analytics (manager dashboard)');
      expect((await structure(admin)).h1).toHaveLength(1);
      await admin.goto('/settings');
      const tabs = admin.getByRole('tab');
      await tabs.first().waitFor();
      const count = await tabs.count();
      expect(count).toBeGreaterThanOrEqual(6);
      for (let i = 0; i < count; i++) {
        const tab = tabs.nth(i);
        await tab.click();
        await admin.waitForLoadState('networkidle');
        await expectAccessible(admin, `settings: ${await tab.innerText()}`);
      }
      expect((await structure(admin)).h1).toHaveLength(1);
    } finally {
      await context.close();
    }
  });
});
