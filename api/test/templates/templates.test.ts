/**
 * Templates that never send blanks (issue 10 §3), through GraphQL on a real
 * server: variables checked at save against the one variable table, only data
 * paths listed, the customer's language chosen, set values rendered (PEC),
 * gaps reported and left visible, inactive templates refused, and postMessage
 * refusing a text whose template gaps were not filled.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid, rowCounts } from '../graphql/helpers.js';
import { DEMO_TEMPLATES } from '../../src/demo/data/templates.js';
import { checkTemplate } from '../../src/modules/template/template.service.js';
import { TEMPLATE_VARIABLES } from '../../src/modules/template/template.variables.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let agentToken: string;
let leadToken: string;
let channelId: string;
let seq = 0;

const CREATE = `mutation($i: CreateTemplateInput!){ createTemplate(input:$i){ template { id name locale variables shortcut isActive } errors { code field message } } }`;
const UPDATE = `mutation($i: UpdateTemplateInput!){ updateTemplate(input:$i){ template { id variables isActive bodyTemplate } errors { code field message } } }`;
const RENDER = `query($t: ID!, $th: ID!, $l: String){ renderTemplate(templateId: $t, threadId: $th, language: $l){ language subject body missing template { id locale } } }`;
const POST = `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id content } errors { code field message } } }`;
const FAMILIES = `query($th: ID, $s: String){ templateFamilies(threadId: $th, search: $s){ name languages shortcuts defaultLanguage defaultTemplate { id locale } variants { id locale } } }`;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  orgId = org.id;
  const agent = await createUser(app.deps, orgId, { name: 'Sarah de Vries', email: 'sarah@chargecars.test' });
  agentToken = await tokenFor(app.deps, agent);
  const lead = await createUser(app.deps, orgId, { name: 'Sanne Vos', role: 'TEAM_LEAD' });
  leadToken = await tokenFor(app.deps, lead);
  channelId = (await createChannel(app.deps, orgId, { type: 'EMAIL_OUTLOOK' })).id;
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const asLead = (q: string, v: Record<string, unknown>) => server.gql(q, v, leadToken);
const asAgent = (q: string, v: Record<string, unknown>) => server.gql(q, v, agentToken);

/** Creates a template as the team lead; expects success. */
async function template(input: Record<string, unknown>) {
  const res = await asLead(CREATE, { i: { name: `Sjabloon ${++seq}`, category: 'CUSTOMER_SERVICE', ...input } });
  expect(res.errors).toBeUndefined();
  expect(res.data.createTemplate.errors).toEqual([]);
  return res.data.createTemplate.template as { id: string; name: string; locale: string; variables: string[]; shortcut: string | null };
}

/** A thread of a new customer (fields given), with optional incoming messages. */
async function thread(customer: Record<string, unknown> | null, incoming: string[] = [], extra: Record<string, unknown> = {}) {
  const p = app.deps.db.prisma;
  const c = customer ? await p.customer.create({ data: { organizationId: orgId, name: 'Klant', ...customer } }) : null;
  const t = await p.thread.create({ data: { organizationId: orgId, subject: 'Vraag over laadpaal', channelId, customerId: c?.id ?? null, ...extra } });
  for (const content of incoming) {
    await p.message.create({ data: { organizationId: orgId, threadId: t.id, channelId, type: 'INCOMING', content } });
  }
  return gid('Thread', t.id);
}

