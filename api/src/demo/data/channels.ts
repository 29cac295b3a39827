/**
 * Demo channel identities and development secrets. DEMO_PROVIDERS mirrors
 * api/test/fixtures/providers/channels.json (and ../shared/fixtures/providers/channels.json
 * beside the repository): the provider payload fixtures are signed with these
 * secrets and route to the demo organization by these external ids;
 * demo/seed.test.ts checks that they agree.
 * Development values only: never use them in production.
 */
import type { ChannelType } from '../../generated/prisma/enums.js';

export const DEMO_PROVIDERS = {
  organization: { slug: 'chargecars', name: 'ChargeCars', timezone: 'Europe/Amsterdam', locale: 'nl' },
  whatsapp: {
    phoneNumberId: '106540352242922',
    displayPhoneNumber: '31202152900',
    businessAccountId: '102290129340398',
    appSecret: 'dev-whatsapp-app-secret-7f3a91',
    verifyToken: 'dev-whatsapp-verify-token-c2d8',
    accessToken: 'dev-whatsapp-access-token-EAAG5x',
  },
  outlook: {
    tenantId: '5a1d7c3e-88b2-4f0e-9c61-2b7e4d90a1f3',
    mailboxUserId: '8f14e45f-ceea-467f-a0e6-1c2b3d4e5f60',
    mailboxAddress: 'klantenservice@chargecars.nl',
    subscriptionId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    clientState: 'dev-graph-client-state-41b7e2',
    clientId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
    clientSecret: 'dev-graph-client-secret',
  },
  sms: {
    accountSid: 'AC4f2b8e1d9c7a6b5e3f1d0c9b8a7e6d5c',
    authToken: 'dev-twilio-auth-token-90ab12cd',
    phoneNumber: '+3197010250466',
    webhookUrl: 'http://localhost:4000/webhooks/sms',
  },
  chatwoot: {
    accountId: 12,
    webhookSecret: 'dev-chatwoot-webhook-secret-5e6f',
    baseUrl: 'http://localhost:3000',
    apiAccessToken: 'dev-chatwoot-api-token-8c1d3f',
    inboxId: 31,
  },
} as const;

/**
 * The demo partner API channel: where the hub posts partner webhooks and the
 * secret it signs them with. Development values only (a local partner stub).
 */
export const DEMO_PARTNER_API = {
  webhookUrl: 'http://127.0.0.1:4010/hub-webhook',
  webhookSecret: 'dev-partner-webhook-secret-3b9e',
} as const;

/**
 * Configuration keys stored sealed (SecretBox) per channel type. Interim: the
 * lists will come from the channel adapters' `secretKeys`.
 */
export const CHANNEL_SECRET_KEYS: Partial<Record<ChannelType, readonly string[]>> = {
  WHATSAPP_BUSINESS: ['appSecret', 'verifyToken', 'accessToken'],
  EMAIL_OUTLOOK: ['clientState', 'clientSecret'],
  SMS: ['authToken'],
  CHATWOOT: ['webhookSecret', 'apiAccessToken'],
  API: ['webhookSecret'],
};

export type TeamName = 'Customer Service' | 'Technical Support' | 'Sales' | 'Management';

export interface DemoChannelSpec {
  key: 'whatsapp' | 'email' | 'sms' | 'phone' | 'chatwoot' | 'api' | 'internal';
  type: ChannelType;
  name: string;
  /** Routing key of inbound webhooks (WhatsApp phoneNumberId, Outlook mailboxUserId, SMS number, Chatwoot account id). */
  externalId: string | null;
  configuration: Record<string, unknown>;
  responseSlaHours: number | null;
  /** Team that receives new threads of this channel. */
  team: TeamName;
  /** Skills an agent needs to be picked by the auto-assignment. */
  requiredSkills: string[];
  /** Share of the demo threads that arrive on this channel. */
  weight: number;
}

const w = DEMO_PROVIDERS.whatsapp;
const o = DEMO_PROVIDERS.outlook;
const s = DEMO_PROVIDERS.sms;
const c = DEMO_PROVIDERS.chatwoot;

export const DEMO_CHANNELS: DemoChannelSpec[] = [
  {
    key: 'whatsapp',
    type: 'WHATSAPP_BUSINESS',
    name: 'WhatsApp ChargeCars',
    externalId: w.phoneNumberId,
    configuration: {
      phoneNumberId: w.phoneNumberId,
      displayPhoneNumber: w.displayPhoneNumber,
      businessAccountId: w.businessAccountId,
      appSecret: w.appSecret,
      verifyToken: w.verifyToken,
      accessToken: w.accessToken,
    },
    responseSlaHours: 2,
    team: 'Customer Service',
    requiredSkills: ['whatsapp'],
    weight: 35,
  },
  {
    key: 'email',
    type: 'EMAIL_OUTLOOK',
    name: 'Klantenservice mailbox',
    externalId: o.mailboxUserId,
    configuration: { ...o },
    responseSlaHours: 8,
    team: 'Customer Service',
    requiredSkills: [],
    weight: 35,
  },
  {
    key: 'sms',
    type: 'SMS',
    name: 'SMS (Twilio)',
    externalId: s.phoneNumber,
    configuration: { ...s },
    responseSlaHours: 4,
    team: 'Customer Service',
    requiredSkills: [],
    weight: 10,
  },
  {
    key: 'phone',
    type: 'PHONE_CALL',
    name: 'Telefoon klantenservice',
    externalId: '+31202152900',
    configuration: { displayPhoneNumber: '+31 20 215 2900', recordCalls: false, businessHours: 'Mon-Fri 08:30-17:30' },
    responseSlaHours: 24,
    team: 'Customer Service',
    requiredSkills: [],
    weight: 7,
  },
  {
    key: 'chatwoot',
    type: 'CHATWOOT',
    name: 'Website chat (Chatwoot)',
    externalId: String(c.accountId),
    configuration: { ...c },
    responseSlaHours: 1,
    team: 'Customer Service',
    requiredSkills: [],
    weight: 6,
  },
  {
    key: 'api',
    type: 'API',
    name: 'Partner API (Laderthuis, Meterkastthuis)',
    externalId: 'partners',
    configuration: { ...DEMO_PARTNER_API },
    responseSlaHours: 24,
    team: 'Sales',
    requiredSkills: [],
    weight: 4,
  },
  {
    key: 'internal',
    type: 'INTERNAL_TASK',
    name: 'Interne taken',
    externalId: null,
    configuration: {},
    responseSlaHours: null,
    team: 'Technical Support',
    requiredSkills: [],
    weight: 3,
  },
];
