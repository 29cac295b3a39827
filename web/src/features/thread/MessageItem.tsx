import { memo, useState } from 'react';
import { Anchor, Badge, Box, Button, Group, Image, Modal, Paper, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconFile, IconMapPin, IconMusic, IconNote, IconPhoneCall, IconPhoto, IconRefresh, IconUser, IconVideo, type TablerIcon } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { MessageItem_MessageFragment } from '../../gql/graphql';
import { formatDateTime, messageTime } from '../../shared/time';
import { DeliveryTicks } from './DeliveryTicks';
import { HtmlEmailBody } from './HtmlEmailBody';
import { useRetryMessage } from './useRetryMessage';
import { toUserErrors } from '../../shared/userErrors';
import { describeError } from '../../shared/errorMessages';
import { isPendingMessageId } from '../composer/usePostMessage';
import { attachmentPreview } from '../../shared/messagePreview';
import classes from './MessageItem.module.css';
import { currentLanguage, i18n } from '../../i18n';
import { ChannelIcon, channelLabel } from '../../shared/ChannelIcon';

export const MessageItem_message = graphql(`
  fragment MessageItem_message on Message {
    id
    type
    content
    contentHtml
    subject
    createdAt
    deliveryStatus
    readAt
    canRetry
    channel {
      id
      type
    }
    deliveries {
      attempt
      status
      httpStatus
      errorCode
      error
      finishedAt
    }
    sender {
      kind
      name
    }
    attachments {
      kind
      mimeType
      url
      fileName
      caption
      latitude
      longitude
      name
      address
    }
  }
`);

type AttachmentView = NonNullable<MessageItem_MessageFragment['attachments']>[number];

