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
const { createApp } = await import('./app.js');
const { runHub } = await import('./server.js');
const app = await createApp({ config });
const server = await runHub(app);
app.logger.info({ url: server.url, database: app.db.kind }, 'hub listening');
