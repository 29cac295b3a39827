import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import type { ChannelType, MessageType } from '../../gql/graphql';
import { ThreadLanguageQuery, Timeline, Timeline_thread, spansSeveralChannels } from './Timeline';
import { mockOp, renderWithProviders } from '../../test/render';
import { messageEdge } from '../../test/messageFixtures';

type TimelineData = ResultOf<typeof Timeline_thread>;
type EdgeData = TimelineData['messages']['edges'][number];

const WA = { id: 'ch-wa', type: 'WHATSAPP_BUSINESS' as ChannelType };
const MAIL = { id: 'ch-mail', type: 'EMAIL_OUTLOOK' as ChannelType };

const edge = (n: number, type: MessageType, channel: { id: string; type: ChannelType }): EdgeData => messageEdge(n, { type, channel });

function renderTimeline(edges: EdgeData[]) {
  const thread: TimelineData = {
    __typename: 'Thread',
    id: 't1',
    messages: {
      __typename: 'MessageConnection',
      totalCount: edges.length,
      pageInfo: { __typename: 'PageInfo', hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null },
      edges,
    },
  };
  const language = mockOp(ThreadLanguageQuery, { id: 't1' }, { node: { __typename: 'Thread', id: 't1', suggestedTemplateLanguage: 'en' } });
  return renderWithProviders(<Timeline thread={makeFragmentData(thread, Timeline_thread)} />, { mocks: [language] });
}

const bubble = (id: string) => screen.getAllByTestId('message').find((m) => m.getAttribute('data-message-id') === id)!;

describe('Timeline of a merged thread (several channels)', () => {
  it('shows the channel of each customer message and reply, not of internal notes', () => {
    renderTimeline([edge(1, 'INCOMING', WA), edge(2, 'OUTGOING', WA), edge(3, 'INCOMING', MAIL), edge(4, 'INTERNAL_NOTE', WA), edge(5, 'OUTGOING', MAIL)]);
    expect(within(bubble('m1')).getByRole('img', { name: 'via WhatsApp' })).toBeInTheDocument();
    expect(within(bubble('m2')).getByRole('img', { name: 'via WhatsApp' })).toBeInTheDocument();
    expect(within(bubble('m3')).getByRole('img', { name: 'via Outlook e-mail' })).toBeInTheDocument();
    expect(within(bubble('m4')).queryByTestId('message-channel')).not.toBeInTheDocument();
    expect(within(bubble('m5')).getByTestId('message-channel')).toHaveAttribute('data-channel-type', 'EMAIL_OUTLOOK');
    expect(screen.getAllByTestId('message-channel')).toHaveLength(4);
  });

  it('a single-channel thread shows no channel marks', () => {
    renderTimeline([edge(1, 'INCOMING', WA), edge(2, 'OUTGOING', WA), edge(3, 'INTERNAL_NOTE', MAIL)]);
    expect(screen.getAllByTestId('message')).toHaveLength(3);
    expect(screen.queryByTestId('message-channel')).not.toBeInTheDocument();
  });

  it('spansSeveralChannels counts distinct channels of customer messages and replies only', () => {
    expect(spansSeveralChannels([])).toBe(false);
    expect(
      spansSeveralChannels([
        { type: 'INCOMING', channel: WA },
        { type: 'OUTGOING', channel: WA },
      ]),
    ).toBe(false);
    expect(
      spansSeveralChannels([
        { type: 'INCOMING', channel: WA },
        { type: 'INTERNAL_NOTE', channel: MAIL },
      ]),
    ).toBe(false);
    expect(
      spansSeveralChannels([
        { type: 'INCOMING', channel: WA },
        { type: 'OUTGOING', channel: null },
      ]),
    ).toBe(false);
    expect(
      spansSeveralChannels([
        { type: 'INCOMING', channel: WA },
        { type: 'OUTGOING', channel: MAIL },
      ]),
    ).toBe(true);
  });
});
