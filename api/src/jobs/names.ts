/** Job queue names (Job.queue). Handlers: jobs/handlers.ts. */
export const JOB = {
  /** Parse a stored webhook delivery and apply its events. Payload { inboundEventId }. */
  inboundProcess: 'inbound.process',
  /** Deliver one outgoing message through its provider. Payload { messageId }. */
  outboxDeliver: 'outbox.deliver',
  /** Find replies stranded as PENDING without a job (cron). */
  outboxSweep: 'outbox.sweep',
  /** Create or renew a channel's provider subscription, then schedule the next renewal. Payload { channelId }. */
  channelSubscription: 'channel.subscription',
  /** React to a provider lifecycle event. Payload { channelId, event }. */
  channelLifecycle: 'channel.lifecycle',
  /** Make sure every channel with provider subscriptions has its renewal job (cron). */
  subscriptionSweep: 'channel.subscription.sweep',
  /** Push a customer's profile to a provider contact record. Payload { customerId, channelId, providerContactId }. */
  contactSync: 'contact.sync',
  /** Purge every organization's data older than its retentionDays (cron, daily). */
  gdprRetention: 'gdpr.retention',
  /** Delete finished jobs older than 7 days (cron). */
  cleanup: 'jobs.cleanup',
} as const;
