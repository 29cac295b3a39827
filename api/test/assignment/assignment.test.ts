/**
 * Automatic assignment end to end: threads created through GraphQL (or
 * ingestion) are routed, assigned by the team's strategy within capacity,
 * queued when nobody has room and assigned when someone frees up, reassigned
 * without a reply, and never override a manual assignment. Jobs run with
 * `jobs.settle()`; time moves with the harness's fake clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB } from '../../src/jobs/names.js';
import { drainTeam, routeThread, routeThreads } from '../../src/modules/assignment/assignment.service.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { createTestApp, createTestServer, type TestApp, type TestServer } from '../harness.js';
import { gid } from '../graphql/helpers.js';
import { ASSIGN_THREAD, CREATE_RULE, SET_AVAILABILITY, UPDATE_TEAM, UPDATE_THREAD, auditRows, changesOf, createAgent, createTeam, createThreadVia, setupOrg } from './fixtures.js';

let app: TestApp;
let server: TestServer;
/** Every pubsub event published, as [topic, organizationId, event]. */
const published: [string, string, any][] = [];

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const pubsub = app.deps.pubsub as unknown as { publish: (...a: unknown[]) => unknown };
  const original = pubsub.publish.bind(pubsub);
  pubsub.publish = (...a: unknown[]) => {
    published.push(a as never);
    return original(...a);
  };
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

/** Runs due jobs; an assignment job that failed (e.g. a deadlock, retried later) fails the test. */
async function settle() {
  await app.deps.jobs.settle();
  const failed = await app.deps.db.prisma.$queryRawUnsafe<{ queue: string; lastError: string }[]>(
    `SELECT queue, "lastError" FROM "Job" WHERE queue LIKE 'assignment.%' AND "lastError" IS NOT NULL`,
  );
  expect(failed.map((j) => `${j.queue}: ${j.lastError.slice(0, 300)}`)).toEqual([]);
}
const p = () => app.deps.db.prisma;
const threadsOf = (ids: string[]) => p().thread.findMany({ where: { id: { in: ids } } });
const openCount = (threads: { assigneeId: string | null }[], userId: string) => threads.filter((t) => t.assigneeId === userId).length;

