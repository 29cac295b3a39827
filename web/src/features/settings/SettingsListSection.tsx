import type { ReactNode } from 'react';
import { ActionIcon, Alert, Badge, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';

/**
 * The frame of a settings tab that lists things: a dimmed `description` (with a "New …" button
 * when `newLabel` is given), an error alert when loading failed before anything arrived, a
 * loader while nothing has arrived, then `empty` (once `loaded`, when it is set) or `children`.
 */
export function SettingsListSection(props: {
  description: ReactNode;
  newLabel?: string;
  onNew?: () => void;
  newDisabled?: boolean;
  /** Data has arrived (loading or errors after that keep showing it). */
  loaded: boolean;
  loading: boolean;
  error?: { message: string } | null;
  errorTitle: string;
  /** Said instead of `children` once loaded, e.g. `items.length === 0 && 'No … yet.'`; falsy: show `children`. */
  empty?: ReactNode;
  children: ReactNode;
}) {
  const description = (
    <Text size="sm" c="dimmed">
      {props.description}
    </Text>
  );
  return (
    <Stack gap="sm">
      {props.newLabel ? (
        <Group justify="space-between">
          {description}
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={props.onNew} disabled={props.newDisabled}>
            {props.newLabel}
          </Button>
        </Group>
      ) : (
        description
      )}
      {props.error && !props.loaded && (
        <Alert color="red" title={props.errorTitle}>
          {props.error.message}
        </Alert>
      )}
      {props.loading && !props.loaded ? (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      ) : props.empty && props.loaded ? (
        <Text c="dimmed" size="sm">
          {props.empty}
        </Text>
      ) : (
        props.children
      )}
    </Stack>
  );
}

/** The Edit (pencil) and Delete (red trash) icons at the end of a settings table row. */
export function EditDeleteActions(props: { name: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <Group gap={0} wrap="nowrap">
      <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${props.name}`} onClick={props.onEdit}>
        <IconPencil size={14} />
      </ActionIcon>
      <ActionIcon variant="subtle" color="red" aria-label={`Delete ${props.name}`} onClick={props.onDelete}>
        <IconTrash size={14} />
      </ActionIcon>
    </Group>
  );
}

/** Short tags (skills, scopes) as small light badges in a table cell. */
export function TagBadges({ tags }: { tags: readonly string[] }) {
  return (
    <Group gap={4}>
      {tags.map((s) => (
        <Badge key={s} size="xs" variant="light">
          {s}
        </Badge>
      ))}
    </Group>
  );
}
