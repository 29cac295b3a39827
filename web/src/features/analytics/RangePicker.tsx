import { Group, SegmentedControl, TextInput } from '@mantine/core';
import { format, isValid, parseISO, subDays } from 'date-fns';
import { PRESET_DAYS, dayRange, presetRange, type DateRange, type RangePreset } from './range';
import { i18n } from '../../i18n';

const PRESETS: { value: RangePreset; label: string }[] = [
  // Getters: read in the current UI language.
  {
    value: '7d',
    get label() {
      return i18n.t('analytics.range.7d');
    },
  },
  {
    value: '30d',
    get label() {
      return i18n.t('analytics.range.30d');
    },
  },
  {
    value: '90d',
    get label() {
      return i18n.t('analytics.range.90d');
    },
  },
  {
    value: 'custom',
    get label() {
      return i18n.t('analytics.range.custom');
    },
  },
];

const dayValue = (d: Date) => format(d, 'yyyy-MM-dd');

/**
 * The period of the dashboard: last 7 / 30 / 90 days (today included) or custom whole days
 * (two date inputs, the end day inclusive). The previous period of equal length is compared.
 */
export function RangePicker(props: { preset: RangePreset; range: DateRange; onChange: (preset: RangePreset, range: DateRange) => void }) {
  const { preset, range, onChange } = props;
  const lastDay = subDays(range.to, 1);

  const pick = (value: string) => {
    const p = value as RangePreset;
    if (p === 'custom') onChange(p, range);
    else onChange(p, presetRange(PRESET_DAYS[p]));
  };

  const setDay = (which: 'from' | 'to', value: string) => {
    const day = parseISO(value);
    if (!value || !isValid(day)) return;
    onChange('custom', which === 'from' ? dayRange(day, lastDay) : dayRange(range.from, day));
  };

  return (
    <Group gap="xs" wrap="wrap" data-testid="range-picker">
      <SegmentedControl size="xs" value={preset} onChange={pick} data={PRESETS} aria-label={i18n.t('analytics.range.period')} />
      {preset === 'custom' && (
        <>
          <TextInput
            size="xs"
            type="date"
            aria-label={i18n.t('analytics.range.from')}
            value={dayValue(range.from)}
            max={dayValue(lastDay)}
            onChange={(e) => setDay('from', e.currentTarget.value)}
            data-testid="range-from"
          />
          <TextInput
            size="xs"
            type="date"
            aria-label={i18n.t('analytics.range.to')}
            value={dayValue(lastDay)}
            min={dayValue(range.from)}
            onChange={(e) => setDay('to', e.currentTarget.value)}
            data-testid="range-to"
          />
        </>
      )}
    </Group>
  );
}
