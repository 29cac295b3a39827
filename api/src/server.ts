/**
 * HTTP wiring on one port: GraphQL over HTTP (Apollo Server 5 on Express 5) and
 * over WebSocket (graphql-ws 6) at /graphql, the HTTP edges of api/src/http/
 * (provider webhooks under /webhooks, media, health), and the built web app at /.
 * Adding a provider changes nothing here (channels/registry.ts).
 */
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type ExecutionArgs, type GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { deliverDirectly, subscribeShared } from './http/shared-subscriptions.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { createGraphQLLimits } from './http/graphql-limits.js';
import { createHealthRouter } from './http/health.js';
import { introspectionPlugin, introspectionRefusal } from './http/introspection.js';
import { createMediaRouter } from './http/media.js';
import { createSurveyRouter } from './http/survey.js';
import { createWebhookEdge } from './http/webhooks.js';
import { createAnalyticsExportRouter } from './http/analytics-export.js';
import { compressResponses, graphqlSubpathsNotFound, mountWebApp, securityHeaders, TRUST_PROXY } from './http/hygiene.js';
import { createMetricsRouter, instrumentSockets } from './http/metrics.js';
import { observabilityPlugin } from './http/observability.js';
import { createRequestObserver } from './http/request-log.js';
import { JOB } from './jobs/names.js';
import { authenticate } from './modules/auth/auth.service.js';
import { schema } from './schema/index.js';
import type { AppDeps } from './shared/app.js';
import { viewerContext, type HubContext, type Viewer } from './shared/context.js';
import { DomainError } from './shared/errors.js';
import { forgetSessionUser } from './modules/auth/viewer-cache.js';

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
  // No ETag on res.send answers: GraphQL POSTs are not cached, and hashing each ~50 kB answer cost CPU per request
  // (issue 8 §1 profile). Static files keep theirs (express.static sets its own).
  app.set('etag', false);
  app.set('trust proxy', TRUST_PROXY);
  // The webhook edge first, on Node's own request and response (http/webhooks.ts); everything else is Express'.
  const webhooks = createWebhookEdge(deps);
  const httpServer = http.createServer((req, res) => {
    if (!webhooks(req, res)) app(req, res);
  });
  // Every operation is priced before it runs, on HTTP and on the socket alike.
  const limits = createGraphQLLimits(deps);

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  // Open sockets and their viewers: a user's sockets close when their sessions are revoked (below).
  const sockets = new Map<WebSocket, Viewer>();
  const wsCleanup = useServer<Record<string, unknown>, { hub?: HubContext }>(
    // Counts open sockets and running subscriptions for /metrics.
    instrumentSockets(wsServer, {
      schema,
      // Refuse the socket unless connectionParams.authorization carries a valid token.
      onConnect: async (ctx) => {
        const viewer = await authenticate(deps, String(ctx.connectionParams?.authorization ?? ''));
        if (!viewer) return false;
        ctx.extra.hub = viewerContext(deps, viewer, { userAgent: ctx.extra.request.headers['user-agent'] });
        const socket = ctx.extra.socket;
        sockets.set(socket, viewer);
        socket.once('close', () => sockets.delete(socket));
        return true;
      },
      context: (ctx) => ctx.extra.hub! as never,
      // One execution per event and audience, not per subscriber (issue 8 §2).
      subscribe: subscribeShared,
      onSubscribe: async (ctx, id, payload) => {
        const checked = await limits.checkSocketOperation(ctx.extra.hub!, schema, payload);
        if (Array.isArray(checked)) return checked;
        const refusal = introspectionRefusal(deps.config, ctx.extra.hub!.viewer, schema, checked.document);
        if (refusal) return [new GraphQLError(refusal.message, { extensions: { code: 'INTROSPECTION_DISABLED' } })];
        // This subscription's own args: its `next` frames are written to its socket with the result serialized once per audience.
        const args = { ...checked };
        deliverDirectly(args as ExecutionArgs, ctx.extra.socket, id);
        return args;
      },
      onError: (_ctx, _id, _payload, errors) => {
        deps.logger.warn({ errors: errors.map((e) => e.message) }, 'subscription error');
      },
    }),
    wsServer,
  );

  // logout / revokeSessions / deactivateUser on any instance (Redis pub/sub when configured):
  // close the user's sockets here with 4401, so no event reaches them after.
  const revocations = deps.pubsub.subscribe('sessionsRevoked');
  void (async () => {
    try {
      for await (const event of revocations) {
        forgetSessionUser(deps, event.userId);
        for (const [socket, viewer] of sockets) {
          if (viewer.kind === 'USER' && viewer.id === event.userId && viewer.organizationId === event.organizationId) {
            sockets.delete(socket);
            socket.close(4401, 'Session revoked');
          }
        }
      }
    } catch (err) {
      deps.logger.error({ err }, 'sessionsRevoked listener stopped');
    }
  })();

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
      // The hub sets no cache hints; Apollo's default cache-control plugin wrapped every field
      // resolver to compute them (issue 8 §1 profile).
      ApolloServerPluginCacheControlDisabled(),
      // On shutdown, running requests get SHUTDOWN_TIMEOUT_MS before their connections are cut.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: deps.config.SHUTDOWN_TIMEOUT_MS }),
      // Before the limits: a refused introspection is not priced.
      introspectionPlugin(deps.config),
      limits.plugin,
      // Operation name and viewer in the logs, durations and error codes in /metrics, unexpected errors logged with their stack.
      observabilityPlugin,
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

  // Request id, log scope and HTTP metrics first; then security headers and compression for everything below (http/hygiene.ts).
  app.use(createRequestObserver(deps));
  app.use(securityHeaders());
  app.use(compressResponses());
  // GraphQL before the other routers: the busiest path does not walk their routes (issue 8 §1). None of them
  // serves a path under /graphql, and none adds middleware for other paths.
  app.use(graphqlSubpathsNotFound);
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => viewerContext(deps, await authenticate(deps, req.headers.authorization), { ip: req.ip, userAgent: req.headers['user-agent'] }),
    }),
  );
  app.use(createHealthRouter(deps));
  app.use(createMetricsRouter(deps));
  app.use(createMediaRouter(deps));
  app.use(createSurveyRouter(deps));
  app.use(createAnalyticsExportRouter(deps));

  // The built web app (cached by content hash), JSON 404s under the API, a JSON error handler.
  mountWebApp(app, deps);

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
      await revocations.return?.();
      await apollo.stop();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/**
 * Graceful shutdown, within `timeoutMs` (SHUTDOWN_TIMEOUT_MS): stop accepting
 * connections and claiming jobs, close graphql-ws sockets with 1001 (Going
 * away), let running HTTP requests and jobs finish, then close pub/sub and the
 * database. When time runs out, open HTTP connections are cut and the result
 * says so (runHub then exits with 1); a job cut short keeps its lease and runs
 * again on the next start (handlers are idempotent).
 */
