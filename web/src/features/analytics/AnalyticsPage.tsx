import '@mantine/charts/styles.css';
import { useState } from 'react';
import { Alert, Badge, Center, Container, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useViewer } from '../../app/viewer';
import { AnalyticsCharts } from './AnalyticsCharts';
import { AnalyticsFilters } from './AnalyticsFilters';
import { DrillDownDrawer, type DrillTarget } from './DrillDownDrawer';
import { ExportButton } from './ExportButton';
import { KpiGrid } from './KpiGrid';
import { RangePicker } from './RangePicker';
import { DEFAULT_PRESET, PRESET_DAYS, presetRange, rangeLabel, type DateRange, type RangePreset } from './range';
import { NO_FILTER, useAnalyticsDashboard, type AnalyticsFilterState } from './useAnalyticsDashboard';
import { i18n } from '../../i18n';

/**
 * The analytics dashboard (`/analytics`): managers' landing page, "My performance" for agents
 * (the API answers with scope SELF and only their numbers). KPI tiles against seed 001's
 * targets, charts, a period with comparison to the previous one, filters, CSV export, and a
 * drill-down to the threads behind every number. Live: refetched on `analyticsUpdated`.
 */
export function AnalyticsPage() {
  const { isManager } = useViewer({ cacheOnly: true });
  const [preset, setPreset] = useState<RangePreset>(DEFAULT_PRESET);
  const [range, setRange] = useState<DateRange>(() => presetRange(PRESET_DAYS['30d']));
  const [filter, setFilter] = useState<AnalyticsFilterState>(NO_FILTER);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const { analytics: a, series, loading, error, variables, scope } = useAnalyticsDashboard(range, filter);
  const self = a ? a.scope === 'SELF' : !isManager;

  return (
    <Container size="xl" py="md" h="100%" style={{ overflowY: 'auto' }} data-testid="analytics-page" data-scope={a?.scope}>
      <Group justify="space-between" align="flex-end" mb="md" gap="sm">
        <Stack gap={2}>
          <Group gap="xs">
            <Title order={1} size="h3">
              {self ? i18n.t('app.myPerformance') : i18n.t('app.analytics')}
            </Title>
            {a?.scope === 'SELF' && (
              <Badge variant="light" size="sm">
                {i18n.t('analytics.ownNumbers')}
              </Badge>
            )}
          </Group>
          {a && (
            <Text size="xs" c="dimmed" data-testid="analytics-period">
              {i18n.t('analytics.period', { range: rangeLabel(a), previous: rangeLabel({ from: a.previousFrom, to: a.previousTo }) })} · {a.timezone}
            </Text>
          )}
        </Stack>
        <Group gap="xs" wrap="wrap">
          <RangePicker
            preset={preset}
            range={range}
            onChange={(p, r) => {
              setPreset(p);
              setRange(r);
            }}
          />
          <AnalyticsFilters value={filter} onChange={setFilter} />
          <ExportButton scope={scope} />
        </Group>
      </Group>
      {error && (
        <Alert color="red" title={i18n.t('analytics.loadError')} mb="sm">
          {error.message}
        </Alert>
      )}
      {!a && loading && (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      )}
      {a && (
        <>
          <KpiGrid analytics={a} onDrill={setDrill} />
          <AnalyticsCharts analytics={a} series={series} interval={variables.interval} onDrill={setDrill} />
        </>
      )}
      <DrillDownDrawer target={drill} scope={scope} onClose={() => setDrill(null)} />
    </Container>
  );
}
