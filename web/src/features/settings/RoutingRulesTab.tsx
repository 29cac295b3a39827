import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Modal, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Switch, Table, TagsInput, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { ChannelType, CustomerTier, RoutingRuleForm_RuleFragment, ThreadType } from '../../gql/graphql';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { ConfirmModal } from './ConfirmModal';
import { errorProps, sortErrors } from './fieldErrors';
import { FormActions, FormErrors } from './FormParts';
import { mutateOrNotify } from './notifyErrors';
import { EditDeleteActions, SettingsListSection, TagBadges } from './SettingsListSection';
import { useDeleteWithConfirm } from './useDeleteWithConfirm';
import { CHANNEL_TYPE_OPTIONS, CUSTOMER_TIER_OPTIONS, humanize, THREAD_TYPE_OPTIONS, threadTypeLabel } from './settingsOptions';
import { Trans } from 'react-i18next';
import { channelLabel } from '../../shared/labels';
import { i18n } from '../../i18n';

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

const FIELD_KEYS = [
  'name',
  'teamId',
  'rank',
  'isActive',
  'requiredSkills',
  'conditions.channelTypes',
  'conditions.customerTiers',
  'conditions.threadTypes',
  'conditions.languages',
  'conditions',
];

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
    if (!draft.name.trim()) local.push({ code: 'VALIDATION_FAILED', message: i18n.t('settings.common.nameRequired'), field: 'input.name' });
    if (!draft.teamId) local.push({ code: 'VALIDATION_FAILED', message: i18n.t('settings.routing.pickTeam'), field: 'input.teamId' });
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
      notifications.show({ color: 'teal', message: rule ? i18n.t('settings.routing.saved') : i18n.t('settings.routing.created') });
      props.onDone();
    } catch (error) {
      setGeneral([{ code: 'NETWORK', message: (error as Error).message }]);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label={rule ? i18n.t('settings.routing.edit') : i18n.t('settings.routing.newTitle')}>
      <Stack gap="sm">
        <FormErrors errors={general} testId="rule-form-error" />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput
            label={i18n.t('settings.common.name')}
            withAsterisk
            value={draft.name}
            onChange={(e) => set('name', e.currentTarget.value, 'name')}
            {...errorProps(errors.name)}
          />
          <Select
            label={i18n.t('settings.routing.team')}
            withAsterisk
            data={props.teams.map((t) => ({ value: t.id, label: t.name }))}
            value={draft.teamId}
            onChange={(v) => set('teamId', v, 'teamId')}
            searchable
            comboboxProps={{ withinPortal: true }}
            {...errorProps(errors.teamId)}
          />
          <NumberInput
            label={i18n.t('settings.common.rank')}
            description={i18n.t('settings.routing.rankHint')}
            min={0}
            max={1_000_000}
            allowDecimal={false}
            allowNegative={false}
            value={draft.rank}
            onChange={(v) => set('rank', v === '' ? '' : Number(v), 'rank')}
            {...errorProps(errors.rank)}
          />
        </SimpleGrid>
        <Switch label={i18n.t('settings.common.active')} checked={draft.isActive} onChange={(e) => set('isActive', e.currentTarget.checked, 'isActive')} />
        <Text size="xs" c="dimmed">
          {i18n.t('settings.routing.conditionsHint')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <MultiSelect
            label={i18n.t('settings.routing.channelTypes')}
            placeholder={i18n.t('settings.common.any')}
            data={CHANNEL_TYPE_OPTIONS}
            value={draft.channelTypes}
            onChange={(v) => set('channelTypes', v, 'conditions.channelTypes')}
            clearable
            comboboxProps={{ withinPortal: true }}
            {...errorProps(errors['conditions.channelTypes'])}
          />
          <MultiSelect
            label={i18n.t('settings.routing.customerTiers')}
            placeholder={i18n.t('settings.common.any')}
            data={CUSTOMER_TIER_OPTIONS}
            value={draft.customerTiers}
            onChange={(v) => set('customerTiers', v, 'conditions.customerTiers')}
            clearable
            comboboxProps={{ withinPortal: true }}
            {...errorProps(errors['conditions.customerTiers'])}
          />
          <MultiSelect
            label={i18n.t('settings.routing.threadTypes')}
            placeholder={i18n.t('settings.common.any')}
            data={THREAD_TYPE_OPTIONS}
            value={draft.threadTypes}
            onChange={(v) => set('threadTypes', v, 'conditions.threadTypes')}
            clearable
            comboboxProps={{ withinPortal: true }}
            {...errorProps(errors['conditions.threadTypes'])}
          />
          <TagsInput
            label={i18n.t('settings.routing.languages')}
            description="BCP 47 tags, e.g. it, nl (matches it-CH too)"
            placeholder={i18n.t('settings.common.any')}
            value={draft.languages}
            onChange={(v) => set('languages', v, 'conditions.languages')}
            {...errorProps(errors['conditions.languages'])}
          />
        </SimpleGrid>
        <TagsInput
          label={i18n.t('settings.routing.skills')}
          description={i18n.t('settings.routing.skillsHint')}
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
        <FormActions onCancel={props.onDone} loading={loading} submitLabel={rule ? i18n.t('common.save') : i18n.t('settings.routing.create')} mt="xs" />
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
    [
      c.channelTypes.map((v) => channelLabel(v)).join(', '),
      c.customerTiers.map((v) => i18n.t(`tier.${v}`, { defaultValue: humanize(v) })).join(', '),
      c.threadTypes.map(threadTypeLabel).join(', '),
      c.languages.join(', '),
    ]
      .filter(Boolean)
      .join(' · ') || i18n.t('settings.routing.fallback');
  const toggle = (isActive: boolean) =>
    mutateOrNotify(i18n.t('settings.routing.changeFailed'), async () => (await update({ variables: { input: { ruleId: r.id, isActive } } })).data?.updateRoutingRule?.errors);
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
        <TagBadges tags={r.requiredSkills} />
      </Table.Td>
      <Table.Td>
        <Switch size="xs" aria-label={`${r.name} active`} checked={r.isActive} disabled={loading} onChange={(e) => void toggle(e.currentTarget.checked)} />
      </Table.Td>
      <Table.Td>
        <EditDeleteActions name={r.name} onEdit={() => props.onEdit(r)} onDelete={() => props.onDelete(r)} />
      </Table.Td>
    </Table.Tr>
  );
}

