import { Group, Text } from '@mantine/core';
import { IconBrandWhatsapp } from '@tabler/icons-react';
import { differenceInMinutes } from 'date-fns';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import { shortDistance, useNow } from '../../shared/time';

export const WhatsAppWindow_thread = graphql(`
  fragment WhatsAppWindow_thread on Thread {
    id
    whatsappWindowExpiresAt
    channel {
      id
      type
    }
  }
`);

export type WindowState = { open: true; expiresAt: Date; minutesLeft: number } | { open: false };

export function whatsappWindowState(expiresAt: string | null | undefined, now: Date): WindowState {
  if (!expiresAt) return { open: false };
  const d = new Date(expiresAt);
  const minutesLeft = differenceInMinutes(d, now);
  return minutesLeft > 0 ? { open: true, expiresAt: d, minutesLeft } : { open: false };
}

/** Banner describing the WhatsApp 24-hour customer-service window (WhatsApp threads only). */
export function WhatsAppWindow(props: { thread: FragmentType<typeof WhatsAppWindow_thread> }) {
  const t = getFragmentData(WhatsAppWindow_thread, props.thread);
  const now = useNow(60_000);
  if (t.channel?.type !== 'WHATSAPP_BUSINESS') return null;
  const state = whatsappWindowState(t.whatsappWindowExpiresAt, now);
  return (
    <Group
      gap={6}
      px="md"
      py={6}
      data-testid="whatsapp-window"
      data-open={state.open}
      style={{
        background: state.open ? 'var(--mantine-color-green-0)' : 'var(--mantine-color-orange-0)',
        borderBottom: '1px solid var(--mantine-color-gray-3)',
      }}
    >
      <IconBrandWhatsapp size={16} color={state.open ? 'var(--mantine-color-green-7)' : 'var(--mantine-color-orange-7)'} />
      <Text size="xs">
        {state.open
          ? `24h window open · closes in ${shortDistance(state.minutesLeft)} (${state.expiresAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })})`
          : '24h window closed · only approved templates can be sent until the customer writes again'}
      </Text>
    </Group>
  );
}
