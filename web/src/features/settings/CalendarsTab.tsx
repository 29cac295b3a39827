import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { ActionIcon, Badge, Button, Group, Modal, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlus, IconX } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { CalendarForm_CalendarFragment } from '../../gql/graphql';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { defaultCalendarDraft, draftFromCalendar, formKeyOfServerPath, hoursInput, hoursSummary, intervalKey, newKey, validateCalendar, type CalendarDraft } from './calendarForm';
import { errorProps } from './fieldErrors';
import { FormActions, FormErrors } from './FormParts';
import { HOLIDAY_COUNTRY_OPTIONS, timezoneOptions, WEEKDAYS } from './settingsOptions';
import { SettingsListSection } from './SettingsListSection';
import { i18n } from '../../i18n';

export const CalendarForm_calendar = graphql(`
  fragment CalendarForm_calendar on BusinessCalendar {
    id
    name
    timezone
    holidayCountry
    holidays
    hours {
      weekday
      opens
      closes
    }
    updatedAt
  }
`);

export const SettingsBusinessCalendarsQuery = graphql(`
  query SettingsBusinessCalendars {
    businessCalendars(first: 100) {
      totalCount
      edges {
        node {
          id
          ...CalendarForm_calendar
        }
      }
    }
  }
`);

export const CreateBusinessCalendarMutation = graphql(`
  mutation CreateBusinessCalendar($input: CreateBusinessCalendarInput!) {
    createBusinessCalendar(input: $input) {
      businessCalendar {
        id
        ...CalendarForm_calendar
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const UpdateBusinessCalendarMutation = graphql(`
  mutation UpdateBusinessCalendar($input: UpdateBusinessCalendarInput!) {
    updateBusinessCalendar(input: $input) {
      businessCalendar {
        id
        ...CalendarForm_calendar
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

type FieldError = { message: string; code: string };

function CalendarFormBody({ calendar, onDone }: { calendar: CalendarForm_CalendarFragment | null; onDone: () => void }) {
  const [draft, setDraft] = useState<CalendarDraft>(() => (calendar ? draftFromCalendar(calendar) : defaultCalendarDraft()));
  const [errors, setErrors] = useState<Record<string, FieldError>>({});
  const [general, setGeneral] = useState<UserErrorView[]>([]);
  const [newHoliday, setNewHoliday] = useState('');
  const [create, { loading: creating }] = useMutation(CreateBusinessCalendarMutation, { refetchQueries: [SettingsBusinessCalendarsQuery] });
  const [update, { loading: updating }] = useMutation(UpdateBusinessCalendarMutation);
  const loading = creating || updating;
  const zones = timezoneOptions(draft.timezone);

  const clear = (...keys: string[]) =>
    setErrors((e) => {
      const next = { ...e };
      for (const k of keys) delete next[k];
      return next;
    });
  const err = (key: string) => errorProps(errors[key]);

  const setInterval = (weekday: number, index: number, part: 'opens' | 'closes', value: string) => {
    setDraft((d) => ({ ...d, hours: { ...d.hours, [weekday]: d.hours[weekday]!.map((h, i) => (i === index ? { ...h, [part]: value } : h)) } }));
    clear(intervalKey(weekday, index, part), 'hours');
  };
  const addInterval = (weekday: number) => {
    setDraft((d) => {
      const day = d.hours[weekday] ?? [];
      const last = day[day.length - 1];
      const interval = last ? { opens: last.closes === '24:00' ? '23:00' : last.closes, closes: '24:00' } : { opens: '09:00', closes: '17:00' };
      return { ...d, hours: { ...d.hours, [weekday]: [...day, { key: newKey(), ...interval }] } };
    });
    clear('hours');
  };
  const removeInterval = (weekday: number, index: number) => {
    setDraft((d) => ({ ...d, hours: { ...d.hours, [weekday]: d.hours[weekday]!.filter((_, i) => i !== index) } }));
    setErrors({});
  };
  const addHoliday = () => {
    const v = newHoliday.trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      setErrors((e) => ({ ...e, newHoliday: { code: 'VALIDATION_FAILED', message: i18n.t('settings.calendars.dateFormat') } }));
      return;
    }
    setDraft((d) => ({ ...d, holidays: [...new Set([...d.holidays, v])].sort() }));
    setNewHoliday('');
    clear('newHoliday');
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const local = validateCalendar(draft);
    if (Object.keys(local).length > 0) {
      setErrors(Object.fromEntries(Object.entries(local).map(([k, message]) => [k, { code: 'VALIDATION_FAILED', message }])));
      setGeneral([]);
      return;
    }
    setErrors({});
    setGeneral([]);
    const { input: hours, origin } = hoursInput(draft);
    try {
      let result: UserErrorView[];
      if (calendar) {
        const { data } = await update({
          variables: {
            input: {
              calendarId: calendar.id,
              name: draft.name.trim(),
              timezone: draft.timezone,
              holidayCountry: draft.holidayCountry,
              holidays: draft.holidays,
              hours,
            },
          },
        });
        result = toUserErrors(data?.updateBusinessCalendar?.errors);
      } else {
        const { data } = await create({
          variables: {
            input: {
              name: draft.name.trim(),
              timezone: draft.timezone,
              hours,
              holidays: draft.holidays,
              ...(draft.holidayCountry ? { holidayCountry: draft.holidayCountry } : {}),
            },
          },
        });
        result = toUserErrors(data?.createBusinessCalendar?.errors);
      }
      if (result.length > 0) {
        const known = new Set(['name', 'timezone', 'holidayCountry', 'hours', ...formKeys(draft)]);
        const byKey: Record<string, FieldError> = {};
        const rest: UserErrorView[] = [];
        for (const r of result) {
          const path = (r.field ?? '').replace(/^input\./, '');
          const key = path ? formKeyOfServerPath(path, origin) : '';
          if (known.has(key)) byKey[key] ??= r;
          else rest.push(r);
        }
        setErrors(byKey);
        setGeneral(rest);
        return;
      }
      notifications.show({ color: 'teal', message: calendar ? i18n.t('settings.calendars.saved') : i18n.t('settings.calendars.created') });
      onDone();
    } catch (error) {
      setGeneral([{ code: 'NETWORK', message: (error as Error).message }]);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label={calendar ? i18n.t('settings.calendars.edit') : i18n.t('settings.calendars.newTitle')}>
      <Stack gap="sm">
        <FormErrors errors={general} testId="calendar-form-error" />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput
            label={i18n.t('settings.common.name')}
            withAsterisk
            value={draft.name}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setDraft((d) => ({ ...d, name: v }));
              clear('name');
            }}
            {...err('name')}
          />
          <Select
            label={i18n.t('settings.calendars.timezone')}
            withAsterisk
            searchable
            data={zones}
            value={draft.timezone}
            onChange={(v) => {
              setDraft((d) => ({ ...d, timezone: v ?? '' }));
              clear('timezone');
            }}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
            {...err('timezone')}
          />
          <Select
            label={i18n.t('settings.calendars.holidaysOf')}
            placeholder={i18n.t('common.none')}
            clearable
            searchable
            data={HOLIDAY_COUNTRY_OPTIONS}
            value={draft.holidayCountry}
            onChange={(v) => {
              setDraft((d) => ({ ...d, holidayCountry: v }));
              clear('holidayCountry');
            }}
            comboboxProps={{ withinPortal: true }}
            {...err('holidayCountry')}
          />
        </SimpleGrid>

        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {i18n.t('settings.calendars.weekly')}
          </Text>
          <Text size="xs" c="dimmed">
            {i18n.t('settings.calendars.weeklyHint')}
          </Text>
          {errors.hours && (
            <Text size="xs" c="red" data-testid="hours-error">
              {errors.hours.message}
            </Text>
          )}
          <Table withRowBorders verticalSpacing={6} data-testid="hours-editor">
            <Table.Tbody>
              {WEEKDAYS.map((day) => {
                const intervals = draft.hours[day.value] ?? [];
                return (
                  <Table.Tr key={day.value} data-weekday={day.value}>
                    <Table.Td w={110} style={{ verticalAlign: 'top', paddingTop: 12 }}>
                      <Text size="sm">{day.label}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={4}>
                        {intervals.length === 0 && (
                          <Text size="sm" c="dimmed" pt={6}>
                            {i18n.t('settings.calendars.closed')}
                          </Text>
                        )}
                        {intervals.map((h, i) => (
                          <Group key={h.key} gap={6} align="flex-start" wrap="nowrap">
                            <TextInput
                              size="xs"
                              w={90}
                              aria-label={`${day.label} interval ${i + 1} opens`}
                              placeholder="09:00"
                              value={h.opens}
                              onChange={(e) => setInterval(day.value, i, 'opens', e.currentTarget.value)}
                              {...err(intervalKey(day.value, i, 'opens'))}
                            />
                            <Text size="sm" pt={4}>
                              –
                            </Text>
                            <TextInput
                              size="xs"
                              w={90}
                              aria-label={`${day.label} interval ${i + 1} closes`}
                              placeholder="17:00"
                              value={h.closes}
                              onChange={(e) => setInterval(day.value, i, 'closes', e.currentTarget.value)}
                              {...err(intervalKey(day.value, i, 'closes'))}
                            />
                            <ActionIcon variant="subtle" color="gray" mt={2} aria-label={`Remove ${day.label} interval ${i + 1}`} onClick={() => removeInterval(day.value, i)}>
                              <IconX size={14} />
                            </ActionIcon>
                          </Group>
                        ))}
                      </Stack>
                    </Table.Td>
                    <Table.Td w={130} style={{ verticalAlign: 'top' }}>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        leftSection={<IconPlus size={12} />}
                        onClick={() => addInterval(day.value)}
                        aria-label={i18n.t('settings.calendars.addIntervalNamed', { day: day.label })}
                      >
                        {i18n.t('settings.calendars.addInterval')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Stack>

        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {i18n.t('settings.calendars.closedDates')}
          </Text>
          <Group gap={6}>
            {draft.holidays.length === 0 && (
              <Text size="xs" c="dimmed">
                {i18n.t('settings.calendars.noneBesides')}
              </Text>
            )}
            {draft.holidays.map((d, i) => (
              <Badge
                key={d}
                variant="light"
                color={errors[`holidays.${i}`] ? 'red' : 'gray'}
                title={errors[`holidays.${i}`]?.message}
                data-testid="holiday"
                rightSection={
                  <ActionIcon
                    size="xs"
                    variant="transparent"
                    color="gray"
                    aria-label={`Remove ${d}`}
                    onClick={() => {
                      setDraft((x) => ({ ...x, holidays: x.holidays.filter((h) => h !== d) }));
                      clear(`holidays.${i}`);
                    }}
                  >
                    <IconX size={10} />
                  </ActionIcon>
                }
              >
                {d}
              </Badge>
            ))}
          </Group>
          {Object.entries(errors)
            .filter(([k]) => k.startsWith('holidays.'))
            .map(([k, e]) => (
              <Text key={k} size="xs" c="red">
                {draft.holidays[Number(k.split('.')[1])] ?? k}: {e.message}
              </Text>
            ))}
          <Group gap={6} align="flex-start">
            <TextInput
              size="xs"
              type="date"
              aria-label={i18n.t('settings.calendars.closedDate')}
              value={newHoliday}
              onChange={(e) => {
                setNewHoliday(e.currentTarget.value);
                clear('newHoliday');
              }}
              {...err('newHoliday')}
            />
            <Button size="xs" variant="default" onClick={addHoliday}>
              {i18n.t('settings.calendars.addDate')}
            </Button>
          </Group>
        </Stack>

        <FormActions onCancel={onDone} loading={loading} submitLabel={calendar ? i18n.t('common.save') : i18n.t('settings.calendars.create')} mt="xs" />
      </Stack>
    </form>
  );
}

/** Every form key an error can belong to (intervals and holidays of the current draft). */
function formKeys(draft: CalendarDraft): string[] {
  const keys: string[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    (draft.hours[weekday] ?? []).forEach((_, i) => {
      keys.push(intervalKey(weekday, i, 'opens'), intervalKey(weekday, i, 'closes'));
    });
  }
  draft.holidays.forEach((_, i) => {
    keys.push(`holidays.${i}`);
  });
  return keys;
}

function CalendarRow(props: { calendar: FragmentType<typeof CalendarForm_calendar>; onEdit: () => void }) {
  const c = getFragmentData(CalendarForm_calendar, props.calendar);
  return (
    <Table.Tr data-testid="calendar-row">
      <Table.Td>
        <Text size="sm" fw={500}>
          {c.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{c.timezone}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="xs">{hoursSummary(c.hours)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="xs">
          {c.holidayCountry ?? '—'}
          {c.holidays.length > 0 ? ` + ${c.holidays.length} date${c.holidays.length === 1 ? '' : 's'}` : ''}
        </Text>
      </Table.Td>
      <Table.Td w={50}>
        <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${c.name}`} onClick={props.onEdit}>
          <IconPencil size={14} />
        </ActionIcon>
      </Table.Td>
    </Table.Tr>
  );
}

/** Managers: business calendars (weekly hours, closed dates, public holidays) that SLA policies count in. */
export function CalendarsTab() {
  const { data, loading, error } = useQuery(SettingsBusinessCalendarsQuery, { fetchPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<{ calendar: CalendarForm_CalendarFragment | null } | null>(null);
  const edges = data?.businessCalendars.edges ?? [];

  return (
    <>
      <SettingsListSection
        description={i18n.t('settings.calendars.description')}
        newLabel={i18n.t('settings.calendars.new')}
        onNew={() => setEditing({ calendar: null })}
        loaded={!!data}
        loading={loading}
        error={error}
        errorTitle={i18n.t('settings.calendars.loadError')}
        empty={edges.length === 0 && i18n.t('settings.calendars.empty')}
      >
        <Table.ScrollContainer minWidth={640}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{i18n.t('settings.common.name')}</Table.Th>
                <Table.Th>{i18n.t('settings.calendars.timezone')}</Table.Th>
                <Table.Th>{i18n.t('settings.calendars.openingHours')}</Table.Th>
                <Table.Th>{i18n.t('settings.calendars.holidays')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {edges.map((e) => (
                <CalendarRow key={e.node.id} calendar={e.node} onEdit={() => setEditing({ calendar: getFragmentData(CalendarForm_calendar, e.node) })} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </SettingsListSection>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.calendar ? i18n.t('settings.common.editNamed', { name: editing.calendar.name }) : i18n.t('settings.calendars.newTitle')}
        size="xl"
      >
        {editing && <CalendarFormBody calendar={editing.calendar} onDone={() => setEditing(null)} />}
      </Modal>
    </>
  );
}
