/** Error codes of routing rules and team assignment settings (assignment.schema.ts). */
export const ASSIGNMENT_ERRORS = {
  /** createRoutingRule / updateRoutingRule: another rule of the organization has this name. */
  ROUTING_RULE_NAME_TAKEN: 'Another routing rule already has this name.',
  /** removeTeamMember: the user is not a member of the team. */
  NOT_TEAM_MEMBER: 'The user is not a member of this team.',
} as const;
