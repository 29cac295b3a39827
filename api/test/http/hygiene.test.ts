/**
 * HTTP hygiene (issue 7 §6, §7) against a real server serving a built web app
 * from a temporary WEB_DIST:
 * - security headers on the web app and the API: a CSP with scripts from the
 *   hub only, `frame-ancestors 'none'`, the hub's own ws:/wss: origin for
 *   graphql-ws; X-Frame-Options DENY, nosniff, Referrer-Policy; HSTS only over
 *   TLS (X-Forwarded-Proto https from the loopback proxy), never over plain HTTP;
 * - gzip and brotli on GraphQL answers and web assets when asked for, none when not;
 * - hashed assets cached a year (immutable), index.html and SPA routes no-cache,
 *   missing assets and source maps 404 (never index.html);
 * - unknown paths under the API answer 404 JSON, never the web app's HTML;
 *   malformed JSON to /graphql answers a JSON 400, not an HTML error page.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { rawRequest } from './raw.js';

let app: TestApp;
let server: TestServer;
let dist: string;
let token: string;

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';
// Larger than the 1 KiB compression threshold.
const ASSET = `console.log(${JSON.stringify('hub '.repeat(2000))});\n`;

beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'hub-web-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), INDEX);
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), ASSET);
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js.map'), '{"version":3,"sources":["secret.ts"]}');
  writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  app = await createTestApp({ WEB_DIST: dist });
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  token = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'ADMIN' }));
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

const url = (p: string) => `${server.url}${p}`;
const directives = (csp: string | undefined) =>
  Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );

/** A GraphQL answer above the compression threshold: the schema's type names. */
const BIG_QUERY = JSON.stringify({ query: '{ __schema { types { name description } } }' });

describe('security headers', () => {
  it("the web app gets a CSP that allows only the hub's own scripts, its WebSocket origin, and no framing", async () => {
    const res = await rawRequest(url('/'));
    expect(res.status).toBe(200);
    const csp = directives(res.headers['content-security-policy'] as string);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['script-src-attr']).toEqual(["'none'"]);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    // Mantine injects <style> tags: inline styles are allowed, inline scripts are not.
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    const host = new URL(server.url).host;
    expect(csp['connect-src']).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('the API answers carry nosniff and frame-ancestors too', async () => {
    for (const p of ['/health/live', '/graphql', '/nope/api-404']) {
      const res =
        p === '/graphql'
          ? await rawRequest(url(p), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })
          : await rawRequest(url(p));
      expect(res.headers['x-content-type-options'], p).toBe('nosniff');
      expect(directives(res.headers['content-security-policy'] as string)['frame-ancestors'], p).toEqual(["'none'"]);
      expect(res.headers['x-frame-options'], p).toBe('DENY');
    }
  });

  it('HSTS only when the request came over TLS (X-Forwarded-Proto https from the loopback proxy), never over plain HTTP', async () => {
    const plain = await rawRequest(url('/'));
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const tls = await rawRequest(url('/'), { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers['strict-transport-security']).toMatch(/^max-age=31536000/);
  });

  it('the webhook edge (served ahead of Express) answers with the API headers, a request id, and HSTS only over TLS', async () => {
    const unsigned = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"object":"whatsapp_business_account","entry":[]}' };
    for (const p of ['/webhooks/whatsapp', '/webhooks/nope']) {
      const res = await rawRequest(url(p), unsigned);
      expect(res.status, p).toBe(p === '/webhooks/nope' ? 404 : 401);
      expect(res.headers['x-content-type-options'], p).toBe('nosniff');
      expect(res.headers['x-frame-options'], p).toBe('DENY');
      const csp = directives(res.headers['content-security-policy'] as string);
      expect(csp['default-src'], p).toEqual(["'none'"]);
      expect(csp['frame-ancestors'], p).toEqual(["'none'"]);
      expect(res.headers['x-request-id'], p).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['strict-transport-security'], p).toBeUndefined();
    }
    const tls = await rawRequest(url('/webhooks/whatsapp'), { ...unsigned, headers: { ...unsigned.headers, 'x-forwarded-proto': 'https', 'x-request-id': 'meta-123' } });
    expect(tls.headers['strict-transport-security']).toMatch(/^max-age=31536000/);
    expect(tls.headers['x-request-id']).toBe('meta-123');
  });
});

