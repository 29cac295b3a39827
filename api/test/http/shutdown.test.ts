/**
 * Graceful shutdown (issue 7 §7), `shutdownHub` as SIGTERM runs it:
 * - with a request and a job running: the port stops accepting at once,
 *   graphql-ws sockets are closed with 1001 (Going away), the running request
 *   still gets its answer and the running job finishes (COMPLETED) before the
 *   shutdown resolves, which it does only after both were let go;
 * - when a request outlives SHUTDOWN_TIMEOUT_MS, its connection is cut and the
 *   result says timedOut (runHub then exits with 1).
 * Requests and jobs are held by gates the test opens, never by sleeps.
 */
import { describe, expect, it } from 'vitest';
import { shutdownHub } from '../../src/server.js';
import { createOrganization, createTestApp, createTestServer, createUser, tokenFor } from '../harness.js';
import { collect, trackPubSubListeners, wsClient } from '../graphql/helpers.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((r) => (fire = r));
  return { fire, fired };
}

/** Holds `GET /health/ready` (its `SELECT 1`) until the gate opens; tells when one is held. */
function holdReadiness(prisma: { $queryRawUnsafe: (...a: any[]) => Promise<unknown> }, g: { opened: Promise<void> }) {
  const held = signal();
  const original = prisma.$queryRawUnsafe.bind(prisma);
  prisma.$queryRawUnsafe = async (...args: any[]) => {
    if (args[0] === 'SELECT 1') {
      held.fire();
      await g.opened;
    }
    return original(...args);
  };
  return held;
}

async function untilNotListening(server: { httpServer: { listening: boolean } }) {
  for (let i = 0; i < 200 && server.httpServer.listening; i++) await new Promise((r) => setTimeout(r, 10));
}

describe('graceful shutdown', () => {
  it('stops accepting, closes sockets with 1001, and lets the running request and job finish', async () => {
    const t = await createTestApp({ SHUTDOWN_TIMEOUT_MS: '60000' });
    const server = await createTestServer(t.deps);
    const org = await createOrganization(t.deps);
    const token = await tokenFor(t.deps, await createUser(t.deps, org.id));

    // A socket with a live subscription.
    const listeners = trackPubSubListeners(t.deps);
    const client = wsClient(server.port, token);
    const closeCode = new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));
    collect(client, 'subscription { messageAdded { id } }');
    await listeners.waitFor(1);

    // A running job.
    const jobGate = gate();
    const jobStarted = signal();
    const handlers = t.deps.jobs.handlers as Record<string, (...a: unknown[]) => Promise<void>>;
    handlers['test.slow'] = async () => {
      jobStarted.fire();
      await jobGate.opened;
    };
    const jobId = await t.deps.jobs.add(t.deps.db.prisma, 'test.slow', {});
    await t.deps.jobs.start();
    await jobStarted.fired;

    // A running request.
    const requestGate = gate();
    const held = holdReadiness(t.deps.db.prisma as never, requestGate);
    const inFlight = fetch(`${server.url}/health/ready`);
    await held.fired;

    let finished = false;
    // What the job's row says when the hub closes its database (after HTTP and jobs are done).
    let jobStatusAtClose: string | undefined;
    const close = async () => {
      jobStatusAtClose = (await t.deps.db.prisma.job.findUniqueOrThrow({ where: { id: jobId! } })).status;
      await t.close();
    };
    const done = shutdownHub({ ...t.deps, close }, server, t.deps.config.SHUTDOWN_TIMEOUT_MS).then((r) => {
      finished = true;
      return r;
    });

    expect(await closeCode).toBe(1001);
    await untilNotListening(server);
    expect(server.httpServer.listening).toBe(false);
    await expect(fetch(`${server.url}/health/live`)).rejects.toThrow();
    expect(finished).toBe(false);

    requestGate.open();
    const answered = await inFlight;
    // Answered in full; by now the queue has stopped claiming, so readiness says 503 (a load balancer drains the instance).
    expect(answered.status).toBe(503);
    expect(await answered.json()).toMatchObject({ ok: false, checks: { database: true, jobs: false } });
    expect(finished).toBe(false); // the job still runs

    jobGate.open();
    expect(await done).toEqual({ timedOut: false });
    expect(jobStatusAtClose).toBe('COMPLETED');
    delete handlers['test.slow'];
    await client.dispose();
  });

  it('cuts connections still open after SHUTDOWN_TIMEOUT_MS and says it timed out', async () => {
    // Apollo's own drain gets a long grace here, so the 300 ms deadline below is the one that cuts.
    const t = await createTestApp({ SHUTDOWN_TIMEOUT_MS: '60000' });
    const server = await createTestServer(t.deps);
    const requestGate = gate();
    const held = holdReadiness(t.deps.db.prisma as never, requestGate);
    const inFlight = fetch(`${server.url}/health/ready`).then(
      (r) => r.status,
      () => 'cut',
    );
    await held.fired;
    let closed = false;
    const result = await shutdownHub(
      {
        ...t.deps,
        close: async () => {
          await t.close();
          closed = true;
        },
      },
      server,
      300,
    );
    expect(result).toEqual({ timedOut: true });
    expect(await inFlight).toBe('cut');
    // Let the held query go so the database closes behind us.
    requestGate.open();
    for (let i = 0; i < 500 && !closed; i++) await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(true);
  });
});
