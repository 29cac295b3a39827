/**
 * Child process of bench/fanout.ts: opens one graphql-ws socket per
 * subscriber (tokens and ports from the parent, spread round-robin over the
 * instances), subscribes each to the inbox's `messageAdded`, and reports each
 * message's receipts to the parent once all subscribers have it, as { k, ats }
 * (k parsed from the message content "Fan-out <k>", ats = performance.timeOrigin
 * + performance.now() at each receipt, comparable across processes of one machine). Kept apart from the server so the
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
  // Receipt times per message, reported to the parent (the server's process) in one IPC message
  // once every subscriber has it, so the bench's own messages do not load the server's event loop.
  const receipts = new Map<number, number[]>();
  const receive = (k: number) => {
    let ats = receipts.get(k);
    if (!ats) receipts.set(k, (ats = []));
    ats.push(now());
    if (ats.length === subscribers) {
      receipts.delete(k);
      process.send!({ type: 'receipts', k, ats });
    }
  };
  let subscribed = 0;
  for (let i = 0; i < subscribers; i++) {
    const client = wsClient(ports[i % ports.length]!, tokens[i % tokens.length]!);
    clients.push(client);
    client.subscribe<{ messageAdded: { content: string } }>(
      { query: DOC },
      {
        next: (v) => {
          const m = /^Fan-out (\d+)$/.exec(v.data?.messageAdded.content ?? '');
          if (m) receive(Number(m[1]));
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
