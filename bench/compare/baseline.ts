/**
 * The hand-written baseline of issue 8 §1: `node:http` + `pg`, no GraphQL, no ORM. It answers
 * the two documents of documents.ts (by operationName: Inbox, Thread) over POST /graphql with the
 * same JSON the hub gives (run.ts checks, deep-equal, before measuring), after the same
 * authentication (HS256 session token verified with jose, the user row read to honour
 * revocation: tokenVersion, isActive) and the same SQL shape: for the inbox, the page with its
 * relations in one statement and the exact count (up to 10,001 ids) in another; for the thread
 * view, the thread with customer and channel, its first 65 messages and their count.
 * Global ids and cursors are encoded as Pothos does (base64 "Type:id", "GPC:S:id").
 */
import http from 'node:http';
import { jwtVerify } from 'jose';
import pg from 'pg';

const RUNNING = new Set(['OPEN', 'IN_PROGRESS', 'WAITING_INTERNAL', 'ESCALATED']);
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const cursor = (id: string) => Buffer.from(`GPC:S:${id}`).toString('base64');
const iso = (d: Date | null) => (d ? d.toISOString() : null);

interface SenderRow {
  senderName: string | null;
  senderExternal: Record<string, unknown> | null;
}
function sender(r: SenderRow) {
  if (r.senderName !== null) return { kind: 'USER', name: r.senderName };
  const ext = r.senderExternal;
  if (ext) return { kind: 'CUSTOMER', name: String(ext.name ?? ext.email ?? ext.phone ?? 'Customer') };
  return { kind: 'SYSTEM', name: 'System' };
}

const PAGE = `
SELECT t.id, t.subject, t.priority, t.status, t."responseDueAt", t."lastMessageAt", t."slaDueAt", t."slaPolicyId",
       c.id AS "customerId", c.name AS "customerName", u.id AS "assigneeId", u.name AS "assigneeName",
       ch.id AS "channelId", ch.type AS "channelType",
       m.id AS "messageId", m.content, m."createdAt" AS "messageAt", m."deliveryStatus", m."senderExternal", su.name AS "senderName"
FROM "Thread" t
LEFT JOIN "Customer" c ON c.id = t."customerId"
LEFT JOIN "User" u ON u.id = t."assigneeId"
JOIN "Channel" ch ON ch.id = t."channelId"
LEFT JOIN "Message" m ON m.id = t."lastMessageId"
LEFT JOIN "User" su ON su.id = m."senderUserId"
WHERE t."organizationId" = $1 AND t."deletedAt" IS NULL
ORDER BY t."lastMessageAt" DESC, t.id DESC
LIMIT 51`;
const COUNT = `SELECT count(*)::int AS n FROM (SELECT id FROM "Thread" WHERE "organizationId" = $1 AND "deletedAt" IS NULL ORDER BY id LIMIT 10001) x`;
const THREAD = `
SELECT t.id, t.subject, t.status, t.priority, c.id AS "customerId", c.name AS "customerName", c.email, c.phone,
       ch.id AS "channelId", ch.type AS "channelType", ch.name AS "channelName",
       (SELECT count(*)::int FROM "Message" WHERE "threadId" = t.id) AS "messageCount"
FROM "Thread" t
LEFT JOIN "Customer" c ON c.id = t."customerId"
JOIN "Channel" ch ON ch.id = t."channelId"
WHERE t.id = $1 AND t."organizationId" = $2 AND t."deletedAt" IS NULL`;
const MESSAGES = `
SELECT m.id, m.type, m.content, m."createdAt", m."deliveryStatus", m."senderExternal", su.name AS "senderName"
FROM "Message" m LEFT JOIN "User" su ON su.id = m."senderUserId"
WHERE m."threadId" = $1
ORDER BY m."createdAt", m.id
LIMIT 65`;

export interface Baseline {
  url: string;
  close(): Promise<void>;
}