describe('saving: variables checked against templateVariables', () => {
  it('an unknown variable is refused with TEMPLATE_VARIABLE_UNKNOWN on its field, and nothing is stored', async () => {
    const before = await rowCounts(app.deps, orgId);
    const res = await asLead(CREATE, {
      i: { name: 'Onbekend', category: 'FOLLOW_UP', subjectTemplate: 'Order {{thread.orderReference}}', bodyTemplate: 'Hoi {{customer.name}}, je {{customer.chargerModel}}' },
    });
    expect(res.data.createTemplate.template).toBeNull();
    expect(res.data.createTemplate.errors).toHaveLength(1);
    expect(res.data.createTemplate.errors[0]).toMatchObject({ code: 'TEMPLATE_VARIABLE_UNKNOWN', field: 'input.bodyTemplate' });
    expect(res.data.createTemplate.errors[0].message).toContain('customer.chargerModel');
    expect(await rowCounts(app.deps, orgId)).toEqual(before);
  });

  it('a Handlebars syntax error is TEMPLATE_SYNTAX_ERROR, a helper TEMPLATE_HELPER_UNSUPPORTED, a declared unknown variable names its index', async () => {
    const syntax = await asLead(CREATE, { i: { name: 'Kapot', category: 'FOLLOW_UP', bodyTemplate: 'Beste {{customer.name' } });
    expect(syntax.data.createTemplate.errors[0]).toMatchObject({ code: 'TEMPLATE_SYNTAX_ERROR', field: 'input.bodyTemplate' });
    const subject = await asLead(CREATE, { i: { name: 'Kapot 2', category: 'FOLLOW_UP', subjectTemplate: '{{#if customer.pec}}', bodyTemplate: 'Hoi' } });
    expect(subject.data.createTemplate.errors[0]).toMatchObject({ code: 'TEMPLATE_SYNTAX_ERROR', field: 'input.subjectTemplate' });
    const helper = await asLead(CREATE, { i: { name: 'Helper', category: 'FOLLOW_UP', bodyTemplate: 'Hoi {{lookup customer "name"}}' } });
    expect(helper.data.createTemplate.errors[0]).toMatchObject({ code: 'TEMPLATE_HELPER_UNSUPPORTED', field: 'input.bodyTemplate' });
    const each = await asLead(CREATE, { i: { name: 'Each', category: 'FOLLOW_UP', bodyTemplate: '{{#each customer.attributes.list}}x{{/each}}' } });
    expect(each.data.createTemplate.errors[0].code).toBe('TEMPLATE_HELPER_UNSUPPORTED');
    const declared = await asLead(CREATE, {
      i: { name: 'Declared', category: 'FOLLOW_UP', bodyTemplate: 'Hoi {{customer.name}}', variables: ['customer.name', 'invoice.amount'] },
    });
    expect(declared.data.createTemplate.errors[0]).toMatchObject({ code: 'TEMPLATE_VARIABLE_UNKNOWN', field: 'input.variables.1' });
    const undeclared = await asLead(CREATE, {
      i: { name: 'Undeclared', category: 'FOLLOW_UP', bodyTemplate: 'Hoi {{customer.name}} {{customer.pec}}', variables: ['customer.name'] },
    });
    expect(undeclared.data.createTemplate.errors[0]).toMatchObject({ code: 'TEMPLATE_VARIABLE_UNDECLARED', field: 'input.bodyTemplate' });
    expect(await app.deps.db.prisma.template.count({ where: { organizationId: orgId, name: { in: ['Kapot', 'Kapot 2', 'Helper', 'Each', 'Declared', 'Undeclared'] } } })).toBe(0);
  });

  it('updateTemplate checks the new sources too and leaves the template unchanged on error', async () => {
    const t = await template({ bodyTemplate: 'Hoi {{customer.name}}' });
    const res = await asLead(UPDATE, { i: { templateId: t.id, bodyTemplate: 'Hoi {{klant.naam}}' } });
    expect(res.data.updateTemplate.errors[0]).toMatchObject({ code: 'TEMPLATE_VARIABLE_UNKNOWN', field: 'input.bodyTemplate' });
    const stored = await app.deps.db.prisma.template.findFirstOrThrow({ where: { organizationId: orgId, name: t.name } });
    expect(stored.bodyTemplate).toBe('Hoi {{customer.name}}');
  });

  it('variables lists the data paths used, never helper names (if, unless, else)', async () => {
    const t = await template({
      bodyTemplate:
        '{{#if customer.pec}}PEC: {{customer.pec}}{{else}}e-mail {{customer.email}}{{/if}} {{#unless thread.orderReference}}geen order{{/unless}} {{customer.attributes.chargerModel}} {{input.appointmentDate}}',
      subjectTemplate: 'Over {{thread.subject}}',
    });
    expect(t.variables).toEqual(['customer.attributes.chargerModel', 'customer.email', 'customer.pec', 'input.appointmentDate', 'thread.orderReference', 'thread.subject']);
    const stored = await app.deps.db.prisma.template.findUniqueOrThrow({ where: { organizationId_name_locale: { organizationId: orgId, name: t.name, locale: 'nl' } } });
    expect(stored.variables).toEqual(t.variables);
  });

  it('a row stored before the checks still lists only data paths', async () => {
    const row = await app.deps.db.prisma.template.create({
      data: { organizationId: orgId, name: `Oud ${++seq}`, category: 'FOLLOW_UP', bodyTemplate: '{{#if customer.pec}}{{customer.pec}}{{/if}}', variables: ['if', 'customer.pec'] },
    });
    const res = await asAgent(`query($id: ID!){ node(id: $id){ ... on Template { variables } } }`, { id: gid('Template', row.id) });
    expect(res.data.node.variables).toEqual(['customer.pec']);
  });

  it('templateVariables is the table: Italian fields, custom attributes, thread, SLA, agent, organization; every seeded template passes it', async () => {
    const res = await asAgent(`{ templateVariables { path description example } }`, {});
    const paths: string[] = res.data.templateVariables.map((v: { path: string }) => v.path);
    for (const p of [
      'customer.name',
      'customer.email',
      'customer.phone',
      'customer.language',
      'customer.tier',
      'customer.codiceFiscale',
      'customer.partitaIva',
      'customer.pec',
      'customer.sdi',
      'customer.attributes.<key>',
      'thread.subject',
      'thread.id',
      'thread.channel',
      'thread.priority',
      'sla.dueAt',
      'agent.name',
      'agent.email',
      'organization.name',
    ]) {
      expect(paths).toContain(p);
    }
    expect(paths).toEqual(TEMPLATE_VARIABLES.map((v) => v.path));
    expect(paths.some((p) => ['if', 'unless', 'each', 'lookup'].includes(p))).toBe(false);
    for (const v of res.data.templateVariables) expect(v.description.length && v.example.length).toBeTruthy();
    for (const t of DEMO_TEMPLATES) expect(() => checkTemplate(t), `${t.name} (${t.locale})`).not.toThrow();
  });

  it('docs/templates.md documents every variable of the table, and no other', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../docs/templates.md', import.meta.url)), 'utf8');
    const documented = [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(TEMPLATE_VARIABLES.map((v) => v.path));
  });
});

