/** Error codes of channel administration (createChannel, updateChannel). */
import { MESSAGE_ERRORS } from '../message/message.errors.js';

export const CHANNEL_ERRORS = {
  /** The channel type has no provider adapter: it cannot be configured, tested or used to send. */
  CHANNEL_NOT_SUPPORTED: MESSAGE_ERRORS.CHANNEL_NOT_SUPPORTED,
} as const;
