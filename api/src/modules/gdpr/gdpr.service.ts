/**
 * GDPR: a customer's data export (right of access), anonymisation (right to
 * erasure), soft delete and restore of threads and customers, and the
 * per-organization retention purge (job `gdpr.retention`).
 *
 * Personal data is copied from the customer row into many places: identities,
 * message senders and recipients, message bodies and attachments, thread
 * subjects and conversation keys, task texts, audit `changes`, raw webhook
 * bodies, delivery errors. Anonymisation finds the copies by the customer's
 * *personal values* ({@link personalValues}: name, e-mail, phone and its
 * WhatsApp digits, Italian ids, company, identity values, the names and
 * addresses their messages carried) and by the relations (their threads and
 * the messages on them), and rewrites them in one transaction, keeping the
 * statistics: row counts, timestamps, statuses, types, thread structure.
 *
 * Bounded cost: every scan runs inside the organization, in pages of
 * {@link PAGE_SIZE} rows by id (keyset), so memory stays flat however long
 * the history is. The export stops each section at {@link EXPORT_LIMITS} rows
 * and says so in `truncated`. Values shorter than {@link MIN_VALUE_LENGTH}
 * characters are not searched for (they would match unrelated text).
 */
import { z } from 'zod';
import type { Customer, Prisma, Thread } from '../../generated/prisma/client.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext } from '../../shared/context.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import type { Tx } from '../../db/tenant.js';
import { publishThreadUpdated } from '../thread/thread.service.js';

/** The name an anonymised customer keeps. */
export const ANONYMISED_NAME = 'Anonymised customer';
/** What replaces a personal value inside a text, and a redacted message body or subject. */
export const REDACTED = '[redacted]';
/** InboundEvent.rawBody of a delivery that named an anonymised customer. */
export const REDACTED_RAW_BODY = '[redacted: personal data erased (GDPR)]';
/** InboundEvent.rawBody of a processed delivery past the organization's retention. */
export const PURGED_RAW_BODY = '[purged: retention period over]';
/** Rows read per page in every scan. */
export const PAGE_SIZE = 200;
/** Personal values shorter than this are not searched for. */
export const MIN_VALUE_LENGTH = 4;
/** Most rows per section of one export; `truncated` tells when a section stopped there. */
export const EXPORT_LIMITS = { threads: 2_000, messages: 20_000, tasks: 5_000, auditLogs: 20_000, inboundEvents: 5_000 } as const;
/** Longest transaction of an anonymisation or a purge (ms). */
const TX_OPTIONS = { maxWait: 10_000, timeout: 300_000 };
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

// ---------------------------------------------------------------- personal values

/** A customer's personal values and how to find and rewrite them. */
export interface PersonalValues {
  values: string[];
  /** ILIKE patterns (escaped, with %…%) for every value and its encoded forms. */
  patterns: string[];
  /** Case-insensitive regex of every value and encoded form, longest first. */
  regex: RegExp | null;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** The forms a value takes in stored text: as is, URL/form-encoded (Twilio), JSON with \u escapes (raw webhook bodies). */
function encodedForms(v: string): string[] {
  const forms = new Set([v]);
  const url = encodeURIComponent(v);
  forms.add(url);
  forms.add(url.replace(/%20/g, '+'));
  forms.add(JSON.stringify(v).slice(1, -1));
  forms.add(
    JSON.stringify(v)
      .slice(1, -1)
      .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  return [...forms];
}

export function buildPersonalValues(raw: Iterable<string | null | undefined>): PersonalValues {
  const seen = new Map<string, string>();
  for (const r of raw) {
    const v = r?.trim();
    if (!v || v.length < MIN_VALUE_LENGTH || v === ANONYMISED_NAME || v === REDACTED) continue;
    seen.set(v.toLowerCase(), v);
  }
  const values = [...seen.values()];
  const forms = [...new Set(values.flatMap(encodedForms))].sort((a, b) => b.length - a.length);
  return {
    values,
    patterns: forms.map((f) => `%${escapeLike(f)}%`),
    regex: forms.length ? new RegExp(forms.map(escapeRegex).join('|'), 'gi') : null,
  };
}

/** Replaces every personal value in a text. */
export function rewriteText(pv: PersonalValues, s: string): string;
export function rewriteText(pv: PersonalValues, s: string | null): string | null;
export function rewriteText(pv: PersonalValues, s: string | null): string | null {
  if (s === null || !pv.regex) return s;
  return s.replace(pv.regex, REDACTED);
}

/** Replaces every personal value in the strings (values and keys) of a JSON value. */
export function rewriteJson(pv: PersonalValues, v: unknown): unknown {
  if (typeof v === 'string') return rewriteText(pv, v);
  if (Array.isArray(v)) return v.map((x) => rewriteJson(pv, x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [rewriteText(pv, k), rewriteJson(pv, x)]));
  return v;
}

/** Keys whose string values an audit row about the customer's records loses entirely (free text about them). */
const AUDIT_TEXT_KEYS = new Set([
  'name',
  'email',
  'phone',
  'companyName',
  'codiceFiscale',
  'partitaIva',
  'pec',
  'sdi',
  'customAttributes',
  'value',
  'address',
  'subject',
  'content',
  'contentHtml',
  'notes',
  'senderExternal',
  'recipient',
  'attachments',
  'conversationKey',
  'title',
  'description',
  'completionNotes',
]);

function redactAuditChanges(v: unknown, underTextKey = false): unknown {
  if (typeof v === 'string') return underTextKey ? REDACTED : v;
  if (Array.isArray(v)) return v.map((x) => redactAuditChanges(x, underTextKey));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactAuditChanges(x, underTextKey || AUDIT_TEXT_KEYS.has(k))]));
  return v;
}

