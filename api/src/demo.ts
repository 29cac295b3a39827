/**
 * `pnpm demo`: apply migrations, seed the demo organization when the database
 * is empty, start API and web on one port, replay the WhatsApp fixtures through
 * the real webhook (signed with the demo app secret), and print the URL and
 * the development logins.
 *
 * The fixtures' timestamps are shifted so the newest arrives a minute ago
 * (keeping the 24-hour WhatsApp window open for replies); the bytes are then
 * signed like Meta signs them. Replaying again changes nothing (wamid dedupe).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createApp } from './app.js';
import { repoRoot } from './config.js';
import { signWhatsAppBody } from './channels/whatsapp/signature.js';
import { DEMO_LOGINS, isDatabaseEmpty, seedDemo } from './db/seed.js';
import { DEMO_PROVIDERS } from './db/seed-data/channels.js';
import { runHub } from './server.js';

const fixturesDir = path.resolve(repoRoot, '../shared/fixtures/providers');

/** Adds `shiftSeconds` to every unix-seconds "timestamp" in the raw text (the bytes stay Meta's otherwise). */
export function shiftTimestamps(raw: string, shiftSeconds: number): string {
  return raw.replace(/"timestamp":"(\d+)"/g, (_m, ts: string) => `"timestamp":"${Number(ts) + shiftSeconds}"`);
}

async function replayWhatsAppFixtures(baseUrl: string, appSecret: string): Promise<{ file: string; status: number }[]> {
  const dir = path.join(fixturesDir, 'whatsapp');
  const stamps = (raw: string) => [...raw.matchAll(/"timestamp":"(\d+)"/g)].map((m) => Number(m[1]));
  // In the order the customers wrote them, as Meta would deliver them.
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('status-'))
    .map((file) => ({ file, raw: readFileSync(path.join(dir, file), 'utf8') }))
    .sort((a, b) => Math.min(...stamps(a.raw)) - Math.min(...stamps(b.raw)));
  const files = fixtures.map((f) => f.file);
  const raws = fixtures.map((f) => f.raw);
  const newest = Math.max(...raws.flatMap(stamps));
  const shift = Math.floor(Date.now() / 1000) - 60 - newest;
  const results: { file: string; status: number }[] = [];
  for (const [i, file] of files.entries()) {
    const body = Buffer.from(shiftTimestamps(raws[i]!, shift), 'utf8');
    const res = await fetch(`${baseUrl}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(body, appSecret) },
      body,
    });
    results.push({ file, status: res.status });
  }
  return results;
}

const app = await createApp();
if (await isDatabaseEmpty(app.db.prisma)) {
  const started = Date.now();
  // History ends 2 h ago, so the replayed WhatsApp fixtures below are the newest threads.
  const seeded = await seedDemo(app.db.prisma, { secrets: app.secrets, now: new Date(Date.now() - 2 * 3_600_000) });
  app.logger.info({ ...seeded.counts, ms: Date.now() - started }, 'demo organization seeded');
}
const server = await runHub(app);
const appSecret = DEMO_PROVIDERS.whatsapp.appSecret;
if (existsSync(path.join(fixturesDir, 'whatsapp'))) {
  const replayed = await replayWhatsAppFixtures(`http://127.0.0.1:${server.port}`, appSecret);
  app.logger.info({ replayed }, 'WhatsApp fixtures replayed through POST /webhooks/whatsapp');
} else {
  app.logger.warn({ fixturesDir }, 'provider fixtures not found beside the repository: WhatsApp replay skipped');
}

const logins = DEMO_LOGINS.map((l) => `    ${l.email.padEnd(26)} ${l.role.padEnd(8)} password: ${l.password}`).join('\n');
process.stdout.write(
  `\n  Hub demo running at ${server.url}  (database: ${app.db.kind})\n` +
    `  GraphQL: ${server.url}/graphql  (graphql-ws on the same path)\n` +
    `  WhatsApp webhook: ${server.url}/webhooks/whatsapp  (app secret: ${appSecret})\n\n` +
    `  Development logins (demo data only):\n${logins}\n\n`,
);
