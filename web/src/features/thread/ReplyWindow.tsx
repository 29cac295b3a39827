import { Group, Text } from '@mantine/core';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { ChannelIcon, channelLabel } from '../../shared/ChannelIcon';
import { formatTime, shortDistance, useNow } from '../../shared/time';
import { i18n } from '../../i18n';
import { useTranslation } from 'react-i18next';

export const ReplyWindow_thread = graphql(`
  fragment ReplyWindow_thread on Thread {
    id
    lastInboundAt
    channel {
      id
      type
      provider
      replyWindowSeconds
    }
  }
`);

export type WindowState = { open: true; expiresAt: Date; minutesLeft: number } | { open: false };

/** The free-form reply window closes `windowSeconds` after the customer's last message. */
export function replyWindowState(lastInboundAt: string | null | undefined, windowSeconds: number, now: Date): WindowState {
  if (!lastInboundAt) return { open: false };
  const expiresAt = new Date(new Date(lastInboundAt).getTime() + windowSeconds * 1000);
  const minutesLeft = Math.trunc((expiresAt.getTime() - now.getTime()) / 60_000);
  return minutesLeft > 0 ? { open: true, expiresAt, minutesLeft } : { open: false };
}

const PROVIDER_NAME: Record<string, string> = {
  whatsapp: 'WhatsApp',
  outlook: 'Outlook',
  sms: 'SMS',
  chatwoot: 'Chatwoot',
  api: 'API',
};

/** "24h", "90m", "7d" */
export function windowLength(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds >= 7 * 86_400) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.round(seconds / 60)}m`;
}

/**
 * Banner for channels whose provider limits free-form replies to a window after the customer's
 * last message (`channel.replyWindowSeconds`, e.g. WhatsApp's 24 hours). Nothing otherwise.
 */
export function ReplyWindow(props: { thread: FragmentType<typeof ReplyWindow_thread> }) {
  useTranslation();
  const t = getFragmentData(ReplyWindow_thread, props.thread);
  const now = useNow(60_000);
  const seconds = t.channel?.replyWindowSeconds;
  if (seconds == null || seconds <= 0) return null;
  const state = replyWindowState(t.lastInboundAt, seconds, now);
  const provider = (t.channel.provider && PROVIDER_NAME[t.channel.provider]) ?? channelLabel(t.channel.type);
  const name = i18n.t('replyWindow.name', { provider, length: windowLength(seconds) });
  return (
    <Group
      gap={6}
      px="md"
      py={6}
      role="status"
      data-testid="reply-window"
      data-open={state.open}
      style={{
        background: state.open ? 'var(--mantine-color-green-0)' : 'var(--mantine-color-orange-0)',
        borderBottom: '1px solid var(--mantine-color-gray-3)',
      }}
    >
      <ChannelIcon type={t.channel.type} />
      <Text size="xs">
        {state.open
          ? i18n.t('replyWindow.open', { name, left: shortDistance(state.minutesLeft), time: formatTime(state.expiresAt, { withZone: true }) })
          : i18n.t('replyWindow.closed', { name })}
      </Text>
    </Group>
  );
}
