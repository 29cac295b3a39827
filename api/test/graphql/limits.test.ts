/**
 * Every GraphQL request has a price, checked BEFORE execution (http/graphql-limits.ts):
 * shape limits (graphql-armor), a Shopify-style query cost (graphql-query-complexity)
 * and a bucket per API key / user / IP (rate-limiter-flexible), on HTTP and on
 * graphql-ws alike. Refusals run no SQL statement beyond the viewer lookup.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  specifiedRules,
  typeFromAST,
  validate,
  visit,
  type DefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type OperationDefinitionNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/config.js';
import { GRAPHQL_LIMITS, limitValidationRules, parseWithLimits, requestedQueryCost } from '../../src/http/graphql-limits.js';
import { MAX_PAGE_SIZE } from '../../src/schema/builder.js';
import { schema } from '../../src/schema/index.js';
import {
  createApiKeyFor,
  createChannel,
  createOrganization,
  createTestApp,
  createTestServer,
  createUser,
  testDatabaseKind,
  tokenFor,
  type TestApp,
  type TestServer,
} from '../harness.js';
import { collect, gid, wsClient } from './helpers.js';

let app: TestApp;
let server: TestServer;
/** A second hub whose buckets hold 30 points, refilled in full every 30 s. */
let tiny: TestApp;
let tinyServer: TestServer;
let orgId: string;
let tinyOrgId: string;
let userSeq = 0;

async function seedThreads(t: TestApp, organizationId: string, n: number) {
  const p = t.deps.db.prisma;
  const channel = await createChannel(t.deps, organizationId, { type: 'EMAIL_OUTLOOK' });
  const customers = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), organizationId, name: `Klant ${i}`, email: `klant${i}-${randomUUID()}@example.test` }));
  await p.customer.createMany({ data: customers });
  await p.thread.createMany({
    data: customers.map((c, i) => ({ organizationId, subject: `Vraag ${i}`, channelId: channel.id, customerId: c.id, lastMessageAt: new Date(Date.UTC(2026, 10, 20, 9, i)) })),
  });
}

beforeAll(async () => {
  // The documented defaults, not the harness' roomy test bucket.
  app = await createTestApp({ RATE_LIMIT_BUCKET_POINTS: '1000', RATE_LIMIT_RESTORE_RATE: '50' });
  server = await createTestServer(app.deps);
  orgId = (await createOrganization(app.deps)).id;
  await seedThreads(app, orgId, 3);
  tiny = await createTestApp({ RATE_LIMIT_BUCKET_POINTS: '30', RATE_LIMIT_RESTORE_RATE: '1' });
  tinyServer = await createTestServer(tiny.deps);
  tinyOrgId = (await createOrganization(tiny.deps)).id;
  await seedThreads(tiny, tinyOrgId, 10);
}, 120_000);
afterAll(async () => {
  await server?.close();
  await app?.close();
  await tinyServer?.close();
  await tiny?.close();
});

/** A fresh user of the organization (so each test starts with a full bucket). */
const freshToken = async () => tokenFor(app.deps, await createUser(app.deps, orgId, { name: `Limits ${++userSeq}` }));

/** POST /graphql, keeping status and headers, and the SQL statements the request caused. */
async function post(s: TestServer, t: TestApp, query: string, token?: string, variables?: Record<string, unknown>) {
  const statements: string[] = [];
  const listener = (sql: string) => statements.push(sql);
  t.deps.db.onQuery.add(listener);
  try {
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[]; extensions?: Record<string, any> };
    return { status: res.status, headers: res.headers, body, statements };
  } finally {
    t.deps.db.onQuery.delete(listener);
  }
}

/**
 * At most the viewer lookup ran (token → user, or API key): nothing read a
 * tenant table such as Thread, Message or Customer.
 */
function expectOnlyAuthLookup(statements: string[]) {
  expect(statements.length).toBeLessThanOrEqual(2);
  for (const sql of statements) expect(sql).not.toMatch(/"(Thread|Message|Customer|Channel)"/);
}

