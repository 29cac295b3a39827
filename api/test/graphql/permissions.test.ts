/**
 * The permission matrix (src/modules/auth/permissions.ts) against the built
 * schema. Every root field of Query, Mutation and Subscription, every type
 * reachable by `node` and every field with its own rule is tried as anonymous,
 * as a user of each role and as an API key of each scope, and the outcome
 * (allowed, or FORBIDDEN / UNAUTHENTICATED) must be what the matrix says. A
 * field added without a rule fails here, and so does a rule left for a field
 * that is gone.
 *
 * Arguments are built from the schema: required arguments only, ids of rows
 * that do not exist (a NOT_FOUND user error means the caller got in), so the
 * walk changes nothing that matters. Runs in-process against the same schema
 * and contexts the server builds (one organization, one app); a few checks go
 * through the real HTTP server.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/config.js';
import type { ApiKeyScope, UserRole } from '../../src/generated/prisma/enums.js';
import { authenticate } from '../../src/modules/auth/auth.service.js';
import { renderPermissionsDoc } from '../../src/modules/auth/permissions-doc.js';
import {
  FIELD_RULES,
  KEY_SCOPES,
  QUERY_RULES,
  ROLES,
  ROOT_RULES,
  TYPE_RULES,
  allows,
  can,
  scopesOfRule,
  type PermissionKey,
  type Rule,
  type Who,
} from '../../src/modules/auth/permissions.js';
import { schema } from '../../src/schema/index.js';
import { viewerContext, type Viewer } from '../../src/shared/context.js';
import { createApiKeyFor, createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid } from './helpers.js';

// The graphql copy Pothos built the schema with (inside vitest, `import 'graphql'`
// may load the other build; see schema-drift.test.ts).
const g = createRequire(import.meta.url)('graphql') as typeof import('graphql');

let app: TestApp;
let server: TestServer;
let orgId: string;

interface Caller {
  label: string;
  who: Who;
  viewer: Viewer | null;
  token?: string;
  userId?: string;
}
const callers: Caller[] = [];
const byLabel = (label: string) => callers.find((c) => c.label === label)!;

/** A row of the organization for each type `node` can return. */
const rows: Record<string, string> = {};
let agentId: string;
let adminId: string;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const p = app.deps.db.prisma;
  const org = await createOrganization(app.deps);
  orgId = org.id;

  callers.push({ label: 'anonymous', who: { kind: 'ANONYMOUS' }, viewer: null });
  for (const role of ROLES) {
    const user = await createUser(app.deps, orgId, { role, name: `${role} user` });
    const token = await tokenFor(app.deps, user);
    const viewer = await authenticate(app.deps, `Bearer ${token}`);
    expect(viewer?.role).toBe(role);
    callers.push({ label: role, who: { kind: 'USER', role }, viewer, token, userId: user.id });
  }
  for (const scope of KEY_SCOPES) {
    const secret = await createApiKeyFor(app.deps, orgId, [scope]);
    const viewer = await authenticate(app.deps, `Bearer ${secret}`);
    expect(viewer?.kind).toBe('API_KEY');
    callers.push({ label: `key ${scope}`, who: { kind: 'API_KEY', scopes: [scope] }, viewer, token: secret });
  }
  agentId = byLabel('AGENT').userId!;
  adminId = byLabel('ADMIN').userId!;

  const channel = await createChannel(app.deps, orgId, { type: 'API' });
  const customer = await p.customer.create({ data: { organizationId: orgId, name: 'Permessi Klant', email: 'permessi@example.test' } });
  const thread = await p.thread.create({ data: { organizationId: orgId, channelId: channel.id, customerId: customer.id, subject: 'Rechten', lastMessageAt: app.clock.now() } });
  const message = await p.message.create({
    data: { organizationId: orgId, threadId: thread.id, channelId: channel.id, type: 'INCOMING', content: 'Hallo', senderExternal: { name: 'Permessi Klant' } },
  });
  const team = await p.team.create({ data: { organizationId: orgId, name: 'Rechten team' } });
  const task = await p.task.create({ data: { organizationId: orgId, title: 'Taak', creatorId: adminId, threadId: thread.id } });
  const template = await p.template.create({
    data: { organizationId: orgId, name: 'Rechten', category: 'CUSTOMER_SERVICE', bodyTemplate: 'Hallo {{customer.name}}', variables: ['customer.name'] },
  });
  const audit = await p.auditLog.create({
    data: { organizationId: orgId, actorType: 'SYSTEM', action: 'thread.update', entityType: 'Thread', entityId: thread.id, changes: { before: {}, after: {} } },
  });
  const inbound = await p.inboundEvent.create({ data: { organizationId: orgId, channelId: channel.id, provider: 'api', dedupeKey: `perm-${randomUUID()}`, rawBody: '{}' } });
  const apiKey = await p.apiKey.findFirstOrThrow({ where: { organizationId: orgId } });
  const calendar = await p.businessCalendar.create({
    data: { organizationId: orgId, name: 'Rechten kalender', timezone: 'Europe/Amsterdam', hours: [{ weekday: 1, opens: '09:00', closes: '17:00' }] },
  });
  const policy = await p.slaPolicy.create({ data: { organizationId: orgId, name: 'Rechten SLA', firstResponseSeconds: 3600, calendarId: calendar.id } });
  const slaEvent = await p.slaEvent.create({
    data: {
      organizationId: orgId,
      threadId: thread.id,
      policyId: policy.id,
      target: 'FIRST_RESPONSE',
      action: 'REMIND',
      step: 0,
      dueAt: app.clock.now(),
      scheduledAt: app.clock.now(),
      percentUsed: 75,
    },
  });
  const notification = await p.notification.create({ data: { organizationId: orgId, userId: agentId, kind: 'SLA_ALERT', title: 'Rechten', threadId: thread.id } });
  const routingRule = await p.routingRule.create({ data: { organizationId: orgId, name: 'Rechten route', teamId: team.id } });
  Object.assign(rows, {
    ApiKey: apiKey.id,
    AuditLog: audit.id,
    BusinessCalendar: calendar.id,
    Notification: notification.id,
    RoutingRule: routingRule.id,
    SlaEvent: slaEvent.id,
    SlaPolicy: policy.id,
    Channel: channel.id,
    Customer: customer.id,
    InboundEvent: inbound.id,
    Message: message.id,
    Task: task.id,
    Team: team.id,
    Template: template.id,
    Thread: thread.id,
    User: agentId,
  });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

