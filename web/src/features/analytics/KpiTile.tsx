import { Badge, Group, Paper, Stack, Text, VisuallyHidden } from '@mantine/core';
import { getFragmentData, type FragmentType } from '../../gql';
import type { AnalyticsChart_ItemFragment, ChannelType, KpiStatus } from '../../gql/graphql';
import { ChannelIcon, channelLabel } from '../../shared/ChannelIcon';
import { AnalyticsChart_item, KpiTile_value } from './useAnalyticsDashboard';
import { HIGHER_IS_BETTER, KPI_STATUS_COLOR, KPI_STATUS_LABEL, LOWER_IS_BETTER, METRIC_LABEL, worstStatus } from './labels';
import { changeTone, formatChange, formatTarget, formatValue } from './format';
import { i18n } from '../../i18n';

const TONE_COLOR = { better: 'teal', worse: 'red', neutral: 'dimmed' } as const;

/** Per-channel rows of a response-time tile (e-mail < 4 h, WhatsApp < 1 h business time). */
function ChannelTargets({ items }: { items: readonly AnalyticsChart_ItemFragment[] }) {
  return (
    <Stack gap={2} mt={4}>
      {items.map((item) => {
        const shown = item.businessValue ?? item.value;
        const target = formatTarget('SECONDS', item.target, 'AT_MOST');
        return (
          <Group key={item.key} gap={6} wrap="nowrap" data-testid="kpi-channel" data-channel={item.key} data-status={item.status}>
            <ChannelIcon type={item.key as ChannelType} size={14} />
            <Text size="xs" style={{ flex: 1 }} truncate>
              {channelLabel(item.key)}
            </Text>
            <Text size="xs" fw={600} c={KPI_STATUS_COLOR[item.status] === 'gray' ? undefined : `${KPI_STATUS_COLOR[item.status]}.8`}>
              {formatValue('SECONDS', shown)}
            </Text>
            {target && (
              <Text size="xs" c="dimmed">
                ({target})
              </Text>
            )}
          </Group>
        );
      })}
    </Stack>
  );
}

/**
 * One KPI: the value in its unit against the target, coloured by status (green / amber / red,
 * grey without target or data), the previous period's value and the change. SECONDS metrics
 * show business time; response times carry their per-channel targets (`channels`).
 * A click opens the threads behind the number (`onOpen`).
 */
export function KpiTile(props: { value: FragmentType<typeof KpiTile_value>; channels?: readonly FragmentType<typeof AnalyticsChart_item>[]; onOpen: () => void }) {
  const v = getFragmentData(KpiTile_value, props.value);
  const channels = getFragmentData(AnalyticsChart_item, props.channels ?? []).filter((c) => c.count > 0 || c.target != null);
  // Response times: the organization-wide value has no single target; the channels' statuses decide.
  const status: KpiStatus = v.status !== 'NONE' || channels.length === 0 ? v.status : worstStatus(channels.map((c) => c.status));
  const isTime = v.unit === 'SECONDS';
  // SECONDS: business time now and before (calendar time when a side has no business value).
  const shown = isTime ? (v.businessValue ?? v.value) : v.value;
  const previous = isTime ? (v.previousBusinessValue ?? v.previousValue) : v.previousValue;
  const label = METRIC_LABEL[v.metric];
  const target = formatTarget(v.unit, v.target, v.direction);
  const change = formatChange(v.unit, shown, previous);
  const betterWhen =
    v.direction === 'AT_LEAST' ? 'HIGHER' : v.direction === 'AT_MOST' ? 'LOWER' : HIGHER_IS_BETTER.has(v.metric) ? 'HIGHER' : LOWER_IS_BETTER.has(v.metric) ? 'LOWER' : null;
  const tone = changeTone(shown, previous, betterWhen);
  const color = KPI_STATUS_COLOR[status];

  return (
    <Paper
      component="button"
      type="button"
      withBorder
      p="sm"
      radius="md"
      onClick={props.onOpen}
      data-testid={`kpi-${v.metric}`}
      data-status={status}
      data-value={v.value ?? ''}
      data-count={v.count}
      style={{
        textAlign: 'left',
        cursor: 'pointer',
        // A button centres its content vertically: tiles of a row share the tallest one's height.
        display: 'flex',
        flexDirection: 'column',
        justifyContent: 'flex-start',
        width: '100%',
        borderLeft: `4px solid var(--mantine-color-${color}-6)`,
        background: 'var(--mantine-color-body)',
      }}
    >
      <Stack gap={4} w="100%">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" c="dimmed" fw={500} truncate>
            {label}
          </Text>
          <Badge size="xs" variant="light" color={color} data-testid="kpi-status">
            {KPI_STATUS_LABEL[status]}
          </Badge>
        </Group>
        <Group gap={6} align="baseline">
          <Text fz={26} fw={700} lh={1.1} data-testid="kpi-value">
            {formatValue(v.unit, shown)}
          </Text>
          {target && (
            <Text size="xs" c="dimmed" data-testid="kpi-target">
              {i18n.t('analytics.kpi.target', { target })}
            </Text>
          )}
        </Group>
        {isTime && v.businessValue != null && (
          <Text size="xs" c="dimmed">
            {i18n.t('analytics.kpi.businessTime', { calendar: formatValue('SECONDS', v.value) })}
          </Text>
        )}
        <Text size="xs" c="dimmed" data-testid="kpi-previous">
          {i18n.t('analytics.kpi.previous', { value: formatValue(v.unit, previous) })}
          {change && (
            <Text span size="xs" fw={600} c={TONE_COLOR[tone]} ml={6} data-testid="kpi-change" data-tone={tone}>
              {change}
            </Text>
          )}
        </Text>
        {channels.length > 0 && <ChannelTargets items={channels} />}
        {/* The tile's name is its visible text (axe label-content-name-mismatch) and what a press does. */}
        <VisuallyHidden>{i18n.t('analytics.kpi.showThreads')}</VisuallyHidden>
      </Stack>
    </Paper>
  );
}
