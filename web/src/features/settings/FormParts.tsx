import { Alert, Button, Group } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { UserErrorView } from '../../shared/userErrors';
import { i18n } from '../../i18n';

/** The errors of a form that belong to no field, as red alerts above it (`testId` on each, with its code). */
export function FormErrors({ errors, testId }: { errors: readonly UserErrorView[]; testId?: string }) {
  return errors.map((e) => (
    <Alert key={e.code + e.message} color="red" variant="light" icon={<IconAlertCircle size={18} />} data-testid={testId} data-error-code={e.code}>
      {e.message}
    </Alert>
  ));
}

/** Cancel and submit buttons at the end of a form; both show `loading` (Cancel is disabled meanwhile). */
export function FormActions(props: { onCancel: () => void; loading: boolean; submitLabel: string; mt?: 'xs' }) {
  return (
    <Group justify="flex-end" gap="xs" mt={props.mt}>
      <Button variant="default" onClick={props.onCancel} disabled={props.loading}>
        {i18n.t('common.cancel')}
      </Button>
      <Button type="submit" loading={props.loading}>
        {props.submitLabel}
      </Button>
    </Group>
  );
}
