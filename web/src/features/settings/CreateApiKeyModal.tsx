import { useState, type FormEvent } from 'react';
import { useQuery } from '@apollo/client/react';
import { ActionIcon, Alert, Button, Checkbox, Code, CopyButton, Group, Modal, Select, Stack, TextInput, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { graphql } from '../../gql';
import type { ApiKeyScope } from '../../gql/graphql';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { channelLabel } from '../../shared/ChannelIcon';
import { FormActions, FormErrors } from './FormParts';
import { useCreateApiKey } from './useCreateApiKey';
import { i18n } from '../../i18n';

export const ApiKeyChannelsQuery = graphql(`
  query ApiKeyChannels {
    channels {
      id
      name
      type
    }
  }
`);

export const API_KEY_SCOPES: readonly { value: ApiKeyScope; label: string; description: string }[] = [
  // Getters: read in the current UI language.
  {
    value: 'INGEST',
    get label() {
      return i18n.t('settings.apiKeys.scope.INGEST');
    },
    get description() {
      return i18n.t('settings.apiKeys.scope.INGEST_text');
    },
  },
  {
    value: 'READ',
    get label() {
      return i18n.t('settings.apiKeys.scope.READ');
    },
    get description() {
      return i18n.t('settings.apiKeys.scope.READ_text');
    },
  },
  {
    value: 'WRITE',
    get label() {
      return i18n.t('settings.apiKeys.scope.WRITE');
    },
    get description() {
      return i18n.t('settings.apiKeys.scope.WRITE_text');
    },
  },
  {
    value: 'ANALYTICS',
    get label() {
      return i18n.t('settings.apiKeys.scope.ANALYTICS');
    },
    get description() {
      return i18n.t('settings.apiKeys.scope.ANALYTICS_text');
    },
  },
];

/** The new key's secret, shown once: copy it now, it cannot be retrieved later. */
function SecretOnce({ secret, name, onDone }: { secret: string; name: string; onDone: () => void }) {
  return (
    <Stack gap="sm" data-testid="api-key-secret-box">
      <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={i18n.t('settings.apiKeys.copyNow')}>
        {i18n.t('settings.apiKeys.secretOnce', { name })}
      </Alert>
      <Group gap={6} wrap="nowrap">
        <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="api-key-secret">
          {secret}
        </Code>
        <CopyButton value={secret} timeout={1500}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? i18n.t('settings.common.copied') : i18n.t('settings.apiKeys.copySecret')} withArrow>
              <ActionIcon variant="light" color={copied ? 'teal' : 'gray'} size="lg" onClick={copy} aria-label={i18n.t('settings.apiKeys.copySecret')}>
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
      <Group justify="flex-end">
        <Button onClick={onDone}>I have copied it</Button>
      </Group>
    </Stack>
  );
}

function CreateApiKeyForm({ onCreated, onCancel }: { onCreated: (secret: string, name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [channelId, setChannelId] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<'name' | 'scopes' | 'channelId', string>>>({});
  const [formErrors, setFormErrors] = useState<UserErrorView[]>([]);
  const [create, { loading }] = useCreateApiKey();
  const { data } = useQuery(ApiKeyChannelsQuery);
  const channelOptions = (data?.channels ?? []).map((c) => ({ value: c.id, label: `${c.name} (${channelLabel(c.type)})` }));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Partial<Record<'name' | 'scopes' | 'channelId', string>> = {};
    if (!name.trim()) local.name = i18n.t('settings.common.nameRequired');
    if (scopes.length === 0) local.scopes = i18n.t('settings.apiKeys.pickScope');
    setFieldErrors(local);
    setFormErrors([]);
    if (Object.keys(local).length > 0) return;
    try {
      const { data: result } = await create({ name: name.trim(), scopes, ...(channelId ? { channelId } : {}) });
      const errors = toUserErrors(result?.createApiKey?.errors);
      if (errors.length > 0) {
        const byField: Partial<Record<'name' | 'scopes' | 'channelId', string>> = {};
        const general: UserErrorView[] = [];
        for (const err of errors) {
          const f = err.field?.replace(/^input\./, '').split('.')[0];
          if (f === 'name' || f === 'scopes' || f === 'channelId') byField[f] ??= err.message;
          else general.push(err);
        }
        setFieldErrors(byField);
        setFormErrors(general);
        return;
      }
      const secret = result?.createApiKey?.secret;
      if (secret) onCreated(secret, name.trim());
      else onCancel();
    } catch (err) {
      setFormErrors([{ code: 'NETWORK', message: (err as Error).message }]);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label={i18n.t('settings.apiKeys.new')}>
      <Stack gap="sm">
        <FormErrors errors={formErrors} testId="api-key-form-error" />
        <TextInput
          label={i18n.t('settings.common.name')}
          withAsterisk
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldErrors.name}
          data-autofocus
          autoComplete="off"
        />
        <Checkbox.Group label={i18n.t('settings.apiKeys.scopes')} withAsterisk value={scopes} onChange={(v) => setScopes(v as ApiKeyScope[])} error={fieldErrors.scopes}>
          <Stack gap={6} mt={6}>
            {API_KEY_SCOPES.map((s) => (
              <Checkbox key={s.value} value={s.value} label={s.label} description={s.description} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Select
          label={i18n.t('settings.common.channel')}
          description={i18n.t('settings.apiKeys.channelHint')}
          placeholder={i18n.t('settings.apiKeys.allChannels')}
          data={channelOptions}
          value={channelId}
          onChange={setChannelId}
          clearable
          error={fieldErrors.channelId}
          comboboxProps={{ withinPortal: true }}
        />
        <FormActions onCancel={onCancel} loading={loading} submitLabel={i18n.t('settings.apiKeys.create')} />
      </Stack>
    </form>
  );
}

/** Create an API key (name, scopes, optional channel); the secret is shown once afterwards. */
export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [created, setCreated] = useState<{ secret: string; name: string } | null>(null);
  const close = () => {
    // Forget the secret as soon as the dialog closes.
    setCreated(null);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={created ? i18n.t('settings.apiKeys.created') : i18n.t('settings.apiKeys.new')} size="lg" closeOnClickOutside={!created}>
      {opened &&
        (created ? (
          <SecretOnce secret={created.secret} name={created.name} onDone={close} />
        ) : (
          <CreateApiKeyForm onCreated={(secret, name) => setCreated({ secret, name })} onCancel={close} />
        ))}
    </Modal>
  );
}