type Outcome = 'allowed' | 'FORBIDDEN' | 'UNAUTHENTICATED';

function expected(r: Rule, c: Caller, ...more: Rule[]): Outcome {
  if (c.who.kind === 'ANONYMOUS') return r.anonymous ? 'allowed' : 'UNAUTHENTICATED';
  return allows(r, c.who) && more.every((m) => allows(m, c.who)) ? 'allowed' : 'FORBIDDEN';
}

/** A fresh context per operation, as the server makes one per request. */
const contextOf = (c: Caller) => viewerContext(app.deps, c.viewer);

/**
 * The outcome of a result: FORBIDDEN / UNAUTHENTICATED from a GraphQL error or
 * a payload's user error; otherwise allowed. An error without a code (an
 * unexpected exception) fails the test: an allowed caller must get an answer.
 */
function outcomeOf(res: import('graphql').ExecutionResult, what: string): Outcome {
  for (const err of res.errors ?? []) {
    const original = err.originalError as { name?: string; code?: string } | undefined;
    const code = (err.extensions?.code as string | undefined) ?? (original?.name === 'DomainError' ? original.code : undefined);
    if (code === 'FORBIDDEN' || code === 'UNAUTHENTICATED') return code;
    if (!code) throw new Error(`${what}: unexpected error ${err.message}\n${err.originalError?.stack ?? ''}`);
  }
  for (const payload of Object.values((res.data ?? {}) as Record<string, unknown>)) {
    const errors = (payload as { errors?: { code: string }[] } | null)?.errors;
    if (errors?.some((e) => e.code === 'FORBIDDEN')) return 'FORBIDDEN';
  }
  return 'allowed';
}

// ---- arguments and selections built from the schema ----

