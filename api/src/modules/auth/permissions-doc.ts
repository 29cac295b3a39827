/**
 * docs/permissions.md, rendered from the permission matrix (permissions.ts).
 * `pnpm permissions:print` writes it; api/test/graphql/permissions.test.ts
 * fails when the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANALYTICS, FIELD_RULES, KEY_SCOPES, QUERY_RULES, MUTATION_RULES, ROLES, SUBSCRIPTION_RULES, TYPE_RULES, allows, type Rule, type Who } from './permissions.js';

const COLUMNS: { title: string; who: Who }[] = [
  { title: 'anonymous', who: { kind: 'ANONYMOUS' } },
  ...ROLES.map((role) => ({ title: role, who: { kind: 'USER', role } as Who })),
  ...KEY_SCOPES.map((s) => ({ title: `key ${s}`, who: { kind: 'API_KEY', scopes: [s] } as Who })),
];

function table(rows: [string, Rule][], extra?: (name: string, r: Rule) => Rule): string {
  const head = `| field | ${COLUMNS.map((c) => c.title).join(' | ')} | row rule |`;
  const sep = `| --- | ${COLUMNS.map(() => ':-:').join(' | ')} | --- |`;
  const lines = rows
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, r]) => {
      const eff = extra ? extra(name, r) : r;
      const cells = COLUMNS.map((c) => (allows(eff, c.who) && (!extra || allows(r, c.who)) ? '✓' : '·'));
      return `| \`${name}\` | ${cells.join(' | ')} | ${r.condition ? 'own tasks only for AGENT and API keys' : ''} |`;
    });
  return [head, sep, ...lines].join('\n');
}

export function renderPermissionsDoc(): string {
  return `# Permissions

<!-- Generated from api/src/modules/auth/permissions.ts by \`pnpm permissions:print\` (in api/). Do not edit by hand: api/test/graphql/permissions.test.ts fails when this file differs. -->

Who may use every root field of the GraphQL API, read every type reachable
through \`node\`, and read the fields kept from some roles. ✓ allowed, · refused
(\`FORBIDDEN\`; \`UNAUTHENTICATED\` without a session or key).

- Roles are ordered **AGENT < TEAM_LEAD < MANAGER < ADMIN**: a rule names the
  lowest role allowed, every role above it is allowed too.
- An **API key** is no person: it acts with the AGENT role and only where the
  rule names one of its scopes. READ: queries and subscriptions; WRITE: the
  agents' mutations; INGEST: \`ingestMessage\` and \`updateDeliveryStatus\` (only
  for the key's channel when it has one); ANALYTICS: reports (MANAGER and up
  read them too; no report field yet). A key with several scopes may do what
  any of them allows.
- Templates are created and edited by TEAM_LEAD and up; agents list and render
  them and send from them. Audit logs, thread soft delete and restore: MANAGER
  and up. Channel administration (create, update, test, and the
  \`configuration\`, \`secretKeys\`, \`webhookUrl\`, \`health\` fields, which hold
  the SLA setting \`responseSlaHours\` and the provider credentials), API keys,
  webhook deliveries, organization settings and GDPR actions: ADMIN.
- Row rule: ${'an AGENT (and an API key, which acts as one) changes only tasks they created or are assigned to; TEAM_LEAD and up change every task'} (\`updateTask\`, \`completeTask\`: a payload error \`FORBIDDEN\`).

Where it is enforced: \`api/src/modules/auth/permissions.ts\` holds the matrix
below; every schema file takes its Pothos scope-auth rules from it
(\`authScopes: can('createTemplate')\`), object types included (checked once per
object, so \`node\`/\`nodes\` return null with \`FORBIDDEN\` for a row of a type the
viewer may not read), and services ask it for row rules (\`mayEditTask\`).
\`api/test/graphql/permissions.test.ts\` walks every root field, every type
reachable by \`node\` and every restricted field of the built schema as
anonymous, as each role and as an API key of each scope, and compares each
outcome with this matrix: a field added without a rule fails it.

## Query

${table(Object.entries(QUERY_RULES))}

## Mutation

${table(Object.entries(MUTATION_RULES))}

## Subscription

${table(Object.entries(SUBSCRIPTION_RULES))}

## Types reachable by \`node\` / \`nodes\`

A row through \`node(id)\` or \`nodes(ids)\`: the rule of \`node\` and the rule of its type.
The type rule also applies wherever else a field returns the type.

${table(Object.entries(TYPE_RULES), () => QUERY_RULES.node)}

## Restricted fields

${table(Object.entries(FIELD_RULES))}

## Reserved

| rule | ${COLUMNS.map((c) => c.title).join(' | ')} |
| --- | ${COLUMNS.map(() => ':-:').join(' | ')} |
| analytics and reports (\`ANALYTICS\` in permissions.ts) | ${COLUMNS.map((c) => (allows(ANALYTICS, c.who) ? '✓' : '·')).join(' | ')} |
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/permissions.md');
  writeFileSync(out, renderPermissionsDoc());
  console.log(`wrote ${out}`);
}
