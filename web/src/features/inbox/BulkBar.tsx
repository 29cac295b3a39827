import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, CloseButton, Group, List, Menu, Popover, Text, TextInput } from '@mantine/core';
import { IconChevronDown, IconClockPause, IconFlag, IconProgress, IconTag, IconUserPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../../gql';
import type { BulkUpdateThreadsInput, Priority, ThreadStatus } from '../../gql/graphql';
import { PRIORITY_LABEL, STATUS_LABEL } from '../../shared/labels';
import { SNOOZE_PRESETS, snoozeUntil, type SnoozePreset } from '../../shared/snooze';
import { formatDateTime, formatNumber } from '../../shared/time';
import { describeError } from '../../shared/errorMessages';
import { toUserErrors } from '../../shared/userErrors';

export const BulkUpdateThreadsMutation = graphql(`
  mutation BulkUpdateThreads($input: BulkUpdateThreadsInput!) {
    bulkUpdateThreads(input: $input) {
      threads {
        id
        ...ThreadRow_thread
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Agents to assign to (the thread header asks the same). */
export const InboxBulkAgentsQuery = graphql(`
  query InboxBulkAgents {
    agents(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

const STATUSES: ThreadStatus[] = ['OPEN', 'IN_PROGRESS', 'WAITING_CUSTOMER', 'WAITING_INTERNAL', 'ESCALATED', 'RESOLVED', 'CLOSED'];
const PRIORITIES: Priority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT', 'CRITICAL'];

/** A failed thread of a bulk update: its id and the reason in the user's language. */
export interface BulkFailure {
  threadId: string;
  message: string;
}

interface Props {
  /** The selected thread ids, in list order (1–100 are sent). */
  threadIds: readonly string[];
  /** A short name per thread id for error lines ("Mario Rossi · Wallbox"). */
  describe: (threadId: string) => string;
  /** After an update: the ids that failed (an empty list clears the selection). */
  onDone: (failedIds: string[]) => void;
  onClear: () => void;
}

/**
 * The bar over the list while threads are selected: assign, status, priority, add a tag, snooze
 * (1 h, tomorrow 09:00, next Monday 09:00 in the user's zone) through one `bulkUpdateThreads`.
 * Per-thread errors (field "threadIds.<i>") are listed; those threads stay selected.
 */
export function BulkBar({ threadIds, describe, onDone, onClear }: Props) {
  const { t } = useTranslation();
  const [run, { loading }] = useMutation(BulkUpdateThreadsMutation, {
    // Changes can move threads out of the view (status, assignee, snooze) and change unread counts.
    // By operation name (ThreadList.tsx, unreadCounts.ts): only the active ones are refetched.
    refetchQueries: ['InboxThreads', 'InboxUnreadCounts'],
  });
  const [agentsOpened, setAgentsOpened] = useState(false);
  const agents = useQuery(InboxBulkAgentsQuery, { skip: !agentsOpened });
  const [failures, setFailures] = useState<BulkFailure[]>([]);
  const [tag, setTag] = useState('');
  const [tagOpen, setTagOpen] = useState(false);

  const apply = async (patch: Omit<BulkUpdateThreadsInput, 'threadIds'>) => {
    const ids = threadIds.slice(0, 100);
    try {
      const { data } = await run({ variables: { input: { threadIds: ids, ...patch } } });
      const errors = toUserErrors(data?.bulkUpdateThreads.errors);
      const perThread: BulkFailure[] = [];
      const general: BulkFailure[] = [];
      for (const e of errors) {
        const m = /^threadIds\.(\d+)$/.exec(e.field ?? '');
        const id = m ? ids[Number(m[1])] : undefined;
        if (id) perThread.push({ threadId: id, message: e.message });
        else general.push({ threadId: '', message: e.message });
      }
      setFailures([...general, ...perThread]);
      onDone(general.length > 0 ? ids : perThread.map((f) => f.threadId));
    } catch (e) {
      setFailures([{ threadId: '', message: describeError(e).message }]);
    }
  };

  const menuButton = (label: string, icon: React.ReactNode, testId: string) => (
    <Button size="compact-xs" variant="default" leftSection={icon} rightSection={<IconChevronDown size={12} />} disabled={loading} data-testid={testId}>
      {label}
    </Button>
  );

  return (
    <section data-testid="bulk-bar" aria-label={t('inbox.bulk.region')}>
      <Group gap={6} px="sm" py={6} wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)', background: 'var(--mantine-color-blue-0)' }}>
        <Text size="xs" fw={600} data-testid="bulk-count">
          {t('inbox.bulk.selected', { count: threadIds.length, formatted: formatNumber(threadIds.length) })}
        </Text>
        <Menu position="bottom-start" onOpen={() => setAgentsOpened(true)} withinPortal>
          <Menu.Target>{menuButton(t('inbox.bulk.assign'), <IconUserPlus size={12} />, 'bulk-assign')}</Menu.Target>
          <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
            <Menu.Item onClick={() => void apply({ assigneeId: null })}>{t('common.unassigned')}</Menu.Item>
            {agents.loading && <Menu.Label>{t('inbox.bulk.loadingAgents')}</Menu.Label>}
            {agents.data?.agents.edges.map((e) => (
              <Menu.Item key={e.node.id} onClick={() => void apply({ assigneeId: e.node.id })}>
                {e.node.name ?? e.node.id}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
        <Menu position="bottom-start" withinPortal>
          <Menu.Target>{menuButton(t('inbox.bulk.status'), <IconProgress size={12} />, 'bulk-status')}</Menu.Target>
          <Menu.Dropdown>
            {STATUSES.map((s) => (
              <Menu.Item key={s} onClick={() => void apply({ status: s })}>
                {STATUS_LABEL[s]}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
        <Menu position="bottom-start" withinPortal>
          <Menu.Target>{menuButton(t('inbox.bulk.priority'), <IconFlag size={12} />, 'bulk-priority')}</Menu.Target>
          <Menu.Dropdown>
            {PRIORITIES.map((p) => (
              <Menu.Item key={p} onClick={() => void apply({ priority: p })}>
                {PRIORITY_LABEL[p]}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
        <Popover opened={tagOpen} onChange={setTagOpen} position="bottom-start" trapFocus withinPortal>
          <Popover.Target>
            <Button
              size="compact-xs"
              variant="default"
              leftSection={<IconTag size={12} />}
              rightSection={<IconChevronDown size={12} />}
              disabled={loading}
              onClick={() => setTagOpen((o) => !o)}
              data-testid="bulk-tag"
            >
              {t('inbox.bulk.tag')}
            </Button>
          </Popover.Target>
          <Popover.Dropdown>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const value = tag.trim();
                if (!value) return;
                setTagOpen(false);
                setTag('');
                void apply({ addTags: [value] });
              }}
            >
              <Group gap={6} wrap="nowrap">
                <TextInput
                  size="xs"
                  aria-label={t('inbox.bulk.tagName')}
                  placeholder={t('inbox.bulk.tagName')}
                  value={tag}
                  onChange={(e) => setTag(e.currentTarget.value)}
                  maxLength={50}
                />
                <Button size="xs" type="submit" disabled={!tag.trim()}>
                  {t('inbox.bulk.addTag')}
                </Button>
              </Group>
            </form>
          </Popover.Dropdown>
        </Popover>
        <Menu position="bottom-start" withinPortal>
          <Menu.Target>{menuButton(t('inbox.bulk.snooze'), <IconClockPause size={12} />, 'bulk-snooze')}</Menu.Target>
          <Menu.Dropdown>
            {SNOOZE_PRESETS.map((p: SnoozePreset) => {
              const until = snoozeUntil(p);
              return (
                <Menu.Item
                  key={p}
                  onClick={() => void apply({ snoozeUntil: snoozeUntil(p).toISOString() })}
                  rightSection={
                    <Text size="xs" c="dimmed">
                      {formatDateTime(until)}
                    </Text>
                  }
                >
                  {t(`inbox.bulk.snoozePreset.${p}`)}
                </Menu.Item>
              );
            })}
          </Menu.Dropdown>
        </Menu>
        <div style={{ flex: 1 }} />
        <CloseButton size="sm" aria-label={t('inbox.bulk.clear')} onClick={onClear} />
      </Group>
      {failures.length > 0 && (
        <Alert
          color="red"
          m="xs"
          p="xs"
          title={t('inbox.bulk.failed', { count: failures.length })}
          withCloseButton
          closeButtonLabel={t('inbox.bulk.dismiss')}
          onClose={() => setFailures([])}
          data-testid="bulk-errors"
        >
          <List size="xs">
            {failures.map((f) => (
              <List.Item key={`${f.threadId}|${f.message}`}>{f.threadId ? `${describe(f.threadId)}: ${f.message}` : f.message}</List.Item>
            ))}
          </List>
        </Alert>
      )}
    </section>
  );
}
