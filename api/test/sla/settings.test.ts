/**
 * SLA settings over GraphQL (src/modules/sla/settings.schema.ts): business
 * calendars and SLA policies (create, update, delete, list), typed errors
 * that change nothing, the default escalation ladder, audit rows, the
 * permission matrix (MANAGER and up), tenant isolation and `slaPreview` on the
 * issue's office calendar (Europe/Amsterdam, lunch break, NL holidays). Plus
 * unit cases of the pure helpers the engine imports (matchPolicy,
 * policyLadder, conditionsOf, calendarOf). Instants are written with their
 * UTC offset; nothing depends on the wall clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarOf } from '../../src/modules/sla/calendar.service.js';
import { conditionsOf, DEFAULT_ESCALATION, matchPolicy, policyLadder, type MatchablePolicy } from '../../src/modules/sla/policy.service.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { auditIds, gid, missingUuid, newAuditRows } from '../graphql/helpers.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let otherOrgId: string;
let manager: { id: string };
let managerToken: string;
let adminToken: string;
let agentToken: string;
let teamLeadToken: string;
let otherManagerToken: string;
let teamId: string;
let otherTeamId: string;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  orgId = (await createOrganization(app.deps)).id;
  otherOrgId = (await createOrganization(app.deps)).id;
  manager = await createUser(app.deps, orgId, { role: 'MANAGER', name: 'Manon Manager' });
  managerToken = await tokenFor(app.deps, manager as never);
  adminToken = await tokenFor(app.deps, (await createUser(app.deps, orgId, { role: 'ADMIN' })) as never);
  agentToken = await tokenFor(app.deps, (await createUser(app.deps, orgId, { role: 'AGENT' })) as never);
  teamLeadToken = await tokenFor(app.deps, (await createUser(app.deps, orgId, { role: 'TEAM_LEAD' })) as never);
  otherManagerToken = await tokenFor(app.deps, (await createUser(app.deps, otherOrgId, { role: 'MANAGER' })) as never);
  teamId = (await app.deps.db.prisma.team.create({ data: { organizationId: orgId, name: 'Installatie' } })).id;
  otherTeamId = (await app.deps.db.prisma.team.create({ data: { organizationId: otherOrgId, name: 'Elders' } })).id;
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const gql = (q: string, v?: Record<string, unknown>, as = managerToken) => server.gql(q, v, as);
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;

const CAL_FIELDS = `id name timezone hours { weekday opens closes } holidays holidayCountry`;
const POLICY_FIELDS = `id name firstResponseSeconds nextResponseSeconds resolutionSeconds rank isActive calendar { id name }
  conditions { channelTypes priorities customerTiers threadTypes teamIds }
  escalation { atPercent afterBreachSeconds action notify }`;
const CREATE_CAL = `mutation($i: CreateBusinessCalendarInput!){ createBusinessCalendar(input:$i){ businessCalendar { ${CAL_FIELDS} } errors { code field message } } }`;
const UPDATE_CAL = `mutation($i: UpdateBusinessCalendarInput!){ updateBusinessCalendar(input:$i){ businessCalendar { ${CAL_FIELDS} } errors { code field message } } }`;
const CREATE_POLICY = `mutation($i: CreateSlaPolicyInput!){ createSlaPolicy(input:$i){ slaPolicy { ${POLICY_FIELDS} } errors { code field message } } }`;
const UPDATE_POLICY = `mutation($i: UpdateSlaPolicyInput!){ updateSlaPolicy(input:$i){ slaPolicy { ${POLICY_FIELDS} } errors { code field message } } }`;
const DELETE_POLICY = `mutation($id: ID!){ deleteSlaPolicy(policyId:$id){ deletedPolicyId errors { code field message } } }`;
const PREVIEW = `query($id: ID!, $at: DateTime!){ slaPreview(policyId:$id, at:$at){ firstResponseDueAt nextResponseDueAt resolutionDueAt } }`;
const CALENDARS = `query($first: Int){ businessCalendars(first:$first){ totalCount edges { node { id name } } } }`;
const POLICIES = `query($active: Boolean){ slaPolicies(first: 50, isActive:$active){ totalCount edges { node { id name rank isActive } } } }`;

const H = 3600;
/** Mon–Fri 08:30–12:30 and 13:30–17:30 (the office). */
const OFFICE_HOURS = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, opens: '08:30', closes: '12:30' },
  { weekday, opens: '13:30', closes: '17:30' },
]);

let seq = 0;
const uniqueName = (base: string) => `${base} ${++seq}`;

/** Rows of every table these mutations touch, all organizations. */
async function counts() {
  const p = app.deps.db.prisma;
  const [calendars, policies, auditLogs] = await Promise.all([p.businessCalendar.count(), p.slaPolicy.count(), p.auditLog.count()]);
  return { calendars, policies, auditLogs };
}

/** Runs a mutation expected to succeed as the manager; returns the payload and the one audit row it wrote. */
async function succeeds(q: string, vars: Record<string, unknown>, field: string) {
  const before = await auditIds(app.deps, orgId);
  const res = await gql(q, vars);
  expect(res.errors).toBeUndefined();
  const payload = res.data[field];
  expect(payload.errors).toEqual([]);
  const rows = await newAuditRows(app.deps, orgId, before);
  expect(rows, 'exactly one AuditLog row per successful mutation').toHaveLength(1);
  expect(rows[0]!.actorType).toBe('USER');
  expect(rows[0]!.actorUserId).toBe(manager.id);
  return { payload, audit: rows[0]!, changes: rows[0]!.changes as { before: any; after: any } };
}

