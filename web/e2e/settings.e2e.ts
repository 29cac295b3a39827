/**
 * Spec 5: admin settings — the provider channels (masked secrets, webhook URLs, "Test"
 * against the provider sandbox), an INGEST API key used by a partner (Node fetch) and then
 * revoked; an agent gets neither the link nor the data.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, SARAH, baseUrl, databaseKind, graphqlAs, launchBrowser, loginAs, newPage, sandboxUrls, screenshot, tag } from './helpers';

/** The demo's provider channels (api/src/demo/data/channels.ts) and their webhook paths. */
const PROVIDER_CHANNELS = [
  { name: 'WhatsApp ChargeCars', icon: 'WhatsApp', webhook: '/webhooks/whatsapp', secretKeys: ['appSecret', 'verifyToken', 'accessToken'] },
  { name: 'Klantenservice mailbox', icon: 'Outlook e-mail', webhook: '/webhooks/outlook', secretKeys: ['clientSecret', 'clientState'] },
  { name: 'SMS (Twilio)', icon: 'SMS', webhook: '/webhooks/sms', secretKeys: ['authToken'] },
  { name: 'Website chat (Chatwoot)', icon: 'Chatwoot chat', webhook: '/webhooks/chatwoot', secretKeys: ['apiAccessToken', 'webhookSecret'] },
] as const;
const API_CHANNEL = 'Partner API (Laderthuis, Meterkastthuis)';

/** The demo's plaintext channel secrets (DEMO_PROVIDERS): none may reach the browser. */
const PLAINTEXT_SECRETS = [
  'dev-whatsapp-app-secret-7f3a91',
  'dev-whatsapp-verify-token-c2d8',
  'dev-whatsapp-access-token-EAAG5x',
  'dev-graph-client-state-41b7e2',
  'dev-graph-client-secret',
  'dev-twilio-auth-token-90ab12cd',
  'dev-chatwoot-webhook-secret-5e6f',
  'dev-chatwoot-api-token-8c1d3f',
  'dev-partner-webhook-secret-3b9e',
];

interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** POST /graphql with an API key, as a partner system would (Node fetch, not the browser). */
async function graphqlWithKey<T>(key: string, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let json: Omit<GraphQLResponse<T>, 'status'> = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    /* a non-JSON refusal (e.g. a bare 401) */
  }
  return { status: res.status, ...json };
}

const INGEST = `mutation Ingest($input: IngestMessageInput!) {
  ingestMessage(input: $input) {
    created
    message { id type content }
    thread { id subject customer { name } }
    errors { code message field }
  }
}`;

type IngestData = {
  ingestMessage: {
    created: boolean;
    message: { id: string; type: string; content: string } | null;
    thread: { id: string; subject: string | null; customer: { name: string } | null } | null;
    errors: { code: string; message: string; field: string | null }[];
  } | null;
};

