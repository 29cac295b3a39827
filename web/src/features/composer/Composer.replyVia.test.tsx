import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import type { ChannelType, MessageType } from '../../gql/graphql';
import { Composer, Composer_thread, replyChannelOptions } from './Composer';
import { PostMessageMutation } from './usePostMessage';
import { ComposerTemplatesQuery } from './TemplatePicker';
import { mockOp, renderWithProviders } from '../../test/render';

type ThreadData = ResultOf<typeof Composer_thread>;
type Node = ThreadData['messages']['edges'][number]['node'];

const WA = { __typename: 'Channel' as const, id: 'ch-wa', type: 'WHATSAPP_BUSINESS' as ChannelType };
const MAIL = { __typename: 'Channel' as const, id: 'ch-mail', type: 'EMAIL_OUTLOOK' as ChannelType };

const msg = (id: string, type: MessageType, channel: typeof WA, minute: number): Node => ({
  __typename: 'Message',
  id,
  type,
  createdAt: new Date(Date.parse('2026-03-02T09:00:00Z') + minute * 60_000).toISOString(),
  channel,
});

function thread(nodes: Node[]): ThreadData {
  return {
    __typename: 'Thread',
    id: 't1',
    subject: 'Wallbox offline',
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', isActive: true, canSend: true, provider: 'whatsapp' },
    messages: { __typename: 'MessageConnection', edges: nodes.map((node) => ({ __typename: 'MessageEdge', node })) },
  };
}

const templates = mockOp(ComposerTemplatesQuery, { threadId: 't1' }, { templateFamilies: [] }, { maxUsageCount: Number.POSITIVE_INFINITY });
const empty = { data: { postMessage: { __typename: 'PostMessagePayload', message: null, thread: null, errors: [] } } satisfies ResultOf<typeof PostMessageMutation> };

function render(nodes: Node[], input: VariablesOf<typeof PostMessageMutation>['input'] | null = null) {
  const result = vi.fn(() => empty);
  const mocks = input ? [templates, { request: { query: PostMessageMutation, variables: { input } }, result }] : [templates];
  renderWithProviders(<Composer thread={makeFragmentData(thread(nodes), Composer_thread)} />, { mocks });
  return result;
}

// WhatsApp m1 (9:00), e-mail m2 (9:05), WhatsApp m3 (9:10, the latest), an agent reply by e-mail m4 (9:20).
const MERGED = [msg('m1', 'INCOMING', WA, 0), msg('m2', 'INCOMING', MAIL, 5), msg('m3', 'INCOMING', WA, 10), msg('m4', 'OUTGOING', MAIL, 20)];
const messageBox = () => screen.getByRole('textbox', { name: 'Message' });
const replyVia = () => screen.queryByRole('radiogroup', { name: 'Reply via' });

describe('Composer "Reply via" in a merged thread', () => {
  it('lists the customer channels, the latest customer message’s channel chosen; a reply answers the latest message there', async () => {
    const result = render(MERGED, { threadId: 't1', kind: 'REPLY', content: 'Hello', replyToMessageId: 'm3' });
    expect(replyVia()).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'WhatsApp' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Outlook e-mail' })).not.toBeChecked();
    fireEvent.change(messageBox(), { target: { value: 'Hello' } });
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
  });

  it('via e-mail: a subject line "Re: <subject>" and replyToMessageId of the latest e-mail from the customer', async () => {
    const result = render(MERGED, { threadId: 't1', kind: 'REPLY', content: 'Per e-mail', subject: 'Re: Wallbox offline', replyToMessageId: 'm2' });
    expect(screen.queryByRole('textbox', { name: /subject/i })).not.toBeInTheDocument();
    await userEvent.click(screen.getByText('Outlook e-mail'));
    expect(screen.getByRole('radio', { name: 'Outlook e-mail' })).toBeChecked();
    expect(screen.getByRole('textbox', { name: /subject/i })).toHaveValue('Re: Wallbox offline');
    fireEvent.change(messageBox(), { target: { value: 'Per e-mail' } });
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
  });

  it('an internal note has no "Reply via" and no replyToMessageId', async () => {
    const result = render(MERGED, { threadId: 't1', kind: 'NOTE', content: 'VIP' });
    await userEvent.click(screen.getByText('Internal note'));
    expect(replyVia()).not.toBeInTheDocument();
    fireEvent.change(messageBox(), { target: { value: 'VIP' } });
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
  });

  it('a single-channel thread: no select, the reply is sent without replyToMessageId', async () => {
    const result = render([msg('m1', 'INCOMING', WA, 0), msg('m2', 'OUTGOING', WA, 1), msg('m3', 'INCOMING', WA, 2)], { threadId: 't1', kind: 'REPLY', content: 'Hi' });
    expect(replyVia()).not.toBeInTheDocument();
    fireEvent.change(messageBox(), { target: { value: 'Hi' } });
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
  });

  it('replyChannelOptions: customer messages only, latest per channel, newest channel first', () => {
    expect(replyChannelOptions(thread(MERGED).messages)).toEqual([
      { channelId: 'ch-wa', type: 'WHATSAPP_BUSINESS', latestMessageId: 'm3', latestAt: MERGED[2]!.createdAt },
      { channelId: 'ch-mail', type: 'EMAIL_OUTLOOK', latestMessageId: 'm2', latestAt: MERGED[1]!.createdAt },
    ]);
    // Only replies on e-mail: the customer wrote on one channel.
    expect(replyChannelOptions(thread([msg('m1', 'INCOMING', WA, 0), msg('m2', 'OUTGOING', MAIL, 1)]).messages)).toHaveLength(1);
    expect(replyChannelOptions(null)).toEqual([]);
  });
});
