// First: graphql-js decides when it is loaded whether to run its development checks.
import './productionMode';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyRequest } from 'fastify';
import { resolveAuthSecret } from '../auth/authSecret';
import { AuthenticationFailed, createTokenVerifier } from '../auth/tokenVerifier';
import type { Viewer } from '../auth/viewer';
import type { ServiceParts } from '../serviceParts';
import { buildGraphqlSchema } from './buildGraphqlSchema';
import { createGraphqlContext, type GraphqlContext } from './context';
import type { GraphqlServices } from './graphqlServices';
import { unauthenticated } from './errors';
import { serviceUnavailableStatus } from './databaseUnavailable';
import { createFormatError } from './formatError';
import { installSubscriptions } from './installSubscriptions';
import { createOrderChangeFeed } from './subscriptions/orderChangeFeed';
import { complexityPlugin } from './limits/complexityPlugin';
import { depthLimit } from './limits/depthLimit';
import { wellFormedTextPlugin } from './edge/wellFormedText';
import { sharedReading } from './responseCache/readModelsVersion';
import { createWakeups } from '../eventstore/wakeups';
import { READ_MODELS_CHANNEL } from '../projections/projectionCheckpoints';
import {
  createConsistentReads,
  READ_CONSISTENCY_HEADER,
  readConsistencyOf,
  type ReadGate,
  readModelsBehindPlugin,
} from './consistency/consistentReads';
import { readModelsReading } from './consistency/readModelsReading';
import { createReadNeeds } from './consistency/readNeeds';
import {
  CacheTicket,
  createResponseCache,
  responseCachePlugin,
} from './responseCache/responseCache';

/** What the route learned about a request before Apollo runs it. */
interface Arrival {
  viewer?: Viewer;
  /** Why the token was refused. */
  authError?: Error;
  cacheTicket?: CacheTicket;
  /** The query ran on read models that had not caught up with the writes before it. */
  readModelsBehind?: boolean;
}

/**
 * POST /graphql: the public API (Apollo Server on the service's Fastify
 * instance), and its subscriptions over a WebSocket upgrade of /graphql. Every request needs an `Authorization: Bearer <token>`; the
 * token's caller, with the request's own DataLoaders, is the resolvers'
 * context. Queries that read only the read models are answered from the
 * response cache while the read models stay unchanged (GRAPHQL_CACHE_MB).
 * The route exists once this resolves, before the server listens.
 */
