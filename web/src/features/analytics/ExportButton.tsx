import { useState } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { graphql } from '../../gql';
import type { AnalyticsScopeVariables } from './useAnalyticsDashboard';
import { i18n } from '../../i18n';

/** A signed, short-lived GET URL of a CSV of the threads in range (one row per thread). */
export const AnalyticsExportQuery = graphql(`
  query AnalyticsExport($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput, $timezone: String) {
    exportThreads(range: $range, filter: $filter, timezone: $timezone) {
      url
      expiresAt
      fileName
    }
  }
`);

/** Starts a download of `url` (same origin: saved as `fileName`; the server's Content-Disposition wins). */
export function downloadUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** "Export CSV": asks for a fresh signed URL (never cached: it expires in minutes) and downloads it. */
export function ExportButton(props: { scope: AnalyticsScopeVariables; download?: (url: string, fileName: string) => void }) {
  const client = useApolloClient();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const { data } = await client.query({ query: AnalyticsExportQuery, variables: props.scope, fetchPolicy: 'no-cache' });
      const file = data?.exportThreads;
      if (!file) throw new Error(i18n.t('analytics.export.noFile'));
      (props.download ?? downloadUrl)(file.url, file.fileName);
    } catch (e) {
      notifications.show({ color: 'red', title: i18n.t('analytics.export.failed'), message: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="xs" variant="light" leftSection={<IconDownload size={14} />} loading={busy} onClick={() => void run()} data-testid="analytics-export">
      {i18n.t('analytics.export.button')}
    </Button>
  );
}