describe('acceptance: three ONLINE agents of capacity 2, round robin, eight new threads at once', () => {
  it('gives 2/2/2, queues two, and assigns the oldest queued thread the moment an agent frees up', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Klantenservice', { strategy: 'ROUND_ROBIN', maxOpenPerAgent: 2 });
    const agents = [
      await createAgent(app, org.orgId, { name: 'Anna', teams: [team.id] }),
      await createAgent(app, org.orgId, { name: 'Bram', teams: [team.id] }),
      await createAgent(app, org.orgId, { name: 'Carla', teams: [team.id] }),
    ];
    const rule = await server.gql(CREATE_RULE, { i: { name: 'Alles', teamId: gid('Team', team.id), rank: 1000 } }, org.managerToken);
    expect(rule.data.createRoutingRule.errors).toEqual([]);
    const ruleId = rule.data.createRoutingRule.routingRule.id;

    const ids = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createThreadVia(server, org.managerToken, { subject: `Vraag ${i + 1}`, channelId: gid('Channel', org.channelId) })),
    );
    await settle();

    let threads = await threadsOf(ids);
    expect(agents.map((a) => openCount(threads, a.id))).toEqual([2, 2, 2]);
    const queued = threads.filter((t) => !t.assigneeId);
    expect(queued).toHaveLength(2);
    for (const t of queued) expect(t.queuedAt, 'a queued thread has queuedAt').not.toBeNull();
    for (const t of threads.filter((x) => x.assigneeId)) {
      expect(t.queuedAt).toBeNull();
      expect(t.assignedAt).not.toBeNull();
    }
    for (const t of threads) expect(t.teamId).toBe(team.id);

    // Audit: 8 routes (with the rule), 6 assignments with their reasons, 2 queue rows.
    const routes = await auditRows(app, org.orgId, 'thread.route');
    expect(routes).toHaveLength(8);
    for (const r of routes) expect(changesOf(r).after).toMatchObject({ teamId: team.id, rule: { name: 'Alles' } });
    const assigns = await auditRows(app, org.orgId, 'thread.assign');
    expect(assigns).toHaveLength(6);
    const agentIds = agents.map((a) => a.id);
    for (const row of assigns) {
      expect(row.actorType).toBe('SYSTEM');
      const after = changesOf(row).after;
      const thread = threads.find((t) => t.id === row.entityId)!;
      expect(after.assigneeId).toBe(thread.assigneeId);
      expect(after.reason.strategy).toBe('ROUND_ROBIN');
      expect(after.reason.rule).toMatchObject({ name: 'Alles' });
      expect(gid('RoutingRule', after.reason.rule.id)).toBe(ruleId);
      expect(after.reason.candidates.map((c: { userId: string }) => c.userId)).toContain(after.assigneeId);
      for (const c of after.reason.candidates) {
        expect(agentIds).toContain(c.userId);
        expect(c.openThreads, 'only agents below capacity are candidates').toBeLessThan(2);
      }
    }
    const queueRows = await auditRows(app, org.orgId, 'thread.queue');
    expect(queueRows.map((r) => r.entityId).sort()).toEqual(queued.map((t) => t.id).sort());
    for (const r of queueRows) expect(changesOf(r).after.reason).toMatchObject({ strategy: 'ROUND_ROBIN', candidates: [] });

    // Each assignee is notified, and threadUpdated went out for each assignment.
    const notes = await p().notification.findMany({ where: { organizationId: org.orgId, kind: 'ASSIGNMENT' } });
    expect(notes.map((n) => `${n.threadId}:${n.userId}`).sort()).toEqual(
      threads
        .filter((t) => t.assigneeId)
        .map((t) => `${t.id}:${t.assigneeId}`)
        .sort(),
    );
    for (const n of notes) expect(published.some(([topic, , e]) => topic === 'notificationAdded' && e.notificationId === n.id)).toBe(true);
    for (const t of threads.filter((x) => x.assigneeId)) {
      expect(published.some(([topic, o, e]) => topic === 'threadUpdated' && o === org.orgId && e.threadId === t.id && e.changed.includes('assigneeId'))).toBe(true);
    }

    // Oldest queued first: make the queue order differ from the id order.
    const [low, high] = [...queued].sort((a, b) => (a.id < b.id ? -1 : 1)) as [(typeof queued)[0], (typeof queued)[0]];
    const now = app.clock.now().getTime();
    await p().thread.update({ where: { id: high.id }, data: { queuedAt: new Date(now - 120_000) } });
    await p().thread.update({ where: { id: low.id }, data: { queuedAt: new Date(now - 60_000) } });

    // Bram resolves one of his threads: the oldest queued thread is his at once.
    const bramsThread = threads.find((t) => t.assigneeId === agents[1]!.id)!;
    const resolved = await server.gql(UPDATE_THREAD, { i: { threadId: gid('Thread', bramsThread.id), status: 'RESOLVED' } }, agents[1]!.token);
    expect(resolved.data.updateThread.errors).toEqual([]);
    await settle();
    threads = await threadsOf(ids);
    expect(threads.find((t) => t.id === high.id)).toMatchObject({ assigneeId: agents[1]!.id, queuedAt: null });
    expect(threads.find((t) => t.id === low.id)).toMatchObject({ assigneeId: null });
    const drained = await auditRows(app, org.orgId, 'thread.assign', high.id);
    expect(changesOf(drained.at(-1)!).after.reason.candidates).toEqual([{ userId: agents[1]!.id, openThreads: 1 }]);

    // Carla's thread is unassigned by a person: the last queued thread goes to her.
    const carlasThread = threads.find((t) => t.assigneeId === agents[2]!.id)!;
    const unassigned = await server.gql(ASSIGN_THREAD, { i: { threadId: gid('Thread', carlasThread.id), assigneeId: null } }, org.managerToken);
    expect(unassigned.data.assignThread.errors).toEqual([]);
    await settle();
    threads = await threadsOf(ids);
    expect(threads.find((t) => t.id === low.id)).toMatchObject({ assigneeId: agents[2]!.id, queuedAt: null });
    const open = threads.filter((t) => t.status !== 'RESOLVED');
    expect(agents.map((a) => openCount(open, a.id))).toEqual([2, 2, 2]);
  });

  it('concurrent routing of one team never over-assigns (the team row is locked)', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Krap', { strategy: 'LEAST_LOADED', maxOpenPerAgent: 1 });
    const a = await createAgent(app, org.orgId, { name: 'Eén', teams: [team.id] });
    const b = await createAgent(app, org.orgId, { name: 'Twee', teams: [team.id] });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const t = await p().thread.create({ data: { organizationId: org.orgId, channelId: org.channelId, teamId: team.id, subject: `Race ${i}`, lastMessageAt: app.clock.now() } });
      ids.push(t.id);
    }
    await Promise.all([...ids.map((id) => routeThread(app.deps, id)), drainTeam(app.deps, team.id), drainTeam(app.deps, team.id)]);
    const threads = await threadsOf(ids);
    expect([openCount(threads, a.id), openCount(threads, b.id)]).toEqual([1, 1]);
    expect(threads.filter((t) => t.queuedAt && !t.assigneeId)).toHaveLength(4);
  });
});

