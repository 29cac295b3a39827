/**
 * `GET /metrics` (issue 7 §7) on a real server with METRICS_TOKEN set:
 * - 401 without the token or with a wrong one; Prometheus text with the token;
 * - after signed WhatsApp webhooks (one stored, its redelivery, one with a bad
 *   signature) the deliveries are counted by provider and outcome, the stored
 *   one's job shows in the queue depth until it runs, and once it ran the job
 *   counters and the processing lag (received → processed, on the hub clock)
 *   show it;
 * - a failing job counts as retry, then dead, in the failure counters and the
 *   queue depth (FAILED);
 * - GraphQL operations are timed by operation name, errors counted by code;
 *   HTTP requests by route; open sockets and subscriptions go up and back down;
 *   overdue threads (SLA) are counted; Node's default metrics are there; the
 *   PostgreSQL pool is reported on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWhatsAppBody } from '../../src/channels/whatsapp/signature.js';
import { loadWhatsAppFixture, whatsappDemoChannel } from '../fakes/fixtures.js';
import { createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, testDatabaseKind, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { collect, trackPubSubListeners, wsClient } from '../graphql/helpers.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
let app: TestApp;
let server: TestServer;
let orgId: string;
let token: string;

beforeAll(async () => {
  app = await createTestApp({ METRICS_TOKEN });
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  token = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'ADMIN' }));
  await createWhatsAppChannel(app.deps, org.id);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of `name` with exactly `labels` in Prometheus text, or undefined. */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    const keys = Object.keys(labels);
    if (Object.keys(got).length === keys.length && keys.every((k) => got[k] === labels[k])) return Number(m[3]);
  }
  return undefined;
}

