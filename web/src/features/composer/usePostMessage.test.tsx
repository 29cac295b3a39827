import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { Composer, Composer_thread } from './Composer';
import { PostMessageMutation, isPendingMessageId, optimisticPostMessage } from './usePostMessage';
import { ComposerTemplatesQuery } from './TemplatePicker';
import { MessageItem_message } from '../thread/MessageItem';
import { Timeline, Timeline_thread } from '../thread/Timeline';
import { ThreadRow_thread } from '../inbox/ThreadRow';
import { ReplyWindow_thread } from '../thread/ReplyWindow';
import { FromCache, mergeFragmentData, mockOp, renderWithProviders } from '../../test/render';
import { ERROR_MESSAGES } from '../../shared/errorMessages';

const THREAD_ID = 'thread-1';
const NOW = new Date().toISOString();
const EARLIER = new Date(Date.now() - 60_000).toISOString();

const composerThread = makeFragmentData(
  {
    __typename: 'Thread',
    id: THREAD_ID,
    subject: 'Wallbox',
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', isActive: true, canSend: true, provider: 'whatsapp' },
    messages: { __typename: 'MessageConnection', edges: [] },
  },
  Composer_thread,
);

const templatesMock = mockOp(ComposerTemplatesQuery, { threadId: THREAD_ID }, { templateFamilies: [] }, { maxUsageCount: Number.POSITIVE_INFINITY });

type MessageData = ResultOf<typeof MessageItem_message>;

function message(id: string, content: string, type: MessageData['type'], createdAt: string): MessageData {
  return {
    __typename: 'Message',
    id,
    type,
    content,
    subject: null,
    createdAt,
    deliveryStatus: type === 'OUTGOING' ? 'SENT' : 'DELIVERED',
    readAt: null,
    contentHtml: null,
    canRetry: false,
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS' },
    deliveries: [],
    sender: { __typename: 'MessageSender', kind: type === 'INCOMING' ? 'CUSTOMER' : 'USER', name: type === 'INCOMING' ? 'Mario Rossi' : 'Anna Verdi' },
    attachments: [],
  };
}

function success(content: string): ResultOf<typeof PostMessageMutation> {
  const msg = message('msg-new', content, 'OUTGOING', NOW);
  return {
    postMessage: {
      __typename: 'PostMessagePayload',
      errors: [],
      message: { __typename: 'Message', id: msg.id, createdAt: NOW, ...makeFragmentData(msg, MessageItem_message) },
      thread: {
        __typename: 'Thread',
        id: THREAD_ID,
        ...mergeFragmentData(
          makeFragmentData(
            {
              __typename: 'Thread',
              id: THREAD_ID,
              lastInboundAt: null,
              channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', provider: 'whatsapp', replyWindowSeconds: 86400 },
            },
            ReplyWindow_thread,
          ),
          makeFragmentData(
            {
              __typename: 'Thread',
              id: THREAD_ID,
              subject: 'Wallbox',
              priority: 'NORMAL',
              status: 'WAITING_CUSTOMER',
              overdue: false,
              unread: false,
              responseDueAt: null,
              firstResponseAt: null,
              resolvedAt: null,
              sla: null,
              lastMessageAt: NOW,
              channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', name: 'WhatsApp' },
              customer: { __typename: 'Customer', id: 'c1', name: 'Mario Rossi' },
              assignee: null,
              lastMessage: { __typename: 'Message', id: 'msg-new', type: 'OUTGOING', content, metadata: {}, attachments: [] },
            },
            ThreadRow_thread,
          ),
        ),
      },
    },
  };
}

const vars = (content: string): VariablesOf<typeof PostMessageMutation> => ({ input: { threadId: THREAD_ID, kind: 'REPLY', content } });

/** The composer under the open thread's timeline, both on one cache (as in ThreadView). */
function renderThread(mocks: NonNullable<NonNullable<Parameters<typeof renderWithProviders>[1]>['mocks']>) {
  const utils = renderWithProviders(
    <>
      <FromCache fragment={Timeline_thread} fragmentName="Timeline_thread" from={{ __typename: 'Thread', id: THREAD_ID }}>
        {(thread) => <Timeline thread={thread} />}
      </FromCache>
      <Composer thread={composerThread} />
    </>,
    { mocks },
  );
  const incoming = message('msg-1', 'Is the wallbox coming?', 'INCOMING', EARLIER);
  utils.cache.writeFragment({
    fragment: Timeline_thread,
    fragmentName: 'Timeline_thread',
    data: {
      __typename: 'Thread',
      id: THREAD_ID,
      messages: {
        __typename: 'MessageConnection',
        totalCount: 1,
        pageInfo: { __typename: 'PageInfo', hasPreviousPage: false, startCursor: 'c1' },
        edges: [
          { __typename: 'MessageEdge', cursor: 'c1', node: { __typename: 'Message', id: incoming.id, createdAt: EARLIER, ...makeFragmentData(incoming, MessageItem_message) } },
        ],
      },
    },
  });
  return utils;
}

