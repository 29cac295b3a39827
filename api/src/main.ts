/** Starts the hub: migrate, then serve. Configuration: see config.ts. */
import { createApp } from './app.js';
import { startOutboxWorker } from './jobs/outbox.js';
import { startServer } from './server.js';

const app = await createApp();
const server = await startServer(app);
const outbox = startOutboxWorker(app);
app.logger.info({ url: server.url, database: app.db.kind }, 'hub listening');
const stop = async () => {
  await outbox.stop();
  await server.close();
  await app.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