/** Runs a mutation expected to fail with `code` (and `field` when given); asserts no row changed anywhere. */
async function fails(q: string, vars: Record<string, unknown>, field: string, code: string, errorField?: string, as = managerToken) {
  const before = await counts();
  const res = await gql(q, vars, as);
  expect(res.errors).toBeUndefined();
  const payload = res.data[field];
  expect(payload.errors?.[0]?.code, JSON.stringify(payload.errors)).toBe(code);
  if (errorField !== undefined) expect(payload.errors[0].field).toBe(errorField);
  expect(await counts()).toEqual(before);
  return payload;
}

async function newCalendar(extra: Record<string, unknown> = {}) {
  const res = await gql(CREATE_CAL, { i: { name: uniqueName('Kantoor'), timezone: 'Europe/Amsterdam', hours: OFFICE_HOURS, ...extra } });
  expect(res.data.createBusinessCalendar.errors).toEqual([]);
  return res.data.createBusinessCalendar.businessCalendar as { id: string; name: string };
}

async function newPolicy(extra: Record<string, unknown> = {}, as = managerToken) {
  const res = await gql(CREATE_POLICY, { i: { name: uniqueName('Beleid'), firstResponseSeconds: 4 * H, ...extra } }, as);
  expect(res.data.createSlaPolicy.errors).toEqual([]);
  return res.data.createSlaPolicy.slaPolicy as { id: string; name: string };
}