/** OpenStreetMap link centred on a shared location. */
export function osmUrl(latitude: number, longitude: number): string {
  return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`;
}

const FILE_ICON: Record<string, TablerIcon> = {
  image: IconPhoto,
  sticker: IconPhoto,
  video: IconVideo,
  audio: IconMusic,
  contacts: IconUser,
};

function FileChip({ a, kind, note }: { a: AttachmentView; kind: string; note?: string }) {
  const Icon = FILE_ICON[kind] ?? IconFile;
  const label = a.fileName ?? a.name ?? attachmentPreview({ kind }).replace(/^\S+\s/, '');
  return (
    <Group gap={6} wrap="nowrap" className={classes.attachment} data-testid="attachment-file" data-attachment-kind={kind}>
      <Icon size={16} style={{ flexShrink: 0 }} />
      {a.url ? (
        <Anchor href={a.url} target="_blank" rel="noreferrer" size="sm" truncate>
          {label}
        </Anchor>
      ) : (
        <Text size="sm" truncate>
          {label}
        </Text>
      )}
      {(note ?? a.mimeType) && (
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {note ?? a.mimeType}
        </Text>
      )}
    </Group>
  );
}

function ImageAttachment({ a, url, showCaption }: { a: AttachmentView; url: string; showCaption: boolean }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [failed, setFailed] = useState(false);
  // Provider media links are signed and expire: when the thumbnail cannot load, fall back to a chip.
  if (failed) return <FileChip a={a} kind="image" note={i18n.t('thread.message.previewUnavailable')} />;
  const alt = a.caption ?? a.fileName ?? i18n.t('thread.message.imageAttachment');
  return (
    <Stack gap={2} data-testid="attachment-image">
      <UnstyledButton onClick={open} aria-label={i18n.t('thread.message.openFull', { name: a.fileName ?? i18n.t('thread.message.imageWord') })} className={classes.thumbnail}>
        <Image src={url} alt={alt} radius="sm" maw={260} mah={260} fit="contain" onError={() => setFailed(true)} />
      </UnstyledButton>
      {showCaption && a.caption && <Text size="xs">{a.caption}</Text>}
      <Modal opened={opened} onClose={close} size="auto" centered title={a.fileName ?? a.caption ?? i18n.t('thread.message.image')}>
        <Stack gap="xs" align="center">
          <Image src={url} alt={alt} fit="contain" mah="75vh" maw="90vw" w="auto" data-testid="attachment-image-full" />
          <Anchor href={url} target="_blank" rel="noreferrer" size="sm">
            {i18n.t('thread.message.openOriginal')}
          </Anchor>
        </Stack>
      </Modal>
    </Stack>
  );
}

function AttachmentPreview({ a, content }: { a: AttachmentView; content: string | null }) {
  const kind = (a.kind ?? 'file').toLowerCase();
  if (kind === 'location' || (a.latitude != null && a.longitude != null)) {
    const label = a.name ?? i18n.t('thread.message.sharedLocation');
    return (
      <Group gap={6} wrap="nowrap" className={classes.attachment} data-testid="attachment-location">
        <IconMapPin size={16} />
        <Stack gap={0}>
          {a.latitude != null && a.longitude != null ? (
            <Anchor href={osmUrl(a.latitude, a.longitude)} target="_blank" rel="noreferrer" size="sm">
              {label}
            </Anchor>
          ) : (
            <Text size="sm">{label}</Text>
          )}
          {a.address && (
            <Text size="xs" c="dimmed">
              {a.address}
            </Text>
          )}
        </Stack>
      </Group>
    );
  }
  const isImage = kind === 'image' || kind === 'sticker' || !!a.mimeType?.startsWith('image/');
  // The message text is often the caption itself (WhatsApp): do not show it twice.
  if (isImage && a.url) return <ImageAttachment a={a} url={a.url} showCaption={a.caption?.trim() !== content?.trim()} />;
  return <FileChip a={a} kind={kind} />;
}

type DeliveryView = MessageItem_MessageFragment['deliveries'][number];

/** The reason a reply failed: its last delivery attempt's error, else a generic text. */
export function failureReason(deliveries: readonly DeliveryView[] | null | undefined): string {
  const last = deliveries && deliveries.length > 0 ? deliveries[deliveries.length - 1] : null;
  if (!last) return i18n.t('thread.message.notAccepted');
  const detail = [last.errorCode, last.httpStatus != null ? `HTTP ${last.httpStatus}` : null].filter(Boolean).join(', ');
  const text = last.error ?? i18n.t('thread.message.notAccepted');
  return detail ? `${text} (${detail})` : text;
}

/** A failed reply: why, and (when `canRetry`) a Retry button calling `retryMessage`. */
function FailedDelivery({ messageId, canRetry, deliveries }: { messageId: string; canRetry: boolean; deliveries: readonly DeliveryView[] }) {
  const [retry, { loading }] = useRetryMessage();
  const [retryError, setRetryError] = useState<string | null>(null);
  const onRetry = async () => {
    setRetryError(null);
    try {
      const { data } = await retry(messageId);
      const errors = toUserErrors(data?.retryMessage?.errors);
      if (errors.length > 0) setRetryError(errors.map((e) => e.message).join(' '));
    } catch (e) {
      setRetryError(describeError(e).message);
    }
  };
  return (
    <Group gap={6} mt={6} wrap="nowrap" align="flex-start" className={classes.failure} role="alert" data-testid="message-failure">
      <IconAlertTriangle size={14} color="var(--mantine-color-red-6)" style={{ flexShrink: 0, marginTop: 2 }} />
      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
        <Text size="xs" c="red.8" data-testid="message-failure-reason">
          {i18n.t('thread.message.notDelivered', { reason: failureReason(deliveries) })}
        </Text>
        {retryError && (
          <Text size="xs" c="red.8" data-testid="message-retry-error">
            {retryError}
          </Text>
        )}
      </Stack>
      {canRetry && (
        <Button size="compact-xs" variant="light" color="red" leftSection={<IconRefresh size={12} />} loading={loading} onClick={() => void onRetry()}>
          {i18n.t('thread.message.retry')}
        </Button>
      )}
    </Group>
  );
}

function MessageItemImpl(props: {
  message: FragmentType<typeof MessageItem_message>;
  /** BCP 47 language of the conversation (the customer's); set on customer and reply bodies as `lang` when it is not the UI language, so screen readers pronounce them right. */
  lang?: string | null;
  /** Show the channel of customer messages and replies ("via WhatsApp"): set when the thread's messages span several channels (a merged thread). */
  showChannel?: boolean;
}) {
  const m = getFragmentData(MessageItem_message, props.message);
  const createdAt = m.createdAt ?? new Date(0).toISOString();
  const attachments = m.attachments ?? [];
  const time = (
    <Tooltip label={formatDateTime(createdAt, { withZone: true })} withArrow openDelay={400}>
      <Text size="xs" c="dimmed" component="time" dateTime={createdAt}>
        {messageTime(createdAt)}
      </Text>
    </Tooltip>
  );

  if (m.type === 'SYSTEM_NOTIFICATION' || m.type === 'AUTO_RESPONSE') {
    return (
      <Box className={classes.system} data-testid="message" data-message-type={m.type} data-message-id={m.id}>
        <Text size="xs" c="dimmed" ta="center">
          {m.type === 'AUTO_RESPONSE' && (
            <Badge size="xs" variant="outline" color="gray" mr={6}>
              {i18n.t('thread.message.autoResponse')}
            </Badge>
          )}
          {m.content} · {messageTime(createdAt)}
        </Text>
      </Box>
    );
  }

  const outgoing = m.type === 'OUTGOING';
  const note = m.type === 'INTERNAL_NOTE';
  const callLog = m.type === 'CALL_LOG';
  const failed = outgoing && (m.deliveryStatus === 'FAILED' || m.canRetry === true);
  // Sent from this browser and not confirmed yet (optimistic, see usePostMessage.ts).
  const pending = isPendingMessageId(m.id);
  // Customer messages and replies to them are in the conversation's language; notes and call logs in the team's.
  const bodyLang = (m.type === 'INCOMING' || outgoing) && props.lang && props.lang !== currentLanguage() ? props.lang : undefined;
  return (
    <Box
      className={classes.row}
      data-side={outgoing || note || callLog ? 'right' : 'left'}
      data-testid="message"
      data-message-type={m.type}
      data-message-id={m.id}
      data-pending={pending || undefined}
      aria-busy={pending || undefined}
    >
      <Paper
        className={classes.bubble}
        data-kind={note ? 'note' : callLog ? 'call' : outgoing ? 'outgoing' : 'incoming'}
        data-failed={failed || undefined}
        style={pending ? { opacity: 0.7 } : undefined}
        p="sm"
        radius="md"
        withBorder
      >
        <Group justify="space-between" gap="md" mb={4} wrap="nowrap">
          <Text size="xs" fw={600}>
            {m.sender?.name ?? (outgoing || note || callLog ? i18n.t('thread.message.agent') : i18n.t('thread.message.customer'))}
          </Text>
          {props.showChannel && (m.type === 'INCOMING' || outgoing) && m.channel && (
            <Tooltip label={i18n.t('thread.message.via', { channel: channelLabel(m.channel.type) })} withArrow openDelay={300}>
              <span
                role="img"
                aria-label={i18n.t('thread.message.via', { channel: channelLabel(m.channel.type) })}
                data-testid="message-channel"
                data-channel-type={m.channel.type}
                style={{ display: 'inline-flex', marginLeft: 'auto' }}
              >
                <ChannelIcon type={m.channel.type} size={14} />
              </span>
            </Tooltip>
          )}
          {callLog && (
            <Badge size="xs" color="orange" variant="light" leftSection={<IconPhoneCall size={10} />}>
              {i18n.t('thread.message.callLog')}
            </Badge>
          )}
          {note && (
            <Badge size="xs" color="yellow" variant="filled" leftSection={<IconNote size={10} />}>
              {i18n.t('thread.message.internalNote')}
            </Badge>
          )}
        </Group>
        {m.subject && (
          <Text size="sm" fw={600} mb={4}>
            {m.subject}
          </Text>
        )}
        {m.contentHtml ? (
          <div lang={bodyLang}>
            <HtmlEmailBody html={m.contentHtml} />
          </div>
        ) : (
          <Text size="sm" className={classes.content} lang={bodyLang}>
            {m.content}
          </Text>
        )}
        {attachments.length > 0 && (
          <Stack gap={6} mt="xs">
            {attachments.map((a, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a message's attachments never change order; the index is their identity (media URLs are signed per request)
              <AttachmentPreview key={i} a={a} content={m.content} />
            ))}
          </Stack>
        )}
        <Group gap={4} justify="flex-end" mt={4}>
          {pending ? (
            <Text size="xs" c="dimmed" fs="italic" data-testid="message-pending">
              {i18n.t('thread.message.sending')}
            </Text>
          ) : (
            time
          )}
          {outgoing && m.deliveryStatus && <DeliveryTicks status={m.deliveryStatus} />}
        </Group>
        {failed && <FailedDelivery messageId={m.id} canRetry={m.canRetry === true} deliveries={m.deliveries ?? []} />}
      </Paper>
    </Box>
  );
}

export const MessageItem = memo(MessageItemImpl);
