import { useApolloClient, useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { ChannelType, PostMessageInput, PostMessageMutation as PostMessageResult } from '../../gql/graphql';
import { appendMessageToThread, bumpThreadInLists } from '../../app/cacheUpdates';
import { AppViewerQuery } from '../../app/viewer';

export const PostMessageMutation = graphql(`
  mutation PostMessage($input: PostMessageInput!) {
    postMessage(input: $input) {
      message {
        id
        createdAt
        ...MessageItem_message
      }
      thread {
        id
        ...ThreadRow_thread
        ...ReplyWindow_thread
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Prefix of the id of a message that is only in the optimistic cache layer (sent, not yet confirmed). */
export const PENDING_MESSAGE_PREFIX = 'pending:';

/** Whether `id` is an optimistic message's id, i.e. the message is still being sent. */
export function isPendingMessageId(id: string | null | undefined): boolean {
  return typeof id === 'string' && id.startsWith(PENDING_MESSAGE_PREFIX);
}

let pendingSeq = 0;

/** The channel a message goes out on, as the timeline shows it (`Message.channel`). */
export type PostChannel = { id: string; type: ChannelType };

/**
 * The optimistic answer to `postMessage(input)`: the message as it will look (OUTGOING or
 * INTERNAL_NOTE, delivery PENDING, sent by `senderName`, stamped `now`, on `channel` — null when
 * the caller does not know it) under a `pending:` id.
 * Apollo shows it at once and drops it when the server answers (or the request fails).
 */
export function optimisticPostMessage(input: PostMessageInput, senderName: string | null, now: Date = new Date(), channel: PostChannel | null = null): PostMessageResult {
  const id = `${PENDING_MESSAGE_PREFIX}${now.getTime()}-${++pendingSeq}`;
  const createdAt = now.toISOString();
  const message = {
    __typename: 'Message' as const,
    id,
    createdAt,
    type: input.kind === 'NOTE' ? ('INTERNAL_NOTE' as const) : ('OUTGOING' as const),
    content: input.content,
    contentHtml: null,
    subject: input.kind === 'NOTE' ? null : (input.subject ?? null),
    deliveryStatus: 'PENDING' as const,
    readAt: null,
    canRetry: false,
    channel: channel ? { __typename: 'Channel' as const, id: channel.id, type: channel.type } : null,
    deliveries: [],
    sender: { __typename: 'MessageSender' as const, kind: 'USER' as const, name: senderName },
    attachments: [],
  };
  return {
    postMessage: { __typename: 'PostMessagePayload', message: message as never, thread: null, errors: [] },
  };
}

/**
 * Posts a reply or internal note, optimistically: the message appears in the thread at once,
 * marked pending (`pending:` id, delivery PENDING), and is replaced by the server's message when
 * the mutation answers; on a network error or a payload error it disappears again (the composer
 * keeps the text and offers Retry). Cache update: the message entity is normalised by id; we
 * append it to the thread's cached timeline and move the thread to the top of cached inbox lists.
 * The `messageAdded` subscription echo for the same message is deduplicated by id.
 * `input.replyToMessageId` (a merged thread: the message answered, whose channel the reply goes
 * out on) is passed through as is; `channel` is only the optimistic bubble's channel.
 * The returned `post` throws what Apollo throws (network and top-level GraphQL errors).
 */
export function usePostMessage() {
  const client = useApolloClient();
  const [mutate, state] = useMutation(PostMessageMutation);
  const post = (input: PostMessageInput, channel: PostChannel | null = null) => {
    let senderName: string | null = null;
    try {
      const viewer = client.cache.readQuery({ query: AppViewerQuery })?.viewer;
      senderName = viewer?.name ?? viewer?.email ?? null;
    } catch {
      /* viewer not cached (tests): the bubble says "Agent" */
    }
    return mutate({
      variables: { input },
      optimisticResponse: optimisticPostMessage(input, senderName, new Date(), channel),
      update(cache, { data }) {
        const message = data?.postMessage?.message;
        if (!message) return;
        const ref = cache.identify(message);
        if (ref) appendMessageToThread(cache, String(input.threadId), { __ref: ref });
        bumpThreadInLists(cache, String(input.threadId));
      },
    });
  };
  return [post, state] as const;
}