describe('strategies', () => {
  it('round robin takes the member waiting longest, in turn, with the state in the database', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Rondje', { strategy: 'ROUND_ROBIN' });
    const agents = [
      await createAgent(app, org.orgId, { name: 'R1', teams: [team.id] }),
      await createAgent(app, org.orgId, { name: 'R2', teams: [team.id] }),
      await createAgent(app, org.orgId, { name: 'R3', teams: [team.id] }),
    ];
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = await createThreadVia(server, org.managerToken, { subject: `Beurt ${i}`, channelId: gid('Channel', org.channelId), teamId: gid('Team', team.id) });
      await settle();
      order.push((await p().thread.findUniqueOrThrow({ where: { id } })).assigneeId!);
    }
    expect(new Set(order.slice(0, 3)).size).toBe(3);
    expect(order.slice(3)).toEqual(order.slice(0, 3));
    expect(order.every((id) => agents.some((a) => a.id === id))).toBe(true);
    const memberships = await p().teamMembership.findMany({ where: { teamId: team.id } });
    expect(memberships.every((m) => m.lastAssignedAt !== null)).toBe(true);
  });

  it('least loaded takes the member with the fewest open threads (resolved and deleted ones do not count), ties round robin', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Licht', { strategy: 'LEAST_LOADED' });
    const a = await createAgent(app, org.orgId, { name: 'Druk', teams: [team.id] });
    const b = await createAgent(app, org.orgId, { name: 'Half', teams: [team.id] });
    const c = await createAgent(app, org.orgId, { name: 'Rustig', teams: [team.id] });
    const existing = async (assigneeId: string, n: number, extra: Record<string, unknown> = {}) => {
      for (let i = 0; i < n; i++) {
        await p().thread.create({ data: { organizationId: org.orgId, channelId: org.channelId, assigneeId, subject: 'Bestaand', lastMessageAt: app.clock.now(), ...extra } });
      }
    };
    await existing(a.id, 3);
    await existing(b.id, 1);
    await existing(b.id, 1, { deletedAt: app.clock.now() });
    await existing(c.id, 2, { status: 'RESOLVED' });
    await existing(c.id, 2, { status: 'CLOSED' });

    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await createThreadVia(server, org.managerToken, { subject: `Licht ${i}`, channelId: gid('Channel', org.channelId), teamId: gid('Team', team.id) });
      await settle();
      order.push((await p().thread.findUniqueOrThrow({ where: { id } })).assigneeId!);
    }
    // c (0 open), then b and c tie at 1 and b waited longer, then c (1) before b (2).
    expect(order).toEqual([c.id, b.id, c.id]);
    const first = (await auditRows(app, org.orgId, 'thread.assign'))[0]!;
    expect(changesOf(first).after.reason).toMatchObject({ strategy: 'LEAST_LOADED', rule: null });
    expect(changesOf(first).after.reason.candidates).toEqual(
      expect.arrayContaining([
        { userId: a.id, openThreads: 3 },
        { userId: b.id, openThreads: 1 },
        { userId: c.id, openThreads: 0 },
      ]),
    );
  });

  it('MANUAL: threads of the team wait in its queue (thread.queue), nobody is assigned', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Handmatig', { strategy: 'MANUAL' });
    await createAgent(app, org.orgId, { name: 'Wachter', teams: [team.id] });
    const id = await createThreadVia(server, org.managerToken, { subject: 'Handwerk', channelId: gid('Channel', org.channelId), teamId: gid('Team', team.id) });
    await settle();
    const thread = await p().thread.findUniqueOrThrow({ where: { id } });
    expect(thread.assigneeId).toBeNull();
    expect(thread.queuedAt).not.toBeNull();
    expect(changesOf((await auditRows(app, org.orgId, 'thread.queue', id))[0]!).after.reason.strategy).toBe('MANUAL');
  });
});

