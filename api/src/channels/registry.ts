/**
 * Which adapter sends for which channel type, and each provider's reply
 * window. Channel types without an adapter store replies as PENDING for a
 * later adapter to deliver.
 */
import type { ChannelType } from '../generated/prisma/enums.js';
import type { ChannelAdapter } from './types.js';
import { whatsappAdapter } from './whatsapp/adapter.js';
import { WHATSAPP_WINDOW_MS } from './whatsapp/send.js';

export const adapters: Partial<Record<ChannelType, ChannelAdapter<never>>> = {
  WHATSAPP_BUSINESS: whatsappAdapter as ChannelAdapter<never>,
};

/**
 * Provider rule for free-form replies: the reply must come within `ms`
 * milliseconds of the customer's last message, else fails with `code`.
 * Source: WhatsApp Cloud API, "customer service windows" (24 h).
 */
export const replyWindows: Partial<Record<ChannelType, { ms: number; code: 'WHATSAPP_WINDOW_CLOSED' }>> = {
  WHATSAPP_BUSINESS: { ms: WHATSAPP_WINDOW_MS, code: 'WHATSAPP_WINDOW_CLOSED' },
};
