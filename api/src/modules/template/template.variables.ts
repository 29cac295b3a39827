/**
 * The one table of variables a template may use, and the Handlebars analysis
 * that checks a template against it.
 *
 * A variable is a data path such as `customer.pec`, never a helper. Templates
 * may use `{{path}}` (escaped in HTML), `{{{path}}}` and the blocks
 * `{{#if path}}…{{else}}…{{/if}}` / `{{#unless path}}…{{/unless}}`; anything
 * else (other helpers, partials, `this`, `../`, `@data`) is refused at save.
 *
 * Paths are exact entries of {@link TEMPLATE_VARIABLES} or one of the two open
 * families: `customer.attributes.<key>[.<key>…]` (the customer's custom
 * attributes) and `input.<key>` (a value the agent types when inserting the
 * template: it has no data source and is always reported missing until filled).
 */
import Handlebars from 'handlebars';
import { DomainError } from '../../shared/errors.js';
import type { TEMPLATE_ERRORS } from './template.errors.js';

/** What the values of one render are taken from. */
export interface TemplateData {
  customer: {
    name: string;
    email: string | null;
    phone: string | null;
    companyName: string | null;
    codiceFiscale: string | null;
    partitaIva: string | null;
    pec: string | null;
    sdi: string | null;
    tier: string;
    language: string | null;
    customAttributes: unknown;
  } | null;
  thread: {
    id: string;
    subject: string;
    orderReference: string | null;
    priority: string;
    channel: { name: string; type: string };
    slaDueAt: Date | null;
    responseDueAt: Date | null;
    firstResponseDueAt: Date | null;
    resolutionDueAt: Date | null;
  };
  agent: { name: string; email: string } | null;
  organization: { name: string; timezone: string };
  /** The template's language (BCP 47): dates and priorities are written in it. */
  language: string;
}

/** A value of a variable: a string to print, a number or boolean (printed as is), or null when there is none. */
export type VariableValue = string | number | boolean | null;

/** One row of the variable table. */
export interface TemplateVariableSpec {
  /** Data path, e.g. "customer.pec"; `<key>` marks an open family. */
  path: string;
  description: string;
  /** What a value looks like, e.g. "mario.rossi@pec.it". */
  example: string;
  /** The value for one render (not for the open families). */
  value?: (d: TemplateData) => VariableValue;
}

const PRIORITY_WORDS: Record<string, Record<string, string>> = {
  nl: { LOW: 'laag', NORMAL: 'normaal', HIGH: 'hoog', URGENT: 'urgent', CRITICAL: 'kritiek' },
  en: { LOW: 'low', NORMAL: 'normal', HIGH: 'high', URGENT: 'urgent', CRITICAL: 'critical' },
  it: { LOW: 'bassa', NORMAL: 'normale', HIGH: 'alta', URGENT: 'urgente', CRITICAL: 'critica' },
};

const primary = (language: string) => language.toLowerCase().split('-')[0]!;

/**
 * A due time as a customer reads it: weekday, day, month, time and time zone
 * in the template's language and the organization's time zone, 24-hour clock
 * except in English, e.g. nl "dinsdag 1 december om 14:30 CET",
 * it "martedì 1 dicembre alle ore 14:30 CET", en "Tuesday, December 1 at 2:30 PM CET".
 */
export function formatDueTime(at: Date, language: string, timeZone: string): string {
  const lang = primary(language);
  return new Intl.DateTimeFormat(language, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: lang === 'en' ? 'h12' : 'h23',
    timeZone,
    timeZoneName: 'short',
  }).format(at);
}

const due = (pick: (t: TemplateData['thread']) => Date | null) => (d: TemplateData) => {
  const at = pick(d.thread);
  return at ? formatDueTime(at, d.language, d.organization.timezone) : null;
};

