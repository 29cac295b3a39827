import { useState, type FormEvent, type ReactElement } from 'react';
import { Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconCalendarTime, IconClock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, zoneName } from '../../shared/time';
import { parseLocalDateTime, SNOOZE_PRESETS, snoozeUntil, toLocalDateTimeValue } from '../../shared/snooze';

const MAX_DAYS = 365;

/**
 * Snooze choices as a menu around `target` (a button): in 1 hour, tomorrow 09:00, next Monday
 * 09:00 (the user's time zone, shared/snooze.ts) and a custom date-time in a dialog. `onPick`
 * receives the instant. `opened`/`onOpenChange` make it controllable (the `z` shortcut).
 */
export function SnoozeMenu({
  target,
  onPick,
  opened,
  onOpenChange,
}: {
  target: ReactElement;
  onPick: (until: Date) => void;
  opened?: boolean;
  onOpenChange?: (opened: boolean) => void;
}) {
  const { t } = useTranslation();
  const [customOpen, setCustomOpen] = useState(false);
  const now = new Date();
  return (
    <>
      <Menu position="bottom-start" withArrow opened={opened} onChange={onOpenChange} trapFocus returnFocus>
        <Menu.Target>{target}</Menu.Target>
        <Menu.Dropdown data-testid="snooze-menu">
          <Menu.Label>{t('snooze.menu')}</Menu.Label>
          {SNOOZE_PRESETS.map((preset) => {
            const until = snoozeUntil(preset, now);
            return (
              <Menu.Item
                key={preset}
                leftSection={<IconClock size={14} />}
                rightSection={
                  <Text size="xs" c="dimmed" ml="md">
                    {formatDateTime(until)}
                  </Text>
                }
                data-snooze-preset={preset}
                onClick={() => onPick(snoozeUntil(preset))}
              >
                {t(`snooze.presets.${preset}`)}
              </Menu.Item>
            );
          })}
          <Menu.Divider />
          <Menu.Item leftSection={<IconCalendarTime size={14} />} onClick={() => setCustomOpen(true)} data-snooze-preset="custom">
            {t('snooze.custom')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <CustomSnoozeDialog
        opened={customOpen}
        onClose={() => setCustomOpen(false)}
        onPick={(until) => {
          setCustomOpen(false);
          onPick(until);
        }}
      />
    </>
  );
}

/** A dialog asking for a date and time (read in the user's time zone), at most 365 days ahead. */
function CustomSnoozeDialog({ opened, onClose, onPick }: { opened: boolean; onClose: () => void; onPick: (until: Date) => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('snooze.customTitle')} size="sm">
      {opened && <CustomSnoozeForm onCancel={onClose} onPick={onPick} />}
    </Modal>
  );
}

function CustomSnoozeForm({ onCancel, onPick }: { onCancel: () => void; onPick: (until: Date) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(() => toLocalDateTimeValue(snoozeUntil('tomorrow')));
  const [error, setError] = useState<string | null>(null);
  const now = new Date();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const until = parseLocalDateTime(value);
    if (!until || until.getTime() <= Date.now() || until.getTime() > Date.now() + MAX_DAYS * 86_400_000) {
      setError(t('snooze.customInvalid'));
      return;
    }
    onPick(until);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          type="datetime-local"
          label={t('snooze.customLabel', { zone: zoneName(now) })}
          value={value}
          min={toLocalDateTimeValue(now)}
          max={toLocalDateTimeValue(new Date(now.getTime() + MAX_DAYS * 86_400_000))}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            setError(null);
          }}
          error={error}
          data-autofocus
          data-testid="snooze-custom-input"
        />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit">{t('snooze.button')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
