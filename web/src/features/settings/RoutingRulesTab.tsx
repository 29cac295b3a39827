import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { ChannelType, CustomerTier, RoutingRuleForm_RuleFragment, ThreadType } from '../../gql/graphql';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { errorProps, sortErrors } from './fieldErrors';
import { CHANNEL_TYPE_OPTIONS, CUSTOMER_TIER_OPTIONS, humanize, THREAD_TYPE_OPTIONS } from './settingsOptions';

export const RoutingRuleForm_rule = graphql(`
  fragment RoutingRuleForm_rule on RoutingRule {
    id
    name
    rank
    isActive
    requiredSkills
    team {
      id
      name
    }
    conditions {
      channelTypes
      customerTiers
      languages
      threadTypes
    }
    updatedAt
  }
`);

export const SettingsRoutingRulesQuery = graphql(`
  query SettingsRoutingRules {
    routingRules(first: 100) {
      totalCount
      edges {
        node {
          id
          ...RoutingRuleForm_rule
        }
      }
    }
    teams {
      id
      name
    }
  }
`);

export const CreateRoutingRuleMutation = graphql(`
  mutation CreateRoutingRule($input: CreateRoutingRuleInput!) {
    createRoutingRule(input: $input) {
      routingRule {
        id
        ...RoutingRuleForm_rule
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const UpdateRoutingRuleMutation = graphql(`
  mutation UpdateRoutingRule($input: UpdateRoutingRuleInput!) {
    updateRoutingRule(input: $input) {
      routingRule {
        id
        ...RoutingRuleForm_rule
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const DeleteRoutingRuleMutation = graphql(`
  mutation DeleteRoutingRule($ruleId: ID!) {
    deleteRoutingRule(ruleId: $ruleId) {
      deletedRuleId
      errors {
        code
        message
        field
      }
    }
  }
`);

interface RuleDraft {
  name: string;
  teamId: string | null;
  rank: number | '';
  isActive: boolean;
  channelTypes: string[];
  customerTiers: string[];
  threadTypes: string[];
  languages: string[];
  requiredSkills: string[];
}

const FIELD_KEYS = ['name', 'teamId', 'rank', 'isActive', 'requiredSkills', 'conditions.channelTypes', 'conditions.customerTiers', 'conditions.threadTypes', 'conditions.languages', 'conditions'];

function draftOf(rule: RoutingRuleForm_RuleFragment | null): RuleDraft {
  if (!rule) return { name: '', teamId: null, rank: 100, isActive: true, channelTypes: [], customerTiers: [], threadTypes: [], languages: [], requiredSkills: [] };
  return {
    name: rule.name,
    teamId: rule.team.id,
    rank: rule.rank,
    isActive: rule.isActive,
    channelTypes: [...rule.conditions.channelTypes],
    customerTiers: [...rule.conditions.customerTiers],
    threadTypes: [...rule.conditions.threadTypes],
    languages: [...rule.conditions.languages],
    requiredSkills: [...rule.requiredSkills],
  };
}

function RuleFormBody(props: { rule: RoutingRuleForm_RuleFragment | null; teams: readonly { id: string; name: string }[]; onDone: () => void }) {
  const { rule } = props;
  const [draft, setDraft] = useState<RuleDraft>(() => draftOf(rule));
  const [errors, setErrors] = useState<Record<string, UserErrorView>>({});
  const [general, setGeneral] = useState<UserErrorView[]>([]);
  const [create, { loading: creating }] = useMutation(CreateRoutingRuleMutation, { refetchQueries: [SettingsRoutingRulesQuery] });
  const [update, { loading: updating }] = useMutation(UpdateRoutingRuleMutation, { refetchQueries: [SettingsRoutingRulesQuery] });
  const loading = creating || updating;
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K], errorKey: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => {
      const { [errorKey]: _gone, ...rest } = e;
      return rest;
    });
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const local: UserErrorView[] = [];
    if (!draft.name.trim()) local.push({ code: 'VALIDATION_FAILED', message: 'Name is required.', field: 'input.name' });
    if (!draft.teamId) local.push({ code: 'VALIDATION_FAILED', message: 'Pick the team matching threads go to.', field: 'input.teamId' });
    if (draft.rank !== '' && (draft.rank < 0 || draft.rank > 1_000_000 || !Number.isInteger(draft.rank))) {
      local.push({ code: 'VALIDATION_FAILED', message: 'A whole number from 0 to 1,000,000.', field: 'input.rank' });
    }
    if (local.length > 0) {
      const sorted = sortErrors(local, FIELD_KEYS);
      setErrors(sorted.byField);
      setGeneral(sorted.general);
      return;
    }
    const conditions = {
      channelTypes: draft.channelTypes as ChannelType[],
      customerTiers: draft.customerTiers as CustomerTier[],
      threadTypes: draft.threadTypes as ThreadType[],
      languages: draft.languages.map((l) => l.trim().toLowerCase()).filter(Boolean),
    };
    const skills = draft.requiredSkills.map((s) => s.trim()).filter(Boolean);
    try {
      const result = rule
        ? toUserErrors(
            (
              await update({
                variables: {
                  input: {
                    ruleId: rule.id,
                    name: draft.name.trim(),
                    teamId: draft.teamId,
                    isActive: draft.isActive,
                    conditions,
                    requiredSkills: skills,
                    ...(draft.rank !== '' ? { rank: draft.rank } : {}),
                  },
                },
              })
            ).data?.updateRoutingRule?.errors,
          )
        : toUserErrors(
            (
              await create({
                variables: {
                  input: {
                    name: draft.name.trim(),
                    teamId: draft.teamId!,
                    isActive: draft.isActive,
                    conditions,
                    requiredSkills: skills,
                    ...(draft.rank !== '' ? { rank: draft.rank } : {}),
                  },
                },
              })
            ).data?.createRoutingRule?.errors,
          );
      if (result.length > 0) {
        const sorted = sortErrors(result, FIELD_KEYS);
        setErrors(sorted.byField);
        setGeneral(sorted.general);
        return;
      }
      notifications.show({ color: 'teal', message: rule ? 'Routing rule saved' : 'Routing rule created' });
      props.onDone();
    } catch (error) {
      setGeneral([{ code: 'NETWORK', message: (error as Error).message }]);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label={rule ? 'Edit routing rule' : 'New routing rule'}>
      <Stack gap="sm">
        {general.map((g) => (
          <Alert key={g.code + g.message} color="red" variant="light" icon={<IconAlertCircle size={18} />} data-testid="rule-form-error" data-error-code={g.code}>
            {g.message}
          </Alert>
        ))}
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput label="Name" withAsterisk value={draft.name} onChange={(e) => set('name', e.currentTarget.value, 'name')} {...errorProps(errors.name)} />
          <Select
            label="Team"
            withAsterisk
            data={props.teams.map((t) => ({ value: t.id, label: t.name }))}
            value={draft.teamId}
            onChange={(v) => set('teamId', v, 'teamId')}
            searchable
            comboboxProps={{ withinPortal: true }}
            {...errorProps(errors.teamId)}
          />
          <NumberInput
            label="Rank"
            description="Lower matches first"
            min={0}
            max={1_000_000}
            allowDecimal={false}
            allowNegative={false}
            value={draft.rank}
            onChange={(v) => set('rank', v === '' ? '' : Number(v), 'rank')}
            {...errorProps(errors.rank)}
          />
        </SimpleGrid>
        <Switch label="Active" checked={draft.isActive} onChange={(e) => set('isActive', e.currentTarget.checked, 'isActive')} />
        <Text size="xs" c="dimmed">
          Conditions: every non-empty list must contain the thread's value; a rule without conditions is the fallback.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <MultiSelect label="Channel types" placeholder="Any" data={CHANNEL_TYPE_OPTIONS} value={draft.channelTypes} onChange={(v) => set('channelTypes', v, 'conditions.channelTypes')} clearable comboboxProps={{ withinPortal: true }} {...errorProps(errors['conditions.channelTypes'])} />
          <MultiSelect label="Customer tiers" placeholder="Any" data={CUSTOMER_TIER_OPTIONS} value={draft.customerTiers} onChange={(v) => set('customerTiers', v, 'conditions.customerTiers')} clearable comboboxProps={{ withinPortal: true }} {...errorProps(errors['conditions.customerTiers'])} />
          <MultiSelect label="Thread types" placeholder="Any" data={THREAD_TYPE_OPTIONS} value={draft.threadTypes} onChange={(v) => set('threadTypes', v, 'conditions.threadTypes')} clearable comboboxProps={{ withinPortal: true }} {...errorProps(errors['conditions.threadTypes'])} />
          <TagsInput
            label="Customer languages"
            description="BCP 47 tags, e.g. it, nl (matches it-CH too)"
            placeholder="Any"
            value={draft.languages}
            onChange={(v) => set('languages', v, 'conditions.languages')}
            {...errorProps(errors['conditions.languages'])}
          />
        </SimpleGrid>
        <TagsInput
          label="Required skills"
          description="Agents need all of them to be given a routed thread automatically"
          placeholder="e.g. installation"
          value={draft.requiredSkills}
          onChange={(v) => set('requiredSkills', v, 'requiredSkills')}
          {...errorProps(errors.requiredSkills)}
        />
        {errors.conditions && (
          <Text size="xs" c="red">
            {errors.conditions.message}
          </Text>
        )}
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={props.onDone} disabled={loading}>
            Cancel
          </Button>
          <Button type="submit" loading={loading}>
            {rule ? 'Save' : 'Create rule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RuleRow(props: {
  rule: FragmentType<typeof RoutingRuleForm_rule>;
  onEdit: (r: RoutingRuleForm_RuleFragment) => void;
  onDelete: (r: RoutingRuleForm_RuleFragment) => void;
}) {
  const r = getFragmentData(RoutingRuleForm_rule, props.rule);
  const [update, { loading }] = useMutation(UpdateRoutingRuleMutation);
  const c = r.conditions;
  const conditions =
    [c.channelTypes.map(humanize).join(', '), c.customerTiers.map(humanize).join(', '), c.threadTypes.map(humanize).join(', '), c.languages.join(', ')]
      .filter(Boolean)
      .join(' · ') || 'Every thread (fallback)';
  const toggle = async (isActive: boolean) => {
    try {
      const { data } = await update({ variables: { input: { ruleId: r.id, isActive } } });
      const errors = toUserErrors(data?.updateRoutingRule?.errors);
      if (errors.length) notifications.show({ color: 'red', title: 'Could not change the rule', message: errors.map((e) => e.message).join('\n') });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not change the rule', message: (e as Error).message });
    }
  };
  return (
    <Table.Tr data-testid="routing-rule-row">
      <Table.Td>{r.rank}</Table.Td>
      <Table.Td>
        <Text size="sm" fw={500}>
          {r.name}
        </Text>
      </Table.Td>
      <Table.Td>{r.team.name}</Table.Td>
      <Table.Td>
        <Text size="xs">{conditions}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {r.requiredSkills.map((s) => (
            <Badge key={s} size="xs" variant="light">
              {s}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Switch size="xs" aria-label={`${r.name} active`} checked={r.isActive} disabled={loading} onChange={(e) => void toggle(e.currentTarget.checked)} />
      </Table.Td>
      <Table.Td>
        <Group gap={0} wrap="nowrap">
          <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${r.name}`} onClick={() => props.onEdit(r)}>
            <IconPencil size={14} />
          </ActionIcon>
          <ActionIcon variant="subtle" color="red" aria-label={`Delete ${r.name}`} onClick={() => props.onDelete(r)}>
            <IconTrash size={14} />
          </ActionIcon>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** Managers: routing rules (conditions → team, required skills), in matching order. */
export function RoutingRulesTab() {
  const { data, loading, error } = useQuery(SettingsRoutingRulesQuery, { fetchPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<{ rule: RoutingRuleForm_RuleFragment | null } | null>(null);
  const [deleting, setDeleting] = useState<RoutingRuleForm_RuleFragment | null>(null);
  const [remove, { loading: removing }] = useMutation(DeleteRoutingRuleMutation, { refetchQueries: [SettingsRoutingRulesQuery] });
  const edges = data?.routingRules.edges ?? [];
  const teams = data?.teams ?? [];

  const confirmDelete = async () => {
    if (!deleting) return;
    try {
      const { data: result } = await remove({ variables: { ruleId: deleting.id } });
      const errors = toUserErrors(result?.deleteRoutingRule?.errors);
      if (errors.length > 0) notifications.show({ color: 'red', title: 'Could not delete the rule', message: errors.map((e) => e.message).join('\n') });
      else notifications.show({ color: 'teal', message: `Deleted ${deleting.name}` });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not delete the rule', message: (e as Error).message });
    }
    setDeleting(null);
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          New threads go to the team of the first active rule they match (lowest rank first).
        </Text>
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing({ rule: null })} disabled={!data}>
          New rule
        </Button>
      </Group>
      {error && !data && (
        <Alert color="red" title="Could not load routing rules">
          {error.message}
        </Alert>
      )}
      {loading && !data ? (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      ) : edges.length === 0 && data ? (
        <Text c="dimmed" size="sm">
          No routing rules yet: new threads stay without team.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Rank</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Team</Table.Th>
                <Table.Th>Conditions</Table.Th>
                <Table.Th>Skills</Table.Th>
                <Table.Th>Active</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {edges.map((e) => (
                <RuleRow key={e.node.id} rule={e.node} onEdit={(rule) => setEditing({ rule })} onDelete={setDeleting} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.rule ? `Edit ${editing.rule.name}` : 'New routing rule'} size="xl">
        {editing && <RuleFormBody rule={editing.rule} teams={teams} onDone={() => setEditing(null)} />}
      </Modal>
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title="Delete routing rule" size="sm">
        <Stack gap="sm">
          <Text size="sm">
            Delete <b>{deleting?.name}</b>? Threads it routed keep their team.
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
