import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { ActionIcon, Alert, Badge, Button, Center, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { SlaPolicyForm_PolicyFragment } from '../../gql/graphql';
import { toUserErrors } from '../../shared/userErrors';
import { SettingsSlaPoliciesQuery, SlaPolicyForm_policy, SlaPolicyFormModal } from './SlaPolicyForm';
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
        <Group gap={0} wrap="nowrap">
          <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${p.name}`} onClick={() => props.onEdit(p)}>
            <IconPencil size={14} />
          </ActionIcon>
          <ActionIcon variant="subtle" color="red" aria-label={`Delete ${p.name}`} onClick={() => props.onDelete(p)}>
            <IconTrash size={14} />
          </ActionIcon>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** Managers: SLA policies in matching order, with targets, calendar, conditions and ladder. */
export function SlaPoliciesTab() {
  const { data, loading, error, refetch } = useQuery(SettingsSlaPoliciesQuery, { fetchPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<{ policy: SlaPolicyForm_PolicyFragment | null } | null>(null);
  const [deleting, setDeleting] = useState<SlaPolicyForm_PolicyFragment | null>(null);
  const [remove, { loading: removing }] = useMutation(DeleteSlaPolicyMutation, { refetchQueries: [SettingsSlaPoliciesQuery] });
  const edges = data?.slaPolicies.edges ?? [];

  const confirmDelete = async () => {
    if (!deleting) return;
    try {
      const { data: result } = await remove({ variables: { policyId: deleting.id } });
      const errors = toUserErrors(result?.deleteSlaPolicy?.errors);
      if (errors.length > 0) notifications.show({ color: 'red', title: 'Could not delete the policy', message: errors.map((e) => e.message).join('\n') });
      else notifications.show({ color: 'teal', message: `Deleted ${deleting.name}` });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not delete the policy', message: (e as Error).message });
    }
    setDeleting(null);
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Of the active policies that match a thread, the lowest rank applies.
        </Text>
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing({ policy: null })}>
          New policy
        </Button>
      </Group>
      {error && !data && (
        <Alert color="red" title="Could not load SLA policies">
          {error.message}
        </Alert>
      )}
      {loading && !data ? (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      ) : edges.length === 0 && data ? (
        <Text c="dimmed" size="sm">
          No SLA policies yet: threads use their channel's plain response time.
        </Text>
      ) : (
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
                <PolicyRow key={e.node.id} policy={e.node} onEdit={(policy) => setEditing({ policy })} onDelete={setDeleting} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <SlaPolicyFormModal policy={editing?.policy ?? null} opened={editing !== null} onClose={() => setEditing(null)} onCreated={() => void refetch()} />
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title="Delete SLA policy" size="sm">
        <Stack gap="sm">
          <Text size="sm">
            Delete <b>{deleting?.name}</b> for good? Threads that used it keep their due dates.
          </Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setDeleting(null)} disabled={removing}>
              Cancel
            </Button>
            <Button color="red" loading={removing} onClick={() => void confirmDelete()}>
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
