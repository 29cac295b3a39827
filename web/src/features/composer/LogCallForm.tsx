import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, NumberInput, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertCircle, IconPhoneCall } from '@tabler/icons-react';
import type { CallDirection } from '../../gql/graphql';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { useLogCall } from './useLogCall';
import { i18n } from '../../i18n';

/** "Log call" form for phone threads (`logCall`): direction, duration, notes. */
export function LogCallForm({ threadId }: { threadId: string }) {
  const [direction, setDirection] = useState<CallDirection>('INBOUND');
  const [minutes, setMinutes] = useState<number | string>('');
  const [seconds, setSeconds] = useState<number | string>('');
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<UserErrorView[]>([]);
  const [logCall, { loading }] = useLogCall();

  const durationSeconds = (Number(minutes) || 0) * 60 + (Number(seconds) || 0);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors([]);
    try {
      const { data } = await logCall({
        threadId,
        direction,
        durationSeconds,
        ...(notes.trim() ? { notes: notes.trim() } : {}),
      });
      const payloadErrors = toUserErrors(data?.logCall?.errors);
      if (payloadErrors.length > 0) {
        setErrors(payloadErrors);
        return;
      }
      setMinutes('');
      setSeconds('');
      setNotes('');
    } catch (err) {
      setErrors([{ code: 'NETWORK', message: (err as Error).message }]);
    }
  };

  return (
    <form onSubmit={onSubmit} aria-label={i18n.t('composer.logCall')} noValidate>
      <Stack gap="xs">
        {errors.map((err) => (
          <Alert key={err.code + err.message} color="red" variant="light" icon={<IconAlertCircle size={18} />} data-testid="log-call-error">
            {err.message}
          </Alert>
        ))}
        <Group gap="sm" align="flex-end">
          <SegmentedControl
            size="xs"
            value={direction}
            onChange={(v) => setDirection(v as CallDirection)}
            aria-label={i18n.t('composer.call.direction')}
            data={[
              { value: 'INBOUND', label: i18n.t('composer.call.inbound') },
              { value: 'OUTBOUND', label: i18n.t('composer.call.outbound') },
            ]}
          />
          <NumberInput size="xs" w={90} label={i18n.t('composer.call.minutes')} min={0} allowDecimal={false} value={minutes} onChange={setMinutes} />
          <NumberInput size="xs" w={90} label={i18n.t('composer.call.seconds')} min={0} max={59} allowDecimal={false} value={seconds} onChange={setSeconds} />
        </Group>
        <Textarea label={i18n.t('composer.call.notes')} autosize minRows={2} maxRows={8} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {i18n.t('composer.call.hint')}
          </Text>
          <Button type="submit" size="xs" color="orange" loading={loading} leftSection={<IconPhoneCall size={14} />}>
            {i18n.t('composer.logCall')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