describe(`admin settings: channels and API keys (demo server, ${databaseKind})`, () => {
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];
  const id = tag();
  const keyName = `Laderthuis e2e ${id}`;
  const partnerCustomer = `Partner Klant ${id}`;
  let secret = '';
  let apiChannelId = '';
  let ingestedThreadId = '';

  const card = (name: string): Locator => page.locator('[data-testid="channel-card"]').filter({ has: page.getByText(name, { exact: true }) });
  const keyRow = (): Locator => page.locator('[data-testid="api-key-row"]').filter({ hasText: keyName });

  const ingestInput = (n: number) => ({
    channelId: apiChannelId,
    externalMessageId: `laderthuis-e2e-${id}-${n}`,
    customer: { name: partnerCustomer, email: `partner.klant.${id}@example.nl`, partnerId: `LT-${id}` },
    subject: `Installatie-aanvraag via Laderthuis (${id})`,
    content: `Aanvraag ${n} via partner: klant wil een laadpaal laten installeren (e2e ${id})`,
    occurredAt: new Date(Date.now() - 5_000).toISOString(),
  });

  async function openSettingsTab(tab: 'Channels' | 'API keys'): Promise<void> {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/settings(\?|$)/);
    await page.getByTestId('settings-page').waitFor();
    await page.getByRole('tab', { name: tab }).click();
    await page.getByRole('tab', { name: tab, selected: true }).waitFor();
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page, consoleErrors } = await newPage(browser));
    await loginAs(page, ADMIN);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the Settings link to an admin and lists the provider channels with webhook URLs', async () => {
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' });
    await link.waitFor();
    await link.click();
    await page.waitForURL(/\/settings$/);
    await page.getByTestId('settings-page').waitFor();
    await page.getByRole('tab', { name: 'Channels', selected: true }).waitFor();

    for (const c of PROVIDER_CHANNELS) {
      const cardOf = card(c.name);
      await cardOf.waitFor();
      expect(await cardOf.count()).toBe(1);
      expect(await cardOf.locator(`svg[role="img"][aria-label="${c.icon}"]`).count()).toBeGreaterThan(0);
      // The URL the provider must call: the hub's public URL (the demo port) + the provider's webhook path.
      const url = new URL((await cardOf.getByTestId('channel-webhook-url').textContent())!.trim());
      expect(url.pathname).toBe(c.webhook);
      expect(url.port).toBe(new URL(baseUrl).port);
    }
    await card(API_CHANNEL).waitFor();
    apiChannelId = (await card(API_CHANNEL).getAttribute('data-channel-id'))!;
    expect(apiChannelId).toBeTruthy();
    await screenshot(page, 'settings-channels');
  });

  it('shows stored secrets only masked (••••) in the channel forms', async () => {
    for (const c of PROVIDER_CHANNELS) {
      await card(c.name)
        .getByRole('button', { name: `Edit ${c.name}` })
        .click();
      const dialog = page.getByRole('dialog', { name: `Edit ${c.name}` });
      await dialog.waitFor();
      for (const key of c.secretKeys) {
        const input = dialog.locator(`input[data-config-key="${key}"]`);
        await input.waitFor();
        expect(await input.getAttribute('type')).toBe('password');
        expect(await input.inputValue()).toBe(''); // write-only: never prefilled
        expect(await input.getAttribute('placeholder')).toMatch(/^••••.{1,4}$/);
      }
      if (c.name === 'Website chat (Chatwoot)') {
        // The demo pointed the channel at its Chatwoot sandbox.
        expect(await dialog.locator('input[data-config-key="baseUrl"]').inputValue()).toBe(sandboxUrls.chatwoot);
      }
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    const html = await page.content();
    for (const s of PLAINTEXT_SECRETS) expect(html, `plaintext secret ${s} in the page`).not.toContain(s);
  });

  it('"Test" on the SMS channel reaches the Twilio sandbox and shows OK', async () => {
    const sms = card('SMS (Twilio)');
    await sms.getByRole('button', { name: 'Test', exact: true }).click();
    const result = sms.getByTestId('channel-test-result');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute('data-ok')).toBe('true');
    await result.getByText('OK', { exact: true }).waitFor();
    await screenshot(page, 'settings-sms-test');
  });

  it('creates an INGEST API key: the hub_… secret is shown once', async () => {
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.waitForURL(/[?&]tab=api-keys/);
    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: /^Name/ }).fill(keyName);
    await dialog.getByRole('checkbox', { name: 'Ingest' }).check();
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const box = page.getByTestId('api-key-secret-box');
    await box.waitFor();
    secret = ((await box.getByTestId('api-key-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^hub_\S{20,}$/);
    await screenshot(page, 'settings-api-key-secret');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await box.waitFor({ state: 'detached' });

    // The list shows the key by its prefix only; the secret is nowhere on the page any more.
    await keyRow().waitFor();
    expect(await keyRow().getAttribute('data-revoked')).toBe('false');
    await keyRow().getByText('INGEST', { exact: true }).waitFor();
    const prefix = ((await keyRow().locator('code').first().textContent()) ?? '').replace(/…$/, '');
    expect(prefix.length).toBeGreaterThan(3);
    expect(secret.startsWith(prefix)).toBe(true);
    expect(await page.content()).not.toContain(secret);
  });

  it('a partner ingests a message with the key: it appears in the inbox', async () => {
    const input = ingestInput(1);
    const res = await graphqlWithKey<IngestData>(secret, INGEST, { input });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const payload = res.data!.ingestMessage!;
    expect(payload.errors).toEqual([]);
    expect(payload.created).toBe(true);
    expect(payload.message).toMatchObject({ type: 'INCOMING', content: input.content });
    expect(payload.thread?.customer?.name).toBe(partnerCustomer);
    ingestedThreadId = payload.thread!.id;

    // Redelivery of the same externalMessageId stores nothing new.
    const again = await graphqlWithKey<IngestData>(secret, INGEST, { input });
    expect(again.data?.ingestMessage?.created).toBe(false);
    expect(again.data?.ingestMessage?.message?.id).toBe(payload.message!.id);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
    const row = page.locator(`[data-testid="thread-row"][data-thread-id="${payload.thread!.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('thread-customer').textContent()).toBe(partnerCustomer);
    await row.getByTestId('thread-preview').filter({ hasText: input.content }).waitFor();
    await row.locator('svg[role="img"][aria-label="API / partner"]').waitFor();
    await row.click();
    await page.locator('[data-testid="message"][data-message-type="INCOMING"]', { hasText: input.content }).waitFor();
    await screenshot(page, 'settings-ingested-thread');
  });

  it('revoking the key refuses the same call', async () => {
    await openSettingsTab('API keys');
    await keyRow().waitFor();
    // The key's use is recorded.
    await expect.poll(async () => (await keyRow().locator('td').nth(4).textContent())?.trim()).not.toBe('never');
    await keyRow()
      .getByRole('button', { name: `Revoke ${keyName}` })
      .click();
    const confirm = page.getByRole('dialog', { name: 'Revoke API key?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.locator('[data-testid="api-key-row"][data-revoked="true"]').filter({ hasText: keyName }).waitFor();
    await keyRow()
      .getByText(/^Revoked/)
      .waitFor();

    const refused = await graphqlWithKey<IngestData>(secret, INGEST, { input: ingestInput(2) });
    const codes = [...(refused.errors ?? []).map((e) => e.extensions?.code), ...(refused.data?.ingestMessage?.errors ?? []).map((e) => e.code)];
    expect(refused.status === 401 || codes.some((c) => c === 'UNAUTHENTICATED' || c === 'FORBIDDEN'), `status ${refused.status}, codes ${codes}`).toBe(true);
    expect(refused.data?.ingestMessage?.created ?? false).toBe(false);

    // Nothing was stored by the refused call (the first message's thread has only the first message).
    const token = await page.evaluate(() => localStorage.getItem('hub.token'));
    const found = await graphqlAs<{ node: { messages: { edges: { node: { content: string } }[] } } }>(
      token!,
      `query($id: ID!) { node(id: $id) { ... on Thread { messages(last: 20) { edges { node { content } } } } } }`,
      { id: ingestedThreadId },
    );
    const contents = found.node.messages.edges.map((m) => m.node.content);
    expect(contents).toContain(ingestInput(1).content);
    expect(contents).not.toContain(ingestInput(2).content);
    await screenshot(page, 'settings-api-key-revoked');
    expect(consoleErrors.filter((e) => !/401|Unauthorized|Failed to load resource/i.test(e))).toEqual([]);
  });

  it('an agent has no Settings link and /settings shows no admin data', async () => {
    const { page: agent } = await newPage(browser);
    await loginAs(agent, SARAH);
    await agent.getByTestId('viewer-name').waitFor();
    const nav = agent.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Inbox' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    expect(await agent.getByTestId('nav-settings').count()).toBe(0);
    await agent.getByRole('button', { name: 'Account menu' }).click();
    await agent.getByRole('menuitem', { name: 'Sign out' }).waitFor();
    expect(await agent.getByRole('menuitem', { name: 'Settings' }).count()).toBe(0);
    await agent.keyboard.press('Escape');

    await agent.goto('/settings');
    await agent.getByText('Administrators only').waitFor();
    expect(await agent.getByTestId('settings-page').count()).toBe(0);
    expect(await agent.locator('[data-testid="channel-card"], [data-testid="api-key-row"]').count()).toBe(0);
    const html = await agent.content();
    expect(html).not.toContain(keyName);
    expect(html).not.toContain('••••');
    for (const s of PLAINTEXT_SECRETS) expect(html).not.toContain(s);
    await screenshot(agent, 'settings-agent');

    // The API refuses the admin data to the agent's session as well.
    const token = await agent.evaluate(() => localStorage.getItem('hub.token'));
    await expect(graphqlAs(token!, '{ apiKeys { id name } }')).rejects.toThrow(/not allowed/i);
    await expect(graphqlAs(token!, '{ channels { id configuration } }')).rejects.toThrow(/not allowed/i);
    await agent.context().close();
  });
});