/** The variables every template may use (see the module comment for the open families). */
export const TEMPLATE_VARIABLES: readonly TemplateVariableSpec[] = [
  { path: 'customer.name', description: "The customer's full name.", example: 'Giulia Bianchi', value: (d) => d.customer?.name ?? null },
  { path: 'customer.firstName', description: "The first word of the customer's name.", example: 'Giulia', value: (d) => d.customer?.name.trim().split(/\s+/)[0] ?? null },
  { path: 'customer.email', description: "The customer's e-mail address.", example: 'giulia@example.it', value: (d) => d.customer?.email ?? null },
  { path: 'customer.phone', description: "The customer's phone number (E.164).", example: '+393471234567', value: (d) => d.customer?.phone ?? null },
  { path: 'customer.companyName', description: "The customer's company.", example: 'Bianchi Impianti S.r.l.', value: (d) => d.customer?.companyName ?? null },
  { path: 'customer.language', description: 'The language the customer writes in (BCP 47).', example: 'it', value: (d) => d.customer?.language ?? null },
  { path: 'customer.tier', description: 'The customer tier: STANDARD, PREMIUM, BUSINESS or PARTNER.', example: 'BUSINESS', value: (d) => d.customer?.tier ?? null },
  {
    path: 'customer.codiceFiscale',
    description: 'Italian tax code (16 characters, or 11 digits for companies).',
    example: 'BNCGLI85M41F205X',
    value: (d) => d.customer?.codiceFiscale ?? null,
  },
  { path: 'customer.partitaIva', description: 'Italian VAT number (partita IVA, 11 digits).', example: '01234567897', value: (d) => d.customer?.partitaIva ?? null },
  { path: 'customer.pec', description: 'Italian certified e-mail address (PEC).', example: 'bianchi.impianti@pec.it', value: (d) => d.customer?.pec ?? null },
  { path: 'customer.sdi', description: 'Italian e-invoicing recipient code (codice destinatario SDI, 7 characters).', example: 'M5UXCR1', value: (d) => d.customer?.sdi ?? null },
  {
    path: 'customer.attributes.<key>',
    description:
      'A custom attribute of the customer, e.g. customer.attributes.chargerModel; nested keys with dots (customer.attributes.installationAddress.city). Lists are joined with commas; an object is no value.',
    example: 'Zaptec Go',
  },
  { path: 'thread.id', description: 'The thread id (the hub has no separate thread number).', example: '0193a0c4-5b1e-7c2d-9e8f-1a2b3c4d5e6f', value: (d) => d.thread.id },
  { path: 'thread.subject', description: 'The subject of the thread.', example: 'Laadpaal knippert rood', value: (d) => d.thread.subject || null },
  { path: 'thread.orderReference', description: 'The order the thread is about.', example: 'CC-2026-10452', value: (d) => d.thread.orderReference },
  { path: 'thread.channel', description: "The name of the thread's channel.", example: 'WhatsApp ChargeCars', value: (d) => d.thread.channel.name },
  {
    path: 'thread.priority',
    description: "The thread's priority in the template's language.",
    example: 'hoog',
    value: (d) => PRIORITY_WORDS[primary(d.language)]?.[d.thread.priority] ?? d.thread.priority.toLowerCase(),
  },
  {
    path: 'sla.dueAt',
    description:
      "When the customer gets an answer at the latest: the earliest running SLA target (else the thread's response due time), in the organization's time zone and the template's language.",
    example: 'dinsdag 1 december om 14:30 CET',
    value: due((t) => t.slaDueAt ?? t.responseDueAt),
  },
  {
    path: 'sla.firstResponseDueAt',
    description: 'The first-response target, formatted like sla.dueAt.',
    example: 'dinsdag 1 december om 10:30 CET',
    value: due((t) => t.firstResponseDueAt),
  },
  {
    path: 'sla.resolutionDueAt',
    description: 'The resolution target, formatted like sla.dueAt.',
    example: 'vrijdag 4 december om 17:30 CET',
    value: due((t) => t.resolutionDueAt),
  },
  {
    path: 'agent.name',
    description: "The agent's name: the signed-in agent who inserts the template, else the thread's assignee.",
    example: 'Sarah de Vries',
    value: (d) => d.agent?.name ?? null,
  },
  { path: 'agent.firstName', description: "The first word of the agent's name.", example: 'Sarah', value: (d) => d.agent?.name.trim().split(/\s+/)[0] ?? null },
  { path: 'agent.email', description: "The agent's e-mail address.", example: 'sarah@chargecars.nl', value: (d) => d.agent?.email ?? null },
  { path: 'organization.name', description: 'The name of the organization.', example: 'ChargeCars', value: (d) => d.organization.name || null },
  {
    path: 'input.<key>',
    description: 'A value the agent types when inserting the template, e.g. input.appointmentDate: it has no data source, so it is always missing until the agent fills it in.',
    example: 'maandag 7 december',
  },
];

