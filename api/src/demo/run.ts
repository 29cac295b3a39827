/**
 * `pnpm demo`: start the PROVIDER SANDBOX (loopback fakes of WhatsApp, Graph,
 * Twilio, Chatwoot and a partner system, see ./sandbox.ts; never real
 * providers), apply migrations, seed the demo organization when the database
 * is empty, point the demo channels at the fakes, start API and web on one
 * port, replay the provider fixtures through the real webhooks (signed with
 * the demo secrets, see ./replay.ts), wait for the jobs they queue, and print
 * the URL and the development logins.
 *
 * The fixtures' timestamps are shifted so the newest arrives a minute ago
 * (keeping the 24-hour WhatsApp window open for replies). Replaying again
 * changes nothing (provider-id dedupe). Replies sent from the demo get signed
 * delivery/read receipts from the fakes a few seconds later.
 */
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { DEMO_PROVIDERS } from './data/channels.js';
import { findFixturesDir, replayProviderFixtures } from './replay.js';
import { describeSandbox, pointDemoChannels, registerDemoMedia, startProviderSandbox } from './sandbox.js';
import { DEMO_LOGINS, isDatabaseEmpty, seedDemo } from './seed.js';
import { seedDemoSla } from './sla.js';
import { backfillReporting } from '../modules/analytics/backfill.js';
import { seedDemoAnalytics } from './analytics.js';
import { runHub } from '../server.js';

// The demo sizes the GraphQL cost buckets for a person clicking through the inbox (its
// first page alone is priced ~300 points); explicit RATE_LIMIT_* settings win.
process.env.RATE_LIMIT_BUCKET_POINTS ??= '20000';
process.env.RATE_LIMIT_RESTORE_RATE ??= '1000';

export { shiftTimestamps } from './replay.js';

// The demo always runs in development mode: unset JWT_SECRET / APP_SECRET_KEY fall back to the
// development values (createApp logs it), whatever NODE_ENV says. `pnpm start` refuses them.
const devConfig = () => loadConfig(process.env, { mode: 'development' });
// The fakes post receipts to the hub's loopback address; createApp() reads the *_BASE_URLs they set.
const hubUrl = `http://127.0.0.1:${devConfig().PORT}`;
const sandbox = await startProviderSandbox(hubUrl);
const sandboxLine = describeSandbox(sandbox);

const app = await createApp({ config: devConfig() });
app.logger.info({ sandbox: sandbox.urls }, `provider sandbox on loopback: ${sandboxLine}`);
if (await isDatabaseEmpty(app.db.prisma)) {
  const started = Date.now();
  // History ends 2 h ago, so the replayed fixtures below are the newest threads.
  const seeded = await seedDemo(app.db.prisma, { secrets: app.secrets, now: new Date(Date.now() - 2 * 3_600_000) });
  app.logger.info({ ...seeded.counts, ms: Date.now() - started }, 'demo organization seeded');
  const sla = await seedDemoSla(app, app.db.prisma, seeded.organizationId);
  app.logger.info(sla, 'demo SLA calendar and policies seeded; four web-chat threads reach their next SLA step within minutes');
  // The seed writes history directly: its reporting facts are rebuilt from it, as `pnpm hub analytics:backfill` does.
  const t0 = Date.now();
  const ratings = await seedDemoAnalytics(app.db.prisma, seeded.organizationId, new Date());
  const report = await backfillReporting(app, seeded.organizationId);
  app.logger.info({ ...ratings, ...report, ms: Date.now() - t0 }, 'demo survey ratings and template use seeded, reporting events rebuilt from history (analytics)');
}
const pointed = await pointDemoChannels(app.db.prisma, sandbox);
if (pointed) app.logger.info({ channels: pointed }, 'demo Chatwoot/API channels pointed at the provider sandbox');
const server = await runHub(app);
const appSecret = DEMO_PROVIDERS.whatsapp.appSecret;
const fixturesDir = findFixturesDir();
if (fixturesDir) {
  const replayed = await replayProviderFixtures(`http://127.0.0.1:${server.port}`, sandbox, fixturesDir);
  try {
    await app.jobs.settle();
  } catch (err) {
    app.logger.warn({ err }, 'jobs queued by the replay did not settle in time');
  }
  const failed = replayed.filter((r) => r.status < 200 || r.status >= 300);
  const summary = replayed.map((r) => `${r.provider}/${r.file} ${r.status}${r.note ? ` (${r.note})` : ''}`).join(', ');
  if (failed.length) app.logger.warn({ replayed }, `provider fixtures replayed, ${failed.length} not accepted: ${summary}`);
  else app.logger.info({ replayed }, `provider fixtures replayed through the webhooks: ${summary}`);
} else {
  app.logger.warn('provider fixtures not found (api/test/fixtures/providers): replay skipped');
}
// After the replay: its WhatsApp fixtures' media too.
const media = await registerDemoMedia(app.db.prisma, sandbox);
app.logger.info(media, 'the seeded and replayed attachments are served by the provider sandbox');

const sandboxBanner = Object.entries(sandbox.urls)
  .map(([k, v]) => `    ${k.padEnd(10)} ${v}`)
  .join('\n');
const logins = DEMO_LOGINS.map((l) => `    ${l.email.padEnd(26)} ${l.role.padEnd(8)} password: ${l.password}`).join('\n');
process.stdout.write(
  `\n  Hub demo running at ${server.url}  (database: ${app.db.kind})\n` +
    `  GraphQL: ${server.url}/graphql  (graphql-ws on the same path)\n` +
    `  WhatsApp webhook: ${server.url}/webhooks/whatsapp  (app secret: ${appSecret})\n` +
    `  PROVIDER SANDBOX (no real provider is contacted):\n${sandboxBanner}\n\n` +
    `  Development logins (demo data only):\n${logins}\n\n`,
);
