import { Group, SegmentedControl, TextInput } from '@mantine/core';
import { format, isValid, parseISO, subDays } from 'date-fns';
import { PRESET_DAYS, dayRange, presetRange, type DateRange, type RangePreset } from './range';

const PRESETS: { value: RangePreset; label: string }[] = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: 'custom', label: 'Custom' },
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
      <SegmentedControl size="xs" value={preset} onChange={pick} data={PRESETS} aria-label="Period" />
      {preset === 'custom' && (
        <>
          <TextInput
            size="xs"
            type="date"
            aria-label="From"
            value={dayValue(range.from)}
            max={dayValue(lastDay)}
            onChange={(e) => setDay('from', e.currentTarget.value)}
            data-testid="range-from"
          />
          <TextInput
            size="xs"
            type="date"
            aria-label="To"
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
