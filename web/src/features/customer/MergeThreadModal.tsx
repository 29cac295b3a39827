import { useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle } from '@tabler/icons-react';
import { useQuery } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import { describeError, errorMessage } from '../../shared/errorMessages';
import { CHANNEL_LABEL, STATUS_LABEL } from '../../shared/labels';
import { toUserErrors } from '../../shared/userErrors';
import { CustomerThreadsForMergeQuery, useMergeThreads } from './useMerge';
import { useTranslation } from 'react-i18next';

/**
 * "Merge into…": picks another conversation of the same customer and merges this thread into
 * it (mergeThreads). The messages keep their channel and join the other conversation's timeline
 * in time order; this thread is closed with a link to it. On success the app opens the target.
 * The customer's threads are fetched only while the modal is open.
 */
export function MergeThreadModal(props: { threadId: string; customerId: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={t('customer.mergeThreadTitle')} size="lg">
      {props.opened && <MergeThreadForm {...props} />}
    </Modal>
  );
}

function MergeThreadForm({ threadId, customerId, onClose }: { threadId: string; customerId: string; onClose: () => void }) {
  const { data, loading: loadingThreads } = useQuery(CustomerThreadsForMergeQuery, { variables: { customerId }, fetchPolicy: 'network-only' });
  const [merge, { loading }] = useMergeThreads();
  const [targetId, setTargetId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();
  const { t } = useTranslation();

  const options = (data?.threads.edges ?? [])
    .map((e) => e.node)
    .filter((n): n is NonNullable<typeof n> => !!n && n.id !== threadId && !n.mergedInto)
    .map((n) => ({
      value: n.id,
      label: `${n.subject} · ${n.channel.name || CHANNEL_LABEL[n.channel.type]} · ${STATUS_LABEL[n.status]}`,
    }));

  const onMerge = async () => {
    if (!targetId) return;
    setError(null);
    try {
      const { data: result } = await merge(targetId, threadId);
      const errors = toUserErrors(result?.mergeThreads.errors);
      if (errors.length > 0) {
        setError(errors.map((e) => errorMessage(e.code, e.message)).join(' '));
        return;
      }
      notifications.show({ color: 'teal', message: t('customer.conversationsMerged') });
      onClose();
      navigate(`/threads/${encodeURIComponent(targetId)}`);
    } catch (err) {
      setError(describeError(err).message);
    }
  };

  return (
    <Stack gap="sm">
      <Text size="sm">{t('customer.mergeThreadExplain')}</Text>
      {!loadingThreads && options.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="merge-no-threads">
          {t('customer.noOtherConversation')}
        </Text>
      ) : (
        <Select
          label={t('customer.mergeInto')}
          placeholder={loadingThreads ? t('customer.loadingConversations') : t('customer.pickConversation')}
          data={options}
          value={targetId}
          onChange={setTargetId}
          searchable
          comboboxProps={{ withinPortal: true }}
        />
      )}
      {error && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} data-testid="merge-error">
          {error}
        </Alert>
      )}
      <Group justify="flex-end" gap="xs">
        <Button variant="default" onClick={onClose} disabled={loading}>
          {t('common.cancel')}
        </Button>
        <Button onClick={onMerge} loading={loading} disabled={!targetId}>
          {t('common.merge')}
        </Button>
      </Group>
    </Stack>
  );
}
