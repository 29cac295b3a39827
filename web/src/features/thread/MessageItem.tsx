import { memo } from 'react';
import { Anchor, Badge, Box, Group, Image, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconFile, IconMapPin, IconNote } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { MessageItem_MessageFragment } from '../../gql/graphql';
import { messageTime } from '../../shared/time';
import { DeliveryTicks } from './DeliveryTicks';
import classes from './MessageItem.module.css';

export const MessageItem_message = graphql(`
  fragment MessageItem_message on Message {
    id
    type
    content
    subject
    createdAt
    deliveryStatus
    readAt
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

function AttachmentPreview({ a }: { a: AttachmentView }) {
  const kind = (a.kind ?? 'file').toLowerCase();
  if (kind === 'location' || (a.latitude != null && a.longitude != null)) {
    const href = `https://www.openstreetmap.org/?mlat=${a.latitude}&mlon=${a.longitude}#map=17/${a.latitude}/${a.longitude}`;
    return (
      <Group gap={6} className={classes.attachment} data-testid="attachment-location">
        <IconMapPin size={16} />
        <Stack gap={0}>
          <Anchor href={href} target="_blank" rel="noreferrer" size="sm">
            {a.name ?? 'Shared location'}
          </Anchor>
          {a.address && (
            <Text size="xs" c="dimmed">
              {a.address}
            </Text>
          )}
        </Stack>
      </Group>
    );
  }
  const isImage = kind === 'image' || kind === 'sticker' || a.mimeType?.startsWith('image/');
  if (isImage && a.url) {
    return (
      <Stack gap={2} data-testid="attachment-image">
        <Anchor href={a.url} target="_blank" rel="noreferrer">
          <Image src={a.url} alt={a.caption ?? a.fileName ?? 'Image attachment'} radius="sm" maw={260} mah={260} fit="contain" />
        </Anchor>
        {a.caption && <Text size="xs">{a.caption}</Text>}
      </Stack>
    );
  }
  const label = a.fileName ?? a.caption ?? `${a.kind} attachment`;
  return (
    <Group gap={6} className={classes.attachment} data-testid="attachment-document">
      <IconFile size={16} />
      {a.url ? (
        <Anchor href={a.url} target="_blank" rel="noreferrer" size="sm">
          {label}
        </Anchor>
      ) : (
        <Text size="sm">{label}</Text>
      )}
      {a.mimeType && (
        <Text size="xs" c="dimmed">
          {a.mimeType}
        </Text>
      )}
    </Group>
  );
}

function MessageItemImpl(props: { message: FragmentType<typeof MessageItem_message> }) {
  const m = getFragmentData(MessageItem_message, props.message);
  const createdAt = m.createdAt ?? new Date(0).toISOString();
  const attachments = m.attachments ?? [];
  const time = (
    <Tooltip label={new Date(createdAt).toLocaleString()} withArrow openDelay={400}>
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
              auto-response
            </Badge>
          )}
          {m.content} · {messageTime(createdAt)}
        </Text>
      </Box>
    );
  }

  const outgoing = m.type === 'OUTGOING';
  const note = m.type === 'INTERNAL_NOTE';
  return (
    <Box
      className={classes.row}
      data-side={outgoing || note ? 'right' : 'left'}
      data-testid="message"
      data-message-type={m.type}
      data-message-id={m.id}
    >
      <Paper
        className={classes.bubble}
        data-kind={note ? 'note' : outgoing ? 'outgoing' : 'incoming'}
        p="sm"
        radius="md"
        withBorder
      >
        <Group justify="space-between" gap="md" mb={4} wrap="nowrap">
          <Text size="xs" fw={600}>
            {m.sender?.name ?? (outgoing || note ? 'Agent' : 'Customer')}
          </Text>
          {note && (
            <Badge size="xs" color="yellow" variant="filled" leftSection={<IconNote size={10} />}>
              internal note
            </Badge>
          )}
        </Group>
        {m.subject && (
          <Text size="sm" fw={600} mb={4}>
            {m.subject}
          </Text>
        )}
        <Text size="sm" className={classes.content}>
          {m.content}
        </Text>
        {attachments.length > 0 && (
          <Stack gap={6} mt="xs">
            {attachments.map((a, i) => (
              <AttachmentPreview key={i} a={a} />
            ))}
          </Stack>
        )}
        <Group gap={4} justify="flex-end" mt={4}>
          {time}
          {outgoing && m.deliveryStatus && <DeliveryTicks status={m.deliveryStatus} />}
        </Group>
      </Paper>
    </Box>
  );
}

export const MessageItem = memo(MessageItemImpl);
