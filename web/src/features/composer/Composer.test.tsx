import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
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
    messages: { __typename: 'MessageConnection', edges: [] },
  },
  Composer_thread,
);

/** Two templates of the thread, grouped by language; the customer is Italian, so the server offers "it" first. */
const templatesMock = mockOp(
  ComposerTemplatesQuery,
  { threadId: THREAD_ID },
  {
    templateFamilies: [
      {
        __typename: 'TemplateFamily',
        name: 'Installation date',
        shortcuts: ['afspraak', 'appuntamento'],
        defaultLanguage: 'it',
        variants: [
          { __typename: 'Template', id: 'tpl-date-it', locale: 'it', shortcut: 'appuntamento' },
          { __typename: 'Template', id: 'tpl-date-nl', locale: 'nl', shortcut: 'afspraak' },
        ],
      },
      {
        __typename: 'TemplateFamily',
        name: 'Invoice question',
        shortcuts: ['factuur', 'fattura', 'invoice'],
        defaultLanguage: 'it',
        variants: [
          { __typename: 'Template', id: 'tpl-inv-en', locale: 'en', shortcut: 'invoice' },
          { __typename: 'Template', id: 'tpl-inv-it', locale: 'it', shortcut: 'fattura' },
          { __typename: 'Template', id: 'tpl-inv-nl', locale: 'nl', shortcut: 'factuur' },
        ],
      },
    ],
  },
  { maxUsageCount: Number.POSITIVE_INFINITY },
);

/** renderTemplate of one variant, counted. */
function renderMock(templateId: string, body: string, missing: string[], language = 'it') {
  const result = vi.fn(() => ({
    data: { renderTemplate: { __typename: 'RenderedTemplate', language, subject: null, body, missing } } satisfies ResultOf<typeof RenderTemplateQuery>,
  }));
  return { mock: { request: { query: RenderTemplateQuery, variables: { templateId, threadId: THREAD_ID } }, result }, result };
}

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
            channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS' },
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
              unread: false,
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
/** The template dropdown is shown (Mantine keeps it mounted, hidden, when closed). */
const pickerOpen = () => {
  const el = screen.queryByTestId('template-picker');
  return !!el && el.style.display !== 'none';
};

describe('Composer', () => {
  it('sends a reply with postMessage and clears the textarea', async () => {
    const post = postMock({ input: { threadId: THREAD_ID, kind: 'REPLY', content: 'We will come on Monday' } }, successPayload('We will come on Monday'));
    renderWithProviders(<Composer thread={composerThread} />, { mocks: [templatesMock, post.mock] });

    expect(sendButton()).toBeDisabled();
    await userEvent.type(messageBox(), 'We will come on Monday');
    await userEvent.click(sendButton());

    await waitFor(() => expect(post.result).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(messageBox()).toHaveValue(''));
    expect(screen.queryByTestId('composer-error')).not.toBeInTheDocument();
  });

  it('posts an internal note with kind NOTE via Ctrl+Enter', async () => {
    const post = postMock({ input: { threadId: THREAD_ID, kind: 'NOTE', content: 'Customer is a VIP' } }, successPayload('Customer is a VIP', 'INTERNAL_NOTE'));
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

  it('"/" opens the template picker with type-ahead on name and shortcut; Enter inserts the variant in the customer\'s language', async () => {
    const render = renderMock('tpl-inv-it', 'Gentile Mario, la sua fattura è pronta.', []);
    renderWithProviders(<Composer thread={composerThread} />, { mocks: [templatesMock, render.mock] });

    await userEvent.type(messageBox(), '/');
    const picker = await screen.findByTestId('template-picker');
    expect(await within(picker).findByRole('option', { name: 'Installation date (it)' })).toBeInTheDocument();
    expect(within(picker).getByRole('option', { name: 'Invoice question (it)' })).toBeInTheDocument();

    // Type-ahead on a shortcut: one template, not one row per language.
    await userEvent.type(messageBox(), 'fatt');
    await waitFor(() => expect(within(picker).getAllByRole('option')).toHaveLength(1));
    expect(within(picker).getByRole('option', { name: 'Invoice question (it)' })).toBeInTheDocument();
    await userEvent.keyboard('{Enter}');

    await waitFor(() => expect(messageBox()).toHaveValue('Gentile Mario, la sua fattura è pronta.'));
    expect(render.result).toHaveBeenCalledTimes(1);
    expect(pickerOpen()).toBe(false);
    expect(sendButton()).toBeEnabled();
  });

  it('type-ahead on the name, arrows choose, ← → switch the language, Esc closes; a "/" inside a word opens nothing', async () => {
    const render = renderMock('tpl-date-nl', 'Hoi Mario, de monteur komt maandag.', [], 'nl');
    renderWithProviders(<Composer thread={composerThread} />, { mocks: [templatesMock, render.mock] });

    await userEvent.type(messageBox(), 'and/or ');
    expect(pickerOpen()).toBe(false);
    await userEvent.clear(messageBox());

    await userEvent.type(messageBox(), '/inst');
    const picker = await screen.findByTestId('template-picker');
    await waitFor(() => expect(within(picker).getAllByRole('option')).toHaveLength(1));
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(pickerOpen()).toBe(false));
    expect(messageBox()).toHaveValue('/inst');

    await userEvent.clear(messageBox());
    await userEvent.type(messageBox(), '/');
    const again = await screen.findByTestId('template-picker');
    await within(again).findByRole('option', { name: 'Installation date (it)' });
    await userEvent.keyboard('{ArrowDown}{ArrowUp}{ArrowRight}');
    expect(within(again).getByRole('option', { name: 'Installation date (nl)' })).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(messageBox()).toHaveValue('Hoi Mario, de monteur komt maandag.'));
    expect(render.result).toHaveBeenCalledTimes(1);
  });

  it('a missing variable is shown as a badge, stays as {{placeholder}} and blocks Send until filled; then sends with the templateId', async () => {
    const body = 'Gentile Mario, PEC: {{customer.pec}}. A presto!';
    const render = renderMock('tpl-inv-it', body, ['customer.pec']);
    const filled = 'Gentile Mario, PEC: rossi@pec.it. A presto!';
    const post = postMock({ input: { threadId: THREAD_ID, kind: 'REPLY', content: filled, templateId: 'tpl-inv-it' } }, successPayload(filled));
    renderWithProviders(<Composer thread={composerThread} />, { mocks: [templatesMock, render.mock, post.mock] });

    await userEvent.type(messageBox(), '/fattura');
    await screen.findByRole('option', { name: 'Invoice question (it)' });
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(messageBox()).toHaveValue(body));

    const gaps = screen.getByTestId('template-missing-variables');
    expect(within(gaps).getByRole('button', { name: 'customer.pec missing' })).toBeInTheDocument();
    expect(sendButton()).toBeDisabled();
    fireEvent.keyDown(messageBox(), { key: 'Enter', ctrlKey: true });
    expect(post.result).not.toHaveBeenCalled();

    // The badge selects the placeholder; typing replaces it.
    await userEvent.click(within(gaps).getByRole('button', { name: 'customer.pec missing' }));
    await userEvent.keyboard('rossi@pec.it');
    await waitFor(() => expect(messageBox()).toHaveValue(filled));
    expect(screen.queryByTestId('template-missing-variables')).not.toBeInTheDocument();
    expect(sendButton()).toBeEnabled();

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