const EXACT = new Map(TEMPLATE_VARIABLES.filter((v) => v.value).map((v) => [v.path, v]));
const KEY = /^[A-Za-z_][\w-]*$/;
const ATTRIBUTES = 'customer.attributes.';
const INPUT = 'input.';

/** True when `path` is a variable of the table (an exact entry, a custom attribute or an agent input). */
export function isKnownVariable(path: string): boolean {
  if (EXACT.has(path)) return true;
  if (path.startsWith(ATTRIBUTES))
    return path
      .slice(ATTRIBUTES.length)
      .split('.')
      .every((k) => KEY.test(k));
  if (path.startsWith(INPUT)) return /^[A-Za-z][A-Za-z0-9_]*$/.test(path.slice(INPUT.length));
  return false;
}

const isEmpty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** A custom attribute as printable value: strings, numbers and booleans as they are, lists joined with ", ", anything else null. */
function attributeValue(attributes: unknown, keys: string[]): VariableValue {
  let v: unknown = attributes;
  for (const k of keys) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined;
  if (Array.isArray(v)) return v.filter((x) => ['string', 'number', 'boolean'].includes(typeof x)).join(', ') || null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

/** The value of a known variable for one render; null when it has none (empty strings count as none). Throws for an unknown path. */
export function variableValue(path: string, data: TemplateData): VariableValue {
  const spec = EXACT.get(path);
  let v: VariableValue;
  if (spec) v = spec.value!(data);
  else if (path.startsWith(ATTRIBUTES) && isKnownVariable(path)) v = attributeValue(data.customer?.customAttributes, path.slice(ATTRIBUTES.length).split('.'));
  else if (path.startsWith(INPUT) && isKnownVariable(path)) v = null;
  else throw new Error(`unknown template variable ${path}`);
  return isEmpty(v) ? null : v;
}

// ---------------------------------------------------------------- analysis

/** How a template uses a variable: printed (`{{x}}`) or only tested (`{{#if x}}`). */
export interface VariableUse {
  path: string;
  printed: boolean;
}

/** Where a problem is: the source's input field, e.g. "input.bodyTemplate". */
type Fail = (code: keyof typeof TEMPLATE_ERRORS, message: string) => never;

const pathOf = (p: hbs.AST.PathExpression) => p.parts.join('.');

/**
 * Walks a parsed template: every variable with how it is used, in order of
 * first use. Calls `fail` for what templates may not contain (see the module
 * comment); with a `fail` that does not throw, skips those nodes.
 */
function walk(program: hbs.AST.Program, fail: Fail, uses: Map<string, VariableUse>): void {
  const use = (p: hbs.AST.PathExpression, printed: boolean) => {
    if (p.data || p.depth > 0 || p.parts.length === 0 || p.original === 'this' || p.original.startsWith('this.') || p.original.startsWith('./')) {
      fail('TEMPLATE_HELPER_UNSUPPORTED', `{{${p.original}}} is not a variable: use data paths such as {{customer.name}}.`);
      return;
    }
    const path = pathOf(p);
    const prev = uses.get(path);
    uses.set(path, { path, printed: printed || (prev?.printed ?? false) });
  };
  for (const node of program.body) {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        break;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        if (m.path.type !== 'PathExpression' || m.params.length || m.hash?.pairs.length) {
          const name = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : String((m.path as { original?: unknown }).original ?? m.path.type);
          fail('TEMPLATE_HELPER_UNSUPPORTED', `{{${name} …}} is a helper: templates may only print variables and use {{#if}} / {{#unless}}.`);
          break;
        }
        use(m.path as hbs.AST.PathExpression, true);
        break;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).original : '';
        const param = b.params[0];
        if ((name !== 'if' && name !== 'unless') || b.params.length !== 1 || param?.type !== 'PathExpression' || b.hash?.pairs.length) {
          fail('TEMPLATE_HELPER_UNSUPPORTED', `{{#${name || '…'}}} is not supported: use {{#if variable}} or {{#unless variable}}.`);
          break;
        }
        use(param as hbs.AST.PathExpression, false);
        if (b.program) walk(b.program, fail, uses);
        if (b.inverse) walk(b.inverse, fail, uses);
        break;
      }
      default:
        fail('TEMPLATE_HELPER_UNSUPPORTED', `${node.type.replace('Statement', '').toLowerCase()} is not supported in templates.`);
    }
  }
}

