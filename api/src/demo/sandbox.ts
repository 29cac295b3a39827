/**
 * The demo's PROVIDER SANDBOX: loopback fakes of every provider the demo
 * channels talk to (api/src/sandbox/*), so `pnpm demo` never contacts a real
 * provider. Only the demo starts it; `pnpm start` (main.ts) never does.
 *
 * - WhatsApp Cloud API → WHATSAPP_GRAPH_BASE_URL
 * - Microsoft Graph + identity platform → GRAPH_BASE_URL, MICROSOFT_LOGIN_BASE_URL
 * - Twilio REST → TWILIO_API_BASE_URL
 * - Chatwoot installation → the Chatwoot channel's configuration.baseUrl
 * - partner system → the API channel's configuration.webhookUrl
 *
 * An explicit environment variable wins: a *_BASE_URL already set (or
 * DEMO_CHATWOOT_BASE_URL / DEMO_PARTNER_WEBHOOK_URL) is used as is and that
 * fake is not started. The fakes post signed delivery/read receipts back to
 * the hub's real webhooks a few seconds after each reply (Graph mail has no
 * receipts; the partner system answers synchronously).
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { startChatwootSandbox, type ChatwootSandbox } from '../sandbox/chatwoot.js';
import { startGraphSandbox, type GraphSandbox, type SandboxAttachment } from '../sandbox/graph.js';
import { startPartnerSandbox, type PartnerSandbox } from '../sandbox/partner.js';
import { startTwilioSandbox, type TwilioSandbox } from '../sandbox/twilio.js';
import { startFakeWhatsAppCloud, TINY_PDF, TINY_PNG, type FakeWhatsAppCloud } from '../sandbox/whatsapp.js';
import { DEMO_PARTNER_API, DEMO_PROVIDERS } from './data/channels.js';

/** Delay of each receipt step (sent → delivered → read), in milliseconds. */
export const DEMO_RECEIPT_DELAY_MS = 2_000;

