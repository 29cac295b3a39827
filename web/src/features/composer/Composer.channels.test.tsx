import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import type { MockLink } from '@apollo/client/testing';
import { makeFragmentData } from '../../gql';
import type { ChannelType } from '../../gql/graphql';
import { Composer, Composer_thread, replySubject } from './Composer';
import { PostMessageMutation } from './usePostMessage';
import { LogCallMutation } from './useLogCall';
import { ComposerTemplatesQuery } from './TemplatePicker';
import { mockOp, renderWithProviders } from '../../test/render';

type ThreadData = ResultOf<typeof Composer_thread>;

const PROVIDER: Partial<Record<ChannelType, string>> = { EMAIL_OUTLOOK: 'outlook', SMS: 'sms', WHATSAPP_BUSINESS: 'whatsapp' };

function thread(type: ChannelType, subject = 'Wallbox offline'): ThreadData {
  const canSend = type !== 'PHONE_CALL' && !type.startsWith('INTERNAL');
  return {
    __typename: 'Thread',
    id: 't1',
    subject,
    channel: { __typename: 'Channel', id: `ch-${type}`, type, isActive: true, canSend, provider: PROVIDER[type] ?? null },
    messages: { __typename: 'MessageConnection', edges: [] },
  };
}

/** The thread's templates (none here); the composer asks by thread, whatever the channel. */
const templates = (_channelType: ChannelType) => mockOp(ComposerTemplatesQuery, { threadId: 't1' }, { templateFamilies: [] }, { maxUsageCount: Number.POSITIVE_INFINITY });

function renderComposer(type: ChannelType, subject?: string, mocks: ReadonlyArray<MockLink.MockedResponse<any, any>> = []) {
  return renderWithProviders(<Composer thread={makeFragmentData(thread(type, subject), Composer_thread)} />, { mocks: [templates(type), ...mocks] });
}

const messageBox = () => screen.getByRole('textbox', { name: 'Message' });
const subjectBox = () => screen.queryByRole('textbox', { name: /subject/i });

describe('Composer per channel', () => {
  it('e-mail: a subject line prefilled "Re: <subject>", sent with the reply', async () => {
    const result = vi.fn(() => ({
      data: { postMessage: { __typename: 'PostMessagePayload', message: null, thread: null, errors: [] } } satisfies ResultOf<typeof PostMessageMutation>,
    }));
    const variables: VariablesOf<typeof PostMessageMutation> = {
      input: { threadId: 't1', kind: 'REPLY', content: 'We fixed it', subject: 'Re: Wallbox offline' },
    };
    renderComposer('EMAIL_OUTLOOK', 'Wallbox offline', [{ request: { query: PostMessageMutation, variables }, result }]);

    expect(subjectBox()).toHaveValue('Re: Wallbox offline');
    fireEvent.change(messageBox(), { target: { value: 'We fixed it' } });
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
  });

  it('e-mail: an empty subject line when the thread has none (Send needs one)', () => {
    renderComposer('EMAIL_OUTLOOK', '');
    expect(subjectBox()).toHaveValue('');
    fireEvent.change(messageBox(), { target: { value: 'Hello' } });
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    fireEvent.change(subjectBox()!, { target: { value: 'Your order' } });
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
  });

  it('no subject line for WhatsApp, SMS or internal notes on e-mail', async () => {
    const { unmount } = renderComposer('WHATSAPP_BUSINESS');
    expect(subjectBox()).not.toBeInTheDocument();
    unmount();
    const sms = renderComposer('SMS');
    expect(subjectBox()).not.toBeInTheDocument();
    sms.unmount();
    renderComposer('EMAIL_OUTLOOK');
    expect(subjectBox()).toBeInTheDocument();
    await userEvent.click(screen.getByText('Internal note'));
    expect(subjectBox()).not.toBeInTheDocument();
  });

  it('replySubject does not double "Re:"', () => {
    expect(replySubject('Re: Offer')).toBe('Re: Offer');
    expect(replySubject('Offer')).toBe('Re: Offer');
    expect(replySubject('  ')).toBe('');
  });

  it('SMS: segment counter (GSM-7 160/161, extension character, emoji → UCS-2)', () => {
    renderComposer('SMS');
    const counter = () => screen.getByTestId('sms-counter');
    fireEvent.change(messageBox(), { target: { value: 'a'.repeat(160) } });
    expect(counter()).toHaveTextContent('160 characters · 1 segment');
    fireEvent.change(messageBox(), { target: { value: 'a'.repeat(161) } });
    expect(counter()).toHaveTextContent('161 characters · 2 segments');
    fireEvent.change(messageBox(), { target: { value: 'a'.repeat(159) + '€' } });
    expect(counter()).toHaveTextContent('161 characters · 2 segments');
    fireEvent.change(messageBox(), { target: { value: 'Ok 👍' } });
    expect(counter()).toHaveTextContent('5 characters · 1 segment');
    expect(counter()).toHaveAttribute('data-encoding', 'UCS-2');
    fireEvent.change(messageBox(), { target: { value: 'a'.repeat(70) + '👍' } });
    expect(counter()).toHaveTextContent('72 characters · 2 segments');
  });

  it('no segment counter on other channels', () => {
    renderComposer('WHATSAPP_BUSINESS');
    fireEvent.change(messageBox(), { target: { value: 'hello' } });
    expect(screen.queryByTestId('sms-counter')).not.toBeInTheDocument();
  });

  it('a channel with canSend false offers internal notes only', () => {
    renderComposer('INTERNAL_COMMENT');
    expect(screen.queryByText('Reply')).not.toBeInTheDocument();
    expect(screen.getByTestId('composer-notes-only')).toBeInTheDocument();
    expect(messageBox()).toHaveAttribute('placeholder', expect.stringContaining('internal note'));
  });

  it('phone: internal note or "Log call" with logCall', async () => {
    const result = vi.fn(() => ({
      data: { logCall: { __typename: 'PostMessagePayload', message: null, thread: null, errors: [] } } satisfies ResultOf<typeof LogCallMutation>,
    }));
    const variables: VariablesOf<typeof LogCallMutation> = {
      input: { threadId: 't1', direction: 'OUTBOUND', durationSeconds: 150, notes: 'Agreed on Monday' },
    };
    renderComposer('PHONE_CALL', 'Call', [{ request: { query: LogCallMutation, variables }, result }]);
    expect(screen.queryByText('Reply')).not.toBeInTheDocument();
    await userEvent.click(screen.getByText('Log call'));
    await userEvent.click(screen.getByText('Outbound'));
    fireEvent.change(screen.getByRole('textbox', { name: 'Minutes' }), { target: { value: '2' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Seconds' }), { target: { value: '30' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Call notes' }), { target: { value: 'Agreed on Monday' } });
    await userEvent.click(screen.getByRole('button', { name: 'Log call' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
  });
});