/** First line of a Handlebars error, e.g. "Parse error on line 1: … Expecting 'ID', got 'EOF'". */
const firstLines = (err: unknown) => (err as Error).message.split('\n').slice(0, 3).join(' ').replace(/\s+/g, ' ').trim();

/**
 * Parses one template source and checks it against the variable table.
 * Returns the variables it uses. Throws DomainError with `field`:
 * TEMPLATE_SYNTAX_ERROR (not valid Handlebars), TEMPLATE_HELPER_UNSUPPORTED
 * (a helper, partial, `this`, `../` or `@data`), TEMPLATE_VARIABLE_UNKNOWN
 * (a path not in {@link TEMPLATE_VARIABLES}).
 */
export function checkTemplateSource(source: string, field: string): VariableUse[] {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
    Handlebars.precompile(source); // also catches what only the compiler sees, e.g. {{#if}} without a parameter
  } catch (err) {
    throw new DomainError('TEMPLATE_SYNTAX_ERROR', `Template syntax error: ${firstLines(err)}`, field);
  }
  const uses = new Map<string, VariableUse>();
  walk(
    program,
    (code, message) => {
      throw new DomainError(code, message, field);
    },
    uses,
  );
  for (const u of uses.values()) {
    if (!isKnownVariable(u.path)) {
      throw new DomainError('TEMPLATE_VARIABLE_UNKNOWN', `{{${u.path}}} is not a template variable (see templateVariables for the ones that exist).`, field);
    }
  }
  return [...uses.values()];
}

/**
 * The data paths some sources use, sorted and unique, never a helper name
 * (`{{#if x}}` yields x, not "if"). Lenient: skips what it cannot parse and
 * what is not a variable, so it also describes templates saved before the checks.
 */
export function variablesOf(...sources: (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const s of sources) {
    if (!s) continue;
    try {
      const uses = new Map<string, VariableUse>();
      walk(Handlebars.parse(s), () => undefined as never, uses);
      for (const u of uses.keys()) out.add(u);
    } catch {
      // not valid Handlebars: uses nothing we can name
    }
  }
  return [...out].sort();
}

/**
 * Renders one source: printed variables without a value stay visible as
 * their placeholder `{{path}}` for the agent to fill; `{{#if}}` tests the
 * real value. `escape`: HTML-escape printed values (the HTML part).
 * Returns the text and the placeholders left in it.
 */
export function renderSource(source: string, data: TemplateData, escapeHtml: boolean): { text: string; missing: string[] } {
  const program = Handlebars.parse(source);
  const uses = new Map<string, VariableUse>();
  walk(program, () => undefined as never, uses);
  const context: Record<string, unknown> = {};
  const values = new Map<string, VariableValue>();
  for (const path of uses.keys()) {
    const v = isKnownVariable(path) ? variableValue(path, data) : null;
    values.set(path, v);
    // Nested object for Handlebars' own lookup ({{#if}} and printed values).
    const keys = path.split('.');
    let o = context;
    for (const k of keys.slice(0, -1)) o = (o[k] && typeof o[k] === 'object' ? o[k] : (o[k] = {})) as Record<string, unknown>;
    if (!(keys.at(-1)! in o) || typeof o[keys.at(-1)!] !== 'object') o[keys.at(-1)!] = v;
  }
  const missing = new Set<string>();
  const placeholders = (p: hbs.AST.Program) => {
    p.body = p.body.map((node) => {
      if (node.type === 'MustacheStatement') {
        const m = node as hbs.AST.MustacheStatement;
        if (m.path.type === 'PathExpression' && !m.params.length) {
          const path = pathOf(m.path as hbs.AST.PathExpression);
          if (values.get(path) === null) {
            missing.add(path);
            const content = { type: 'ContentStatement', original: `{{${path}}}`, value: `{{${path}}}`, loc: m.loc } as unknown as hbs.AST.ContentStatement;
            return content;
          }
        }
      } else if (node.type === 'BlockStatement') {
        const b = node as hbs.AST.BlockStatement;
        if (b.program) placeholders(b.program);
        if (b.inverse) placeholders(b.inverse);
      }
      return node;
    });
  };
  placeholders(program);
  const text = Handlebars.compile(program, { noEscape: !escapeHtml, strict: false })(context);
  // Only the placeholders that made it into the output (not those of a branch not taken).
  return { text, missing: [...missing].filter((p) => text.includes(`{{${p}}}`)) };
}
