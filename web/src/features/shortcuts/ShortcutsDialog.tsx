import { Group, Kbd, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { SHORTCUT_SCOPES, SHORTCUTS, shortcutLabel, shortcutsIn } from './shortcuts';

/** The `?` dialog: every shortcut of the registry, grouped by where it works. */
export function ShortcutsDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('shortcuts.title')} size="lg" data-testid="shortcuts-dialog">
      <Stack gap="md">
        {SHORTCUT_SCOPES.map((scope) => (
          <section key={scope} aria-labelledby={`shortcuts-${scope}`}>
            <Title order={3} size="h6" id={`shortcuts-${scope}`} mb={4}>
              {t(`shortcuts.scopes.${scope}`)}
            </Title>
            <Table verticalSpacing={4} withRowBorders={false}>
              <Table.Tbody>
                {shortcutsIn(scope).map((id) => (
                  <Table.Tr key={id} data-shortcut={id}>
                    <Table.Td w={150}>
                      <Group gap={4} wrap="nowrap">
                        {SHORTCUTS[id].keys.map((k, i) => (
                          <Group key={k} gap={4} wrap="nowrap">
                            {i > 0 && (
                              <Text size="xs" c="dimmed">
                                {t('shortcuts.or')}
                              </Text>
                            )}
                            <Kbd size="xs">{k}</Kbd>
                          </Group>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{shortcutLabel(id)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </section>
        ))}
      </Stack>
    </Modal>
  );
}
