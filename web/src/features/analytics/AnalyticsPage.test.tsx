import { describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApolloClient, ApolloLink } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { OperationTypeNode } from 'graphql';
import { Subject } from 'rxjs';
import { createCache } from '../../app/apollo';
import { theme } from '../../app/theme';
import { mockOp } from '../../test/render';
import { AnalyticsPage } from './AnalyticsPage';
import { AnalyticsTeamsQuery } from './AnalyticsFilters';
import { AnalyticsDrillDownQuery, DRILL_PAGE_SIZE } from './DrillDownDrawer';
import { AnalyticsDashboardQuery, AnalyticsSeriesQuery, NO_FILTER, dashboardVariables, scopeVariables } from './useAnalyticsDashboard';
import { KPI_TILES } from './labels';
import { presetRange } from './range';
import { dashboard, item, point, seriesAnswer, thread, threadsPage } from './fixtures.test-utils';

// The page's default: the last 30 days, computed the same way.
const range = presetRange(30);
const vars = dashboardVariables(range, NO_FILTER);
const scope = scopeVariables(range, NO_FILTER);

const answer = dashboard({
  from: vars.range.from,
  to: vars.range.to,
  values: {
    SLA_COMPLIANCE: { value: 93.44, count: 120, previousValue: 95.1, previousCount: 110, target: 95, direction: 'AT_LEAST', status: 'WARNING' },
    FIRST_CONTACT_RESOLUTION: { value: 62, count: 50, previousValue: 70, previousCount: 40, target: 80, direction: 'AT_LEAST', status: 'BAD' },
    CSAT: { value: 4.63, count: 20, previousValue: 4.41, previousCount: 18, target: 4.5, direction: 'AT_LEAST', status: 'GOOD' },
    TEMPLATE_USAGE: { value: 71.2, count: 300, previousValue: 64, previousCount: 250, target: 60, direction: 'AT_LEAST', status: 'GOOD' },
    FIRST_RESPONSE_TIME: { value: 7200, businessValue: 4320, count: 40, previousValue: 8000, previousBusinessValue: 5000, previousCount: 35, status: 'NONE' },
    MESSAGES_PER_RESOLUTION: { value: 5.24, count: 50, previousValue: 5.5, previousCount: 40, status: 'NONE' },
    CONVERSATIONS: { value: 42, count: 42, previousValue: 30, previousCount: 30, status: 'NONE' },
  },
  firstResponseByChannel: [
    item({ key: 'EMAIL_OUTLOOK', label: 'E-mail', value: 20_000, businessValue: 10_800, count: 30, target: 14_400, status: 'GOOD' }),
    item({ key: 'WHATSAPP_BUSINESS', label: 'WhatsApp', value: 5000, businessValue: 4200, count: 10, target: 3600, status: 'WARNING' }),
  ],
});

/** The two dashboard queries for `v` (numbers with the scope, series with the interval too). */
const dashboardMocks = (v: typeof vars, numbers: ReturnType<typeof dashboard>, series = seriesAnswer()) => {
  const { interval: _interval, ...numbersVars } = v;
  return [mockOp(AnalyticsDashboardQuery, numbersVars, numbers), mockOp(AnalyticsSeriesQuery, v, series)];
};

const teams = mockOp(AnalyticsTeamsQuery, {}, { teams: [{ __typename: 'Team', id: 'team-1', name: 'Support' }] }, { maxUsageCount: Number.POSITIVE_INFINITY });

function Where() {
  return <div data-testid="location">{useLocation().pathname}</div>;
}