export interface ProviderSandbox {
  whatsapp?: FakeWhatsAppCloud;
  graph?: GraphSandbox;
  twilio?: TwilioSandbox;
  chatwoot?: ChatwootSandbox;
  partner?: PartnerSandbox;
  /** What each provider points at: a fake's URL, or "<VAR> (from the environment)". */
  urls: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the fakes not overridden by the environment and sets the provider
 * base URL variables to them (call before `createApp()`, which reads them).
 * @param hubUrl the hub's loopback origin, e.g. `http://127.0.0.1:4000` (receipts go there)
 */
export async function startProviderSandbox(hubUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<ProviderSandbox> {
  const sb: ProviderSandbox = { urls: {}, close: async () => {} };
  const set = (name: string) => env[name] !== undefined && env[name] !== '';

  if (set('WHATSAPP_GRAPH_BASE_URL')) sb.urls.whatsapp = `${env.WHATSAPP_GRAPH_BASE_URL} (WHATSAPP_GRAPH_BASE_URL)`;
  else {
    sb.whatsapp = await startFakeWhatsAppCloud({
      receipts: { hubWebhookUrl: `${hubUrl}/webhooks/whatsapp`, appSecret: DEMO_PROVIDERS.whatsapp.appSecret, delayMs: DEMO_RECEIPT_DELAY_MS },
    });
    env.WHATSAPP_GRAPH_BASE_URL = sb.whatsapp.baseUrl;
    sb.urls.whatsapp = sb.whatsapp.baseUrl;
  }

  if (set('GRAPH_BASE_URL') || set('MICROSOFT_LOGIN_BASE_URL')) {
    sb.urls.graph = `${env.GRAPH_BASE_URL ?? '(default)'} / ${env.MICROSOFT_LOGIN_BASE_URL ?? '(default)'} (GRAPH_BASE_URL / MICROSOFT_LOGIN_BASE_URL)`;
  } else {
    const o = DEMO_PROVIDERS.outlook;
    sb.graph = await startGraphSandbox({
      notify: { hubWebhookUrl: `${hubUrl}/webhooks/outlook`, clientState: o.clientState, subscriptionId: o.subscriptionId, tenantId: o.tenantId },
    });
    env.GRAPH_BASE_URL = sb.graph.graphUrl;
    env.MICROSOFT_LOGIN_BASE_URL = sb.graph.url;
    sb.urls.graph = sb.graph.url;
  }

  if (set('TWILIO_API_BASE_URL')) sb.urls.twilio = `${env.TWILIO_API_BASE_URL} (TWILIO_API_BASE_URL)`;
  else {
    const s = DEMO_PROVIDERS.sms;
    sb.twilio = await startTwilioSandbox({
      accountSid: s.accountSid,
      authToken: s.authToken,
      phoneNumbers: [s.phoneNumber],
      receipts: { delayMs: DEMO_RECEIPT_DELAY_MS, statuses: ['sent', 'delivered'] },
    });
    env.TWILIO_API_BASE_URL = sb.twilio.url;
    sb.urls.twilio = sb.twilio.url;
  }

  if (set('DEMO_CHATWOOT_BASE_URL')) sb.urls.chatwoot = `${env.DEMO_CHATWOOT_BASE_URL} (DEMO_CHATWOOT_BASE_URL)`;
  else {
    const c = DEMO_PROVIDERS.chatwoot;
    sb.chatwoot = await startChatwootSandbox({
      accountId: c.accountId,
      apiAccessToken: c.apiAccessToken,
      inboxId: c.inboxId,
      receipts: { hubWebhookUrl: `${hubUrl}/webhooks/chatwoot`, webhookSecret: c.webhookSecret, accountId: c.accountId, delayMs: DEMO_RECEIPT_DELAY_MS },
    });
    sb.urls.chatwoot = sb.chatwoot.url;
  }

  if (set('DEMO_PARTNER_WEBHOOK_URL')) sb.urls.partner = `${env.DEMO_PARTNER_WEBHOOK_URL} (DEMO_PARTNER_WEBHOOK_URL)`;
  else {
    sb.partner = await startPartnerSandbox({ webhookSecret: DEMO_PARTNER_API.webhookSecret });
    sb.urls.partner = sb.partner.url;
  }

  sb.close = async () => {
    await Promise.allSettled([sb.whatsapp?.close(), sb.graph?.close(), sb.twilio?.close(), sb.chatwoot?.close(), sb.partner?.close()]);
  };
  return sb;
}

/**
 * Points the demo Chatwoot channel's `configuration.baseUrl` and the API
 * channel's `configuration.webhookUrl` at the fakes (or at
 * DEMO_CHATWOOT_BASE_URL / DEMO_PARTNER_WEBHOOK_URL). Neither key is a sealed
 * secret, so the JSON is updated in place.
 * @returns the number of channel rows changed
 */
export async function pointDemoChannels(prisma: PrismaClient, sb: ProviderSandbox, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const targets: Array<{ type: 'CHATWOOT' | 'API'; externalId: string; key: string; value: string | undefined }> = [
    { type: 'CHATWOOT', externalId: String(DEMO_PROVIDERS.chatwoot.accountId), key: 'baseUrl', value: env.DEMO_CHATWOOT_BASE_URL || sb.chatwoot?.url },
    { type: 'API', externalId: 'partners', key: 'webhookUrl', value: env.DEMO_PARTNER_WEBHOOK_URL || sb.partner?.url },
  ];
  let changed = 0;
  for (const t of targets) {
    if (!t.value) continue;
    const rows = await prisma.channel.findMany({ where: { type: t.type, externalId: t.externalId }, select: { id: true, configuration: true } });
    for (const row of rows) {
      const configuration = { ...((row.configuration ?? {}) as Record<string, unknown>) };
      if (configuration[t.key] === t.value) continue;
      configuration[t.key] = t.value;
      await prisma.channel.update({ where: { id: row.id }, data: { configuration: configuration as Prisma.InputJsonValue, updatedAt: new Date() } });
      changed++;
    }
  }
  return changed;
}

/**
 * Makes the fakes serve the attachments the demo seed wrote (and the replayed fixtures brought), as the providers would: each WhatsApp
 * media id (`GET /{media-id}` and its download URL) and each Outlook attachment
 * (`…/messages/{id}/attachments/{aid}/$value`, the seed's `<message id>/<attachment id>`), with a
 * tiny PNG for images and a tiny PDF otherwise. Without it every seeded thumbnail in the inbox
 * answered 502. A provider pointed elsewhere by the environment (no fake here) is left alone.
 * The fakes keep nothing across restarts: call on every start.
 * @returns how many attachments each fake now serves
 */
export async function registerDemoMedia(prisma: PrismaClient, sb: ProviderSandbox): Promise<{ whatsapp: number; outlook: number }> {
  const served = { whatsapp: 0, outlook: 0 };
  if (!sb.whatsapp && !sb.graph) return served;
  const rows = await prisma.$queryRaw<{ type: string; attachments: Array<{ providerMediaId?: string; mimeType?: string; fileName?: string }> }[]>`
    SELECT c.type::text AS type, m.attachments FROM "Message" m JOIN "Channel" c ON c.id = m."channelId"
     WHERE c.type IN ('WHATSAPP_BUSINESS', 'EMAIL_OUTLOOK') AND jsonb_array_length(m.attachments) > 0`;
  const outlook = new Map<string, SandboxAttachment[]>();
  for (const row of rows) {
    for (const a of row.attachments) {
      if (!a.providerMediaId) continue;
      const mimeType = a.mimeType ?? 'application/octet-stream';
      if (row.type === 'WHATSAPP_BUSINESS' && sb.whatsapp) {
        sb.whatsapp.addMedia(a.providerMediaId, { mimeType });
        served.whatsapp++;
      } else if (row.type === 'EMAIL_OUTLOOK' && sb.graph) {
        const slash = a.providerMediaId.indexOf('/');
        if (slash <= 0) continue;
        const messageId = a.providerMediaId.slice(0, slash);
        const list = outlook.get(messageId) ?? [];
        list.push({
          id: a.providerMediaId.slice(slash + 1),
          name: a.fileName ?? 'attachment',
          contentType: mimeType,
          bytes: mimeType.startsWith('image/') ? TINY_PNG : TINY_PDF,
        });
        outlook.set(messageId, list);
        served.outlook++;
      }
    }
  }
  for (const [id, attachments] of outlook) sb.graph?.addMessage({ id }, { attachments });
  return served;
}

/** One line listing where each provider points. */
export function describeSandbox(sb: ProviderSandbox): string {
  return Object.entries(sb.urls)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
