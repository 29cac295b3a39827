/**
 * Child process of bench/fanout.ts: opens one graphql-ws socket per
 * subscriber (tokens and ports from the parent, spread round-robin over the
 * instances), subscribes each to the inbox's `messageAdded`, and reports every
 * receipt to the parent as { k, at } (k parsed from the message content
 * "Fan-out <k>", at = performance.timeOrigin + performance.now(), comparable
 * across processes of one machine). Kept apart from the server so the
 * server's memory figures hold the server only.
 */
import { wsClient } from '../api/test/graphql/helpers.js';

interface Start {
  ports: number[];
  tokens: string[];
  subscribers: number;
}

const now = () => performance.timeOrigin + performance.now();
const DOC = 'subscription { messageAdded { id content createdAt thread { id } sender { kind name } } }';

process.once('message', async (raw) => {
  const { ports, tokens, subscribers } = raw as Start;
  const clients: ReturnType<typeof wsClient>[] = [];
  let subscribed = 0;
  for (let i = 0; i < subscribers; i++) {
    const client = wsClient(ports[i % ports.length]!, tokens[i % tokens.length]!);
    clients.push(client);
    client.subscribe<{ messageAdded: { content: string } }>(
      { query: DOC },
      {
        next: (v) => {
          const m = /^Fan-out (\d+)$/.exec(v.data?.messageAdded.content ?? '');
          if (m) process.send!({ type: 'receipt', k: Number(m[1]), at: now() });
        },
        error: (err) => process.send!({ type: 'error', message: String((err as Error)?.message ?? JSON.stringify(err)) }),
        complete: () => undefined,
      },
    );
    subscribed++;
  }
  process.send!({ type: 'subscribed', count: subscribed });
  process.once('message', async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    process.exit(0);
  });
});
