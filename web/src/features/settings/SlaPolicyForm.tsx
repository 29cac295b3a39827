import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { ActionIcon, Button, Group, Input, Modal, MultiSelect, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowDown, IconArrowUp, IconPlus, IconRestore, IconX } from '@tabler/icons-react';
import { graphql } from '../../gql';
import type { SlaAction, SlaNotifyTarget, SlaPolicyForm_PolicyFragment } from '../../gql/graphql';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { formatDueTime, formatTime, useNow } from '../../shared/time';
import { errorProps, sortErrors } from './fieldErrors';
import { FormActions, FormErrors } from './FormParts';
import {
  createInput,
  defaultLadder,
  draftFromPolicy,
  durationToSeconds,
  ladderHasErrors,
  newPolicyDraft,
  newStep,
  TARGETS,
  updateInput,
  validateLadder,
  validatePolicy,
  type DurationDraft,
  type LadderErrors,
  type PolicyDraft,
  type StepDraft,
  type TargetKey,
} from './slaPolicyForm';
import { CHANNEL_TYPE_OPTIONS, CUSTOMER_TIER_OPTIONS, formatSeconds, PRIORITY_OPTIONS, SLA_ACTION_OPTIONS, SLA_NOTIFY_OPTIONS, THREAD_TYPE_OPTIONS } from './settingsOptions';
import { i18n, translated } from '../../i18n';

/** The targets' names in the UI language. */
const TARGET_LABEL = translated<TargetKey>(['firstResponse', 'nextResponse', 'resolution'], 'settings.slaForm.target');

export const SlaPolicyForm_policy = graphql(`
  fragment SlaPolicyForm_policy on SlaPolicy {
    id
    name
    isActive
    rank
    firstResponseSeconds
    nextResponseSeconds
    resolutionSeconds
    calendar {
      id
      name
    }
    conditions {
      channelTypes
      priorities
      customerTiers
      threadTypes
      teamIds
    }
    escalation {
      atPercent
      afterBreachSeconds
      action
      notify
    }
    updatedAt
  }
`);

export const SettingsSlaPoliciesQuery = graphql(`
  query SettingsSlaPolicies {
    slaPolicies(first: 100) {
      totalCount
      edges {
        node {
          id
          ...SlaPolicyForm_policy
        }
      }
    }
  }
`);

export const SlaPolicyFormOptionsQuery = graphql(`
  query SlaPolicyFormOptions {
    businessCalendars(first: 100) {
      edges {
        node {
          id
          name
          timezone
        }
      }
    }
    teams {
      id
      name
    }
  }
`);

export const SlaPreviewQuery = graphql(`
  query SlaPreview($policyId: ID!, $at: DateTime!) {
    slaPreview(policyId: $policyId, at: $at) {
      firstResponseDueAt
      nextResponseDueAt
      resolutionDueAt
    }
  }
`);

