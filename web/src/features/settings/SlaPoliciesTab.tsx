import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Group, Table, Text } from '@mantine/core';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { SlaPolicyForm_PolicyFragment } from '../../gql/graphql';
import { ConfirmModal } from './ConfirmModal';
import { EditDeleteActions, SettingsListSection } from './SettingsListSection';
import { SettingsSlaPoliciesQuery, SlaPolicyForm_policy, SlaPolicyFormModal } from './SlaPolicyForm';
import { useDeleteWithConfirm } from './useDeleteWithConfirm';
import { formatSeconds, humanize, threadTypeLabel } from './settingsOptions';
import { Trans } from 'react-i18next';
import { CHANNEL_LABEL, PRIORITY_LABEL } from '../../shared/labels';
import type { ChannelType, Priority } from '../../gql/graphql';
import { i18n } from '../../i18n';

export const DeleteSlaPolicyMutation = graphql(`
  mutation DeleteSlaPolicy($policyId: ID!) {
    deleteSlaPolicy(policyId: $policyId) {
      deletedPolicyId
      errors {
        code
        message
        field
      }
    }
  }
`);

/** "WhatsApp, Email · Urgent · 2 teams" or "Every thread". */
export function conditionsSummary(c: SlaPolicyForm_PolicyFragment['conditions']): string {
  const parts = [
    c.channelTypes.map((v) => CHANNEL_LABEL[v as ChannelType] ?? humanize(v)).join(', '),
    c.priorities.map((v) => PRIORITY_LABEL[v as Priority] ?? humanize(v)).join(', '),
    c.customerTiers.map((v) => i18n.t(`tier.${v}`, { defaultValue: humanize(v) })).join(', '),
    c.threadTypes.map(threadTypeLabel).join(', '),
    c.teamIds.length ? i18n.t('settings.sla.teams', { count: c.teamIds.length }) : '',
  ].filter(Boolean);
  return parts.join(' · ') || i18n.t('settings.sla.everyThread');
}

function PolicyRow(props: {
  policy: FragmentType<typeof SlaPolicyForm_policy>;
  onEdit: (p: SlaPolicyForm_PolicyFragment) => void;
  onDelete: (p: SlaPolicyForm_PolicyFragment) => void;
}) {
  const p = getFragmentData(SlaPolicyForm_policy, props.policy);
  return (
    <Table.Tr data-testid="sla-policy-row" data-policy-id={p.id}>
      <Table.Td>{p.rank}</Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={500}>
            {p.name}
          </Text>
          {!p.isActive && (
            <Badge size="xs" color="gray" variant="outline">
              inactive
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>{formatSeconds(p.firstResponseSeconds)}</Table.Td>
      <Table.Td>{formatSeconds(p.nextResponseSeconds)}</Table.Td>
      <Table.Td>{formatSeconds(p.resolutionSeconds)}</Table.Td>
      <Table.Td>{p.calendar?.name ?? '24/7'}</Table.Td>
      <Table.Td>
        <Text size="xs">{conditionsSummary(p.conditions)}</Text>
      </Table.Td>
      <Table.Td>{p.escalation.length}</Table.Td>
      <Table.Td>
        <EditDeleteActions name={p.name} onEdit={() => props.onEdit(p)} onDelete={() => props.onDelete(p)} />
      </Table.Td>
    </Table.Tr>
  );
}

/** Managers: SLA policies in matching order, with targets, calendar, conditions and ladder. */
export function SlaPoliciesTab() {
  const { data, loading, error, refetch } = useQuery(SettingsSlaPoliciesQuery, { fetchPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<{ policy: SlaPolicyForm_PolicyFragment | null } | null>(null);
  const [remove] = useMutation(DeleteSlaPolicyMutation, { refetchQueries: [SettingsSlaPoliciesQuery] });
  const deletion = useDeleteWithConfirm({
    mutate: async (policy: SlaPolicyForm_PolicyFragment) => (await remove({ variables: { policyId: policy.id } })).data?.deleteSlaPolicy?.errors,
    failTitle: i18n.t('settings.sla.deleteFailed'),
    doneMessage: (policy) => `Deleted ${policy.name}`,
  });
  const edges = data?.slaPolicies.edges ?? [];

  return (
    <>
      <SettingsListSection
        description={i18n.t('settings.sla.description')}
        newLabel={i18n.t('settings.sla.new')}
        onNew={() => setEditing({ policy: null })}
        loaded={!!data}
        loading={loading}
        error={error}
        errorTitle={i18n.t('settings.sla.loadError')}
        empty={edges.length === 0 && i18n.t('settings.sla.empty')}
      >
        <Table.ScrollContainer minWidth={800}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{i18n.t('settings.common.rank')}</Table.Th>
                <Table.Th>{i18n.t('settings.common.name')}</Table.Th>
                <Table.Th>{i18n.t('sla.targetTitle.FIRST_RESPONSE')}</Table.Th>
                <Table.Th>{i18n.t('sla.targetTitle.NEXT_RESPONSE')}</Table.Th>
                <Table.Th>{i18n.t('sla.targetTitle.RESOLUTION')}</Table.Th>
                <Table.Th>{i18n.t('settings.sla.calendar')}</Table.Th>
                <Table.Th>{i18n.t('settings.sla.appliesTo')}</Table.Th>
                <Table.Th>{i18n.t('settings.sla.steps')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {edges.map((e) => (
                <PolicyRow key={e.node.id} policy={e.node} onEdit={(policy) => setEditing({ policy })} onDelete={deletion.ask} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </SettingsListSection>
      <SlaPolicyFormModal policy={editing?.policy ?? null} opened={editing !== null} onClose={() => setEditing(null)} onCreated={() => void refetch()} />
      <ConfirmModal {...deletion.modal} title={i18n.t('settings.sla.deleteTitle')} confirmLabel={i18n.t('common.delete')} size="sm">
        <Trans i18nKey="settings.sla.deleteText" values={{ name: deletion.target?.name ?? '' }} components={{ b: <b /> }} />
      </ConfirmModal>
    </>
  );
}