describe('candidates', () => {
  it('only active, ONLINE members whose skills cover the required skills (case-insensitive)', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Techniek', { strategy: 'ROUND_ROBIN' });
    const dutch = await createAgent(app, org.orgId, { name: 'Alleen NL', teams: [team.id], skills: ['nl', 'installation'] });
    const away = await createAgent(app, org.orgId, { name: 'Weg', teams: [team.id], skills: ['it', 'installation'], availability: 'AWAY' });
    const inactive = await createAgent(app, org.orgId, { name: 'Inactief', teams: [team.id], skills: ['it', 'installation'] });
    await p().user.update({ where: { id: inactive.id }, data: { isActive: false } });
    const italian = await createAgent(app, org.orgId, { name: 'Luca', teams: [team.id], skills: ['IT', 'Installation', 'technical'] });
    const r = await server.gql(CREATE_RULE, { i: { name: 'Installatie IT', teamId: gid('Team', team.id), requiredSkills: ['it', 'installation'] } }, org.managerToken);
    expect(r.data.createRoutingRule.errors).toEqual([]);

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await createThreadVia(server, org.managerToken, { subject: `Installazione ${i}`, channelId: gid('Channel', org.channelId) }));
      await settle();
    }
    const threads = await threadsOf(ids);
    for (const t of threads) {
      expect(t.requiredSkills).toEqual(['it', 'installation']);
      expect(t.assigneeId).toBe(italian.id);
    }
    const reason = changesOf((await auditRows(app, org.orgId, 'thread.assign', ids[0]))[0]!).after.reason;
    expect(reason.candidates.map((c: { userId: string }) => c.userId)).toEqual([italian.id]);
    expect([dutch.id, away.id, inactive.id].some((id) => threads.some((t) => t.assigneeId === id))).toBe(false);
  });

  it('a thread needing a skill nobody has waits and does not hold up the queue behind it', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Gemengd', { strategy: 'ROUND_ROBIN' });
    const rare = await p().thread.create({
      data: {
        organizationId: org.orgId,
        channelId: org.channelId,
        teamId: team.id,
        subject: 'Duits',
        requiredSkills: ['de'],
        queuedAt: new Date(app.clock.now().getTime() - 60_000),
        lastMessageAt: app.clock.now(),
      },
    });
    const plain = await p().thread.create({
      data: { organizationId: org.orgId, channelId: org.channelId, teamId: team.id, subject: 'Gewoon', queuedAt: app.clock.now(), lastMessageAt: app.clock.now() },
    });
    const agent = await createAgent(app, org.orgId, { name: 'Nieuw', teams: [team.id], skills: ['nl'], availability: 'OFFLINE' });
    const res = await server.gql(SET_AVAILABILITY, { a: 'ONLINE' }, agent.token);
    expect(res.data.setAvailability).toMatchObject({ errors: [], user: { availability: 'ONLINE' } });
    await settle();
    expect((await p().thread.findUniqueOrThrow({ where: { id: plain.id } })).assigneeId).toBe(agent.id);
    expect(await p().thread.findUniqueOrThrow({ where: { id: rare.id } })).toMatchObject({ assigneeId: null });
    expect((await p().thread.findUniqueOrThrow({ where: { id: rare.id } })).queuedAt).not.toBeNull();
  });
});