export const CreateSlaPolicyMutation = graphql(`
  mutation CreateSlaPolicy($input: CreateSlaPolicyInput!) {
    createSlaPolicy(input: $input) {
      slaPolicy {
        id
        ...SlaPolicyForm_policy
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const UpdateSlaPolicyMutation = graphql(`
  mutation UpdateSlaPolicy($input: UpdateSlaPolicyInput!) {
    updateSlaPolicy(input: $input) {
      slaPolicy {
        id
        ...SlaPolicyForm_policy
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

const CALENDAR_24_7 = '__24_7__';
const FIELD_KEYS = [
  'name',
  'rank',
  'isActive',
  'calendarId',
  'firstResponseSeconds',
  'nextResponseSeconds',
  'resolutionSeconds',
  'conditions.channelTypes',
  'conditions.priorities',
  'conditions.customerTiers',
  'conditions.threadTypes',
  'conditions.teamIds',
  'conditions',
  'escalation',
];

/** The minute `now` falls in, as ISO (stable variables: one preview request per minute). */
function minuteOf(now: Date): string {
  const d = new Date(now);
  d.setSeconds(0, 0);
  return d.toISOString();
}

/** "A message arriving now would be due at …" for the saved policy (slaPreview). */
export function SlaPreviewBox({ policyId, dirty }: { policyId: string; dirty: boolean }) {
  const now = useNow(60_000);
  const at = minuteOf(now);
  const { data, error, loading } = useQuery(SlaPreviewQuery, { variables: { policyId, at } });
  const p = data?.slaPreview;
  const when = (iso: string | null | undefined) => (iso ? formatDueTime(iso, now) : null);
  const rows = p
    ? [
        [i18n.t('sla.target.FIRST_RESPONSE'), when(p.firstResponseDueAt)],
        [i18n.t('sla.target.NEXT_RESPONSE'), when(p.nextResponseDueAt)],
        [i18n.t('sla.target.RESOLUTION'), when(p.resolutionDueAt)],
      ].filter((r): r is [string, string] => !!r[1])
    : [];
  return (
    <Paper withBorder p="sm" radius="sm" bg="gray.0" data-testid="sla-preview">
      <Text size="sm" fw={600}>
        {i18n.t('settings.slaForm.preview')}
      </Text>
      {error ? (
        <Text size="sm" c="red">
          {error.message}
        </Text>
      ) : !p ? (
        <Text size="sm" c="dimmed">
          {loading ? i18n.t('settings.slaForm.computing') : i18n.t('settings.slaForm.noPreview')}
        </Text>
      ) : (
        <Text size="sm" data-testid="sla-preview-text">
          {rows.length === 0
            ? i18n.t('settings.slaForm.previewNone', { now: formatTime(at, { withZone: true }) })
            : i18n.t('settings.slaForm.previewDue', { now: formatTime(at, { withZone: true }), due: rows.map(([label, t]) => `${t} (${label})`).join(', ') })}
        </Text>
      )}
      {dirty && (
        <Text size="xs" c="dimmed" mt={4}>
          {i18n.t('settings.slaForm.previewSaved')}
        </Text>
      )}
    </Paper>
  );
}

function DurationInputs(props: {
  label: string;
  hideLabel?: boolean;
  value: DurationDraft;
  onChange: (v: DurationDraft) => void;
  error?: string;
  errorCode?: string;
  size?: 'xs' | 'sm';
}) {
  const secs = durationToSeconds(props.value);
  const size = props.size ?? 'sm';
  return (
    <Input.Wrapper
      label={props.hideLabel ? undefined : props.label}
      error={props.error}
      errorProps={props.errorCode ? { 'data-error-code': props.errorCode } : undefined}
      size={size}
    >
      <Group gap={6} wrap="nowrap" align="center">
        <NumberInput
          size={size}
          w={90}
          min={0}
          allowNegative={false}
          allowDecimal={false}
          suffix=" h"
          aria-label={i18n.t('settings.slaForm.hours', { label: props.label })}
          value={props.value.hours}
          onChange={(v) => props.onChange({ ...props.value, hours: v === '' ? '' : Number(v) })}
          error={!!props.error}
        />
        <NumberInput
          size={size}
          w={90}
          min={0}
          allowNegative={false}
          suffix=" min"
          aria-label={i18n.t('settings.slaForm.minutes', { label: props.label })}
          value={props.value.minutes}
          onChange={(v) => props.onChange({ ...props.value, minutes: v === '' ? '' : Number(v) })}
          error={!!props.error}
        />
        <Text size="xs" c="dimmed" w={70} data-testid="duration-hint">
          {secs === null ? 'none' : Number.isNaN(secs) ? '' : formatSeconds(secs)}
        </Text>
      </Group>
    </Input.Wrapper>
  );
}

function LadderEditor(props: { steps: StepDraft[]; onChange: (steps: StepDraft[]) => void; errors: LadderErrors }) {
  const set = (i: number, patch: Partial<StepDraft>) => props.onChange(props.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...props.steps];
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s!);
    props.onChange(next);
  };
  return (
    <Stack gap={4} data-testid="ladder-editor">
      {props.errors.ladder && (
        <Text size="xs" c="red">
          {props.errors.ladder}
        </Text>
      )}
      {props.steps.length === 0 && (
        <Text size="sm" c="dimmed">
          {i18n.t('settings.slaForm.noSteps')}
        </Text>
      )}
      {props.steps.length > 0 && (
        <Table verticalSpacing={4} withRowBorders={false}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={30}>#</Table.Th>
              <Table.Th w={150}>{i18n.t('settings.slaForm.when')}</Table.Th>
              <Table.Th w={200}>{i18n.t('settings.slaForm.value')}</Table.Th>
              <Table.Th w={160}>{i18n.t('settings.slaForm.action')}</Table.Th>
              <Table.Th>{i18n.t('settings.slaForm.notify')}</Table.Th>
              <Table.Th w={90} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.steps.map((s, i) => {
              const e = props.errors.steps[i] ?? {};
              const n = i + 1;
              return [
                <Table.Tr key={s.key} data-testid="ladder-step" data-invalid={Object.keys(e).length > 0 || undefined}>
                  <Table.Td>
                    <Text size="sm">{n}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      aria-label={i18n.t('settings.slaForm.stepTrigger', { n })}
                      data={[
                        { value: 'percent', label: i18n.t('settings.slaForm.atPercent') },
                        { value: 'afterBreach', label: i18n.t('settings.slaForm.afterBreach') },
                      ]}
                      value={s.trigger}
                      allowDeselect={false}
                      onChange={(v) => v && set(i, { trigger: v as StepDraft['trigger'] })}
                      comboboxProps={{ withinPortal: true }}
                    />
                  </Table.Td>
                  <Table.Td>
                    {s.trigger === 'percent' ? (
                      <NumberInput
                        size="xs"
                        w={110}
                        aria-label={i18n.t('settings.slaForm.stepPercent', { n })}
                        suffix=" %"
                        allowNegative={false}
                        value={s.atPercent}
                        onChange={(v) => set(i, { atPercent: v === '' ? '' : Number(v) })}
                        error={e.atPercent}
                      />
                    ) : (
                      <DurationInputs
                        size="xs"
                        hideLabel
                        label={i18n.t('settings.slaForm.stepAfterBreach', { n })}
                        value={s.afterBreach}
                        onChange={(v) => set(i, { afterBreach: v })}
                        error={e.afterBreach}
                      />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      aria-label={i18n.t('settings.slaForm.stepAction', { n })}
                      placeholder={i18n.t('settings.slaForm.action')}
                      data={SLA_ACTION_OPTIONS}
                      value={s.action}
                      onChange={(v) => set(i, { action: v as SlaAction | null })}
                      error={e.action}
                      comboboxProps={{ withinPortal: true }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <MultiSelect
                      size="xs"
                      aria-label={i18n.t('settings.slaForm.stepNotify', { n })}
                      placeholder={s.notify.length ? undefined : i18n.t('settings.slaForm.nobody')}
                      data={SLA_NOTIFY_OPTIONS}
                      value={s.notify}
                      onChange={(v) => set(i, { notify: v as SlaNotifyTarget[] })}
                      comboboxProps={{ withinPortal: true }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={0} wrap="nowrap">
                      <ActionIcon variant="subtle" color="gray" size="sm" aria-label={i18n.t('settings.slaForm.stepUp', { n })} disabled={i === 0} onClick={() => move(i, -1)}>
                        <IconArrowUp size={14} />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        size="sm"
                        aria-label={i18n.t('settings.slaForm.stepDown', { n })}
                        disabled={i === props.steps.length - 1}
                        onClick={() => move(i, 1)}
                      >
                        <IconArrowDown size={14} />
                      </ActionIcon>
                      <ActionIcon variant="subtle" color="red" size="sm" aria-label={`Remove step ${n}`} onClick={() => props.onChange(props.steps.filter((_, j) => j !== i))}>
                        <IconX size={14} />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                </Table.Tr>,
                e.step ? (
                  <Table.Tr key={`${s.key}-error`}>
                    <Table.Td />
                    <Table.Td colSpan={5}>
                      <Text size="xs" c="red" data-testid="ladder-step-error">
                        {e.step}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : null,
              ];
            })}
          </Table.Tbody>
        </Table>
      )}
      <Group gap="xs">
        <Button
          size="compact-xs"
          variant="subtle"
          leftSection={<IconPlus size={12} />}
          onClick={() => props.onChange([...props.steps, newStep({ atPercent: '', notify: ['ASSIGNEE'] })])}
        >
          {i18n.t('settings.slaForm.addStep')}
        </Button>
        <Button size="compact-xs" variant="subtle" color="gray" leftSection={<IconRestore size={12} />} onClick={() => props.onChange(defaultLadder())}>
          {i18n.t('settings.slaForm.defaultLadder')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Server errors "input.escalation.<i>[.<field>]" → the ladder editor's errors. */
function ladderErrorsFrom(errors: readonly UserErrorView[]): { ladder: LadderErrors; rest: UserErrorView[] } {
  const ladder: LadderErrors = { steps: {} };
  const rest: UserErrorView[] = [];
  for (const e of errors) {
    const m = /^input\.escalation\.(\d+)(?:\.(\w+))?/.exec(e.field ?? '');
    if (!m) {
      rest.push(e);
      continue;
    }
    const i = Number(m[1]);
    const field = m[2] === 'atPercent' ? 'atPercent' : m[2] === 'afterBreachSeconds' ? 'afterBreach' : m[2] === 'action' ? 'action' : 'step';
    (ladder.steps[i] ??= {})[field] ??= e.message;
  }
  return { ladder, rest };
}

export function SlaPolicyFormBody({ policy, onDone, onCreated }: { policy: SlaPolicyForm_PolicyFragment | null; onDone: () => void; onCreated?: () => void }) {
  const [initial] = useState<PolicyDraft>(() => (policy ? draftFromPolicy(policy) : newPolicyDraft()));
  const [draft, setDraft] = useState<PolicyDraft>(initial);
  const [errors, setErrors] = useState<Record<string, UserErrorView>>({});
  const [ladderErrors, setLadderErrors] = useState<LadderErrors>({ steps: {} });
  const [general, setGeneral] = useState<UserErrorView[]>([]);
  const { data: options } = useQuery(SlaPolicyFormOptionsQuery);
  // Saved policies update in place (SlaPolicy:id); the list is refetched (onCreated) for a new one.
  const [create, { loading: creating }] = useMutation(CreateSlaPolicyMutation);
  const [update, { loading: updating }] = useMutation(UpdateSlaPolicyMutation);
  const loading = creating || updating;
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);

  const set = <K extends keyof PolicyDraft>(key: K, value: PolicyDraft[K], ...errorKeys: string[]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    if (errorKeys.length)
      setErrors((e) => {
        const next = { ...e };
        for (const k of errorKeys) delete next[k];
        return next;
      });
  };
  const err = (key: string) => errorProps(errors[key]);

  const calendarOptions = [
    { value: CALENDAR_24_7, label: '24/7 (no calendar)' },
    ...(options?.businessCalendars.edges.map((e) => ({ value: e.node.id, label: `${e.node.name} (${e.node.timezone})` })) ?? []),
  ];
  if (policy?.calendar && !calendarOptions.some((o) => o.value === policy.calendar!.id)) calendarOptions.push({ value: policy.calendar.id, label: policy.calendar.name });
  const teamOptions = options?.teams.map((t) => ({ value: t.id, label: t.name })) ?? [];
  for (const id of draft.teamIds) if (!teamOptions.some((o) => o.value === id)) teamOptions.push({ value: id, label: id });

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const local = validatePolicy(draft);
    const ladder = validateLadder(draft.steps);
    if (Object.keys(local).length > 0 || ladderHasErrors(ladder)) {
      setErrors(Object.fromEntries(Object.entries(local).map(([k, message]) => [k, { code: 'VALIDATION_FAILED', message, field: `input.${k}` }])));
      setLadderErrors(ladder);
      setGeneral([]);
      return;
    }
    setErrors({});
    setLadderErrors({ steps: {} });
    setGeneral([]);
    try {
      const result = policy
        ? toUserErrors((await update({ variables: { input: updateInput(policy.id, draft) } })).data?.updateSlaPolicy?.errors)
        : toUserErrors((await create({ variables: { input: createInput(draft) } })).data?.createSlaPolicy?.errors);
      if (result.length > 0) {
        const { ladder: fromServer, rest } = ladderErrorsFrom(result);
        const { byField, general: left } = sortErrors(rest, FIELD_KEYS);
        setLadderErrors(fromServer);
        setErrors(byField);
        setGeneral(left);
        return;
      }
      notifications.show({ color: 'teal', message: policy ? 'SLA policy saved' : 'SLA policy created' });
      if (!policy) onCreated?.();
      onDone();
    } catch (error) {
      setGeneral([{ code: 'NETWORK', message: (error as Error).message }]);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label={policy ? i18n.t('settings.slaForm.edit') : i18n.t('settings.slaForm.newTitle')}>
      <Stack gap="md">
        <FormErrors errors={general} testId="policy-form-error" />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput label={i18n.t('settings.common.name')} withAsterisk value={draft.name} onChange={(e) => set('name', e.currentTarget.value, 'name')} {...err('name')} />
          <NumberInput
            label={i18n.t('settings.common.rank')}
            description={i18n.t('settings.slaForm.rankHint')}
            min={0}
            max={10_000}
            allowDecimal={false}
            allowNegative={false}
            value={draft.rank}
            onChange={(v) => set('rank', v === '' ? '' : Number(v), 'rank')}
            {...err('rank')}
          />
          <Select
            label={i18n.t('settings.slaForm.calendar')}
            description={i18n.t('settings.slaForm.calendarHint')}
            data={calendarOptions}
            value={draft.calendarId ?? CALENDAR_24_7}
            allowDeselect={false}
            onChange={(v) => set('calendarId', !v || v === CALENDAR_24_7 ? null : v, 'calendarId')}
            comboboxProps={{ withinPortal: true }}
            {...err('calendarId')}
          />
        </SimpleGrid>
        <Switch label={i18n.t('settings.common.active')} checked={draft.isActive} onChange={(e) => set('isActive', e.currentTarget.checked, 'isActive')} />

        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {i18n.t('settings.slaForm.targets')}
          </Text>
          <Text size="xs" c="dimmed">
            {i18n.t('settings.slaForm.targetsHint')}
          </Text>
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
            {TARGETS.map((t) => (
              <DurationInputs
                key={t.key}
                label={TARGET_LABEL[t.key]}
                value={draft[t.key]}
                onChange={(v) => set(t.key, v, t.field)}
                error={errors[t.field]?.message}
                errorCode={errors[t.field]?.code}
              />
            ))}
          </SimpleGrid>
        </Stack>

        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {i18n.t('settings.sla.appliesTo')}
          </Text>
          <Text size="xs" c="dimmed">
            A thread matches when every non-empty list contains its value; empty lists match anything.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
            <MultiSelect
              label={i18n.t('settings.routing.channelTypes')}
              placeholder={i18n.t('settings.common.any')}
              data={CHANNEL_TYPE_OPTIONS}
              value={draft.channelTypes}
              onChange={(v) => set('channelTypes', v, 'conditions.channelTypes')}
              clearable
              comboboxProps={{ withinPortal: true }}
              {...err('conditions.channelTypes')}
            />
            <MultiSelect
              label={i18n.t('settings.slaForm.priorities')}
              placeholder={i18n.t('settings.common.any')}
              data={PRIORITY_OPTIONS}
              value={draft.priorities}
              onChange={(v) => set('priorities', v, 'conditions.priorities')}
              clearable
              comboboxProps={{ withinPortal: true }}
              {...err('conditions.priorities')}
            />
            <MultiSelect
              label={i18n.t('settings.routing.customerTiers')}
              placeholder={i18n.t('settings.common.any')}
              data={CUSTOMER_TIER_OPTIONS}
              value={draft.customerTiers}
              onChange={(v) => set('customerTiers', v, 'conditions.customerTiers')}
              clearable
              comboboxProps={{ withinPortal: true }}
              {...err('conditions.customerTiers')}
            />
            <MultiSelect
              label={i18n.t('settings.routing.threadTypes')}
              placeholder={i18n.t('settings.common.any')}
              data={THREAD_TYPE_OPTIONS}
              value={draft.threadTypes}
              onChange={(v) => set('threadTypes', v, 'conditions.threadTypes')}
              clearable
              comboboxProps={{ withinPortal: true }}
              {...err('conditions.threadTypes')}
            />
            <MultiSelect
              label={i18n.t('settings.slaForm.teams')}
              placeholder={i18n.t('settings.common.any')}
              data={teamOptions}
              value={draft.teamIds}
              onChange={(v) => set('teamIds', v, 'conditions.teamIds')}
              clearable
              searchable
              comboboxProps={{ withinPortal: true }}
              {...err('conditions.teamIds')}
            />
          </SimpleGrid>
          {errors.conditions && (
            <Text size="xs" c="red">
              {errors.conditions.message}
            </Text>
          )}
        </Stack>

        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {i18n.t('settings.slaForm.ladder')}
          </Text>
          <Text size="xs" c="dimmed">
            {i18n.t('settings.slaForm.ladderHint')}
          </Text>
          {errors.escalation && (
            <Text size="xs" c="red">
              {errors.escalation.message}
            </Text>
          )}
          <LadderEditor
            steps={draft.steps}
            onChange={(steps) => {
              set('steps', steps, 'escalation');
              setLadderErrors({ steps: {} });
            }}
            errors={ladderErrors}
          />
        </Stack>

        {policy ? (
          <SlaPreviewBox policyId={policy.id} dirty={dirty} />
        ) : (
          <Text size="xs" c="dimmed">
            {i18n.t('settings.slaForm.saveToPreview')}
          </Text>
        )}

        <FormActions onCancel={onDone} loading={loading} submitLabel={policy ? i18n.t('common.save') : i18n.t('settings.slaForm.create')} />
      </Stack>
    </form>
  );
}

export function SlaPolicyFormModal(props: { policy: SlaPolicyForm_PolicyFragment | null; opened: boolean; onClose: () => void; onCreated?: () => void }) {
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.policy ? i18n.t('settings.common.editNamed', { name: props.policy.name }) : i18n.t('settings.slaForm.newTitle')}
      size="80rem"
    >
      {props.opened && <SlaPolicyFormBody policy={props.policy} onDone={props.onClose} onCreated={props.onCreated} />}
    </Modal>
  );
}
