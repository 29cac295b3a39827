/**
 * Replays the provider payload fixtures (api/test/fixtures/providers/) through
 * the hub's real webhooks, signed with the demo channels' secrets
 * (DEMO_PROVIDERS), so the demo inbox has fresh conversations on every
 * provider. Replaying again changes nothing (provider-id dedupe).
 *
 * - WhatsApp: every non-status payload, oldest first, timestamps shifted so
 *   the newest arrives a minute ago (the 24-hour window stays open).
 * - Graph (Outlook): the `message-*.json` responses are registered with the
 *   Graph sandbox (dates shifted to now), then `notification-created.json` and
 *   `notification-reply-created.json` are POSTed to /webhooks/outlook.
 * - Twilio (SMS): `inbound-sms.form`, `inbound-mms.form`, signed over the
 *   channel's configured webhookUrl with the auth token; the MMS picture is
 *   re-hosted on the Twilio sandbox (the fixture's api.twilio.com URL is not reachable).
 * - Chatwoot: `message_created.json`, `conversation_status_changed.json`
 *   (dates shifted), signed with a fresh X-Chatwoot-Timestamp.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chatwootWebhookHeaders } from '../channels/chatwoot/signature.js';
import { computeTwilioSignature } from '../channels/sms/signature.js';
import { signWhatsAppBody } from '../channels/whatsapp/signature.js';
import { repoRoot } from '../config.js';
import type { SandboxAttachment } from '../sandbox/graph.js';
import { TINY_PDF, TINY_PNG } from '../sandbox/whatsapp.js';
import { DEMO_PROVIDERS } from './data/channels.js';
import type { ProviderSandbox } from './sandbox.js';

export interface ReplayResult {
  provider: string;
  file: string;
  /** The hub's HTTP status; 0 when not sent (`note` says why). */
  status: number;
  note?: string;
}

/** The fixtures in this repository, else beside it (../shared), else null. */
export function findFixturesDir(): string | null {
  for (const dir of [path.join(repoRoot, 'api/test/fixtures/providers'), path.resolve(repoRoot, '../shared/fixtures/providers')]) {
    if (existsSync(dir)) return dir;
  }
  return null;
}

/** Adds `shiftSeconds` to every unix-seconds "timestamp" in the raw text (the bytes stay Meta's otherwise). */
export function shiftTimestamps(raw: string, shiftSeconds: number): string {
  return raw.replace(/"timestamp":"(\d+)"/g, (_m, ts: string) => `"timestamp":"${Number(ts) + shiftSeconds}"`);
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UNIX_KEYS = new Set(['created_at', 'updated_at', 'timestamp', 'last_activity_at']);

/** Every date in a JSON value: ISO strings (…Z) and unix seconds under created_at/timestamp-like keys, in ms. */
function collectDates(v: unknown, key = '', out: number[] = []): number[] {
  if (typeof v === 'string' && ISO_RE.test(v)) out.push(Date.parse(v));
  else if (typeof v === 'number' && UNIX_KEYS.has(key) && v > 1e9 && v < 1e10) out.push(v * 1000);
  else if (Array.isArray(v)) for (const x of v) collectDates(x, key, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collectDates(x, k, out);
  return out;
}

/** A copy with every date moved by `shiftMs` (same forms as {@link collectDates}). */
function shiftDates<T>(v: T, shiftMs: number, key = ''): T {
  if (typeof v === 'string' && ISO_RE.test(v)) {
    const iso = new Date(Date.parse(v) + shiftMs).toISOString();
    return (v.includes('.') ? iso : iso.replace(/\.\d{3}Z$/, 'Z')) as T;
  }
  if (typeof v === 'number' && UNIX_KEYS.has(key) && v > 1e9 && v < 1e10) return (v + Math.round(shiftMs / 1000)) as T;
  if (Array.isArray(v)) return v.map((x) => shiftDates(x, shiftMs, key)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shiftDates(x, shiftMs, k)])) as T;
  return v;
}

/** The shift that moves the newest date of `docs` to a minute ago. */
function shiftToNow(docs: unknown[]): number {
  const dates = docs.flatMap((d) => collectDates(d));
  return dates.length ? Date.now() - 60_000 - Math.max(...dates) : 0;
}

async function post(url: string, headers: Record<string, string>, body: string | Buffer): Promise<number> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function replayWhatsApp(dir: string, hub: string): Promise<ReplayResult[]> {
  const stamps = (raw: string) => [...raw.matchAll(/"timestamp":"(\d+)"/g)].map((m) => Number(m[1]));
  // In the order the customers wrote them, as Meta would deliver them.
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('status-'))
    .map((file) => ({ file, raw: readFileSync(path.join(dir, file), 'utf8') }))
    .sort((a, b) => Math.min(...stamps(a.raw)) - Math.min(...stamps(b.raw)));
  const newest = Math.max(...fixtures.flatMap((f) => stamps(f.raw)));
  const shift = Math.floor(Date.now() / 1000) - 60 - newest;
  const results: ReplayResult[] = [];
  for (const { file, raw } of fixtures) {
    const body = Buffer.from(shiftTimestamps(raw, shift), 'utf8');
    const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(body, DEMO_PROVIDERS.whatsapp.appSecret) };
    results.push({ provider: 'whatsapp', file, status: await post(`${hub}/webhooks/whatsapp`, headers, body) });
  }
  return results;
}

