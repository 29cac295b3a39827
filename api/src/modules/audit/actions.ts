/**
 * Every `AuditLog.action` the hub writes, in one naming scheme:
 * `<entity>.<verb>`: the entity is the row's `entityType` in lower camel case
 * (`Thread` → `thread`, `ApiKey` → `apiKey`), the verb is in the present tense
 * in lower camel case (`create`, `update`, `refuseLogin`). The demo seed writes
 * the same names. `writeAudit` accepts only these, so a new action is added here,
 * with a line saying when it is written (docs/security.md lists them too).
 */
export const AUDIT_ACTIONS = {
  // Users and sessions (entityType User)
  'user.login': 'a password login succeeded',
  'user.refuseLogin': 'a login was refused (wrong password or locked; the reason is in changes)',
  'user.lock': 'too many failed logins: the e-mail address is locked for a growing period',
  'user.logout': 'the user ended their session',
  'user.revokeSessions': 'an admin ended every session of the user',
  'user.deactivate': 'an admin deactivated the user (sessions ended)',
  'user.updatePreferences': 'the user changed their own UI language or time zone (updateMyPreferences)',
  // API keys (ApiKey)
  'apiKey.create': 'an admin created a key (the secret is never stored)',
  'apiKey.revoke': 'an admin revoked a key',
  'apiKey.use': 'first use of the key on a UTC day',
  // Channels (Channel)
  'channel.create': 'an admin created a channel (secrets masked)',
  'channel.update': 'an admin changed a channel (secrets masked)',
  'channel.rotateSecrets': 'pnpm hub rotate-secrets re-sealed the channel secrets',
  // Customers (Customer)
  'customer.create': 'created by an agent or by ingestion of a first message',
  'customer.update': 'changed by an agent, by ingestion or by a provider contact update',
  'customer.optOut': 'the customer opted out of a channel (e.g. SMS STOP)',
  'customer.optIn': 'the customer opted in again (e.g. SMS START)',
  'customer.delete': 'soft-deleted',
  'customer.restore': 'soft delete undone',
  'customer.export': 'exportCustomerData produced the GDPR export',
  'customer.anonymize': 'anonymizeCustomer erased the personal data (the erased values are not in the row)',
  'customer.merge': 'mergeCustomers folded a duplicate into the primary (ids of the identities and threads moved, fields filled, enough to reverse it)',
  // Threads (Thread)
  'thread.create': 'created by an agent or by ingestion',
  'thread.update': 'status, priority, due dates or first response changed (by a person, a reply or an inbound message)',
  'thread.assign': 'assignee or team changed, by a person or by automatic assignment (then with the strategy and the candidates considered)',
  'thread.escalate': 'escalated by an SLA step (status ESCALATED, priority raised one step)',
  'thread.fireSlaStep': 'an SLA escalation step fired (target, action, due date, percent used, recipients)',
  'thread.queue': 'automatic assignment found no candidate: the thread waits in its team queue (reason)',
  'thread.route': 'a routing rule sent the thread to a team (rule, required skills)',
  'thread.sendSurvey': 'the satisfaction survey was written to the customer after the resolution (message, scale, language, link expiry)',
  'thread.rate': 'the customer rated the thread through the survey link, or changed the rating (scores; whether there is a comment, never its text)',
  'thread.delete': 'soft-deleted',
  'thread.restore': 'soft delete undone',
  'thread.snooze': 'snoozeThread (or bulkUpdateThreads) hid the thread until a time (snoozedUntil before and after)',
  'thread.unsnooze': "a snooze ended: unsnoozeThread, its time came (reason 'snooze ended') or the customer wrote (reason 'customer message')",
  'thread.merge': "mergeThreads moved the messages and tasks of source threads into a target and closed the sources (ids moved, sources' state before, enough to reverse it)",
  // Messages (Message)
  'message.ingest': 'an inbound message was stored',
  'message.reply': 'an agent posted a reply',
  'message.note': 'an agent posted an internal note',
  'message.logCall': 'an agent logged a phone call',
  'message.deliver': 'the provider accepted a reply',
  'message.fail': 'a reply failed for good (refused, or the outbox gave up)',
  'message.retry': 'an agent sent a failed reply again',
  // Inbound webhook deliveries (InboundEvent)
  'inboundEvent.replay': 'an admin replayed a stored webhook delivery',
  // Tasks (Task)
  'task.create': 'created',
  'task.update': 'changed',
  'task.complete': 'completed',
  'task.remind': 'a reminder of the task fired (or its overdue alert)',
  // Templates (Template)
  'template.create': 'created',
  'template.update': 'changed',
  'template.use': 'a reply was sent from the template',
  // SLA settings (BusinessCalendar, SlaPolicy)
  'businessCalendar.create': 'a manager created a business calendar',
  'businessCalendar.update': 'a manager changed a business calendar',
  'businessCalendar.delete': 'a manager deleted a business calendar',
  'slaPolicy.create': 'a manager created an SLA policy',
  'slaPolicy.update': 'a manager changed an SLA policy',
  'slaPolicy.delete': 'a manager deleted an SLA policy',
  // Assignment (RoutingRule, Team)
  'routingRule.create': 'a manager created a routing rule',
  'routingRule.update': 'a manager changed a routing rule',
  'routingRule.delete': 'a manager deleted a routing rule',
  'team.update': 'team assignment settings changed',
  'team.addMember': 'a user joined the team',
  'team.removeMember': 'a user left the team',
  // Organization (Organization)
  'organization.update': 'settings changed (e.g. retention)',
  'organization.purge': 'the retention job purged raw bodies and soft-deleted rows',
} as const;

/** One of the names in AUDIT_ACTIONS. */
export type AuditAction = keyof typeof AUDIT_ACTIONS;
