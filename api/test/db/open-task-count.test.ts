/**
 * Thread.openTaskCount and hasOpenTasks (migration 20261204100000_thread_open_task_count): the trigger on Task keeps
 * it equal to the number of the thread's OPEN, IN_PROGRESS or WAITING tasks through every kind of
 * write (insert, status change, a task moved to another thread or detached, delete, the thread
 * deleted), also when two transactions add tasks to one thread at the same time; the inbox's
 * hasOpenTasks filter and Thread.openTaskCount read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskStatus } from '../../src/generated/prisma/enums.js';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, testDatabaseKind, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid } from '../graphql/helpers.js';

let app: TestApp;
let server: TestServer;
let org: { id: string };
let channelId: string;
let token: string;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  org = await createOrganization(app.deps);
  channelId = (await createChannel(app.deps, org.id, { type: 'API' })).id;
  token = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'MANAGER' }));
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const OPEN: TaskStatus[] = ['OPEN', 'IN_PROGRESS', 'WAITING'];
const db = () => app.deps.db.prisma;
const newThread = async (subject: string) => (await db().thread.create({ data: { organizationId: org.id, subject, channelId } })).id;
const addTask = async (threadId: string | null, status: TaskStatus = 'OPEN') =>
  (await db().task.create({ data: { organizationId: org.id, title: 'Terugbellen', threadId, status } })).id;

/** The column and a recount from the Task rows, side by side (and the flag checked against the recount). */
async function counts(threadId: string): Promise<{ column: number; recount: number }> {
  const thread = await db().thread.findUniqueOrThrow({ where: { id: threadId }, select: { openTaskCount: true, hasOpenTasks: true } });
  const recount = await db().task.count({ where: { threadId, status: { in: OPEN } } });
  expect(thread.hasOpenTasks, `hasOpenTasks with ${recount} open tasks`).toBe(recount > 0);
  return { column: thread.openTaskCount, recount };
}

describe(`Thread.openTaskCount (${testDatabaseKind})`, () => {
  it('follows inserts, status changes, moves, detaching and deletes', async () => {
    const a = await newThread('Laadpaal offline');
    const b = await newThread('Factuur klopt niet');
    expect(await counts(a)).toEqual({ column: 0, recount: 0 });

    const t1 = await addTask(a);
    const t2 = await addTask(a, 'WAITING');
    await addTask(a, 'COMPLETED');
    expect(await counts(a)).toEqual({ column: 2, recount: 2 });

    await db().task.update({ where: { id: t1 }, data: { status: 'IN_PROGRESS' } }); // open → open
    expect(await counts(a)).toEqual({ column: 2, recount: 2 });
    await db().task.update({ where: { id: t1 }, data: { status: 'COMPLETED' } }); // open → done
    expect(await counts(a)).toEqual({ column: 1, recount: 1 });
    await db().task.update({ where: { id: t1 }, data: { status: 'OPEN' } }); // reopened
    expect(await counts(a)).toEqual({ column: 2, recount: 2 });

    await db().task.updateMany({ where: { id: { in: [t1, t2] } }, data: { threadId: b } }); // as a merge moves them
    expect(await counts(a)).toEqual({ column: 0, recount: 0 });
    expect(await counts(b)).toEqual({ column: 2, recount: 2 });

    await db().task.update({ where: { id: t1 }, data: { threadId: null } });
    await db().task.delete({ where: { id: t2 } });
    expect(await counts(b)).toEqual({ column: 0, recount: 0 });

    // Deleting a thread detaches its tasks (ON DELETE SET NULL): the trigger's update finds no thread, nothing fails.
    await addTask(b);
    await db().thread.delete({ where: { id: b } });
    expect(await db().task.count({ where: { title: 'Terugbellen', threadId: null, organizationId: org.id, status: 'OPEN' } })).toBe(2);
  });

  it('counts both tasks when two transactions add one to the same thread at once', async () => {
    const a = await newThread('Twee collega’s tegelijk');
    let release!: () => void;
    const bothInserted = new Promise<void>((r) => (release = r));
    let inserted = 0;
    const addInTransaction = () =>
      db().$transaction(async (tx) => {
        await tx.task.create({ data: { organizationId: org.id, title: 'Gelijktijdig', threadId: a } });
        if (++inserted === 2) release();
        // On PostgreSQL the second waits here for the first's row lock on the thread; on PGlite they run one after the other.
        await Promise.race([bothInserted, new Promise((r) => setTimeout(r, 200))]);
      });
    await Promise.all([addInTransaction(), addInTransaction()]);
    expect(await counts(a)).toEqual({ column: 2, recount: 2 });
  });

  it('is what the hasOpenTasks filter and Thread.openTaskCount read', async () => {
    const withTask = await newThread('Met taak');
    const done = await newThread('Taak afgerond');
    await addTask(withTask);
    await addTask(withTask, 'IN_PROGRESS');
    await addTask(done, 'CANCELLED');
    const res = (await server.gql(`{ threads(first: 100, filter: { hasOpenTasks: true }) { totalCount edges { node { id openTaskCount } } } }`, {}, token)) as {
      data: { threads: { totalCount: number; edges: { node: { id: string; openTaskCount: number } }[] } };
    };
    const listed = res.data.threads.edges.map((e) => e.node);
    expect(listed).toContainEqual({ id: gid('Thread', withTask), openTaskCount: 2 });
    expect(listed.map((n) => n.id)).not.toContain(gid('Thread', done));
    for (const n of listed) expect(n.openTaskCount).toBeGreaterThan(0);
    expect(res.data.threads.totalCount).toBe(listed.length);
  });
});
