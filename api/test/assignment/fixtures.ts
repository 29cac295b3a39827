/**
 * Shared setup of the assignment tests (not a test file): an organization with
 * a manager and an admin, a channel, teams with assignment settings, agents
 * with availability and skills, and GraphQL documents.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import type { AssignmentStrategy, UserAvailability } from '../../src/generated/prisma/enums.js';
import { createChannel, createOrganization, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';

export const CREATE_THREAD = `mutation($i: CreateThreadInput!){ createThread(input: $i){ thread { id } errors { code message field } } }`;
export const UPDATE_THREAD = `mutation($i: UpdateThreadInput!){ updateThread(input: $i){ thread { id status } errors { code message field } } }`;
export const ASSIGN_THREAD = `mutation($i: AssignThreadInput!){ assignThread(input: $i){ thread { id queuedAt assignee { id } } errors { code message field } } }`;
export const CREATE_RULE = `mutation($i: CreateRoutingRuleInput!){ createRoutingRule(input: $i){
  routingRule { id name rank isActive requiredSkills team { id } conditions { channelTypes threadTypes customerTiers languages } }
  errors { code message field } } }`;
export const UPDATE_TEAM = `mutation($i: UpdateTeamInput!){ updateTeam(input: $i){ team { id assignment { strategy maxOpenPerAgent reassignAfterSeconds } } errors { code message field } } }`;
export const SET_AVAILABILITY = `mutation($a: UserAvailability!){ setAvailability(availability: $a){ user { id availability } errors { code message field } } }`;

/** The database id inside a Relay global id. */
export const uuidOf = (globalId: string) => decodeGlobalID(globalId).id;

export interface Org {
  orgId: string;
  channelId: string;
  managerId: string;
  managerToken: string;
  adminId: string;
  adminToken: string;
}

export async function setupOrg(app: TestApp): Promise<Org> {
  const org = await createOrganization(app.deps);
  const manager = await createUser(app.deps, org.id, { role: 'MANAGER', name: 'Manager' });
  const admin = await createUser(app.deps, org.id, { role: 'ADMIN', name: 'Admin' });
  const channel = await createChannel(app.deps, org.id, { type: 'EMAIL_OUTLOOK' });
  return {
    orgId: org.id,
    channelId: channel.id,
    managerId: manager.id,
    managerToken: await tokenFor(app.deps, manager),
    adminId: admin.id,
    adminToken: await tokenFor(app.deps, admin),
  };
}

export async function createTeam(
  app: TestApp,
  orgId: string,
  name: string,
  settings: { strategy?: AssignmentStrategy; maxOpenPerAgent?: number | null; reassignAfterSeconds?: number | null } = {},
) {
  return app.deps.db.prisma.team.create({
    data: {
      organizationId: orgId,
      name,
      assignmentStrategy: settings.strategy ?? 'ROUND_ROBIN',
      maxOpenPerAgent: settings.maxOpenPerAgent ?? null,
      reassignAfterSeconds: settings.reassignAfterSeconds ?? null,
    },
  });
}

/** An AGENT of the organization, member of `teams`, with availability (default ONLINE, seen now) and skills. */
export async function createAgent(app: TestApp, orgId: string, opts: { name: string; teams: string[]; skills?: string[]; availability?: UserAvailability }) {
  const user = await createUser(app.deps, orgId, { name: opts.name });
  const p = app.deps.db.prisma;
  await p.user.update({ where: { id: user.id }, data: { skills: opts.skills ?? [], availability: opts.availability ?? 'ONLINE', lastSeenAt: app.clock.now() } });
  for (const teamId of opts.teams) await p.teamMembership.create({ data: { teamId, userId: user.id } });
  return { ...user, token: await tokenFor(app.deps, user) };
}

/** Creates a thread through GraphQL (createThread); returns its database id. */
export async function createThreadVia(server: TestServer, token: string, input: Record<string, unknown>): Promise<string> {
  const res = await server.gql(CREATE_THREAD, { i: input }, token);
  expect(res.errors).toBeUndefined();
  expect(res.data.createThread.errors).toEqual([]);
  return uuidOf(res.data.createThread.thread.id);
}

/** Audit rows of an organization with one action, oldest first. */
export async function auditRows(app: TestApp, orgId: string, action: string, entityId?: string) {
  return app.deps.db.prisma.auditLog.findMany({ where: { organizationId: orgId, action, ...(entityId ? { entityId } : {}) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

export type Changes = { before: any; after: any };
export const changesOf = (row: { changes: unknown }) => row.changes as Changes;
