/**
 * The permission matrix: who may use every root field (Query, Mutation,
 * Subscription), read every type reachable through `node`, and read the few
 * fields kept from some roles. This module is the single source:
 *
 * - the schema takes its scopes from it (`authScopes: can('createTemplate')`),
 * - `authScopesOf(viewer)` computes the Pothos scopes of a viewer (schema/builder.ts),
 * - services ask it for the rules on rows (`mayEditTask`),
 * - docs/permissions.md is rendered from it (permissions-doc.ts, checked by a test),
 * - api/test/graphql/permissions.test.ts walks the built schema with every role
 *   and every API-key scope and compares each outcome with `allows()`: a field
 *   added without a rule here fails that test.
 *
 * Roles are ordered AGENT < TEAM_LEAD < MANAGER < ADMIN; a rule names the lowest
 * role allowed. An API key is no person: it acts with the AGENT role and only
 * where the rule names one of its scopes (READ, WRITE, INGEST, ANALYTICS).
 */
import type { ApiKeyScope, UserRole } from '../../generated/prisma/enums.js';
import type { Viewer } from '../../shared/context.js';

export const ROLES = ['AGENT', 'TEAM_LEAD', 'MANAGER', 'ADMIN'] as const satisfies readonly UserRole[];
export const KEY_SCOPES = ['READ', 'WRITE', 'INGEST', 'ANALYTICS'] as const satisfies readonly ApiKeyScope[];

const RANK: Record<UserRole, number> = { AGENT: 0, TEAM_LEAD: 1, MANAGER: 2, ADMIN: 3 };

export interface Rule {
  /** The lowest user role allowed (every role above it too); null: no user session. */
  minRole: UserRole | null;
  /** API-key scopes that allow it (any one of them); empty: no API key. */
  keys: readonly ApiKeyScope[];
  /** Also without signing in. */
  anonymous?: true;
  /** A further rule on the row, enforced by the service and tested. */
  condition?: string;
}

const rule = (minRole: UserRole | null, keys: readonly ApiKeyScope[] = [], extra: Partial<Rule> = {}): Rule => ({ minRole, keys, ...extra });

/** Every user; API keys with READ. Queries and subscriptions of the inbox. */
const READ = rule('AGENT', ['READ']);
/** Every user; API keys with WRITE. The agents' mutations. */
const WRITE = rule('AGENT', ['WRITE']);
/** Every signed-in user; no API key (the field is about the person). */
const SIGNED_IN = rule('AGENT');
const TEAM_LEAD = rule('TEAM_LEAD');
const MANAGER = rule('MANAGER');
const ADMIN = rule('ADMIN');
/** API keys with INGEST only (partner systems feeding an API channel). */
const INGEST = rule(null, ['INGEST']);
/** Anyone, signed in or not. */
const PUBLIC = rule('AGENT', KEY_SCOPES, { anonymous: true });
/** Objects of the type may be read by any viewer wherever a field they may use returns them. */
const ANY_VIEWER = rule('AGENT', KEY_SCOPES);
/** No rule of the type's own: the field that returns it decides (User: `login` answers the anonymous caller with their user). */
const OPEN = rule('AGENT', KEY_SCOPES, { anonymous: true });
/** Reports and figures: MANAGER and up and API keys with ANALYTICS see the organization; agents and team leads their own numbers. */
export const ANALYTICS_SELF =
  'AGENT and TEAM_LEAD see only their own numbers (scope SELF: facts where they were the agent); MANAGER, ADMIN and API keys with ANALYTICS see the organization.';
export const ANALYTICS = rule('AGENT', ['ANALYTICS'], { condition: ANALYTICS_SELF });

export const TASK_OWNERSHIP = 'An AGENT (and an API key, which acts as one) changes only tasks they created or are assigned to; TEAM_LEAD and up change every task.';
export const SLA_ALERT_AUDIENCE = "A user receives the alerts they are a recipient of; MANAGER and ADMIN receive all of their organization's, as does an API key with READ.";

/** Root fields of Query. */
export const QUERY_RULES = {
  agents: READ,
  analytics: ANALYTICS,
  apiKeys: ADMIN,
  auditLogs: MANAGER,
  businessCalendars: MANAGER,
  channels: READ,
  customers: READ,
  exportThreads: ANALYTICS,
  inboundEvents: ADMIN,
  notifications: SIGNED_IN,
  node: READ,
  nodes: READ,
  organizationSettings: ADMIN,
  organizationSurveySettings: ADMIN,
  renderTemplate: READ,
  routingRules: MANAGER,
  slaPolicies: MANAGER,
  slaPreview: MANAGER,
  tasks: READ,
  teams: READ,
  templateFamilies: READ,
  templateVariables: READ,
  templates: READ,
  threads: READ,
  viewer: SIGNED_IN,
} as const satisfies Record<string, Rule>;

