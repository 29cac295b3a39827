/** GraphQL enums, taken from the Prisma enums so the two never drift apart. */
import * as E from '../generated/prisma/enums.js';
import { builder } from './builder.js';

export const UserRoleEnum = builder.enumType(E.UserRole, { name: 'UserRole' });
export const CustomerTierEnum = builder.enumType(E.CustomerTier, { name: 'CustomerTier' });
export const ChannelTypeEnum = builder.enumType(E.ChannelType, { name: 'ChannelType' });
export const ThreadTypeEnum = builder.enumType(E.ThreadType, { name: 'ThreadType' });
export const PriorityEnum = builder.enumType(E.Priority, { name: 'Priority', description: 'LOW < NORMAL < HIGH < URGENT < CRITICAL' });
export const ThreadStatusEnum = builder.enumType(E.ThreadStatus, { name: 'ThreadStatus' });
export const MessageTypeEnum = builder.enumType(E.MessageType, { name: 'MessageType' });
export const DeliveryStatusEnum = builder.enumType(E.DeliveryStatus, {
  name: 'DeliveryStatus',
  description: 'Provider delivery state of an outgoing message; only ever moves forward (PENDING → SENT → DELIVERED → READ).',
});
export const TaskTypeEnum = builder.enumType(E.TaskType, { name: 'TaskType' });
export const TaskStatusEnum = builder.enumType(E.TaskStatus, { name: 'TaskStatus' });
export const TemplateCategoryEnum = builder.enumType(E.TemplateCategory, { name: 'TemplateCategory' });
export const BusinessEntityEnum = builder.enumType(E.BusinessEntity, { name: 'BusinessEntity' });
export const ActorTypeEnum = builder.enumType(E.ActorType, { name: 'ActorType' });
export const IdentityKindEnum = builder.enumType(E.IdentityKind, { name: 'IdentityKind', description: 'How a provider identifies a customer.' });
export const InboundEventStatusEnum = builder.enumType(E.InboundEventStatus, {
  name: 'InboundEventStatus',
  description: 'RECEIVED: stored, not processed yet; PROCESSED; FAILED: processing failed (retried with backoff; see error); IGNORED: held nothing for the hub.',
});
export const ApiKeyScopeEnum = builder.enumType(E.ApiKeyScope, {
  name: 'ApiKeyScope',
  description: 'READ: queries and subscriptions; WRITE: agent mutations; INGEST: ingestMessage and updateDeliveryStatus; ANALYTICS: reports.',
});
export const DeliveryAttemptStatusEnum = builder.enumType(E.DeliveryAttemptStatus, { name: 'DeliveryAttemptStatus' });
export const SlaActionEnum = builder.enumType(E.SlaAction, {
  name: 'SlaAction',
  description:
    'REMIND: the assignee is reminded; ALERT: the team lead is alerted; ESCALATE: the thread becomes ESCALATED, its priority goes up one step, the team lead gets an ESCALATE task and managers are notified; EXECUTIVE_ALERT: admins are alerted.',
});
export const SlaTargetEnum = builder.enumType(E.SlaTarget, {
  name: 'SlaTarget',
  description:
    'FIRST_RESPONSE: first customer message → first accepted reply; NEXT_RESPONSE: a customer message after a reply → the next accepted reply; RESOLUTION: thread start → RESOLVED.',
});
export const SlaNotifyTargetEnum = builder.enumType(E.SlaNotifyTarget, {
  name: 'SlaNotifyTarget',
  description: "Who an escalation step notifies: the thread's assignee, the team leads of its team, the organization's managers or admins.",
});
export const NotificationKindEnum = builder.enumType(E.NotificationKind, { name: 'NotificationKind' });
export const UserAvailabilityEnum = builder.enumType(E.UserAvailability, {
  name: 'UserAvailability',
  description: 'ONLINE while the agent has the inbox open, AWAY after idle, OFFLINE otherwise. Automatic assignment takes ONLINE agents only.',
});
export const AssignmentStrategyEnum = builder.enumType(E.AssignmentStrategy, {
  name: 'AssignmentStrategy',
  description:
    "ROUND_ROBIN: the member waiting longest since their last automatic assignment; LEAST_LOADED: the member with the fewest open threads; MANUAL: no automatic assignment (the thread waits in the team's queue).",
});
