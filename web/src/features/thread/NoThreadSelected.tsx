import { Center, Stack, Text } from '@mantine/core';
import { IconMessages } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/**
 * The inbox's right pane when no thread is open. Its own module (not ThreadView.tsx) so the
 * inbox's index route does not load the thread view's chunk (composer, timeline, DOMPurify).
 */
export function NoThreadSelected() {
  const { t } = useTranslation();
  return (
    <Center h="100%">
      <Stack align="center" gap={4} c="dimmed">
        <IconMessages size={40} stroke={1.3} />
        <Text size="sm">{t('thread.select')}</Text>
      </Stack>
    </Center>
  );
}