/** Managers: routing rules (conditions → team, required skills), in matching order. */
export function RoutingRulesTab() {
  const { data, loading, error } = useQuery(SettingsRoutingRulesQuery, { fetchPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<{ rule: RoutingRuleForm_RuleFragment | null } | null>(null);
  const [remove] = useMutation(DeleteRoutingRuleMutation, { refetchQueries: [SettingsRoutingRulesQuery] });
  const deletion = useDeleteWithConfirm({
    mutate: async (rule: RoutingRuleForm_RuleFragment) => (await remove({ variables: { ruleId: rule.id } })).data?.deleteRoutingRule?.errors,
    failTitle: i18n.t('settings.routing.deleteFailed'),
    doneMessage: (rule) => `Deleted ${rule.name}`,
  });
  const edges = data?.routingRules.edges ?? [];
  const teams = data?.teams ?? [];

  return (
    <>
      <SettingsListSection
        description={i18n.t('settings.routing.description')}
        newLabel={i18n.t('settings.routing.new')}
        onNew={() => setEditing({ rule: null })}
        newDisabled={!data}
        loaded={!!data}
        loading={loading}
        error={error}
        errorTitle={i18n.t('settings.routing.loadError')}
        empty={edges.length === 0 && i18n.t('settings.routing.empty')}
      >
        <Table.ScrollContainer minWidth={720}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{i18n.t('settings.common.rank')}</Table.Th>
                <Table.Th>{i18n.t('settings.common.name')}</Table.Th>
                <Table.Th>{i18n.t('settings.routing.team')}</Table.Th>
                <Table.Th>{i18n.t('settings.routing.conditions')}</Table.Th>
                <Table.Th>{i18n.t('settings.routing.skillsShort')}</Table.Th>
                <Table.Th>{i18n.t('settings.common.active')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {edges.map((e) => (
                <RuleRow key={e.node.id} rule={e.node} onEdit={(rule) => setEditing({ rule })} onDelete={deletion.ask} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </SettingsListSection>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.rule ? i18n.t('settings.common.editNamed', { name: editing.rule.name }) : i18n.t('settings.routing.newTitle')}
        size="xl"
      >
        {editing && <RuleFormBody rule={editing.rule} teams={teams} onDone={() => setEditing(null)} />}
      </Modal>
      <ConfirmModal {...deletion.modal} title={i18n.t('settings.routing.deleteTitle')} confirmLabel={i18n.t('common.delete')} size="sm">
        <Trans i18nKey="settings.routing.deleteText" values={{ name: deletion.target?.name ?? '' }} components={{ b: <b /> }} />
      </ConfirmModal>
    </>
  );
}
