import type { Priority, ThreadStatus } from '../gql/graphql';
import { translated } from '../i18n';

export const PRIORITY_COLOR: Record<Priority, string> = {
  LOW: 'gray',
  NORMAL: 'blue',
  HIGH: 'orange',
  URGENT: 'red',
  CRITICAL: 'grape',
};

/** Priority names in the UI language. */
export const PRIORITY_LABEL: Record<Priority, string> = translated<Priority>(['LOW', 'NORMAL', 'HIGH', 'URGENT', 'CRITICAL'], 'priority');

/** Thread status names in the UI language. */
export const STATUS_LABEL: Record<ThreadStatus, string> = translated<ThreadStatus>(
  ['OPEN', 'IN_PROGRESS', 'WAITING_CUSTOMER', 'WAITING_INTERNAL', 'ESCALATED', 'RESOLVED', 'CLOSED'],
  'status',
);

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
