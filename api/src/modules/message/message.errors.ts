/** Error codes of replies, notes and deliveries. Provider-specific codes (e.g. a closed reply window) come from the adapters. */
export const MESSAGE_ERRORS = {
  CHANNEL_INACTIVE: 'This channel is inactive.',
  CHANNEL_SEND_FAILED: 'The provider refused the message.',
  CHANNEL_NOT_SUPPORTED: 'Replies cannot be sent on this channel: it has no provider to deliver them.',
  MESSAGE_NOT_RETRYABLE: 'Only a reply that failed can be sent again.',
} as const;
