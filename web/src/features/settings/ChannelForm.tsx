import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, NumberInput, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { ChannelForm_ChannelFragment, ChannelType } from '../../gql/graphql';
import { ChannelIcon, channelLabel } from '../../shared/ChannelIcon';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { configFieldsFor, configKeyOf, CREATABLE_TYPES, randomSecret, topFieldOf, type ConfigField } from './channelConfig';
import { FormActions, FormErrors } from './FormParts';
import { useCreateChannel } from './useCreateChannel';
import { useUpdateChannel } from './useUpdateChannel';
import { i18n } from '../../i18n';

export const ChannelForm_channel = graphql(`
  fragment ChannelForm_channel on Channel {
    id
    type
    name
    responseSlaHours
    configuration
    secretKeys
  }
`);

type Config = Record<string, unknown>;

function asConfig(v: unknown): Config {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Config) : {};
}

function display(v: unknown): string {
  return v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Form value → JSON value for the API (numbers for numeric fields). */
function toValue(field: ConfigField, raw: string): unknown {
  const v = raw.trim();
  if (field.type === 'number' && /^\d+$/.test(v)) return Number(v);
  return v;
}

interface FormState {
  type: ChannelType | null;
  name: string;
  responseSlaHours: number | string;
  config: Record<string, string>;
}

function initialState(channel: ChannelForm_ChannelFragment | null, secretKeys: ReadonlySet<string>): FormState {
  if (!channel) return { type: null, name: '', responseSlaHours: '', config: {} };
  const stored = asConfig(channel.configuration);
  const config: Record<string, string> = {};
  for (const f of configFieldsFor(channel.type)) config[f.key] = secretKeys.has(f.key) ? '' : display(stored[f.key]);
  return { type: channel.type, name: channel.name, responseSlaHours: channel.responseSlaHours ?? '', config };
}

/**
 * Create or edit a channel: type, name, SLA and the provider configuration form of that type.
 * Secrets are password inputs (the masked stored value as placeholder) sent only when typed or
 * rotated; errors on `input.configuration.<key>` are shown on that input.
 */
function ChannelFormBody({ channel, onDone }: { channel: ChannelForm_ChannelFragment | null; onDone: () => void }) {
  const isEdit = !!channel;
  const stored = asConfig(channel?.configuration);
  const serverSecrets = new Set(channel?.secretKeys ?? []);
  const [initial] = useState(() => initialState(channel, serverSecrets));
  const [values, setValues] = useState<FormState>(initial);
  const [visible, setVisible] = useState<Record<string, boolean>>({});
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<string, UserErrorView>>>({});
  const [formErrors, setFormErrors] = useState<UserErrorView[]>([]);
  const [create, { loading: creating }] = useCreateChannel();
  const [update, { loading: updating }] = useUpdateChannel();
  const loading = creating || updating;
  const fields = configFieldsFor(values.type);
  const isSecret = (f: ConfigField) => serverSecrets.has(f.key) || !!f.secret;

  const setConfig = (key: string, v: string) => {
    setValues((s) => ({ ...s, config: { ...s.config, [key]: v } }));
    setFieldErrors((e) => ({ ...e, [`configuration.${key}`]: undefined }));
  };
  const setTop = <K extends 'type' | 'name' | 'responseSlaHours'>(key: K, v: FormState[K]) => {
    setValues((s) => ({ ...s, [key]: v }));
    setFieldErrors((e) => ({ ...e, [key]: undefined }));
  };

  const showErrors = (errors: UserErrorView[]) => {
    const byField: Partial<Record<string, UserErrorView>> = {};
    const general: UserErrorView[] = [];
    for (const e of errors) {
      const configKey = configKeyOf(e.field);
      const top = topFieldOf(e.field);
      if (configKey && fields.some((f) => f.key === configKey)) byField[`configuration.${configKey}`] ??= e;
      else if (top && ['type', 'name', 'responseSlaHours'].includes(top)) byField[top] ??= e;
      else general.push(e);
    }
    setFieldErrors(byField);
    setFormErrors(general);
  };

  /** The configuration to send: every filled value on create; on edit only changed keys (a secret only when typed). */
  const configuration = (): Config => {
    const out: Config = {};
    for (const f of fields) {
      const raw = values.config[f.key] ?? '';
      if (isSecret(f)) {
        if (raw !== '') out[f.key] = raw;
        continue;
      }
      if (isEdit) {
        if (raw.trim() !== (initial.config[f.key] ?? '').trim()) out[f.key] = raw.trim() === '' ? null : toValue(f, raw);
      } else if (raw.trim() !== '') {
        out[f.key] = toValue(f, raw);
      }
    }
    return out;
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const local: UserErrorView[] = [];
    if (!values.type) local.push({ code: 'VALIDATION_FAILED', message: i18n.t('settings.channelForm.pickType'), field: 'input.type' });
    if (!values.name.trim()) local.push({ code: 'VALIDATION_FAILED', message: i18n.t('settings.common.nameRequired'), field: 'input.name' });
    if (!isEdit) {
      for (const f of fields) {
        if (f.required && !(values.config[f.key] ?? '').trim()) {
          local.push({ code: 'VALIDATION_FAILED', message: `${f.label} is required.`, field: `input.configuration.${f.key}` });
        }
      }
    }
    if (local.length > 0) {
      showErrors(local);
      return;
    }
    showErrors([]);
    const sla = values.responseSlaHours === '' ? null : Number(values.responseSlaHours);
    try {
      let errors: UserErrorView[];
      if (channel) {
        const config = configuration();
        const { data } = await update({
          channelId: channel.id,
          ...(values.name.trim() !== initial.name ? { name: values.name.trim() } : {}),
          ...(values.responseSlaHours !== initial.responseSlaHours ? { responseSlaHours: sla } : {}),
          ...(Object.keys(config).length > 0 ? { configuration: config } : {}),
        });
        errors = toUserErrors(data?.updateChannel?.errors);
      } else {
        const { data } = await create({
          type: values.type!,
          name: values.name.trim(),
          configuration: configuration(),
          ...(sla != null ? { responseSlaHours: sla } : {}),
        });
        errors = toUserErrors(data?.createChannel?.errors);
      }
      if (errors.length > 0) {
        showErrors(errors);
        return;
      }
      notifications.show({ color: 'teal', message: channel ? i18n.t('settings.channelForm.saved') : i18n.t('settings.channelForm.created') });
      onDone();
    } catch (err) {
      showErrors([{ code: 'NETWORK', message: (err as Error).message }]);
    }
  };

  const configInput = (f: ConfigField) => {
    const err = fieldErrors[`configuration.${f.key}`];
    const common = {
      label: f.label,
      description: f.description,
      withAsterisk: f.required && !isEdit,
      value: values.config[f.key] ?? '',
      error: err?.message,
      errorProps: err ? { 'data-error-code': err.code } : undefined,
      autoComplete: 'off',
    };
    if (isSecret(f)) {
      const masked = display(stored[f.key]);
      return (
        <Group key={f.key} gap={6} align="flex-end" wrap="nowrap">
          <PasswordInput
            {...common}
            style={{ flex: 1 }}
            autoComplete="new-password"
            placeholder={masked || (isEdit ? i18n.t('settings.channelForm.notSet') : f.placeholder)}
            visible={visible[f.key] ?? false}
            onVisibilityChange={(v) => setVisible((all) => ({ ...all, [f.key]: v }))}
            onChange={(e) => setConfig(f.key, e.currentTarget.value)}
            data-config-key={f.key}
            aria-invalid={err ? true : undefined}
          />
          {f.generated && (
            <Button
              variant="default"
              leftSection={<IconRefresh size={14} />}
              aria-label={i18n.t('settings.channelForm.rotateNamed', { name: f.label })}
              onClick={() => {
                setConfig(f.key, randomSecret());
                setVisible((all) => ({ ...all, [f.key]: true }));
              }}
              mb={err ? 22 : 0}
            >
              {i18n.t('settings.channelForm.rotate')}
            </Button>
          )}
        </Group>
      );
    }
    return (
      <TextInput
        key={f.key}
        {...common}
        type={f.type === 'number' ? 'text' : f.type}
        inputMode={f.type === 'number' ? 'numeric' : undefined}
        placeholder={f.placeholder}
        onChange={(e) => setConfig(f.key, e.currentTarget.value)}
        data-config-key={f.key}
      />
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label={isEdit ? i18n.t('settings.channelForm.edit') : i18n.t('settings.channels.new')}>
      <Stack gap="sm">
        <FormErrors errors={formErrors} testId="channel-form-error" />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label={i18n.t('settings.common.type')}
            withAsterisk={!isEdit}
            disabled={isEdit}
            data={CREATABLE_TYPES.map((t) => ({ value: t, label: channelLabel(t) }))}
            value={values.type}
            onChange={(v) => setTop('type', v as ChannelType | null)}
            leftSection={values.type ? <ChannelIcon type={values.type} /> : undefined}
            error={fieldErrors.type?.message}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput
            label={i18n.t('settings.common.name')}
            withAsterisk
            value={values.name}
            onChange={(e) => setTop('name', e.currentTarget.value)}
            error={fieldErrors.name?.message}
            autoComplete="off"
          />
          <NumberInput
            label={i18n.t('settings.channelForm.responseSla')}
            min={1}
            allowDecimal={false}
            value={values.responseSlaHours}
            onChange={(v) => setTop('responseSlaHours', v)}
            error={fieldErrors.responseSlaHours?.message}
          />
        </SimpleGrid>
        {values.type && fields.length === 0 && (
          <Text size="sm" c="dimmed">
            {channelLabel(values.type)} channels need no provider configuration.
          </Text>
        )}
        {fields.length > 0 && (
          <Stack gap="sm" data-testid="channel-configuration">
            <Text size="sm" fw={600}>
              {i18n.t('settings.channelForm.configuration')}
            </Text>
            {isEdit && (
              <Text size="xs" c="dimmed">
                {i18n.t('settings.channelForm.secretsHint')}
              </Text>
            )}
            {fields.map(configInput)}
          </Stack>
        )}
        <FormActions onCancel={onDone} loading={loading} submitLabel={isEdit ? i18n.t('common.save') : i18n.t('settings.channelForm.create')} mt="xs" />
      </Stack>
    </form>
  );
}

/** Modal around the channel form: `channel` null creates a channel, otherwise edits it. */
export function ChannelFormModal(props: { channel: FragmentType<typeof ChannelForm_channel> | null; opened: boolean; onClose: () => void }) {
  const channel = props.channel ? getFragmentData(ChannelForm_channel, props.channel) : null;
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={channel ? i18n.t('settings.common.editNamed', { name: channel.name }) : i18n.t('settings.channels.new')} size="lg">
      {props.opened && <ChannelFormBody channel={channel} onDone={props.onClose} />}
    </Modal>
  );
}
