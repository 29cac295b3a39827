import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Group, Table, Text } from '@mantine/core';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { SlaPolicyForm_PolicyFragment } from '../../gql/graphql';
import { ConfirmModal } from './ConfirmModal';
import { EditDeleteActions, SettingsListSection } from './SettingsListSection';
import { SettingsSlaPoliciesQuery, SlaPolicyForm_policy, SlaPolicyFormModal } from './SlaPolicyForm';
import { useDeleteWithConfirm } from './useDeleteWithConfirm';
import { formatSeconds, humanize } from './settingsOptions';

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
    c.channelTypes.map(humanize).join(', '),
    c.priorities.map(humanize).join(', '),
    c.customerTiers.map(humanize).join(', '),
    c.threadTypes.map(humanize).join(', '),
    c.teamIds.length ? `${c.teamIds.length} team${c.teamIds.length === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return parts.join(' · ') || 'Every thread';
}

function PolicyRow(props: { policy: FragmentType<typeof SlaPolicyForm_policy>; onEdit: (p: SlaPolicyForm_PolicyFragment) => void; onDelete: (p: SlaPolicyForm_PolicyFragment) => void }) {
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
    failTitle: 'Could not delete the policy',
    doneMessage: (policy) => `Deleted ${policy.name}`,
  });
  const edges = data?.slaPolicies.edges ?? [];

  return (
    <>
      <SettingsListSection
        description="Of the active policies that match a thread, the lowest rank applies."
        newLabel="New policy"
        onNew={() => setEditing({ policy: null })}
        loaded={!!data}
        loading={loading}
        error={error}
        errorTitle="Could not load SLA policies"
        empty={edges.length === 0 && "No SLA policies yet: threads use their channel's plain response time."}
      >
        <Table.ScrollContainer minWidth={800}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Rank</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>First response</Table.Th>
                <Table.Th>Next response</Table.Th>
                <Table.Th>Resolution</Table.Th>
                <Table.Th>Calendar</Table.Th>
                <Table.Th>Applies to</Table.Th>
                <Table.Th>Steps</Table.Th>
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
      <ConfirmModal {...deletion.modal} title="Delete SLA policy" confirmLabel="Delete" size="sm">
        Delete <b>{deletion.target?.name}</b> for good? Threads that used it keep their due dates.
      </ConfirmModal>
    </>
  );
}
