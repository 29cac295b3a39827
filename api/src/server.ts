/**
 * HTTP wiring on one port: GraphQL over HTTP (Apollo Server 5 on Express 5) and
 * over WebSocket (graphql-ws 6) at /graphql, the HTTP edges of api/src/http/
 * (provider webhooks under /webhooks, media, health), and the built web app at /.
 * Adding a provider changes nothing here (channels/registry.ts).
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createGraphQLLimits } from './http/graphql-limits.js';
import { createHealthRouter } from './http/health.js';
import { createMediaRouter } from './http/media.js';
import { createWebhookRouter } from './http/webhooks.js';
import { JOB } from './jobs/names.js';
import { authenticate } from './modules/auth/auth.service.js';
import { schema } from './schema/index.js';
import type { AppDeps } from './shared/app.js';
import { viewerContext, type HubContext } from './shared/context.js';
import { DomainError } from './shared/errors.js';

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  close(): Promise<void>;
}

/** Masks unexpected errors; keeps messages of errors thrown on purpose (GraphQLError with a code). */
function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError;
  // Expected failures of queries (e.g. renderTemplate with an unknown id) keep their code.
  if (original instanceof DomainError) {
    return { ...formatted, message: original.message, extensions: { code: original.code, field: original.field ?? null } };
  }
  const code = formatted.extensions?.code;
  const expected = !original || original instanceof GraphQLError || (code && code !== 'INTERNAL_SERVER_ERROR');
  if (expected) return formatted;
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

export async function startServer(deps: AppDeps, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const httpServer = http.createServer(app);
  // Every operation is priced before it runs, on HTTP and on the socket alike.
  const limits = createGraphQLLimits(deps);

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { hub?: HubContext }>(
    {
      schema,
      // Refuse the socket unless connectionParams.authorization carries a valid token.
      onConnect: async (ctx) => {
        const viewer = await authenticate(deps, String(ctx.connectionParams?.authorization ?? ''));
        if (!viewer) return false;
        ctx.extra.hub = viewerContext(deps, viewer, { userAgent: ctx.extra.request.headers['user-agent'] });
        return true;
      },
      context: (ctx) => ctx.extra.hub! as never,
      onSubscribe: (ctx, _id, payload) => limits.checkSocketOperation(ctx.extra.hub!, schema, payload),
      onError: (_ctx, _id, _payload, errors) => {
        deps.logger.warn({ errors: errors.map((e) => e.message) }, 'subscription error');
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<HubContext>({
    schema,
    formatError,
    introspection: true,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    // runHub handles SIGINT/SIGTERM (jobs, HTTP, database, in that order); Apollo's own
    // handler would re-raise the signal after its stop and kill the process half-way.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      limits.plugin,
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use(createHealthRouter(deps));
  app.use(createWebhookRouter(deps));
  app.use(createMediaRouter(deps));
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        viewerContext(deps, await authenticate(deps, req.headers.authorization), { ip: req.ip, userAgent: req.headers['user-agent'] }),
    }),
  );

  const dist = deps.config.WEB_DIST;
  if (existsSync(path.join(dist, 'index.html'))) {
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!graphql|webhooks|healthz|health\/|media\/).*/, (_req, res) => res.sendFile(path.join(dist, 'index.html')));
  }

  const port = opts.port ?? deps.config.PORT;
  // A port already in use (EADDRINUSE) fails the start instead of leaving the process hanging.
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, opts.host ?? '0.0.0.0', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const actual = (httpServer.address() as { port: number }).port;
  return {
    url: `http://localhost:${actual}`,
    port: actual,
    httpServer,
    close: async () => {
      await apollo.stop();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/**
 * Serves the hub and runs its job queue (inbound processing, outbox, provider
 * subscriptions) until SIGINT or SIGTERM, then drains HTTP and WebSocket
 * connections, lets running jobs finish and closes the database. Used by
 * main.ts and the demo.
 */
export async function runHub(app: AppDeps & { close(): Promise<void> }): Promise<RunningServer> {
  const server = await startServer(app);
  await app.jobs.start();
  // Provider subscriptions (Graph) are checked at once, not only at the hourly sweep.
  await app.jobs.add(app.db.prisma, JOB.subscriptionSweep, {}, { singletonKey: 'startup:subscription-sweep' });
  app.jobs.kick();
  const stop = async () => {
    await app.jobs.stop();
    await server.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}
