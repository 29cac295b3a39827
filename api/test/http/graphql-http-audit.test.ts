/**
 * The GraphQL over HTTP conformance audit of graphql-http (the spec's reference
 * audit, https://graphql.github.io/graphql-over-http/) against the real server:
 * every MUST passes. SHOULD/MAY results are printed, not asserted.
 */
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestServer, testDatabaseKind, type TestApp, type TestServer } from '../harness.js';

let app: TestApp;
let server: TestServer;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe(`graphql-http audit (${testDatabaseKind})`, () => {
  it('passes every MUST of the GraphQL over HTTP spec', async () => {
    const results = await auditServer({ url: `${server.url}/graphql` });
    expect(results.length).toBeGreaterThan(20);
    const failed = results.filter((r) => r.status !== 'ok');
    const summary = failed.map((r) => `${r.status} ${r.name}: ${'reason' in r ? r.reason : ''}`);
    console.info(`graphql-http audit: ${results.length} audits, ${results.length - failed.length} ok\n${summary.join('\n')}`);
    expect(failed.filter((r) => r.name.startsWith('MUST')).map((r) => r.name)).toEqual([]);
  });
});
