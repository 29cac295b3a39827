import { Select } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconTemplate } from '@tabler/icons-react';
import { graphql } from '../../gql';
import type { ChannelType } from '../../gql/graphql';

export const ComposerTemplatesQuery = graphql(`
  query ComposerTemplates($channelType: ChannelType) {
    templates(first: 100, channelType: $channelType) {
      edges {
        node {
          id
          name
          category
          isActive
        }
      }
    }
  }
`);

interface Props {
  channelType: ChannelType | null;
  value: string | null;
  onPick: (templateId: string | null) => void;
  disabled?: boolean;
}

export function TemplatePicker({ channelType, value, onPick, disabled }: Props) {
  const { data, loading } = useQuery(ComposerTemplatesQuery, { variables: { channelType } });
  const options =
    data?.templates.edges
      .filter((e) => e.node.isActive !== false)
      .map((e) => ({ value: e.node.id, label: e.node.name ?? e.node.id })) ?? [];
  return (
    <Select
      aria-label="Template"
      placeholder={loading ? 'Loading templates…' : options.length ? 'Insert template…' : 'No templates'}
      size="xs"
      w={220}
      leftSection={<IconTemplate size={14} />}
      data={options}
      value={value}
      onChange={onPick}
      searchable
      clearable
      disabled={disabled || options.length === 0}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
