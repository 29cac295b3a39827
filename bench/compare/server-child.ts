/**
 * Child process of run.ts: one server under test, alone in its process so its CPU time is its
 * own. argv[2]: `hub` (the real hub: createApp + startServer over DATABASE_URL, jobs stopped:
 * the load is read-only), `hub-pglite` (the same on an in-memory PGlite it seeds itself with the
 * demo data, for reference) or `baseline` (baseline.ts over DATABASE_URL). Sends
 * { type: 'ready', url, prepared? } once listening (prepared: hub-pglite's token and thread id), answers { type: 'cpu' } with { type: 'cpu', micros, statements, peakRss }
 * (process.cpuUsage user + system; SQL statements sent so far; the highest RSS in bytes since the previous answer), exits on { type: 'stop' }.
 */
import { startBaseline } from './baseline.js';

const kind = process.argv[2];
let url: string;
let prepared: { token: string; threadId: string } | undefined;
let close: () => Promise<void>;
/** SQL statements the hub sent (the baseline: every pool query), for statements per request. */
let statements = 0;
if (kind === 'baseline') {
  const b = await startBaseline({ databaseUrl: process.env.DATABASE_URL!, jwtSecret: process.env.JWT_SECRET!, onQuery: () => statements++ });
  url = b.url;
  close = b.close;
} else {
  const { createApp } = await import('../../api/src/app.js');
  const { loadConfig } = await import('../../api/src/config.js');
  const { startServer } = await import('../../api/src/server.js');
  const env = { ...process.env, LOG_LEVEL: 'silent' } as Record<string, string>;
  if (kind === 'hub-pglite') delete env.DATABASE_URL;
  const app = await createApp({ config: loadConfig(env), inMemory: kind === 'hub-pglite' });
  if (kind === 'hub-pglite') {
    const { prepareBenchData } = await import('./data.js');
    prepared = await prepareBenchData(app);
  }
  app.db.onQuery.add(() => statements++);
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${server.port}`;
  close = async () => {
    await server.close();
    await app.close();
  };
}
/** The highest RSS (bytes) sampled every 50 ms since the last `cpu` message: the memory under the load of a round. */
let peakRss = process.memoryUsage.rss();
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50).unref();
process.on('message', async (m: { type: string }) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    const rss = Math.max(peakRss, process.memoryUsage.rss());
    peakRss = process.memoryUsage.rss();
    if (process.env.BENCH_MEMDEBUG)
      console.error(kind, 'before gc', JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1048576)]))));
    if (process.env.BENCH_MEMDEBUG) (globalThis as { gc?: () => void }).gc?.();
    if (process.env.BENCH_MEMDEBUG) console.error(kind, JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1048576)]))));
    process.send!({ type: 'cpu', micros: u.user + u.system, statements, peakRss: rss });
  } else if (m.type === 'stop') {
    await close();
    process.exit(0);
  }
});
process.send!({ type: 'ready', url, prepared });
