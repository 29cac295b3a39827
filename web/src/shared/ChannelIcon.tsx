import { Tooltip } from '@mantine/core';
import {
  IconApi,
  IconBrandWhatsapp,
  IconChecklist,
  IconDeviceMobileMessage,
  IconMail,
  IconMessage,
  IconMessageChatbot,
  IconNote,
  IconPhoneCall,
  IconTicket,
  type TablerIcon,
} from '@tabler/icons-react';
import type { ChannelType } from '../gql/graphql';
import { translated } from '../i18n';

/** One icon per channel type (every value of the ChannelType enum). */
export const CHANNEL_ICON: Record<ChannelType, TablerIcon> = {
  WHATSAPP_BUSINESS: IconBrandWhatsapp,
  EMAIL_OUTLOOK: IconMail,
  SMS: IconDeviceMobileMessage,
  CHATWOOT: IconMessageChatbot,
  API: IconApi,
  PHONE_CALL: IconPhoneCall,
  INTERNAL_COMMENT: IconNote,
  INTERNAL_TASK: IconChecklist,
  INTERNAL_TICKET: IconTicket,
};

/** Accessible / human name of a channel type, in the UI language. */
export const CHANNEL_LABEL: Record<ChannelType, string> = translated<ChannelType>(
  ['WHATSAPP_BUSINESS', 'EMAIL_OUTLOOK', 'SMS', 'CHATWOOT', 'API', 'PHONE_CALL', 'INTERNAL_COMMENT', 'INTERNAL_TASK', 'INTERNAL_TICKET'],
  'channel',
);

/** Mantine colour of each channel's icon. */
export const CHANNEL_COLOR: Record<ChannelType, string> = {
  WHATSAPP_BUSINESS: 'green',
  EMAIL_OUTLOOK: 'blue',
  SMS: 'cyan',
  CHATWOOT: 'violet',
  API: 'grape',
  PHONE_CALL: 'orange',
  INTERNAL_COMMENT: 'gray',
  INTERNAL_TASK: 'gray',
  INTERNAL_TICKET: 'gray',
};

export function channelLabel(type: ChannelType | string): string {
  return CHANNEL_LABEL[type as ChannelType] ?? String(type);
}

/**
 * The channel type's icon as an image with an accessible name ("WhatsApp", "Outlook e-mail", …).
 * `withTooltip` shows the same name on hover.
 */
export function ChannelIcon({ type, size = 16, colored = true, withTooltip = false }: { type: ChannelType; size?: number; colored?: boolean; withTooltip?: boolean }) {
  const Icon = CHANNEL_ICON[type] ?? IconMessage;
  const label = channelLabel(type);
  const color = colored ? `var(--mantine-color-${CHANNEL_COLOR[type] ?? 'gray'}-7)` : undefined;
  const icon = <Icon size={size} stroke={1.6} aria-label={label} role="img" color={color} data-channel-type={type} style={{ flexShrink: 0 }} />;
  if (!withTooltip) return icon;
  return (
    <Tooltip label={label} withArrow openDelay={300}>
      <span style={{ display: 'inline-flex' }}>{icon}</span>
    </Tooltip>
  );
}