/** Root fields of Mutation. */
export const MUTATION_RULES = {
  anonymizeCustomer: ADMIN,
  addTeamMember: ADMIN,
  assignThread: WRITE,
  bulkUpdateThreads: WRITE,
  completeTask: rule('AGENT', ['WRITE'], { condition: TASK_OWNERSHIP }),
  createApiKey: ADMIN,
  createBusinessCalendar: MANAGER,
  createChannel: ADMIN,
  createCustomer: WRITE,
  createRoutingRule: MANAGER,
  createSlaPolicy: MANAGER,
  createTask: WRITE,
  createTemplate: TEAM_LEAD,
  createThread: WRITE,
  deactivateUser: ADMIN,
  deleteCustomer: ADMIN,
  deleteRoutingRule: MANAGER,
  deleteSlaPolicy: MANAGER,
  deleteThread: MANAGER,
  exportCustomerData: ADMIN,
  ingestMessage: INGEST,
  logCall: WRITE,
  login: PUBLIC,
  logout: SIGNED_IN,
  mergeCustomers: WRITE,
  mergeThreads: WRITE,
  markNotificationsRead: SIGNED_IN,
  markThreadRead: SIGNED_IN,
  markThreadUnread: SIGNED_IN,
  postMessage: WRITE,
  removeTeamMember: ADMIN,
  replayInboundEvent: ADMIN,
  restoreCustomer: ADMIN,
  restoreThread: MANAGER,
  retryMessage: WRITE,
  revokeApiKey: ADMIN,
  revokeSessions: ADMIN,
  setAvailability: SIGNED_IN,
  snoozeThread: WRITE,
  testChannel: ADMIN,
  unsnoozeThread: WRITE,
  updateBusinessCalendar: MANAGER,
  updateChannel: ADMIN,
  updateCustomer: WRITE,
  updateDeliveryStatus: INGEST,
  updateOrganizationSettings: ADMIN,
  updateRoutingRule: MANAGER,
  updateSlaPolicy: MANAGER,
  updateSurveySettings: ADMIN,
  updateTask: rule('AGENT', ['WRITE'], { condition: TASK_OWNERSHIP }),
  updateTeam: MANAGER,
  updateTemplate: TEAM_LEAD,
  updateMyPreferences: SIGNED_IN,
  updateThread: WRITE,
} as const satisfies Record<string, Rule>;

/** Root fields of Subscription. */
export const SUBSCRIPTION_RULES = {
  analyticsUpdated: ANALYTICS,
  messageAdded: READ,
  messageUpdated: READ,
  notificationAdded: SIGNED_IN,
  slaAlert: rule('AGENT', ['READ'], { condition: SLA_ALERT_AUDIENCE }),
  threadUpdated: READ,
} as const satisfies Record<string, Rule>;

/**
 * Who may read objects of each type (Pothos type-level authScopes). Through
 * `node`/`nodes` the rule of `node` applies as well; a row of a type the viewer
 * may not read comes back as null with a FORBIDDEN error.
 */
export const TYPE_RULES = {
  ApiKey: ADMIN,
  AuditLog: MANAGER,
  BusinessCalendar: ANY_VIEWER,
  Channel: ANY_VIEWER,
  Customer: ANY_VIEWER,
  InboundEvent: ADMIN,
  Message: ANY_VIEWER,
  Notification: rule('AGENT', [], { condition: "Only the notification's recipient reads it (node and notifications)." }),
  RoutingRule: MANAGER,
  SlaEvent: ANY_VIEWER,
  SlaPolicy: ANY_VIEWER,
  Task: ANY_VIEWER,
  Team: ANY_VIEWER,
  Template: ANY_VIEWER,
  Thread: ANY_VIEWER,
  User: OPEN,
} as const satisfies Record<string, Rule>;

/** Fields of a readable type that only some roles may read (null with FORBIDDEN for the others). */
export const FIELD_RULES = {
  'Channel.configuration': ADMIN,
  'Channel.health': ADMIN,
  'Channel.secretKeys': ADMIN,
  'Channel.webhookUrl': ADMIN,
  'User.organization': SIGNED_IN,
} as const satisfies Record<string, Rule>;

export type RootFieldName = keyof typeof QUERY_RULES | keyof typeof MUTATION_RULES | keyof typeof SUBSCRIPTION_RULES;
export type TypeName = keyof typeof TYPE_RULES;
export type FieldName = keyof typeof FIELD_RULES;
export type PermissionKey = RootFieldName | TypeName | FieldName;

export const ROOT_RULES = { Query: QUERY_RULES, Mutation: MUTATION_RULES, Subscription: SUBSCRIPTION_RULES } as const;