describe('routing', () => {
  it('by language (primary subtag, any case), tier, channel and thread type; inactive rules skipped; empty conditions are the fallback', async () => {
    const org = await setupOrg(app);
    const italian = await createTeam(app, org.orgId, 'Italiano', { strategy: 'MANUAL' });
    const premium = await createTeam(app, org.orgId, 'Premium', { strategy: 'MANUAL' });
    const install = await createTeam(app, org.orgId, 'Installatie', { strategy: 'MANUAL' });
    const fallback = await createTeam(app, org.orgId, 'Algemeen', { strategy: 'MANUAL' });
    const never = await createTeam(app, org.orgId, 'Nooit', { strategy: 'MANUAL' });
    const whatsapp = (await p().channel.create({ data: { organizationId: org.orgId, type: 'WHATSAPP_BUSINESS', name: 'WA' } })).id;
    const rules = [
      { name: 'Uit', teamId: gid('Team', never.id), rank: 0, isActive: false },
      { name: 'Italiaans', teamId: gid('Team', italian.id), rank: 10, conditions: { languages: ['IT'] }, requiredSkills: ['it'] },
      { name: 'Premium', teamId: gid('Team', premium.id), rank: 20, conditions: { customerTiers: ['PREMIUM', 'BUSINESS'] } },
      { name: 'Installatie WhatsApp', teamId: gid('Team', install.id), rank: 30, conditions: { channelTypes: ['WHATSAPP_BUSINESS'], threadTypes: ['INSTALLATION_COORDINATION'] } },
      { name: 'Vangnet', teamId: gid('Team', fallback.id), rank: 10_000 },
    ];
    for (const i of rules) expect((await server.gql(CREATE_RULE, { i }, org.managerToken)).data.createRoutingRule.errors).toEqual([]);

    const customer = (data: { language?: string; tier?: 'STANDARD' | 'PREMIUM' }) => p().customer.create({ data: { organizationId: org.orgId, name: 'Klant', ...data } });
    const cases: { input: Record<string, unknown>; team: string }[] = [
      { input: { customerId: gid('Customer', (await customer({ language: 'it-CH' })).id) }, team: italian.id },
      { input: { customerId: gid('Customer', (await customer({ language: 'It', tier: 'PREMIUM' })).id) }, team: italian.id },
      { input: { customerId: gid('Customer', (await customer({ language: 'nl', tier: 'PREMIUM' })).id) }, team: premium.id },
      { input: { channelId: gid('Channel', whatsapp), type: 'INSTALLATION_COORDINATION' }, team: install.id },
      { input: { channelId: gid('Channel', whatsapp), type: 'TECHNICAL_ISSUE' }, team: fallback.id },
      { input: { customerId: gid('Customer', (await customer({ language: 'itx' })).id) }, team: fallback.id },
      { input: {}, team: fallback.id },
    ];
    const ids: string[] = [];
    for (const c of cases) ids.push(await createThreadVia(server, org.managerToken, { subject: 'Route', channelId: gid('Channel', org.channelId), ...c.input }));
    await settle();
    const threads = await threadsOf(ids);
    expect(ids.map((id) => threads.find((t) => t.id === id)!.teamId)).toEqual(cases.map((c) => c.team));
    expect(threads.find((t) => t.id === ids[0])!.requiredSkills).toEqual(['it']);
    const route = changesOf((await auditRows(app, org.orgId, 'thread.route', ids[0]))[0]!);
    expect(route.after).toMatchObject({ teamId: italian.id, requiredSkills: ['it'], rule: { name: 'Italiaans', rank: 10 } });
  });

  it('routeThreads: one read of the threads and one of the rules; only threads a rule or their team routes go through routeThread', async () => {
    const org = await setupOrg(app);
    const other = await setupOrg(app);
    const italian = await createTeam(app, org.orgId, 'Italiano', { strategy: 'MANUAL' });
    const direct = await createTeam(app, org.orgId, 'Direct', { strategy: 'ROUND_ROBIN' });
    const agent = await createAgent(app, org.orgId, { name: 'Dirk', teams: [direct.id] });
    const elsewhere = await createTeam(app, other.orgId, 'Elders', { strategy: 'MANUAL' });
    expect(
      (await server.gql(CREATE_RULE, { i: { name: 'Italiaans', teamId: gid('Team', italian.id), conditions: { languages: ['it'] } } }, org.managerToken)).data.createRoutingRule
        .errors,
    ).toEqual([]);
    // The other organization's catch-all rule must not route this organization's threads.
    expect((await server.gql(CREATE_RULE, { i: { name: 'Alles', teamId: gid('Team', elsewhere.id) } }, other.managerToken)).data.createRoutingRule.errors).toEqual([]);
    const at = app.clock.now();
    const customer = (language: string) => p().customer.create({ data: { organizationId: org.orgId, name: 'Klant', language } });
    const thread = async (orgId: string, channelId: string, data: Record<string, unknown> = {}) =>
      (await p().thread.create({ data: { organizationId: orgId, channelId, subject: 'Batch', lastMessageAt: at, ...data } })).id;
    const italianThread = await thread(org.orgId, org.channelId, { customerId: (await customer('it')).id });
    const dutchThread = await thread(org.orgId, org.channelId, { customerId: (await customer('nl')).id });
    const teamThread = await thread(org.orgId, org.channelId, { teamId: direct.id });
    const deletedThread = await thread(org.orgId, org.channelId, { customerId: (await customer('it')).id, deletedAt: at });
    const resolvedThread = await thread(org.orgId, org.channelId, { customerId: (await customer('it')).id, status: 'RESOLVED' });
    const assignedThread = await thread(org.orgId, org.channelId, { customerId: (await customer('it')).id, assigneeId: agent.id });
    const otherThread = await thread(other.orgId, other.channelId);
    const missing = '00000000-0000-4000-8000-000000000000';

    const routed = await routeThreads(app.deps, [dutchThread, italianThread, missing, teamThread, deletedThread, resolvedThread, assignedThread, otherThread, italianThread]);
    expect(routed).toEqual([italianThread, teamThread, otherThread]);
    const threads = await threadsOf([italianThread, dutchThread, teamThread, deletedThread, resolvedThread, assignedThread, otherThread]);
    const byId = new Map(threads.map((t) => [t.id, t]));
    expect(byId.get(italianThread)).toMatchObject({ teamId: italian.id, assigneeId: null });
    expect(byId.get(dutchThread)).toMatchObject({ teamId: null, assigneeId: null, queuedAt: null });
    expect(byId.get(teamThread)).toMatchObject({ teamId: direct.id, assigneeId: agent.id });
    for (const id of [deletedThread, resolvedThread]) expect(byId.get(id)).toMatchObject({ teamId: null, assigneeId: null });
    expect(byId.get(assignedThread)).toMatchObject({ teamId: null, assigneeId: agent.id });
    expect(byId.get(otherThread)).toMatchObject({ teamId: elsewhere.id });
    expect((await auditRows(app, org.orgId, 'thread.route')).map((r) => r.entityId)).toEqual([italianThread]);

    // Threads no rule routes: the two reads and nothing else.
    const unrouted = [await thread(org.orgId, org.channelId, { customerId: (await customer('nl')).id }), await thread(org.orgId, org.channelId)];
    const statements: string[] = [];
    const listen = (sql: string) => void statements.push(sql);
    app.deps.db.onQuery.add(listen);
    try {
      expect(await routeThreads(app.deps, unrouted)).toEqual([]);
    } finally {
      app.deps.db.onQuery.delete(listen);
    }
    expect(statements).toHaveLength(2);
  });

  it('an ingested first message is routed by its customer language (ingest hook)', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Italia', { strategy: 'ROUND_ROBIN' });
    const luca = await createAgent(app, org.orgId, { name: 'Luca', teams: [team.id], skills: ['it'] });
    await server.gql(CREATE_RULE, { i: { name: 'Italiano', teamId: gid('Team', team.id), conditions: { languages: ['it'] }, requiredSkills: ['it'] } }, org.managerToken);
    const giulia = await p().customer.create({ data: { organizationId: org.orgId, name: 'Giulia', email: 'giulia@example.test', language: 'it' } });
    await p().customerIdentity.create({ data: { organizationId: org.orgId, customerId: giulia.id, kind: 'EMAIL', value: 'giulia@example.test' } });
    const channel = await p().channel.findUniqueOrThrow({ where: { id: org.channelId } });
    const { thread, created } = await ingestInbound(app.deps, channel, {
      externalMessageId: `ext-${Date.now()}`,
      customer: { name: 'Giulia', email: 'giulia@example.test', identities: [{ kind: 'EMAIL', value: 'giulia@example.test' }] },
      content: 'Buongiorno, la wallbox non si accende.',
      subject: 'Wallbox',
      attachments: [],
      occurredAt: app.clock.now(),
      conversationKey: `conv-${Date.now()}`,
      metadata: {},
    });
    expect(created).toBe(true);
    expect(thread.customerId).toBe(giulia.id);
    await settle();
    expect(await p().thread.findUniqueOrThrow({ where: { id: thread.id } })).toMatchObject({ teamId: team.id, assigneeId: luca.id, requiredSkills: ['it'] });
  });
});

