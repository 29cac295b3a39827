import { useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { Alert, Badge, Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useLazyQuery } from '@apollo/client/react';
import { IconAlertCircle, IconAlertTriangle, IconLock, IconSend, IconNote, IconRefresh, IconTemplate } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { Composer_ThreadFragment, PostMessageKind } from '../../gql/graphql';
import { usePostMessage } from './usePostMessage';
import { TemplatePicker, useTemplatePicker, type SlashToken } from './TemplatePicker';
import { SmsCounter } from './SmsCounter';
import { LogCallForm } from './LogCallForm';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { describeError, isRetryableError } from '../../shared/errorMessages';
import { i18n, translated } from '../../i18n';
import { channelLabel } from '../../shared/ChannelIcon';

export const Composer_thread = graphql(`
  fragment Composer_thread on Thread {
    id
    subject
    channel {
      id
      type
      isActive
      canSend
      provider
    }
    messages(last: 50) {
      edges {
        node {
          id
          type
          createdAt
          channel {
            id
            type
          }
        }
      }
    }
  }
`);

export const RenderTemplateQuery = graphql(`
  query RenderTemplate($templateId: ID!, $threadId: ID!) {
    renderTemplate(templateId: $templateId, threadId: $threadId) {
      language
      subject
      body
      missing
    }
  }
`);

/** Template placeholders still in a text, e.g. ["customer.pec"] for "PEC: {{customer.pec}}"; unique, in order. */
export function unresolvedPlaceholders(...texts: (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const t of texts) for (const m of (t ?? '').matchAll(/\{\{\{?\s*([A-Za-z_][\w.-]*)\s*\}?\}\}/g)) out.add(m[1]!);
  return [...out];
}

/** Alert titles per error code, in the UI language. */
const ERROR_TITLE: Record<string, string> = translated(
  [
    'WHATSAPP_WINDOW_CLOSED',
    'CHANNEL_INACTIVE',
    'CHANNEL_SEND_FAILED',
    'VALIDATION_FAILED',
    'TEMPLATE_VARIABLES_MISSING',
    'TEMPLATE_INACTIVE',
    'FORBIDDEN',
    'SMS_OPTED_OUT',
    'CHANNEL_NOT_SUPPORTED',
    'MESSAGE_NOT_RETRYABLE',
  ],
  'composer.errorTitle',
);

/** "Re: <subject>" for an e-mail reply (not doubled when the subject already is a reply); '' without subject. */
export function replySubject(subject: string | null | undefined): string {
  const s = subject?.trim() ?? '';
  if (!s) return '';
  return /^(re|aw|sv|antw|rif)\s*:/i.test(s) ? s : `Re: ${s}`;
}

type ComposerMode = PostMessageKind | 'CALL';

/** One channel a reply can go out on in a merged thread, with the customer's latest message on it. */
export type ReplyChannelOption = { channelId: string; type: Composer_ThreadFragment['channel']['type']; latestMessageId: string; latestAt: string };

/**
 * The channels the customer wrote on in this thread (INCOMING messages, loaded ones), each with
 * its latest customer message, the channel of the customer's latest message first. More than one
 * entry means a merged thread spanning channels: the composer offers "Reply via".
 */
export function replyChannelOptions(messages: Composer_ThreadFragment['messages'] | null | undefined): ReplyChannelOption[] {
  const byChannel = new Map<string, ReplyChannelOption>();
  for (const { node } of messages?.edges ?? []) {
    if (node.type !== 'INCOMING' || !node.channel) continue;
    const at = node.createdAt ?? '';
    const known = byChannel.get(node.channel.id);
    if (!known || at.localeCompare(known.latestAt) >= 0)
      byChannel.set(node.channel.id, { channelId: node.channel.id, type: node.channel.type, latestMessageId: node.id, latestAt: at });
  }
  return [...byChannel.values()].sort((a, b) => b.latestAt.localeCompare(a.latestAt));
}

/** What the thread view's shortcuts do with the composer (r, n, /, Esc). */
export interface ComposerHandle {
  /** Focuses the message box, switching to Reply or Note first when given (and allowed on the channel). */
  focus(mode?: 'REPLY' | 'NOTE'): void;
  /** Focuses the message box and opens the template picker (as typing "/"). */
  openTemplates(): void;
  /** Whether the message box holds no text. */
  isEmpty(): boolean;
}

/**
 * The reply / internal note / call log box under a thread. `controller` receives a ComposerHandle
 * for keyboard shortcuts; Ctrl/⌘+Enter sends.
 */
export function Composer(props: { thread: FragmentType<typeof Composer_thread>; controller?: Ref<ComposerHandle> }) {
  const t = getFragmentData(Composer_thread, props.thread);
  // PHONE_CALL and internal channels have no adapter that sends: internal notes only (+ "Log call" for phone).
  const channelCanSend = t.channel?.canSend ?? false;
  const isPhone = t.channel?.type === 'PHONE_CALL';
  // A merged thread whose customer wrote on several channels: the agent picks the reply's channel
  // (default: that of the customer's latest message); the reply answers the latest message on it.
  const replyOptions = replyChannelOptions(t.messages);
  const [replyChannelId, setReplyChannelId] = useState<string | null>(null);
  const replyVia = replyOptions.length > 1 ? (replyOptions.find((o) => o.channelId === replyChannelId) ?? replyOptions[0]!) : null;
  const isEmail = replyVia ? replyVia.type === 'EMAIL_OUTLOOK' : t.channel?.type === 'EMAIL_OUTLOOK' || t.channel?.provider === 'outlook';
  const isSms = replyVia ? replyVia.type === 'SMS' : t.channel?.type === 'SMS' || t.channel?.provider === 'sms';
  const initialSubject = isEmail ? replySubject(t.subject) : null;
  const [mode, setMode] = useState<ComposerMode>(channelCanSend ? 'REPLY' : 'NOTE');
  const kind: PostMessageKind = mode === 'CALL' ? 'NOTE' : !channelCanSend ? 'NOTE' : mode;
  const [content, setContent] = useState('');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [subject, setSubject] = useState<string | null>(initialSubject);
  const [missing, setMissing] = useState<readonly string[]>([]);
  const [caret, setCaret] = useState(0);
  const messageRef = useRef<HTMLTextAreaElement>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<UserErrorView[]>([]);
  const [post, { loading }] = usePostMessage();
  const [renderTemplate, { loading: rendering }] = useLazyQuery(RenderTemplateQuery, { fetchPolicy: 'network-only' });

  const isNote = kind === 'NOTE';
  const showSubject = isEmail && !isNote;
  const subjectMissing = showSubject && !subject?.trim();
  // Placeholders of a template left for the agent ({{customer.pec}}): Send waits until none is left.
  const unresolved = templateId ? unresolvedPlaceholders(content, showSubject ? subject : null) : [];
  const canSend = content.trim().length > 0 && !loading && !subjectMissing && unresolved.length === 0;

  const reset = () => {
    setContent('');
    setTemplateId(null);
    setSubject(initialSubject);
    setMissing([]);
  };

  const send = async () => {
    if (!canSend) return;
    setErrors([]);
    // Optimistic: the message shows as pending in the timeline at once; a failed send brings the draft back.
    const draft = { content, subject, templateId, missing };
    const restore = () => {
      setContent((now) => (now.trim() ? now : draft.content));
      setSubject(draft.subject);
      setTemplateId(draft.templateId);
      setMissing(draft.missing);
    };
    reset();
    try {
      const { data } = await post(
        {
          threadId: t.id,
          kind,
          content: content.trim(),
          ...(subject?.trim() && !isNote ? { subject: subject.trim() } : {}),
          ...(templateId && !isNote ? { templateId } : {}),
          ...(replyVia && !isNote ? { replyToMessageId: replyVia.latestMessageId } : {}),
        },
        replyVia && !isNote ? { id: replyVia.channelId, type: replyVia.type } : t.channel ? { id: t.channel.id, type: t.channel.type } : null,
      );
      const payloadErrors = toUserErrors(data?.postMessage?.errors);
      if (payloadErrors.length > 0) {
        restore();
        setErrors(payloadErrors);
      }
    } catch (e) {
      restore();
      const { code, message } = describeError(e);
      setErrors([{ code, message }]);
    }
  };

  /** Renders the chosen template variant for this thread and puts it where "/query" was typed. */
  const pickTemplate = async (id: string, token: SlashToken) => {
    setErrors([]);
    try {
      const { data, error } = await renderTemplate({ variables: { templateId: id, threadId: t.id } });
      const rendered = data?.renderTemplate;
      if (error || !rendered) {
        setErrors([{ code: 'TEMPLATE', message: error?.message ?? i18n.t('composer.renderFailed') }]);
        return;
      }
      const body = rendered.body ?? '';
      const next = content.slice(0, token.start) + body + content.slice(token.end);
      setTemplateId(id);
      setContent(next);
      if (rendered.subject) setSubject(rendered.subject);
      setMissing(rendered.missing ?? []);
      const at = token.start + body.length;
      setCaret(at);
      requestAnimationFrame(() => {
        messageRef.current?.focus();
        messageRef.current?.setSelectionRange(at, at);
      });
    } catch (e) {
      setErrors([{ code: 'TEMPLATE', message: (e as Error).message }]);
    }
  };

  const picker = useTemplatePicker({
    threadId: t.id,
    enabled: channelCanSend && mode !== 'CALL' && !rendering,
    text: content,
    caret,
    onPick: (id, token) => void pickTemplate(id, token),
  });

  /** The "Templates" button: types "/" at the caret (after a space when needed), which opens the picker. */
  const openTemplates = () => {
    const at = Math.min(caret, content.length);
    const slash = at > 0 && !/\s/.test(content[at - 1]!) ? ' /' : '/';
    setContent(content.slice(0, at) + slash + content.slice(at));
    const next = at + slash.length;
    setCaret(next);
    requestAnimationFrame(() => {
      messageRef.current?.focus();
      messageRef.current?.setSelectionRange(next, next);
    });
  };

  const focusMessage = (at?: number) => {
    requestAnimationFrame(() => {
      const el = messageRef.current;
      if (!el) return;
      el.focus();
      const pos = at ?? el.value.length;
      el.setSelectionRange(pos, pos);
    });
  };

  useImperativeHandle(props.controller, () => ({
    focus(next) {
      if (next === 'REPLY' && channelCanSend) setMode('REPLY');
      else if (next === 'NOTE') setMode('NOTE');
      else if (mode === 'CALL') setMode(channelCanSend ? 'REPLY' : 'NOTE');
      focusMessage();
    },
    openTemplates() {
      if (!channelCanSend) return focusMessage();
      if (mode !== 'REPLY') setMode('REPLY');
      // The textarea exists in Reply mode only after the re-render: type the "/" on the next frame.
      requestAnimationFrame(() => openTemplates());
    },
    isEmpty: () => content.trim() === '',
  }));

  /** Selects a placeholder in the message (else in the subject) so the agent types its value over it. */
  const selectPlaceholder = (path: string) => {
    const pattern = new RegExp(`\\{\\{\\{?\\s*${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\}?\\}\\}`);
    for (const el of [messageRef.current, showSubject ? subjectRef.current : null]) {
      const m = el ? pattern.exec(el.value) : null;
      if (!el || !m) continue;
      el.focus();
      el.setSelectionRange(m.index, m.index + m[0].length);
      return;
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (picker.onKeyDown(e)) return;
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
            title={ERROR_TITLE[err.code] ?? i18n.t('composer.sendFailed')}
            withCloseButton
            onClose={() => setErrors((all) => all.filter((x) => x !== err))}
            data-testid="composer-error"
            data-error-code={err.code}
          >
            {err.message}
            {err.code === 'WHATSAPP_WINDOW_CLOSED' && (
              <Text size="xs" mt={4}>
                {i18n.t('errors.WHATSAPP_WINDOW_CLOSED')}
              </Text>
            )}
            {isRetryableError(err.code) && (
              <Button
                size="compact-xs"
                variant="light"
                color="red"
                mt={6}
                leftSection={<IconRefresh size={12} />}
                onClick={() => void send()}
                disabled={!canSend}
                data-testid="composer-retry"
              >
                {i18n.t('thread.message.retry')}
              </Button>
            )}
          </Alert>
        ))}
        {unresolved.length > 0 && (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="template-missing-variables" title={i18n.t('composer.fillTemplate')}>
            <Group gap={6}>
              {unresolved.map((path) => (
                <Badge
                  key={path}
                  component="button"
                  type="button"
                  color={missing.includes(path) ? 'orange' : 'yellow'}
                  variant="light"
                  style={{ cursor: 'pointer', textTransform: 'none' }}
                  onClick={() => selectPlaceholder(path)}
                  data-testid="template-missing-variable"
                >
                  {i18n.t('composer.missingVariable', { path })}
                </Badge>
              ))}
            </Group>
            <Text size="xs" mt={4}>
              {i18n.t('composer.fillTemplateHint', { placeholder: '{{…}}' })}
            </Text>
          </Alert>
        )}
        <Group justify="space-between" gap="xs">
          {channelCanSend ? (
            <SegmentedControl
              size="xs"
              value={mode}
              onChange={(v) => setMode(v as ComposerMode)}
              aria-label={i18n.t('composer.modeLabel')}
              data={[
                { value: 'REPLY', label: i18n.t('composer.reply') },
                { value: 'NOTE', label: i18n.t('composer.note') },
              ]}
            />
          ) : isPhone ? (
            <SegmentedControl
              size="xs"
              value={mode}
              onChange={(v) => setMode(v as ComposerMode)}
              aria-label={i18n.t('composer.modeLabelNoSend')}
              data={[
                { value: 'NOTE', label: i18n.t('composer.note') },
                { value: 'CALL', label: i18n.t('composer.logCall') },
              ]}
            />
          ) : (
            <Group gap={4} c="dimmed" data-testid="composer-notes-only">
              <IconLock size={14} />
              <Text size="xs">{i18n.t('composer.notesOnly')}</Text>
            </Group>
          )}
          {replyVia && !isNote && mode !== 'CALL' && (
            <Group gap={6} wrap="nowrap">
              <Text size="xs" c="dimmed" id="composer-reply-via-label">
                {i18n.t('composer.replyVia')}
              </Text>
              <SegmentedControl
                size="xs"
                value={replyVia.channelId}
                onChange={(id) => {
                  setReplyChannelId(id);
                  // Switching to e-mail needs a subject line: prefill "Re: <subject>" when none was typed.
                  if (replyOptions.find((o) => o.channelId === id)?.type === 'EMAIL_OUTLOOK' && !subject?.trim()) setSubject(replySubject(t.subject));
                }}
                aria-labelledby="composer-reply-via-label"
                data-testid="composer-reply-via"
                data={replyOptions.map((o) => ({ value: o.channelId, label: channelLabel(o.type) }))}
              />
            </Group>
          )}
          {channelCanSend && mode !== 'CALL' && (
            <Button size="xs" variant="default" leftSection={<IconTemplate size={14} />} onClick={openTemplates} disabled={rendering} aria-keyshortcuts="/">
              {i18n.t('composer.templates')}
            </Button>
          )}
        </Group>
        {mode === 'CALL' ? (
          <LogCallForm threadId={t.id} />
        ) : (
          <>
            {showSubject && (
              <TextInput
                ref={subjectRef}
                label={i18n.t('composer.subject')}
                size="xs"
                withAsterisk
                placeholder={i18n.t('composer.subjectPlaceholder')}
                value={subject ?? ''}
                onChange={(e) => setSubject(e.currentTarget.value)}
                data-testid="composer-subject"
              />
            )}
            <TemplatePicker picker={picker}>
              <Textarea
                ref={messageRef}
                label={i18n.t('composer.message')}
                labelProps={{ style: { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' } }}
                placeholder={isNote ? i18n.t('composer.notePlaceholder') : channelCanSend ? i18n.t('composer.replyPlaceholderTemplates') : i18n.t('composer.replyPlaceholder')}
                autosize
                minRows={3}
                maxRows={12}
                value={content}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setContent(value);
                  setCaret(e.currentTarget.selectionStart ?? value.length);
                  // An emptied draft is no longer the template's text.
                  if (!value.trim() && templateId) {
                    setTemplateId(null);
                    setMissing([]);
                  }
                }}
                onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
                onKeyDown={onKeyDown}
                data-composer-input
                aria-keyshortcuts="r n"
              />
            </TemplatePicker>
            <Group justify="space-between">
              <Group gap="md">
                <Text size="xs" c="dimmed">
                  {isNote ? i18n.t('composer.noteHint') : i18n.t('composer.sendHint')}
                </Text>
                {isSms && !isNote && <SmsCounter text={content} />}
              </Group>
              <Button
                size="xs"
                onClick={() => void send()}
                disabled={!canSend}
                loading={loading}
                color={isNote ? 'yellow' : undefined}
                leftSection={isNote ? <IconNote size={14} /> : <IconSend size={14} />}
              >
                {i18n.t('composer.send')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
