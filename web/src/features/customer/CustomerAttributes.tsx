import { useState, type FormEvent } from 'react';
import { ActionIcon, Button, Group, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconCheck, IconPencil, IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../../gql';
import { describeError } from '../../shared/errorMessages';
import { toUserErrors } from '../../shared/userErrors';

/** Sets or removes custom attributes key by key (the API merges; null removes a key). */
export const UpdateCustomerAttributesMutation = graphql(`
  mutation UpdateCustomerAttributes($input: UpdateCustomerInput!) {
    updateCustomer(input: $input) {
      customer {
        id
        customAttributes
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** An attribute name the editor accepts: letters, digits, "_", "-", "." (1–64). */
export const ATTRIBUTE_KEY = /^[\p{L}\p{N}_.-]{1,64}$/u;

/** A custom attribute's value as text (strings as they are, anything else as JSON). */
export function attributeText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

/**
 * The typed value to save for `text`, keeping the type the attribute had: a number stays a number
 * and a boolean a boolean when the text reads as one; anything else (and new keys) is a string.
 */
export function attributeValue(text: string, previous: unknown): unknown {
  const s = text.trim();
  if (typeof previous === 'number' && s !== '' && Number.isFinite(Number(s))) return Number(s);
  if (typeof previous === 'boolean' && (s === 'true' || s === 'false')) return s === 'true';
  return s;
}

type Attributes = Record<string, unknown>;

/**
 * The customer's custom attributes, each edited or removed on its own
 * (`updateCustomer(customAttributes: { key: value })` / `{ key: null }`), plus a form to add one.
 */
export function CustomerAttributes({ customerId, attributes }: { customerId: string; attributes: Attributes }) {
  const { t } = useTranslation();
  const [save, { loading }] = useMutation(UpdateCustomerAttributesMutation);
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [newKey, setNewKey] = useState('');
  const [newValue, setNewValue] = useState('');
  const [error, setError] = useState<{ key: string | null; message: string } | null>(null);
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));

  /** Saves one key (null removes it); the error, if any, is shown beside that key. */
  const saveKey = async (key: string, value: unknown, errorAt: string | null): Promise<boolean> => {
    setError(null);
    try {
      const { data } = await save({ variables: { input: { customerId, customAttributes: { [key]: value } } } });
      const errors = toUserErrors(data?.updateCustomer?.errors);
      if (errors.length > 0) {
        setError({ key: errorAt, message: errors.map((e) => e.message).join(' ') });
        return false;
      }
      return true;
    } catch (e) {
      setError({ key: errorAt, message: t(`errors.${describeError(e).code}`) });
      return false;
    }
  };

  const onAdd = async (e: FormEvent) => {
    e.preventDefault();
    const key = newKey.trim();
    if (!ATTRIBUTE_KEY.test(key)) return setError({ key: null, message: t('sidebar.attributeKeyInvalid') });
    if (key in attributes) return setError({ key: null, message: t('sidebar.attributeKeyTaken') });
    if (!newValue.trim()) return setError({ key: null, message: t('newConversation.required') });
    if (await saveKey(key, newValue.trim(), null)) {
      setNewKey('');
      setNewValue('');
    }
  };

  const onSaveEdit = async (key: string) => {
    if (await saveKey(key, attributeValue(draft, attributes[key]), key)) setEditing(null);
  };

  return (
    <Stack gap={6} data-testid="custom-attributes">
      {entries.length === 0 && (
        <Text size="xs" c="dimmed">
          {t('sidebar.noAttributes')}
        </Text>
      )}
      {entries.map(([key, value]) => (
        <div key={key} data-attribute-key={key}>
          {editing === key ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void onSaveEdit(key);
              }}
            >
              <Group gap={4} wrap="nowrap" align="flex-end">
                <TextInput
                  size="xs"
                  label={key}
                  aria-label={t('sidebar.valueOf', { key })}
                  value={draft}
                  onChange={(e) => setDraft(e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') {
                      e.preventDefault();
                      setEditing(null);
                    }
                  }}
                  error={error?.key === key ? error.message : undefined}
                  style={{ flex: 1, minWidth: 0 }}
                  data-autofocus
                  autoFocus
                />
                <ActionIcon type="submit" size="md" variant="light" aria-label={t('sidebar.saveAttribute', { key })} loading={loading}>
                  <IconCheck size={14} />
                </ActionIcon>
                <ActionIcon size="md" variant="subtle" color="gray" aria-label={t('common.cancel')} onClick={() => setEditing(null)}>
                  <IconX size={14} />
                </ActionIcon>
              </Group>
            </form>
          ) : (
            <Group gap={4} wrap="nowrap" justify="space-between">
              <Stack gap={0} style={{ minWidth: 0 }}>
                <Text size="xs" c="dimmed" truncate>
                  {key}
                </Text>
                <Text size="sm" style={{ wordBreak: 'break-word' }} data-testid="attribute-value">
                  {attributeText(value)}
                </Text>
                {error?.key === key && (
                  <Text size="xs" c="red" role="alert">
                    {error.message}
                  </Text>
                )}
              </Stack>
              <Group gap={0} wrap="nowrap">
                <Tooltip label={t('sidebar.editAttribute', { key })} withArrow openDelay={300}>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    size="sm"
                    aria-label={t('sidebar.editAttribute', { key })}
                    onClick={() => {
                      setError(null);
                      setDraft(attributeText(value));
                      setEditing(key);
                    }}
                  >
                    <IconPencil size={14} />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label={t('sidebar.removeAttribute', { key })} withArrow openDelay={300}>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="sm"
                    aria-label={t('sidebar.removeAttribute', { key })}
                    onClick={() => void saveKey(key, null, key)}
                    disabled={loading}
                  >
                    <IconTrash size={14} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            </Group>
          )}
        </div>
      ))}
      <form onSubmit={onAdd} aria-label={t('sidebar.addAttribute')}>
        <Stack gap={4} mt={4}>
          <Group gap={4} wrap="nowrap" grow>
            <TextInput size="xs" aria-label={t('sidebar.attributeKey')} placeholder={t('sidebar.attributeKey')} value={newKey} onChange={(e) => setNewKey(e.currentTarget.value)} />
            <TextInput
              size="xs"
              aria-label={t('sidebar.attributeValue')}
              placeholder={t('sidebar.attributeValue')}
              value={newValue}
              onChange={(e) => setNewValue(e.currentTarget.value)}
            />
          </Group>
          {error && error.key === null && (
            <Text size="xs" c="red" role="alert" data-testid="attribute-error">
              {error.message}
            </Text>
          )}
          <Button type="submit" size="xs" variant="light" leftSection={<IconPlus size={14} />} loading={loading} disabled={!newKey.trim()}>
            {t('sidebar.addAttribute')}
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
