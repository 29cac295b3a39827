import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { Composer, Composer_thread, RenderTemplateQuery } from './Composer';
import { PostMessageMutation } from './usePostMessage';
import { ComposerTemplatesQuery } from './TemplatePicker';
import { MessageItem_message } from '../thread/MessageItem';
import { ThreadRow_thread } from '../inbox/ThreadRow';
import { ReplyWindow_thread } from '../thread/ReplyWindow';
import { mergeFragmentData, mockOp, renderWithProviders } from '../../test/render';

const THREAD_ID = 'thread-1';
const NOW = new Date().toISOString();

const composerThread = makeFragmentData(
  {
    __typename: 'Thread',
    id: THREAD_ID,
    subject: 'Wallbox',
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', isActive: true, canSend: true, provider: 'whatsapp' },
  },
  Composer_thread,
);

const templatesMock = mockOp(
  ComposerTemplatesQuery,
  { channelType: 'WHATSAPP_BUSINESS' },
  {
    templates: {
      __typename: 'TemplateConnection',
      edges: [
        {
          __typename: 'TemplateEdge',
          node: { __typename: 'Template', id: 'tpl-1', name: 'Installation date', category: 'INSTALLATION_SCHEDULING', isActive: true },
        },
        {
          __typename: 'TemplateEdge',
          node: { __typename: 'Template', id: 'tpl-2', name: 'Archived', category: 'FOLLOW_UP', isActive: false },
        },
      ],
    },
  },
  { maxUsageCount: Number.POSITIVE_INFINITY },
);

type PostMessageData = ResultOf<typeof PostMessageMutation>;
type PostMessageVars = VariablesOf<typeof PostMessageMutation>;

function successPayload(content: string, type: 'OUTGOING' | 'INTERNAL_NOTE' = 'OUTGOING'): PostMessageData {
  return {
    postMessage: {
      __typename: 'PostMessagePayload',
      errors: [],
      message: {
        __typename: 'Message',
        id: 'msg-new',
        createdAt: NOW,
        ...makeFragmentData(
          {
            __typename: 'Message',
            id: 'msg-new',
            type,
            content,
            subject: null,
            createdAt: NOW,
            deliveryStatus: 'PENDING',
            readAt: null,
            contentHtml: null,
            canRetry: false,
            deliveries: [],
            sender: { __typename: 'MessageSender', kind: 'USER', name: 'Anna Verdi' },
            attachments: [],
          },
          MessageItem_message,
        ),
      },
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
            responseDueAt: null,
            firstResponseAt: null,
            resolvedAt: null,
            sla: null,
            lastMessageAt: NOW,
            channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', name: 'WhatsApp' },
            customer: { __typename: 'Customer', id: 'c1', name: 'Mario Rossi' },
            assignee: null,
            lastMessage: { __typename: 'Message', id: 'msg-new', type, content, metadata: {}, attachments: [] },
          },
          ThreadRow_thread,
        ),
        ),
      },
    },
  };
}

function postMock(variables: PostMessageVars, data: PostMessageData) {
  const result = vi.fn(() => ({ data }));
  return { mock: { request: { query: PostMessageMutation, variables }, result }, result };
}

const messageBox = () => screen.getByRole('textbox', { name: 'Message' });
const sendButton = () => screen.getByRole('button', { name: 'Send' });