/** Starts the baseline on 127.0.0.1 (a free port) over `databaseUrl`, verifying tokens signed with `jwtSecret`; `onQuery` is called per SQL statement. */
export async function startBaseline(opts: { databaseUrl: string; jwtSecret: string; poolSize?: number; onQuery?: () => void }): Promise<Baseline> {
  const pg_ = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
  // Counts statements (run.ts prints statements per request).
  const pool = { query: (text: string, values?: unknown[]) => (opts.onQuery?.(), pg_.query(text, values)), end: () => pg_.end() };
  const key = new TextEncoder().encode(opts.jwtSecret);

  async function viewerOf(authorization: string | undefined) {
    const token = authorization?.replace(/^Bearer\s+/i, '');
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, key, { issuer: 'hub', algorithms: ['HS256'] });
      const { rows } = await pool.query('SELECT id, "organizationId", "tokenVersion" FROM "User" WHERE id = $1 AND "organizationId" = $2 AND "isActive"', [
        payload.sub,
        payload.org,
      ]);
      return rows[0] && rows[0].tokenVersion === (payload.ver ?? 0) ? (rows[0] as { id: string; organizationId: string }) : null;
    } catch {
      return null;
    }
  }

  async function inbox(org: string) {
    const [page, count] = await Promise.all([pool.query(PAGE, [org]), pool.query(COUNT, [org])]);
    const now = new Date();
    const edges = page.rows.slice(0, 50).map((r) => ({
      cursor: cursor(r.id),
      node: {
        id: gid('Thread', r.id),
        subject: r.subject,
        priority: r.priority,
        status: r.status,
        overdue: RUNNING.has(r.status) && (r.slaDueAt ? r.slaDueAt <= now : !r.slaPolicyId && !!r.responseDueAt && r.responseDueAt < now),
        responseDueAt: iso(r.responseDueAt),
        lastMessageAt: iso(r.lastMessageAt),
        customer: r.customerId ? { id: gid('Customer', r.customerId), name: r.customerName } : null,
        assignee: r.assigneeId ? { id: gid('User', r.assigneeId), name: r.assigneeName } : null,
        channel: { id: gid('Channel', r.channelId), type: r.channelType },
        lastMessage: r.messageId ? { id: gid('Message', r.messageId), content: r.content, createdAt: iso(r.messageAt), deliveryStatus: r.deliveryStatus, sender: sender(r) } : null,
      },
    }));
    return {
      threads: {
        totalCount: count.rows[0].n,
        pageInfo: { hasNextPage: page.rows.length > 50, endCursor: edges.at(-1)?.cursor ?? null },
        edges,
      },
    };
  }

  async function thread(org: string, globalId: string) {
    const [type, id] = Buffer.from(globalId, 'base64').toString('utf8').split(':');
    if (type !== 'Thread' || !id || !/^[0-9a-f-]{36}$/.test(id)) return { node: null };
    const [t, m] = await Promise.all([pool.query(THREAD, [id, org]), pool.query(MESSAGES, [id])]);
    const r = t.rows[0];
    if (!r) return { node: null };
    const edges = m.rows.slice(0, 64).map((x) => ({
      cursor: cursor(x.id),
      node: { id: gid('Message', x.id), type: x.type, content: x.content, createdAt: iso(x.createdAt), deliveryStatus: x.deliveryStatus, sender: sender(x) },
    }));
    return {
      node: {
        id: gid('Thread', r.id),
        subject: r.subject,
        status: r.status,
        priority: r.priority,
        customer: r.customerId ? { id: gid('Customer', r.customerId), name: r.customerName, email: r.email, phone: r.phone } : null,
        channel: { id: gid('Channel', r.channelId), type: r.channelType, name: r.channelName },
        messages: { totalCount: r.messageCount, pageInfo: { hasNextPage: m.rows.length > 64, endCursor: edges.at(-1)?.cursor ?? null }, edges },
      },
    };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 100_000) req.destroy();
      else chunks.push(c);
    });
    req.on('end', async () => {
      const send = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      try {
        if (req.method !== 'POST' || req.url !== '/graphql') return send(404, { errors: [{ message: 'Not found' }] });
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { operationName?: string; variables?: { id?: string } };
        const viewer = await viewerOf(req.headers.authorization);
        if (!viewer) return send(401, { errors: [{ message: 'Sign in first.' }] });
        if (body.operationName === 'Inbox') return send(200, { data: await inbox(viewer.organizationId) });
        if (body.operationName === 'Thread') return send(200, { data: await thread(viewer.organizationId, String(body.variables?.id ?? '')) });
        return send(400, { errors: [{ message: 'Unknown operation' }] });
      } catch (err) {
        send(500, { errors: [{ message: String((err as Error).message) }] });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