describe('a manual assignment always wins', () => {
  it('a thread created with an assignee is not reassigned; a queued thread assigned by a person leaves the queue for good', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Handje', { strategy: 'ROUND_ROBIN', maxOpenPerAgent: 5 });
    const chosen = await createAgent(app, org.orgId, { name: 'Gekozen', teams: [team.id], availability: 'OFFLINE' });
    const other = await createAgent(app, org.orgId, { name: 'Ander', teams: [team.id], availability: 'OFFLINE' });

    const preset = await createThreadVia(server, org.managerToken, {
      subject: 'Vooraf',
      channelId: gid('Channel', org.channelId),
      teamId: gid('Team', team.id),
      assigneeId: gid('User', chosen.id),
    });
    const queued = await createThreadVia(server, org.managerToken, { subject: 'Wacht', channelId: gid('Channel', org.channelId), teamId: gid('Team', team.id) });
    await settle();
    expect((await p().thread.findUniqueOrThrow({ where: { id: queued } })).queuedAt).not.toBeNull();

    const res = await server.gql(ASSIGN_THREAD, { i: { threadId: gid('Thread', queued), assigneeId: gid('User', chosen.id) } }, org.managerToken);
    expect(res.data.assignThread).toMatchObject({ errors: [], thread: { queuedAt: null, assignee: { id: gid('User', chosen.id) } } });
    // The other agent comes online: nothing of the queue is left for them.
    await server.gql(SET_AVAILABILITY, { a: 'ONLINE' }, other.token);
    await settle();
    expect((await p().thread.findUniqueOrThrow({ where: { id: preset } })).assigneeId).toBe(chosen.id);
    expect(await p().thread.findUniqueOrThrow({ where: { id: queued } })).toMatchObject({ assigneeId: chosen.id, queuedAt: null });
    const system = (await auditRows(app, org.orgId, 'thread.assign')).filter((r) => r.actorType === 'SYSTEM');
    expect(system).toEqual([]);
  });

  it('a person assigning before the routing job runs wins over it', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Snel', { strategy: 'ROUND_ROBIN' });
    await createAgent(app, org.orgId, { name: 'Online', teams: [team.id] });
    const person = await createAgent(app, org.orgId, { name: 'Persoon', teams: [], availability: 'OFFLINE' });
    const id = await createThreadVia(server, org.managerToken, { subject: 'Vlug', channelId: gid('Channel', org.channelId), teamId: gid('Team', team.id) });
    const res = await server.gql(ASSIGN_THREAD, { i: { threadId: gid('Thread', id), assigneeId: gid('User', person.id) } }, org.managerToken);
    expect(res.data.assignThread.errors).toEqual([]);
    await settle();
    expect((await p().thread.findUniqueOrThrow({ where: { id } })).assigneeId).toBe(person.id);
    expect((await auditRows(app, org.orgId, 'thread.assign', id)).map((r) => r.actorType)).toEqual(['USER']);
  });
});