describe('compression', () => {
  it('GraphQL answers are gzipped when the client accepts gzip, and the body is intact', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const plain = await rawRequest(url('/graphql'), { method: 'POST', headers, body: BIG_QUERY });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const expected = JSON.parse(plain.text());
    expect(expected.data.__schema.types.length).toBeGreaterThan(20);
    expect(plain.body.length).toBeGreaterThan(1024);

    const gz = await rawRequest(url('/graphql'), { method: 'POST', headers: { ...headers, 'accept-encoding': 'gzip' }, body: BIG_QUERY });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/accept-encoding/i);
    expect(gz.body.length).toBeLessThan(plain.body.length);
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(expected);
  });

  it('brotli when the client prefers it (web assets and GraphQL)', async () => {
    const asset = await rawRequest(url('/assets/index-abc123.js'), { headers: { 'accept-encoding': 'br, gzip' } });
    expect(asset.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(asset.body).toString('utf8')).toBe(ASSET);
    const gql = await rawRequest(url('/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-encoding': 'br' },
      body: BIG_QUERY,
    });
    expect(gql.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(gql.body).toString('utf8')).data.__schema.types.length).toBeGreaterThan(20);
  });
});

describe('the web app', () => {
  it('hashed assets are cached for a year, immutable', async () => {
    const res = await rawRequest(url('/assets/index-abc123.js'));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/max-age=31536000/);
    expect(res.headers['cache-control']).toMatch(/immutable/);
    expect(res.text()).toBe(ASSET);
  });

  it('index.html, client routes and other root files are no-cache (revalidated on every load)', async () => {
    for (const p of ['/', '/threads/abc', '/settings', '/index.html']) {
      const res = await rawRequest(url(p));
      expect(res.status, p).toBe(200);
      expect(res.text(), p).toBe(INDEX);
      expect(res.headers['cache-control'], p).toBe('no-cache');
    }
    const icon = await rawRequest(url('/favicon.svg'));
    expect(icon.status).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('a missing asset and a source map answer 404, never index.html', async () => {
    for (const p of ['/assets/index-gone99.js', '/assets/index-abc123.js.map']) {
      const res = await rawRequest(url(p));
      expect(res.status, p).toBe(404);
      expect(res.text(), p).not.toContain('<div id="root">');
      expect(res.text(), p).not.toContain('secret.ts');
    }
  });
});

describe('unknown paths under the API', () => {
  const paths = [
    '/graphql/anything',
    '/graphql/v1/query',
    '/webhooks',
    '/webhooks/nope',
    '/webhooks/whatsapp/nope',
    '/media',
    '/media/nope',
    '/health',
    '/health/nope',
    '/readyz',
    '/metrics/extra',
    '/api',
    '/api/v1/threads',
  ];
  it.each(paths)('GET %s answers 404 JSON, not the web app', async (p) => {
    const res = await rawRequest(url(p));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text()).not.toContain('<div id="root">');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('POST to an unknown path answers 404 JSON too', async () => {
    for (const p of ['/api/v1/threads', '/nothing-here']) {
      const res = await rawRequest(url(p), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, p).toBe(404);
      expect(res.headers['content-type'], p).toMatch(/^application\/json/);
    }
  });

  it('malformed JSON to /graphql answers 400 JSON without a stack, not an HTML error page', async () => {
    const res = await rawRequest(url('/graphql'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text()).not.toMatch(/<html|<pre>|at .*\.js:\d+/i);
  });
});
