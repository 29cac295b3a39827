import { useState } from 'react';
import { ActionIcon, Badge, Button, Code, CopyButton, Group, Paper, SimpleGrid, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconPencil, IconPlugConnected } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { TestChannelMutation as TestResult } from '../../gql/graphql';
import { ChannelIcon, channelLabel } from '../../shared/ChannelIcon';
import { formatDateTime, relativeTime } from '../../shared/time';
import { mutateOrNotify } from './notifyErrors';
import { useUpdateChannel } from './useUpdateChannel';
import { useTestChannel } from './useTestChannel';
import { i18n } from '../../i18n';

export const ChannelCard_channel = graphql(`
  fragment ChannelCard_channel on Channel {
    id
    type
    name
    isActive
    provider
    canSend
    webhookUrl
    health {
      lastInboundAt
      lastSendAt
      lastError
      lastErrorAt
      subscriptionExpiresAt
    }
    ...ChannelForm_channel
  }
`);

function When({ iso, empty = i18n.t('settings.common.never') }: { iso: string | null | undefined; empty?: string }) {
  if (!iso)
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  return (
    <Text size="sm" title={formatDateTime(iso)} component="time" dateTime={iso}>
      {relativeTime(iso)}
    </Text>
  );
}

function Health({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {children}
    </Stack>
  );
}

/** One channel in the admin list: type icon, name, active switch, health, webhook URL, edit/test. */
export function ChannelCard(props: { channel: FragmentType<typeof ChannelCard_channel>; onEdit: () => void }) {
  const c = getFragmentData(ChannelCard_channel, props.channel);
  const [update, { loading: toggling }] = useUpdateChannel();
  const [test, { loading: testing }] = useTestChannel();
  const [result, setResult] = useState<TestResult['testChannel'] | null>(null);
  const h = c.health;
  const subscriptionExpired = h.subscriptionExpiresAt ? new Date(h.subscriptionExpiresAt).getTime() < Date.now() : false;

  const toggle = (isActive: boolean) =>
    mutateOrNotify(i18n.t('settings.channels.updateFailed'), async () => (await update({ channelId: c.id, isActive })).data?.updateChannel?.errors);

  const runTest = async () => {
    setResult(null);
    try {
      const { data } = await test(c.id);
      setResult(data?.testChannel ?? null);
    } catch (e) {
      setResult({ __typename: 'ChannelTestResult', ok: false, code: 'NETWORK', message: (e as Error).message });
    }
  };

  return (
    <Paper withBorder p="md" radius="md" data-testid="channel-card" data-channel-id={c.id}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <ChannelIcon type={c.type} size={22} />
            <Stack gap={0} style={{ minWidth: 0 }}>
              <Text fw={600} truncate>
                {c.name}
              </Text>
              <Text size="xs" c="dimmed">
                {channelLabel(c.type)}
                {c.provider ? ` · ${c.provider}` : ''}
                {!c.canSend ? i18n.t('settings.channels.notesOnly') : ''}
              </Text>
            </Stack>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Switch
              label={i18n.t('settings.common.active')}
              checked={c.isActive}
              disabled={toggling}
              onChange={(e) => void toggle(e.currentTarget.checked)}
              aria-label={`${c.name} active`}
            />
            <Button size="xs" variant="default" leftSection={<IconPlugConnected size={14} />} loading={testing} onClick={() => void runTest()}>
              {i18n.t('settings.channels.test')}
            </Button>
            <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={props.onEdit} aria-label={i18n.t('settings.common.editNamed', { name: c.name })}>
              Edit
            </Button>
          </Group>
        </Group>
        {result && (
          <Group gap="xs" data-testid="channel-test-result" data-ok={result.ok}>
            <Badge color={result.ok ? 'teal' : 'red'} variant="light">
              {result.ok ? i18n.t('settings.channels.ok') : i18n.t('settings.channels.failed')}
            </Badge>
            {result.code && <Code>{result.code}</Code>}
            <Text size="sm">{result.message}</Text>
          </Group>
        )}
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
          <Health label={i18n.t('settings.channels.lastInbound')}>
            <When iso={h.lastInboundAt} />
          </Health>
          <Health label={i18n.t('settings.channels.lastSend')}>
            <When iso={h.lastSendAt} />
          </Health>
          <Health label={i18n.t('settings.channels.lastError')}>
            {h.lastError ? (
              <Text size="sm" c="red.7" lineClamp={2} title={h.lastError}>
                {h.lastError}
                {h.lastErrorAt ? ` (${relativeTime(h.lastErrorAt)})` : ''}
              </Text>
            ) : (
              <Text size="sm" c="dimmed">
                none
              </Text>
            )}
          </Health>
          <Health label={i18n.t('settings.channels.subscriptionExpires')}>
            {h.subscriptionExpiresAt ? (
              <Text size="sm" c={subscriptionExpired ? 'red.7' : undefined} title={formatDateTime(h.subscriptionExpiresAt)}>
                {relativeTime(h.subscriptionExpiresAt)}
              </Text>
            ) : (
              <Text size="sm" c="dimmed">
                —
              </Text>
            )}
          </Health>
        </SimpleGrid>
        {c.webhookUrl && (
          <Group gap={6} wrap="nowrap">
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              {i18n.t('settings.channels.webhookUrl')}
            </Text>
            <Code style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} data-testid="channel-webhook-url">
              {c.webhookUrl}
            </Code>
            <CopyButton value={c.webhookUrl} timeout={1500}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? i18n.t('settings.common.copied') : i18n.t('settings.channels.copyWebhook')} withArrow>
                  <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={i18n.t('settings.channels.copyWebhook')}>
                    {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
