/**
 * The assignment GraphQL surface: routing rule CRUD with its limits and audit
 * rows, team settings and membership, availability, and who may use them
 * (MANAGER for rules and team settings, ADMIN for membership, every signed-in
 * user for their own availability).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyFor, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid } from '../graphql/helpers.js';
import { CREATE_RULE, SET_AVAILABILITY, UPDATE_TEAM, auditRows, changesOf, createTeam, setupOrg, uuidOf, type Org } from './fixtures.js';

let app: TestApp;
let server: TestServer;
let org: Org;
let teamId: string;
let agent: { id: string; token: string };

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  org = await setupOrg(app);
  teamId = (await createTeam(app, org.orgId, 'Support')).id;
  const user = await createUser(app.deps, org.orgId, { role: 'AGENT', name: 'Agent' });
  agent = { id: user.id, token: await tokenFor(app.deps, user) };
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const p = () => app.deps.db.prisma;
const RULES = `query($active: Boolean){ routingRules(first: 50, isActive: $active){ totalCount edges { node { id name rank isActive } } } }`;
const UPDATE_RULE = `mutation($i: UpdateRoutingRuleInput!){ updateRoutingRule(input: $i){ routingRule { id name rank isActive requiredSkills conditions { threadTypes languages } team { id } } errors { code field } } }`;
const DELETE_RULE = `mutation($id: ID!){ deleteRoutingRule(ruleId: $id){ deletedRuleId errors { code field } } }`;
const ADD_MEMBER = `mutation($i: TeamMemberInput!){ addTeamMember(input: $i){ team { id members { id } } errors { code field } } }`;
const REMOVE_MEMBER = `mutation($i: TeamMemberInput!){ removeTeamMember(input: $i){ team { id members { id } } errors { code field } } }`;
const NODE = `query($id: ID!){ node(id: $id){ id ... on RoutingRule { name } } }`;

const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

describe('routing rules', () => {
  it('create, list in rank order, update, delete, each audited with the manager as actor', async () => {
    const created = await server.gql(
      CREATE_RULE,
      {
        i: {
          name: '  Italiaans  ',
          teamId: gid('Team', teamId),
          rank: 5,
          requiredSkills: ['it', 'it'],
          conditions: { languages: ['IT', 'it-CH'], customerTiers: ['PREMIUM'], channelTypes: ['WHATSAPP_BUSINESS'] },
        },
      },
      org.managerToken,
    );
    expect(created.errors).toBeUndefined();
    const rule = created.data.createRoutingRule.routingRule;
    expect(created.data.createRoutingRule.errors).toEqual([]);
    expect(rule).toMatchObject({
      name: 'Italiaans',
      rank: 5,
      isActive: true,
      requiredSkills: ['it'],
      team: { id: gid('Team', teamId) },
      conditions: { channelTypes: ['WHATSAPP_BUSINESS'], threadTypes: [], customerTiers: ['PREMIUM'], languages: ['it', 'it-ch'] },
    });
    const fallback = (await server.gql(CREATE_RULE, { i: { name: 'Vangnet', teamId: gid('Team', teamId) } }, org.managerToken)).data.createRoutingRule.routingRule;
    expect(fallback).toMatchObject({ rank: 100, requiredSkills: [], conditions: { channelTypes: [], threadTypes: [], customerTiers: [], languages: [] } });

    const audit = (await auditRows(app, org.orgId, 'routingRule.create', uuidOf(rule.id)))[0]!;
    expect(audit).toMatchObject({ actorType: 'USER', actorUserId: org.managerId, entityType: 'RoutingRule' });
    expect(changesOf(audit).after).toMatchObject({ name: 'Italiaans', teamId, rank: 5 });

    let list = await server.gql(RULES, {}, org.managerToken);
    expect(list.data.routingRules.totalCount).toBe(2);
    expect(list.data.routingRules.edges.map((e: any) => e.node.name)).toEqual(['Italiaans', 'Vangnet']);

    const updated = await server.gql(UPDATE_RULE, { i: { ruleId: fallback.id, rank: 1, isActive: false, conditions: { threadTypes: ['COMPLAINT'] } } }, org.managerToken);
    expect(updated.data.updateRoutingRule).toMatchObject({
      errors: [],
      routingRule: { name: 'Vangnet', rank: 1, isActive: false, conditions: { threadTypes: ['COMPLAINT'], languages: [] } },
    });
    const upd = changesOf((await auditRows(app, org.orgId, 'routingRule.update', uuidOf(fallback.id)))[0]!);
    expect(upd.before).toEqual({ rank: 100, isActive: true, conditions: { channelTypes: [], threadTypes: [], customerTiers: [], languages: [] } });
    expect(upd.after).toMatchObject({ rank: 1, isActive: false });
    expect(Object.keys(upd.after).sort()).toEqual(['conditions', 'isActive', 'rank']);

    list = await server.gql(RULES, { active: true }, org.managerToken);
    expect(list.data.routingRules.edges.map((e: any) => e.node.name)).toEqual(['Italiaans']);
    list = await server.gql(RULES, {}, org.managerToken);
    expect(list.data.routingRules.edges.map((e: any) => e.node.name)).toEqual(['Vangnet', 'Italiaans']);

    const deleted = await server.gql(DELETE_RULE, { id: fallback.id }, org.managerToken);
    expect(deleted.data.deleteRoutingRule).toEqual({ deletedRuleId: fallback.id, errors: [] });
    expect(await auditRows(app, org.orgId, 'routingRule.delete', uuidOf(fallback.id))).toHaveLength(1);
    expect((await server.gql(NODE, { id: fallback.id }, org.managerToken)).data.node).toBeNull();
    expect((await server.gql(NODE, { id: rule.id }, org.managerToken)).data.node).toEqual({ id: rule.id, name: 'Italiaans' });
    const again = await server.gql(DELETE_RULE, { id: fallback.id }, org.managerToken);
    expect(again.data.deleteRoutingRule.errors).toEqual([{ code: 'NOT_FOUND', field: 'ruleId' }]);
  });

  it('refuses what breaks the limits or the name rule, and changes nothing', async () => {
    const before = await p().routingRule.count({ where: { organizationId: org.orgId } });
    const team = gid('Team', teamId);
    const bad: [Record<string, unknown>, string, string][] = [
      [{ name: 'x'.repeat(101), teamId: team }, 'VALIDATION_FAILED', 'input.name'],
      [{ name: '   ', teamId: team }, 'VALIDATION_FAILED', 'input.name'],
      [{ name: 'Skills', teamId: team, requiredSkills: Array.from({ length: 51 }, (_, i) => `s${i}`) }, 'VALIDATION_FAILED', 'input.requiredSkills'],
      [{ name: 'Skill', teamId: team, requiredSkills: ['x'.repeat(51)] }, 'VALIDATION_FAILED', 'input.requiredSkills.0'],
      [{ name: 'Talen', teamId: team, conditions: { languages: Array.from({ length: 51 }, () => 'nl') } }, 'VALIDATION_FAILED', 'input.conditions.languages'],
      [{ name: 'Taal', teamId: team, conditions: { languages: ['italiano!'] } }, 'VALIDATION_FAILED', 'input.conditions.languages.0'],
      [{ name: 'Rank', teamId: team, rank: -1 }, 'VALIDATION_FAILED', 'input.rank'],
      [{ name: 'Team', teamId: gid('Team', '00000000-0000-4000-8000-000000000001') }, 'NOT_FOUND', 'input.teamId'],
    ];
    for (const [i, code, field] of bad) {
      const res = await server.gql(CREATE_RULE, { i }, org.managerToken);
      expect(res.data.createRoutingRule.errors[0], JSON.stringify(i).slice(0, 80)).toMatchObject({ code, field });
    }
    // Another organization's team is not found either.
    const other = await createOrganization(app.deps);
    const foreignTeam = await createTeam(app, other.id, 'Elders');
    expect((await server.gql(CREATE_RULE, { i: { name: 'Elders', teamId: gid('Team', foreignTeam.id) } }, org.managerToken)).data.createRoutingRule.errors[0]).toMatchObject({
      code: 'NOT_FOUND',
    });

    expect((await server.gql(CREATE_RULE, { i: { name: 'Uniek', teamId: team } }, org.managerToken)).data.createRoutingRule.errors).toEqual([]);
    const dup = await server.gql(CREATE_RULE, { i: { name: 'Uniek', teamId: team } }, org.managerToken);
    expect(dup.data.createRoutingRule.errors[0]).toMatchObject({ code: 'ROUTING_RULE_NAME_TAKEN', field: 'input.name' });
    expect(await p().routingRule.count({ where: { organizationId: org.orgId } })).toBe(before + 1);

    // The same name in another organization is fine; its rules stay invisible here.
    const otherManager = await createUser(app.deps, other.id, { role: 'MANAGER' });
    const otherToken = await tokenFor(app.deps, otherManager);
    const foreign = await server.gql(CREATE_RULE, { i: { name: 'Uniek', teamId: gid('Team', foreignTeam.id) } }, otherToken);
    expect(foreign.data.createRoutingRule.errors).toEqual([]);
    const foreignId = foreign.data.createRoutingRule.routingRule.id;
    expect((await server.gql(NODE, { id: foreignId }, org.managerToken)).data.node).toBeNull();
    expect((await server.gql(UPDATE_RULE, { i: { ruleId: foreignId, rank: 3 } }, org.managerToken)).data.updateRoutingRule.errors[0]).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.ruleId',
    });
    expect((await server.gql(DELETE_RULE, { id: foreignId }, org.managerToken)).data.deleteRoutingRule.errors[0]).toMatchObject({ code: 'NOT_FOUND' });
    const names = (await server.gql(RULES, {}, org.managerToken)).data.routingRules.edges.map((e: any) => e.node.id);
    expect(names).not.toContain(foreignId);
    expect(await p().routingRule.findUniqueOrThrow({ where: { id: uuidOf(foreignId) } })).toMatchObject({ rank: 100 });
  });
});

describe('team settings, membership and availability', () => {
  it('updateTeam sets, keeps and clears the assignment settings (audited), with limits', async () => {
    const set = await server.gql(
      UPDATE_TEAM,
      { i: { teamId: gid('Team', teamId), assignment: { strategy: 'LEAST_LOADED', maxOpenPerAgent: 3, reassignAfterSeconds: 600 } } },
      org.managerToken,
    );
    expect(set.data.updateTeam).toMatchObject({ errors: [], team: { assignment: { strategy: 'LEAST_LOADED', maxOpenPerAgent: 3, reassignAfterSeconds: 600 } } });
    const cleared = await server.gql(UPDATE_TEAM, { i: { teamId: gid('Team', teamId), assignment: { maxOpenPerAgent: null } } }, org.managerToken);
    expect(cleared.data.updateTeam.team.assignment).toEqual({ strategy: 'LEAST_LOADED', maxOpenPerAgent: null, reassignAfterSeconds: 600 });
    const rows = await auditRows(app, org.orgId, 'team.update', teamId);
    expect(rows.map((r) => changesOf(r).after)).toEqual([{ assignmentStrategy: 'LEAST_LOADED', maxOpenPerAgent: 3, reassignAfterSeconds: 600 }, { maxOpenPerAgent: null }]);

    for (const [assignment, field] of [
      [{ maxOpenPerAgent: 0 }, 'input.assignment.maxOpenPerAgent'],
      [{ reassignAfterSeconds: 5 }, 'input.assignment.reassignAfterSeconds'],
      [{ reassignAfterSeconds: 8 * 86_400 }, 'input.assignment.reassignAfterSeconds'],
    ] as const) {
      const res = await server.gql(UPDATE_TEAM, { i: { teamId: gid('Team', teamId), assignment } }, org.managerToken);
      expect(res.data.updateTeam.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    expect(await p().team.findUniqueOrThrow({ where: { id: teamId } })).toMatchObject({ assignmentStrategy: 'LEAST_LOADED', maxOpenPerAgent: null, reassignAfterSeconds: 600 });

    // Every viewer reads the settings and the queue length.
    const read = await server.gql(`{ teams { name assignment { strategy } queueLength } }`, {}, agent.token);
    expect(read.data.teams).toEqual([{ name: 'Support', assignment: { strategy: 'LEAST_LOADED' }, queueLength: 0 }]);
  });

  it('addTeamMember / removeTeamMember (ADMIN), audited; removing a non-member is NOT_TEAM_MEMBER', async () => {
    const i = { teamId: gid('Team', teamId), userId: gid('User', agent.id) };
    const added = await server.gql(ADD_MEMBER, { i }, org.adminToken);
    expect(added.data.addTeamMember.errors).toEqual([]);
    expect(added.data.addTeamMember.team.members.map((m: any) => m.id)).toContain(gid('User', agent.id));
    expect((await server.gql(ADD_MEMBER, { i }, org.adminToken)).data.addTeamMember.errors).toEqual([]);
    expect(await auditRows(app, org.orgId, 'team.addMember', teamId)).toHaveLength(1);

    const removed = await server.gql(REMOVE_MEMBER, { i }, org.adminToken);
    expect(removed.data.removeTeamMember.errors).toEqual([]);
    expect(removed.data.removeTeamMember.team.members).toEqual([]);
    expect(changesOf((await auditRows(app, org.orgId, 'team.removeMember', teamId))[0]!).before).toEqual({ userId: agent.id });
    expect((await server.gql(REMOVE_MEMBER, { i }, org.adminToken)).data.removeTeamMember.errors).toEqual([{ code: 'NOT_TEAM_MEMBER', field: 'input.userId' }]);

    const other = await createOrganization(app.deps);
    const stranger = await createUser(app.deps, other.id);
    const res = await server.gql(ADD_MEMBER, { i: { teamId: gid('Team', teamId), userId: gid('User', stranger.id) } }, org.adminToken);
    expect(res.data.addTeamMember.errors).toEqual([{ code: 'NOT_FOUND', field: 'input.userId' }]);
  });

  it('setAvailability changes only the viewer; User.availability shows it', async () => {
    const res = await server.gql(SET_AVAILABILITY, { a: 'AWAY' }, agent.token);
    expect(res.data.setAvailability).toEqual({ errors: [], user: { id: gid('User', agent.id), availability: 'AWAY' } });
    const viewer = await server.gql(`{ viewer { availability } }`, {}, agent.token);
    expect(viewer.data.viewer.availability).toBe('AWAY');
    expect((await p().user.findUniqueOrThrow({ where: { id: org.managerId } })).availability).toBe('OFFLINE');
  });
});

describe('permissions', () => {
  it('an AGENT gets FORBIDDEN on routing rules and team settings; a MANAGER on membership; an API key on availability', async () => {
    const rule = (await server.gql(CREATE_RULE, { i: { name: 'Alleen managers', teamId: gid('Team', teamId) } }, org.managerToken)).data.createRoutingRule.routingRule;
    const before = await p().routingRule.count({ where: { organizationId: org.orgId } });
    const asAgent = [
      await server.gql(RULES, {}, agent.token),
      await server.gql(CREATE_RULE, { i: { name: 'Agent', teamId: gid('Team', teamId) } }, agent.token),
      await server.gql(UPDATE_RULE, { i: { ruleId: rule.id, rank: 0 } }, agent.token),
      await server.gql(DELETE_RULE, { id: rule.id }, agent.token),
      await server.gql(UPDATE_TEAM, { i: { teamId: gid('Team', teamId), assignment: { strategy: 'MANUAL' } } }, agent.token),
      await server.gql(NODE, { id: rule.id }, agent.token),
    ];
    expect(asAgent.map(codeOf)).toEqual(Array(asAgent.length).fill('FORBIDDEN'));
    expect(asAgent.at(-1)!.data.node).toBeNull();
    const i = { teamId: gid('Team', teamId), userId: gid('User', agent.id) };
    expect(codeOf(await server.gql(ADD_MEMBER, { i }, org.managerToken))).toBe('FORBIDDEN');
    expect(codeOf(await server.gql(REMOVE_MEMBER, { i }, org.managerToken))).toBe('FORBIDDEN');
    const key = await createApiKeyFor(app.deps, org.orgId, ['READ', 'WRITE']);
    expect(codeOf(await server.gql(SET_AVAILABILITY, { a: 'ONLINE' }, key))).toBe('FORBIDDEN');
    expect(codeOf(await server.gql(RULES, {}, key))).toBe('FORBIDDEN');
    expect(codeOf(await server.gql(RULES, {}))).toBe('UNAUTHENTICATED');

    expect(await p().routingRule.count({ where: { organizationId: org.orgId } })).toBe(before);
    expect(await p().routingRule.findUniqueOrThrow({ where: { id: uuidOf(rule.id) } })).toMatchObject({ rank: 100 });
    expect((await p().team.findUniqueOrThrow({ where: { id: teamId } })).assignmentStrategy).not.toBe('MANUAL');
  });
});
