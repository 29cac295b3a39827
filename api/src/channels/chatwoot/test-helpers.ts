/**
 * Test helpers for the Chatwoot adapter: fixtures, an in-memory
 * ChannelDirectory and an AdapterIO.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { AdapterChannel, AdapterIO, ChannelDirectory, StoredWebhook } from '../types.js';
import type { ChatwootConfig } from './config.js';

/** Placeholder in message_updated fixtures for the id Chatwoot gave the hub's reply. */
export const OUTBOUND_MESSAGE_ID_PLACEHOLDER = '{{OUTBOUND_MESSAGE_ID}}';

/** Raw bytes of `api/test/fixtures/providers/chatwoot/<name>`, placeholders replaced when given. */
export function chatwootFixture(name: string, outboundMessageId?: number | string): Buffer {
  const url = new URL(`../../../test/fixtures/providers/chatwoot/${name}`, import.meta.url);
  const raw = readFileSync(fileURLToPath(url));
  if (outboundMessageId === undefined) return raw;
  return Buffer.from(raw.toString('utf8').replaceAll(OUTBOUND_MESSAGE_ID_PLACEHOLDER, String(outboundMessageId)), 'utf8');
}

/** The demo Chatwoot channel (test/fixtures/providers/channels.json). */
export const demoConfig: ChatwootConfig = {
  accountId: 12,
  webhookSecret: 'dev-chatwoot-webhook-secret-5e6f',
  baseUrl: 'http://localhost:3000',
  apiAccessToken: 'dev-chatwoot-api-token-8c1d3f',
  inboxId: 31,
};

export function channel(id: string, config: ChatwootConfig): AdapterChannel<ChatwootConfig> {
  return { id, organizationId: `org-${id}`, externalId: String(config.accountId), config };
}

export function directory(channels: AdapterChannel<ChatwootConfig>[]): ChannelDirectory<ChatwootConfig> {
  return {
    byRoutingKey: async (key) => channels.find((c) => c.externalId === key) ?? null,
    all: async () => channels,
  };
}

export function testIO(overrides: Partial<AdapterIO> = {}): AdapterIO {
  return {
    urls: {
      whatsappGraph: 'http://127.0.0.1:9/unused',
      graph: 'http://127.0.0.1:9/unused',
      microsoftLogin: 'http://127.0.0.1:9/unused',
      twilio: 'http://127.0.0.1:9/unused',
      public: 'http://localhost:4000',
    },
    fetch: (input, init) => fetch(input, init),
    now: () => new Date('2026-11-22T10:05:00Z'),
    logger: pino({ level: 'silent' }),
    cache: new Map(),
    ...overrides,
  };
}

export function stored(rawBody: Buffer | string, headers: Record<string, string> = {}, receivedAt = new Date('2026-11-22T10:00:00Z')): StoredWebhook {
  return { subpath: '', query: {}, headers, rawBody: rawBody.toString(), receivedAt };
}
