import { useState, type KeyboardEvent } from 'react';
import { Alert, Button, Group, Paper, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useLazyQuery } from '@apollo/client/react';
import { IconAlertCircle, IconAlertTriangle, IconSend, IconNote } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { PostMessageKind } from '../../gql/graphql';
import { usePostMessage } from './usePostMessage';
import { TemplatePicker } from './TemplatePicker';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';

export const Composer_thread = graphql(`
  fragment Composer_thread on Thread {
    id
    channel {
      id
      type
      isActive
    }
  }
`);

export const RenderTemplateQuery = graphql(`
  query RenderTemplate($templateId: ID!, $threadId: ID!) {
    renderTemplate(templateId: $templateId, threadId: $threadId) {
      subject
      body
      missingVariables
    }
  }
`);


const ERROR_TITLE: Record<string, string> = {
  WHATSAPP_WINDOW_CLOSED: 'WhatsApp 24-hour window closed',
  CHANNEL_INACTIVE: 'Channel inactive',
  CHANNEL_SEND_FAILED: 'Sending failed',
  VALIDATION_FAILED: 'Message not valid',
  FORBIDDEN: 'Not allowed',
};

export function Composer(props: { thread: FragmentType<typeof Composer_thread> }) {
  const t = getFragmentData(Composer_thread, props.thread);
  const [kind, setKind] = useState<PostMessageKind>('REPLY');
  const [content, setContent] = useState('');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [subject, setSubject] = useState<string | null>(null);
  const [missing, setMissing] = useState<readonly string[]>([]);
  const [errors, setErrors] = useState<UserErrorView[]>([]);
  const [post, { loading }] = usePostMessage();
  const [renderTemplate, { loading: rendering }] = useLazyQuery(RenderTemplateQuery, { fetchPolicy: 'network-only' });

  const isNote = kind === 'NOTE';
  const canSend = content.trim().length > 0 && !loading;

  const reset = () => {
    setContent('');
    setTemplateId(null);
    setSubject(null);
    setMissing([]);
  };

  const send = async () => {
    if (!canSend) return;
    setErrors([]);
    try {
      const { data } = await post({
        threadId: t.id,
        kind,
        content: content.trim(),
        ...(subject && !isNote ? { subject } : {}),
        ...(templateId && !isNote ? { templateId } : {}),
      });
      const payloadErrors = toUserErrors(data?.postMessage?.errors);
      if (payloadErrors.length > 0) setErrors(payloadErrors);
      else reset();
    } catch (e) {
      setErrors([{ code: 'NETWORK', message: (e as Error).message }]);
    }
  };

  const pickTemplate = async (id: string | null) => {
    setTemplateId(id);
    setMissing([]);
    if (!id) return;
    try {
      const { data, error } = await renderTemplate({ variables: { templateId: id, threadId: t.id } });
      const rendered = data?.renderTemplate;
      if (error || !rendered) {
        setErrors([{ code: 'TEMPLATE', message: error?.message ?? 'Could not render template' }]);
        return;
      }
      setContent(rendered.body ?? '');
      setSubject(rendered.subject ?? null);
      setMissing(rendered.missingVariables ?? []);
    } catch (e) {
      setErrors([{ code: 'TEMPLATE', message: (e as Error).message }]);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <Paper
      p="sm"
      radius={0}
      data-testid="composer"
      style={{
        borderTop: '1px solid var(--mantine-color-gray-3)',
        background: isNote ? 'var(--mantine-color-yellow-0)' : 'var(--mantine-color-white)',
      }}
    >
      <Stack gap="xs">
        {errors.map((err) => (
          <Alert
            key={err.code + err.message}
            color="red"
            variant="light"
            icon={<IconAlertCircle size={18} />}
            title={ERROR_TITLE[err.code] ?? 'Could not send'}
            withCloseButton
            onClose={() => setErrors((all) => all.filter((x) => x !== err))}
            data-testid="composer-error"
            data-error-code={err.code}
          >
            {err.message}
            {err.code === 'WHATSAPP_WINDOW_CLOSED' && (
              <Text size="xs" mt={4}>
                The customer has not written in the last 24 hours. Pick an approved template to re-open the conversation.
              </Text>
            )}
          </Alert>
        ))}
        {missing.length > 0 && (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="template-missing-variables">
            Template variables without a value: {missing.join(', ')}. Fill them in before sending.
          </Alert>
        )}
        <Group justify="space-between" gap="xs">
          <SegmentedControl
            size="xs"
            value={kind}
            onChange={(v) => setKind(v as PostMessageKind)}
            aria-label="Reply or internal note"
            data={[
              { value: 'REPLY', label: 'Reply' },
              { value: 'NOTE', label: 'Internal note' },
            ]}
          />
          <TemplatePicker channelType={t.channel?.type ?? null} value={templateId} onPick={pickTemplate} disabled={rendering} />
        </Group>
        <Textarea
          label="Message"
          labelProps={{ style: { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' } }}
          placeholder={isNote ? 'Write an internal note (only visible to agents)…' : 'Write a reply…'}
          autosize
          minRows={3}
          maxRows={12}
          value={content}
          onChange={(e) => setContent(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {isNote ? 'Internal notes are never sent to the customer.' : 'Ctrl/⌘ + Enter to send'}
          </Text>
          <Button
            size="xs"
            onClick={() => void send()}
            disabled={!canSend}
            loading={loading}
            color={isNote ? 'yellow' : undefined}
            leftSection={isNote ? <IconNote size={14} /> : <IconSend size={14} />}
          >
            Send
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
