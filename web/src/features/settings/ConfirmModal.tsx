import type { ReactNode } from 'react';
import { Button, Group, Modal, Stack, Text, type ModalProps } from '@mantine/core';
import { i18n } from '../../i18n';

/**
 * A small "are you sure" dialog: `children` as the question, Cancel, and a red confirm button
 * (`confirmLabel`) that shows `loading`. Props usually come from `useDeleteWithConfirm().modal`.
 */
export function ConfirmModal(props: {
  opened: boolean;
  onClose: () => void;
  onConfirm: () => Promise<void> | void;
  loading: boolean;
  title: string;
  confirmLabel: string;
  size?: ModalProps['size'];
  centered?: boolean;
  children: ReactNode;
}) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} size={props.size} centered={props.centered}>
      <Stack gap="sm">
        <Text size="sm">{props.children}</Text>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={props.onClose} disabled={props.loading}>
            {i18n.t('common.cancel')}
          </Button>
          <Button color="red" loading={props.loading} onClick={() => void props.onConfirm()}>
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