async function replayGraph(dir: string, hub: string, sb: ProviderSandbox): Promise<ReplayResult[]> {
  const files = ['notification-created.json', 'notification-reply-created.json'].filter((f) => existsSync(path.join(dir, f)));
  if (!sb.graph) return files.map((file) => ({ provider: 'outlook', file, status: 0, note: 'GRAPH_BASE_URL set: Graph sandbox not started' }));
  const messages = readdirSync(dir)
    .filter((f) => /^message-.+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { id: string } & Record<string, unknown>);
  // The newest of the mails the notifications name arrives a minute ago (other fixtures move with them).
  const notified = new Set(
    files.flatMap((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { value: { resourceData?: { id?: string } }[] }).value.map((n) => n.resourceData?.id)),
  );
  const shift = shiftToNow(messages.filter((m) => notified.has(m.id)));
  for (const m of messages) {
    const attFile = path.join(dir, `attachments-${m.id.replace(/=+$/, '')}.json`);
    const attachments: SandboxAttachment[] = existsSync(attFile)
      ? (JSON.parse(readFileSync(attFile, 'utf8')) as { value: Array<Record<string, unknown>> }).value.map((a) => ({
          id: String(a.id),
          name: String(a.name),
          contentType: String(a.contentType),
          bytes: String(a.contentType).startsWith('image/') ? TINY_PNG : TINY_PDF,
          isInline: Boolean(a.isInline),
          contentId: (a.contentId as string | null) ?? null,
        }))
      : [];
    sb.graph.addMessage(shiftDates(m, shift), { attachments });
  }
  const results: ReplayResult[] = [];
  for (const file of files) {
    const body = readFileSync(path.join(dir, file));
    results.push({ provider: 'outlook', file, status: await post(`${hub}/webhooks/outlook`, { 'content-type': 'application/json' }, body) });
  }
  return results;
}

async function replayTwilio(dir: string, hub: string, sb: ProviderSandbox): Promise<ReplayResult[]> {
  const s = DEMO_PROVIDERS.sms;
  const results: ReplayResult[] = [];
  for (const file of ['inbound-sms.form', 'inbound-mms.form']) {
    if (!existsSync(path.join(dir, file))) continue;
    const params = new URLSearchParams(readFileSync(path.join(dir, file), 'utf8').trim());
    const numMedia = Number(params.get('NumMedia') ?? 0);
    for (let i = 0; i < numMedia && sb.twilio; i++) {
      // The fixture's media lives on api.twilio.com; serve a small picture from the sandbox instead.
      params.set(`MediaContentType${i}`, 'image/png');
      params.set(`MediaUrl${i}`, sb.twilio.addMedia('image/png', TINY_PNG, params.get('MessageSid') ?? undefined));
    }
    // Signed over the URL configured at Twilio (the channel's webhookUrl), posted to the hub's loopback address.
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': computeTwilioSignature(s.authToken, s.webhookUrl, params),
      'i-twilio-idempotency-token': randomUUID(),
    };
    results.push({ provider: 'sms', file, status: await post(`${hub}/webhooks/sms`, headers, params.toString()) });
  }
  return results;
}

async function replayChatwoot(dir: string, hub: string): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const docs = ['message_created.json', 'conversation_status_changed.json']
    .filter((f) => existsSync(path.join(dir, f)))
    .map((file) => ({ file, json: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown }));
  const shift = shiftToNow(docs.map((d) => d.json));
  for (const { file, json } of docs) {
    const body = JSON.stringify(shiftDates(json, shift));
    const headers = chatwootWebhookHeaders(body, DEMO_PROVIDERS.chatwoot.webhookSecret, `demo-${file}`);
    results.push({ provider: 'chatwoot', file, status: await post(`${hub}/webhooks/chatwoot`, headers, body) });
  }
  return results;
}

/** Replays every provider's fixtures; a provider whose folder is absent is skipped. */
export async function replayProviderFixtures(hub: string, sb: ProviderSandbox, fixturesDir: string): Promise<ReplayResult[]> {
  const sub = (name: string) => {
    const dir = path.join(fixturesDir, name);
    return existsSync(dir) ? dir : null;
  };
  const results: ReplayResult[] = [];
  const w = sub('whatsapp');
  if (w) results.push(...(await replayWhatsApp(w, hub)));
  const g = sub('graph');
  if (g) results.push(...(await replayGraph(g, hub, sb)));
  const t = sub('twilio');
  if (t) results.push(...(await replayTwilio(t, hub, sb)));
  const c = sub('chatwoot');
  if (c) results.push(...(await replayChatwoot(c, hub)));
  return results;
}
