/**
 * Access to the provider fixtures in `api/test/fixtures/providers` (copied
 * from the shared folder; see its README.md): raw WhatsApp webhook bodies and
 * the demo channel identities of channels.json. The tests need nothing outside
 * the repository. Set HUB_PROVIDER_FIXTURES_DIR to read them from elsewhere.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding api/, web/, prisma/). */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Absolute path of the shared provider fixtures folder. */
export const providerFixturesDir = process.env.HUB_PROVIDER_FIXTURES_DIR ?? path.resolve(repoRoot, 'api/test/fixtures/providers');

/** Absolute path of the WhatsApp fixtures folder. */
export const whatsappFixturesDir = path.join(providerFixturesDir, 'whatsapp');

/** Placeholder in status fixtures for the wamid the hub got back when it sent the reply. */
export const OUTBOUND_WAMID_PLACEHOLDER = '{{OUTBOUND_WAMID}}';

/** File names of every WhatsApp fixture (sorted). */
export function listWhatsAppFixtures(): string[] {
  return readdirSync(whatsappFixturesDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/**
 * The raw bytes of `shared/fixtures/providers/whatsapp/<name>` exactly as on
 * disk (sign and post these; never re-serialise).
 * @param name file name, e.g. "text-nl.json"
 * @throws Error (ENOENT) for an unknown fixture
 */
export function loadWhatsAppFixture(name: string): Buffer {
  if (name.includes('/') || name.includes('\\')) throw new Error(`fixture name must be a bare file name: ${name}`);
  return readFileSync(path.join(whatsappFixturesDir, name));
}

/**
 * A status fixture with every `{{OUTBOUND_WAMID}}` replaced in the raw text.
 * @returns the new raw bytes (UTF-8)
 * @throws Error when the fixture has no placeholder (so a test cannot silently
 *   post a status for a message id that does not exist)
 */
export function fixtureWithWamid(name: string, wamid: string): Buffer {
  const text = loadWhatsAppFixture(name).toString('utf8');
  if (!text.includes(OUTBOUND_WAMID_PLACEHOLDER)) {
    throw new Error(`fixture ${name} has no ${OUTBOUND_WAMID_PLACEHOLDER} placeholder`);
  }
  // The wamid goes inside a JSON string; escape it like JSON would.
  const escaped = JSON.stringify(wamid).slice(1, -1);
  return Buffer.from(text.split(OUTBOUND_WAMID_PLACEHOLDER).join(escaped), 'utf8');
}

/** The demo channel identities and development secrets (channels.json). */
export interface DemoChannels {
  organization: { slug: string; name: string; timezone: string; locale: string };
  whatsapp: {
    phoneNumberId: string;
    displayPhoneNumber: string;
    businessAccountId: string;
    appSecret: string;
    verifyToken: string;
    accessToken: string;
  };
  outlook: Record<string, string>;
  sms: { accountSid: string; authToken: string; phoneNumber: string; webhookUrl: string };
  chatwoot: { accountId: number; webhookSecret: string; baseUrl: string; apiAccessToken: string; inboxId: number };
}

/** channels.json, parsed. */
export const demoChannels: DemoChannels = JSON.parse(readFileSync(path.join(providerFixturesDir, 'channels.json'), 'utf8')) as DemoChannels;

/** The demo WhatsApp channel identity and secrets. */
export const whatsappDemoChannel = demoChannels.whatsapp;