const DEPTH_BOMB = `query { threads(first:100){edges{node{messages(first:100){edges{node{thread{messages(first:100){edges{node{id}}}}}}}}}} }`;
// threads: 2 + 100 × (node 1 + messages: 2 + 100 × (node 1 + thread 1 + messages: 2 + 100 × node 1))
const DEPTH_BOMB_COST = 2 + 100 * (1 + 2 + 100 * (1 + 1 + (2 + 100 * 1)));
const aliasFlood = (n: number) => `query { ${Array.from({ length: n }, (_, i) => `a${i}: threads(first:100){totalCount}`).join(' ')} }`;

describe(`GraphQL request limits (${testDatabaseKind})`, () => {
  it('prices Shopify’s way: scalars 0, objects 1, connections 2 + page size × one edge (default page size), nodes × ids, mutations 10', () => {
    const cost = (q: string, v?: Record<string, unknown>) => requestedQueryCost(schema, parse(q), v);
    expect(cost(`{ threads(first: 5) { totalCount edges { cursor node { id subject } } pageInfo { hasNextPage } } }`)).toBe(2 + 5 * 1);
    expect(cost(`{ threads { edges { node { id customer { id } } } } }`)).toBe(2 + 20 * 2);
    expect(cost(`query($n: Int) { threads(last: $n) { edges { node { id } } } }`, { n: 7 })).toBe(2 + 7);
    expect(cost(`{ nodes(ids: ["a", "b", "c"]) { id } }`)).toBe(3);
    expect(cost(`{ viewer { id name } }`)).toBe(1);
    expect(cost(`mutation { login(email: "a@b.c", password: "x") { token user { id } errors { code } } }`)).toBe(10 + 1 + 1);
    expect(cost(DEPTH_BOMB)).toBe(DEPTH_BOMB_COST);
  });

  it('a repeated document is priced again for other variables or another operation: the kept cost is per operation name and variables', () => {
    const document = parse(`query Page($n: Int) { threads(first: $n) { edges { node { id } } } } query Viewer { viewer { id } }`);
    expect(requestedQueryCost(schema, document, { n: 5 }, 'Page')).toBe(2 + 5);
    expect(requestedQueryCost(schema, document, { n: 50 }, 'Page')).toBe(2 + 50);
    expect(requestedQueryCost(schema, document, { n: 5 }, 'Page')).toBe(2 + 5);
    expect(requestedQueryCost(schema, document, {}, 'Viewer')).toBe(1);
    // Variables that do not fit the operation throw every time (an error is not kept).
    expect(() => requestedQueryCost(schema, document, { n: 'many' }, 'Page')).toThrow();
    expect(() => requestedQueryCost(schema, document, { n: 'many' }, 'Page')).toThrow();
  });

  it('the nested depth bomb is refused by the depth limit before any resolver runs, with its cost in extensions', async () => {
    const token = await freshToken();
    const { status, body, statements } = await post(server, app, DEPTH_BOMB, token);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors![0]!.message).toMatch(`Query depth limit of ${GRAPHQL_LIMITS.maxDepth} exceeded, found 11`);
    expect(body.extensions?.cost).toEqual({ requestedQueryCost: DEPTH_BOMB_COST, actualQueryCost: 0 });
    expectOnlyAuthLookup(statements);
  });

  it('a query within the depth limit but above 1,000 points is refused with MAX_COST_EXCEEDED and its cost, before any SQL', async () => {
    const token = await freshToken();
    const page = `threads(first:100){edges{node{customer{id} assignee{id} channel{id} lastMessage{id}}}}`;
    const { status, body, statements } = await post(server, app, `query { a: ${page} b: ${page} }`, token);
    const cost = 2 * (2 + 100 * 5);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors![0]!.extensions).toEqual({ code: 'MAX_COST_EXCEEDED', cost: { requestedQueryCost: cost, maximumCost: 1000 } });
    expect(body.extensions?.cost).toMatchObject({ requestedQueryCost: cost, actualQueryCost: 0 });
    expectOnlyAuthLookup(statements);
  });

  it('1,000 aliases of threads(first:100){totalCount} are refused while parsing (token limit), 16 by the alias limit: no SQL', async () => {
    const token = await freshToken();
    const flood = await post(server, app, aliasFlood(1000), token);
    expect(flood.status).toBe(400);
    expect(flood.body.errors![0]!.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(flood.body.errors![0]!.message).toMatch(`Document contains more that ${GRAPHQL_LIMITS.maxTokens} tokens`);
    expectOnlyAuthLookup(flood.statements);

    const sixteen = await post(server, app, aliasFlood(16), token);
    expect(sixteen.status).toBe(400);
    expect(sixteen.body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(sixteen.body.errors![0]!.message).toMatch(`Aliases limit of ${GRAPHQL_LIMITS.maxAliases} exceeded, found 16`);
    expect(sixteen.body.extensions?.cost).toEqual({ requestedQueryCost: 16 * 2, actualQueryCost: 0 });
    expectOnlyAuthLookup(sixteen.statements);

    // 15 aliases are allowed.
    const fifteen = await post(server, app, aliasFlood(15), token);
    expect(fifteen.body.errors).toBeUndefined();
    expect(fifteen.body.data.a14.totalCount).toBe(3);
  });

  it('more than 50 directives are refused', async () => {
    const token = await freshToken();
    const dirs = Array.from({ length: 51 }, () => '@include(if: true)').join(' ');
    const { status, body } = await post(server, app, `query { viewer { id ${dirs} } }`, token);
    expect(status).toBe(400);
    expect(body.errors![0]!.message).toMatch(`Directives limit of ${GRAPHQL_LIMITS.maxDirectives} exceeded`);
  });

  it('an inbox query answers with extensions.cost: requested for the page asked, actual for the rows returned, and the bucket', async () => {
    const token = await freshToken();
    const INBOX = `query($first: Int!) { threads(first: $first) { totalCount edges { cursor node { id subject customer { id name } channel { id type } } } pageInfo { hasNextPage endCursor } } }`;
    const first = await post(server, app, INBOX, token, { first: 20 });
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.threads.edges).toHaveLength(3);
    // Requested: 2 + 20 × (node + customer + channel); actual: 2 + 3 rows × 3.
    expect(first.body.extensions?.cost).toEqual({
      requestedQueryCost: 2 + 20 * 3,
      actualQueryCost: 2 + 3 * 3,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 1000 - 11, restoreRate: 50 },
    });
    // The same user's bucket holds what the first request left (requested charged, the unused part given back).
    const second = await post(server, app, INBOX, token, { first: 20 });
    expect(second.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(1000 - 11 - 11);
    // Another user has a bucket of their own.
    const other = await post(server, app, `{ viewer { id } }`, await freshToken());
    expect(other.body.extensions?.cost).toEqual({
      requestedQueryCost: 1,
      actualQueryCost: 1,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 999, restoreRate: 50 },
    });
  });

  it('the actual cost follows fragments as graphql-js merges them: a field selected twice costs once, a fragment on another type nothing, a null object nothing', async () => {
    const token = await freshToken();
    const page = await post(server, app, `{ threads(first: 1) { edges { node { id } } } }`, token);
    const threadId = page.body.data.threads.edges[0].node.id as string;
    const DOC = `query($id: ID!) {
      node(id: $id) { id ...A ... on Thread { customer { id } } ... on Customer { threads(first: 5) { totalCount } } }
      missing: node(id: "VGhyZWFkOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA==") { id }
    }
    fragment A on Thread { customer { name } channel { id } }`;
    const res = await post(server, app, DOC, token, { id: threadId });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.node.customer).not.toBeNull();
    expect(res.body.data.missing).toBeNull();
    // node (1) + customer once although selected in two fragments (1) + channel (1); the Customer
    // fragment's connection did not apply and the missing node is null: nothing for them.
    expect(res.body.extensions?.cost.actualQueryCost).toBe(3);
  });

  it('a mutation costs 10 (anonymous login, bucketed per IP)', async () => {
    const user = await createUser(app.deps, orgId);
    const res = await post(server, app, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token errors { code } } }`, undefined, {
      e: user.email,
      p: 'correct horse battery staple',
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.login.token).toBeTruthy();
    expect(res.body.extensions?.cost).toMatchObject({ requestedQueryCost: 10 + 1, actualQueryCost: 10 + 1 });
    expect(res.body.extensions?.cost.throttleStatus.maximumAvailable).toBe(1000);
  });

  it('introspection still works (the __schema query is not depth-limited) and is priced', async () => {
    const token = await freshToken();
    const { status, body } = await post(server, app, getIntrospectionQuery(), token);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType.name).toBe('Query');
    expect(body.extensions?.cost.requestedQueryCost).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxQueryCost);
  });

  it('an API key that spends its bucket gets HTTP 429 THROTTLED with Retry-After; nothing runs; a user keeps their own bucket', async () => {
    const key = await createApiKeyFor(tiny.deps, tinyOrgId, ['READ']);
    const q = `{ threads(first: 10) { edges { node { id } } } }`; // 12 points, and 10 threads exist
    const one = await post(tinyServer, tiny, q, key);
    expect(one.status).toBe(200);
    expect(one.body.extensions?.cost).toEqual({ requestedQueryCost: 12, actualQueryCost: 12, throttleStatus: { maximumAvailable: 30, currentlyAvailable: 18, restoreRate: 1 } });
    const two = await post(tinyServer, tiny, q, key);
    expect(two.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(6);

    const three = await post(tinyServer, tiny, q, key);
    expect(three.status).toBe(429);
    const retryAfter = Number(three.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(three.body.data).toBeUndefined();
    expect(three.body.errors![0]!.extensions).toEqual({ code: 'THROTTLED', retryAfterSeconds: retryAfter });
    expect(three.body.extensions?.cost).toEqual({ requestedQueryCost: 12, actualQueryCost: 0, throttleStatus: { maximumAvailable: 30, currentlyAvailable: 6, restoreRate: 1 } });
    expectOnlyAuthLookup(three.statements);
    // A refused request costs nothing: a cheaper one still fits.
    const cheap = await post(tinyServer, tiny, `{ threads(first: 2) { totalCount } }`, key);
    expect(cheap.status).toBe(200);
    expect(cheap.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(4);

    const user = await createUser(tiny.deps, tinyOrgId);
    const mine = await post(tinyServer, tiny, q, await tokenFor(tiny.deps, user));
    expect(mine.status).toBe(200);
    expect(mine.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(18);
  });

  it('over graphql-ws, a too-deep subscription and a too-costly one are refused before they run', async () => {
    const client = wsClient(server.port, await freshToken());
    try {
      const deep = collect(client, `subscription { messageAdded { thread { messages(first: 1) { edges { node { thread { customer { id } } } } } } } }`);
      const err = await deep.done.then(
        () => null,
        (e) => e,
      );
      expect(Array.isArray(err)).toBe(true);
      expect(err[0].message).toMatch(`Query depth limit of ${GRAPHQL_LIMITS.maxDepth} exceeded, found 8`);
      expect(deep.events).toEqual([]);

      const page = (i: number) => `m${i}: messages(first: 100) { edges { node { id } } }`;
      const costly = collect(client, `subscription { messageAdded { thread { ${Array.from({ length: 10 }, (_, i) => page(i)).join(' ')} } } }`);
      const err2 = await costly.done.then(
        () => null,
        (e) => e,
      );
      expect(err2[0].extensions).toEqual({ code: 'MAX_COST_EXCEEDED', cost: { requestedQueryCost: 1 + 1 + 10 * 102, maximumCost: 1000 } });

      const tooManyTokens = collect(client, `subscription { messageAdded { id ${'content '.repeat(1000)} } }`);
      const err3 = await tooManyTokens.done.then(
        () => null,
        (e) => e,
      );
      expect(err3[0].message).toMatch(`Document contains more that ${GRAPHQL_LIMITS.maxTokens} tokens`);
    } finally {
      await client.dispose();
    }
  });

  it('every document of the web app stays under the limits, even with 100-item pages', () => {
    const { operations, fragments } = webDocuments();
    expect(operations.length).toBeGreaterThan(10);
    const costs: Record<string, number> = {};
    for (const op of operations) {
      const need = new Set<string>();
      const queue: DefinitionNode[] = [op];
      while (queue.length) {
        visit(queue.pop()!, {
          FragmentSpread(n) {
            if (need.has(n.name.value)) return;
            need.add(n.name.value);
            queue.push(fragments.get(n.name.value)!);
          },
        });
      }
      const source = [op, ...[...need].map((n) => fragments.get(n)!)].map((d) => d.loc!.source.body.slice(d.loc!.start, d.loc!.end)).join('\n');
      const name = op.name!.value;
      const document = parseWithLimits(source); // the token limit
      expect(validate(schema, document, [...specifiedRules, ...limitValidationRules]).map((e) => `${name}: ${e.message}`)).toEqual([]);
      costs[name] = requestedQueryCost(schema, document, sampleVariables(op, MAX_PAGE_SIZE), name);
      expect(costs[name], name).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxQueryCost);
    }
    // The biggest ones, at the page sizes the web app asks for.
    const cost = (name: string, pageSize: number) => {
      const op = operations.find((o) => o.name?.value === name)!;
      const doc = parseWithLimits([op, ...fragments.values()].map((d) => d.loc!.source.body.slice(d.loc!.start, d.loc!.end)).join('\n'));
      return requestedQueryCost(schema, doc, sampleVariables(op, pageSize), name);
    };
    expect(cost('InboxThreads', 50)).toBe(2 + 50 * 7); // INBOX_PAGE_SIZE: node, customer, assignee, channel, lastMessage, sla… see ThreadRow
    expect(costs.InboxThreads).toBe(2 + 100 * 7);
    expect(cost('ThreadView', 50)).toBeLessThanOrEqual(GRAPHQL_LIMITS.maxQueryCost);
  });
});

// ---------------------------------------------------------------------------

/** The operations and fragments of web/src (graphql(`…`) documents), as codegen reads them. */
function webDocuments() {
  const root = path.join(repoRoot, 'web/src');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) {
        if (f !== 'gql') walk(p);
      } else if (/\.tsx?$/.test(f)) files.push(p);
    }
  };
  walk(root);
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/graphql\(\s*`([\s\S]*?)`\s*\)/g)) {
      for (const d of parse(m[1]!).definitions) {
        if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
        else if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
      }
    }
  }
  return { operations, fragments };
}

/** Values for an operation's variables: page sizes set to `pageSize`, required inputs filled with placeholders. */
function sampleVariables(op: OperationDefinitionNode, pageSize: number): Record<string, unknown> {
  const sample = (type: GraphQLInputType): unknown => {
    if (isNonNullType(type)) return sample(type.ofType as GraphQLInputType);
    if (isListType(type)) return [];
    const named = getNamedType(type);
    if (isEnumType(named)) return named.getValues()[0]!.value;
    if (isInputObjectType(named)) {
      return Object.fromEntries(
        Object.values(named.getFields())
          .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
          .map((f) => [f.name, sample(f.type)]),
      );
    }
    return { Int: 1, Float: 1, Boolean: true, DateTime: '2026-11-20T09:30:00Z', JSON: {} }[named.name] ?? gid('Thread', randomUUID());
  };
  const vars: Record<string, unknown> = {};
  for (const v of op.variableDefinitions ?? []) {
    const name = v.variable.name.value;
    const type = typeFromAST(schema, v.type as never) as GraphQLInputType;
    if (name === 'first' || name === 'last') vars[name] = pageSize;
    else if (isNonNullType(v.type as never) || v.type.kind === Kind.NON_NULL_TYPE) vars[name] = sample(type);
  }
  return vars;
}
