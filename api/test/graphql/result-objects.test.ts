/**
 * What an execution result is made of (issue 8 §1): graphql-js builds its result objects from the
 * hub's patch (patches/graphql@16.15.0.patch) instead of Object.create(null), and DateTime fields
 * are ISO strings, not Date objects. Both keep V8's JSON.stringify on its fast path; neither may
 * change what a client receives, and a response key "__proto__" must stay an own property.
 * The same patch builds a resolver's `args` without dictionary-mode objects on the way: they must
 * stay what graphql-js returns, a fresh plain object with the given, variable and default values.
 */
import { buildSchema, execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { ingestInbound } from '../../src/modules/thread/ingest.service.js';
import { viewerContext } from '../../src/shared/context.js';
import { createChannel, createOrganization, createTestApp, createUser, type TestApp } from '../harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('execution results', () => {
  it('objects of a result inherit nothing (an empty, frozen, null-prototype prototype); DateTime values are ISO strings', async () => {
    const org = await createOrganization(app.deps);
    const user = await createUser(app.deps, org.id);
    const channel = await createChannel(app.deps, org.id, { type: 'API' });
    const occurredAt = new Date(Date.UTC(2026, 11, 3, 7, 15, 0, 123));
    await ingestInbound(app.deps, channel, {
      externalMessageId: 'result-objects-1',
      customer: { name: 'Anna', identities: [{ kind: 'PARTNER', value: 'anna' }] },
      content: 'Hallo',
      attachments: [],
      occurredAt,
      conversationKey: 'result-objects',
      metadata: {},
    });
    const ctx = viewerContext(app.deps, { id: user.id, organizationId: org.id, role: user.role, name: user.name, email: user.email, kind: 'USER' });
    const result = await execute({ schema, document: parse(`{ threads(first: 1) { edges { node { id lastMessageAt } } } }`), contextValue: ctx });
    expect(result.errors).toBeUndefined();
    const data = result.data as { threads: { edges: { node: { id: string; lastMessageAt: unknown } }[] } };
    const node = data.threads.edges[0]!.node;
    for (const object of [data, data.threads, data.threads.edges[0]!, node]) {
      const prototype = Object.getPrototypeOf(object);
      // Unpatched graphql-js gives null here; the patch an empty frozen object that itself has no prototype.
      expect(prototype).not.toBeNull();
      expect(Object.isFrozen(prototype)).toBe(true);
      expect(Object.getPrototypeOf(prototype)).toBeNull();
      expect(Reflect.ownKeys(prototype)).toEqual([]);
      expect('toString' in object).toBe(false);
    }
    // A string, as it goes over the wire (a Date here would make JSON.stringify call its toJSON).
    expect(node.lastMessageAt).toBe('2026-12-03T07:15:00.123Z');
  });

  it('an alias named __proto__ is an own key of the result and changes no prototype', async () => {
    const org = await createOrganization(app.deps);
    const user = await createUser(app.deps, org.id);
    const ctx = viewerContext(app.deps, { id: user.id, organizationId: org.id, role: user.role, name: user.name, email: user.email, kind: 'USER' });
    const result = await execute({ schema, document: parse(`{ __proto__: viewer { toString: id } }`), contextValue: ctx });
    expect(result.errors).toBeUndefined();
    const data = result.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__']);
    const viewer = Object.getOwnPropertyDescriptor(data, '__proto__')?.value as { toString: string };
    expect(viewer).toEqual({ toString: expect.any(String) });
    expect(JSON.stringify(result.data)).toBe(`{"__proto__":{"toString":${JSON.stringify(viewer.toString)}}}`);
    // Another, fresh result object has inherited nothing from it.
    const other = await execute({ schema, document: parse(`{ viewer { id } }`), contextValue: ctx });
    expect('toString' in (other.data as object)).toBe(false);
  });

  it("a resolver's args: a fresh plain object of the given, variable and default values, as graphql-js returns", async () => {
    const seen: object[] = [];
    const argsSchema = buildSchema(`type Query { plain: String  withArgs(a: Int, b: String = "dflt", c: [Int!]): String }`);
    const record = (value: string) => (args: object) => {
      seen.push(args);
      return value;
    };
    const result = await execute({
      schema: argsSchema,
      document: parse(`query ($c: [Int!]) { plain  x: withArgs  y: withArgs(a: 7, c: $c)  z: withArgs(b: null) }`),
      rootValue: { plain: record('p'), withArgs: record('w') },
      variableValues: { c: [1, 2] },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ plain: 'p', x: 'w', y: 'w', z: 'w' });
    expect(seen).toEqual([{}, { b: 'dflt' }, { a: 7, b: 'dflt', c: [1, 2] }, { b: null }]);
    expect(seen.map((args) => Object.keys(args))).toEqual([[], ['b'], ['a', 'b', 'c'], ['b']]);
    for (const args of seen) expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    // Each call its own object: a resolver that writes into its args changes no other call's.
    expect(new Set(seen).size).toBe(seen.length);
  });
});