function setup(mocks: ConstructorParameters<typeof MockLink>[0]) {
  const subject = new Subject<ApolloLink.Result>();
  const subscriptionLink = new ApolloLink(() => subject.asObservable());
  const client = new ApolloClient({
    cache: createCache(),
    link: ApolloLink.split((op) => op.operationType === OperationTypeNode.SUBSCRIPTION, subscriptionLink, new MockLink(mocks)),
  });
  render(
    <ApolloProvider client={client}>
      <MantineProvider theme={theme} env="test">
        <MemoryRouter initialEntries={['/analytics']}>
          <Routes>
            <Route path="/analytics" element={<AnalyticsPage />} />
            <Route path="*" element={null} />
          </Routes>
          <Where />
        </MemoryRouter>
      </MantineProvider>
    </ApolloProvider>,
  );
  const emitUpdate = () =>
    act(() => subject.next({ data: { analyticsUpdated: { __typename: 'AnalyticsUpdate', organizationId: 'org-1', kinds: ['THREAD_OPENED'], at: new Date().toISOString() } } }));
  return { emitUpdate };
}

const tile = (metric: string) => screen.getByTestId(`kpi-${metric}`);

describe('AnalyticsPage', () => {
  it('asks for the last 30 days by day in the browser time zone, and shows every KPI tile with its unit, target and status', async () => {
    const day = (d: number) => new Date(range.from.getTime() + d * 86_400_000).toISOString();
    setup([...dashboardMocks(vars, answer, seriesAnswer([point(day(0), day(1), { value: 3, count: 3 }), point(day(1), day(2), { value: 0, count: 0 })])), teams]);
    expect(vars.interval).toBe('DAY');
    expect(vars.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);

    await screen.findByTestId('kpi-grid');
    for (const metric of KPI_TILES) expect(tile(metric)).toBeInTheDocument();

    const sla = tile('SLA_COMPLIANCE');
    expect(within(sla).getByTestId('kpi-value')).toHaveTextContent('93.4 %');
    expect(within(sla).getByTestId('kpi-target')).toHaveTextContent('target ≥ 95 %');
    expect(within(sla).getByTestId('kpi-previous')).toHaveTextContent('Previous: 95.1 %');
    expect(within(sla).getByTestId('kpi-change')).toHaveTextContent('-1.7 pp');
    expect(within(sla).getByTestId('kpi-change')).toHaveAttribute('data-tone', 'worse');
    expect(sla).toHaveAttribute('data-status', 'WARNING');
    expect(sla.getAttribute('style')).toContain('--mantine-color-yellow-6');
    expect(within(sla).getByTestId('kpi-status')).toHaveTextContent('Near target');

    const fcr = tile('FIRST_CONTACT_RESOLUTION');
    expect(fcr).toHaveAttribute('data-status', 'BAD');
    expect(fcr.getAttribute('style')).toContain('--mantine-color-red-6');
    expect(within(fcr).getByTestId('kpi-value')).toHaveTextContent('62 %');

    const csat = tile('CSAT');
    expect(csat).toHaveAttribute('data-status', 'GOOD');
    expect(csat.getAttribute('style')).toContain('--mantine-color-teal-6');
    expect(within(csat).getByTestId('kpi-value')).toHaveTextContent('4.6 / 5');
    expect(within(csat).getByTestId('kpi-change')).toHaveTextContent('+0.2');
    expect(within(csat).getByTestId('kpi-change')).toHaveAttribute('data-tone', 'better');

    expect(within(tile('MESSAGES_PER_RESOLUTION')).getByTestId('kpi-value')).toHaveTextContent('5.2');

    // No target, no data: grey.
    const conversations = tile('CONVERSATIONS');
    expect(conversations).toHaveAttribute('data-status', 'NONE');
    expect(conversations.getAttribute('style')).toContain('--mantine-color-gray-6');
    expect(within(conversations).getByTestId('kpi-value')).toHaveTextContent('42');
    expect(within(conversations).getByTestId('kpi-change')).toHaveTextContent('+12');
    expect(within(tile('ASSIGNMENT_ACCURACY')).getByTestId('kpi-value')).toHaveTextContent('—');

    // Response time: business time, per-channel targets decide the colour (WhatsApp is amber).
    const frt = tile('FIRST_RESPONSE_TIME');
    expect(within(frt).getByTestId('kpi-value')).toHaveTextContent('1 h 12 min');
    expect(frt).toHaveAttribute('data-status', 'WARNING');
    // Compared in business time too: 1 h 12 min against 1 h 23 min.
    expect(within(frt).getByTestId('kpi-previous')).toHaveTextContent('Previous: 1 h 23 min');
    expect(within(frt).getByTestId('kpi-change')).toHaveTextContent('-11 min');
    expect(within(frt).getByTestId('kpi-change')).toHaveAttribute('data-tone', 'better');
    const channels = within(frt).getAllByTestId('kpi-channel');
    expect(channels.map((c) => [c.getAttribute('data-channel'), c.getAttribute('data-status')])).toEqual([
      ['EMAIL_OUTLOOK', 'GOOD'],
      ['WHATSAPP_BUSINESS', 'WARNING'],
    ]);
    expect(channels[0]).toHaveTextContent('3 h');
    expect(channels[0]).toHaveTextContent('≤ 4 h');
    expect(channels[1]).toHaveTextContent('1 h 10 min');
    expect(channels[1]).toHaveTextContent('≤ 1 h');

    expect(screen.getByRole('heading', { name: 'Analytics' })).toBeInTheDocument();

    // The series query feeds the charts: volume has data, escalations none.
    await waitFor(() => expect(within(screen.getByTestId('chart-volume')).queryByText('No data in this period')).not.toBeInTheDocument());
    expect(within(screen.getByTestId('chart-escalations')).getByText('No data in this period')).toBeInTheDocument();
  });

  it('a tile click lists the threads behind the number (bucket null), with "Load more" and links into the inbox', async () => {
    const drill = { ...scope, metric: 'CONVERSATIONS' as const, bucket: null, first: DRILL_PAGE_SIZE };
    setup([
      ...dashboardMocks(vars, answer),
      teams,
      mockOp(AnalyticsDrillDownQuery, drill, threadsPage([thread('t1', 'Charger broken'), thread('t2', 'Invoice question')], { totalCount: 3, hasNextPage: true })),
      mockOp(AnalyticsDrillDownQuery, { ...drill, after: 'c2' }, threadsPage([thread('t3', 'Delivery date')], { totalCount: 3, hasNextPage: false, offset: 2 })),
    ]);
    await userEvent.click(await screen.findByTestId('kpi-CONVERSATIONS'));

    const drawer = await screen.findByRole('dialog');
    expect(within(drawer).getByText('Conversations')).toBeInTheDocument();
    expect(await within(drawer).findByTestId('drilldown-total')).toHaveTextContent('3 threads');
    expect(
      within(drawer)
        .getAllByTestId('drilldown-row')
        .map((r) => r.getAttribute('data-thread-id')),
    ).toEqual(['t1', 't2']);

    await userEvent.click(within(drawer).getByTestId('drilldown-more'));
    await waitFor(() => expect(within(drawer).getAllByTestId('drilldown-row')).toHaveLength(3));
    expect(within(drawer).queryByTestId('drilldown-more')).not.toBeInTheDocument();

    const first = within(drawer).getAllByTestId('drilldown-row')[0]!;
    expect(first).toHaveAttribute('href', '/threads/t1');
    expect(first).toHaveTextContent('Charger broken');
    expect(first).toHaveTextContent('Customer t1');
    await userEvent.click(first);
    expect(screen.getByTestId('location')).toHaveTextContent('/threads/t1');
  });

  it('a rate tile can narrow the drill-down to the missed targets (bucket { met: false })', async () => {
    const drill = { ...scope, metric: 'SLA_COMPLIANCE' as const, first: DRILL_PAGE_SIZE };
    setup([
      ...dashboardMocks(vars, answer),
      teams,
      mockOp(AnalyticsDrillDownQuery, { ...drill, bucket: null }, threadsPage([thread('t1', 'Met'), thread('t2', 'Breached')], { totalCount: 2, hasNextPage: false })),
      mockOp(AnalyticsDrillDownQuery, { ...drill, bucket: { met: false } }, threadsPage([thread('t2', 'Breached')], { totalCount: 1, hasNextPage: false })),
    ]);
    await userEvent.click(await screen.findByTestId('kpi-SLA_COMPLIANCE'));
    const drawer = await screen.findByRole('dialog');
    expect(await within(drawer).findByTestId('drilldown-total')).toHaveTextContent('2 threads');
    await userEvent.click(within(drawer).getByText('Missed'));
    await waitFor(() => expect(within(drawer).getByTestId('drilldown-total')).toHaveTextContent('1 thread'));
    expect(
      within(drawer)
        .getAllByTestId('drilldown-row')
        .map((r) => r.getAttribute('data-thread-id')),
    ).toEqual(['t2']);
  });

  it('refetches the dashboard when analyticsUpdated arrives', async () => {
    const updated = dashboard({ from: vars.range.from, to: vars.range.to, values: { CONVERSATIONS: { value: 43, count: 43, status: 'NONE' } } });
    const { emitUpdate } = setup([...dashboardMocks(vars, answer), ...dashboardMocks(vars, updated), teams]);
    await waitFor(() => expect(within(tile('CONVERSATIONS')).getByTestId('kpi-value')).toHaveTextContent('42'));
    emitUpdate();
    await waitFor(() => expect(within(tile('CONVERSATIONS')).getByTestId('kpi-value')).toHaveTextContent('43'));
  });

  it('an agent sees "My performance" (scope SELF) without the per-agent charts', async () => {
    setup([...dashboardMocks(vars, dashboard({ from: vars.range.from, to: vars.range.to, scope: 'SELF' })), teams]);
    expect(await screen.findByTestId('kpi-grid')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'My performance' })).toBeInTheDocument();
    expect(screen.getByTestId('analytics-page')).toHaveAttribute('data-scope', 'SELF');
    expect(screen.queryByTestId('chart-workload')).not.toBeInTheDocument();
    expect(screen.getByTestId('chart-sla-channel')).toBeInTheDocument();
  });

  it('switching to the last 7 days asks again for that range', async () => {
    const week = dashboardVariables(presetRange(7), NO_FILTER);
    setup([
      ...dashboardMocks(vars, answer),
      ...dashboardMocks(week, dashboard({ from: week.range.from, to: week.range.to, values: { CONVERSATIONS: { value: 7, count: 7 } } })),
      teams,
    ]);
    await screen.findByTestId('kpi-grid');
    await userEvent.click(screen.getByText('Last 7 days'));
    await waitFor(() => expect(within(tile('CONVERSATIONS')).getByTestId('kpi-value')).toHaveTextContent('7'));
  });
});

describe('ExportButton', () => {
  it('downloads the signed URL of exportThreads for the range, filter and time zone', async () => {
    const { ExportButton, AnalyticsExportQuery } = await import('./ExportButton');
    const download = vi.fn();
    const client = new ApolloClient({
      cache: createCache(),
      link: new MockLink([
        mockOp(AnalyticsExportQuery, scope, {
          exportThreads: { __typename: 'AnalyticsExport', url: '/exports/abc.csv?sig=1', expiresAt: new Date(Date.now() + 300_000).toISOString(), fileName: 'threads.csv' },
        }),
      ]),
    });
    render(
      <ApolloProvider client={client}>
        <MantineProvider theme={theme} env="test">
          <ExportButton scope={scope} download={download} />
        </MantineProvider>
      </ApolloProvider>,
    );
    await userEvent.click(screen.getByTestId('analytics-export'));
    await waitFor(() => expect(download).toHaveBeenCalledWith('/exports/abc.csv?sig=1', 'threads.csv'));
  });
});
