/** Job queue names (Job.queue). Handlers: jobs/handlers.ts. */
export const JOB = {
  /** Parse a stored webhook delivery and apply its events. Payload { inboundEventId }. */
  inboundProcess: 'inbound.process',
  /** Deliver one message the hub sends (an agent's reply or a bot message) through its provider. Payload { messageId } (message.service.ts deliverMessage). */
  outboxDeliver: 'outbox.deliver',
  /** Find replies and bot messages stranded as PENDING without a job (cron). */
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
  /** Fire one SLA escalation step of a thread. Payload { threadId, target, step, dueAt } (sla/engine.ts). */
  slaStep: 'sla.step',
  /** Record an SLA clock's breach as a reporting fact, 1 s after its due date. Payload { threadId, target, dueAt } (sla/engine.ts recordSlaBreach). */
  slaBreach: 'sla.breach',
  /** Route a new thread to a team and assign it. Payload { threadId } (assignment module). */
  assignmentRoute: 'assignment.route',
  /** Give a team's queued threads to agents who have room. Payload { teamId } (assignment module). */
  assignmentDrain: 'assignment.drain',
  /** Reassign a thread nobody answered within its team's reassignAfterSeconds. Payload { threadId, assignedAt } (assignment module). */
  assignmentReassign: 'assignment.reassign',
  /** Mark agents AWAY/OFFLINE whose inbox went quiet (cron, assignment module). */
  availabilitySweep: 'assignment.availability',
  /** Fire a task reminder or overdue alert. Payload { taskId, kind, at } (task reminders). */
  taskReminder: 'task.reminder',
  /** Write the satisfaction survey of a resolved thread and hand it to the outbox. Payload { organizationId, threadId } (analytics/survey.ts). */
  surveySend: 'survey.send',
  /** End a thread's snooze at its time. Payload { organizationId, threadId, until } (thread/triage.service.ts endSnooze). */
  threadUnsnooze: 'thread.unsnooze',
  /** Delete finished jobs older than 7 days (cron). */
  cleanup: 'jobs.cleanup',
} as const;
