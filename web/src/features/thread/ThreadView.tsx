import { useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { Alert, Center, Loader, ScrollArea, Stack, Text } from '@mantine/core';
import { IconMessages } from '@tabler/icons-react';
import { graphql } from '../../gql';
import { ThreadHeader } from './ThreadHeader';
import { Timeline } from './Timeline';
import { ReplyWindow } from './ReplyWindow';
import { Composer } from '../composer/Composer';
import { ThreadTasks } from '../tasks/ThreadTasks';
import classes from './ThreadView.module.css';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../shared/errorMessages';

export const ThreadViewQuery = graphql(`
  query ThreadView($id: ID!) {
    node(id: $id) {
      id
      ... on Thread {
        ...ThreadHeader_thread
        ...ReplyWindow_thread
        ...Timeline_thread
        ...TimelineSlaEvents_thread
        ...Composer_thread
        ...ThreadTasks_thread
      }
    }
  }
`);

export function ThreadView() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const { data, error, loading } = useQuery(ThreadViewQuery, {
    variables: { id: id! },
    skip: !id,
    fetchPolicy: 'cache-and-network',
  });

  if (error && !data) {
    return (
      <Alert color="red" m="md" title={t('thread.loadError')}>
        {t(`errors.${describeError(error).code}`, { defaultValue: describeError(error).message })}
      </Alert>
    );
  }
  const thread = data?.node?.__typename === 'Thread' ? data.node : null;
  if (!thread) {
    if (loading || !data) {
      return (
        <Center h="100%">
          <Loader size="sm" />
        </Center>
      );
    }
    return (
      <Center h="100%">
        <Text c="dimmed">{t('thread.notFound')}</Text>
      </Center>
    );
  }

  return (
    <div className={classes.layout} data-testid="thread-view" data-thread-id={thread.id}>
      <div className={classes.main}>
        <ThreadHeader thread={thread} />
        <ReplyWindow thread={thread} />
        <Timeline thread={thread} sla={thread} />
        <Composer key={thread.id} thread={thread} />
      </div>
      <aside className={classes.side} aria-label={t('thread.tasksAside')}>
        <ScrollArea h="100%" type="auto">
          <Stack p="md">
            <ThreadTasks thread={thread} />
          </Stack>
        </ScrollArea>
      </aside>
    </div>
  );
}

export function NoThreadSelected() {
  const { t } = useTranslation();
  return (
    <Center h="100%">
      <Stack align="center" gap={4} c="dimmed">
        <IconMessages size={40} stroke={1.3} />
        <Text size="sm">{t('thread.select')}</Text>
      </Stack>
    </Center>
  );
}