describe('reassignAfterSeconds', () => {
  it('an unanswered automatic assignment moves to the next candidate after the delay; a reply or a manual assignment stops it', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Vlot', { strategy: 'ROUND_ROBIN' });
    const set = await server.gql(UPDATE_TEAM, { i: { teamId: gid('Team', team.id), assignment: { reassignAfterSeconds: 60 } } }, org.managerToken);
    expect(set.data.updateTeam).toMatchObject({ errors: [], team: { assignment: { strategy: 'ROUND_ROBIN', maxOpenPerAgent: null, reassignAfterSeconds: 60 } } });
    const a = await createAgent(app, org.orgId, { name: 'Eerste', teams: [team.id] });
    const b = await createAgent(app, org.orgId, { name: 'Tweede', teams: [team.id] });
    await settle();

    const id = await createThreadVia(server, org.managerToken, { subject: 'Stilte', channelId: gid('Channel', org.channelId), teamId: gid('Team', team.id) });
    await settle();
    const first = (await p().thread.findUniqueOrThrow({ where: { id } })).assigneeId!;
    const second = first === a.id ? b.id : a.id;
    expect([a.id, b.id]).toContain(first);

    app.clock.advance(59_000);
    await settle();
    expect((await p().thread.findUniqueOrThrow({ where: { id } })).assigneeId).toBe(first);

    app.clock.advance(2_000);
    await settle();
    expect((await p().thread.findUniqueOrThrow({ where: { id } })).assigneeId).toBe(second);
    const moved = changesOf((await auditRows(app, org.orgId, 'thread.assign', id)).at(-1)!);
    expect(moved.before.assigneeId).toBe(first);
    expect(moved.after).toMatchObject({ assigneeId: second, reason: { strategy: 'ROUND_ROBIN', reassignedFrom: first, afterSeconds: 61 } });
    expect(await p().notification.count({ where: { userId: second, threadId: id, kind: 'ASSIGNMENT' } })).toBe(1);

    // The second agent answers: no further move.
    await p().message.create({
      data: { organizationId: org.orgId, threadId: id, channelId: org.channelId, type: 'OUTGOING', senderUserId: second, content: 'Ik kijk ernaar.', createdAt: app.clock.now() },
    });
    app.clock.advance(120_000);
    await settle();
    expect((await p().thread.findUniqueOrThrow({ where: { id } })).assigneeId).toBe(second);

    // A manual assignment voids the pending reassignment of a new thread.
    const other = await createThreadVia(server, org.managerToken, { subject: 'Handmatig daarna', channelId: gid('Channel', org.channelId), teamId: gid('Team', team.id) });
    await settle();
    const auto = (await p().thread.findUniqueOrThrow({ where: { id: other } })).assigneeId!;
    await server.gql(ASSIGN_THREAD, { i: { threadId: gid('Thread', other), assigneeId: gid('User', auto) } }, org.managerToken);
    app.clock.advance(120_000);
    await settle();
    expect((await p().thread.findUniqueOrThrow({ where: { id: other } })).assigneeId).toBe(auto);
  });
});

