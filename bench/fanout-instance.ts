/**
 * Child process of bench/fanout.ts (BENCH_INSTANCES=2): a further hub instance in a process of its
 * own, as a second deployment runs it: createApp + startServer on the same PostgreSQL database and
 * Redis as the first instance (DATABASE_URL, REDIS_URL, LOG_LEVEL from the parent's env), without
 * the job queue (the first instance processes the webhooks; this one receives the events through
 * Redis and serves its share of the subscribers). Sends { type: 'ready', port } once listening;
 * answers { type: 'cpu' } with { type: 'cpu', micros } (its CPU time so far, user + system, µs);
 * { type: 'stop' } closes the server and the app and exits.
 */
import { createApp } from '../api/src/app.js';
import { loadConfig } from '../api/src/config.js';
import { startServer } from '../api/src/server.js';

const app = await createApp({ config: loadConfig(process.env), inMemory: true });
const server = await startServer(app, { port: 0, host: '127.0.0.1' });
process.on('message', async (m: { type: string }) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    process.send!({ type: 'cpu', micros: u.user + u.system });
  } else if (m.type === 'stop') {
    await server.close();
    await app.close();
    process.exit(0);
  }
});
process.send!({ type: 'ready', port: server.port });
