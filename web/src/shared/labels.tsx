import {
  IconApi,
  IconBrandWhatsapp,
  IconChecklist,
  IconMail,
  IconMessage,
  IconMessages,
  IconNote,
  IconPhone,
  IconTicket,
  type TablerIcon,
} from '@tabler/icons-react';
import type { ChannelType, Priority, ThreadStatus } from '../gql/graphql';

export const PRIORITY_COLOR: Record<Priority, string> = {
  LOW: 'gray',
  NORMAL: 'blue',
  HIGH: 'orange',
  URGENT: 'red',
  CRITICAL: 'grape',
};

export const PRIORITY_LABEL: Record<Priority, string> = {
  LOW: 'Low',
  NORMAL: 'Normal',
  HIGH: 'High',
  URGENT: 'Urgent',
  CRITICAL: 'Critical',
};

export const STATUS_LABEL: Record<ThreadStatus, string> = {
  OPEN: 'Open',
  IN_PROGRESS: 'In progress',
  WAITING_CUSTOMER: 'Waiting on customer',
  WAITING_INTERNAL: 'Waiting internal',
  ESCALATED: 'Escalated',
  RESOLVED: 'Resolved',
  CLOSED: 'Closed',
};

export const STATUS_COLOR: Record<ThreadStatus, string> = {
  OPEN: 'blue',
  IN_PROGRESS: 'cyan',
  WAITING_CUSTOMER: 'yellow',
  WAITING_INTERNAL: 'orange',
  ESCALATED: 'red',
  RESOLVED: 'teal',
  CLOSED: 'gray',
};

export const CHANNEL_ICON: Record<ChannelType, TablerIcon> = {
  EMAIL_OUTLOOK: IconMail,
  WHATSAPP_BUSINESS: IconBrandWhatsapp,
  SMS: IconMessage,
  PHONE_CALL: IconPhone,
  CHATWOOT: IconMessages,
  API: IconApi,
  INTERNAL_COMMENT: IconNote,
  INTERNAL_TASK: IconChecklist,
  INTERNAL_TICKET: IconTicket,
};

export const CHANNEL_LABEL: Record<ChannelType, string> = {
  EMAIL_OUTLOOK: 'Email',
  WHATSAPP_BUSINESS: 'WhatsApp',
  SMS: 'SMS',
  PHONE_CALL: 'Phone',
  CHATWOOT: 'Chat',
  API: 'API',
  INTERNAL_COMMENT: 'Internal comment',
  INTERNAL_TASK: 'Internal task',
  INTERNAL_TICKET: 'Internal ticket',
};

export const CHANNEL_COLOR: Partial<Record<ChannelType, string>> = {
  EMAIL_OUTLOOK: 'blue',
  WHATSAPP_BUSINESS: 'green',
};

export function ChannelIcon({ type, size = 16 }: { type: ChannelType; size?: number }) {
  const Icon = CHANNEL_ICON[type] ?? IconMessage;
  return <Icon size={size} stroke={1.6} aria-label={CHANNEL_LABEL[type] ?? type} role="img" />;
}
