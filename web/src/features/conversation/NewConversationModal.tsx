import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconSend } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../../gql';
import type { ChannelType } from '../../gql/graphql';
import { ChannelIcon, channelLabel } from '../../shared/ChannelIcon';
import { describeError } from '../../shared/errorMessages';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { RenderTemplateQuery, unresolvedPlaceholders } from '../composer/Composer';
import { refetchVisibleLists } from '../thread/useThreadTriage';

export const NewConversationCustomersQuery = graphql(`
  query NewConversationCustomers($search: String) {
    customers(first: 20, search: $search) {
      edges {
        node {
          id
          name
          email
          phone
        }
      }
    }
  }
`);

export const NewConversationChannelsQuery = graphql(`
  query NewConversationChannels {
    channels {
      id
      type
      name
      isActive
      canSend
    }
  }
`);

export const NewConversationTemplatesQuery = graphql(`
  query NewConversationTemplates {
    templateFamilies(channelType: WHATSAPP_BUSINESS) {
      name
      defaultTemplate {
        id
      }
      variants {
        id
        locale
      }
    }
  }
`);

export const CreateConversationMutation = graphql(`
  mutation CreateConversation($input: CreateThreadInput!) {
    createThread(input: $input) {
      thread {
        id
        suggestedTemplateLanguage
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export const StartConversationMessageMutation = graphql(`
  mutation StartConversationMessage($input: PostMessageInput!) {
    postMessage(input: $input) {
      message {
        id
        deliveryStatus
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Channel types a conversation can be started on (outbound-capable, one customer address each). */
export const OUTBOUND_TYPES: readonly ChannelType[] = ['EMAIL_OUTLOOK', 'WHATSAPP_BUSINESS', 'SMS'];

type Customer = { id: string; name: string; email?: string | null; phone?: string | null };

/** "Mario Rossi · mario@example.it" for the customer select. */
function customerLabel(c: Customer): string {
  const contact = c.email ?? c.phone;
  return contact ? `${c.name} · ${contact}` : c.name;
}

/**
 * "New conversation" (header button or `c`): pick a customer (server-side search), an active
 * channel that can send (e-mail, WhatsApp, SMS), a subject (e-mail) and a message, or an approved
 * template on WhatsApp; then createThread + postMessage(kind: REPLY) and open the new thread.
 * A template with unfilled variables is put in the message for the agent to complete; the thread
 * already created is reused on the next Send. Errors are sentences in the UI language.
 */
export function NewConversationModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('newConversation.title')} size="lg">
      {opened && <NewConversationForm onDone={onClose} />}
    </Modal>
  );
}

function NewConversationForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const client = useApolloClient();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [channelId, setChannelId] = useState<string | null>(null);
  const [subject, setSubject] = useState('');
  const [content, setContent] = useState('');
  const [templateName, setTemplateName] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [createdThreadId, setCreatedThreadId] = useState<string | null>(null);
  const [errors, setErrors] = useState<UserErrorView[]>([]);
  const [busy, setBusy] = useState(false);

  // While a customer is picked, the search box shows its label: no search for that text.
  const searching = customer && search === customerLabel(customer) ? '' : debounced;
  const customersQuery = useQuery(NewConversationCustomersQuery, { variables: { search: searching.trim() || null } });
  const channelsQuery = useQuery(NewConversationChannelsQuery);
  const channels = (channelsQuery.data?.channels ?? []).filter((c) => c.isActive && c.canSend && OUTBOUND_TYPES.includes(c.type));
  const channel = channels.find((c) => c.id === channelId) ?? null;
  const isEmail = channel?.type === 'EMAIL_OUTLOOK';
  const isWhatsApp = channel?.type === 'WHATSAPP_BUSINESS';
  const templatesQuery = useQuery(NewConversationTemplatesQuery, { skip: !isWhatsApp });
  const families = templatesQuery.data?.templateFamilies ?? [];

  const found = customersQuery.data?.customers.edges.map((e) => e.node) ?? [];
  const customerOptions = [...(customer && !found.some((c) => c.id === customer.id) ? [customer] : []), ...found].map((c) => ({ value: c.id, label: customerLabel(c) }));
  const unresolved = templateId ? unresolvedPlaceholders(content) : [];
  const canSend =
    !busy &&
    !!customer &&
    !!channel &&
    (!isEmail || subject.trim() !== '') &&
    (isWhatsApp ? !!templateName && (!templateId || (content.trim() !== '' && unresolved.length === 0)) : content.trim() !== '');

  const fail = (errs: UserErrorView[]) => {
    setErrors(errs);
    setBusy(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!canSend || !customer || !channel) return;
    setBusy(true);
    setErrors([]);
    try {
      // 1. The thread (once: a second Send after an error reuses it).
      let threadId = createdThreadId;
      let language: string | null = null;
      if (!threadId) {
        const firstLine = (isWhatsApp ? (templateName ?? '') : content.trim().split('\n')[0]!).slice(0, 120);
        const { data } = await client.mutate({
          mutation: CreateConversationMutation,
          variables: { input: { customerId: customer.id, channelId: channel.id, subject: isEmail ? subject.trim() : firstLine || customer.name } },
        });
        const errs = toUserErrors(data?.createThread.errors);
        const created = data?.createThread.thread;
        if (errs.length > 0 || !created) return fail(errs.length ? errs : [{ code: 'UNKNOWN', message: t('errors.UNKNOWN') }]);
        threadId = created.id;
        language = created.suggestedTemplateLanguage;
        setCreatedThreadId(threadId);
      }
      // 2. WhatsApp: the template rendered for this thread, in the customer's language; gaps go back to the agent.
      let text = content.trim();
      let usedTemplate = templateId;
      if (isWhatsApp && !templateId) {
        const family = families.find((f) => f.name === templateName);
        const variant = family?.variants.find((v) => v.locale === language) ?? family?.defaultTemplate;
        if (!variant) return fail([{ code: 'NOT_FOUND', message: t('errors.NOT_FOUND') }]);
        const { data, error } = await client.query({ query: RenderTemplateQuery, variables: { templateId: variant.id, threadId }, fetchPolicy: 'network-only' });
        if (error || !data?.renderTemplate) return fail([describeAndTranslate(error, t)]);
        usedTemplate = variant.id;
        text = data.renderTemplate.body.trim();
        setTemplateId(variant.id);
        setContent(text);
        if (unresolvedPlaceholders(text).length > 0) return fail([{ code: 'TEMPLATE_VARIABLES_MISSING', message: t('newConversation.fillTemplate', { placeholder: '{{…}}' }) }]);
      }
      // 3. The first message.
      const { data } = await client.mutate({
        mutation: StartConversationMessageMutation,
        variables: {
          input: { threadId, kind: 'REPLY', content: text, ...(isEmail ? { subject: subject.trim() } : {}), ...(usedTemplate ? { templateId: usedTemplate } : {}) },
        },
      });
      const errs = toUserErrors(data?.postMessage.errors);
      if (errs.length > 0) return fail(errs);
      setBusy(false);
      notifications.show({ color: 'teal', message: t('newConversation.created') });
      refetchVisibleLists(client);
      onDone();
      navigate(`/threads/${encodeURIComponent(threadId)}`);
    } catch (err) {
      fail([describeAndTranslate(err, t)]);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t('newConversation.title')} data-testid="new-conversation-form">
      <Stack gap="sm">
        {errors.map((err) => (
          <Alert
            key={err.code + err.message}
            color="red"
            variant="light"
            icon={<IconAlertCircle size={18} />}
            title={createdThreadId ? t('newConversation.notSent') : t('newConversation.failed')}
            data-testid="new-conversation-error"
            data-error-code={err.code}
          >
            {err.message}
          </Alert>
        ))}
        <Select
          label={t('newConversation.customer')}
          placeholder={t('newConversation.customerPlaceholder')}
          searchable
          required
          data={customerOptions}
          value={customer?.id ?? null}
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options }) => options}
          nothingFoundMessage={customersQuery.loading ? t('common.loading') : t('newConversation.noCustomers')}
          onChange={(id) => setCustomer([...found, ...(customer ? [customer] : [])].find((c) => c.id === id) ?? null)}
          disabled={!!createdThreadId}
          data-autofocus
          data-testid="new-conversation-customer"
        />
        <Select
          label={t('newConversation.channel')}
          required
          data={channels.map((c) => ({ value: c.id, label: `${c.name} (${channelLabel(c.type)})` }))}
          value={channelId}
          onChange={(id) => {
            setChannelId(id);
            setTemplateName(null);
            setTemplateId(null);
          }}
          allowDeselect={false}
          leftSection={channel ? <ChannelIcon type={channel.type} size={14} /> : undefined}
          nothingFoundMessage={t('newConversation.noChannels')}
          disabled={!!createdThreadId}
          data-testid="new-conversation-channel"
        />
        {isEmail && (
          <TextInput
            label={t('newConversation.subject')}
            required
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            disabled={!!createdThreadId}
            data-testid="new-conversation-subject"
          />
        )}
        {isWhatsApp && (
          <Stack gap={4}>
            <Select
              label={t('newConversation.template')}
              placeholder={t('newConversation.templatePlaceholder')}
              required
              searchable
              data={families.map((f) => f.name)}
              value={templateName}
              onChange={(name) => {
                setTemplateName(name);
                setTemplateId(null);
                setContent('');
              }}
              nothingFoundMessage={t('newConversation.noTemplates')}
              disabled={!!createdThreadId && !!templateId}
              data-testid="new-conversation-template"
            />
            <Text size="xs" c="dimmed">
              {t('newConversation.templateHint')}
            </Text>
          </Stack>
        )}
        {(!isWhatsApp || templateId) && (
          <Textarea
            label={t('newConversation.message')}
            required
            autosize
            minRows={4}
            maxRows={12}
            value={content}
            onChange={(e) => setContent(e.currentTarget.value)}
            data-testid="new-conversation-message"
          />
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onDone} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" leftSection={<IconSend size={14} />} loading={busy} disabled={!canSend} data-testid="new-conversation-send">
            {t('newConversation.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** A thrown error as a code and a sentence in the UI language. */
function describeAndTranslate(error: unknown, t: (key: string, options: { defaultValue: string }) => string): UserErrorView {
  const { code, message } = describeError(error);
  return { code, message: t(`errors.${code}`, { defaultValue: message }) };
}
