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
