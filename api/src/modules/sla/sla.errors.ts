/**
 * Error codes of the SLA settings: business calendars, SLA policies and
 * `slaPreview`. Validation of single fields (lengths, ranges, time formats)
 * stays VALIDATION_FAILED; unknown ids stay NOT_FOUND.
 */
export const SLA_ERRORS = {
  /** Another business calendar of the organization already has the name (names are unique per organization). */
  BUSINESS_CALENDAR_NAME_TAKEN: 'Another business calendar of the organization has this name.',
  /** The calendar has no open time within three years, so no due date can be computed (slaPreview). */
  BUSINESS_CALENDAR_NEVER_OPEN: 'The business calendar has no open time, so no due date can be computed.',
  /** Another SLA policy of the organization already has the name (names are unique per organization). */
  SLA_POLICY_NAME_TAKEN: 'Another SLA policy of the organization has this name.',
  /** An escalation step has neither or both of atPercent and afterBreachSeconds, or repeats another step. */
  SLA_ESCALATION_INVALID: 'The escalation ladder is not valid: every step needs exactly one of atPercent and afterBreachSeconds, and no step may repeat another.',
} as const;
