/**
 * Structured logs (issue 7 §7), captured from the hub's own logger:
 * - every request gets a request id, the client's `X-Request-Id` when it is
 *   sane (echoed back), a fresh UUID otherwise; every line logged while the
 *   request is handled (by any service, not only the access line) carries it;
 * - the access line has method, path (no query string), status and durationMs;
 *   GraphQL lines carry the operation name and the viewer;
 * - an unexpected error in a resolver reaches the client as the masked
 *   "Internal server error" while the log has the original message and stack.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { createOrganization, createTestApp, createTestServer, createUser, createWhatsAppChannel, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid, missingUuid } from '../graphql/helpers.js';

// A resolver that fails the way a bug would (not a DomainError, not a GraphQLError).
vi.mock('../../src/modules/template/template.service.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/modules/template/template.service.js')>();
  return {
    ...original,
    renderTemplateForThread: async () => {
      throw new Error('template engine exploded at /srv/secret/path');
    },
  };
});

type Line = Record<string, any>;
const lines: Line[] = [];
let app: TestApp;
let server: TestServer;
let token: string;
let userId: string;

beforeAll(async () => {
  app = await createTestApp();
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  app.deps.logger = createLogger('debug', 'json', sink);
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  const user = await createUser(app.deps, org.id, { role: 'ADMIN' });
  userId = user.id;
  token = await tokenFor(app.deps, user);
  await createWhatsAppChannel(app.deps, org.id);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const of = (reqId: string) => lines.filter((l) => l.reqId === reqId);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('takes X-Request-Id from the client, echoes it, and puts it on every line of the request, service lines included', async () => {
    const res = await fetch(`${server.url}/webhooks/whatsapp?probe=secret-query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-abc-123', 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) },
      body: '{"object":"whatsapp_business_account","entry":[]}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    await new Promise((r) => setImmediate(r));
    const mine = of('trace-abc-123');
    // The webhook edge's own warning and the access line.
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['webhook rejected', 'POST /webhooks/whatsapp 401']));
    const access = mine.find((l) => l.msg === 'POST /webhooks/whatsapp 401')!;
    expect(access.res.statusCode).toBe(401);
    expect(typeof access.durationMs).toBe('number');
    expect(access.req).toEqual({ method: 'POST', path: '/webhooks/whatsapp' });
    expect(JSON.stringify(lines)).not.toContain('secret-query');
    // No header is logged (Authorization, signatures).
    expect(JSON.stringify(mine)).not.toContain('x-hub-signature-256');
  });

  it('makes up a UUID when the client sent none or an unusable one', async () => {
    const none = await fetch(`${server.url}/health/live`);
    expect(none.headers.get('x-request-id')).toMatch(UUID);
    const bad = await fetch(`${server.url}/health/live`, { headers: { 'x-request-id': 'has spaces and "quotes"' } });
    expect(bad.headers.get('x-request-id')).toMatch(UUID);
    const long = await fetch(`${server.url}/health/live`, { headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(long.headers.get('x-request-id')).toMatch(UUID);
  });

  it('with the logger silent (LOG_LEVEL=silent) no line is built or written, and ids are still given and echoed', async () => {
    const before = lines.length;
    app.deps.logger.level = 'silent';
    try {
      const given = await fetch(`${server.url}/health/live`, { headers: { 'x-request-id': 'silent-1' } });
      expect(given.status).toBe(200);
      expect(given.headers.get('x-request-id')).toBe('silent-1');
      const none = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(none.status).toBe(200);
      expect(none.headers.get('x-request-id')).toMatch(UUID);
    } finally {
      app.deps.logger.level = 'debug';
    }
    expect(lines.slice(before)).toEqual([]);
    // Back at debug: the access line again.
    await fetch(`${server.url}/health/live`, { headers: { 'x-request-id': 'loud-again-1' } });
    await vi.waitFor(() => expect(of('loud-again-1').length).toBeGreaterThan(0));
  });
});

describe('GraphQL lines', () => {
  it('the access line names the operation and the viewer', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'gql-ok-1' },
      body: JSON.stringify({ query: 'query WhoAmI { viewer { id } }', operationName: 'WhoAmI' }),
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setImmediate(r));
    const access = of('gql-ok-1').find((l) => l.msg === 'POST /graphql 200');
    expect(access).toMatchObject({ operationName: 'WhoAmI', viewer: `USER:${userId}` });
    expect(typeof access!.durationMs).toBe('number');
  });

  it('an unexpected error: the client gets the masked message, the log gets the original with its stack, request id, operation and viewer', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'gql-boom-1' },
      body: JSON.stringify({
        query: 'query RenderProbe($t: ID!, $th: ID!) { renderTemplate(templateId: $t, threadId: $th) { body } }',
        variables: { t: gid('Template', missingUuid()), th: gid('Thread', missingUuid()) },
      }),
    });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toBe('Internal server error');
    expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(body)).not.toContain('exploded');
    expect(JSON.stringify(body)).not.toContain('/srv/secret');

    await new Promise((r) => setImmediate(r));
    const logged = of('gql-boom-1').find((l) => l.level === 50 && /unexpected error/.test(l.msg));
    expect(logged).toBeDefined();
    expect(logged).toMatchObject({ operationName: 'RenderProbe', viewer: `USER:${userId}`, path: 'renderTemplate' });
    expect(logged!.err.message).toBe('template engine exploded at /srv/secret/path');
    expect(logged!.err.stack).toMatch(/logging\.test\.ts/);
  });
});