describe('availability', () => {
  it('the sweep marks ONLINE agents AWAY after 5 and OFFLINE after 30 silent minutes', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Aanwezig');
    const now = app.clock.now().getTime();
    const fresh = await createAgent(app, org.orgId, { name: 'Vers', teams: [team.id] });
    const idle = await createAgent(app, org.orgId, { name: 'Stil', teams: [team.id] });
    const gone = await createAgent(app, org.orgId, { name: 'Weg', teams: [team.id] });
    const awayLong = await createAgent(app, org.orgId, { name: 'Lang weg', teams: [team.id], availability: 'AWAY' });
    await p().user.update({ where: { id: fresh.id }, data: { lastSeenAt: new Date(now - 4 * 60_000) } });
    await p().user.update({ where: { id: idle.id }, data: { lastSeenAt: new Date(now - 6 * 60_000) } });
    await p().user.update({ where: { id: gone.id }, data: { lastSeenAt: new Date(now - 31 * 60_000) } });
    await p().user.update({ where: { id: awayLong.id }, data: { lastSeenAt: new Date(now - 45 * 60_000) } });
    await app.deps.jobs.add(p(), JOB.availabilitySweep, {});
    await settle();
    const users = await p().user.findMany({ where: { id: { in: [fresh.id, idle.id, gone.id, awayLong.id] } } });
    const of = (id: string) => users.find((u) => u.id === id)!.availability;
    expect([of(fresh.id), of(idle.id), of(gone.id), of(awayLong.id)]).toEqual(['ONLINE', 'AWAY', 'OFFLINE', 'OFFLINE']);
  });

  it('setAvailability sets lastSeenAt, and coming ONLINE takes queued threads', async () => {
    const org = await setupOrg(app);
    const team = await createTeam(app, org.orgId, 'Later', { strategy: 'ROUND_ROBIN' });
    const agent = await createAgent(app, org.orgId, { name: 'Laat', teams: [team.id], availability: 'OFFLINE' });
    await p().user.update({ where: { id: agent.id }, data: { lastSeenAt: null } });
    const id = await createThreadVia(server, org.managerToken, { subject: 'Vroeg', channelId: gid('Channel', org.channelId), teamId: gid('Team', team.id) });
    await settle();
    expect(await p().thread.findUniqueOrThrow({ where: { id } })).toMatchObject({ assigneeId: null });

    app.clock.advance(1_000);
    const res = await server.gql(SET_AVAILABILITY, { a: 'ONLINE' }, agent.token);
    expect(res.data.setAvailability.errors).toEqual([]);
    const user = await p().user.findUniqueOrThrow({ where: { id: agent.id } });
    expect(user.availability).toBe('ONLINE');
    expect(user.lastSeenAt?.getTime()).toBe(app.clock.now().getTime());
    await settle();
    expect(await p().thread.findUniqueOrThrow({ where: { id } })).toMatchObject({ assigneeId: agent.id, queuedAt: null });
  });
});
