/**
 * Shared helpers of the e2e specs: browser launch, UI login, signed WhatsApp
 * webhooks, and the fake Cloud API's request log (read over HTTP from the
 * global setup's process).
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const baseUrl = inject('baseUrl');
export const databaseKind = inject('databaseKind');
/** The demo's provider sandbox (see globalSetup.ts): whatsapp, graph, twilio, chatwoot, partner → URL. */
export const sandboxUrls = inject('sandboxUrls');

/** Demo channel identities (/work/shared/fixtures/providers/channels.json). */
export const WHATSAPP = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '31202152900',
  businessAccountId: '102290129340398',
  appSecret: 'dev-whatsapp-app-secret-7f3a91',
} as const;

export const SARAH = { email: 'sarah@chargecars.nl', password: 'chargecars-demo' } as const;
/** DEMO_LOGINS (api/src/demo/data/people.ts): the demo administrator. */
export const ADMIN = { email: 'admin@chargecars.nl', password: 'chargecars-demo' } as const;

export const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject('chromiumPath'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh context (own localStorage) with a desktop viewport; browser console errors are collected. */
export async function newPage(browser: Browser): Promise<{ page: Page; consoleErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: baseUrl });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  return { page, consoleErrors };
}

/** Signs in through the login page and waits for the inbox's first thread row. */
export async function loginAsSarah(page: Page): Promise<void> {
  await loginAs(page, SARAH);
}

/** Signs in as `user` through the login page and waits for the inbox's first thread row. */
export async function loginAs(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Managers and administrators land on the analytics dashboard (issue 9 §5): the specs start in the inbox.
  await page.getByTestId('viewer-name').waitFor({ timeout: 15_000 });
  const role = (await page.getByRole('button', { name: 'Account menu' }).innerText()).toLowerCase();
  if (/\b(manager|admin)\b/.test(role)) {
    await page.waitForURL('**/analytics', { timeout: 15_000 });
    await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Inbox' }).click();
  }
  await page.locator('[data-testid="thread-row"]').first().waitFor({ timeout: 15_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** GraphQL over HTTP with the browser's session token (localStorage "hub.token"). */
export async function graphqlAs<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (json.errors?.length) throw new Error(`GraphQL errors: ${json.errors.map((e) => e.message).join('; ')}`);
  return json.data as T;
}

// ---------------------------------------------------------------------------
// WhatsApp webhooks

/** A fresh Dutch mobile wa_id (316 + 8 digits), unlikely to collide with the seed. */
export function newWaId(): string {
  return `316${String(randomInt(10_000_000, 99_999_999))}`;
}

/** A wamid shaped like Meta's inbound ids, unique per call. */
export function newWamid(): string {
  return `wamid.HBgL${randomBytes(24).toString('base64url')}`;
}

/** A `messages` webhook body like shared/fixtures/providers/whatsapp/text-nl.json. */
export function whatsappTextWebhook(opts: { waId: string; name: string; text: string; wamid?: string }): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WHATSAPP.businessAccountId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: WHATSAPP.displayPhoneNumber, phone_number_id: WHATSAPP.phoneNumberId },
              contacts: [{ profile: { name: opts.name }, wa_id: opts.waId }],
              messages: [
                {
                  from: opts.waId,
                  id: opts.wamid ?? newWamid(),
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  text: { body: opts.text },
                  type: 'text',
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}

export function signWhatsApp(body: Buffer, secret: string = WHATSAPP.appSecret): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POSTs raw bytes to /webhooks/whatsapp, signed with the demo app secret unless `signature` is given. */
export async function postWhatsAppWebhook(raw: string, signature?: string): Promise<Response> {
  const body = Buffer.from(raw, 'utf8');
  return fetch(`${baseUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature ?? signWhatsApp(body) },
    body,
  });
}

// ---------------------------------------------------------------------------
// Fake WhatsApp Cloud API

export interface CloudRequest {
  method: string;
  path: string;
  body: unknown;
}

export async function fakeCloudRequests(): Promise<CloudRequest[]> {
  const res = await fetch(`${inject('fakeCloudInspectUrl')}/requests`);
  return ((await res.json()) as { requests: CloudRequest[] }).requests;
}

/** Only the message sends (POST /{phone-number-id}/messages): media look-ups for thumbnails happen beside them. */
export async function fakeCloudSends(): Promise<CloudRequest[]> {
  return (await fakeCloudRequests()).filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
}

/** Polls the fake's request log until `predicate` matches one (the send may finish after the UI updated). */
export async function waitForCloudRequest(predicate: (r: CloudRequest) => boolean, timeoutMs = 5_000): Promise<CloudRequest> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = (await fakeCloudRequests()).find(predicate);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error('the fake WhatsApp Cloud API did not receive the expected request');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A unique marker to tag texts typed/posted by a test. */
export function tag(): string {
  return randomBytes(3).toString('hex');
}