function valueFor(type: import('graphql').GraphQLInputType, name: string): unknown {
  if (g.isNonNullType(type)) return valueFor(type.ofType, name);
  if (g.isListType(type)) return [valueFor(type.ofType, name)];
  if (g.isEnumType(type)) return type.getValues()[0]!.value;
  if (g.isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (g.isNonNullType(f.type)) out[f.name] = valueFor(f.type, f.name);
    return out;
  }
  switch (type.name) {
    case 'ID':
      return gid('Nothing', randomUUID()); // no such row: NOT_FOUND for whoever gets in
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return app.clock.now().toISOString();
    case 'JSON':
      return {};
    default:
      return name.toLowerCase().includes('email') ? `nobody-${randomUUID()}@example.test` : 'x';
  }
}

function selectionFor(type: import('graphql').GraphQLOutputType): string {
  const named = g.getNamedType(type);
  if (!g.isCompositeType(named)) return '';
  const errors = g.isObjectType(named) && named.getFields().errors ? ' errors { code }' : '';
  return `{ __typename${errors} }`;
}

function operationFor(rootType: 'Query' | 'Mutation' | 'Subscription', field: import('graphql').GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a) => g.isNonNullType(a.type));
  const defs = required.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const variables = Object.fromEntries(required.map((a) => [a.name, valueFor(a.type, a.name)]));
  const source = `${rootType.toLowerCase()}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selectionFor(field.type)} }`;
  return { document: g.parse(source), variables, source };
}

async function run(c: Caller, document: import('graphql').DocumentNode, variables: Record<string, unknown>) {
  return g.execute({ schema, document, variableValues: variables, contextValue: contextOf(c) });
}

const pothosOptions = (x: { extensions?: unknown }) => ((x.extensions ?? {}) as { pothosOptions?: { authScopes?: unknown; skipTypeScopes?: boolean } }).pothosOptions ?? {};

const ROOTS = ['Query', 'Mutation', 'Subscription'] as const;
const rootType = (r: (typeof ROOTS)[number]) => (r === 'Query' ? schema.getQueryType() : r === 'Mutation' ? schema.getMutationType() : schema.getSubscriptionType())!;
const nodeTypes = () =>
  Object.values(schema.getTypeMap())
    .filter((t): t is import('graphql').GraphQLObjectType => g.isObjectType(t) && t.getInterfaces().some((i) => i.name === 'Node'))
    .map((t) => t.name)
    .sort();

describe('the matrix covers the schema, and the schema takes its scopes from the matrix', () => {
  for (const root of ROOTS) {
    it(`every ${root} field has a rule, and every ${root} rule a field`, () => {
      const fields = Object.keys(rootType(root).getFields()).sort();
      const ruled = Object.keys(ROOT_RULES[root]).sort();
      expect(
        fields.filter((f) => !ruled.includes(f)),
        `${root} fields without a rule in permissions.ts`,
      ).toEqual([]);
      expect(
        ruled.filter((f) => !fields.includes(f)),
        `${root} rules for fields that do not exist`,
      ).toEqual([]);
    });

    it(`every ${root} field's authScopes are can(field)`, () => {
      for (const [name, field] of Object.entries(rootType(root).getFields())) {
        const rule = (ROOT_RULES[root] as Record<string, Rule>)[name]!;
        const opts = pothosOptions(field);
        expect(opts.authScopes, `${root}.${name}: authScopes: can('${name}')`).toEqual(can(name as PermissionKey));
        // Root types demand a viewer; only a public field may skip that.
        expect(!!opts.skipTypeScopes, `${root}.${name}: skipTypeScopes only for public fields`).toBe(!!rule.anonymous);
      }
    });
  }

  it('every type reachable by node has a rule, carried as its type-level authScopes', () => {
    const types = nodeTypes();
    expect(types.length).toBeGreaterThanOrEqual(11);
    expect(
      types.filter((t) => !(t in TYPE_RULES)),
      'node types without a rule in TYPE_RULES',
    ).toEqual([]);
    expect(
      Object.keys(TYPE_RULES).filter((t) => !types.includes(t)),
      'TYPE_RULES for types that are not nodes',
    ).toEqual([]);
    for (const t of types) expect(pothosOptions(schema.getType(t)!).authScopes, `${t}: authScopes: can('${t}')`).toEqual(can(t as PermissionKey));
  });

  it('every type or field with its own authScopes is in the matrix (nothing restricted outside it)', () => {
    const restrictedTypes: string[] = [];
    const restrictedFields: string[] = [];
    for (const t of Object.values(schema.getTypeMap())) {
      if (!g.isObjectType(t) || ROOTS.includes(t.name as never) || t.name.startsWith('__')) continue;
      if (pothosOptions(t).authScopes && !(t.name in TYPE_RULES)) restrictedTypes.push(t.name);
      for (const f of Object.values(t.getFields())) {
        const scopes = pothosOptions(f).authScopes;
        const key = `${t.name}.${f.name}`;
        if (scopes) {
          if (!(key in FIELD_RULES)) restrictedFields.push(key);
          else expect(scopes, `${key}: authScopes: can('${key}')`).toEqual(can(key as PermissionKey));
        }
      }
    }
    expect(restrictedTypes).toEqual([]);
    expect(restrictedFields).toEqual([]);
    for (const key of Object.keys(FIELD_RULES)) {
      const [t, f] = key.split('.') as [string, string];
      expect((schema.getType(t) as import('graphql').GraphQLObjectType | undefined)?.getFields()[f], `${key} exists`).toBeDefined();
    }
  });

  it('docs/permissions.md is the rendered matrix (else run `pnpm permissions:print` in api/)', () => {
    const committed = readFileSync(path.join(repoRoot, 'docs/permissions.md'), 'utf8');
    expect(committed).toBe(renderPermissionsDoc());
  });

  it('a rule maps to the scopes of exactly the callers it allows (the Pothos side agrees with allows())', () => {
    // Sanity of scopesOfRule on a few shapes; the walks below check it end to end.
    expect(scopesOfRule(QUERY_RULES.node)).toEqual({ user: true, readKey: true });
    expect(can('createTemplate')).toEqual({ teamLead: true });
    expect(can('AuditLog')).toEqual({ manager: true });
  });
});

