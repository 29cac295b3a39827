import { useState } from 'react';
import { Alert, Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconGitMerge } from '@tabler/icons-react';
import { useQuery } from '@apollo/client/react';
import { describeError, errorMessage } from '../../shared/errorMessages';
import { toUserErrors } from '../../shared/userErrors';
import { CustomerDuplicatesQuery, useMergeCustomers } from './useMerge';
import { Trans, useTranslation } from 'react-i18next';

type Suggestion = { id: string; name: string; email?: string | null; phone?: string | null; companyName?: string | null };

/**
 * Customers that look like duplicates of `customerId` (same e-mail or phone on any channel),
 * each with a "Merge" button. Merging (after a confirmation) folds the duplicate into this
 * customer: its identities, conversations, tasks and notes move here, and it is deleted.
 * Renders nothing while loading, on error, or when there are no suggestions.
 */
export function DuplicateSuggestions({ customerId, customerName }: { customerId: string; customerName: string }) {
  const { data, refetch } = useQuery(CustomerDuplicatesQuery, { variables: { id: customerId }, fetchPolicy: 'cache-and-network' });
  const [merge, { loading }] = useMergeCustomers();
  const [confirming, setConfirming] = useState<Suggestion | null>(null);
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const node = data?.node;
  const suggestions: Suggestion[] = node && node.__typename === 'Customer' ? (node.duplicateSuggestions ?? []) : [];
  if (suggestions.length === 0) return null;

  const onConfirm = async () => {
    if (!confirming) return;
    setError(null);
    try {
      const { data: result } = await merge(customerId, confirming.id);
      const errors = toUserErrors(result?.mergeCustomers.errors);
      if (errors.length > 0) {
        setError(errors.map((e) => errorMessage(e.code, e.message)).join(' '));
        return;
      }
      notifications.show({ color: 'teal', message: t('customer.merged', { duplicate: confirming.name, primary: customerName }) });
      setConfirming(null);
      await refetch();
    } catch (err) {
      setError(describeError(err).message);
    }
  };

  return (
    <Paper withBorder p="sm" radius="md" data-testid="duplicate-suggestions">
      <Stack gap="xs">
        <Title order={5}>{t('customer.duplicates')}</Title>
        {suggestions.map((s) => (
          <Group key={s.id} justify="space-between" wrap="nowrap" data-testid="duplicate-suggestion">
            <Stack gap={0} style={{ minWidth: 0 }}>
              <Text size="sm" fw={500} truncate>
                {s.name}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                {[s.email, s.phone, s.companyName].filter(Boolean).join(' · ')}
              </Text>
            </Stack>
            <Button size="xs" variant="light" leftSection={<IconGitMerge size={14} />} onClick={() => setConfirming(s)} aria-label={t('customer.mergeNamed', { name: s.name })}>
              {t('common.merge')}
            </Button>
          </Group>
        ))}
      </Stack>
      <Modal opened={confirming !== null} onClose={() => setConfirming(null)} title={t('customer.mergeCustomers')} centered>
        {confirming && (
          <Stack gap="sm">
            <Text size="sm">
              <Trans i18nKey="customer.mergeConfirm" values={{ duplicate: confirming.name, primary: customerName }} components={{ b: <b /> }} />
            </Text>
            {error && (
              <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} data-testid="merge-error">
                {error}
              </Alert>
            )}
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setConfirming(null)} disabled={loading}>
                {t('common.cancel')}
              </Button>
              <Button color="red" onClick={onConfirm} loading={loading}>
                {t('common.merge')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Paper>
  );
}
