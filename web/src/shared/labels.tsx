import type { Priority, ThreadStatus } from '../gql/graphql';

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

// Channel icons and names live in ChannelIcon.tsx (re-exported here for existing imports).
export { CHANNEL_COLOR, CHANNEL_ICON, CHANNEL_LABEL, ChannelIcon, channelLabel } from './ChannelIcon';
