/**
 * Shared helpers of the Outlook adapter tests (not a test file itself):
 * fixtures, the demo channel and an AdapterIO pointed at the Graph sandbox.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { GraphMessageJson, GraphSandbox, SandboxAttachment } from '../../sandbox/graph.js';
import type { AdapterChannel, AdapterIO, ChannelDirectory, StoredWebhook, WebhookRequest } from '../types.js';
import type { OutlookConfig } from './config.js';

export const GRAPH_FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/providers/graph');

/** The raw text of a fixture file. */
export function graphFixture(name: string): string {
  return readFileSync(path.join(GRAPH_FIXTURES_DIR, name), 'utf8');
}

export function graphFixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(graphFixture(name)) as T;
}

const demo = JSON.parse(readFileSync(path.join(GRAPH_FIXTURES_DIR, '../channels.json'), 'utf8')).outlook as Record<string, string>;

export const DEMO_OUTLOOK = {
  tenantId: demo.tenantId!,
  clientId: demo.clientId!,
  clientSecret: demo.clientSecret!,
  mailboxUserId: demo.mailboxUserId!,
  mailboxAddress: demo.mailboxAddress!,
  clientState: demo.clientState!,
  subscriptionId: demo.subscriptionId!,
};

export function demoChannel(config: Partial<OutlookConfig> = {}, id = 'chan_outlook_demo'): AdapterChannel<OutlookConfig> {
  return {
    id,
    organizationId: 'org_demo',
    externalId: config.mailboxUserId ?? DEMO_OUTLOOK.mailboxUserId,
    config: { ...DEMO_OUTLOOK, ...config },
  };
}

export function makeIO(sandbox: Pick<GraphSandbox, 'url' | 'graphUrl'>, opts: { now?: () => Date; publicUrl?: string } = {}): AdapterIO {
  return {
    urls: {
      whatsappGraph: 'http://127.0.0.1:9/v21.0',
      graph: sandbox.graphUrl,
      microsoftLogin: sandbox.url,
      twilio: 'http://127.0.0.1:9',
      public: opts.publicUrl ?? 'https://hub.example.test',
    },
    fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(10_000) }),
    now: opts.now ?? (() => new Date()),
    logger: pino({ level: 'silent' }),
    cache: new Map(),
  };
}

/** The bytes the sandbox serves for a fixture attachment: a file of the listed size with a plausible header. */
function fakeBytes(contentType: string, size: number): Buffer {
  const head = contentType === 'application/pdf' ? Buffer.from('%PDF-1.4\n') : Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x20)]);
}

/** Registers the three message fixtures (and the attachments of AAMkAGI2TG96DDD=) in the sandbox. */
export function addFixtureMessages(sandbox: GraphSandbox): void {
  for (const name of ['message-AAMkAGI2TG93AAA.json', 'message-AAMkAGI2TG94BBB.json']) {
    sandbox.addMessage(graphFixtureJson<GraphMessageJson>(name));
  }
  const list = graphFixtureJson<{ value: Array<{ id: string; name: string; contentType: string; size: number; isInline: boolean; contentId: string | null }> }>(
    'attachments-AAMkAGI2TG96DDD.json',
  );
  const attachments: SandboxAttachment[] = list.value.map((a) => ({
    id: a.id,
    name: a.name,
    contentType: a.contentType,
    isInline: a.isInline,
    contentId: a.contentId,
    bytes: fakeBytes(a.contentType, a.size),
  }));
  sandbox.addMessage(graphFixtureJson<GraphMessageJson>('message-AAMkAGI2TG96DDD.json'), { attachments });
}

export function storedWebhook(rawBody: string, subpath = ''): StoredWebhook {
  return { subpath, query: {}, headers: { 'content-type': 'application/json' }, rawBody, receivedAt: new Date() };
}

export function webhookRequest(rawBody: string | Buffer, opts: Partial<WebhookRequest> = {}): WebhookRequest {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return {
    method: 'POST',
    subpath: '',
    query: {},
    headers: { 'content-type': 'application/json; charset=utf-8' },
    rawBody: body,
    publicUrl: 'https://hub.example.test/webhooks/outlook',
    ...opts,
  };
}

export function directory(channels: AdapterChannel<OutlookConfig>[]): ChannelDirectory<OutlookConfig> {
  return {
    byRoutingKey: async (key) => channels.find((c) => c.externalId?.toLowerCase() === key.toLowerCase()) ?? null,
    all: async () => channels,
  };
}
