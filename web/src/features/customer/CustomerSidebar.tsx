import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { Alert, Anchor, Badge, Center, Divider, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconBrandWhatsapp, IconId, IconMail, IconPhone, IconUser } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../../gql';
import type { ChannelType, IdentityKind } from '../../gql/graphql';
import { ChannelIcon, STATUS_COLOR, STATUS_LABEL } from '../../shared/labels';
import { describeError } from '../../shared/errorMessages';
import { formatDate } from '../../shared/time';
import { TaskItem } from '../tasks/TaskItem';
import { CustomerAttributes } from './CustomerAttributes';

/** The customer panel beside a thread: who, identities, Italian fields, attributes, other conversations, open tasks. */
export const CustomerSidebarQuery = graphql(`
  query CustomerSidebar($id: ID!) {
    node(id: $id) {
      id
      ... on Customer {
        name
        email
        phone
        companyName
        tier
        codiceFiscale
        partitaIva
        pec
        sdi
        customAttributes
        identities {
          kind
          value
          optedOut
          channel {
            id
            type
            name
          }
        }
        threads(first: 10) {
          totalCount
          edges {
            node {
              id
              subject
              status
              lastMessageAt
              channel {
                id
                type
                name
              }
            }
          }
        }
        openTasks {
          id
          ...TaskItem_task
          thread {
            id
            subject
          }
        }
      }
    }
  }
`);

/** The channel type whose icon marks an identity without a channel of its own (e-mail, phone, WhatsApp). */
const KIND_CHANNEL: Partial<Record<IdentityKind, ChannelType>> = {
  EMAIL: 'EMAIL_OUTLOOK',
  PHONE: 'SMS',
  WHATSAPP_ID: 'WHATSAPP_BUSINESS',
  WHATSAPP_BSUID: 'WHATSAPP_BUSINESS',
  CHATWOOT_CONTACT: 'CHATWOOT',
  PARTNER: 'API',
};

function Field({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <Group gap={6} wrap="nowrap" align="baseline" justify="space-between">
      <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text size="sm" ta="right" style={{ wordBreak: 'break-word', minWidth: 0 }} data-testid={testId}>
        {value}
      </Text>
    </Group>
  );
}

/**
 * The thread's right-hand panel (an aside on wide screens, a drawer ≤ 1100 px): tabs Customer
 * (name, tier, identities per channel, contact, Italian invoicing fields, custom attributes edited
 * key by key), Conversations (the customer's 10 most recent threads on every channel) and Tasks
 * (`threadTasks`, then the customer's open tasks in other conversations).
 */
