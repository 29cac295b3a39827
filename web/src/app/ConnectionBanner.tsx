import { useEffect, useState } from 'react';
import { Box, Group, Loader, Paper, Text } from '@mantine/core';
import { IconCircleCheck, IconWifiOff } from '@tabler/icons-react';
import { connectionStatus, useConnectionStatus, type ConnectionStatus } from './connection';
import { useTranslation } from 'react-i18next';
import { translated } from '../i18n';

/** What the banner says; `null`: nothing (connected, or a blip shorter than the delay). */
export type BannerState = 'offline' | 'reconnecting' | 'back' | null;

/** The banner's sentences, keyed by state, in the UI language (i18n `connection.<state>`). */
export const BANNER_TEXT: Record<Exclude<BannerState, null>, string> = translated<Exclude<BannerState, null>>(['offline', 'reconnecting', 'back'], 'connection');

/**
 * The live connection's state for the agent: "offline" (the browser says so), "reconnecting"
 * (the socket dropped; shown after `delayMs` so that a blip, e.g. a token change, shows nothing)
 * and, once the socket is back after either was shown, "back online" for `backMs`.
 * A polite live region (`role="status"`), always in the DOM so screen readers announce changes.
 */
export function ConnectionBanner({
  store = connectionStatus,
  delayMs = 1000,
  backMs = 4000,
}: {
  store?: ConnectionStatus;
  /** ms a drop must last before "reconnecting" shows. */
  delayMs?: number;
  /** ms "back online" stays. */
  backMs?: number;
}) {
  const snap = useConnectionStatus(store);
  // Re-renders in a new language (the banner sits above the part of the page keyed by language).
  useTranslation();
  const [shown, setShown] = useState<BannerState>(null);
  const down = shown === 'offline' || shown === 'reconnecting';

  useEffect(() => {
    if (!snap.browserOnline) {
      setShown('offline');
      return;
    }
    if (snap.socket === 'reconnecting') {
      if (down) {
        setShown('reconnecting');
        return;
      }
      const timer = setTimeout(() => setShown('reconnecting'), delayMs);
      return () => clearTimeout(timer);
    }
    if (down) {
      // Browser back online with the socket connected (or not needed any more).
      setShown(snap.socket === 'connected' ? 'back' : null);
      return;
    }
    if (shown === 'back') {
      const timer = setTimeout(() => setShown(null), backMs);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [snap.browserOnline, snap.socket, down, shown, delayMs, backMs]);

  const color = shown === 'offline' ? 'red' : shown === 'reconnecting' ? 'orange' : 'teal';
  return (
    <Box
      role="status"
      aria-live="polite"
      aria-atomic="true"
      data-testid="connection-banner"
      data-state={shown ?? 'hidden'}
      style={{ position: 'fixed', top: 64, left: '50%', transform: 'translateX(-50%)', zIndex: 300, pointerEvents: 'none' }}
    >
      {shown && (
        <Paper
          shadow="md"
          radius="md"
          px="md"
          py={6}
          withBorder
          style={{
            pointerEvents: 'auto',
            background: `var(--mantine-color-${color}-0)`,
            borderColor: `var(--mantine-color-${color}-4)`,
          }}
        >
          <Group gap="xs" wrap="nowrap">
            {shown === 'offline' && <IconWifiOff size={16} color={`var(--mantine-color-${color}-8)`} aria-hidden />}
            {shown === 'reconnecting' && <Loader size={14} color={color} aria-hidden />}
            {shown === 'back' && <IconCircleCheck size={16} color={`var(--mantine-color-${color}-8)`} aria-hidden />}
            <Text size="sm" c={`${color}.9`} fw={500}>
              {BANNER_TEXT[shown]}
            </Text>
          </Group>
        </Paper>
      )}
    </Box>
  );
}
