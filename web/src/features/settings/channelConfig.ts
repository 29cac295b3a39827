import type { ChannelType } from '../../gql/graphql';
import { i18n } from '../../i18n';

/** One input of a channel's provider configuration (`Channel.configuration.<key>`). */
export interface ConfigField {
  key: string;
  label: string;
  description?: string;
  placeholder?: string;
  required?: boolean;
  /** Write-only on the API (masked "••••abcd" when read); edited as a password input. */
  secret?: boolean;
  /** A secret the hub invents and the provider echoes back: offers "Rotate" (random value). */
  generated?: boolean;
  type?: 'text' | 'url' | 'email' | 'tel' | 'number';
}

/** The configuration form of every channel type that talks to a provider. */
export const CHANNEL_CONFIG_FIELDS: Partial<Record<ChannelType, readonly ConfigField[]>> = {
  WHATSAPP_BUSINESS: [
    { key: 'phoneNumberId', label: 'Phone number ID', required: true, description: 'WhatsApp Cloud API phone number id' },
    { key: 'displayPhoneNumber', label: 'Display phone number', type: 'tel', placeholder: '+31 20 123 4567' },
    { key: 'businessAccountId', label: 'Business account ID', description: 'WhatsApp Business Account (WABA) id' },
    { key: 'appSecret', label: 'App secret', required: true, secret: true, description: 'Meta app secret (verifies webhook signatures)' },
    { key: 'verifyToken', label: 'Verify token', required: true, secret: true, generated: true, description: 'Entered in Meta when subscribing the webhook' },
    { key: 'accessToken', label: 'Access token', required: true, secret: true, description: 'System user access token' },
  ],
  EMAIL_OUTLOOK: [
    { key: 'tenantId', label: 'Tenant ID', required: true },
    { key: 'clientId', label: 'Client ID', required: true, description: 'App registration (application) id' },
    { key: 'clientSecret', label: 'Client secret', required: true, secret: true },
    { key: 'mailboxUserId', label: 'Mailbox user ID', required: true, description: 'Graph user id (or UPN) of the shared mailbox' },
    { key: 'mailboxAddress', label: 'Mailbox address', required: true, type: 'email', placeholder: 'support@example.com' },
    { key: 'clientState', label: 'Client state', required: true, secret: true, generated: true, description: 'Echoed by Graph change notifications (16–128 characters)' },
  ],
  SMS: [
    { key: 'accountSid', label: 'Account SID', required: true, placeholder: 'AC…' },
    { key: 'authToken', label: 'Auth token', required: true, secret: true },
    { key: 'phoneNumber', label: 'Phone number', required: true, type: 'tel', placeholder: '+3197010250466' },
    { key: 'webhookUrl', label: 'Webhook URL', required: true, type: 'url', description: 'The URL Twilio signs its requests for (as configured in Twilio)' },
  ],
  CHATWOOT: [
    { key: 'accountId', label: 'Account ID', required: true, type: 'number' },
    { key: 'baseUrl', label: 'Base URL', required: true, type: 'url', placeholder: 'https://app.chatwoot.com' },
    { key: 'apiAccessToken', label: 'API access token', required: true, secret: true },
    { key: 'webhookSecret', label: 'Webhook secret', required: true, secret: true, generated: true },
    { key: 'inboxId', label: 'Inbox ID', type: 'number' },
  ],
  API: [
    { key: 'webhookUrl', label: 'Webhook URL', type: 'url', description: 'Where the hub posts replies for the partner' },
    { key: 'webhookSecret', label: 'Webhook secret', secret: true, generated: true, description: 'Signs the hub\u2019s calls to the partner' },
  ],
};

/** Channel types an admin can create (the others are internal and exist already). */
export const CREATABLE_TYPES: readonly ChannelType[] = ['WHATSAPP_BUSINESS', 'EMAIL_OUTLOOK', 'SMS', 'CHATWOOT', 'API', 'PHONE_CALL'];

/**
 * The configuration inputs of a channel type, labels and descriptions in the UI language
 * (i18n `settings.config.<key>` / `settings.config.<key>_hint`; the provider's own terms such as
 * "Phone number ID" or "Tenant ID" stay as the provider's portal names them).
 */
export function configFieldsFor(type: ChannelType | null | undefined): readonly ConfigField[] {
  const fields = (type && CHANNEL_CONFIG_FIELDS[type]) || [];
  return fields.map((f) => ({
    ...f,
    label: i18n.t(`settings.config.${f.key}`, { defaultValue: f.label }),
    description: f.description && i18n.t(`settings.config.${type === 'API' ? 'partner' : ''}${f.key}_hint`, { defaultValue: f.description }),
  }));
}

/** A random secret for webhook verification (hex, 48 characters). */
export function randomSecret(bytes = 24): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** "input.configuration.appSecret" → "appSecret"; other fields ("input.name") → null. */
export function configKeyOf(path: string | null | undefined): string | null {
  const m = /^input\.configuration\.([^.]+)/.exec(path ?? '');
  return m ? m[1]! : null;
}

/** "input.name" → "name" (top-level channel inputs). */
export function topFieldOf(path: string | null | undefined): string | null {
  const m = /^input\.([^.]+)$/.exec(path ?? '');
  return m ? m[1]! : null;
}