export function CustomerSidebar({ customerId, threadId, threadTasks }: { customerId: string | null; threadId: string; threadTasks: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  const { data, error, loading } = useQuery(CustomerSidebarQuery, {
    variables: { id: customerId ?? '' },
    skip: !customerId,
    fetchPolicy: 'cache-and-network',
  });
  const customer = data?.node?.__typename === 'Customer' ? data.node : null;
  const previous = customer?.threads.edges.map((e) => e.node) ?? [];
  const otherTasks = customer?.openTasks.filter((task) => task.thread?.id !== threadId) ?? [];

  const customerPanel = () => {
    if (!customerId)
      return (
        <Text size="sm" c="dimmed">
          {t('sidebar.noCustomer')}
        </Text>
      );
    if (error && !customer)
      return (
        <Alert color="red" variant="light" title={t('sidebar.loadError')}>
          {t(`errors.${describeError(error).code}`)}
        </Alert>
      );
    if (!customer)
      return (
        <Center py="md">
          <Loader size="sm" role="status" aria-label={t('common.loading')} />
        </Center>
      );
    const italian = (['codiceFiscale', 'partitaIva', 'pec', 'sdi'] as const).filter((f) => customer[f]);
    return (
      <Stack gap="sm" data-testid="customer-panel">
        <Group gap={6} wrap="nowrap">
          <IconUser size={16} />
          <Text fw={600} data-testid="sidebar-customer-name" style={{ wordBreak: 'break-word' }}>
            {customer.name}
          </Text>
          <Badge size="xs" variant="light" color="violet">
            {t(`tier.${customer.tier}`)}
          </Badge>
        </Group>
        {customer.companyName && (
          <Text size="sm" c="dimmed">
            {customer.companyName}
          </Text>
        )}
        <section aria-labelledby="sidebar-contact">
          <Title order={3} size="h6" id="sidebar-contact" mb={4}>
            {t('sidebar.contact')}
          </Title>
          <Stack gap={4}>
            {customer.email && (
              <Group gap={6} wrap="nowrap">
                <IconMail size={14} aria-label={t('customer.fields.email')} role="img" />
                <Anchor size="sm" href={`mailto:${customer.email}`} style={{ wordBreak: 'break-all' }}>
                  {customer.email}
                </Anchor>
              </Group>
            )}
            {customer.phone && (
              <Group gap={6} wrap="nowrap">
                <IconPhone size={14} aria-label={t('customer.fields.phone')} role="img" />
                <Anchor size="sm" href={`tel:${customer.phone}`}>
                  {customer.phone}
                </Anchor>
              </Group>
            )}
          </Stack>
        </section>
        <section aria-labelledby="sidebar-identities">
          <Title order={3} size="h6" id="sidebar-identities" mb={4}>
            {t('sidebar.identities')}
          </Title>
          {customer.identities.length === 0 ? (
            <Text size="xs" c="dimmed">
              {t('sidebar.noIdentities')}
            </Text>
          ) : (
            <Stack gap={4} data-testid="customer-identities">
              {customer.identities.map((id) => {
                const type = id.channel?.type ?? KIND_CHANNEL[id.kind];
                return (
                  <Group key={`${id.kind}:${id.value}:${id.channel?.id ?? ''}`} gap={6} wrap="nowrap" data-identity-kind={id.kind}>
                    {type ? <ChannelIcon type={type} size={14} withTooltip /> : id.kind.startsWith('WHATSAPP') ? <IconBrandWhatsapp size={14} /> : <IconId size={14} />}
                    <Stack gap={0} style={{ minWidth: 0 }}>
                      <Text size="sm" style={{ wordBreak: 'break-all' }}>
                        {id.value}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t(`sidebar.identityKind.${id.kind}`)}
                        {id.channel ? ` · ${id.channel.name}` : ''}
                        {id.optedOut ? ` · ${t('sidebar.optedOut')}` : ''}
                      </Text>
                    </Stack>
                  </Group>
                );
              })}
            </Stack>
          )}
        </section>
        {italian.length > 0 && (
          <section aria-labelledby="sidebar-italian">
            <Title order={3} size="h6" id="sidebar-italian" mb={4}>
              {t('sidebar.italian')}
            </Title>
            <Stack gap={2}>
              {italian.map((f) => (
                <Field key={f} label={t(`customer.fields.${f}`)} value={customer[f]} testId={`sidebar-${f}`} />
              ))}
            </Stack>
          </section>
        )}
        <section aria-labelledby="sidebar-attributes">
          <Title order={3} size="h6" id="sidebar-attributes" mb={4}>
            {t('sidebar.attributes')}
          </Title>
          <CustomerAttributes customerId={customer.id} attributes={(customer.customAttributes ?? {}) as Record<string, unknown>} />
        </section>
      </Stack>
    );
  };

  return (
    <Tabs defaultValue="customer" keepMounted={false} data-testid="customer-sidebar">
      <Tabs.List grow>
        <Tabs.Tab value="customer">{t('sidebar.tabs.customer')}</Tabs.Tab>
        <Tabs.Tab
          value="conversations"
          rightSection={
            customer && customer.threads.totalCount > 1 ? (
              <Badge size="xs" variant="light" circle>
                {customer.threads.totalCount}
              </Badge>
            ) : null
          }
        >
          {t('sidebar.tabs.conversations')}
        </Tabs.Tab>
        <Tabs.Tab value="tasks">{t('sidebar.tabs.tasks')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="customer" p="md">
        {customerPanel()}
      </Tabs.Panel>
      <Tabs.Panel value="conversations" p="md">
        <Stack gap="xs" data-testid="previous-conversations">
          <Title order={3} size="h6">
            {t('sidebar.previous')}
          </Title>
          {loading && !customer && <Loader size="xs" />}
          {customer && previous.length <= 1 && previous.every((p) => p.id === threadId) && (
            <Text size="xs" c="dimmed">
              {t('sidebar.noPrevious')}
            </Text>
          )}
          {previous.map((p) => (
            <Group key={p.id} gap={6} wrap="nowrap" align="flex-start" data-testid="previous-conversation" data-thread-id={p.id}>
              <ChannelIcon type={p.channel.type} size={14} withTooltip />
              <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
                {p.id === threadId ? (
                  <Text size="sm" fw={500} lineClamp={2} aria-current="page">
                    {p.subject}{' '}
                    <Text span size="xs" c="dimmed">
                      ({t('sidebar.current')})
                    </Text>
                  </Text>
                ) : (
                  <Anchor component={Link} to={{ pathname: `/threads/${encodeURIComponent(p.id)}`, search: location.search }} size="sm" lineClamp={2}>
                    {p.subject}
                  </Anchor>
                )}
                <Group gap={6}>
                  <Badge size="xs" variant="light" color={STATUS_COLOR[p.status]}>
                    {STATUS_LABEL[p.status]}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {formatDate(p.lastMessageAt)}
                  </Text>
                </Group>
              </Stack>
            </Group>
          ))}
        </Stack>
      </Tabs.Panel>
      <Tabs.Panel value="tasks" p="md">
        <Stack gap="md">
          {threadTasks}
          {customerId && (
            <>
              <Divider />
              <Stack gap="xs" data-testid="customer-open-tasks">
                <Title order={3} size="h6">
                  {t('sidebar.openTasks')}
                </Title>
                {customer && otherTasks.length === 0 && (
                  <Text size="xs" c="dimmed">
                    {t('sidebar.noOpenTasks')}
                  </Text>
                )}
                {otherTasks.map((task) => (
                  <Stack key={task.id} gap={0}>
                    <TaskItem task={task} />
                    {task.thread && (
                      <Anchor component={Link} to={{ pathname: `/threads/${encodeURIComponent(task.thread.id)}`, search: location.search }} size="xs" c="dimmed" ml={28}>
                        {t('sidebar.inThread', { subject: task.thread.subject })}
                      </Anchor>
                    )}
                  </Stack>
                ))}
              </Stack>
            </>
          )}
        </Stack>
      </Tabs.Panel>
    </Tabs>
  );
}
