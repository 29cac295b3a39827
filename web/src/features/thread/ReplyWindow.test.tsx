import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { ReplyWindow, ReplyWindow_thread } from './ReplyWindow';
import { renderWithProviders } from '../../test/render';

type Data = ResultOf<typeof ReplyWindow_thread>;

function thread(channel: Partial<Data['channel']>, lastInboundAt: string | null): Data {
  return {
    __typename: 'Thread',
    id: 't1',
    lastInboundAt,
    channel: { __typename: 'Channel', id: 'ch', type: 'WHATSAPP_BUSINESS', provider: 'whatsapp', replyWindowSeconds: 86400, ...channel },
  };
}

const render = (d: Data) => renderWithProviders(<ReplyWindow thread={makeFragmentData(d, ReplyWindow_thread)} />);
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

describe('ReplyWindow', () => {
  it('is shown only when the channel has replyWindowSeconds', () => {
    render(thread({ type: 'EMAIL_OUTLOOK', provider: 'outlook', replyWindowSeconds: null }, hoursAgo(1)));
    expect(screen.queryByTestId('reply-window')).not.toBeInTheDocument();
  });

  it('is open within the window after the last inbound message (any provider)', () => {
    render(thread({ type: 'CHATWOOT', provider: 'chatwoot', replyWindowSeconds: 7200 }, hoursAgo(1)));
    const banner = screen.getByTestId('reply-window');
    expect(banner).toHaveAttribute('data-open', 'true');
    expect(banner).toHaveTextContent('Chatwoot 2h window open');
  });

  it('is closed after the window, naming the provider', () => {
    render(thread({}, hoursAgo(25)));
    const banner = screen.getByTestId('reply-window');
    expect(banner).toHaveAttribute('data-open', 'false');
    expect(banner).toHaveTextContent('WhatsApp 24h window closed');
  });
});