const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];

/** Everything that identifies the customer: profile fields, identity values (phones also as WhatsApp digits), names and addresses their messages carried. */
async function personalValues(tx: Tx, customer: Customer, threadIds: string[]): Promise<PersonalValues> {
  const identities = await tx.customerIdentity.findMany({ where: { customerId: customer.id }, select: { value: true } });
  const raw: (string | null)[] = [customer.name, customer.email, customer.phone, customer.companyName, customer.codiceFiscale, customer.partitaIva, customer.pec, customer.sdi];
  // customAttributes are cleared on the row but not searched for: free-form values ("gold", "residential") would match unrelated text.
  raw.push(...identities.map((i) => i.value));
  for (let i = 0; i < threadIds.length; i += PAGE_SIZE) {
    let cursor = ZERO_UUID;
    for (;;) {
      const page = await tx.message.findMany({
        where: { threadId: { in: threadIds.slice(i, i + PAGE_SIZE) }, id: { gt: cursor }, OR: [{ type: 'INCOMING' }, { type: 'OUTGOING' }] },
        select: { id: true, senderExternal: true, recipient: true },
        orderBy: { id: 'asc' },
        take: PAGE_SIZE,
      });
      for (const m of page) {
        const s = (m.senderExternal ?? {}) as Record<string, unknown>;
        const r = (m.recipient ?? {}) as Record<string, unknown>;
        raw.push(...[s.name, s.email, s.phone, r.name, r.address].filter((x): x is string => typeof x === 'string'));
        raw.push(...strings(s.identities));
      }
      if (page.length < PAGE_SIZE) break;
      cursor = page.at(-1)!.id;
    }
  }
  // Phones also appear without '+' (WhatsApp wa_id, provider payloads).
  for (const v of [...raw]) if (v && /^\+\d{6,15}$/.test(v.trim())) raw.push(v.trim().slice(1));
  return buildPersonalValues(raw);
}

/**
 * Ids of the organization's rows of `table` where one of `columns` (as text)
 * contains a personal value, one page after `after`.
 */
