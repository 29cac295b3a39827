/** Sessions: logout, revokeSessions and deactivateUser (login itself is in agent.schema.ts). */
import { builder } from '../../schema/builder.js';
import { decodeId, payloadType, runMutation, UserError, type UserErrorShape } from '../../schema/common.js';
import { UserNode } from '../agent/agent.schema.js';
import { can } from './permissions.js';
import { deactivateUser, logout, revokeSessions } from './auth.service.js';

const LogoutPayload = builder.objectRef<{ ok?: boolean; errors: UserErrorShape[] }>('LogoutPayload').implement({
  fields: (t) => ({
    ok: t.boolean({ resolve: (p) => p.ok ?? false }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

const UserPayload = payloadType('UserPayload', 'user', UserNode);

builder.mutationFields((t) => ({
  logout: t.field({
    type: LogoutPayload,
    authScopes: can('logout'),
    description: 'Ends the session of the token used (and every other session of the same user: sessions are versioned per user). Its open graphql-ws sockets close with 4401.',
    resolve: (_r, _a, ctx) => runMutation(() => logout(ctx), ''),
  }),
  revokeSessions: t.field({
    type: UserPayload,
    authScopes: can('revokeSessions'),
    description: "Ends every session of the user (ADMIN); the user's open graphql-ws sockets close within a second (4401). Errors: NOT_FOUND.",
    args: { userId: t.arg.id({ required: true }) },
    resolve: (_r, { userId }, ctx) => runMutation(() => revokeSessions(ctx, decodeId('User', String(userId), 'userId')), ''),
  }),
  deactivateUser: t.field({
    type: UserPayload,
    authScopes: can('deactivateUser'),
    description:
      'Deactivates the user (ADMIN): no more logins, every session ends, open graphql-ws sockets close within a second (4401). Errors: NOT_FOUND, VALIDATION_FAILED (yourself).',
    args: { userId: t.arg.id({ required: true }) },
    resolve: (_r, { userId }, ctx) => runMutation(() => deactivateUser(ctx, decodeId('User', String(userId), 'userId')), ''),
  }),
}));