describe('business calendars', () => {
  it('createBusinessCalendar stores a normalised calendar and writes businessCalendar.create', async () => {
    const { payload, audit, changes } = await succeeds(
      CREATE_CAL,
      {
        i: {
          name: '  Kantoor Utrecht  ',
          timezone: 'Europe/Amsterdam',
          hours: [
            { weekday: 2, opens: '13:30', closes: '17:30' },
            { weekday: 1, opens: '08:30', closes: '12:30' },
            { weekday: 2, opens: '08:30', closes: '12:30' },
          ],
          holidays: ['2026-12-31', '2026-12-24', '2026-12-31'],
          holidayCountry: 'NL',
        },
      },
      'createBusinessCalendar',
    );
    const cal = payload.businessCalendar;
    expect(cal).toMatchObject({
      name: 'Kantoor Utrecht',
      timezone: 'Europe/Amsterdam',
      hours: [
        { weekday: 1, opens: '08:30', closes: '12:30' },
        { weekday: 2, opens: '08:30', closes: '12:30' },
        { weekday: 2, opens: '13:30', closes: '17:30' },
      ],
      holidays: ['2026-12-24', '2026-12-31'],
      holidayCountry: 'NL',
    });
    expect(audit.action).toBe('businessCalendar.create');
    expect(audit.entityType).toBe('BusinessCalendar');
    expect(audit.entityId).toBe(uuidOf(cal.id));
    expect(changes.before).toBeNull();
    expect(changes.after).toMatchObject({ name: 'Kantoor Utrecht', holidayCountry: 'NL' });
    const row = await app.deps.db.prisma.businessCalendar.findUniqueOrThrow({ where: { id: uuidOf(cal.id) } });
    expect(row.organizationId).toBe(orgId);
  });

  it('refuses invalid calendars with VALIDATION_FAILED and the field, changing nothing', async () => {
    const base = { name: uniqueName('Ongeldig'), timezone: 'Europe/Amsterdam', hours: OFFICE_HOURS };
    const overlap = [
      { weekday: 1, opens: '08:00', closes: '12:00' },
      { weekday: 1, opens: '11:00', closes: '13:00' },
    ];
    await fails(CREATE_CAL, { i: { ...base, hours: overlap } }, 'createBusinessCalendar', 'VALIDATION_FAILED', 'input.hours.1');
    await fails(CREATE_CAL, { i: { ...base, hours: [{ weekday: 8, opens: '08:00', closes: '12:00' }] } }, 'createBusinessCalendar', 'VALIDATION_FAILED', 'input.hours.0.weekday');
    await fails(CREATE_CAL, { i: { ...base, hours: [{ weekday: 1, opens: '17:00', closes: '09:00' }] } }, 'createBusinessCalendar', 'VALIDATION_FAILED', 'input.hours.0.closes');
    await fails(CREATE_CAL, { i: { ...base, hours: [] } }, 'createBusinessCalendar', 'VALIDATION_FAILED', 'input.hours');
    await fails(CREATE_CAL, { i: { ...base, timezone: 'Mars/Olympus' } }, 'createBusinessCalendar', 'VALIDATION_FAILED', 'input.timezone');
    await fails(CREATE_CAL, { i: { ...base, holidays: ['2026-02-30'] } }, 'createBusinessCalendar', 'VALIDATION_FAILED', 'input.holidays.0');
    await fails(CREATE_CAL, { i: { ...base, holidayCountry: 'XX' } }, 'createBusinessCalendar', 'VALIDATION_FAILED', 'input.holidayCountry');
    await fails(CREATE_CAL, { i: { ...base, name: 'x'.repeat(101) } }, 'createBusinessCalendar', 'VALIDATION_FAILED', 'input.name');
    await fails(CREATE_CAL, { i: { ...base, name: '   ' } }, 'createBusinessCalendar', 'VALIDATION_FAILED', 'input.name');
  });

  it('refuses a name the organization already uses (BUSINESS_CALENDAR_NAME_TAKEN); another organization may use it', async () => {
    const cal = await newCalendar();
    await fails(CREATE_CAL, { i: { name: cal.name, timezone: 'Europe/Rome', hours: OFFICE_HOURS } }, 'createBusinessCalendar', 'BUSINESS_CALENDAR_NAME_TAKEN', 'input.name');
    const other = await gql(CREATE_CAL, { i: { name: cal.name, timezone: 'Europe/Rome', hours: OFFICE_HOURS } }, otherManagerToken);
    expect(other.data.createBusinessCalendar.errors).toEqual([]);
  });

  it('updateBusinessCalendar changes only the fields given, null clears holidayCountry, and writes businessCalendar.update', async () => {
    const cal = await newCalendar({ holidayCountry: 'NL', holidays: ['2026-12-24'] });
    const { payload, audit, changes } = await succeeds(UPDATE_CAL, { i: { calendarId: cal.id, name: uniqueName('Hernoemd'), holidayCountry: null } }, 'updateBusinessCalendar');
    expect(payload.businessCalendar).toMatchObject({ timezone: 'Europe/Amsterdam', holidays: ['2026-12-24'], holidayCountry: null });
    expect(payload.businessCalendar.hours).toHaveLength(10);
    expect(audit.action).toBe('businessCalendar.update');
    expect(audit.entityType).toBe('BusinessCalendar');
    expect(audit.entityId).toBe(uuidOf(cal.id));
    expect(changes.before).toMatchObject({ name: cal.name, holidayCountry: 'NL' });
    expect(changes.after).toMatchObject({ name: payload.businessCalendar.name, holidayCountry: null });
    expect(changes.after).not.toHaveProperty('timezone');
  });

  it('updateBusinessCalendar: invalid input, a taken name and unknown or foreign ids change nothing', async () => {
    const a = await newCalendar();
    const b = await newCalendar();
    const before = await app.deps.db.prisma.businessCalendar.findUniqueOrThrow({ where: { id: uuidOf(a.id) } });
    await fails(
      UPDATE_CAL,
      { i: { calendarId: a.id, hours: [{ weekday: 1, opens: '8:00', closes: '12:00' }] } },
      'updateBusinessCalendar',
      'VALIDATION_FAILED',
      'input.hours.0.opens',
    );
    await fails(UPDATE_CAL, { i: { calendarId: a.id, name: null } }, 'updateBusinessCalendar', 'VALIDATION_FAILED', 'input.name');
    await fails(UPDATE_CAL, { i: { calendarId: a.id, name: b.name } }, 'updateBusinessCalendar', 'BUSINESS_CALENDAR_NAME_TAKEN', 'input.name');
    await fails(UPDATE_CAL, { i: { calendarId: gid('BusinessCalendar', missingUuid()), name: 'x' } }, 'updateBusinessCalendar', 'NOT_FOUND', 'input.calendarId');
    await fails(UPDATE_CAL, { i: { calendarId: gid('SlaPolicy', before.id), name: 'x' } }, 'updateBusinessCalendar', 'NOT_FOUND', 'input.calendarId');
    await fails(UPDATE_CAL, { i: { calendarId: a.id, name: 'Overgenomen' } }, 'updateBusinessCalendar', 'NOT_FOUND', 'input.calendarId', otherManagerToken);
    expect(await app.deps.db.prisma.businessCalendar.findUniqueOrThrow({ where: { id: uuidOf(a.id) } })).toEqual(before);
  });

  it("businessCalendars lists the organization's calendars only, by name, with totalCount", async () => {
    const res = await gql(CALENDARS, { first: 100 });
    expect(res.errors).toBeUndefined();
    const names = res.data.businessCalendars.edges.map((e: any) => e.node.name) as string[];
    const own = await app.deps.db.prisma.businessCalendar.findMany({ where: { organizationId: orgId } });
    expect(res.data.businessCalendars.totalCount).toBe(own.length);
    expect([...names].sort()).toEqual(own.map((c) => c.name).sort());
    expect(names).toEqual([...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    const tooMany = await gql(CALENDARS, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('SLA policies', () => {
  it('createSlaPolicy without escalation gets the default ladder, defaults and writes slaPolicy.create', async () => {
    const cal = await newCalendar();
    const { payload, audit, changes } = await succeeds(
      CREATE_POLICY,
      {
        i: {
          name: 'Premium klanten',
          firstResponseSeconds: 4 * H,
          nextResponseSeconds: 8 * H,
          resolutionSeconds: 40 * H,
          calendarId: cal.id,
          conditions: { customerTiers: ['PREMIUM', 'PREMIUM', 'BUSINESS'], teamIds: [gid('Team', teamId)] },
        },
      },
      'createSlaPolicy',
    );
    const p = payload.slaPolicy;
    expect(p).toMatchObject({
      name: 'Premium klanten',
      firstResponseSeconds: 4 * H,
      nextResponseSeconds: 8 * H,
      resolutionSeconds: 40 * H,
      rank: 100,
      isActive: true,
      calendar: { id: cal.id },
      conditions: { channelTypes: [], priorities: [], customerTiers: ['PREMIUM', 'BUSINESS'], threadTypes: [], teamIds: [gid('Team', teamId)] },
    });
    expect(p.escalation).toEqual([
      { atPercent: 75, afterBreachSeconds: null, action: 'REMIND', notify: ['ASSIGNEE'] },
      { atPercent: 90, afterBreachSeconds: null, action: 'ALERT', notify: ['TEAM_LEAD'] },
      { atPercent: 100, afterBreachSeconds: null, action: 'ESCALATE', notify: ['TEAM_LEAD', 'MANAGERS'] },
      { atPercent: null, afterBreachSeconds: 86400, action: 'EXECUTIVE_ALERT', notify: ['ADMINS'] },
    ]);
    expect(audit.action).toBe('slaPolicy.create');
    expect(audit.entityType).toBe('SlaPolicy');
    expect(audit.entityId).toBe(uuidOf(p.id));
    expect(changes.before).toBeNull();
    expect(changes.after).toMatchObject({ name: 'Premium klanten', calendarId: uuidOf(cal.id), rank: 100 });
    const row = await app.deps.db.prisma.slaPolicy.findUniqueOrThrow({ where: { id: uuidOf(p.id) } });
    expect(row.organizationId).toBe(orgId);
    expect(row.conditions).toMatchObject({ teamIds: [teamId] });
    expect(policyLadder(row)).toEqual(DEFAULT_ESCALATION);
  });

  it('createSlaPolicy keeps an explicit ladder in order, and [] means no steps', async () => {
    const ladder = [
      { afterBreachSeconds: 0, action: 'EXECUTIVE_ALERT', notify: ['ADMINS', 'ADMINS'] },
      { atPercent: 50, action: 'REMIND', notify: [] },
    ];
    const p = await newPolicy({ escalation: ladder, rank: 7, isActive: false });
    const res = await gql(`query($id: ID!){ node(id:$id){ ... on SlaPolicy { rank isActive escalation { atPercent afterBreachSeconds action notify } } } }`, { id: p.id });
    expect(res.data.node).toEqual({
      rank: 7,
      isActive: false,
      escalation: [
        { atPercent: null, afterBreachSeconds: 0, action: 'EXECUTIVE_ALERT', notify: ['ADMINS'] },
        { atPercent: 50, afterBreachSeconds: null, action: 'REMIND', notify: [] },
      ],
    });
    const none = await newPolicy({ escalation: [] });
    const row = await app.deps.db.prisma.slaPolicy.findUniqueOrThrow({ where: { id: uuidOf(none.id) } });
    expect(row.escalation).toEqual([]);
  });

  it('refuses invalid policies with typed errors, changing nothing', async () => {
    const base = { name: uniqueName('Fout'), firstResponseSeconds: H };
    const step = { atPercent: 50, action: 'REMIND', notify: ['ASSIGNEE'] };
    await fails(
      CREATE_POLICY,
      { i: { ...base, escalation: [step, { atPercent: 80, afterBreachSeconds: 60, action: 'ALERT', notify: [] }] } },
      'createSlaPolicy',
      'SLA_ESCALATION_INVALID',
      'input.escalation.1',
    );
    await fails(CREATE_POLICY, { i: { ...base, escalation: [{ action: 'ALERT', notify: [] }] } }, 'createSlaPolicy', 'SLA_ESCALATION_INVALID', 'input.escalation.0');
    await fails(CREATE_POLICY, { i: { ...base, escalation: [step, step] } }, 'createSlaPolicy', 'SLA_ESCALATION_INVALID', 'input.escalation.1');
    await fails(
      CREATE_POLICY,
      { i: { ...base, escalation: Array.from({ length: 21 }, (_, k) => ({ atPercent: k + 1, action: 'REMIND', notify: [] })) } },
      'createSlaPolicy',
      'VALIDATION_FAILED',
      'input.escalation',
    );
    await fails(
      CREATE_POLICY,
      { i: { ...base, escalation: [{ atPercent: 1001, action: 'REMIND', notify: [] }] } },
      'createSlaPolicy',
      'VALIDATION_FAILED',
      'input.escalation.0.atPercent',
    );
    await fails(
      CREATE_POLICY,
      { i: { ...base, escalation: [{ atPercent: 0, action: 'REMIND', notify: [] }] } },
      'createSlaPolicy',
      'VALIDATION_FAILED',
      'input.escalation.0.atPercent',
    );
    await fails(
      CREATE_POLICY,
      { i: { ...base, escalation: [{ afterBreachSeconds: 2_592_001, action: 'REMIND', notify: [] }] } },
      'createSlaPolicy',
      'VALIDATION_FAILED',
      'input.escalation.0.afterBreachSeconds',
    );
    await fails(CREATE_POLICY, { i: { ...base, firstResponseSeconds: 0 } }, 'createSlaPolicy', 'VALIDATION_FAILED', 'input.firstResponseSeconds');
    await fails(CREATE_POLICY, { i: { ...base, resolutionSeconds: 31_536_001 } }, 'createSlaPolicy', 'VALIDATION_FAILED', 'input.resolutionSeconds');
    await fails(CREATE_POLICY, { i: { ...base, rank: 10_001 } }, 'createSlaPolicy', 'VALIDATION_FAILED', 'input.rank');
    await fails(CREATE_POLICY, { i: { ...base, rank: -1 } }, 'createSlaPolicy', 'VALIDATION_FAILED', 'input.rank');
    await fails(CREATE_POLICY, { i: { ...base, name: 'x'.repeat(101) } }, 'createSlaPolicy', 'VALIDATION_FAILED', 'input.name');
    await fails(
      CREATE_POLICY,
      { i: { ...base, conditions: { teamIds: Array.from({ length: 51 }, () => gid('Team', teamId)) } } },
      'createSlaPolicy',
      'VALIDATION_FAILED',
      'input.conditions.teamIds',
    );
    await fails(CREATE_POLICY, { i: { ...base, calendarId: gid('BusinessCalendar', missingUuid()) } }, 'createSlaPolicy', 'NOT_FOUND', 'input.calendarId');
    await fails(
      CREATE_POLICY,
      { i: { ...base, conditions: { teamIds: [gid('Team', teamId), gid('Team', otherTeamId)] } } },
      'createSlaPolicy',
      'NOT_FOUND',
      'input.conditions.teamIds.1',
    );
    const taken = await newPolicy();
    await fails(CREATE_POLICY, { i: { ...base, name: taken.name } }, 'createSlaPolicy', 'SLA_POLICY_NAME_TAKEN', 'input.name');
  });

  it('a calendar of another organization is NOT_FOUND', async () => {
    const res = await gql(CREATE_CAL, { i: { name: uniqueName('Vreemd'), timezone: 'Europe/Rome', hours: OFFICE_HOURS } }, otherManagerToken);
    const foreign = res.data.createBusinessCalendar.businessCalendar.id;
    await fails(CREATE_POLICY, { i: { name: uniqueName('Fout'), calendarId: foreign } }, 'createSlaPolicy', 'NOT_FOUND', 'input.calendarId');
  });

  it('updateSlaPolicy: omitted fields stay, null clears a target and the calendar, a given ladder replaces it; writes slaPolicy.update', async () => {
    const cal = await newCalendar();
    const p = await newPolicy({ calendarId: cal.id, nextResponseSeconds: 2 * H, resolutionSeconds: 9 * H, conditions: { priorities: ['HIGH'] } });
    const { payload, audit, changes } = await succeeds(
      UPDATE_POLICY,
      { i: { policyId: p.id, calendarId: null, nextResponseSeconds: null, rank: 5, escalation: [{ atPercent: 100, action: 'ESCALATE', notify: ['MANAGERS'] }] } },
      'updateSlaPolicy',
    );
    expect(payload.slaPolicy).toMatchObject({
      name: p.name,
      firstResponseSeconds: 4 * H,
      nextResponseSeconds: null,
      resolutionSeconds: 9 * H,
      calendar: null,
      rank: 5,
      isActive: true,
      conditions: { priorities: ['HIGH'] },
      escalation: [{ atPercent: 100, afterBreachSeconds: null, action: 'ESCALATE', notify: ['MANAGERS'] }],
    });
    expect(audit.action).toBe('slaPolicy.update');
    expect(audit.entityType).toBe('SlaPolicy');
    expect(audit.entityId).toBe(uuidOf(p.id));
    expect(changes.before).toMatchObject({ calendarId: uuidOf(cal.id), nextResponseSeconds: 2 * H, rank: 100 });
    expect(changes.after).toMatchObject({ calendarId: null, nextResponseSeconds: null, rank: 5 });
    expect(changes.after).not.toHaveProperty('resolutionSeconds');

    // conditions replace the whole object; isActive false
    const again = await succeeds(UPDATE_POLICY, { i: { policyId: p.id, conditions: { threadTypes: ['COMPLAINT'] }, isActive: false } }, 'updateSlaPolicy');
    expect(again.payload.slaPolicy.conditions).toEqual({ channelTypes: [], priorities: [], customerTiers: [], threadTypes: ['COMPLAINT'], teamIds: [] });
    expect(again.payload.slaPolicy.isActive).toBe(false);
  });

  it('updateSlaPolicy: invalid input, a taken name and unknown or foreign ids change nothing', async () => {
    const p = await newPolicy();
    const q = await newPolicy();
    const before = await app.deps.db.prisma.slaPolicy.findUniqueOrThrow({ where: { id: uuidOf(p.id) } });
    await fails(UPDATE_POLICY, { i: { policyId: p.id, name: q.name } }, 'updateSlaPolicy', 'SLA_POLICY_NAME_TAKEN', 'input.name');
    await fails(UPDATE_POLICY, { i: { policyId: p.id, name: null } }, 'updateSlaPolicy', 'VALIDATION_FAILED', 'input.name');
    await fails(UPDATE_POLICY, { i: { policyId: p.id, firstResponseSeconds: -5 } }, 'updateSlaPolicy', 'VALIDATION_FAILED', 'input.firstResponseSeconds');
    await fails(
      UPDATE_POLICY,
      { i: { policyId: p.id, escalation: [{ atPercent: 10, afterBreachSeconds: 10, action: 'REMIND', notify: [] }] } },
      'updateSlaPolicy',
      'SLA_ESCALATION_INVALID',
      'input.escalation.0',
    );
    await fails(UPDATE_POLICY, { i: { policyId: p.id, calendarId: gid('BusinessCalendar', missingUuid()) } }, 'updateSlaPolicy', 'NOT_FOUND', 'input.calendarId');
    await fails(UPDATE_POLICY, { i: { policyId: gid('SlaPolicy', missingUuid()), rank: 1 } }, 'updateSlaPolicy', 'NOT_FOUND', 'input.policyId');
    await fails(UPDATE_POLICY, { i: { policyId: p.id, rank: 1 } }, 'updateSlaPolicy', 'NOT_FOUND', 'input.policyId', otherManagerToken);
    expect(await app.deps.db.prisma.slaPolicy.findUniqueOrThrow({ where: { id: uuidOf(p.id) } })).toEqual(before);
  });

  it('deleteSlaPolicy removes the policy, threads keep their due dates, writes slaPolicy.delete; then NOT_FOUND', async () => {
    const p = await newPolicy();
    const channel = await createChannel(app.deps, orgId);
    const due = new Date('2026-11-20T13:30:00Z');
    const thread = await app.deps.db.prisma.thread.create({
      data: { organizationId: orgId, channelId: channel.id, subject: 'Laadpaal', slaPolicyId: uuidOf(p.id), firstResponseDueAt: due, slaDueAt: due },
    });
    const { payload, audit, changes } = await succeeds(DELETE_POLICY, { id: p.id }, 'deleteSlaPolicy');
    expect(payload.deletedPolicyId).toBe(p.id);
    expect(audit.action).toBe('slaPolicy.delete');
    expect(audit.entityType).toBe('SlaPolicy');
    expect(audit.entityId).toBe(uuidOf(p.id));
    expect(changes.before).toMatchObject({ id: uuidOf(p.id), name: p.name });
    expect(changes.after).toBeNull();
    expect(await app.deps.db.prisma.slaPolicy.findUnique({ where: { id: uuidOf(p.id) } })).toBeNull();
    const after = await app.deps.db.prisma.thread.findUniqueOrThrow({ where: { id: thread.id } });
    expect(after.slaPolicyId).toBeNull();
    expect(after.firstResponseDueAt).toEqual(due);
    expect(after.slaDueAt).toEqual(due);
    const again = await fails(DELETE_POLICY, { id: p.id }, 'deleteSlaPolicy', 'NOT_FOUND', 'policyId');
    expect(again.deletedPolicyId).toBeNull();
  });

  it("deleteSlaPolicy of another organization's policy is NOT_FOUND and deletes nothing", async () => {
    const p = await newPolicy();
    await fails(DELETE_POLICY, { id: p.id }, 'deleteSlaPolicy', 'NOT_FOUND', 'policyId', otherManagerToken);
    expect(await app.deps.db.prisma.slaPolicy.findUnique({ where: { id: uuidOf(p.id) } })).not.toBeNull();
  });

  it("slaPolicies lists the organization's policies in matching order (rank, then oldest), filters on isActive", async () => {
    const late = await newPolicy({ rank: 3 });
    const early = await newPolicy({ rank: 2 });
    const tie = await newPolicy({ rank: 3 });
    const off = await newPolicy({ rank: 1, isActive: false });
    const foreign = await newPolicy({ rank: 0 }, otherManagerToken);
    const res = await gql(POLICIES, {});
    expect(res.errors).toBeUndefined();
    const ids = res.data.slaPolicies.edges.map((e: any) => e.node.id) as string[];
    expect(ids).not.toContain(foreign.id);
    expect(res.data.slaPolicies.totalCount).toBe(await app.deps.db.prisma.slaPolicy.count({ where: { organizationId: orgId } }));
    const mine = ids.filter((id) => [late.id, early.id, tie.id, off.id].includes(id));
    expect(mine).toEqual([off.id, early.id, late.id, tie.id]);
    const active = await gql(POLICIES, { active: true });
    const activeIds = active.data.slaPolicies.edges.map((e: any) => e.node.id) as string[];
    expect(activeIds).not.toContain(off.id);
    expect(activeIds).toContain(early.id);
    expect(active.data.slaPolicies.totalCount).toBe(await app.deps.db.prisma.slaPolicy.count({ where: { organizationId: orgId, isActive: true } }));
  });

  it("node(id) of another organization's policy or calendar is null", async () => {
    const p = await newPolicy({}, otherManagerToken);
    const res = await gql(`query($id: ID!){ node(id:$id){ id } }`, { id: p.id });
    expect(res.data.node).toBeNull();
    const cal = await newCalendar();
    const own = await gql(`query($id: ID!){ node(id:$id){ id ... on BusinessCalendar { name } } }`, { id: cal.id });
    expect(own.data.node).toEqual({ id: cal.id, name: cal.name });
    const theirs = await gql(`query($id: ID!){ node(id:$id){ id } }`, { id: cal.id }, otherManagerToken);
    expect(theirs.data.node).toBeNull();
  });
});

describe('permissions: MANAGER and ADMIN only', () => {
  it('AGENT and TEAM_LEAD get FORBIDDEN on every query and mutation, and nothing changes', async () => {
    const cal = await newCalendar();
    const p = await newPolicy();
    const ops: [string, Record<string, unknown>][] = [
      [CREATE_CAL, { i: { name: uniqueName('Verboden'), timezone: 'Europe/Amsterdam', hours: OFFICE_HOURS } }],
      [UPDATE_CAL, { i: { calendarId: cal.id, name: uniqueName('Verboden') } }],
      [CREATE_POLICY, { i: { name: uniqueName('Verboden') } }],
      [UPDATE_POLICY, { i: { policyId: p.id, rank: 0 } }],
      [DELETE_POLICY, { id: p.id }],
      [CALENDARS, { first: 5 }],
      [POLICIES, {}],
      [PREVIEW, { id: p.id, at: '2026-03-27T16:30:00+01:00' }],
    ];
    for (const token of [agentToken, teamLeadToken]) {
      for (const [q, v] of ops) {
        const before = await counts();
        const res = await gql(q, v, token);
        expect(res.errors?.[0]?.extensions?.code, q).toBe('FORBIDDEN');
        expect(
          Object.values(res.data ?? {}).every((x) => x === null),
          q,
        ).toBe(true);
        expect(await counts()).toEqual(before);
      }
    }
    expect((await app.deps.db.prisma.businessCalendar.findUniqueOrThrow({ where: { id: uuidOf(cal.id) } })).name).toBe(cal.name);
    expect((await app.deps.db.prisma.slaPolicy.findUniqueOrThrow({ where: { id: uuidOf(p.id) } })).rank).toBe(100);
  });

  it('an ADMIN may manage SLA settings too', async () => {
    const res = await gql(CREATE_POLICY, { i: { name: uniqueName('Admin'), resolutionSeconds: H } }, adminToken);
    expect(res.data.createSlaPolicy.errors).toEqual([]);
    const del = await gql(DELETE_POLICY, { id: res.data.createSlaPolicy.slaPolicy.id }, adminToken);
    expect(del.data.deleteSlaPolicy.errors).toEqual([]);
  });
});

describe('slaPreview', () => {
  const preview = async (policyId: string, at: string) => {
    const res = await gql(PREVIEW, { id: policyId, at });
    expect(res.errors).toBeUndefined();
    const p = res.data.slaPreview;
    const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());
    return { first: iso(p.firstResponseDueAt), next: iso(p.nextResponseDueAt), resolution: iso(p.resolutionDueAt) };
  };
  const instant = (s: string) => new Date(s).toISOString();

  it("the issue's example: Friday 16:30 → 4 h due Monday 11:30, 6 h Monday 14:30 (across the DST weekend)", async () => {
    const cal = await newCalendar();
    const p = await newPolicy({ calendarId: cal.id, firstResponseSeconds: 4 * H, resolutionSeconds: 6 * H });
    const due = await preview(p.id, '2026-03-27T16:30:00+01:00');
    expect(due).toEqual({ first: instant('2026-03-30T11:30:00+02:00'), next: null, resolution: instant('2026-03-30T14:30:00+02:00') });
  });

  it('with holidayCountry NL, Easter Monday is closed: Friday 2026-04-03 16:30 → Tuesday 11:30 / 14:30; without it, Monday', async () => {
    const cal = await newCalendar();
    const p = await newPolicy({ calendarId: cal.id, firstResponseSeconds: 4 * H, nextResponseSeconds: 6 * H });
    expect(await preview(p.id, '2026-04-03T16:30:00+02:00')).toEqual({
      first: instant('2026-04-06T11:30:00+02:00'),
      next: instant('2026-04-06T14:30:00+02:00'),
      resolution: null,
    });
    await succeeds(UPDATE_CAL, { i: { calendarId: cal.id, holidayCountry: 'NL' } }, 'updateBusinessCalendar');
    expect(await preview(p.id, '2026-04-03T16:30:00+02:00')).toEqual({
      first: instant('2026-04-07T11:30:00+02:00'),
      next: instant('2026-04-07T14:30:00+02:00'),
      resolution: null,
    });
  });

  it('a policy without calendar counts 24/7; an unknown policy is NOT_FOUND', async () => {
    const p = await newPolicy({ firstResponseSeconds: 4 * H, nextResponseSeconds: null, resolutionSeconds: 3 * 86_400 });
    expect(await preview(p.id, '2026-03-27T16:30:00+01:00')).toEqual({
      first: instant('2026-03-27T20:30:00+01:00'),
      next: null,
      resolution: instant('2026-03-30T16:30:00+01:00'),
    });
    const res = await gql(PREVIEW, { id: gid('SlaPolicy', missingUuid()), at: '2026-03-27T16:30:00+01:00' });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreign = await newPolicy({}, otherManagerToken);
    const theirs = await gql(PREVIEW, { id: foreign.id, at: '2026-03-27T16:30:00+01:00' });
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a calendar whose every opening day is a holiday gives BUSINESS_CALENDAR_NEVER_OPEN', async () => {
    // Open on Sundays only, and every Sunday of the next three and a half years is a holiday.
    const cal = await newCalendar({ hours: [{ weekday: 7, opens: '10:00', closes: '11:00' }] });
    const sundays: string[] = [];
    for (let t = Date.UTC(2026, 2, 29); t < Date.UTC(2030, 0, 1); t += 7 * 86_400_000) sundays.push(new Date(t).toISOString().slice(0, 10));
    await succeeds(UPDATE_CAL, { i: { calendarId: cal.id, holidays: sundays } }, 'updateBusinessCalendar');
    const p = await newPolicy({ calendarId: cal.id, firstResponseSeconds: H });
    const res = await gql(PREVIEW, { id: p.id, at: '2026-03-27T16:30:00+01:00' });
    expect(res.errors?.[0]?.extensions?.code).toBe('BUSINESS_CALENDAR_NEVER_OPEN');
  });
});

describe('pure helpers (the engine imports them)', () => {
  let n = 0;
  /** Policies with increasing uuid-v7-like ids (lexical order = creation order). */
  const policy = (extra: Partial<MatchablePolicy> & { conditions?: unknown } = {}): MatchablePolicy => ({
    id: `0190a000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
    rank: 100,
    isActive: true,
    conditions: {},
    ...extra,
  });
  const facts = { channelType: 'EMAIL_OUTLOOK', priority: 'HIGH', customerTier: 'PREMIUM', threadType: 'COMPLAINT', teamId: 'team-a' } as const;

  it('matchPolicy: the lowest rank wins; on equal rank the oldest id', () => {
    const a = policy({ rank: 50 });
    const b = policy({ rank: 10 });
    const c = policy({ rank: 10 });
    expect(matchPolicy([a, c, b], facts)).toBe(b);
    expect(matchPolicy([a], facts)).toBe(a);
    expect(matchPolicy([], facts)).toBeNull();
  });

  it('matchPolicy: every non-empty condition list must contain the fact; an empty list matches anything', () => {
    const byChannel = policy({ rank: 1, conditions: { channelTypes: ['WHATSAPP_BUSINESS'] } });
    const byTier = policy({ rank: 2, conditions: { customerTiers: ['PREMIUM', 'BUSINESS'], priorities: [] } });
    const catchAll = policy({ rank: 3 });
    expect(matchPolicy([catchAll, byTier, byChannel], facts)).toBe(byTier);
    expect(matchPolicy([catchAll, byTier, byChannel], { ...facts, channelType: 'WHATSAPP_BUSINESS' })).toBe(byChannel);
    expect(matchPolicy([catchAll, byTier, byChannel], { ...facts, customerTier: 'STANDARD' })).toBe(catchAll);
    // A missing fact matches only an empty list (a thread without customer is no PREMIUM one).
    expect(matchPolicy([byTier, catchAll], { ...facts, customerTier: null })).toBe(catchAll);

    const all = policy({
      rank: 0,
      conditions: { channelTypes: ['EMAIL_OUTLOOK'], priorities: ['HIGH', 'URGENT'], customerTiers: ['PREMIUM'], threadTypes: ['COMPLAINT'], teamIds: ['team-a'] },
    });
    expect(matchPolicy([catchAll, all], facts)).toBe(all);
    for (const miss of [{ priority: 'LOW' }, { threadType: 'SALES_INQUIRY' }, { teamId: 'team-b' }, { teamId: null }, { channelType: 'SMS' }] as const) {
      expect(matchPolicy([catchAll, all], { ...facts, ...miss }), JSON.stringify(miss)).toBe(catchAll);
    }
  });

  it('matchPolicy: inactive policies never match', () => {
    const off = policy({ rank: 0, isActive: false });
    const on = policy({ rank: 500 });
    expect(matchPolicy([off, on], facts)).toBe(on);
    expect(matchPolicy([off], facts)).toBeNull();
  });

  it('conditionsOf and policyLadder read the JSON columns defensively', () => {
    expect(conditionsOf({ conditions: {} })).toEqual({ channelTypes: [], priorities: [], customerTiers: [], threadTypes: [], teamIds: [] });
    expect(conditionsOf({ conditions: { priorities: ['HIGH', 'NOPE', 3] } }).priorities).toEqual(['HIGH']);
    expect(policyLadder({ escalation: null })).toEqual([]);
    expect(
      policyLadder({
        escalation: [
          { atPercent: 75, action: 'REMIND', notify: ['ASSIGNEE'] },
          { atPercent: 75, afterBreachSeconds: 5, action: 'ALERT', notify: [] },
          { afterBreachSeconds: 60, action: 'EXECUTIVE_ALERT', notify: ['ADMINS', 'CEO'] },
        ],
      }),
    ).toEqual([
      { atPercent: 75, afterBreachSeconds: null, action: 'REMIND', notify: ['ASSIGNEE'] },
      { atPercent: null, afterBreachSeconds: 60, action: 'EXECUTIVE_ALERT', notify: ['ADMINS'] },
    ]);
  });

  it('calendarOf: null is 24/7; a row gives the BusinessCalendar shape, the same object for the same content', () => {
    expect(calendarOf(null)).toBeNull();
    const row = { timezone: 'Europe/Rome', hours: [{ weekday: 1, opens: '09:00', closes: '18:00' }], holidays: ['2026-12-08'], holidayCountry: 'IT' };
    const cal = calendarOf(row);
    expect(cal).toEqual({ timezone: 'Europe/Rome', hours: [{ weekday: 1, opens: '09:00', closes: '18:00' }], holidays: ['2026-12-08'], holidayCountry: 'IT' });
    expect(calendarOf({ ...row, hours: [{ weekday: 1, opens: '09:00', closes: '18:00' }] })).toBe(cal);
    expect(calendarOf({ ...row, holidayCountry: null })).not.toBe(cal);
  });
});
