import type { ReactNode } from 'react';
import { Center, Paper, Stack, Text } from '@mantine/core';
import { i18n } from '../../i18n';

/** A titled panel around one dashboard chart; `empty` shows a note instead of the chart. */
export function ChartCard(props: { title: string; description?: string; testId: string; empty?: boolean; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={props.testId}>
      <Stack gap="xs">
        <div>
          <Text fw={600} size="sm">
            {props.title}
          </Text>
          {props.description && (
            <Text size="xs" c="dimmed">
              {props.description}
            </Text>
          )}
        </div>
        {props.empty ? (
          <Center h={180}>
            <Text size="sm" c="dimmed">
              {i18n.t('analytics.noData')}
            </Text>
          </Center>
        ) : (
          props.children
        )}
      </Stack>
    </Paper>
  );
}
