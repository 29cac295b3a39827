import { builder, assertPageSize } from '../../schema/builder.js';
import type { User } from '../../generated/prisma/client.js';
import { UserError, runMutation, type UserErrorShape } from '../../schema/common.js';
import { UserRoleEnum } from '../../schema/enums.js';
import { assertSingleLogin } from '../auth/single-login.js';
import { login } from '../auth/auth.service.js';
import { can } from '../auth/permissions.js';
import { updateMyPreferences } from './preferences.service.js';

export const UserNode = builder.prismaNode('User', {
  id: { field: 'id' },
  // Select mode (issue 8 §1): a query loads the columns below and those its other fields ask for.
  // The columns below are the ones the inbox and thread view nearly always ask for: fields reading
  // only them resolve straight from the row (schema/column-fields.ts). Rows a service returns
  // carry every column.
  select: { id: true, name: true }, // never passwordHash or tokenVersion
  authScopes: can('User'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'An agent of the organization.',
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: UserRoleEnum }),
    skills: t.exposeStringList('skills', { description: 'Routing skills, e.g. ["nl","whatsapp","installation"].' }),
    isActive: t.exposeBoolean('isActive'),
    locale: t.exposeString('locale', {
      nullable: true,
      description: "The user's UI language: nl, en or it; null follows the organization's locale (Organization.locale). Set with updateMyPreferences.",
    }),
    timezone: t.exposeString('timezone', {
      nullable: true,
      description: "IANA time zone the user's inbox shows times in, e.g. Europe/Rome; null follows the organization's (Organization.timezone). Set with updateMyPreferences.",
    }),
  }),
});

export const TeamNode = builder.prismaNode('Team', {
  id: { field: 'id' },
  authScopes: can('Team'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'A group of agents threads can be assigned to.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    members: t.field({
      type: [UserNode],
      select: { members: { include: { user: true } } },
      resolve: (team) => team.members.map((m) => m.user),
    }),
  }),
});

builder.prismaObjectField('User', 'teams', (t) =>
  t.field({
    type: [TeamNode],
    select: { teamMemberships: { include: { team: true } } },
    resolve: (u) => u.teamMemberships.map((m) => m.team),
  }),
);

builder.queryFields((t) => ({
  viewer: t.prismaField({
    type: 'User',
    description: 'The signed-in agent.',
    authScopes: can('viewer'),
    resolve: (query, _root, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: ctx.viewer!.id } }),
  }),
  agents: t.prismaConnection(
    {
      type: 'User',
      nullable: false,
      cursor: 'id',
      description: 'Active agents of the organization, by name.',
      authScopes: can('agents'),
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        return ctx.db.user.findMany({ ...query, where: { isActive: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
      },
      totalCount: (_root, _args, ctx) => ctx.db.user.count({ where: { isActive: true } }),
    },
    { name: 'UserConnection' },
    { name: 'UserEdge' },
  ),
  teams: t.prismaField({
    type: ['Team'],
    description: 'Teams of the organization, by name.',
    authScopes: can('teams'),
    resolve: (query, _root, _args, ctx) => ctx.db.team.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
}));

const LoginPayload = builder.objectRef<{ token?: string; user?: User; errors: UserErrorShape[] }>('LoginPayload').implement({
  fields: (t) => ({
    token: t.string({
      nullable: true,
      description: 'Session JWT for `Authorization: Bearer <token>` and graphql-ws connectionParams.authorization.',
      resolve: (p) => p.token ?? null,
    }),
    // The user who just signed in (the request itself is still anonymous, so its tenant client reads
    // nothing): read with the fields the operation selects (User is in select mode), by id only.
    user: t.prismaField({
      type: 'User',
      nullable: true,
      skipTypeScopes: true,
      resolve: (query, p, _args, ctx) => (p.user ? ctx.deps.db.prisma.user.findUnique({ ...query, where: { id: p.user.id } }) : null),
    }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

builder.mutationField('login', (t) =>
  t.field({
    type: LoginPayload,
    description:
      'Signs in with e-mail and password; returns a session token (JWT, valid JWT_TTL_SECONDS) and the agent. Errors: INVALID_CREDENTIALS (unknown e-mail, wrong password, locked account alike: 10 wrong passwords for one e-mail within 15 minutes lock it for a growing period), VALIDATION_FAILED. One `login` per operation: an operation with several is refused (BAD_USER_INPUT).',
    authScopes: can('login'),
    skipTypeScopes: true,
    args: {
      email: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
      organizationSlug: t.arg.string({ description: 'Needed only when the e-mail exists in several organizations.' }),
    },
    resolve: (_root, args, ctx, info) => {
      assertSingleLogin(info);
      return runMutation(() => login(ctx, args), '');
    },
  }),
);

/** The organization as its own users see it (name and defaults); ADMIN settings are in OrganizationSettings. */
const OrganizationRef = builder.objectRef<{ slug: string; name: string; locale: string; timezone: string }>('Organization').implement({
  description: "The user's organization: its name and the defaults users without a preference of their own follow.",
  fields: (t) => ({
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    locale: t.exposeString('locale', { description: 'Default UI language (BCP 47, e.g. "nl") of users whose User.locale is null.' }),
    timezone: t.exposeString('timezone', {
      description: 'Default IANA time zone (e.g. "Europe/Amsterdam") of users whose User.timezone is null; also business hours and reports.',
    }),
  }),
});

builder.prismaObjectField('User', 'organization', (t) =>
  t.field({
    type: OrganizationRef,
    authScopes: can('User.organization'),
    description: "The user's organization (signed-in users: viewer { organization { locale timezone } } gives the defaults the UI falls back to).",
    select: { organization: { select: { slug: true, name: true, locale: true, timezone: true } } },
    resolve: (u) => u.organization,
  }),
);

const UpdateMyPreferencesInputRef = builder.inputType('UpdateMyPreferencesInput', {
  description: "Only the fields given change; null clears a preference (back to the organization's).",
  fields: (t) => ({
    locale: t.string({ description: 'UI language: nl, en or it; null follows the organization.' }),
    timezone: t.string({ description: 'IANA time zone, e.g. Europe/Rome; null follows the organization.' }),
  }),
});

const MyPreferencesPayload = builder.objectRef<{ user?: User; errors: UserErrorShape[] }>('MyPreferencesPayload').implement({
  fields: (t) => ({
    user: t.field({ type: UserNode, nullable: true, resolve: (p) => p.user ?? null }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

builder.mutationField('updateMyPreferences', (t) =>
  t.field({
    type: MyPreferencesPayload,
    authScopes: can('updateMyPreferences'),
    description:
      "Changes the signed-in user's own UI language and/or time zone (audited as user.updatePreferences). Errors: VALIDATION_FAILED (input.locale not nl/en/it, input.timezone not a known IANA zone; nothing changes), FORBIDDEN (API keys: no person).",
    args: { input: t.arg({ type: UpdateMyPreferencesInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => updateMyPreferences(ctx, input)),
  }),
);
