import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { AssignmentStrategy } from '../../gql/graphql';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { errorProps, sortErrors } from './fieldErrors';
import { FormErrors } from './FormParts';
import { SettingsListSection } from './SettingsListSection';
import { ASSIGNMENT_STRATEGY_OPTIONS, formatSeconds } from './settingsOptions';
import { i18n } from '../../i18n';

export const TeamAssignmentCard_team = graphql(`
  fragment TeamAssignmentCard_team on Team {
    id
    name
    description
    queueLength
    members {
      id
      name
      role
      availability
    }
    assignment {
      strategy
      maxOpenPerAgent
      reassignAfterSeconds
    }
  }
`);

export const SettingsTeamsQuery = graphql(`
  query SettingsTeams {
    teams {
      id
      ...TeamAssignmentCard_team
    }
  }
`);

export const UpdateTeamAssignmentMutation = graphql(`
  mutation UpdateTeamAssignment($input: UpdateTeamInput!) {
    updateTeam(input: $input) {
      team {
        id
        ...TeamAssignmentCard_team
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

const AVAILABILITY_COLOR = { ONLINE: 'teal', AWAY: 'yellow', OFFLINE: 'gray' } as const;
const FIELD_KEYS = ['assignment.strategy', 'assignment.maxOpenPerAgent', 'assignment.reassignAfterSeconds'];

/** Minutes (as typed) → seconds; '' → null (never). */
export const minutesToSeconds = (m: number | ''): number | null => (m === '' ? null : Math.round(m * 60));
export const secondsToMinutes = (s: number | null | undefined): number | '' => (s == null ? '' : Math.round((s / 60) * 100) / 100);

function TeamCard(props: { team: FragmentType<typeof TeamAssignmentCard_team> }) {
  const t = getFragmentData(TeamAssignmentCard_team, props.team);
  const [strategy, setStrategy] = useState<AssignmentStrategy>(t.assignment.strategy);
  const [maxOpen, setMaxOpen] = useState<number | ''>(t.assignment.maxOpenPerAgent ?? '');
  const [reassignMinutes, setReassignMinutes] = useState<number | ''>(secondsToMinutes(t.assignment.reassignAfterSeconds));
  const [errors, setErrors] = useState<Record<string, UserErrorView>>({});
  const [general, setGeneral] = useState<UserErrorView[]>([]);
  const [update, { loading }] = useMutation(UpdateTeamAssignmentMutation);
  const dirty =
    strategy !== t.assignment.strategy ||
    (maxOpen === '' ? null : maxOpen) !== (t.assignment.maxOpenPerAgent ?? null) ||
    minutesToSeconds(reassignMinutes) !== (t.assignment.reassignAfterSeconds ?? null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const local: UserErrorView[] = [];
    if (maxOpen !== '' && (!Number.isInteger(maxOpen) || maxOpen < 1 || maxOpen > 1000)) {
      local.push({ code: 'VALIDATION_FAILED', message: i18n.t('settings.teams.maxOpenInvalid'), field: 'input.assignment.maxOpenPerAgent' });
    }
    const reassign = minutesToSeconds(reassignMinutes);
    if (reassign !== null && (reassign < 10 || reassign > 604_800)) {
      local.push({ code: 'VALIDATION_FAILED', message: i18n.t('settings.teams.reassignInvalid'), field: 'input.assignment.reassignAfterSeconds' });
    }
    const apply = (list: UserErrorView[]) => {
      const sorted = sortErrors(list, FIELD_KEYS);
      setErrors(sorted.byField);
      setGeneral(sorted.general);
    };
    if (local.length) return apply(local);
    apply([]);
    try {
      const { data } = await update({
        variables: {
          input: { teamId: t.id, assignment: { strategy, maxOpenPerAgent: maxOpen === '' ? null : maxOpen, reassignAfterSeconds: reassign } },
        },
      });
      const result = toUserErrors(data?.updateTeam?.errors);
      if (result.length) return apply(result);
      notifications.show({ color: 'teal', message: `${t.name}: assignment saved` });
    } catch (error) {
      apply([{ code: 'NETWORK', message: (error as Error).message }]);
    }
  };

  return (
    <Card withBorder padding="md" data-testid="team-card" data-team-id={t.id}>
      <form onSubmit={onSubmit} noValidate aria-label={`${t.name} assignment`}>
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start">
            <Stack gap={0}>
              <Text fw={600}>{t.name}</Text>
              {t.description && (
                <Text size="xs" c="dimmed">
                  {t.description}
                </Text>
              )}
            </Stack>
            <Badge variant="light" color={t.queueLength > 0 ? 'orange' : 'gray'}>
              {t.queueLength} in queue
            </Badge>
          </Group>
          <FormErrors errors={general} />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label={i18n.t('settings.teams.strategy')}
              data={ASSIGNMENT_STRATEGY_OPTIONS}
              value={strategy}
              allowDeselect={false}
              onChange={(v) => v && setStrategy(v as AssignmentStrategy)}
              comboboxProps={{ withinPortal: true }}
              {...errorProps(errors['assignment.strategy'])}
            />
            <NumberInput
              label={i18n.t('settings.teams.maxOpen')}
              placeholder={i18n.t('settings.teams.noLimit')}
              min={1}
              max={1000}
              allowDecimal={false}
              allowNegative={false}
              value={maxOpen}
              onChange={(v) => setMaxOpen(v === '' ? '' : Number(v))}
              {...errorProps(errors['assignment.maxOpenPerAgent'])}
            />
            <NumberInput
              label={i18n.t('settings.teams.reassignAfter')}
              placeholder={i18n.t('settings.teams.never')}
              min={0}
              allowNegative={false}
              decimalScale={2}
              value={reassignMinutes}
              onChange={(v) => setReassignMinutes(v === '' ? '' : Number(v))}
              description={reassignMinutes === '' ? i18n.t('settings.teams.never') : formatSeconds(minutesToSeconds(reassignMinutes))}
              {...errorProps(errors['assignment.reassignAfterSeconds'])}
            />
          </SimpleGrid>
          <Group justify="space-between" align="center">
            <Group gap={6}>
              {t.members.length === 0 && (
                <Text size="xs" c="dimmed">
                  {i18n.t('settings.teams.noMembers')}
                </Text>
              )}
              {t.members.map((m) => (
                <Tooltip key={m.id} label={`${i18n.t(`app.roles.${m.role}`)} · ${i18n.t(`availability.${m.availability}`)}`} withArrow>
                  <Badge size="sm" variant="dot" color={AVAILABILITY_COLOR[m.availability]} data-testid="team-member">
                    {m.name}
                  </Badge>
                </Tooltip>
              ))}
            </Group>
            <Button type="submit" size="xs" loading={loading} disabled={!dirty}>
              {i18n.t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** Managers: how each team's queue is assigned (strategy, load cap, reassignment). */
export function TeamAssignmentTab() {
  const { data, loading, error } = useQuery(SettingsTeamsQuery, { fetchPolicy: 'cache-and-network' });
  const teams = data?.teams ?? [];
  return (
    <SettingsListSection
      description={i18n.t('settings.teams.description')}
      loaded={!!data}
      loading={loading}
      error={error}
      errorTitle={i18n.t('settings.teams.loadError')}
      empty={teams.length === 0 && i18n.t('settings.teams.empty')}
    >
      {teams.map((t) => (
        <TeamCard key={t.id} team={t} />
      ))}
    </SettingsListSection>
  );
}
