/**
 * The two read operations issue 8 §1 compares with a hand-written server: the inbox's first page
 * (50 threads with customer, assignee, channel, last message, totalCount) and the thread view
 * (a thread with its customer, channel and 64 messages). The baseline (baseline.ts) answers these
 * exact documents with the same JSON; run.ts checks that before measuring.
 */
export const INBOX = `query Inbox {
  threads(first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id subject priority status overdue responseDueAt lastMessageAt
      customer { id name } assignee { id name } channel { id type }
      lastMessage { id content createdAt deliveryStatus sender { kind name } } } }
  }
}`;

export const THREAD = `query Thread($id: ID!) {
  node(id: $id) {
    id
    ... on Thread {
      subject status priority
      customer { id name email phone }
      channel { id type name }
      messages(first: 64) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id type content createdAt deliveryStatus sender { kind name } } }
      }
    }
  }
}`;