describe('every root field, with every role and every API-key scope', () => {
  for (const root of ROOTS) {
    it(`${root}: outcomes match the matrix`, async () => {
      const mismatches: string[] = [];
      let tried = 0;
      for (const field of Object.values(rootType(root).getFields())) {
        const rule = (ROOT_RULES[root] as Record<string, Rule>)[field.name];
        expect(rule, `${root}.${field.name} has a rule`).toBeDefined();
        for (const c of callers) {
          const { document, variables, source } = operationFor(root, field);
          let got: Outcome;
          if (root === 'Subscription') {
            const res = await g.subscribe({ schema, document, variableValues: variables, contextValue: contextOf(c) });
            if (Symbol.asyncIterator in (res as object)) {
              got = 'allowed';
              await (res as AsyncIterableIterator<unknown>).return?.();
            } else got = outcomeOf(res as import('graphql').ExecutionResult, `${c.label} ${source}`);
          } else {
            got = outcomeOf(await run(c, document, variables), `${c.label} ${source}`);
          }
          tried++;
          const want = expected(rule!, c);
          if (got !== want) mismatches.push(`${root}.${field.name} as ${c.label}: got ${got}, matrix says ${want}`);
        }
      }
      expect(tried).toBe(Object.keys(rootType(root).getFields()).length * callers.length);
      expect(mismatches).toEqual([]);
    });
  }
});

