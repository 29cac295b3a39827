/**
 * Child process of bench/webhooks.ts: the hub under test alone in its process (webhooks-hub.ts),
 * bundled by api/build.ts and run with `pnpm start`'s node flags, as a deployment runs it.
 * Sends { type: 'ready', port, token, dbKind, jobConcurrency } once listening; answers
 * { type: 'call', id, method, args } with { type: 'result', id, value } or { type: 'result', id, error };
 * `close` ends the process after answering.
 */
import { startWebhookHub, type WebhookHub } from './webhooks-hub.js';

// BENCH_WA: the WhatsApp fixture as JSON (webhooks.ts passes it).
const hub = await startWebhookHub(process.env, JSON.parse(process.env.BENCH_WA!));
process.on('message', async (m: { type: string; id: number; method: keyof WebhookHub; args: unknown[] }) => {
  if (m.type !== 'call') return;
  let answer: object;
  try {
    answer = { type: 'result', id: m.id, value: await (hub[m.method] as (...a: unknown[]) => Promise<unknown>)(...m.args) };
  } catch (err) {
    answer = { type: 'result', id: m.id, error: String((err as Error)?.message ?? err) };
  }
  process.send!(answer, () => {
    if (m.method === 'close') process.exit(0);
  });
});
process.send!({ type: 'ready', port: hub.port, token: hub.token, dbKind: hub.dbKind, jobConcurrency: hub.jobConcurrency });
