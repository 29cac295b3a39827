/**
 * Configuration of an API channel (ChannelType API): a partner system that
 * sends customer messages in through the GraphQL `ingestMessage` mutation and
 * receives the hub's replies as signed webhooks at `webhookUrl`.
 */
import { z } from 'zod';

/** Hosts where plain http is allowed (development, the loopback sandbox). */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export const apiChannelConfigSchema = z.object({
  /** Where replies are POSTed; https, except on localhost / 127.0.0.1. */
  webhookUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || LOCAL_HOSTS.has(url.hostname);
  }, 'webhookUrl must use https (http only for localhost or 127.0.0.1)'),
  /** Shared HMAC key of X-Hub-Signature-256, at least 16 characters. Secret. */
  webhookSecret: z.string().min(16, 'webhookSecret must be at least 16 characters'),
});

export type ApiChannelConfig = z.infer<typeof apiChannelConfigSchema>;

export const API_SECRET_KEYS = ['webhookSecret'] as const;