const messageBox = () => screen.getByRole('textbox', { name: 'Message' });
const bubbles = () => screen.queryAllByTestId('message');

describe('optimistic send', () => {
  it('the reply shows at once as pending, the composer clears, and the server message replaces it', async () => {
    const result = vi.fn(() => ({ data: success('On Monday at 9') }));
    renderThread([templatesMock, { request: { query: PostMessageMutation, variables: vars('On Monday at 9') }, result, delay: 1500 }]);
    await screen.findByText('Is the wallbox coming?');

    await userEvent.type(messageBox(), 'On Monday at 9');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));

    // Before the server answers (delayed 1.5 s, so a slow machine still sees it): one pending bubble, composer empty.
    const pending = await screen.findByText('On Monday at 9');
    const bubble = pending.closest('[data-testid="message"]') as HTMLElement;
    expect(bubble).toHaveAttribute('data-pending', 'true');
    expect(isPendingMessageId(bubble.getAttribute('data-message-id'))).toBe(true);
    expect(within(bubble).getByTestId('message-pending')).toHaveTextContent('Sending…');
    expect(messageBox()).toHaveValue('');

    // After: the confirmed message, once, not pending.
    await waitFor(() => expect(screen.getByText('On Monday at 9').closest('[data-testid="message"]')).toHaveAttribute('data-message-id', 'msg-new'), {
      timeout: 5000,
    });
    expect(result).toHaveBeenCalledTimes(1);
    expect(bubbles().map((b) => b.getAttribute('data-message-id'))).toEqual(['msg-1', 'msg-new']);
    expect(screen.queryByTestId('message-pending')).not.toBeInTheDocument();
  });

  it('a network failure removes the pending bubble, keeps the text, says so in words and Retry sends it', async () => {
    const retried = vi.fn(() => ({ data: success('See you Monday') }));
    renderThread([
      templatesMock,
      { request: { query: PostMessageMutation, variables: vars('See you Monday') }, error: new TypeError('Failed to fetch'), delay: 50 },
      { request: { query: PostMessageMutation, variables: vars('See you Monday') }, result: retried },
    ]);
    await screen.findByText('Is the wallbox coming?');

    await userEvent.type(messageBox(), 'See you Monday');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));

    const alert = await screen.findByTestId('composer-error');
    expect(alert).toHaveAttribute('data-error-code', 'NETWORK');
    expect(alert).toHaveTextContent(ERROR_MESSAGES.NETWORK);
    expect(alert).not.toHaveTextContent('Failed to fetch');
    expect(messageBox()).toHaveValue('See you Monday');
    expect(bubbles().map((b) => b.getAttribute('data-message-id'))).toEqual(['msg-1']);

    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(retried).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(bubbles().map((b) => b.getAttribute('data-message-id'))).toEqual(['msg-1', 'msg-new']));
    expect(messageBox()).toHaveValue('');
    expect(screen.queryByTestId('composer-error')).not.toBeInTheDocument();
  });

  it('optimisticPostMessage: an internal note is INTERNAL_NOTE without subject; a reply OUTGOING and PENDING', () => {
    const note = optimisticPostMessage({ threadId: 't', kind: 'NOTE', content: 'VIP', subject: 'ignored' }, 'Anna', new Date(0));
    const reply = optimisticPostMessage({ threadId: 't', kind: 'REPLY', content: 'Hi', subject: 'Re: x' }, null, new Date(0));
    const n = note.postMessage.message as unknown as MessageData;
    const r = reply.postMessage.message as unknown as MessageData;
    expect(n).toMatchObject({ type: 'INTERNAL_NOTE', subject: null, content: 'VIP', sender: { name: 'Anna' }, createdAt: new Date(0).toISOString() });
    expect(r).toMatchObject({ type: 'OUTGOING', subject: 'Re: x', deliveryStatus: 'PENDING' });
    expect(isPendingMessageId(n.id) && isPendingMessageId(r.id) && n.id !== r.id).toBe(true);
    expect(isPendingMessageId('msg-1')).toBe(false);
  });
});