async function idsMentioning(tx: Tx, pv: PersonalValues, organizationId: string, table: string, columns: string[], after: string, extra = ''): Promise<string[]> {
  if (pv.patterns.length === 0) return [];
  const list = pv.patterns.map((_, i) => `$${i + 3}`).join(', ');
  const cond = columns.map((c) => `"${c}"::text ILIKE ANY(ARRAY[${list}]::text[])`).join(' OR ');
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id::text AS id FROM "${table}" WHERE "organizationId" = $1::uuid AND id > $2::uuid AND (${cond}) ${extra} ORDER BY id LIMIT ${PAGE_SIZE}`,
    organizationId,
    after,
    ...pv.patterns,
  );
  return rows.map((r) => r.id);
}

/** Runs `fn` over every page of ids `idsMentioning` finds; returns how many rows it saw. */
async function eachMentioning(
  tx: Tx,
  pv: PersonalValues,
  organizationId: string,
  table: string,
  columns: string[],
  fn: (ids: string[]) => Promise<void>,
  extra = '',
): Promise<number> {
  let cursor = ZERO_UUID;
  let n = 0;
  for (;;) {
    const ids = await idsMentioning(tx, pv, organizationId, table, columns, cursor, extra);
    if (ids.length === 0) return n;
    await fn(ids);
    n += ids.length;
    if (ids.length < PAGE_SIZE) return n;
    cursor = ids.at(-1)!;
  }
}

// ---------------------------------------------------------------- export

export interface CustomerExport {
  format: 'hub.customer-export/1';
  exportedAt: string;
  limits: typeof EXPORT_LIMITS;
  /** Sections that stopped at their limit. */
  truncated: string[];
  customer: unknown;
  identities: unknown[];
  threads: unknown[];
  messages: unknown[];
  tasks: unknown[];
  auditLogs: unknown[];
  inboundEvents: unknown[];
}

/** Pages through `fetch(cursor)` (rows ordered by id) until `limit`; returns rows and whether it stopped early. */
async function collect<T extends { id: string }>(limit: number, fetch: (cursor: string, take: number) => Promise<T[]>): Promise<{ rows: T[]; truncated: boolean }> {
  const rows: T[] = [];
  let cursor = ZERO_UUID;
  for (;;) {
    const take = Math.min(PAGE_SIZE, limit - rows.length + 1);
    const page = await fetch(cursor, take);
    rows.push(...page);
    if (rows.length > limit) return { rows: rows.slice(0, limit), truncated: true };
    if (page.length < take) return { rows, truncated: false };
    cursor = page.at(-1)!.id;
  }
}

/** An attachment's metadata without links (the export is a record, not a download). */
const attachmentMeta = (a: unknown) => {
  const { url: _url, ...rest } = (a ?? {}) as Record<string, unknown>;
  return rest;
};

/**
 * Everything the organization holds about a customer, as one JSON document
 * (ADMIN): profile, identities, threads (soft-deleted ones included), their
 * messages with attachment metadata and delivery log, tasks on those threads,
 * audit rows about the customer, their threads and messages, and the raw
 * webhook deliveries that contain one of their personal values. Each section
 * holds at most EXPORT_LIMITS rows (`truncated` names the sections cut).
 * Audited (`customer.export`, with the section sizes).
 * @throws DomainError NOT_FOUND, FORBIDDEN
 */
export async function exportCustomerData(ctx: HubContext, customerId: string): Promise<{ data: CustomerExport }> {
  assertAdmin(ctx);
  const db = ctx.db;
  const customer = await db.customer.findFirst({ where: { id: customerId, deletedAt: undefined } });
  if (!customer) throw notFound('Customer', 'customerId');
  const truncated: string[] = [];
  const identities = await db.customerIdentity.findMany({ where: { customerId }, orderBy: { id: 'asc' } });
  const threads = await collect(EXPORT_LIMITS.threads, (cursor, take) =>
    db.thread.findMany({ where: { customerId, deletedAt: undefined, id: { gt: cursor } }, orderBy: { id: 'asc' }, take }),
  );
  if (threads.truncated) truncated.push('threads');
  const threadIds = threads.rows.map((t) => t.id);

  const messages: unknown[] = [];
  const messageIds: string[] = [];
  const tasks: unknown[] = [];
  for (let i = 0; i < threadIds.length; i += PAGE_SIZE) {
    const chunk = threadIds.slice(i, i + PAGE_SIZE);
    if (messages.length < EXPORT_LIMITS.messages) {
      const m = await collect(EXPORT_LIMITS.messages - messages.length, (cursor, take) =>
        db.message.findMany({ where: { threadId: { in: chunk }, id: { gt: cursor } }, include: { deliveries: { orderBy: { attempt: 'asc' } } }, orderBy: { id: 'asc' }, take }),
      );
      for (const row of m.rows) {
        messageIds.push(row.id);
        messages.push({ ...row, attachments: ((row.attachments ?? []) as unknown[]).map(attachmentMeta) });
      }
      if (m.truncated && !truncated.includes('messages')) truncated.push('messages');
    } else if (!truncated.includes('messages')) truncated.push('messages');
    if (tasks.length < EXPORT_LIMITS.tasks) {
      const t = await collect(EXPORT_LIMITS.tasks - tasks.length, (cursor, take) =>
        db.task.findMany({ where: { threadId: { in: chunk }, id: { gt: cursor } }, orderBy: { id: 'asc' }, take }),
      );
      tasks.push(...t.rows);
      if (t.truncated && !truncated.includes('tasks')) truncated.push('tasks');
    }
  }

  const entityIds = [customerId, ...threadIds, ...messageIds];
  const auditLogs: unknown[] = [];
  for (let i = 0; i < entityIds.length && auditLogs.length < EXPORT_LIMITS.auditLogs; i += PAGE_SIZE * 5) {
    const chunk = entityIds.slice(i, i + PAGE_SIZE * 5);
    const a = await collect(EXPORT_LIMITS.auditLogs - auditLogs.length, (cursor, take) =>
      db.auditLog.findMany({ where: { entityId: { in: chunk }, id: { gt: cursor } }, orderBy: { id: 'asc' }, take }),
    );
    auditLogs.push(...a.rows);
    if (a.truncated) truncated.push('auditLogs');
  }

  const pv = await personalValues(db as unknown as Tx, customer, threadIds);
  const inboundEvents: unknown[] = [];
  let cursor = ZERO_UUID;
  while (inboundEvents.length <= EXPORT_LIMITS.inboundEvents) {
    const ids = await idsMentioning(db as unknown as Tx, pv, ctx.organizationId, 'InboundEvent', ['rawBody', 'headers', 'query'], cursor);
    if (ids.length === 0) break;
    const rows = await db.inboundEvent.findMany({
      where: { id: { in: ids } },
      select: { id: true, provider: true, channelId: true, subpath: true, receivedAt: true, processedAt: true, status: true, headers: true, query: true, rawBody: true },
      orderBy: { id: 'asc' },
    });
    inboundEvents.push(...rows);
    if (ids.length < PAGE_SIZE) break;
    cursor = ids.at(-1)!;
  }
  if (inboundEvents.length > EXPORT_LIMITS.inboundEvents) {
    inboundEvents.length = EXPORT_LIMITS.inboundEvents;
    truncated.push('inboundEvents');
  }

  const data: CustomerExport = JSON.parse(
    JSON.stringify({
      format: 'hub.customer-export/1',
      exportedAt: ctx.deps.clock.now().toISOString(),
      limits: EXPORT_LIMITS,
      truncated,
      customer,
      identities,
      threads: threads.rows,
      messages,
      tasks,
      auditLogs,
      inboundEvents,
    }),
  );
  await writeAudit(ctx, db, {
    action: 'customer.export',
    entityType: 'Customer',
    entityId: customerId,
    after: { threads: threadIds.length, messages: messages.length, tasks: tasks.length, auditLogs: auditLogs.length, inboundEvents: inboundEvents.length, truncated },
  });
  return { data };
}

// ---------------------------------------------------------------- anonymisation

/** What an anonymisation changed (counts only: the audit row must not hold the erased values). */
export interface AnonymizeStats {
  threads: number;
  messages: number;
  identitiesDeleted: number;
  otherMessagesRewritten: number;
  tasksRewritten: number;
  auditRowsRewritten: number;
  inboundEventsRedacted: number;
  deliveriesRewritten: number;
}

/** Keeps the statistics of an attachment (kind, type, size) and drops names, captions, links, provider ids, places. */
const anonymousAttachment = (a: unknown) => {
  const o = (a ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(o).filter(([k]) => k === 'kind' || k === 'mimeType' || k === 'size' || k === 'contentId'));
};

/** Message metadata keys kept as they are (provider bookkeeping, no personal data). */
const METADATA_KEEP = new Set([
  'whatsappType',
  'numSegments',
  'numMedia',
  'voice',
  'animated',
  'forwarded',
  'frequentlyForwarded',
  'templateId',
  'replyToExternalId',
  'inReplyToExternalId',
  'sentDateTime',
  'messagingServiceSid',
  'chatwootInboxId',
  'chatwootChannel',
]);

function anonymousMetadata(pv: PersonalValues, m: unknown): Prisma.InputJsonValue {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((m ?? {}) as Record<string, unknown>)) {
    if (k === 'call' && v && typeof v === 'object') {
      const c = v as Record<string, unknown>;
      out.call = { direction: c.direction ?? null, durationSeconds: c.durationSeconds ?? null, notes: c.notes ? REDACTED : null };
    } else if (METADATA_KEEP.has(k) || typeof v === 'number' || typeof v === 'boolean') {
      out[k] = rewriteJson(pv, v);
    }
  }
  return out as Prisma.InputJsonValue;
}

/**
 * Erases the customer's personal data in place, inside `tx`. The customer row
 * stays (name "Anonymised customer", every other personal field cleared), so
 * do their threads, messages, tasks and audit rows, with the values rewritten.
 */
async function anonymizeInTx(ctx: HubContext, tx: Tx, customer: Customer): Promise<AnonymizeStats> {
  const org = ctx.organizationId;
  const threads = await tx.thread.findMany({ where: { customerId: customer.id, deletedAt: undefined }, select: { id: true }, orderBy: { id: 'asc' } });
  const threadIds = threads.map((t) => t.id);
  const pv = await personalValues(tx, customer, threadIds);
  const stats: AnonymizeStats = {
    threads: threadIds.length,
    messages: 0,
    identitiesDeleted: 0,
    otherMessagesRewritten: 0,
    tasksRewritten: 0,
    auditRowsRewritten: 0,
    inboundEventsRedacted: 0,
    deliveriesRewritten: 0,
  };
  const redactedEntities = new Set<string>([customer.id, ...threadIds]);

  // Their threads and every message on them.
  for (let i = 0; i < threadIds.length; i += PAGE_SIZE) {
    const chunk = threadIds.slice(i, i + PAGE_SIZE);
    const rows = await tx.thread.findMany({ where: { id: { in: chunk }, deletedAt: undefined } });
    for (const t of rows) {
      await tx.thread.update({
        where: { id: t.id },
        data: {
          subject: REDACTED,
          // The survey comment is the customer's own words; the score stays (it names no one).
          csatComment: t.csatComment === null ? null : REDACTED,
          conversationKey: t.conversationKey === null ? null : `anonymised:${t.id}`,
          orderReference: rewriteText(pv, t.orderReference),
          tags: t.tags.map((x) => rewriteText(pv, x)),
          externalReferences: rewriteJson(pv, t.externalReferences) as Prisma.InputJsonValue,
        },
      });
    }
    let cursor = ZERO_UUID;
    for (;;) {
      const page = await tx.message.findMany({ where: { threadId: { in: chunk }, id: { gt: cursor } }, orderBy: { id: 'asc' }, take: PAGE_SIZE });
      for (const m of page) {
        redactedEntities.add(m.id);
        await tx.message.update({
          where: { id: m.id },
          data: {
            senderExternal: m.senderExternal === null ? undefined : ({ name: ANONYMISED_NAME, identities: [] } as Prisma.InputJsonValue),
            recipient: m.recipient === null ? undefined : ({ name: ANONYMISED_NAME, address: REDACTED } as Prisma.InputJsonValue),
            subject: m.subject === null ? null : REDACTED,
            content: REDACTED,
            contentHtml: null,
            attachments: ((m.attachments ?? []) as unknown[]).map(anonymousAttachment) as Prisma.InputJsonValue,
            metadata: anonymousMetadata(pv, m.metadata),
            internetMessageId: rewriteText(pv, m.internetMessageId),
          },
        });
      }
      stats.messages += page.length;
      if (page.length < PAGE_SIZE) break;
      cursor = page.at(-1)!.id;
    }
  }

  // Copies elsewhere in the organization: values rewritten, the rest kept.
  stats.otherMessagesRewritten = await eachMentioning(
    tx,
    pv,
    org,
    'Message',
    ['senderExternal', 'recipient', 'subject', 'content', 'contentHtml', 'attachments', 'metadata'],
    async (ids) => {
      for (const m of await tx.message.findMany({ where: { id: { in: ids } } })) {
        await tx.message.update({
          where: { id: m.id },
          data: {
            senderExternal: m.senderExternal === null ? undefined : (rewriteJson(pv, m.senderExternal) as Prisma.InputJsonValue),
            recipient: m.recipient === null ? undefined : (rewriteJson(pv, m.recipient) as Prisma.InputJsonValue),
            subject: rewriteText(pv, m.subject),
            content: rewriteText(pv, m.content),
            contentHtml: rewriteText(pv, m.contentHtml),
            attachments: rewriteJson(pv, m.attachments) as Prisma.InputJsonValue,
            metadata: rewriteJson(pv, m.metadata) as Prisma.InputJsonValue,
          },
        });
      }
    },
  );
  await eachMentioning(tx, pv, org, 'Thread', ['subject', 'conversationKey', 'orderReference', 'tags', 'externalReferences'], async (ids) => {
    for (const t of await tx.thread.findMany({ where: { id: { in: ids }, deletedAt: undefined } })) {
      await tx.thread.update({
        where: { id: t.id },
        data: {
          subject: rewriteText(pv, t.subject),
          conversationKey: pv.regex && t.conversationKey && rewriteText(pv, t.conversationKey) !== t.conversationKey ? `anonymised:${t.id}` : t.conversationKey,
          orderReference: rewriteText(pv, t.orderReference),
          tags: t.tags.map((x) => rewriteText(pv, x)),
          externalReferences: rewriteJson(pv, t.externalReferences) as Prisma.InputJsonValue,
        },
      });
    }
  });
  stats.tasksRewritten = await eachMentioning(tx, pv, org, 'Task', ['title', 'description', 'completionNotes', 'orderReference'], async (ids) => {
    for (const t of await tx.task.findMany({ where: { id: { in: ids } } })) {
      await tx.task.update({
        where: { id: t.id },
        data: {
          title: rewriteText(pv, t.title),
          description: rewriteText(pv, t.description),
          completionNotes: rewriteText(pv, t.completionNotes),
          orderReference: rewriteText(pv, t.orderReference),
        },
      });
    }
  });
  stats.deliveriesRewritten = await eachMentioning(tx, pv, org, 'MessageDelivery', ['error', 'errorCode'], async (ids) => {
    for (const d of await tx.messageDelivery.findMany({ where: { id: { in: ids } } })) {
      await tx.messageDelivery.update({ where: { id: d.id }, data: { error: rewriteText(pv, d.error), errorCode: rewriteText(pv, d.errorCode) } });
    }
  });

  // Audit rows: about their records (free-text fields blanked), or mentioning their values anywhere.
  const auditSeen = new Set<string>();
  const entityList = [...redactedEntities];
  for (let i = 0; i < entityList.length; i += PAGE_SIZE) {
    let cursor = ZERO_UUID;
    for (;;) {
      const page = await tx.auditLog.findMany({ where: { entityId: { in: entityList.slice(i, i + PAGE_SIZE) }, id: { gt: cursor } }, orderBy: { id: 'asc' }, take: PAGE_SIZE });
      for (const a of page) {
        auditSeen.add(a.id);
        await tx.auditLog.update({ where: { id: a.id }, data: { changes: rewriteJson(pv, redactAuditChanges(a.changes)) as Prisma.InputJsonValue } });
      }
      if (page.length < PAGE_SIZE) break;
      cursor = page.at(-1)!.id;
    }
  }
  await eachMentioning(tx, pv, org, 'AuditLog', ['changes', 'entityId'], async (ids) => {
    for (const a of await tx.auditLog.findMany({ where: { id: { in: ids } } })) {
      auditSeen.add(a.id);
      await tx.auditLog.update({ where: { id: a.id }, data: { changes: rewriteJson(pv, a.changes) as Prisma.InputJsonValue, entityId: rewriteText(pv, a.entityId) } });
    }
  });
  stats.auditRowsRewritten = auditSeen.size;

  // Raw webhook deliveries naming them: the body is replaced by a marker.
  stats.inboundEventsRedacted = await eachMentioning(tx, pv, org, 'InboundEvent', ['rawBody', 'headers', 'query', 'error', 'result'], async (ids) => {
    for (const e of await tx.inboundEvent.findMany({ where: { id: { in: ids } }, select: { id: true, error: true, result: true } })) {
      await tx.inboundEvent.update({
        where: { id: e.id },
        data: {
          rawBody: REDACTED_RAW_BODY,
          headers: {},
          query: {},
          error: rewriteText(pv, e.error),
          result: e.result === null ? undefined : (rewriteJson(pv, e.result) as Prisma.InputJsonValue),
        },
      });
    }
  });

  // Provider errors on the organization's channels, and queued jobs of the organization.
  await eachMentioning(tx, pv, org, 'Channel', ['lastError'], async (ids) => {
    for (const c of await tx.channel.findMany({ where: { id: { in: ids } }, select: { id: true, lastError: true } })) {
      await tx.channel.update({ where: { id: c.id }, data: { lastError: rewriteText(pv, c.lastError) } });
    }
  });
  await rewriteJobs(tx, pv, org);

  const deleted = await tx.customerIdentity.deleteMany({ where: { customerId: customer.id } });
  stats.identitiesDeleted = deleted.count;
  await tx.customer.update({
    where: { id: customer.id },
    data: { name: ANONYMISED_NAME, email: null, phone: null, companyName: null, codiceFiscale: null, partitaIva: null, pec: null, sdi: null, customAttributes: {} },
  });
  return stats;
}

/** Jobs have no organization column: only jobs whose payload names one of the organization's rows are rewritten. */
async function rewriteJobs(tx: Tx, pv: PersonalValues, org: string): Promise<void> {
  if (pv.patterns.length === 0) return;
  const list = pv.patterns.map((_, i) => `$${i + 2}`).join(', ');
  const rows = await tx.$queryRawUnsafe<{ id: string; payload: unknown; lastError: string | null }[]>(
    `SELECT j.id::text AS id, j.payload, j."lastError" FROM "Job" j
      WHERE (j.payload::text ILIKE ANY(ARRAY[${list}]::text[]) OR j."lastError" ILIKE ANY(ARRAY[${list}]::text[]))
        AND (j.payload->>'messageId' IN (SELECT id::text FROM "Message" WHERE "organizationId" = $1::uuid)
          OR j.payload->>'inboundEventId' IN (SELECT id::text FROM "InboundEvent" WHERE "organizationId" = $1::uuid)
          OR j.payload->>'channelId' IN (SELECT id::text FROM "Channel" WHERE "organizationId" = $1::uuid)
          OR j.payload->>'customerId' IN (SELECT id::text FROM "Customer" WHERE "organizationId" = $1::uuid))`,
    org,
    ...pv.patterns,
  );
  for (const j of rows) {
    await tx.$executeRawUnsafe(
      `UPDATE "Job" SET payload = $2::jsonb, "lastError" = $3 WHERE id = $1::uuid`,
      j.id,
      JSON.stringify(rewriteJson(pv, j.payload)),
      rewriteText(pv, j.lastError),
    );
  }
}

function assertAdmin(ctx: HubContext): void {
  if (ctx.viewer && !(ctx.viewer.kind === 'USER' && ctx.viewer.role === 'ADMIN')) throw new DomainError('FORBIDDEN', 'Only an admin may do this.');
}
function assertManager(ctx: HubContext): void {
  if (ctx.viewer && !(ctx.viewer.kind === 'USER' && (ctx.viewer.role === 'ADMIN' || ctx.viewer.role === 'MANAGER')))
    throw new DomainError('FORBIDDEN', 'Only a manager or admin may do this.');
}

/**
 * Irreversibly erases a customer's personal data everywhere it was copied
 * (ADMIN), in one transaction, keeping statistics (counts, timestamps,
 * statuses, thread structure). Works on soft-deleted customers too. The audit
 * row `customer.anonymize` holds counts only, never the erased values.
 * @throws DomainError NOT_FOUND, FORBIDDEN
 */
export async function anonymizeCustomer(ctx: HubContext, customerId: string): Promise<{ customer: Customer; stats: AnonymizeStats }> {
  assertAdmin(ctx);
  const result = await ctx.db.$transaction(async (tx) => {
    const customer = await tx.customer.findFirst({ where: { id: customerId, deletedAt: undefined } });
    if (!customer) throw notFound('Customer', 'customerId');
    const stats = await anonymizeInTx(ctx, tx, customer);
    const after = await tx.customer.findFirstOrThrow({ where: { id: customerId, deletedAt: undefined } });
    await writeAudit(ctx, tx, { action: 'customer.anonymize', entityType: 'Customer', entityId: customerId, after: stats });
    return { customer: after, stats };
  }, TX_OPTIONS);
  return result;
}

// ---------------------------------------------------------------- soft delete

/** Soft-deletes a thread (MANAGER and up): hidden from every read until restored or purged. @throws NOT_FOUND, FORBIDDEN */
export async function deleteThread(ctx: HubContext, threadId: string): Promise<{ thread: Thread }> {
  assertManager(ctx);
  const thread = await ctx.db.$transaction(async (tx) => {
    const before = await tx.thread.findUnique({ where: { id: threadId } });
    if (!before) throw notFound('Thread', 'threadId');
    const thread = await tx.thread.update({ where: { id: threadId }, data: { deletedAt: ctx.deps.clock.now() } });
    await writeAudit(ctx, tx, { action: 'thread.delete', entityType: 'Thread', entityId: threadId, before: { deletedAt: null }, after: { deletedAt: thread.deletedAt } });
    return thread;
  });
  await publishThreadUpdated(ctx, threadId, ['deletedAt']);
  return { thread };
}

/** Restores a soft-deleted thread (MANAGER and up). @throws NOT_FOUND (no deleted thread with this id), FORBIDDEN */
export async function restoreThread(ctx: HubContext, threadId: string): Promise<{ thread: Thread }> {
  assertManager(ctx);
  const thread = await ctx.db.$transaction(async (tx) => {
    const before = await tx.thread.findFirst({ where: { id: threadId, deletedAt: { not: null } } });
    if (!before) throw notFound('Deleted thread', 'threadId');
    const thread = await tx.thread.update({ where: { id: threadId }, data: { deletedAt: null } });
    await writeAudit(ctx, tx, { action: 'thread.restore', entityType: 'Thread', entityId: threadId, before: { deletedAt: before.deletedAt }, after: { deletedAt: null } });
    return thread;
  });
  await publishThreadUpdated(ctx, threadId, ['deletedAt']);
  return { thread };
}

/** Soft-deletes a customer (ADMIN); their threads stay. @throws NOT_FOUND, FORBIDDEN */
export async function deleteCustomer(ctx: HubContext, customerId: string): Promise<{ customer: Customer }> {
  assertAdmin(ctx);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.customer.findUnique({ where: { id: customerId } });
    if (!before) throw notFound('Customer', 'customerId');
    const customer = await tx.customer.update({ where: { id: customerId }, data: { deletedAt: ctx.deps.clock.now() } });
    await writeAudit(ctx, tx, { action: 'customer.delete', entityType: 'Customer', entityId: customerId, before: { deletedAt: null }, after: { deletedAt: customer.deletedAt } });
    return { customer };
  });
}

/** Restores a soft-deleted customer (ADMIN). @throws NOT_FOUND (no deleted customer with this id), FORBIDDEN */
export async function restoreCustomer(ctx: HubContext, customerId: string): Promise<{ customer: Customer }> {
  assertAdmin(ctx);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.customer.findFirst({ where: { id: customerId, deletedAt: { not: null } } });
    if (!before) throw notFound('Deleted customer', 'customerId');
    const customer = await tx.customer.update({ where: { id: customerId }, data: { deletedAt: null } });
    await writeAudit(ctx, tx, { action: 'customer.restore', entityType: 'Customer', entityId: customerId, before: { deletedAt: before.deletedAt }, after: { deletedAt: null } });
    return { customer };
  });
}

// ---------------------------------------------------------------- retention

export const OrganizationSettingsInput = z.object({
  retentionDays: z.number().int('Whole days.').min(1, 'At least 1 day.').max(3650, 'At most 3650 days (10 years).').nullable().optional(),
});

export interface OrganizationSettings {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  locale: string;
  retentionDays: number | null;
}

const settingsOf = (o: OrganizationSettings): OrganizationSettings => ({
  id: o.id,
  slug: o.slug,
  name: o.name,
  timezone: o.timezone,
  locale: o.locale,
  retentionDays: o.retentionDays,
});

export async function organizationSettings(ctx: HubContext): Promise<OrganizationSettings> {
  const org = await ctx.deps.db.prisma.organization.findUnique({ where: { id: ctx.organizationId } });
  if (!org) throw notFound('Organization');
  return settingsOf(org);
}

/** Sets the organization's settings (ADMIN); `retentionDays: null` keeps data forever. @throws VALIDATION_FAILED, FORBIDDEN */
export async function updateOrganizationSettings(ctx: HubContext, raw: z.input<typeof OrganizationSettingsInput>): Promise<{ organization: OrganizationSettings }> {
  assertAdmin(ctx);
  const input = OrganizationSettingsInput.parse(raw);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: ctx.organizationId } });
    const data: Prisma.OrganizationUpdateInput = {};
    if (input.retentionDays !== undefined) data.retentionDays = input.retentionDays;
    const after = await tx.organization.update({ where: { id: ctx.organizationId }, data });
    await writeAudit(ctx, tx, {
      action: 'organization.update',
      entityType: 'Organization',
      entityId: ctx.organizationId,
      before: { retentionDays: before.retentionDays },
      after: { retentionDays: after.retentionDays },
    });
    return { organization: settingsOf(after) };
  });
}

export interface RetentionResult {
  rawBodiesPurged: number;
  threadsPurged: number;
  customersPurged: number;
}

/**
 * Purges one organization's data older than its retention: raw bodies (and
 * headers, query) of processed or ignored webhook deliveries received before
 * the cutoff; soft-deleted threads deleted before the cutoff (hard delete:
 * their messages and delivery log go with them, tasks stay unlinked, audit
 * rows about them keep only `{ purged: true }`); soft-deleted customers
 * deleted before the cutoff (anonymised everywhere, then the row deleted;
 * their threads stay, without customer). Failed and unprocessed deliveries
 * keep their bodies for replay. Idempotent. Writes one `organization.purge`
 * audit row when something was purged.
 */
export async function purgeOrganization(deps: AppDeps, organizationId: string, retentionDays: number): Promise<RetentionResult> {
  const ctx = systemContext(deps, organizationId);
  const cutoff = new Date(deps.clock.now().getTime() - retentionDays * 86_400_000);
  const result: RetentionResult = { rawBodiesPurged: 0, threadsPurged: 0, customersPurged: 0 };

  for (;;) {
    const page = await ctx.db.inboundEvent.findMany({
      where: { status: { in: ['PROCESSED', 'IGNORED'] }, receivedAt: { lt: cutoff }, rawBody: { not: PURGED_RAW_BODY } },
      select: { id: true },
      take: PAGE_SIZE * 5,
    });
    if (page.length === 0) break;
    const r = await ctx.db.inboundEvent.updateMany({ where: { id: { in: page.map((e) => e.id) } }, data: { rawBody: PURGED_RAW_BODY, headers: {}, query: {} } });
    result.rawBodiesPurged += r.count;
  }

  for (;;) {
    const page = await ctx.db.thread.findMany({ where: { deletedAt: { lt: cutoff } }, select: { id: true }, take: PAGE_SIZE });
    if (page.length === 0) break;
    for (const { id } of page) {
      await ctx.db.$transaction(async (tx) => {
        let cursor = ZERO_UUID;
        for (;;) {
          const msgs = await tx.message.findMany({ where: { threadId: id, id: { gt: cursor } }, select: { id: true }, orderBy: { id: 'asc' }, take: PAGE_SIZE * 5 });
          if (msgs.length) await tx.auditLog.updateMany({ where: { entityId: { in: msgs.map((m) => m.id) } }, data: { changes: { purged: true } } });
          if (msgs.length < PAGE_SIZE * 5) break;
          cursor = msgs.at(-1)!.id;
        }
        await tx.auditLog.updateMany({ where: { entityId: id }, data: { changes: { purged: true } } });
        await tx.thread.deleteMany({ where: { id, deletedAt: { lt: cutoff } } });
      }, TX_OPTIONS);
      result.threadsPurged++;
    }
  }

  for (;;) {
    const page = await ctx.db.customer.findMany({ where: { deletedAt: { lt: cutoff } }, take: PAGE_SIZE });
    if (page.length === 0) break;
    for (const customer of page) {
      await ctx.db.$transaction(async (tx) => {
        await anonymizeInTx(ctx, tx, customer);
        await tx.customer.deleteMany({ where: { id: customer.id, deletedAt: { lt: cutoff } } });
      }, TX_OPTIONS);
      result.customersPurged++;
    }
  }

  if (result.rawBodiesPurged || result.threadsPurged || result.customersPurged) {
    await writeAudit(ctx, ctx.db, { action: 'organization.purge', entityType: 'Organization', entityId: organizationId, after: { retentionDays, cutoff, ...result } });
  }
  return result;
}

/** The `gdpr.retention` job: purges every organization that set `retentionDays`. */
export async function runRetention(deps: AppDeps): Promise<Record<string, RetentionResult>> {
  const orgs = await deps.db.prisma.organization.findMany({ where: { retentionDays: { not: null } }, select: { id: true, retentionDays: true }, orderBy: { id: 'asc' } });
  const out: Record<string, RetentionResult> = {};
  for (const o of orgs) out[o.id] = await purgeOrganization(deps, o.id, o.retentionDays!);
  return out;
}
