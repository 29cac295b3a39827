/**
 * Every provider the hub speaks, one line each. Adding a provider = one folder
 * under channels/ + one line here; the webhook edge, the outbox, media and
 * channel administration find it through this registry.
 */
import type { ChannelType, IdentityKind } from '../generated/prisma/enums.js';
import type { ChannelAdapter } from './types.js';
import { apiAdapter } from './api/adapter.js';
import { chatwootAdapter } from './chatwoot/adapter.js';
import { outlookAdapter } from './outlook/adapter.js';
import { smsAdapter } from './sms/adapter.js';
import { whatsappAdapter } from './whatsapp/adapter.js';

// biome-ignore lint/suspicious/noExplicitAny: one list of adapters with different config types
type AnyAdapter = ChannelAdapter<any>;

const all: AnyAdapter[] = [whatsappAdapter, outlookAdapter, smsAdapter, chatwootAdapter, apiAdapter];

/** Adapters by channel type. Types absent here (PHONE_CALL, internal types) have no provider. */
export const adapters: Partial<Record<ChannelType, AnyAdapter>> = Object.fromEntries(all.map((a) => [a.channelType, a]));

/** Adapters by their webhook path segment (`/webhooks/<provider>`). */
export const adaptersByProvider: ReadonlyMap<string, AnyAdapter> = new Map(all.map((a) => [a.provider, a]));

/** The adapter of a channel type, or undefined when the type has no provider. */
export function adapterFor(type: ChannelType): AnyAdapter | undefined {
  return adapters[type];
}

/** Identity kinds whose values are unique only within one channel, as the adapters declare them (ChannelAdapter.channelScopedIdentities). */
export const channelScopedIdentityKinds: ReadonlySet<IdentityKind> = new Set(all.flatMap((a) => a.channelScopedIdentities ?? []));

/** Each channel type's response-time goal in business seconds, as its adapter declares it (ChannelAdapter.responseGoalSeconds). */
export const channelResponseGoalSeconds: Readonly<Partial<Record<ChannelType, number>>> = Object.fromEntries(
  all.flatMap((a) => (a.responseGoalSeconds === undefined ? [] : [[a.channelType, a.responseGoalSeconds] as const])),
);

/** The identity kinds that hold a phone number in a provider's notation, as the adapters declare them (ChannelAdapter.phoneIdentity). */
export const phoneIdentities: readonly NonNullable<ChannelAdapter['phoneIdentity']>[] = all.flatMap((a) => (a.phoneIdentity ? [a.phoneIdentity] : []));

/**
 * The reply windows the adapters declare (ChannelAdapter.replyWindow), in words for schema descriptions and
 * docs: "WHATSAPP_BUSINESS: lastInboundAt + 24 h, then WHATSAPP_WINDOW_CLOSED".
 */
export const replyWindowsInWords: string = all
  .flatMap((a) => (a.replyWindow ? [`${a.channelType}: lastInboundAt + ${a.replyWindow.ms / 3_600_000} h, then ${a.replyWindow.code}`] : []))
  .join('; ');

/** The error codes of the adapters' reply windows and opt-outs (ChannelAdapter.replyWindow, .optOut), e.g. "WHATSAPP_WINDOW_CLOSED, SMS_OPTED_OUT". */
export const windowAndOptOutCodes: string = all.flatMap((a) => [a.replyWindow?.code, a.optOut?.code].filter((c): c is string => !!c)).join(', ');

/** Every provider error code with its user-facing message (for typed errors). */
export const providerErrorMessages: Readonly<Record<string, string>> = Object.assign({}, ...all.map((a) => a.errors));
