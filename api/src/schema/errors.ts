/**
 * Every error code a mutation may return: the common ones, each domain's, and
 * each provider adapter's (channels/registry.ts).
 */
import { providerErrorMessages } from '../channels/registry.js';
import { ASSIGNMENT_ERRORS } from '../modules/assignment/assignment.errors.js';
import { AUTH_ERRORS } from '../modules/auth/auth.errors.js';
import { CHANNEL_ERRORS } from '../modules/channel/channel.errors.js';
import { MESSAGE_ERRORS } from '../modules/message/message.errors.js';
import { SLA_ERRORS } from '../modules/sla/sla.errors.js';
import { TEMPLATE_ERRORS } from '../modules/template/template.errors.js';
import { MERGE_ERRORS } from '../modules/thread/merge.errors.js';
import { COMMON_ERRORS } from '../shared/errors.js';

export const ALL_ERRORS: Readonly<Record<string, string>> = {
  ...COMMON_ERRORS,
  ...ASSIGNMENT_ERRORS,
  ...AUTH_ERRORS,
  ...CHANNEL_ERRORS,
  ...MESSAGE_ERRORS,
  ...SLA_ERRORS,
  ...TEMPLATE_ERRORS,
  ...MERGE_ERRORS,
  // Job queue give-up (outbox) and the admin tools.
  OUTBOX_GAVE_UP: 'The provider could not be reached after several attempts.',
  ...providerErrorMessages,
};

export const ERROR_CODES = Object.keys(ALL_ERRORS).sort();