describe('language: the customer gets their language', () => {
  let family: { nl: string; en: string; it: string };
  beforeAll(async () => {
    const name = `Fattura ${++seq}`;
    const body = { nl: 'Beste {{customer.name}}, je factuur', en: 'Dear {{customer.name}}, your invoice', it: 'Gentile {{customer.name}}, la sua fattura' };
    const ids = await Promise.all(
      (['nl', 'en', 'it'] as const).map(
        async (locale) => (await template({ name, locale, bodyTemplate: body[locale], shortcut: { nl: 'factuur', en: 'invoice', it: 'fattura' }[locale] })).id,
      ),
    );
    family = { nl: ids[0]!, en: ids[1]!, it: ids[2]! };
  });

  it('an Italian customer (Customer.language) gets the Italian variant as default; the picker shows one entry with three languages', async () => {
    const th = await thread({ name: 'Giulia Bianchi', language: 'it' }, ['Hello, I have a question about my invoice please']);
    const res = await asAgent(`query($id: ID!){ node(id: $id){ ... on Thread { suggestedTemplateLanguage } } }`, { id: th });
    expect(res.data.node.suggestedTemplateLanguage).toBe('it');
    const fam = await asAgent(FAMILIES, { th, s: '/fattura' });
    expect(fam.errors).toBeUndefined();
    expect(fam.data.templateFamilies).toHaveLength(1);
    const f = fam.data.templateFamilies[0];
    expect(f.languages).toEqual(['en', 'it', 'nl']);
    expect(f.shortcuts).toEqual(['factuur', 'fattura', 'invoice']);
    expect(f.defaultLanguage).toBe('it');
    expect(f.defaultTemplate.id).toBe(family.it);
    const r = await asAgent(RENDER, { t: family.nl, th, l: f.defaultLanguage });
    expect(r.data.renderTemplate).toMatchObject({ language: 'it', body: 'Gentile Giulia Bianchi, la sua fattura', template: { id: family.it } });
  });

  it('a shortcut belongs to one template: another template cannot take it (CONFLICT on input.shortcut)', async () => {
    const res = await asLead(CREATE, { i: { name: `Andere ${++seq}`, category: 'FOLLOW_UP', bodyTemplate: 'Hoi', shortcut: '/Fattura' } });
    expect(res.data.createTemplate.errors[0]).toMatchObject({ code: 'CONFLICT', field: 'input.shortcut' });
    const bad = await asLead(CREATE, { i: { name: `Andere ${++seq}`, category: 'FOLLOW_UP', bodyTemplate: 'Hoi', shortcut: 'met spatie' } });
    expect(bad.data.createTemplate.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.shortcut' });
  });

  it("without a customer language, the language of the customer's messages; without either, the organization's locale", async () => {
    const dutch = await thread({ name: 'Jan Jansen' }, ['Goedemiddag, mijn laadpaal knippert rood en ik weet niet wat ik moet doen.']);
    const english = await thread({ name: 'John Smith' }, ['Good afternoon, my charger keeps blinking red and I do not know what to do.']);
    const silent = await thread(null);
    const lang = async (th: string) => (await asAgent(FAMILIES, { th, s: 'factuur' })).data.templateFamilies[0].defaultLanguage;
    expect(await lang(dutch)).toBe('nl');
    expect(await lang(english)).toBe('en');
    await app.deps.db.prisma.organization.update({ where: { id: orgId }, data: { locale: 'it' } });
    try {
      expect(await lang(silent)).toBe('it');
    } finally {
      await app.deps.db.prisma.organization.update({ where: { id: orgId }, data: { locale: 'nl' } });
    }
    expect(await lang(silent)).toBe('nl');
  });
});

describe('rendering', () => {
  it('customer.pec, the Italian fields and custom attributes render when set; missing is empty', async () => {
    const t = await template({
      locale: 'it',
      bodyTemplate:
        'PEC {{customer.pec}}, SDI {{customer.sdi}}, P.IVA {{customer.partitaIva}}, CF {{customer.codiceFiscale}}, wallbox {{customer.attributes.chargerModel}} a {{customer.attributes.installationAddress.city}}; {{agent.name}} · {{organization.name}}',
    });
    const th = await thread({
      name: 'Bianchi Impianti',
      pec: 'bianchi.impianti@pec.it',
      sdi: 'M5UXCR1',
      partitaIva: '01234567897',
      codiceFiscale: '01234567897',
      customAttributes: { chargerModel: 'Zaptec Go', installationAddress: { city: 'Milano' } },
    });
    const r = await asAgent(RENDER, { t: t.id, th });
    expect(r.errors).toBeUndefined();
    const org = await app.deps.db.prisma.organization.findUniqueOrThrow({ where: { id: orgId } });
    expect(r.data.renderTemplate.body).toBe(
      `PEC bianchi.impianti@pec.it, SDI M5UXCR1, P.IVA 01234567897, CF 01234567897, wallbox Zaptec Go a Milano; Sarah de Vries · ${org.name}`,
    );
    expect(r.data.renderTemplate.missing).toEqual([]);
  });

  it('missing values are reported and stay visible as {{path}}; a false {{#if}} branch reports nothing', async () => {
    const t = await template({
      subjectTemplate: 'Order {{thread.orderReference}}',
      bodyTemplate: 'Beste {{customer.name}}, PEC: {{customer.pec}}. Afspraak op {{input.appointmentDate}}.{{#if customer.sdi}} SDI {{customer.sdi}}{{/if}}',
    });
    const th = await thread({ name: 'Mario Rossi' });
    const r = await asAgent(RENDER, { t: t.id, th });
    expect(r.data.renderTemplate).toMatchObject({
      subject: 'Order {{thread.orderReference}}',
      body: 'Beste Mario Rossi, PEC: {{customer.pec}}. Afspraak op {{input.appointmentDate}}.',
      missing: ['customer.pec', 'input.appointmentDate', 'thread.orderReference'],
    });
  });

  it("sla.dueAt is written in the organization's time zone and the template's language", async () => {
    const it_ = await template({ locale: 'it', bodyTemplate: 'Risposta entro {{sla.dueAt}}' });
    const nl = await template({ locale: 'nl', bodyTemplate: 'Antwoord uiterlijk {{sla.dueAt}}' });
    // 13:30 UTC on 1 December 2026 is 14:30 in Amsterdam (CET).
    const th = await thread({ name: 'Luca' }, [], { slaDueAt: new Date('2026-12-01T13:30:00Z') });
    const itBody: string = (await asAgent(RENDER, { t: it_.id, th })).data.renderTemplate.body;
    const nlBody: string = (await asAgent(RENDER, { t: nl.id, th })).data.renderTemplate.body;
    expect(itBody).toMatch(/martedì 1 dicembre.*14:30/);
    expect(nlBody).toMatch(/dinsdag 1 december.*14:30/);
    expect(nlBody).not.toMatch(/PM|AM/);
  });
});

describe('inactive templates and sending', () => {
  it('an inactive template is not rendered (TEMPLATE_INACTIVE), not offered, and not sent', async () => {
    const t = await template({ bodyTemplate: 'Hoi {{customer.name}}', shortcut: 'oud-sjabloon' });
    const th = await thread({ name: 'Eva' });
    const off = await asLead(UPDATE, { i: { templateId: t.id, isActive: false } });
    expect(off.data.updateTemplate.errors).toEqual([]);
    const r = await asAgent(RENDER, { t: t.id, th });
    expect(r.data?.renderTemplate ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('TEMPLATE_INACTIVE');
    const fam = await asAgent(FAMILIES, { th, s: 'oud-sjabloon' });
    expect(fam.data.templateFamilies).toEqual([]);
    const before = await rowCounts(app.deps, orgId);
    const post = await asAgent(POST, { i: { threadId: th, kind: 'NOTE', content: 'Hoi Eva', templateId: t.id } });
    expect(post.data.postMessage.errors[0]).toMatchObject({ code: 'TEMPLATE_INACTIVE', field: 'input.templateId' });
    expect(await rowCounts(app.deps, orgId)).toEqual(before);
  });

  it('postMessage refuses a text with unfilled template placeholders and accepts it once filled', async () => {
    const t = await template({ bodyTemplate: 'Beste {{customer.name}}, PEC: {{customer.pec}}. Datum: {{input.appointmentDate}}' });
    const th = await thread({ name: 'Mario Rossi' });
    const rendered: string = (await asAgent(RENDER, { t: t.id, th })).data.renderTemplate.body;
    const before = await rowCounts(app.deps, orgId);
    const refused = await asAgent(POST, { i: { threadId: th, kind: 'NOTE', content: rendered, templateId: t.id } });
    expect(refused.data.postMessage.message).toBeNull();
    expect(refused.data.postMessage.errors[0]).toMatchObject({ code: 'TEMPLATE_VARIABLES_MISSING', field: 'input.content' });
    expect(refused.data.postMessage.errors[0].message).toContain('{{customer.pec}}');
    expect(refused.data.postMessage.errors[0].message).toContain('{{input.appointmentDate}}');
    const half = await asAgent(POST, { i: { threadId: th, kind: 'NOTE', content: rendered.replace('{{customer.pec}}', 'rossi@pec.it'), templateId: t.id } });
    expect(half.data.postMessage.errors[0].code).toBe('TEMPLATE_VARIABLES_MISSING');
    expect(half.data.postMessage.errors[0].message).not.toContain('customer.pec');
    expect(await rowCounts(app.deps, orgId)).toEqual(before);

    const filled = rendered.replace('{{customer.pec}}', 'rossi@pec.it').replace('{{input.appointmentDate}}', '7 december');
    const ok = await asAgent(POST, { i: { threadId: th, kind: 'NOTE', content: filled, templateId: t.id } });
    expect(ok.data.postMessage.errors).toEqual([]);
    expect(ok.data.postMessage.message.content).toBe('Beste Mario Rossi, PEC: rossi@pec.it. Datum: 7 december');
    const stored = await app.deps.db.prisma.template.findFirstOrThrow({
      where: {
        organizationId: orgId,
        name: (await app.deps.db.prisma.template.findFirstOrThrow({ where: { bodyTemplate: { contains: 'Datum: {{input.appointmentDate}}' } } })).name,
      },
    });
    expect(stored.usageCount).toBe(1);
  });
});
