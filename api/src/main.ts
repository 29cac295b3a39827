/**
 * Starts the hub: migrate, then serve. Configuration: see config.ts. Always
 * production mode: it refuses to start without JWT_SECRET and APP_SECRET_KEY
 * (the demo, src/demo/run.ts, is the development entry point).
 */
import { loadConfig, type Config } from './config.js';

// The configuration is checked before anything else is even loaded.
let config: Config;
try {
  config = loadConfig(process.env, { mode: 'production' });
} catch (err) {
  process.stderr.write(`hub: refusing to start. ${(err as Error).message}\n`);
  process.exit(1);
}
// graphql-js, Apollo and Express read NODE_ENV when they load: unset, graphql-js checks every
// instanceOf the slow way (across realms; 1.9 % of the inbox's CPU profile, issue 8 §1).
process.env.NODE_ENV ??= 'production';
const { createApp } = await import('./app.js');
const { runHub } = await import('./server.js');
const app = await createApp({ config });
const server = await runHub(app);
app.logger.info({ url: server.url, database: app.db.kind }, 'hub listening');