async function postWhatsApp(body: Buffer, signature = signWhatsAppBody(body, whatsappDemoChannel.appSecret)) {
  return fetch(`${server.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body,
  });
}

describe('/metrics access', () => {
  it('answers 401 without the token or with a wrong one', async () => {
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('# HELP');
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token-000000' } });
    expect(wrong.status).toBe(401);
  });

  it('answers Prometheus text with the token, Node default metrics included', async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE hub_webhook_deliveries_total counter');
    expect(value(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });
});

describe('webhook and job figures', () => {
  const TEXT = loadWhatsAppFixture('text-nl.json');
  const wa = (outcome: string) => ({ provider: 'whatsapp', outcome });

  it('counts deliveries by outcome; the stored one waits in the queue depth until its job runs', async () => {
    const before = await scrape();
    expect((await postWhatsApp(TEXT)).status).toBe(200);
    expect((await postWhatsApp(TEXT)).status).toBe(200); // a redelivery
    expect((await postWhatsApp(TEXT, 'sha256=' + '0'.repeat(64))).status).toBe(401);

    const waiting = await scrape();
    const delta = (name: string, labels: Record<string, string>, text = waiting) => (value(text, name, labels) ?? 0) - (value(before, name, labels) ?? 0);
    expect(delta('hub_webhook_deliveries_total', wa('stored'))).toBe(1);
    expect(delta('hub_webhook_deliveries_total', wa('duplicate'))).toBe(1);
    expect(delta('hub_webhook_deliveries_total', wa('rejected'))).toBe(1);
    expect(value(waiting, 'hub_job_queue_depth', { queue: 'inbound.process', status: 'QUEUED' })).toBe(1);
    expect(value(waiting, 'hub_job_queue_due', { queue: 'inbound.process' })).toBe(1);
    expect(delta('hub_http_request_duration_seconds_count', { method: 'POST', route: '/webhooks/:provider', status_code: '200' })).toBe(2);

    // Processed 5 s (hub clock) after it was received.
    app.clock.advance(5_000);
    await app.deps.jobs.settle();
    const after = await scrape();
    expect(value(after, 'hub_job_queue_depth', { queue: 'inbound.process', status: 'QUEUED' })).toBe(0);
    expect(value(after, 'hub_job_queue_due', { queue: 'inbound.process' })).toBe(0);
    expect(delta('hub_job_runs_total', { queue: 'inbound.process', outcome: 'completed' }, after)).toBe(1);
    expect(delta('hub_job_duration_seconds_count', { queue: 'inbound.process' }, after)).toBe(1);
    expect(delta('hub_inbound_processing_lag_seconds_count', { provider: 'whatsapp' }, after)).toBe(1);
    expect(delta('hub_inbound_processing_lag_seconds_sum', { provider: 'whatsapp' }, after)).toBe(5);
    expect(value(after, 'hub_job_failures_total', { queue: 'inbound.process' }) ?? 0).toBe(0);
  });

  it('a failing job counts as a retry, then as dead, and shows as FAILED in the depth', async () => {
    const handlers = app.deps.jobs.handlers as Record<string, (...a: unknown[]) => Promise<void>>;
    handlers['test.flaky'] = async () => {
      throw new Error('provider down');
    };
    try {
      await app.deps.jobs.add(app.deps.db.prisma, 'test.flaky', {}, { maxAttempts: 2 });
      await app.deps.jobs.settle();
      const retried = await scrape();
      expect(value(retried, 'hub_job_runs_total', { queue: 'test.flaky', outcome: 'retry' })).toBe(1);
      expect(value(retried, 'hub_job_failures_total', { queue: 'test.flaky' })).toBe(1);
      // Rescheduled with backoff: queued, not yet due.
      expect(value(retried, 'hub_job_queue_depth', { queue: 'test.flaky', status: 'QUEUED' })).toBe(1);
      expect(value(retried, 'hub_job_queue_due', { queue: 'test.flaky' })).toBe(0);

      app.clock.advance(60_000);
      await app.deps.jobs.settle();
      const dead = await scrape();
      expect(value(dead, 'hub_job_runs_total', { queue: 'test.flaky', outcome: 'dead' })).toBe(1);
      expect(value(dead, 'hub_job_failures_total', { queue: 'test.flaky' })).toBe(2);
      expect(value(dead, 'hub_job_queue_depth', { queue: 'test.flaky', status: 'FAILED' })).toBe(1);
      expect(value(dead, 'hub_job_queue_depth', { queue: 'test.flaky', status: 'QUEUED' })).toBe(0);
    } finally {
      delete handlers['test.flaky'];
    }
  });

  it('counts open threads past their response due date (SLA)', async () => {
    const thread = await app.deps.db.prisma.thread.findFirstOrThrow({ where: { organizationId: orgId } });
    const now = app.deps.clock.now();
    await app.deps.db.prisma.thread.update({ where: { id: thread.id }, data: { status: 'OPEN', responseDueAt: new Date(now.getTime() - 60_000) } });
    expect(value(await scrape(), 'hub_sla_threads_overdue')).toBe(1);
    await app.deps.db.prisma.thread.update({ where: { id: thread.id }, data: { responseDueAt: new Date(now.getTime() + 3_600_000) } });
    expect(value(await scrape(), 'hub_sla_threads_overdue')).toBe(0);
  });
});

describe('GraphQL, sockets and the database pool', () => {
  it('times operations by name and counts errors by code', async () => {
    const before = await scrape();
    expect((await server.gql('query MetricsProbe { viewer { id } }', {}, token)).errors).toBeUndefined();
    expect((await server.gql('query MetricsProbe { viewer { id } }', {}, token)).errors).toBeUndefined();
    const broken = await server.gql('query BrokenProbe { noSuchField }', {}, token);
    expect(broken.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => (value(after, name, labels) ?? 0) - (value(before, name, labels) ?? 0);
    expect(delta('hub_graphql_operation_duration_seconds_count', { operation_name: 'MetricsProbe', operation_type: 'query' })).toBe(2);
    expect(delta('hub_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(delta('hub_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status_code: '200' })).toBeGreaterThanOrEqual(2);
  });

  it('open sockets and running subscriptions go up, and back to zero when the client leaves', async () => {
    const listeners = trackPubSubListeners(app.deps);
    const client = wsClient(server.port, token);
    try {
      const sub = collect(client, 'subscription { messageAdded { id } }');
      await listeners.waitFor(1);
      const open = await scrape();
      expect(value(open, 'hub_websocket_connections')).toBe(1);
      expect(value(open, 'hub_graphql_ws_operations')).toBe(1);
      sub.unsubscribe();
      await client.dispose();
      // The server sees the close a moment later: wait for it (bounded), then check.
      let closed = open;
      for (let i = 0; i < 100 && value(closed, 'hub_websocket_connections') !== 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        closed = await scrape();
      }
      expect(value(closed, 'hub_websocket_connections')).toBe(0);
      expect(value(closed, 'hub_graphql_ws_operations')).toBe(0);
    } finally {
      listeners.restore();
    }
  });

  it(`reports the PostgreSQL pool, and nothing for PGlite (${testDatabaseKind})`, async () => {
    const text = await scrape();
    if (testDatabaseKind.startsWith('postgres')) {
      expect(value(text, 'hub_db_pool_connections', { state: 'max' })).toBe(10);
      expect(value(text, 'hub_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    } else {
      expect(value(text, 'hub_db_pool_connections', { state: 'max' })).toBeUndefined();
    }
  });
});