describe('every type reachable by node, with every role and every API-key scope', () => {
  it('node(id) returns the row when the matrix allows it, else null with FORBIDDEN (UNAUTHENTICATED without a viewer)', async () => {
    const mismatches: string[] = [];
    for (const type of nodeTypes()) {
      expect(rows[type], `a fixture row of ${type} in this test`).toBeDefined();
      const id = gid(type, rows[type]!);
      for (const c of callers) {
        const res = await run(c, g.parse(`query($id: ID!){ node(id: $id) { __typename id } }`), { id });
        const got = outcomeOf(res, `${c.label} node(${type})`);
        const want = expected(QUERY_RULES.node, c, TYPE_RULES[type as keyof typeof TYPE_RULES]);
        const node = (res.data as { node?: { id: string } | null } | null)?.node ?? null;
        if (type === 'Notification' && want === 'allowed' && c.userId !== agentId) {
          // A notification is its recipient's alone: another user's lookup finds nothing (no error, no row).
          if (got !== 'allowed' || node !== null) mismatches.push(`node(Notification) of the AGENT as ${c.label}: got ${got} with ${node ? 'the row' : 'null'}, want null`);
          continue;
        }
        if (got !== want) mismatches.push(`node(${type}) as ${c.label}: got ${got}, matrix says ${want}`);
        else if (want === 'allowed' && node?.id !== id) mismatches.push(`node(${type}) as ${c.label}: allowed but the row did not come back`);
        else if (want !== 'allowed' && node !== null) mismatches.push(`node(${type}) as ${c.label}: refused but the row came back`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('nodes(ids) answers each id as node(id) does: refused types null, with FORBIDDEN errors', async () => {
    const types = nodeTypes();
    const ids = types.map((t) => gid(t, rows[t]!));
    for (const c of callers.filter((x) => x.who.kind !== 'ANONYMOUS' && allows(QUERY_RULES.nodes, x.who))) {
      const res = await run(c, g.parse(`query($ids: [ID!]!){ nodes(ids: $ids) { __typename id } }`), { ids });
      const got = ((res.data as { nodes: ({ id: string } | null)[] } | null)?.nodes ?? []).map((n) => n?.id ?? null);
      const want = types.map((t, i) => (allows(TYPE_RULES[t as keyof typeof TYPE_RULES], c.who) && (t !== 'Notification' || c.userId === agentId) ? ids[i] : null));
      expect(got, c.label).toEqual(want);
      const refused = types.filter((t) => !allows(TYPE_RULES[t as keyof typeof TYPE_RULES], c.who)).length;
      expect((res.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN').length, `${c.label}: one FORBIDDEN per refused row`).toBe(refused);
      expect((res.errors ?? []).length, c.label).toBe(refused);
    }
  });

  it('restricted fields (FIELD_RULES) answer FORBIDDEN to everyone the matrix leaves out', async () => {
    const mismatches: string[] = [];
    for (const [key, rule] of Object.entries(FIELD_RULES)) {
      const [type, field] = key.split('.') as [string, string];
      const f = (schema.getType(type) as import('graphql').GraphQLObjectType).getFields()[field]!;
      for (const c of callers.filter((x) => x.who.kind !== 'ANONYMOUS' && allows(QUERY_RULES.node, x.who) && allows(TYPE_RULES[type as keyof typeof TYPE_RULES], x.who))) {
        const res = await run(c, g.parse(`query($id: ID!){ node(id: $id) { ... on ${type} { ${field} ${selectionFor(f.type)} } } }`), { id: gid(type, rows[type]!) });
        const got = outcomeOf(res, `${c.label} ${key}`);
        const want = expected(rule, c);
        if (got !== want) mismatches.push(`${key} as ${c.label}: got ${got}, matrix says ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('row rule: an agent changes only tasks they created or are assigned to', () => {
  const UPDATE = g.parse(`mutation($i: UpdateTaskInput!){ updateTask(input: $i) { task { id title } errors { code } } }`);
  const COMPLETE = g.parse(`mutation($i: CompleteTaskInput!){ completeTask(input: $i) { task { id status } errors { code } } }`);

  async function newTask(data: { creatorId?: string | null; assigneeId?: string | null }) {
    return app.deps.db.prisma.task.create({ data: { organizationId: orgId, title: 'Rij', creatorId: data.creatorId ?? null, assigneeId: data.assigneeId ?? null } });
  }

  it("someone else's task: FORBIDDEN for AGENT and a WRITE key, nothing changes; TEAM_LEAD and up change it", async () => {
    for (const c of callers.filter((x) => x.who.kind !== 'ANONYMOUS' && allows(ROOT_RULES.Mutation.updateTask, x.who))) {
      const task = await newTask({ creatorId: adminId });
      const mayAll = c.who.kind === 'USER' && c.who.role !== 'AGENT';
      const updated = await run(c, UPDATE, { i: { taskId: gid('Task', task.id), title: `door ${c.label}` } });
      const completed = await run(c, COMPLETE, { i: { taskId: gid('Task', task.id) } });
      expect(outcomeOf(updated, `${c.label} updateTask`), c.label).toBe(mayAll ? 'allowed' : 'FORBIDDEN');
      expect(outcomeOf(completed, `${c.label} completeTask`), c.label).toBe(mayAll ? 'allowed' : 'FORBIDDEN');
      const row = await app.deps.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } });
      expect(row.title, c.label).toBe(mayAll ? `door ${c.label}` : 'Rij');
      expect(row.status, c.label).toBe(mayAll ? 'COMPLETED' : 'OPEN');
    }
  });

  it('the AGENT changes a task they created and a task they are assigned to', async () => {
    const agent = byLabel('AGENT');
    for (const task of [await newTask({ creatorId: agentId }), await newTask({ creatorId: adminId, assigneeId: agentId })]) {
      const updated = await run(agent, UPDATE, { i: { taskId: gid('Task', task.id), title: 'mijn taak' } });
      expect((updated.data as any).updateTask.errors).toEqual([]);
      const completed = await run(agent, COMPLETE, { i: { taskId: gid('Task', task.id) } });
      expect((completed.data as any).completeTask).toMatchObject({ errors: [], task: { status: 'COMPLETED' } });
    }
  });

  it('a task of another organization stays NOT_FOUND for the agent (existence not revealed by FORBIDDEN)', async () => {
    const other = await createOrganization(app.deps);
    const foreign = await app.deps.db.prisma.task.create({ data: { organizationId: other.id, title: 'Ander' } });
    const res = await run(byLabel('AGENT'), UPDATE, { i: { taskId: gid('Task', foreign.id), title: 'x' } });
    expect((res.data as any).updateTask.errors[0].code).toBe('NOT_FOUND');
  });
});

describe('over HTTP', () => {
  // The walk above ran `logout` as every user: their first tokens are revoked, so sign them in again.
  const tokenOf = async (label: string) => {
    const c = byLabel(label);
    return c.userId ? tokenFor(app.deps, { id: c.userId, organizationId: orgId }) : c.token;
  };
  const NODE = `query($id: ID!){ node(id: $id) { __typename id ... on AuditLog { action changes } } }`;

  it('an AGENT cannot read an audit row through node: null with FORBIDDEN; a MANAGER can', async () => {
    const id = gid('AuditLog', rows.AuditLog!);
    for (const label of ['AGENT', 'TEAM_LEAD', 'key READ'] as const) {
      const res = await server.gql(NODE, { id }, await tokenOf(label));
      expect(res.data?.node ?? null, label).toBeNull();
      expect(
        res.errors?.map((e) => e.extensions?.code),
        label,
      ).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(res), label).not.toContain('thread.update');
    }
    const manager = await server.gql(NODE, { id }, await tokenOf('MANAGER'));
    expect(manager.errors).toBeUndefined();
    expect(manager.data.node).toMatchObject({ __typename: 'AuditLog', id, action: 'thread.update' });
    const anonymous = await server.gql(NODE, { id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('an AGENT gets FORBIDDEN for createTemplate and nothing is stored; a TEAM_LEAD creates it', async () => {
    const CREATE = `mutation($i: CreateTemplateInput!){ createTemplate(input: $i) { template { id name } errors { code } } }`;
    const input = { name: `Teamlead ${randomUUID()}`, category: 'FOLLOW_UP', bodyTemplate: 'Hoi {{customer.name}}' };
    const denied = await server.gql(CREATE, { i: input }, await tokenOf('AGENT'));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await app.deps.db.prisma.template.count({ where: { organizationId: orgId, name: input.name } })).toBe(0);
    const created = await server.gql(CREATE, { i: input }, await tokenOf('TEAM_LEAD'));
    expect(created.errors).toBeUndefined();
    expect(created.data.createTemplate).toMatchObject({ errors: [], template: { name: input.name } });
  });
});

// Keep the role and scope lists honest: the walk above covers all of them.
it('the callers are anonymous, every role and every API-key scope', () => {
  expect(callers.map((c) => c.label)).toEqual(['anonymous', ...ROLES, ...KEY_SCOPES.map((s) => `key ${s}`)]);
  const roles: UserRole[] = ['AGENT', 'TEAM_LEAD', 'MANAGER', 'ADMIN'];
  const scopes: ApiKeyScope[] = ['READ', 'WRITE', 'INGEST', 'ANALYTICS'];
  expect([...ROLES]).toEqual(roles);
  expect([...KEY_SCOPES]).toEqual(scopes);
});
