import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { Route, Routes } from 'react-router';
import { mockOp, renderWithProviders } from '../../test/render';
import { RenderTemplateQuery } from '../composer/Composer';
import {
  CreateConversationMutation,
  NewConversationChannelsQuery,
  NewConversationCustomersQuery,
  NewConversationModal,
  NewConversationTemplatesQuery,
  StartConversationMessageMutation,
} from './NewConversationModal';

const mario = { __typename: 'Customer' as const, id: 'c1', name: 'Mario Rossi', email: 'mario@example.it', phone: '+393331234567' };

const customersMock = {
  request: { query: NewConversationCustomersQuery, variables: () => true },
  result: { data: { customers: { __typename: 'CustomerConnection' as const, edges: [{ __typename: 'CustomerEdge' as const, node: mario }] } } },
  maxUsageCount: Number.POSITIVE_INFINITY,
};

const channel = (id: string, type: 'EMAIL_OUTLOOK' | 'WHATSAPP_BUSINESS' | 'SMS' | 'PHONE_CALL', name: string, isActive = true, canSend = true) => ({
  __typename: 'Channel' as const,
  id,
  type,
  name,
  isActive,
  canSend,
});

const channelsMock = mockOp(
  NewConversationChannelsQuery,
  {},
  {
    channels: [
      channel('ch-mail', 'EMAIL_OUTLOOK', 'Support mailbox'),
      channel('ch-wa', 'WHATSAPP_BUSINESS', 'WhatsApp ChargeCars'),
      channel('ch-sms', 'SMS', 'Old SMS', false),
      channel('ch-phone', 'PHONE_CALL', 'Phone', true, false),
    ],
  },
  { maxUsageCount: Number.POSITIVE_INFINITY },
);

const templatesMock = mockOp(
  NewConversationTemplatesQuery,
  {},
  {
    templateFamilies: [
      {
        __typename: 'TemplateFamily',
        name: 'Order shipped',
        defaultTemplate: { __typename: 'Template', id: 'tpl-nl' },
        variants: [
          { __typename: 'Template', id: 'tpl-nl', locale: 'nl' },
          { __typename: 'Template', id: 'tpl-it', locale: 'it' },
        ],
      },
    ],
  },
  { maxUsageCount: Number.POSITIVE_INFINITY },
);

function createMock() {
  const result = vi.fn(() => ({
    data: { createThread: { __typename: 'ThreadPayload', thread: { __typename: 'Thread', id: 't9', suggestedTemplateLanguage: 'it' }, errors: [] } } satisfies ResultOf<
      typeof CreateConversationMutation
    >,
  }));
  return { mock: { request: { query: CreateConversationMutation, variables: () => true }, result, maxUsageCount: 5 }, result };
}

function postMock(expected: Record<string, unknown>) {
  const result = vi.fn(() => ({
    data: {
      postMessage: { __typename: 'PostMessagePayload', message: { __typename: 'Message', id: 'm1', deliveryStatus: 'PENDING' }, errors: [] },
    } satisfies ResultOf<typeof StartConversationMessageMutation>,
  }));
  return { mock: { request: { query: StartConversationMessageMutation, variables: { input: expected } }, result }, result };
}

function renderModal(mocks: NonNullable<Parameters<typeof renderWithProviders>[1]>['mocks']) {
  const onClose = vi.fn();
  renderWithProviders(
    <Routes>
      <Route path="/" element={<NewConversationModal opened onClose={onClose} />} />
      <Route path="/threads/:id" element={<div data-testid="opened-thread" />} />
    </Routes>,
    { mocks },
  );
  return { onClose };
}

const dialog = () => screen.getByRole('dialog', { name: 'New conversation' });
/** The input labelled `label` in the dialog (a Select's listbox carries the same label). */
const field = (label: RegExp) =>
  within(dialog())
    .getAllByLabelText(label)
    .find((el) => el.tagName === 'INPUT')!;

