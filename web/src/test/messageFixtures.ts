/**
 * Message edges of the thread timeline for component and cache tests (one place for the
 * MessageItem_message shape): `messageEdge(n)` is message `m<n>` at T0 + n minutes, an
 * INCOMING WhatsApp message "Message number <n>" from Mario Rossi; options change one part.
 */
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../gql';
import type { ChannelType, MessageType } from '../gql/graphql';
import type { Timeline_thread } from '../features/thread/Timeline';
import { MessageItem_message } from '../features/thread/MessageItem';

export type TimelineEdge = ResultOf<typeof Timeline_thread>['messages']['edges'][number];

/** 2026-03-02 09:00 UTC: message n is n minutes later. */
export const MESSAGES_T0 = Date.parse('2026-03-02T09:00:00Z');

export interface MessageEdgeOptions {
  type?: MessageType;
  channel?: { id: string; type: ChannelType };
  content?: string;
  /** ISO instant; default MESSAGES_T0 + n minutes. */
  createdAt?: string;
  /** Default: "Mario Rossi" (customer) for INCOMING, "Sarah" (agent) otherwise. */
  senderName?: string;
}

export function messageEdge(n: number, opts: MessageEdgeOptions = {}): TimelineEdge {
  const id = `m${n}`;
  const createdAt = opts.createdAt ?? new Date(MESSAGES_T0 + n * 60_000).toISOString();
  const type = opts.type ?? 'INCOMING';
  const incoming = type === 'INCOMING';
  return {
    __typename: 'MessageEdge',
    cursor: `cur-${id}`,
    node: {
      __typename: 'Message',
      id,
      createdAt,
      ...makeFragmentData(
        {
          __typename: 'Message',
          id,
          type,
          content: opts.content ?? `Message number ${n}`,
          subject: null,
          createdAt,
          deliveryStatus: 'DELIVERED',
          readAt: null,
          contentHtml: null,
          canRetry: false,
          channel: { __typename: 'Channel', ...(opts.channel ?? { id: 'ch-wa', type: 'WHATSAPP_BUSINESS' as ChannelType }) },
          deliveries: [],
          sender: { __typename: 'MessageSender', kind: incoming ? 'CUSTOMER' : 'USER', name: opts.senderName ?? (incoming ? 'Mario Rossi' : 'Sarah') },
          attachments: [],
        },
        MessageItem_message,
      ),
    },
  };
}
