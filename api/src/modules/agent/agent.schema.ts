import { builder, assertPageSize } from '../../schema/builder.js';
import type { User } from '../../generated/prisma/client.js';
import { UserError, runMutation, type UserErrorShape } from '../../schema/common.js';
import { UserRoleEnum } from '../../schema/enums.js';
import { assertSingleLogin } from '../auth/single-login.js';
import { login } from '../auth/auth.service.js';
import { can } from '../auth/permissions.js';


export const UserNode = builder.prismaNode('User', {
  id: { field: 'id' },
  authScopes: can('User'),
  nullable: true, // a missing or other-tenant id loads as null, not as an internal error
  description: 'An agent of the organization.',
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: UserRoleEnum }),
    skills: t.exposeStringList('skills', { description: 'Routing skills, e.g. ["nl","whatsapp","installation"].' }),
    isActive: t.exposeBoolean('isActive'),
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
  agents: t.prismaConnection({
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

const LoginPayload = builder
  .objectRef<{ token?: string; user?: User; errors: UserErrorShape[] }>('LoginPayload')
  .implement({
    fields: (t) => ({
      token: t.string({
        nullable: true,
        description: 'Session JWT for `Authorization: Bearer <token>` and graphql-ws connectionParams.authorization.',
        resolve: (p) => p.token ?? null,
      }),
      // The user who just signed in (the request itself is still anonymous).
      user: t.field({ type: UserNode, nullable: true, skipTypeScopes: true, resolve: (p) => p.user ?? null }),
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