describe('Composer', () => {
  it('sends a reply with postMessage and clears the textarea', async () => {
    const post = postMock(
      { input: { threadId: THREAD_ID, kind: 'REPLY', content: 'We will come on Monday' } },
      successPayload('We will come on Monday'),
    );
    renderWithProviders(<Composer thread={composerThread} />, { mocks: [templatesMock, post.mock] });

    expect(sendButton()).toBeDisabled();
    await userEvent.type(messageBox(), 'We will come on Monday');
    await userEvent.click(sendButton());

    await waitFor(() => expect(post.result).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(messageBox()).toHaveValue(''));
    expect(screen.queryByTestId('composer-error')).not.toBeInTheDocument();
  });

  it('posts an internal note with kind NOTE via Ctrl+Enter', async () => {
    const post = postMock(
      { input: { threadId: THREAD_ID, kind: 'NOTE', content: 'Customer is a VIP' } },
      successPayload('Customer is a VIP', 'INTERNAL_NOTE'),
    );
    renderWithProviders(<Composer thread={composerThread} />, { mocks: [templatesMock, post.mock] });

    await userEvent.click(screen.getByText('Internal note'));
    await userEvent.type(messageBox(), 'Customer is a VIP');
    fireEvent.keyDown(messageBox(), { key: 'Enter', ctrlKey: true });

    await waitFor(() => expect(post.result).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(messageBox()).toHaveValue(''));
  });

  it('shows a WHATSAPP_WINDOW_CLOSED error payload and keeps the draft', async () => {
    const post = postMock(
      { input: { threadId: THREAD_ID, kind: 'REPLY', content: 'Are you still there?' } },
      {
        postMessage: {
          __typename: 'PostMessagePayload',
          message: null,
          thread: null,
          errors: [
            {
              __typename: 'UserError',
              code: 'WHATSAPP_WINDOW_CLOSED',
              message: 'The 24-hour window closed 3 hours ago',
              field: null,
            },
          ],
        },
      },
    );
    renderWithProviders(<Composer thread={composerThread} />, { mocks: [templatesMock, post.mock] });

    await userEvent.type(messageBox(), 'Are you still there?');
    await userEvent.click(sendButton());

    const alert = await screen.findByTestId('composer-error');
    expect(alert).toHaveAttribute('data-error-code', 'WHATSAPP_WINDOW_CLOSED');
    expect(alert).toHaveTextContent('WhatsApp 24-hour window closed');
    expect(alert).toHaveTextContent('The 24-hour window closed 3 hours ago');
    expect(post.result).toHaveBeenCalledTimes(1);
    expect(messageBox()).toHaveValue('Are you still there?');
  });

  it('fills the body from renderTemplate, warns about missing variables and sends the templateId', async () => {
    const renderResult = vi.fn(() => ({
      data: {
        renderTemplate: {
          __typename: 'RenderedTemplate',
          subject: null,
          body: 'Hi Mario, your installation is planned for {{date}}.',
          missingVariables: ['date'],
        },
      } satisfies ResultOf<typeof RenderTemplateQuery>,
    }));
    const post = postMock(
      {
        input: {
          threadId: THREAD_ID,
          kind: 'REPLY',
          content: 'Hi Mario, your installation is planned for {{date}}.',
          templateId: 'tpl-1',
        },
      },
      successPayload('Hi Mario, your installation is planned for {{date}}.'),
    );
    renderWithProviders(<Composer thread={composerThread} />, {
      mocks: [
        templatesMock,
        {
          request: { query: RenderTemplateQuery, variables: { templateId: 'tpl-1', threadId: THREAD_ID } },
          result: renderResult,
        },
        post.mock,
      ],
    });

    const picker = screen.getByRole('combobox', { name: 'Template' });
    await waitFor(() => expect(picker).toBeEnabled());
    await userEvent.click(picker);
    expect(screen.queryByRole('option', { name: 'Archived' })).not.toBeInTheDocument();
    await userEvent.click(await screen.findByRole('option', { name: 'Installation date' }));

    await waitFor(() => expect(messageBox()).toHaveValue('Hi Mario, your installation is planned for {{date}}.'));
    expect(renderResult).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('template-missing-variables')).toHaveTextContent('date');

    await userEvent.click(sendButton());
    await waitFor(() => expect(post.result).toHaveBeenCalledTimes(1));
  });

  it('the Reply/Internal-note toggle is named so it does not collide with the "Message" textbox', () => {
    renderWithProviders(<Composer thread={composerThread} />, { mocks: [templatesMock] });
    expect(screen.getByRole('radiogroup', { name: 'Reply or internal note' })).toBeInTheDocument();
    // Any label query for "Message" finds only the textbox.
    expect(screen.getAllByLabelText(/message/i)).toEqual([messageBox()]);
  });
});
