import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { createCache } from '../../app/apollo';
import { MessageItem, MessageItem_message } from './MessageItem';
import { RetryMessageMutation } from './useRetryMessage';
import { FromCache, renderWithProviders } from '../../test/render';

type MessageData = ResultOf<typeof MessageItem_message>;

function message(m: Partial<MessageData>): MessageData {
  return {
    __typename: 'Message',
    id: 'm1',
    type: 'INCOMING',
    content: 'plain text',
    contentHtml: null,
    subject: null,
    createdAt: new Date().toISOString(),
    deliveryStatus: 'DELIVERED',
    readAt: null,
    canRetry: false,
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS' },
    deliveries: [],
    sender: { __typename: 'MessageSender', kind: 'CUSTOMER', name: 'Mario Rossi' },
    attachments: [],
    ...m,
  };
}

const render = (m: MessageData) => renderWithProviders(<MessageItem message={makeFragmentData(m, MessageItem_message)} />);

describe('MessageItem HTML e-mail', () => {
  it('sanitises contentHtml again: no <script>, no onerror reach the DOM; links open in a new tab', () => {
    const alert = vi.spyOn(window, 'alert').mockImplementation(() => {});
    const { container } = render(
      message({
        content: 'Hello',
        contentHtml:
          '<p>Hello <b>team</b></p><script>window.alert("xss")</script><img src="x" onerror="window.alert(1)" alt="pic"><a href="https://example.com/offer">offer</a><a href="javascript:alert(2)">bad</a>',
      }),
    );
    const html = screen.getByTestId('message-html');
    expect(within(html).getByText('team').tagName).toBe('B');
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('[onerror]')).toBeNull();
    expect(container.innerHTML).not.toMatch(/onerror|javascript:/i);
    const link = within(html).getByRole('link', { name: 'offer' });
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    expect(within(html).getByText('bad')).not.toHaveAttribute('href', expect.stringContaining('javascript'));
    expect(alert).not.toHaveBeenCalled();
    alert.mockRestore();
  });

  it('collapses quoted history behind "Show quoted text"', async () => {
    render(
      message({
        contentHtml: '<div>Sure, Monday works.</div><hr><div id="divRplyFwdMsg"><b>From:</b> Hub Support<br><b>Sent:</b> Friday</div><div>Can we come on Monday?</div>',
      }),
    );
    expect(screen.getByText('Sure, Monday works.')).toBeInTheDocument();
    expect(screen.queryByText('Can we come on Monday?')).not.toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: 'Show quoted text' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    expect(within(screen.getByTestId('message-quoted')).getByText('Can we come on Monday?')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Hide quoted text' }));
    expect(screen.queryByText('Can we come on Monday?')).not.toBeInTheDocument();
  });

  it('shows plain content when there is no contentHtml', () => {
    render(message({ content: 'Just text', contentHtml: null }));
    expect(screen.queryByTestId('message-html')).not.toBeInTheDocument();
    expect(screen.getByText('Just text')).toBeInTheDocument();
  });
});

describe('MessageItem delivery', () => {
  it.each(['PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED'] as const)('shows the %s tick on an outgoing reply', (status) => {
    render(message({ type: 'OUTGOING', deliveryStatus: status, sender: { __typename: 'MessageSender', kind: 'USER', name: 'Anna' } }));
    expect(screen.getByTestId('delivery-status')).toHaveAttribute('data-status', status);
  });

  it('a failed reply shows the last attempt’s error and Retry calls retryMessage (the bubble updates from the cache)', async () => {
    const failed = message({
      id: 'm9',
      type: 'OUTGOING',
      content: 'Your technician comes Monday',
      deliveryStatus: 'FAILED',
      canRetry: true,
      sender: { __typename: 'MessageSender', kind: 'USER', name: 'Anna' },
      deliveries: [
        { __typename: 'MessageDelivery', attempt: 1, status: 'FAILED', httpStatus: 500, errorCode: null, error: 'Temporary failure', finishedAt: null },
        { __typename: 'MessageDelivery', attempt: 2, status: 'FAILED', httpStatus: 400, errorCode: 'SMS_OPTED_OUT', error: 'The number opted out', finishedAt: null },
      ],
    });
    const sent: MessageData = {
      ...failed,
      deliveryStatus: 'SENT',
      canRetry: false,
      deliveries: [
        ...failed.deliveries,
        { __typename: 'MessageDelivery', attempt: 3, status: 'SUCCEEDED', httpStatus: 201, errorCode: null, error: null, finishedAt: new Date().toISOString() },
      ],
    };
    const result = vi.fn(() => ({
      data: {
        retryMessage: {
          __typename: 'PostMessagePayload',
          message: { __typename: 'Message', id: 'm9', createdAt: sent.createdAt, ...makeFragmentData(sent, MessageItem_message) },
          thread: null,
          errors: [],
        },
      } satisfies ResultOf<typeof RetryMessageMutation>,
    }));
    const cache = createCache();
    cache.writeFragment({ fragment: MessageItem_message, fragmentName: 'MessageItem_message', data: failed });
    renderWithProviders(
      <FromCache fragment={MessageItem_message} fragmentName="MessageItem_message" from={{ __typename: 'Message', id: 'm9' }}>
        {(m) => <MessageItem message={m} />}
      </FromCache>,
      { cache, mocks: [{ request: { query: RetryMessageMutation, variables: { messageId: 'm9' } }, result }] },
    );

    const failure = await screen.findByTestId('message-failure');
    expect(failure).toHaveTextContent('The number opted out');
    expect(failure).toHaveTextContent('SMS_OPTED_OUT');
    expect(screen.getByTestId('delivery-status')).toHaveAttribute('data-status', 'FAILED');

    await userEvent.click(within(failure).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.getByTestId('delivery-status')).toHaveAttribute('data-status', 'SENT'));
    expect(screen.queryByTestId('message-failure')).not.toBeInTheDocument();
  });

  it('no Retry button when canRetry is false', () => {
    render(message({ type: 'OUTGOING', deliveryStatus: 'FAILED', canRetry: false, sender: { __typename: 'MessageSender', kind: 'USER', name: 'Anna' } }));
    expect(screen.getByTestId('message-failure')).toHaveTextContent('Not delivered');
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });
});