export async function shutdownHub(app: AppDeps & { close(): Promise<void> }, server: RunningServer, timeoutMs: number): Promise<{ timedOut: boolean }> {
  const started = Date.now();
  app.logger.info({ timeoutMs }, 'shutting down: no new connections or jobs, finishing running requests and jobs');
  const graceful = (async () => {
    await Promise.all([server.close(), app.jobs.stop()]);
    await app.close();
    return 'done' as const;
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([graceful, late]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    server.httpServer.closeAllConnections();
    app.logger.error({ timeoutMs }, 'shutdown timed out: open connections cut');
    return { timedOut: true };
  }
  app.logger.info({ ms: Date.now() - started }, 'shut down');
  return { timedOut: false };
}

/**
 * Serves the hub and runs its job queue (inbound processing, outbox, provider
 * subscriptions) until SIGINT or SIGTERM, then shuts down gracefully
 * ({@link shutdownHub}). Used by main.ts and the demo.
 */
export async function runHub(app: AppDeps & { close(): Promise<void> }): Promise<RunningServer> {
  const server = await startServer(app);
  await app.jobs.start();
  // Provider subscriptions (Graph) are checked at once, not only at the hourly sweep.
  await app.jobs.add(app.db.prisma, JOB.subscriptionSweep, {}, { singletonKey: 'startup:subscription-sweep' });
  app.jobs.kick();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const { timedOut } = await shutdownHub(app, server, app.config.SHUTDOWN_TIMEOUT_MS);
    process.exit(timedOut ? 1 : 0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}