async function pickCustomer() {
  await userEvent.type(field(/^Customer/), 'Mario');
  await userEvent.click(await screen.findByRole('option', { name: /Mario Rossi/ }));
}

async function pickChannel(name: RegExp) {
  await userEvent.click(field(/^Channel/));
  await userEvent.click(await screen.findByRole('option', { name }));
}

describe('NewConversationModal', () => {
  it('offers only active channels that can send, and starts an e-mail conversation with its subject', async () => {
    const create = createMock();
    const post = postMock({ threadId: 't9', kind: 'REPLY', content: 'Buongiorno Mario', subject: 'Installazione' });
    const { onClose } = renderModal([customersMock, channelsMock, create.mock, post.mock]);
    await pickCustomer();
    await userEvent.click(field(/^Channel/));
    const options = (await screen.findAllByRole('option')).map((o) => o.textContent);
    expect(options).toEqual(['Support mailbox (Outlook e-mail)', 'WhatsApp ChargeCars (WhatsApp)']);
    await userEvent.click(screen.getByRole('option', { name: /Support mailbox/ }));

    const send = within(dialog()).getByRole('button', { name: 'Start conversation' });
    await userEvent.type(within(dialog()).getByRole('textbox', { name: /^Message/ }), 'Buongiorno Mario');
    // E-mail needs a subject.
    expect(send).toBeDisabled();
    await userEvent.type(within(dialog()).getByRole('textbox', { name: /^Subject/ }), 'Installazione');
    await userEvent.click(send);

    await waitFor(() => expect(post.result).toHaveBeenCalledTimes(1));
    expect(create.result).toHaveBeenCalledTimes(1);
    await screen.findByTestId('opened-thread');
    expect(onClose).toHaveBeenCalled();
  });

  it('WhatsApp: the template in the customer’s language; unfilled variables come back to the agent, the thread is not created twice', async () => {
    const create = createMock();
    const render = vi.fn(() => ({
      data: {
        renderTemplate: { __typename: 'RenderedTemplate', language: 'it', subject: null, body: 'Ciao Mario, ordine {{order.number}} spedito', missing: ['order.number'] },
      } satisfies ResultOf<typeof RenderTemplateQuery>,
    }));
    const post = postMock({ threadId: 't9', kind: 'REPLY', content: 'Ciao Mario, ordine CC-123 spedito', templateId: 'tpl-it' });
    renderModal([
      customersMock,
      channelsMock,
      templatesMock,
      create.mock,
      { request: { query: RenderTemplateQuery, variables: { templateId: 'tpl-it', threadId: 't9' } }, result: render },
      post.mock,
    ]);
    await pickCustomer();
    await pickChannel(/WhatsApp ChargeCars/);
    expect(within(dialog()).queryByRole('textbox', { name: /^Message/ })).not.toBeInTheDocument();
    await userEvent.click(field(/^Approved template/));
    await userEvent.click(await screen.findByRole('option', { name: 'Order shipped' }));
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Start conversation' }));

    const message = await within(dialog()).findByRole('textbox', { name: /^Message/ });
    await waitFor(() => expect(message).toHaveValue('Ciao Mario, ordine {{order.number}} spedito'));
    expect(await screen.findByTestId('new-conversation-error')).toHaveAttribute('data-error-code', 'TEMPLATE_VARIABLES_MISSING');
    expect(within(dialog()).getByRole('button', { name: 'Start conversation' })).toBeDisabled();

    await userEvent.clear(message);
    await userEvent.type(message, 'Ciao Mario, ordine CC-123 spedito');
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Start conversation' }));
    await waitFor(() => expect(post.result).toHaveBeenCalledTimes(1));
    expect(create.result).toHaveBeenCalledTimes(1);
    expect(render).toHaveBeenCalledTimes(1);
    await screen.findByTestId('opened-thread');
  });
});
