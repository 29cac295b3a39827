/**
 * Query plans kept across requests (issue 8 §1; the builder's `prisma.cachePlans`,
 * patches/@pothos__plugin-prisma@4.17.0.patch util/plan-cache.js, and the selection mapper's
 * `Plan.query(seed, info, context)`): the same document executed again takes the plan of the
 * first execution instead of walking its selection set, but every execution still gets the rows
 * of its own tenant and arguments, and the resolvers beneath read the mappings of their own request.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { viewerContext } from '../../src/shared/context.js';
import { createChannel, createOrganization, createTestApp, createUser, type TestApp } from '../harness.js';

// The selection mapper's ES module, the instance the Prisma plugin imports (it is not a dependency of the api itself).
const require = createRequire(import.meta.url);
const mapperMain = createRequire(require.resolve('@pothos/plugin-prisma')).resolve('@pothos/selection-mapper');
const mapperDir = path.dirname(path.dirname(mapperMain));
const { Plan } = (await import(pathToFileURL(path.join(mapperDir, 'esm/index.js')).href)) as { Plan: { fromInfo: (...args: unknown[]) => unknown } };

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** An organization with an agent and one thread of `count` customer messages "<prefix> 1" … "<prefix> n". */
async function tenantWithThread(prefix: string, count: number) {
  const org = await createOrganization(app.deps);
  const user = await createUser(app.deps, org.id);
  const channel = await createChannel(app.deps, org.id, { type: 'API' });
  let threadId = '';
  for (let i = 1; i <= count; i++) {
    const r = await ingestInbound(app.deps, channel, {
      externalMessageId: `${prefix}-${i}`,
      customer: { name: `${prefix} klant`, identities: [{ kind: 'PARTNER', value: `${prefix}-klant` }] },
      content: `${prefix} ${i}`,
      attachments: [],
      occurredAt: new Date(Date.UTC(2026, 11, 3, 8, i)),
      conversationKey: prefix,
      metadata: {},
    });
    threadId = r.thread.id;
  }
  const ctx = () => viewerContext(app.deps, { id: user.id, organizationId: org.id, role: user.role, name: user.name, email: user.email, kind: 'USER' });
  return { ctx, globalId: Buffer.from(`Thread:${threadId}`).toString('base64') };
}

// The thread view's shape: a node with relations and a nested connection whose size is a variable.
const THREAD = parse(`query Thread($id: ID!, $n: Int!) {
  node(id: $id) { id ... on Thread { subject customer { name } channel { type }
    messages(first: $n) { totalCount edges { node { content sender { kind name } } } } } }
}`);

type ThreadData = { node: { customer: { name: string }; channel: { type: string }; messages: { totalCount: number; edges: { node: { content: string } }[] } } | null };
async function threadView(ctx: ReturnType<typeof viewerContext>, id: string, n: number): Promise<ThreadData> {
  const r = await execute({ schema, document: THREAD, contextValue: ctx, variableValues: { id, n } });
  expect(r.errors).toBeUndefined();
  return r.data as ThreadData;
}
const contents = (d: ThreadData) => d.node!.messages.edges.map((e) => e.node.content);

describe('query plans kept across requests', () => {
  it('the same document and variables beneath the field plan once; another page size plans again', async () => {
    const a = await tenantWithThread(`plan-a-${Date.now()}`, 4);
    const fromInfo = vi.spyOn(Plan, 'fromInfo');
    try {
      const first = await threadView(a.ctx(), a.globalId, 2);
      const planned = fromInfo.mock.calls.length;
      expect(planned).toBeGreaterThan(0);
      const second = await threadView(a.ctx(), a.globalId, 2);
      expect(second).toEqual(first);
      // Kept: not one selection set walked again.
      expect(fromInfo.mock.calls.length).toBe(planned);
      // $n is used beneath the node (messages(first: $n)): another value is another plan.
      const three = await threadView(a.ctx(), a.globalId, 3);
      expect(fromInfo.mock.calls.length).toBeGreaterThan(planned);
      expect(contents(three)).toHaveLength(3);
      expect(contents(first)).toHaveLength(2);
    } finally {
      fromInfo.mockRestore();
    }
  });

  it("a kept plan loads each request's own tenant and rows, also when requests run at once", async () => {
    const stamp = Date.now();
    const a = await tenantWithThread(`plan-b-${stamp}`, 3);
    const b = await tenantWithThread(`plan-c-${stamp}`, 5);
    await threadView(a.ctx(), a.globalId, 10);
    const fromInfo = vi.spyOn(Plan, 'fromInfo');
    const [fromA, fromB, crossed] = await Promise.all([threadView(a.ctx(), a.globalId, 10), threadView(b.ctx(), b.globalId, 10), threadView(a.ctx(), b.globalId, 10)]);
    // $id is the node field's own argument, not walked into the plan: every thread shares it.
    expect(fromInfo).not.toHaveBeenCalled();
    fromInfo.mockRestore();
    expect(contents(fromA)).toEqual([1, 2, 3].map((i) => `plan-b-${stamp} ${i}`));
    expect(fromA.node!.customer.name).toBe(`plan-b-${stamp} klant`);
    expect(contents(fromB)).toEqual([1, 2, 3, 4, 5].map((i) => `plan-c-${stamp} ${i}`));
    expect(fromB.node!.messages.totalCount).toBe(5);
    expect(fromB.node!.channel.type).toBe('API');
    // The plan is shared, the tenant is not: another organization's thread stays invisible.
    expect(crossed.node).toBeNull();
  });
});