export async function installGraphql(
  parts: Pick<
    ServiceParts,
    'config' | 'log' | 'database' | 'wakeups' | 'eventStore' | 'app' | 'onStop' | 'registry'
  >,
): Promise<ApolloServer<GraphqlContext>> {
  const { config, app, database, eventStore } = parts;
  const log = parts.log.child({ component: 'graphql' });
  const schema = buildGraphqlSchema();
  const development = config.nodeEnv === 'development';
  const verifier = createTokenVerifier(resolveAuthSecret(config));
  // Projection batches say they committed on this channel: queries waiting to
  // read their writes and the orderChanged feed both listen (one connection, opened when first needed).
  const moved = createWakeups({
    url: database.url,
    channel: READ_MODELS_CHANNEL,
    onError: (error) => {
      if (!database.refusals.refused(error))
        log.warn({ err: error }, 'read-model wake-up connection failed; waiting queries poll');
    },
  });
  parts.onStop(() => moved.close());
  const orderChanges = createOrderChangeFeed({
    db: database.db,
    onReadModelsMoved: (listener) => moved.onWake(listener),
    onError: (error) => {
      if (!database.refusals.refused(error))
        log.warn({ err: error }, 'reading changed orders for subscriptions');
    },
  });
  parts.onStop(() => Promise.resolve(orderChanges.close()));
  const services: GraphqlServices = {
    db: database.db,
    eventStore,
    now: () => new Date(),
    orderChanges,
  };

  const formatError = createFormatError(log, development, database.refusals);
  const apollo = new ApolloServer<GraphqlContext>({
    schema,
    introspection: true, // admin tools need it
    csrfPrevention: true,
    includeStacktraceInErrorResponses: development,
    formatError,
    validationRules: [depthLimit()],
    plugins: [
      responseCachePlugin(),
      readModelsBehindPlugin(),
      wellFormedTextPlugin(),
      complexityPlugin(schema),
      serviceUnavailableStatus,
      // Cache hints would cost a hook per resolved field; the response cache goes by the read models' version instead.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
    ],
    logger: log,
    // `serve` stops on SIGINT/SIGTERM itself, in order (HTTP, workers, database). Apollo's own
    // handlers (on outside NODE_ENV=test) would stop it first and raise the signal again.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  parts.onStop(() => apollo.stop());
  installSubscriptions({ app, schema, verifier, services, formatError, development });

  // One statement, shared by concurrent requests, tells both where the read
  // models stand (the cache's version) and whether they hold the log's head.
  const reading = sharedReading(() => readModelsReading(database.db));
  const cache =
    config.graphqlCacheMb > 0
      ? createResponseCache({
          maxBytes: config.graphqlCacheMb * 1024 * 1024,
          readVersion: async () => (await reading()).version,
          registry: parts.registry,
        })
      : undefined;
  const readNeeds = createReadNeeds();
  const consistentReads = (() => {
    if (config.readConsistencyWaitMs === 0) return undefined;
    const reads = createConsistentReads({
      read: reading,
      onReadModelsMoved: (listener) => moved.onWake(listener),
      wakeProjections: () => parts.wakeups.committed(),
      waitMs: config.readConsistencyWaitMs,
      registry: parts.registry,
    });
    parts.onStop(() => Promise.resolve(reads.stop()));
    return reads;
  })();

  /** Waits, for a query that reads what earlier writes changed, until the read models hold them. */
  const gate = async (request: FastifyRequest): Promise<ReadGate | undefined> => {
    const body = request.body as { query?: unknown; operationName?: unknown } | null;
    if (consistentReads === undefined || typeof body?.query !== 'string') return undefined;
    const need = readNeeds(
      body.query,
      typeof body.operationName === 'string' ? body.operationName : undefined,
    );
    if (need === 'none') return undefined;
    try {
      return await consistentReads.await(need);
    } catch {
      return undefined; // the database is out of reach: the request itself will say so
    }
  };

  const arrivals = new WeakMap<FastifyRequest, Arrival>();
  const execute = fastifyApolloHandler(apollo, {
    context: (request) => {
      const { viewer, authError, cacheTicket, readModelsBehind } = arrivals.get(request) ?? {};
      if (viewer !== undefined)
        return Promise.resolve({
          ...createGraphqlContext(services, viewer, cacheTicket),
          ...(readModelsBehind ? { readModelsBehind } : {}),
        });
      return Promise.reject(authError ?? new Error('POST /graphql ran without its token checked'));
    },
  });

  app.post<{ Reply: string }>('/graphql', async function (request, reply) {
    const arrival: Arrival = {};
    try {
      arrival.viewer = await verifier.verify(request.headers.authorization);
    } catch (error) {
      if (error instanceof AuthenticationFailed) arrival.authError = unauthenticated(error.message);
      else arrival.authError = error instanceof Error ? error : new Error(String(error));
    }
    const consistency = readConsistencyOf(request.headers[READ_CONSISTENCY_HEADER]);
    if (consistency instanceof Error) {
      void reply.code(400).header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify({
        errors: [{ message: consistency.message, extensions: { code: 'BAD_REQUEST' } }],
      });
    }
    arrivals.set(request, arrival);
    const read =
      arrival.viewer === undefined || consistency === 'eventual' ? undefined : await gate(request);
    if (read?.behind) arrival.readModelsBehind = true;
    if (cache !== undefined && arrival.viewer !== undefined) {
      const found = await cache.lookup(request, arrival.viewer, read);
      if (found !== undefined && !(found instanceof CacheTicket)) {
        void reply.header('content-type', found.contentType);
        return found.body;
      }
      arrival.cacheTicket = found;
    }
    let body: string | void = undefined;
    try {
      body = await execute.call(this, request, reply);
      return body;
    } finally {
      if (cache !== undefined && arrival.cacheTicket !== undefined)
        cache.remember(
          arrival.cacheTicket,
          reply.statusCode,
          body,
          reply.getHeader('content-type'),
        );
    }
  });
  return apollo;
}
