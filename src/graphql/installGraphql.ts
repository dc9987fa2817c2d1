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
import type { ServiceParts } from '../main';
import { buildGraphqlSchema } from './buildGraphqlSchema';
import { createGraphqlContext, type GraphqlContext, type GraphqlServices } from './context';
import { unauthenticated } from './errors';
import { serviceUnavailableStatus } from './databaseUnavailable';
import { createFormatError } from './formatError';
import { complexityPlugin } from './limits/complexityPlugin';
import { depthLimit } from './limits/depthLimit';
import { wellFormedTextPlugin } from './edge/wellFormedText';
import { readModelsVersion, sharedReading } from './responseCache/readModelsVersion';
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
}

/**
 * POST /graphql: the public API (Apollo Server on the service's Fastify
 * instance). Every request needs an `Authorization: Bearer <token>`; the
 * token's caller, with the request's own DataLoaders, is the resolvers'
 * context. Queries that read only the read models are answered from the
 * response cache while the read models stay unchanged (GRAPHQL_CACHE_MB).
 * The route exists once this resolves, before the server listens.
 */
export async function installGraphql(
  parts: Pick<
    ServiceParts,
    'config' | 'log' | 'database' | 'eventStore' | 'app' | 'onStop' | 'registry'
  >,
): Promise<ApolloServer<GraphqlContext>> {
  const { config, app, database, eventStore } = parts;
  const log = parts.log.child({ component: 'graphql' });
  const schema = buildGraphqlSchema();
  const development = config.nodeEnv === 'development';
  const verifier = createTokenVerifier(resolveAuthSecret(config));
  const services: GraphqlServices = { db: database.db, eventStore, now: () => new Date() };

  const apollo = new ApolloServer<GraphqlContext>({
    schema,
    introspection: true, // admin tools need it
    csrfPrevention: true,
    includeStacktraceInErrorResponses: development,
    formatError: createFormatError(log, development, database.refusals),
    validationRules: [depthLimit()],
    plugins: [
      responseCachePlugin(),
      wellFormedTextPlugin(),
      complexityPlugin(schema),
      serviceUnavailableStatus,
      // Cache hints would cost a hook per resolved field; the response cache goes by the read models' version instead.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
    ],
    logger: log,
  });
  await apollo.start();
  parts.onStop(() => apollo.stop());

  const cache =
    config.graphqlCacheMb > 0
      ? createResponseCache({
          maxBytes: config.graphqlCacheMb * 1024 * 1024,
          readVersion: sharedReading(() => readModelsVersion(database.db)),
          registry: parts.registry,
        })
      : undefined;
  const arrivals = new WeakMap<FastifyRequest, Arrival>();
  const execute = fastifyApolloHandler(apollo, {
    context: (request) => {
      const { viewer, authError, cacheTicket } = arrivals.get(request) ?? {};
      if (viewer !== undefined)
        return Promise.resolve(createGraphqlContext(services, viewer, cacheTicket));
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
    arrivals.set(request, arrival);
    if (cache !== undefined && arrival.viewer !== undefined) {
      const found = await cache.lookup(request, arrival.viewer);
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
