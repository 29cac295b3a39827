/**
 * Task reminders on the fake clock: typed reminder settings, each reminder
 * fires once as a notification (durable jobs), a moved due date re-plans them,
 * an overdue task alerts its assignee and a day later the team lead, a
 * completed task has no reminders left; the tasks filter by overdue and dueBefore.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderSettingsOf } from '../../src/modules/task/task.reminders.js';
import { createOrganization, createTestApp, createTestServer, createUser, testDatabaseKind, type TestApp, type TestServer } from '../harness.js';
import { clockToken, gid } from '../graphql/helpers.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let creator: { id: string; organizationId: string };
let assignee: { id: string; organizationId: string };
let lead: { id: string; organizationId: string };
const H = 3_600_000;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  orgId = (await createOrganization(app.deps)).id;
  creator = await createUser(app.deps, orgId, { name: 'Chiara Creator' });
  assignee = await createUser(app.deps, orgId, { name: 'Arjen Assignee' });
  lead = await createUser(app.deps, orgId, { name: 'Lotte Lead', role: 'TEAM_LEAD' });
  await app.deps.db.prisma.team.create({ data: { organizationId: orgId, name: 'Installatie', members: { create: [{ userId: assignee.id }, { userId: lead.id }] } } });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const notes = (taskId: string) => app.deps.db.prisma.notification.findMany({ where: { taskId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
const queued = (taskId: string) =>
  app.deps.db.prisma.job.findMany({ where: { queue: 'task.reminder', status: 'QUEUED', payload: { path: ['taskId'], equals: taskId } }, orderBy: { runAt: 'asc' } });
const moveTo = async (at: number) => {
  app.clock.set(new Date(at));
  await app.deps.jobs.settle();
};

describe(`task reminders (${testDatabaseKind})`, () => {
  it('fire once each before the due date, at it, and a day later to the team lead; a moved due date re-plans them; completing ends them', async () => {
    const start = app.clock.now().getTime();
    const token = await clockToken(app.deps, creator);
    const created = await server.gql(
      `mutation($i: CreateTaskInput!){ createTask(input:$i){ task { id reminderSettings { remindBeforeSeconds notify } } errors { code field message } } }`,
      {
        i: {
          title: 'Offerte nabellen',
          assigneeId: gid('User', assignee.id),
          dueAt: new Date(start + 2 * H).toISOString(),
          reminderSettings: { remindBeforeSeconds: [600, 3600], notify: ['ASSIGNEE', 'CREATOR'] },
        },
      },
      token,
    );
    expect(created.data.createTask.errors).toEqual([]);
    expect(created.data.createTask.task.reminderSettings).toEqual({ remindBeforeSeconds: [3600, 600], notify: ['ASSIGNEE', 'CREATOR'] });
    const taskId = Buffer.from(created.data.createTask.task.id, 'base64').toString().split(':')[1]!;
    expect((await queued(taskId)).map((j) => [(j.payload as any).kind, j.runAt.getTime() - start])).toEqual([
      ['BEFORE', 1 * H],
      ['BEFORE', 2 * H - 600_000],
      ['OVERDUE', 2 * H],
      ['OVERDUE_LEAD', 26 * H],
    ]);

    await moveTo(start + 1 * H - 1000);
    expect(await notes(taskId)).toEqual([]);
    await moveTo(start + 1 * H);
    await moveTo(start + 1 * H + 5000);
    const first = await notes(taskId);
    expect(first.map((n) => n.userId).sort()).toEqual([assignee.id, creator.id].sort());
    expect(first[0]!.title).toBe('Task due in 1 h: Offerte nabellen');

    // The due date moves an hour later: the remaining reminders follow it.
    const moved = await server.gql(
      `mutation($i: UpdateTaskInput!){ updateTask(input:$i){ errors { code } } }`,
      { i: { taskId: gid('Task', taskId), dueAt: new Date(start + 3 * H).toISOString() } },
      token,
    );
    expect(moved.data.updateTask.errors).toEqual([]);
    expect((await queued(taskId)).map((j) => [(j.payload as any).kind, j.runAt.getTime() - start])).toEqual([
      ['BEFORE', 2 * H],
      ['BEFORE', 3 * H - 600_000],
      ['OVERDUE', 3 * H],
      ['OVERDUE_LEAD', 27 * H],
    ]);
    await moveTo(start + 2 * H + 1000); // the old 10-minute reminder (1:50) never fires; the new 1-hour one does
    expect((await notes(taskId)).length).toBe(4);
    await moveTo(start + 3 * H);
    const overdue = (await notes(taskId)).filter((n) => (n.data as any).kind === 'OVERDUE');
    expect(overdue.map((n) => [n.userId, n.title])).toEqual([[assignee.id, 'Task overdue: Offerte nabellen']]);
    expect((await notes(taskId)).length).toBe(7); // 2 + 2 BEFORE 1 h, 2 BEFORE 10 min, 1 OVERDUE

    await moveTo(start + 3 * H + 1000);
    const list = await server.gql(
      `query($f: TaskFilter){ tasks(first: 50, filter: $f){ edges { node { id overdue } } } }`,
      { f: { overdue: true, dueBefore: new Date(start + 4 * H).toISOString() } },
      token,
    );
    expect(list.data.tasks.edges.map((e: any) => e.node)).toEqual([{ id: gid('Task', taskId), overdue: true }]);
    const none = await server.gql(`query($f: TaskFilter){ tasks(first: 50, filter: $f){ totalCount } }`, { f: { dueBefore: new Date(start + 3 * H).toISOString() } }, token);
    expect(none.data.tasks.totalCount).toBe(0);

    await moveTo(start + 27 * H);
    const leadNote = (await notes(taskId)).filter((n) => (n.data as any).kind === 'OVERDUE_LEAD');
    expect(leadNote.map((n) => n.userId)).toEqual([lead.id]);
    const audit = await app.deps.db.prisma.auditLog.count({ where: { entityId: taskId, action: 'task.remind' } });
    expect(audit).toBe(5); // BEFORE 1 h (old due date), BEFORE 1 h and 10 min (new), OVERDUE, OVERDUE_LEAD
    await moveTo(start + 40 * H);
    expect((await notes(taskId)).length).toBe(8);
  });

  it('completing a task deletes its planned reminders', async () => {
    const start = app.clock.now().getTime();
    const token = await clockToken(app.deps, assignee);
    const created = await server.gql(
      `mutation($i: CreateTaskInput!){ createTask(input:$i){ task { id } errors { code } } }`,
      { i: { title: 'Monteur inplannen', dueAt: new Date(start + 5 * H).toISOString(), reminderSettings: { remindBeforeSeconds: [1800] } } },
      token,
    );
    const id = created.data.createTask.task.id;
    const taskId = Buffer.from(id, 'base64').toString().split(':')[1]!;
    expect(await queued(taskId)).toHaveLength(3);
    const done = await server.gql(`mutation($i: CompleteTaskInput!){ completeTask(input:$i){ errors { code } } }`, { i: { taskId: id } }, token);
    expect(done.data.completeTask.errors).toEqual([]);
    expect(await queued(taskId)).toEqual([]);
    await moveTo(start + 30 * H);
    expect(await notes(taskId)).toEqual([]);
  });

  it('reads the older settings shape (minutes) and refuses bad input with a typed error, changing nothing', async () => {
    expect(reminderSettingsOf({ remindBeforeMinutes: [60, 1440], channels: ['in_app'] })).toEqual({ remindBeforeSeconds: [86_400, 3600], notify: ['ASSIGNEE'] });
    expect(reminderSettingsOf(null)).toEqual({ remindBeforeSeconds: [], notify: ['ASSIGNEE'] });
    const before = await app.deps.db.prisma.task.count();
    const bad = await server.gql(
      `mutation($i: CreateTaskInput!){ createTask(input:$i){ task { id } errors { code field } } }`,
      { i: { title: 'x', reminderSettings: { remindBeforeSeconds: [-5] } } },
      await clockToken(app.deps, creator),
    );
    expect(bad.data.createTask.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.reminderSettings.remindBeforeSeconds.0' });
    expect(await app.deps.db.prisma.task.count()).toBe(before);
  });
});