/** The rule of a root field name, a type name or a "Type.field". */
export function ruleOf(key: string): Rule | undefined {
  if (key.includes('.')) return (FIELD_RULES as Record<string, Rule>)[key];
  if (/^[A-Z]/.test(key)) return (TYPE_RULES as Record<string, Rule>)[key];
  for (const rules of Object.values(ROOT_RULES)) {
    const r = (rules as Record<string, Rule>)[key];
    if (r) return r;
  }
  return undefined;
}

// A root field name must mean one thing: `can(name)` looks it up without its root type.
{
  const seen = new Set<string>();
  for (const rules of Object.values(ROOT_RULES)) {
    for (const name of Object.keys(rules)) {
      if (seen.has(name)) throw new Error(`permissions: root field ${name} appears twice`);
      seen.add(name);
    }
  }
}

/**
 * The Pothos auth scopes (schema/builder.ts). `user`, `teamLead`, `manager`,
 * `admin`: a user of that role or above; `readKey`, `writeKey`, `ingest`,
 * `analytics`: an API key with that scope; `public`: anyone. `viewer`: anyone
 * signed in; `read` / `write`: a user or a key with READ / WRITE (kept for
 * older code; rules use the scopes above).
 */
export interface HubAuthScopes {
  public: boolean;
  viewer: boolean;
  user: boolean;
  teamLead: boolean;
  manager: boolean;
  admin: boolean;
  readKey: boolean;
  writeKey: boolean;
  ingest: boolean;
  analytics: boolean;
  read: boolean;
  write: boolean;
}

const ROLE_SCOPE: Record<UserRole, keyof HubAuthScopes> = { AGENT: 'user', TEAM_LEAD: 'teamLead', MANAGER: 'manager', ADMIN: 'admin' };
const KEY_SCOPE: Record<ApiKeyScope, keyof HubAuthScopes> = { READ: 'readKey', WRITE: 'writeKey', INGEST: 'ingest', ANALYTICS: 'analytics' };

/** The scopes a viewer holds (the builder's `scopeAuth.authScopes`). */
export function authScopesOf(v: Viewer | null): HubAuthScopes {
  const isUser = v?.kind === 'USER';
  const rank = isUser ? RANK[v.role] : -1;
  const key = (s: ApiKeyScope) => v?.kind === 'API_KEY' && (v.scopes ?? []).includes(s);
  return {
    public: true,
    viewer: v !== null,
    user: isUser,
    teamLead: rank >= RANK.TEAM_LEAD,
    manager: rank >= RANK.MANAGER,
    admin: rank >= RANK.ADMIN,
    readKey: key('READ'),
    writeKey: key('WRITE'),
    ingest: key('INGEST'),
    analytics: key('ANALYTICS'),
    read: isUser || key('READ'),
    write: isUser || key('WRITE'),
  };
}

/** A rule as a Pothos scope map: any one of the scopes allows. */
export function scopesOfRule(r: Rule): Partial<Record<keyof HubAuthScopes, boolean>> {
  if (r.anonymous) return { public: true };
  const map: Partial<Record<keyof HubAuthScopes, boolean>> = {};
  if (r.minRole) map[ROLE_SCOPE[r.minRole]] = true;
  for (const k of r.keys) map[KEY_SCOPE[k]] = true;
  return map;
}

/** `authScopes` of a root field, a type or a "Type.field", from the matrix. */
export function can(key: PermissionKey): Partial<Record<keyof HubAuthScopes, boolean>> {
  const r = ruleOf(key);
  if (!r) throw new Error(`permissions: no rule for ${key}`);
  return scopesOfRule(r);
}

/** Who is asking, for `allows`: a user of a role, an API key with scopes, or nobody. */
export type Who = { kind: 'ANONYMOUS' } | { kind: 'USER'; role: UserRole } | { kind: 'API_KEY'; scopes: readonly ApiKeyScope[] };

/** Whether the rule lets `who` in (the matrix read directly, independent of the Pothos scopes). */
export function allows(r: Rule, who: Who): boolean {
  if (r.anonymous) return true;
  switch (who.kind) {
    case 'ANONYMOUS':
      return false;
    case 'USER':
      return r.minRole !== null && RANK[who.role] >= RANK[r.minRole];
    case 'API_KEY':
      return r.keys.some((k) => who.scopes.includes(k));
  }
}

/**
 * The task rule (TASK_OWNERSHIP), asked by task.service.ts before a change:
 * TEAM_LEAD and up, and system actors (viewer null: jobs, webhooks), change
 * every task; an AGENT or an API key only tasks they created or are assigned to.
 */
export function mayEditTask(viewer: Viewer | null, task: { creatorId: string | null; assigneeId: string | null }): boolean {
  if (!viewer) return true;
  if (viewer.kind === 'USER' && RANK[viewer.role] >= RANK.TEAM_LEAD) return true;
  if (viewer.kind !== 'USER') return false;
  return task.creatorId === viewer.id || task.assigneeId === viewer.id;
}
