/** Starts the hub: migrate, then serve. Configuration: see config.ts. */
import { createApp } from './app.js';
import { runHub } from './server.js';

const app = await createApp();
const server = await runHub(app);
app.logger.info({ url: server.url, database: app.db.kind }, 'hub listening');
